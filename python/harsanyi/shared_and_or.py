"""AND-OR interactions extracted jointly from several models' games (theory.md §9, ICLR'24).

Each model keeps its own AND-OR split of its own game, but the splits lean on a shared part
γ̄ and the objective rewards the models for using the same atoms:

    minimise  Σ_S max_i |I_and^(i)(S)| + Σ_S max_i |I_or^(i)(S)| + α Σ_i (‖I_and^(i)‖₁ + ‖I_or^(i)‖₁)

with each model's noise ``|q^(i)| <= r·|v^(i)(N) - v^(i)(∅)|`` and its deviation from the
shared split ``|γ̂^(i)| <= gamma_ratio · mean_x |v^(i)(N) - v^(i)(∅)|``.  ``solver="exact"``
solves the linear program (:mod:`harsanyi.shared_program`) with a certified gap;
``solver="sgd"`` runs the published optimiser for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _core
from ._progress import progress_bar
from ._validation import float64_array, game_array, positive_int, require_finite
from ._warnings import warn_at_caller
from .and_or import ConvergenceWarning, _chunks, unconverged_summary
from .shared_program import made_feasible, solve_shared
from .transforms import and_interactions, and_values, or_interactions, or_values

__all__ = ["SharedAndOrResult", "shared_and_or"]

SOLVERS = ("pdhg", "exact", "sgd")
# The exact program of m models has about 2 m n 2^n rows: n = 12 takes minutes already.
MAX_EXACT_PLAYERS = 12
# PDHG's memory is small (about 40 m 2^n doubles per thread), its time is not: n = 14 takes
# minutes per input.
MAX_PDHG_PLAYERS = 16


@dataclass(eq=False)
class SharedAndOrResult:
    """A joint AND-OR extraction of m models' games on the same inputs.

    Attributes
    ----------
    and_interactions, or_interactions : ndarray, shape (m, ..., 2**n)
        Each model's interactions; ``Z a_i + A o_i = v_i + noise_i`` to rounding.
    noise : ndarray, shape (m, ..., 2**n)
        q_i, within each model's bound.
    gamma : ndarray, shape (m, ..., 2**n)
        Each model's split γ_i = (v_and,i - v_or,i) / 2.
    shared_gamma : ndarray, shape (..., 2**n)
        γ̄ (``pdhg`` and ``exact``; the SGD's own parameter for ``sgd``).
    objective, dual_bound, gap : ndarray, shape (...)
        The objective of the returned point; for ``pdhg`` and ``exact`` a certified lower
        bound on the optimum and the relative gap between them (NaN for ``sgd``).
    converged : ndarray of bool, shape (...)
        Whether the gap reached ``tol`` (``pdhg``); True for the others.
    iterations : ndarray of int, shape (...)
        PDHG iterations, HiGHS's (``exact``) or the SGD's steps.
    noise_bound : ndarray, shape (m, ...)
        τ_i of each model and input.
    gamma_bound : ndarray, shape (m,)
        g_i of each model.
    solver : str
    options : dict
    """

    and_interactions: np.ndarray
    or_interactions: np.ndarray
    noise: np.ndarray
    gamma: np.ndarray
    shared_gamma: np.ndarray
    objective: np.ndarray
    dual_bound: np.ndarray
    gap: np.ndarray
    converged: np.ndarray
    iterations: np.ndarray
    noise_bound: np.ndarray
    gamma_bound: np.ndarray
    solver: str
    options: dict = field(default_factory=dict)

    def __repr__(self) -> str:
        m = self.and_interactions.shape[0]
        gap = np.nanmax(np.atleast_1d(self.gap)) if self.solver != "sgd" else float("nan")
        return (f"SharedAndOrResult(solver={self.solver!r}, models={m}, inputs="
                f"{int(np.size(self.objective))}, objective={np.sum(self.objective):.6g}, "
                f"max gap={gap:.2g})")


def shared_and_or(values, noise_bound: float = 0.02, *, alpha: float = 0.1,
                  gamma_ratio: float = 0.5, solver: str = "pdhg", tol: float = 1e-4,
                  max_iter: int = 200_000, lr: float = 1e-7, iterations: int = 20_000,
                  momentum: float = 0.9, show_progress=None,
                  check_finite: bool = True) -> SharedAndOrResult:
    """Extract AND-OR interactions of m models jointly (theory.md §9, ICLR'24 Eq. 6).

    Parameters
    ----------
    values : array_like, shape (m, ..., 2**n)
        The m models' games on the same inputs (m >= 1; m = 1 is :func:`harsanyi.and_or`
        with its objective scaled by 1 + α).
    noise_bound : float, default 0.02
        r in each model's ``τ_i = r · |v_i(N) - v_i(∅)|``.
    alpha : float, default 0.1
        Weight of the models' own L1 norms next to the shared maxima.
    gamma_ratio : float, default 0.5
        Each model's split may leave the shared one by ``gamma_ratio · mean_x|v_i(N) -
        v_i(∅)|`` (the mean over the inputs given).
    solver : {"pdhg", "exact", "sgd"}
        ``"pdhg"``: restarted Halpern PDHG in C, stopped on a certified relative gap
        `tol` (n <= 16, m <= 16; about 1 s per input at n = 10, m = 2, tol 1e-3).
        ``"exact"`` (or ``tol=0``): the linear program by HiGHS, lifted through butterfly
        stages, with a certified gap at rounding level (n <= 12; needs scipy).
        ``"sgd"``: the published optimiser, SGD with momentum on (γ̄, γ̂, q), clamped
        after each step.
    tol : float, default 1e-4
        ``pdhg``: stop when ``(objective - dual_bound) / objective <= tol``; 0 solves
        exactly.
    max_iter : int, default 200000
        ``pdhg``: iterations at most per input (``converged`` is False, with a warning,
        if they run out; the result is still certified by its gap).
    lr, iterations, momentum : float, int, float
        ``sgd``: the published 1e-7, 20,000 steps, 0.9.
    show_progress : bool, optional
        A progress bar over the inputs.
    check_finite : bool, default True
        Raise ValueError if `values` holds NaN or Inf.

    Returns
    -------
    SharedAndOrResult
    """
    if isinstance(values, (list, tuple)):
        shapes = [np.shape(game) for game in values]
        for i, shape in enumerate(shapes[1:], start=1):
            if shape != shapes[0]:
                raise ValueError(f"model {i}'s games have shape {shape} but model 0's have "
                                 f"{shapes[0]}; the models must be explained on the same "
                                 "inputs with the same players")
    v, n = game_array(values, "values")
    if v.ndim < 2 or v.shape[0] < 1:
        raise ValueError(f"values must be (m, ..., 2**n): the games of m >= 1 models, got shape "
                         f"{v.shape}; stack the models' games with np.stack")
    if n < 1:
        raise ValueError("a joint AND-OR extraction needs at least one player (games of "
                         "length 2 or more)")
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {SOLVERS}")
    if not (alpha >= 0 and np.isfinite(alpha)) or not (gamma_ratio >= 0 and np.isfinite(gamma_ratio)) \
            or not (noise_bound >= 0 and np.isfinite(noise_bound)):
        raise ValueError("noise_bound, alpha and gamma_ratio must be finite and >= 0")
    v = float64_array(v)
    if check_finite:
        require_finite(v, "values")
    m, batch_shape = v.shape[0], v.shape[1:-1]
    games = v.reshape(m, -1, 1 << n)  # (m, inputs, 2^n)
    spread = np.abs(games[..., -1] - games[..., 0])  # (m, inputs)
    tau = noise_bound * spread
    bound = gamma_ratio * spread.mean(axis=1)  # (m,)
    count = games.shape[1]
    options = {"noise_bound": noise_bound, "alpha": alpha, "gamma_ratio": gamma_ratio}
    if solver == "exact" or (solver == "pdhg" and tol == 0):
        if n > MAX_EXACT_PLAYERS:
            raise ValueError(f"the exact solve (tol=0) takes n <= {MAX_EXACT_PLAYERS}, got "
                             f"n = {n}; pass a positive tol for the PDHG")
        solver = "exact"
        parts = _exact(games, tau, bound, alpha, show_progress)
        options.update(tol=0.0)
    elif solver == "pdhg":
        if not (tol > 0 and np.isfinite(tol)):
            raise ValueError(f"tol must be positive and finite (or 0: exact), got {tol!r}")
        max_iter = positive_int(max_iter, "max_iter")
        if n > MAX_PDHG_PLAYERS or m > _core.SHARED_MAX_MODELS:
            raise ValueError(f"solver='pdhg' takes n <= {MAX_PDHG_PLAYERS} players and m <= "
                             f"{_core.SHARED_MAX_MODELS} models, got n = {n}, m = {m}; "
                             "explain fewer players or compare the models in groups")
        parts = _pdhg(games, tau, bound, alpha, tol, max_iter, show_progress)
        options.update(tol=tol, max_iter=max_iter)
    else:
        iterations = positive_int(iterations, "iterations")
        if not (np.isfinite(lr) and lr > 0) or not 0 <= momentum < 1:
            raise ValueError("lr must be positive and finite, and momentum in [0, 1)")
        parts = _sgd(games, tau, bound, alpha, lr, iterations, momentum, show_progress)
        options.update(lr=lr, iterations=iterations, momentum=momentum)
    a, o, noise, shared, steps, objective, lower, converged = parts
    gap = _gap(objective, lower) if solver != "sgd" else np.full(count, np.nan)
    shortfall = solver == "pdhg" and unconverged_summary(converged, gap, tol, max_iter,
                                                         "joint extractions")
    if shortfall:
        warn_at_caller(f"{shortfall}; each objective is still within its gap of the optimum. "
                       "Raise max_iter, or pass a tol at least that gap", ConvergenceWarning)
    gamma = (and_values(a) - or_values(o)) / 2

    def per_model(x):
        return x.reshape((m,) + batch_shape + (1 << n,))

    def per_input(x):
        return x.reshape(batch_shape + x.shape[1:])

    return SharedAndOrResult(
        per_model(a), per_model(o), per_model(noise), per_model(gamma), per_input(shared),
        per_input(objective), per_input(lower), per_input(gap), per_input(converged),
        per_input(steps), tau.reshape((m,) + batch_shape), bound, solver, options)


def _gap(objective, lower):
    """The relative gap (objective - lower) / max(|objective|, |lower|), 0 where both are 0."""
    scale = np.maximum(np.abs(objective), np.abs(lower))
    return np.maximum(np.divide(objective - lower, scale, out=np.zeros(np.shape(objective)),
                                where=scale > 0), 0.0)


def _exact(games, tau, bound, alpha, show_progress):
    m, count, size = games.shape
    a, o, noise = (np.zeros_like(games) for _ in range(3))
    shared = np.zeros((count, size))
    objective, lower = np.zeros(count), np.zeros(count)
    steps = np.zeros(count, np.int64)
    with progress_bar(count, "joint AND-OR extraction", show_progress, unit="input") as bar:
        for k in range(count):
            a[:, k], o[:, k], noise[:, k], shared[k], objective[k], lower[k], steps[k] = \
                solve_shared(games[:, k], tau[:, k], bound, alpha)
            bar.update(1)
    return a, o, noise, shared, steps, objective, lower, np.ones(count, bool)


def _pdhg(games, tau, bound, alpha, tol, max_iter, show_progress):
    """The C solver on every input, a few inputs per call so that the bar moves; the point
    it returns is moved by rounding only (:func:`made_feasible`) and its objective
    recomputed."""
    m, count, size = games.shape
    v = np.ascontiguousarray(games.transpose(1, 0, 2))  # (inputs, m, 2^n), as the C side
    t = np.ascontiguousarray(tau.T)
    a, o = np.zeros_like(v), np.zeros_like(v)
    shared = np.zeros((count, size))
    info = np.zeros((count, _core.INFO_FIELDS))
    limits = np.ascontiguousarray(bound, dtype=np.float64)
    long_work = count * m * size * (size.bit_length() - 1) >= (1 << 20)
    with progress_bar(count, "joint AND-OR extraction", True if long_work and show_progress
                      is None else show_progress, unit="input") as bar:
        for first, last in _chunks(count):
            _core.shared_pdhg(v[first:last], t[first:last], limits, a[first:last],
                              o[first:last], shared[first:last], info[first:last], m, alpha,
                              max_iter, tol)
            bar.update(last - first)
    a, o = a.transpose(1, 0, 2), o.transpose(1, 0, 2)
    a, o, noise = made_feasible(games, tau, bound, a, o, shared)
    lower = info[:, _core.INFO_DUAL].copy()
    return (a, o, noise, shared, info[:, _core.INFO_ITERATIONS].astype(np.int64),
            _objective(a, o, alpha), lower, info[:, _core.INFO_CONVERGED].astype(bool))


def _objective(a, o, alpha):
    """Σ_S max_i|a_i| + Σ_S max_i|o_i| + α Σ_i(‖a_i‖₁ + ‖o_i‖₁) per input, for a and o of
    shape (m, B, 2^n)."""
    return (np.abs(a).max(axis=0).sum(-1) + np.abs(o).max(axis=0).sum(-1)
            + alpha * (np.abs(a).sum(axis=(0, 2)) + np.abs(o).sum(axis=(0, 2))))


def _sgd(games, tau, bound, alpha, lr, iterations, momentum, show_progress):
    """The published optimiser on (γ̄, γ̂_i, q_i), all inputs at once, in float64."""
    m, count, size = games.shape
    shared = np.zeros((count, size))
    deviation = np.zeros_like(games)
    noise = np.zeros_like(games)
    velocity = [np.zeros_like(shared), np.zeros_like(games), np.zeros_like(games)]
    models = np.arange(m)[:, None, None]
    with progress_bar(iterations, "joint AND-OR extraction (SGD)", show_progress,
                      unit="step") as bar:
        for _ in range(iterations):
            base = (games + noise) / 2
            gamma = shared + deviation
            a, o = and_interactions(base + gamma), or_interactions(base - gamma)
            grads = []
            for x in (a, o):
                top = np.abs(x).argmax(axis=0)[None]
                grads.append(np.sign(x) * (alpha + (models == top)))
            grad_u = and_interactions(grads[0], transpose=True)
            grad_w = or_interactions(grads[1], transpose=True)
            grad_dev = grad_u - grad_w
            steps = (grad_dev.sum(axis=0), grad_dev, (grad_u + grad_w) / 2)
            for slot, (parameter, grad) in enumerate(zip((shared, deviation, noise), steps)):
                velocity[slot] = momentum * velocity[slot] + grad
                parameter -= lr * velocity[slot]
            np.clip(deviation, -bound[:, None, None], bound[:, None, None], out=deviation)
            np.clip(noise, -tau[..., None], tau[..., None], out=noise)
            bar.update(1)
    base = (games + noise) / 2
    gamma = shared + deviation
    a, o = and_interactions(base + gamma), or_interactions(base - gamma)
    nan = np.full(count, np.nan)
    return (a, o, noise, shared, np.full(count, iterations, np.int64), _objective(a, o, alpha),
            nan, np.ones(count, bool))
