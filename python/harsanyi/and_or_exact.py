"""The AND-OR decomposition solved exactly (``hs.and_or(..., tol=0)``, theory.md §4).

The linear program is written *lifted through the butterfly stages* of the zeta transform,
so that it is sparse: instead of the dense atoms Z e_T (2^(n-|T|) entries each) and the
OR atoms (up to 2^n entries each), every stage b adds one variable per subset S holding
bit b, tied to the previous stage by a row of three entries.  With
``A o (S) = (Z o)(N) - (Z o)(N∖S)`` (an OR atom is one minus an AND atom of the
complement), both parts share that form, and the program has about n·2^n rows and 3 entries
per row where the dense one has about 4^n entries.  scipy's HiGHS (interior point, then
crossover to a vertex) solves it; the returned point is made exactly faithful in float64
and certified by a dual bound computed here from HiGHS's row duals.
"""

from __future__ import annotations

import numpy as np

from .subsets import subset_sizes
from .transforms import and_interactions, and_values, or_values

__all__ = ["exact_parts", "MAX_EXACT_PLAYERS"]

# The lifted program has about n 2^n rows; beyond this it takes minutes (n = 12: about 70 s).
MAX_EXACT_PLAYERS = 12


def _lifted_zeta(base_col, base_coef, n, next_col, entries):
    """Nodes of the zeta transform of a vector whose entry S is Σ base_coef·x[base_col]
    (two terms, col -1 unused), lifted: rows (-f_S + node(S) + node(S^bit) = 0) appended
    to `entries`; returns the final nodes (col, coef arrays (2^n, 2)) and the next column."""
    size = 1 << n
    col, coef = base_col.copy(), base_coef.copy()
    masks = np.arange(size)
    for b in range(n):
        holding = masks[(masks >> b) & 1 == 1]
        fresh = next_col + np.arange(len(holding))
        next_col += len(holding)
        rows = entries["next_row"] + np.arange(len(holding))
        entries["next_row"] += len(holding)
        pieces = [(fresh[:, None], -np.ones((len(holding), 1))),
                  (col[holding], coef[holding]), (col[holding ^ (1 << b)], coef[holding ^ (1 << b)])]
        for c, w in pieces:
            used = c >= 0
            entries["rows"].append(np.broadcast_to(rows[:, None], c.shape)[used])
            entries["cols"].append(c[used])
            entries["vals"].append(w[used])
        col[holding] = np.stack([fresh, np.full(len(holding), -1)], axis=1)
        coef[holding] = np.stack([np.ones(len(holding)), np.zeros(len(holding))], axis=1)
    return col, coef, next_col


def _program(v, tau):
    """The lifted program for one game: (A_eq, b_eq, cost, bounds, column layout)."""
    from scipy import sparse

    n = v.shape[0].bit_length() - 1
    size = 1 << n
    allowed = np.flatnonzero(subset_sizes(n) >= 2)  # OR atoms of order >= 2
    a_plus, a_minus = np.arange(size), size + np.arange(size)
    o_plus = 2 * size + np.arange(len(allowed))
    o_minus = o_plus[-1] + 1 + np.arange(len(allowed)) if len(allowed) else o_plus
    noise = 2 * size + 2 * len(allowed) + np.arange(size)
    next_col = noise[-1] + 1
    entries = {"rows": [], "cols": [], "vals": [], "next_row": 0}

    a_col = np.stack([a_plus, a_minus], axis=1)
    a_coef = np.tile([1.0, -1.0], (size, 1))
    za_col, za_coef, next_col = _lifted_zeta(a_col, a_coef, n, next_col, entries)
    o_col = np.full((size, 2), -1)
    o_coef = np.zeros((size, 2))
    o_col[allowed] = np.stack([o_plus, o_minus], axis=1)
    o_coef[allowed] = [1.0, -1.0]
    zo_col, zo_coef, next_col = _lifted_zeta(o_col, o_coef, n, next_col, entries)

    # Faithfulness: (Z a)(S) + (Z o)(N) - (Z o)(N∖S) - q(S) = v(S), |q| <= τ.
    first = entries["next_row"]
    rows = first + np.arange(size)
    full = np.broadcast_to(zo_col[size - 1], (size, 2))
    pieces = [(za_col, za_coef), (full, np.broadcast_to(zo_coef[size - 1], (size, 2))),
              (zo_col[(size - 1) ^ np.arange(size)], -zo_coef[(size - 1) ^ np.arange(size)]),
              (noise[:, None], -np.ones((size, 1)))]
    for c, w in pieces:
        used = c >= 0
        entries["rows"].append(np.broadcast_to(rows[:, None], c.shape)[used])
        entries["cols"].append(c[used])
        entries["vals"].append(w[used])
    total_rows = first + size
    matrix = sparse.csr_matrix(
        (np.concatenate(entries["vals"]), (np.concatenate(entries["rows"]),
                                           np.concatenate(entries["cols"]))),
        shape=(total_rows, next_col))
    b_eq = np.zeros(total_rows)
    b_eq[first:] = v
    cost = np.zeros(next_col)
    cost[:noise[0]] = 1.0
    lower = np.full(next_col, -np.inf)
    upper = np.full(next_col, np.inf)
    lower[:noise[0]] = 0.0
    lower[noise], upper[noise] = -tau, tau
    layout = (a_plus, a_minus, allowed, o_plus, o_minus, first)
    return matrix, b_eq, cost, np.stack([lower, upper], axis=1), layout


