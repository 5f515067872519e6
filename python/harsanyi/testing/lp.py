"""The AND-OR decomposition as an explicit linear program, solved by scipy's HiGHS.

Variables: AND interactions of every subset and OR interactions of subsets of order
>= 2 (for order <= 1 the OR and AND atoms are the same function), split into positive
and negative parts; constraints |Z a + A o - v| <= tau (theory.md §4).  The yardstick of
optimality for :func:`harsanyi.and_or`, in the tests and the benchmarks; it needs scipy
and dense matrices of 4^n entries, so it serves small n only.
"""

from __future__ import annotations

import numpy as np

from ..subsets import mask_of, subset_masks, subset_sizes
from ..transforms import and_values, or_values

__all__ = ["dense_atoms", "lp_optimum", "planted_game"]


def dense_atoms(n):
    """The columns Z e_T and A e_T, T of order >= 2 for A, as one matrix."""
    eye = np.eye(1 << n)
    and_atoms = and_values(eye).T
    or_atoms = or_values(eye).T[:, subset_sizes(n) >= 2]
    return np.hstack([and_atoms, or_atoms])


def lp_optimum(v, tau):
    """(optimal objective, AND interactions, OR interactions) of the game `v` with noise
    bound `tau`, by HiGHS."""
    from scipy import sparse
    from scipy.optimize import linprog

    v = np.asarray(v, dtype=np.float64)
    n = v.shape[-1].bit_length() - 1
    K = dense_atoms(n)
    m = K.shape[1]
    split = sparse.csr_matrix(np.hstack([K, -K]))
    result = linprog(np.ones(2 * m), A_ub=sparse.vstack([split, -split]),
                     b_ub=np.concatenate([v + tau, tau - v]), bounds=(0, None), method="highs")
    if result.status != 0:
        raise RuntimeError(f"HiGHS did not solve the AND-OR program: {result.message}")
    x = result.x[:m] - result.x[m:]
    a = x[: 1 << n]
    o = np.zeros(1 << n)
    o[subset_sizes(n) >= 2] = x[1 << n:]
    return result.fun, a, o


def planted_game(n, rng, n_and=3, n_or=3, noise=1e-3):
    """A few AND and OR concepts of orders 2-4 on distinct player sets, plus uniform noise."""
    present = subset_masks(n)
    v = np.zeros(1 << n)
    planted = {"and": set(), "or": set()}
    used = set()
    while len(planted["and"]) + len(planted["or"]) < n_and + n_or:
        kind = "and" if len(planted["and"]) < n_and else "or"
        players = tuple(sorted(rng.choice(n, rng.integers(2, 5), replace=False)))
        mask = mask_of(players)
        if mask in used:
            continue
        used.add(mask)
        weight = rng.uniform(1.0, 2.0) * rng.choice([-1.0, 1.0])
        cols = present[:, list(players)]
        v += weight * (cols.all(axis=1) if kind == "and" else cols.any(axis=1))
        planted[kind].add(mask)
    v += rng.uniform(-noise, noise, v.shape)
    return v, planted
