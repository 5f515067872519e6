"""The joint AND-OR extraction of several models' games as a linear program (theory.md §9).

For models i = 1..m on one input, with u_i = Z a_i, w_i = A o_i (AND and OR parts):

    minimise  Σ_S max_i |a_i(S)| + Σ_S max_i |o_i(S)| + α Σ_i (‖a_i‖₁ + ‖o_i‖₁)
    subject to  |u_i + w_i - v_i| <= τ_i                  (each model faithful up to noise)
                |(u_i - w_i)/2 - γ̄| <= g_i                 (each split γ_i = γ̄ + γ̂_i near a shared γ̄)

with every OR atom (∅ and singletons too, as the published code keeps them).  The maxima
are epigraph columns t(S) >= a_i⁺(S) + a_i⁻(S).  Built with
:class:`~harsanyi.lifted_program.LiftedProgram`, solved by HiGHS, certified by
:func:`dual_bound` from the multipliers of the faithfulness and split rows.
"""

from __future__ import annotations

import numpy as np

from .lifted_program import LiftedProgram
from .transforms import and_interactions, and_values, or_interactions, or_values

__all__ = ["solve_shared", "dual_bound", "made_feasible"]


def _program(v, tau, bound, alpha):
    """The lifted program of m games v (m, 2^n); where its parts sit."""
    m, size = v.shape
    n = size.bit_length() - 1
    program = LiftedProgram(n)
    shared = program.variables(size)  # γ̄, free
    top_and = program.variables(size, 1.0, 0.0)
    top_or = program.variables(size, 1.0, 0.0)
    parts = []
    for i in range(m):
        a_node, a_plus, a_minus = program.signed(alpha)
        o_node, o_plus, o_minus = program.signed(alpha)
        u = [program.zeta(a_node)]
        w = program.or_synthesis(o_node)
        noise = program.variables(size, 0.0, -tau[i], tau[i])
        deviation = program.variables(size, 0.0, -bound[i], bound[i])
        faithful = program.equal(u + w + [program.column_node(noise, -1.0)], v[i])
        half = [(c, 0.5 * k) for c, k in u] + [(c, -0.5 * k) for c, k in w]
        split = program.equal(half + [program.column_node(shared, -1.0),
                                      program.column_node(deviation, -1.0)])
        for top, plus, minus in ((top_and, a_plus, a_minus), (top_or, o_plus, o_minus)):
            program.at_most([program.column_node(plus), program.column_node(minus),
                             program.column_node(top, -1.0)])
        parts.append((a_plus, a_minus, o_plus, o_minus, faithful, split))
    return program, parts, shared


def _scale_into_ball(c, alpha):
    """The largest s <= 1 with Σ_i max(s|c_i| - α, 0) <= 1 at every atom; c: (m, atoms)."""
    ordered = -np.sort(-np.abs(c), axis=0)
    partial = np.cumsum(ordered, axis=0)
    k = np.arange(1, c.shape[0] + 1)[:, None]
    limits = np.divide(1 + k * alpha, partial, out=np.full(partial.shape, np.inf),
                       where=partial > 0)
    return float(min(1.0, limits.min()))


def dual_bound(v, tau, bound, alpha, y_faithful, y_split) -> float:
    """A lower bound on the optimum from any multipliers (m, 2^n) of the faithfulness and
    split rows: the split ones are centred (Σ_i y_split,i = 0, since γ̄ is free), then both
    scaled into the dual ball of ``max_i|x_i| + α Σ_i|x_i|`` at every atom."""
    y_split = y_split - y_split.mean(axis=0)
    c_and = and_values(y_faithful + 0.5 * y_split, transpose=True)
    c_or = or_values(y_faithful - 0.5 * y_split, transpose=True)
    eps = np.finfo(np.float64).eps
    n = v.shape[-1].bit_length() - 1
    s = min(_scale_into_ball(c_and, alpha), _scale_into_ball(c_or, alpha)) / (1 + 4 * n * eps)
    terms = (np.einsum("is,is->", v, y_faithful) - tau @ np.abs(y_faithful).sum(axis=1)
             - bound @ np.abs(y_split).sum(axis=1))
    rounding = 4 * v.size * eps * (np.abs(v * y_faithful).sum() + tau @ np.abs(y_faithful).sum(1)
                                   + bound @ np.abs(y_split).sum(1))
    return float(s * terms - s * rounding)


def solve_shared(v, tau, bound, alpha):
    """The exact joint extraction of m games (m, 2^n) of one input.

    Returns
    -------
    a, o, noise : ndarray (m, 2^n)
        AND and OR interactions, each model faithful: ``Z a_i + A o_i = v_i + noise_i``.
    shared : ndarray (2^n,)
        γ̄, the shared part of the splits.
    objective, lower : float
        The objective of (a, o) and a certified lower bound on the optimum.
    iterations : int
    """
    program, parts, shared_ids = _program(v, tau, bound, alpha)
    x, multipliers, _, iterations = program.solve()
    m, size = v.shape
    a, o, noise = np.zeros((m, size)), np.zeros((m, size)), np.zeros((m, size))
    y_faithful, y_split = np.zeros((m, size)), np.zeros((m, size))
    shared = x[shared_ids]
    for i, (a_plus, a_minus, o_plus, o_minus, faithful, split) in enumerate(parts):
        a[i] = x[a_plus] - x[a_minus]
        o[i] = x[o_plus] - x[o_minus]
        y_faithful[i], y_split[i] = multipliers[faithful], multipliers[split]
    a, o, noise = made_feasible(v, tau, bound, a, o, shared)
    objective = float(np.abs(a).max(axis=0).sum() + np.abs(o).max(axis=0).sum()
                      + alpha * (np.abs(a).sum() + np.abs(o).sum()))
    lower = max(dual_bound(v, tau, bound, alpha, y_faithful, y_split),
                dual_bound(v, tau, bound, alpha, -y_faithful, -y_split))
    return a, o, noise, shared, objective, lower, iterations


def made_feasible(v, tau, bound, a, o, shared):
    """(a, o, noise) moved by rounding only so that every row holds exactly in float64:
    the sum u + w clipped into v ± τ and the half-difference into γ̄ ± g.

    v, a, o: (m, ..., 2^n); tau: (m, ...); bound: (m,); shared: (..., 2^n).
    """
    u, w = and_values(a), or_values(o)
    total = u + w
    tau = np.asarray(tau)[..., None]
    bound = np.asarray(bound).reshape((-1,) + (1,) * (v.ndim - 1))
    inside = np.clip(total, v - tau, v + tau)
    half = np.clip((u - w) / 2, shared - bound, shared + bound)
    if np.array_equal(inside, total) and np.array_equal(half, (u - w) / 2):
        return a, o, total - v
    u, w = inside / 2 + half, inside / 2 - half
    return and_interactions(u), or_interactions(w), np.clip(u + w - v, -tau, tau)
