"""The AND-OR decomposition solved exactly (``hs.and_or(..., tol=0)``, theory.md §4).

The program is written sparse, lifted through the butterfly stages
(:mod:`harsanyi.lifted_program`), and solved by scipy's HiGHS (interior point, then
crossover to a vertex); the returned point is made exactly faithful in float64 and
certified by a dual bound computed here from HiGHS's row multipliers.
"""

from __future__ import annotations

import numpy as np

from .lifted_program import LiftedProgram
from .subsets import subset_sizes
from .transforms import and_interactions, and_values, or_values

__all__ = ["exact_parts", "MAX_EXACT_PLAYERS"]

# The lifted program has about n 2^n rows; beyond this it takes minutes (n = 12: about 70 s).
MAX_EXACT_PLAYERS = 12


def _program(v, tau):
    """The lifted program of one game, and where its parts sit."""
    n = v.shape[0].bit_length() - 1
    program = LiftedProgram(n)
    allowed = subset_sizes(n) >= 2  # OR atoms of order >= 2 (below, the AND ones)
    a_node, a_plus, a_minus = program.signed(1.0)
    o_node, o_plus, o_minus = program.signed(1.0, where=allowed)
    noise = program.variables(1 << n, 0.0, -tau, tau)
    rows = program.equal([program.zeta(a_node), *program.or_synthesis(o_node),
                          program.column_node(noise, -1.0)], v)
    return program, (a_plus, a_minus, np.flatnonzero(allowed), o_plus, o_minus, rows)


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
        import scipy  # noqa: F401
    except ImportError as error:
        raise ImportError("tol=0 (the exact AND-OR decomposition) needs scipy: "
                          "pip install scipy") from error
    from ._progress import progress_bar

    count, size = games.shape
    a, o, noise = (np.zeros_like(games) for _ in range(3))
    objective, lower, iterations = np.zeros(count), np.zeros(count), np.zeros(count, np.int64)
    with progress_bar(count, "AND-OR decomposition (exact)", show_progress, unit="game") as bar:
        for g in range(count):
            program, layout = _program(games[g], tau[g])
            a_plus, a_minus, allowed, o_plus, o_minus, rows = layout
            x, multipliers, _, iterations[g] = program.solve()
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
            y = multipliers[rows]
            lower[g] = max(dual_bound(games[g], tau[g], y, n), dual_bound(games[g], tau[g], -y, n))
            bar.update(1)
    scale = np.maximum(np.abs(objective), np.abs(lower))
    gap = np.divide(objective - lower, scale, out=np.zeros(count), where=scale > 0)
    return (a, o, noise, objective, np.maximum(gap, 0.0), lower, iterations,
            np.ones(count, bool), None, None)