def dual_bound(v, tau, y, n) -> float:
    """A lower bound on the optimum from any y: ⟨v, y⟩ - τ‖y‖₁ after scaling y so that
    |Z^T y| <= 1 on every AND atom and |A^T y| <= 1 on every OR atom of order >= 2."""
    allowed = subset_sizes(n) >= 2
    largest = max(np.max(np.abs(and_values(y, transpose=True))),
                  np.max(np.abs(or_values(y, transpose=True)[allowed]), initial=0.0))
    eps = np.finfo(np.float64).eps
    # The transposes and the sums round: allow for it so the bound stays below the optimum.
    y = y / max(largest * (1 + 4 * n * eps), 1.0)
    rounding = 2 * len(v) * eps * (np.abs(v) @ np.abs(y) + tau * np.abs(y).sum())
    return float(v @ y - tau * np.abs(y).sum() - rounding)


def exact_parts(games, tau, n, show_progress=None):
    """The AND-OR parts (as ``and_or``'s solvers return them) of each game, by HiGHS on the
    lifted program: exact to HiGHS's tolerances, certified by :func:`dual_bound`."""
    try:
        from scipy.optimize import linprog
    except ImportError as error:
        raise ImportError("tol=0 (the exact AND-OR decomposition) needs scipy: "
                          "pip install scipy") from error
    from ._progress import progress_bar

    count, size = games.shape
    a, o, noise = (np.zeros_like(games) for _ in range(3))
    objective, lower, iterations = np.zeros(count), np.zeros(count), np.zeros(count, np.int64)
    with progress_bar(count, "AND-OR decomposition (exact)", show_progress, unit="game") as bar:
        for g in range(count):
            matrix, b_eq, cost, bounds, layout = _program(games[g], tau[g])
            a_plus, a_minus, allowed, o_plus, o_minus, first = layout
            result = linprog(cost, A_eq=matrix, b_eq=b_eq, bounds=bounds, method="highs-ipm",
                             options={"primal_feasibility_tolerance": 1e-10,
                                      "dual_feasibility_tolerance": 1e-10})
            if result.status != 0:
                raise RuntimeError(f"HiGHS did not solve the AND-OR program of game {g}: "
                                   f"{result.message}")
            x = result.x
            a[g] = x[a_plus] - x[a_minus]
            o[g, allowed] = x[o_plus] - x[o_minus]
            # Faithful in float64: the noise is what the interactions leave, within τ; any
            # rounding beyond τ goes back into the AND interactions.
            reached = and_values(a[g]) + or_values(o[g]) - games[g]
            excess = reached - np.clip(reached, -tau[g], tau[g])
            if np.any(excess):
                a[g] -= and_interactions(excess)
                reached = and_values(a[g]) + or_values(o[g]) - games[g]
            noise[g] = np.clip(reached, -tau[g], tau[g])
            objective[g] = np.abs(a[g]).sum() + np.abs(o[g]).sum()
            y = np.asarray(result.eqlin.marginals[first:], dtype=np.float64)
            lower[g] = max(dual_bound(games[g], tau[g], y, n), dual_bound(games[g], tau[g], -y, n))
            iterations[g] = int(getattr(result, "nit", 0))
            bar.update(1)
    scale = np.maximum(np.abs(objective), np.abs(lower))
    gap = np.divide(objective - lower, scale, out=np.zeros(count), where=scale > 0)
    return (a, o, noise, objective, np.maximum(gap, 0.0), lower, iterations,
            np.ones(count, bool), None, None)
