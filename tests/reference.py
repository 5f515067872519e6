"""Slow NumPy twins of every compiled entry point, written straight from theory.md.

Each loops over subsets exactly as the formula reads (3^n or 4^n work) and vectorises
only over the batch axes, so it is an independent oracle for the butterflies.
"""

from __future__ import annotations

import itertools
import math

import numpy as np


def popcount(mask: int) -> int:
    return bin(mask).count("1")


def submasks(mask: int):
    """All T ⊆ S for the mask S, including ∅ and S."""
    sub = mask
    while True:
        yield sub
        if sub == 0:
            return
        sub = (sub - 1) & mask


def supermasks(mask: int, n: int):
    """All T ⊇ S among n players."""
    free = ((1 << n) - 1) & ~mask
    for extra in submasks(free):
        yield mask | extra


def n_of(v: np.ndarray) -> int:
    return v.shape[-1].bit_length() - 1


def _accumulate(v, formula):
    v = np.asarray(v, dtype=np.float64)
    out = np.zeros_like(v)
    for s in range(v.shape[-1]):
        out[..., s] = formula(v, s)
    return out


# --- theory.md §2 -------------------------------------------------------------

def and_interactions(v):
    return _accumulate(v, lambda v, s: sum(
        (-1) ** (popcount(s) - popcount(t)) * v[..., t] for t in submasks(s)))


def and_values(m):
    return _accumulate(m, lambda m, s: sum(m[..., t] for t in submasks(s)))


def or_interactions(v):
    full = v.shape[-1] - 1

    def formula(v, s):
        if s == 0:
            return v[..., 0]
        return -sum((-1) ** (popcount(s) - popcount(t)) * v[..., full & ~t]
                    for t in submasks(s))
    return _accumulate(v, formula)


def or_values(I):
    def formula(I, s):
        return I[..., 0] + sum(I[..., t] for t in range(1, I.shape[-1]) if t & s)
    return _accumulate(I, formula)


def dense_matrix(transform, n):
    """The 2^n x 2^n matrix of a linear transform, column by column."""
    eye = np.eye(1 << n)
    return np.stack([transform(eye[j]) for j in range(1 << n)], axis=1)


def transposed(transform):
    """y -> Aᵀ y for the linear map A = transform, through its dense matrix."""
    def apply(y):
        y = np.asarray(y, dtype=np.float64)
        matrix = dense_matrix(transform, n_of(y))
        return y @ matrix
    return apply


TRANSFORMS = {
    "and_interactions": and_interactions,
    "and_values": and_values,
    "or_interactions": or_interactions,
    "or_values": or_values,
}


# --- theory.md §3, from the definitions on the game itself --------------------

def shapley_values(v):
    """φ_i = Σ_{S⊆N\\i} |S|!(n-|S|-1)!/n! (v(S∪i) - v(S))."""
    v = np.asarray(v, dtype=np.float64)
    n = n_of(v)
    phi = np.zeros(v.shape[:-1] + (n,))
    for i in range(n):
        for s in range(v.shape[-1]):
            if s >> i & 1:
                continue
            k = popcount(s)
            weight = math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n)
            phi[..., i] += weight * (v[..., s | 1 << i] - v[..., s])
    return phi


def shapley_values_by_permutations(v):
    """φ_i = mean over orderings of the marginal contribution of i when it arrives."""
    v = np.asarray(v, dtype=np.float64)
    n = n_of(v)
    phi = np.zeros(v.shape[:-1] + (n,))
    orderings = list(itertools.permutations(range(n)))
    for ordering in orderings:
        mask = 0
        for player in ordering:
            phi[..., player] += v[..., mask | 1 << player] - v[..., mask]
            mask |= 1 << player
    return phi / max(len(orderings), 1)


def banzhaf_values(v):
    v = np.asarray(v, dtype=np.float64)
    n = n_of(v)
    beta = np.zeros(v.shape[:-1] + (n,))
    for i in range(n):
        for s in range(v.shape[-1]):
            if not s >> i & 1:
                beta[..., i] += v[..., s | 1 << i] - v[..., s]
    return beta / 2 ** max(n - 1, 0)


def discrete_derivative(v, s, t):
    """Δ_S v(T) = Σ_{L⊆S} (-1)^{|S|-|L|} v(T ∪ L), T disjoint from S."""
    return sum((-1) ** (popcount(s) - popcount(l)) * v[..., t | l] for l in submasks(s))


def shapley_interaction_index(v):
    """SII(S) = Σ_{T⊆N\\S} (n-|T|-|S|)! |T|! / (n-|S|+1)! Δ_S v(T) (Grabisch & Roubens)."""
    v = np.asarray(v, dtype=np.float64)
    n = n_of(v)
    full = v.shape[-1] - 1

    def formula(v, s):
        k = popcount(s)
        return sum(
            math.factorial(n - popcount(t) - k) * math.factorial(popcount(t))
            / math.factorial(n - k + 1) * discrete_derivative(v, s, t)
            for t in submasks(full & ~s))
    return _accumulate(v, formula)


def banzhaf_interaction_index(v):
    """BII(S) = 2^{-(n-|S|)} Σ_{T⊆N\\S} Δ_S v(T)."""
    v = np.asarray(v, dtype=np.float64)
    n = n_of(v)
    full = v.shape[-1] - 1

    def formula(v, s):
        return sum(discrete_derivative(v, s, t) for t in submasks(full & ~s)) \
            / 2 ** (n - popcount(s))
    return _accumulate(v, formula)


# --- theory.md §5 --------------------------------------------------------------

def order_strength(I, threshold):
    """(positive, negative, absolute, count) per order, threshold one value per game."""
    I = np.asarray(I, dtype=np.float64)
    n = n_of(I)
    batch = I.reshape(-1, I.shape[-1])
    thr = np.broadcast_to(np.asarray(threshold, dtype=np.float64), I.shape[:-1]).reshape(-1)
    stats = np.zeros((4, batch.shape[0], n + 1))
    for g, game in enumerate(batch):
        for s, x in enumerate(game):
            if abs(x) >= thr[g]:
                k = popcount(s)
                stats[0, g, k] += max(x, 0.0)
                stats[1, g, k] += min(x, 0.0)
                stats[2, g, k] += abs(x)
                stats[3, g, k] += 1
    return tuple(a.reshape(I.shape[:-1] + (n + 1,)) for a in stats)


def log_odds(logits, targets):
    """z_y - log Σ_{c≠y} exp(z_c) per row, in float64 with math.fsum over the others."""
    logits = np.asarray(logits, dtype=np.float64)
    out = np.empty(logits.shape[0])
    for r, (row, y) in enumerate(zip(logits, targets)):
        others = np.delete(row, y)
        peak = others.max()
        out[r] = row[y] - peak - math.log(math.fsum(math.exp(z - peak) for z in others))
    return out
