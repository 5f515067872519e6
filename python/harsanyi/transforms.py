"""AND (Harsanyi) and OR interactions of a game, their inverses and transposes.

All four transforms are butterflies run in C: n * 2**(n-1) additions on 2**n values,
no dense matrix (theory.md §2).  A game is an array of shape ``(..., 2**n)`` with
``v[..., S] = v(x_S)``, bit i of S set iff player i is present (theory.md §1).
"""

from __future__ import annotations

import warnings

import numpy as np

from . import _core
from ._validation import aligned_empty, game_array, nonfinite_message, output_array

__all__ = ["and_interactions", "and_values", "or_interactions", "or_values"]


def _transform(kind: int, values, name: str, out, check_finite: bool) -> np.ndarray:
    arr, _ = game_array(values, name)
    result, target = output_array(out, arr, arr.shape)
    in_place_ok = kind in (
        _core.AND_INTERACTIONS, _core.AND_VALUES, _core.AND_INTERACTIONS_T, _core.AND_VALUES_T
    )
    if np.shares_memory(arr, target) and not (in_place_ok and arr.ctypes.data == target.ctypes.data):
        target = aligned_empty(arr.shape, arr.dtype)
    status = _core.transform(arr, target, kind)
    # Games run in parallel report one status: an overflow may hide a non-finite input.
    nonfinite = status == _core.NONFINITE or (status == _core.OVERFLOW and
                                              not _core.all_finite(arr))
    if check_finite and nonfinite:
        raise ValueError(nonfinite_message(arr, name))
    if status == _core.OVERFLOW and not nonfinite:
        warnings.warn(f"the transform of {name} overflowed {arr.dtype}'s range: finite values "
                      "gave Inf or NaN; rescale the game, or compute in float64",
                      RuntimeWarning, stacklevel=3)
    if target is not result:
        result[...] = target
    return result


def and_interactions(values, *, transpose: bool = False, out=None, check_finite: bool = True):
    """AND (Harsanyi) interactions of a game: its Möbius transform (theory.md §2).

    ``I_and(S) = Σ_{T⊆S} (-1)^{|S|-|T|} v(T)``.

    Parameters
    ----------
    values : array_like, shape (..., 2**n)
        ``values[..., S] = v(x_S)``, bit i of S set iff player i is in S.  float32 and
        float64 keep their dtype; other real dtypes are computed in float64.  PyTorch
        tensors are accepted (copied to the CPU).
    transpose : bool, default False
        Apply the transposed transform instead: ``Σ_{T⊇S} (-1)^{|T|-|S|} y(T)``.
    out : ndarray, optional
        Where to write the result (same shape and dtype as the result).  May be the
        input itself for an in-place transform.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf; with False they propagate.

    Returns
    -------
    ndarray, shape (..., 2**n)
        ``I_and[..., S]``; ``I_and[..., 0] = v(∅)``.

    Examples
    --------
    >>> import numpy as np, harsanyi as hs
    >>> hs.and_interactions(np.array([0.0, 1.0, 2.0, 5.0]))   # v(∅), v({0}), v({1}), v({0,1})
    array([0., 1., 2., 2.])
    """
    kind = _core.AND_INTERACTIONS_T if transpose else _core.AND_INTERACTIONS
    return _transform(kind, values, "values", out, check_finite)


def and_values(and_interactions, *, transpose: bool = False, out=None, check_finite: bool = True):
    """The game whose AND interactions are given: ``v(S) = Σ_{T⊆S} I_and(T)`` (theory.md §2).

    Parameters
    ----------
    and_interactions : array_like, shape (..., 2**n)
        AND interactions, as returned by :func:`and_interactions`.
    transpose : bool, default False
        Apply the transpose instead (superset sums): ``Σ_{T⊇S} y(T)``.
    out : ndarray, optional
        Where to write the result; may be the input itself.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., 2**n)
        The values ``v(S)`` for every subset S.
    """
    kind = _core.AND_VALUES_T if transpose else _core.AND_VALUES
    return _transform(kind, and_interactions, "and_interactions", out, check_finite)


def or_interactions(values, *, transpose: bool = False, out=None, check_finite: bool = True):
    """OR interactions of a game (theory.md §2).

    ``I_or(S) = -Σ_{T⊆S} (-1)^{|S|-|T|} v(N \\ T)`` for S ≠ ∅ and ``I_or(∅) = v(∅)``.
    They satisfy ``v(S) = I_or(∅) + Σ_{T≠∅, T∩S≠∅} I_or(T)``.

    Parameters
    ----------
    values : array_like, shape (..., 2**n)
        The game, as for :func:`and_interactions`.
    transpose : bool, default False
        Apply the transposed linear map instead.
    out : ndarray, optional
        Where to write the result; it must not overlap the input.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., 2**n)
        ``I_or[..., S]``.

    Examples
    --------
    >>> import numpy as np, harsanyi as hs
    >>> hs.or_interactions(np.array([0.0, 1.0, 1.0, 1.0]))   # v = 1 if any player is present
    array([0., 0., 0., 1.])
    """
    kind = _core.OR_INTERACTIONS_T if transpose else _core.OR_INTERACTIONS
    return _transform(kind, values, "values", out, check_finite)


def or_values(or_interactions, *, transpose: bool = False, out=None, check_finite: bool = True):
    """The game whose OR interactions are given (theory.md §2).

    ``v(S) = I_or(∅) + Σ_{T≠∅, T∩S≠∅} I_or(T)``.

    Parameters
    ----------
    or_interactions : array_like, shape (..., 2**n)
        OR interactions, as returned by :func:`or_interactions`.
    transpose : bool, default False
        Apply the transposed linear map instead.
    out : ndarray, optional
        Where to write the result; it must not overlap the input.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., 2**n)
        The values ``v(S)`` for every subset S.
    """
    kind = _core.OR_VALUES_T if transpose else _core.OR_VALUES
    return _transform(kind, or_interactions, "or_interactions", out, check_finite)
