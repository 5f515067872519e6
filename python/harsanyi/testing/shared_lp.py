"""The joint AND-OR extraction (theory.md §9) as an explicit dense linear program, solved by
scipy's HiGHS: the yardstick of :func:`harsanyi.shared_and_or` in tests and benchmarks
(dense matrices of 4^n entries per model: small n only)."""

from __future__ import annotations

import numpy as np

from ..transforms import and_values, or_values

__all__ = ["shared_lp_optimum"]


def shared_lp_optimum(v, tau, bound, alpha) -> float:
    """The optimal objective of the joint extraction of games v (m, 2^n) with noise bounds
    tau (m,) and split bounds bound (m,), by HiGHS on the dense program."""
    from scipy import sparse
    from scipy.optimize import linprog

    v = np.asarray(v, dtype=np.float64)
    m, size = v.shape
    eye = np.eye(size)
    Z, A = and_values(eye).T, or_values(eye).T  # columns: atoms
    # columns: per model a+, a-, o+, o-, q, dev (6 blocks); then t_and, t_or, shared.
    per = 6 * size
    total = m * per + 3 * size
    cost = np.zeros(total)
    eq_rows, eq_rhs, ub_rows = [], [], []
    lower, upper = np.zeros(total), np.full(total, np.inf)
    t_and, t_or, shared = m * per, m * per + size, m * per + 2 * size
    cost[t_and:t_or + size] = 1.0
    lower[shared:], upper[shared:] = -np.inf, np.inf
    zero = np.zeros((size, total))
    for i in range(m):
        base = i * per
        blocks = {name: base + k * size for k, name in enumerate(["ap", "am", "op", "om", "q", "d"])}
        cost[base:base + 4 * size] = alpha
        lower[blocks["q"]:blocks["q"] + size], upper[blocks["q"]:blocks["q"] + size] = -tau[i], tau[i]
        lower[blocks["d"]:blocks["d"] + size], upper[blocks["d"]:blocks["d"] + size] = -bound[i], bound[i]
        faithful, split = zero.copy(), zero.copy()
        for name, matrix, sign in (("ap", Z, 1), ("am", Z, -1), ("op", A, 1), ("om", A, -1)):
            faithful[:, blocks[name]:blocks[name] + size] = sign * matrix
            half = 0.5 if name in ("ap", "am") else -0.5
            split[:, blocks[name]:blocks[name] + size] = half * sign * matrix
        faithful[:, blocks["q"]:blocks["q"] + size] = -eye
        split[:, blocks["d"]:blocks["d"] + size] = -eye
        split[:, shared:shared + size] = -eye
        eq_rows += [faithful, split]
        eq_rhs += [v[i], np.zeros(size)]
        for plus, minus, top in ((blocks["ap"], blocks["am"], t_and), (blocks["op"], blocks["om"], t_or)):
            rows = zero.copy()
            rows[:, plus:plus + size] = eye
            rows[:, minus:minus + size] = eye
            rows[:, top:top + size] = -eye
            ub_rows.append(rows)
    result = linprog(cost, A_ub=sparse.csr_matrix(np.vstack(ub_rows)), b_ub=np.zeros(len(ub_rows) * size),
                     A_eq=sparse.csr_matrix(np.vstack(eq_rows)), b_eq=np.concatenate(eq_rhs),
                     bounds=np.stack([lower, upper], axis=1), method="highs")
    if result.status != 0:
        raise RuntimeError(f"HiGHS did not solve the joint program: {result.message}")
    return float(result.fun)
