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
from ..context_sizes import BOTTLENECK_RATIOS, orders_of
from ..subsets import subset_masks, subset_sizes
from ..transforms import and_interactions

__all__ = ["pairwise_interactions", "orders_of", "BOTTLENECK_RATIOS", "multi_order_strength",
           "attack_utility", "disentanglement"]

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


def multi_order_strength(interactions, stderr=None):
    """J^(m) = E_x E_{i,j} |I^(m)(i,j)|, divided by its mean over the orders given (theory.md §8).

    Parameters
    ----------
    interactions : array_like, shape (B, M, P)
        Signed I^(m)(i,j) per sample, order and pair (``MultiOrderInteractions.interactions``;
        for an exact (..., M, n, n) array, pass its pairs i < j flattened last).
    stderr : array_like, shape (B, M, P), optional
        Standard errors of the entries.

    Returns
    -------
    strength : ndarray, shape (M,)
        Normalised J^(m); its mean over the orders is 1 (all zeros when every entry is 0).
    error : ndarray, shape (M,)
        The sampling error of each J^(m), propagated through |.| (1-Lipschitz, so an
        upper bound) and the mean, the normaliser taken as exact; zeros without `stderr`.
    """
    values = np.abs(np.asarray(interactions, dtype=np.float64))
    if values.ndim != 3:
        raise ValueError(f"interactions must have shape (samples, orders, pairs), got {values.shape}")
    raw = values.mean(axis=(0, 2))
    scale = raw.mean()
    error = np.zeros_like(raw) if stderr is None else \
        np.sqrt((np.asarray(stderr, dtype=np.float64) ** 2).sum(axis=(0, 2))) / \
        (values.shape[0] * values.shape[2])
    if scale == 0:
        return np.zeros_like(raw), error
    return raw / scale, error / scale


def attack_utility(clean, adversarial, n: int, orders) -> np.ndarray:
    """Per-order utility of an adversarial attack (NeurIPS'21, theory.md §8):
    ``(n - 1 - m) / (n (n - 1)) · (Ī^(m)(x) - Ī^(m)(x'))``, Ī the signed mean over samples
    and pairs, v = log p_y.

    Parameters
    ----------
    clean, adversarial : array_like, shape (B, M, P)
        Signed I^(m)(i,j) on the clean inputs and on their adversarial versions.
    n : int
        Number of players.
    orders : array_like of int, shape (M,)
        The context sizes m of the second axis.
    """
    clean, adversarial = (np.asarray(a, dtype=np.float64) for a in (clean, adversarial))
    if clean.ndim != 3 or adversarial.ndim != 3 or clean.shape[1] != adversarial.shape[1]:
        raise ValueError(f"clean and adversarial must be (samples, orders, pairs) with the same "
                         f"orders, got {clean.shape} and {adversarial.shape}")
    m = np.asarray(orders, dtype=np.float64)
    if m.shape != (clean.shape[1],):
        raise ValueError(f"{m.size} orders given for {clean.shape[1]} in the arrays")
    weight = (n - 1 - m) / (n * (n - 1))
    return weight * (clean.mean(axis=(0, 2)) - adversarial.mean(axis=(0, 2)))


def disentanglement(interactions, mean_abs) -> np.ndarray:
    """Per-order ``E_{x,ij}|E_S Δv| / E_{x,ij} E_S|Δv|`` (NeurIPS'21, theory.md §8): 1 when
    every context moves a pair's effect the same way, near 0 when they cancel.

    Parameters
    ----------
    interactions, mean_abs : array_like, shape (B, M, P)
        E_S Δv and E_S |Δv| per sample, order and pair.
    """
    signed = np.abs(np.asarray(interactions, dtype=np.float64)).mean(axis=(0, 2))
    total = np.asarray(mean_abs, dtype=np.float64).mean(axis=(0, 2))
    return np.divide(signed, total, out=np.zeros_like(signed), where=total > 0)
