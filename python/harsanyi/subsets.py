"""Subsets as integer masks, and the subset orders used by published code (theory.md §1).

harsanyi stores a subset S of n players as the integer mask with bit i set iff player
i is in S, and a game as ``v[..., mask]``.  Published code uses two other orders:

- ``"msb"``: player 0 is the *most* significant bit (``np.binary_repr(mask, n)`` read
  left to right as players 0..n-1), as in the public code of the AND-OR papers;
- ``"size"``: subsets sorted by size, and within one size in the order of
  ``itertools.combinations(range(n), k)``, as in shapiq and some of the papers' scripts.

:func:`to_order` and :func:`from_order` convert arrays between these and ours
(``"lsb"``, the identity).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ._validation import MAX_PLAYERS, check_memory, game_array, whole_number

__all__ = [
    "subset_masks",
    "subset_sizes",
    "subset_order",
    "to_order",
    "from_order",
    "players_of",
    "mask_of",
]

ORDERS = ("lsb", "msb", "size")


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer number of players, got {n!r}")
    n = int(n)
    if not 0 <= n <= MAX_PLAYERS:
        raise ValueError(f"n must be between 0 and {MAX_PLAYERS}, got {n}")
    return n


def subset_masks(n: int) -> np.ndarray:
    """All 2**n subsets as a boolean matrix: row S, column i is True iff player i ∈ S.

    Parameters
    ----------
    n : int
        Number of players.

    Returns
    -------
    ndarray of bool, shape (2**n, n)
    """
    n = _check_n(n)
    check_memory((1 << n) * max(n, 1), f"subset_masks({n})")
    masks = np.arange(1 << n, dtype=np.int64)
    return ((masks[:, None] >> np.arange(n, dtype=np.int64)) & 1).astype(bool)


def subset_sizes(n: int) -> np.ndarray:
    """|S| for every mask S = 0..2**n-1, as int64 (theory.md §1)."""
    n = _check_n(n)
    check_memory((1 << n) * 8, f"subset_sizes({n})")
    sizes = np.zeros(1 << n, dtype=np.int64)
    for i in range(n):  # the popcount, built up one bit at a time
        sizes[1 << i : 2 << i] = sizes[: 1 << i] + 1
    return sizes


def _bit_reverse(masks: np.ndarray, n: int) -> np.ndarray:
    reversed_ = np.zeros_like(masks)
    for i in range(n):
        reversed_ |= ((masks >> i) & 1) << (n - 1 - i)
    return reversed_


@lru_cache(maxsize=32)
def _order_permutation(n: int, order: str) -> np.ndarray:
    masks = np.arange(1 << n, dtype=np.int64)
    if order == "lsb":
        perm = masks
    elif order == "msb":
        perm = _bit_reverse(masks, n)
    else:
        # Within a size, combinations() order is descending in the msb reading.
        perm = np.lexsort((-_bit_reverse(masks, n), subset_sizes(n)))
    perm.setflags(write=False)
    return perm


def subset_order(n: int, order: str = "size") -> np.ndarray:
    """The masks of all subsets listed in another order.

    Parameters
    ----------
    n : int
        Number of players.
    order : {"size", "msb", "lsb"}
        The order to list subsets in (see the module docstring).

    Returns
    -------
    ndarray of int64, shape (2**n,)
        ``perm[j]`` is the mask of the j-th subset in that order, so that
        ``values[..., perm]`` lists a game in that order.

    Examples
    --------
    >>> import harsanyi as hs
    >>> hs.subset_order(3, "size").tolist()   # ∅, {0}, {1}, {2}, {0,1}, {0,2}, {1,2}, N
    [0, 1, 2, 4, 3, 5, 6, 7]
    """
    n = _check_n(n)
    if order not in ORDERS:
        raise ValueError(f"unknown subset order {order!r}; choose one of {ORDERS}")
    check_memory((1 << n) * 8 * 4, f"subset_order({n})")
    return _order_permutation(n, order).copy()


def to_order(values, order: str) -> np.ndarray:
    """Reorder the last axis of a game from harsanyi's order to another one.

    Parameters
    ----------
    values : array_like, shape (..., 2**n)
        A game or interactions indexed by mask (bit i = player i).
    order : {"size", "msb", "lsb"}
        The target order (see the module docstring).

    Returns
    -------
    ndarray, shape (..., 2**n)
        ``result[..., j] = values[..., subset_order(n, order)[j]]``.
    """
    arr, n = game_array(values, "values")
    return arr[..., subset_order(n, order)]


def from_order(values, order: str) -> np.ndarray:
    """Reorder the last axis of a game from another order to harsanyi's (inverse of
    :func:`to_order`).

    Parameters
    ----------
    values : array_like, shape (..., 2**n)
        A game or interactions listed in `order`.
    order : {"size", "msb", "lsb"}
        The order `values` is in.

    Returns
    -------
    ndarray, shape (..., 2**n)
        The same numbers indexed by mask.
    """
    arr, n = game_array(values, "values")
    result = np.empty_like(arr)
    result[..., subset_order(n, order)] = arr
    return result


def players_of(mask: int) -> tuple[int, ...]:
    """The players in a subset mask, in increasing order: ``players_of(0b101) == (0, 2)``."""
    mask = whole_number(mask, "a subset mask")
    if mask < 0:
        raise ValueError(f"a subset mask is a non-negative integer, got {mask}")
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def mask_of(players) -> int:
    """The mask of a collection of player indices: ``mask_of((0, 2)) == 5``."""
    mask = 0
    for player in players:
        player = whole_number(player, "a player index")
        if not 0 <= player < MAX_PLAYERS:
            raise ValueError(f"player index {player} is outside 0..{MAX_PLAYERS - 1}")
        mask |= 1 << player
    return mask
