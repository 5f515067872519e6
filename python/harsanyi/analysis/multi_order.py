"""Multi-order interactions of player pairs, exact for games given on all subsets (theory.md §8).

``I^(m)(i,j) = E_{S⊆N\\{i,j}, |S|=m} Δv(i,j,S)`` with
``Δv(i,j,S) = v(S∪{i,j}) - v(S∪{i}) - v(S∪{j}) + v(S)``.  Since
``Δv(i,j,S) = Σ_{T⊆S} I_and(T∪{i,j})``, every subset U ∋ i, j contributes its AND
interaction with weight ``C(n-2-t, m-t) / C(n-2, m)``, t = |U| - 2: one weighted Gram product
of the subsets' membership matrix per order, O(M · 2^n · n²), no loop over contexts.
"""

from __future__ import annotations

from math import comb

import numpy as np

from .._validation import check_memory, game_array, require_finite
from ..subsets import subset_masks, subset_sizes
from ..transforms import and_interactions

__all__ = ["pairwise_interactions", "orders_of", "BOTTLENECK_RATIOS"]

# The orders of the representation-bottleneck paper, as ratios m / (n - 2) (theory.md §8).
BOTTLENECK_RATIOS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)


def orders_of(orders, n: int) -> np.ndarray:
    """Context sizes m for n players: integers as they are, floats in [0, 1] as ratios
    (``m = ⌊(n - 2) r⌋``); None gives every m = 0 .. n - 2."""
    if n < 2:
        raise ValueError(f"pairwise interactions need at least 2 players, got n = {n}")
    if orders is None:
        return np.arange(n - 1)
    orders = np.atleast_1d(np.asarray(orders))
    if orders.dtype.kind == "f":
        if np.any((orders < 0) | (orders > 1)) or not np.all(np.isfinite(orders)):
            raise ValueError(f"order ratios must lie in [0, 1], got {orders.tolist()}")
        return np.floor((n - 2) * orders + 1e-9).astype(np.int64)
    if orders.dtype.kind not in "iu" or np.any((orders < 0) | (orders > n - 2)):
        raise ValueError(f"orders must be integers in 0..{n - 2} or ratios in [0, 1], got "
                         f"{orders.tolist()}")
    return orders.astype(np.int64)


def pairwise_interactions(values, orders=None, *, check_finite: bool = True) -> np.ndarray:
    """Exact multi-order interactions I^(m)(i,j) of every player pair (theory.md §8).

    Parameters
    ----------
    values : array_like, shape (..., 2**n)
        The game v(S) by mask, n >= 2.
    orders : sequence of int or float, optional
        Context sizes m (integers in 0..n-2) or ratios r (floats in [0, 1], m = ⌊(n-2)r⌋,
        e.g. :data:`BOTTLENECK_RATIOS`); default every m.
    check_finite : bool, default True
        Raise ValueError if `values` holds NaN or Inf.

    Returns
    -------
    ndarray, shape (..., M, n, n)
        ``out[..., k, i, j] = I^(m_k)(i,j)``, symmetric, zero on the diagonal.  The mean over
        all orders m = 0..n-2 is the Shapley interaction index of the pair.
    """
    v, n = game_array(values, "values")
    v = np.asarray(v, dtype=np.float64)
    if check_finite:
        require_finite(v, "values")
    ms = orders_of(orders, n)
    batch = v.shape[:-1]
    games = v.reshape(-1, 1 << n)
    check_memory(games.shape[0] * len(ms) * n * n * 8 + (1 << n) * n * 8,
                 f"the pairwise interactions of {n} players")
    a = and_interactions(games)
    present = subset_masks(n).astype(np.float64)  # (2**n, n)
    extra = subset_sizes(n) - 2  # t = |U| - 2 for U ∋ i, j (negative: U holds no pair)
    out = np.empty((games.shape[0], len(ms), n, n))
    for k, m in enumerate(ms):
        weight = np.array([comb(n - 2 - t, m - t) / comb(n - 2, m) if 0 <= t <= m else 0.0
                           for t in range(n - 1)])
        per_subset = np.where(extra >= 0, weight[np.clip(extra, 0, n - 2)], 0.0)
        for g in range(games.shape[0]):
            weighted = present * (a[g] * per_subset)[:, None]
            out[g, k] = present.T @ weighted
        out[:, k, np.arange(n), np.arange(n)] = 0.0
    return out.reshape(batch + (len(ms), n, n))
