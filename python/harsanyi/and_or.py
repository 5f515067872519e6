"""The sparse AND-OR decomposition of a game (theory.md §4).

Split v into an AND part and an OR part, allowing a small noise q on v, so that the
AND and OR interactions together are as sparse as possible in L1:

    minimise  Σ_S |I_and(S)| + Σ_S |I_or(S)|
    subject to  v(T) + q_T = Σ_{S⊆T} I_and(S) + Σ_{S≠∅, S∩T≠∅} I_or(S),  |q_T| <= τ,

with τ = r · |v(N) - v(∅)|.  The default solver (``solver="pdhg"``) runs restarted Halpern
PDHG in C on butterflies and stops on a *certified* relative gap: the returned objective
is at most ``gap`` above the optimum, relative to it.  ``solver="sgd"`` reproduces the
published schedule (momentum 0.9, lr decayed log-uniformly to lr/10, q clamped each step)
to compare with published numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _core
from ._progress import progress_bar
from ._validation import float64_array, game_array, positive_int, require_finite
from ._warnings import warn_at_caller
from .subsets import subset_sizes
from .and_or_exact import MAX_EXACT_PLAYERS, exact_parts
from .transforms import and_values

__all__ = ["AndOrResult", "ConvergenceWarning", "and_or"]

SOLVERS = ("pdhg", "sgd")
PRECISIONS = ("mixed", "double")
# The per-game record the C solver writes, by column (harsanyi._core.INFO_<NAME>).
INFO_COLUMNS = ("objective", "dual", "gap", "iterations", "converged", "weight")


class ConvergenceWarning(UserWarning):
    """An AND-OR decomposition ran out of iterations before its gap reached ``tol``.

    The result is still exactly faithful and certified: its objective is within ``gap`` of
    the optimum.  ``warnings.simplefilter("ignore", hs.ConvergenceWarning)`` silences it.
    """


@dataclass(eq=False)
class AndOrResult:
    """An AND-OR decomposition of one game (arrays (2**n,)) or a batch ((B, 2**n)).

    Attributes
    ----------
    and_interactions, or_interactions : ndarray
        The interactions by mask.  They reproduce ``values + noise`` exactly (theory §4).
    gamma : ndarray
        The split: ``v_and = (v + q)/2 + gamma``, ``v_or = (v + q)/2 - gamma``.
    noise : ndarray
        q, with ``|q| <= noise_bound`` elementwise.
    objective : ndarray or float
        ``Σ|I_and| + Σ|I_or|`` per game.
    gap : ndarray or float
        Certified relative distance of `objective` from the optimum (``pdhg``, ``exact``;
        NaN for ``sgd``, which certifies nothing).
    dual_bound : ndarray or float
        A lower bound on the optimum (``pdhg``).
    iterations : ndarray or int
        Iterations run per game (``exact``: HiGHS's).
    converged : ndarray or bool
        Whether ``gap <= tol`` was reached (``sgd``: always True after its schedule).
    noise_bound : ndarray or float
        τ of each game.
    solver : str
        "pdhg", "sgd", or "exact" (``tol=0``).
    options : dict
        The options it was solved with (``noise_bound``, ``absolute_bound``, ``tol``,
        ``max_iter``, ``precision`` for ``pdhg``; ``lr``, ``iterations``, ``momentum``,
        ``fold_singletons`` for ``sgd``), as a record of how it was made.
    dual : ndarray or None
        ``pdhg``: the last dual iterate, one multiplier per faithfulness row (shaped like
        the values).  With `primal_weight`, what ``warm_start`` starts from.
    primal_weight : ndarray or float or None
        ``pdhg``: the balance of primal and dual steps the iterations ended with.
    """

    and_interactions: np.ndarray
    or_interactions: np.ndarray
    gamma: np.ndarray
    noise: np.ndarray
    objective: np.ndarray
    gap: np.ndarray
    dual_bound: np.ndarray
    iterations: np.ndarray
    converged: np.ndarray
    noise_bound: np.ndarray
    solver: str
    options: dict
    dual: np.ndarray | None = None
    primal_weight: np.ndarray | None = None

    def __repr__(self) -> str:
        gap = np.max(self.gap) if np.size(self.gap) else 0.0
        return (f"AndOrResult(solver={self.solver!r}, games={np.size(self.objective)}, "
                f"objective={np.sum(self.objective):.6g}, max gap={gap:.2g}, "
                f"converged={bool(np.all(self.converged))})")


def and_or(values, noise_bound: float = 0.04, *, absolute_bound=None, solver: str = "pdhg",
           tol: float = 1e-4, max_iter: int = 200_000, precision: str = "mixed",
           warm_start: AndOrResult | None = None, fold_singletons: bool = True,
           lr: float = 1e-4, iterations: int = 10_000,
           momentum: float = 0.9, show_progress=None, check_finite: bool = True) -> AndOrResult:
    """The sparsest AND-OR decomposition of a game or a batch of games (theory.md §4).

    Parameters
    ----------
    values : array_like, shape (2**n,) or (..., 2**n)
        The game v(S) by mask, n >= 1.
    noise_bound : float, default 0.04
        r in ``τ = r · |v(N) - v(∅)|`` (0.04 in the ICML'23 / ICLR'24 code, 0.02 in the
        NeurIPS'24 paper).
    absolute_bound : float or array_like, optional
        τ itself (one value, or one per game), instead of `noise_bound`.
    solver : {"pdhg", "sgd"}
        The certified solver, or the published SGD schedule.
    tol : float, default 1e-4
        ``pdhg``: stop when the certified relative gap is at most `tol`.  ``tol=0`` solves
        the program exactly instead (n <= 12; needs scipy): HiGHS on the program lifted
        through the butterfly stages (:mod:`harsanyi.and_or_exact`), about n·2^n sparse
        rows, with a certified gap at rounding level; ``solver`` then reads ``"exact"``.
    max_iter : int, default 200000
        ``pdhg``: iterations at most per game (``converged`` is False if they run out).
    precision : {"mixed", "double"}, default "mixed"
        ``pdhg``: ``"mixed"`` runs the iterations in float32 while float's rounding is far
        below their steps, then in float64; ``"double"`` runs them all in float64.  Either
        way the certificate, the returned point and its faithfulness are computed in
        float64, so `gap` is as trustworthy.  Mixed steps take 0.5-0.8 of the time of
        double ones from n = 10 on; the number of iterations is about the same.
    warm_start : AndOrResult, optional
        ``pdhg``: start each game's iterations from this earlier result (same shape), for
        instance the same samples' decomposition one epoch of training earlier.  Nearby
        games then need fewer iterations; the result is certified the same way.
    fold_singletons : bool, default True
        Put OR interactions of ∅ and singletons into the AND ones (the same functions of
        S).  ``pdhg`` never uses them, so it returns them folded either way.
    lr, iterations, momentum : float, int, float
        ``sgd``: the published schedule (lr 1e-4 for tabular data, 1e-5 for images):
        ``iterations - 1`` steps at ``lr · 10^(-t / (iterations - 1))``, t = 0 ..
        iterations - 2, as the published loop takes.
    show_progress : bool, optional
        A progress bar over the games (default: for long work only).
    check_finite : bool, default True
        Raise ValueError if `values` holds NaN or Inf.

    Returns
    -------
    AndOrResult
    """
    v, n = game_array(values, "values")
    if n < 1:
        raise ValueError("an AND-OR decomposition needs at least one player (values of "
                         "length 2 or more)")
    if solver not in SOLVERS:
        raise ValueError(f"unknown solver {solver!r}; choose one of {SOLVERS}")
    v = float64_array(v)
    if check_finite:
        require_finite(v, "values")
    batch_shape = v.shape[:-1]
    games = v.reshape(-1, 1 << n)
    tau = _noise_bounds(games, noise_bound, absolute_bound, batch_shape)

    if solver == "pdhg" and tol == 0:
        if n > MAX_EXACT_PLAYERS:
            raise ValueError(f"tol=0 (exact) takes n <= {MAX_EXACT_PLAYERS} (n = 12 already "
                             f"about a minute per game); got n = {n}: pass a positive tol")
        if warm_start is not None:
            raise ValueError("warm_start is for the iterations of tol > 0; tol=0 solves the "
                             "program exactly from scratch")
        parts = exact_parts(games, tau, n, show_progress)
        solver = "exact"
        options = {"noise_bound": noise_bound, "absolute_bound": absolute_bound, "tol": 0.0}
    elif solver == "pdhg":
        max_iter = positive_int(max_iter, "max_iter")
        if not (tol > 0 and np.isfinite(tol)):
            raise ValueError(f"tol must be positive and finite (or 0: exact), got {tol!r}")
        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; choose one of {PRECISIONS}")
        start = _warm_start(warm_start, v.shape)
        parts = _pdhg(games, tau, n, tol, max_iter, precision == "mixed", show_progress, start)
        options = {"noise_bound": noise_bound, "absolute_bound": absolute_bound, "tol": tol,
                   "max_iter": max_iter, "precision": precision}
    else:
        if warm_start is not None:
            raise ValueError("warm_start is for solver='pdhg' (SGD follows a fixed schedule)")
        iterations = positive_int(iterations, "iterations")
        if not (np.isfinite(lr) and lr > 0) or not 0 <= momentum < 1:
            raise ValueError("lr must be positive and finite, and momentum in [0, 1)")
        parts = _sgd(games, tau, n, iterations, lr, momentum, fold_singletons, show_progress)
        options = {"noise_bound": noise_bound, "absolute_bound": absolute_bound, "lr": lr,
                   "iterations": iterations, "momentum": momentum,
                   "fold_singletons": fold_singletons}

    a, o, noise, objective, gap, dual_bound, iters, converged, dual, weight = parts
    shortfall = unconverged_summary(converged, gap, tol, max_iter)
    if shortfall:
        warn_at_caller(f"{shortfall}; each objective is still within its gap of the optimum. "
                       "To go on, call hs.and_or(values, ..., warm_start=result) (or raise "
                       "max_iter); to accept such a gap, pass a tol at least that gap",
                       ConvergenceWarning)
    gamma = and_values(a) - 0.5 * (games + noise)

    def shaped(arr):
        if arr is None:
            return None
        return arr.reshape(batch_shape + arr.shape[1:]) if batch_shape else arr[0]

    return AndOrResult(
        shaped(a), shaped(o), shaped(gamma), shaped(noise), shaped(objective), shaped(gap),
        shaped(dual_bound), shaped(iters), shaped(converged), shaped(tau), solver,
        _recordable(options), shaped(dual), shaped(weight))


def _recordable(options: dict) -> dict:
    """`options` with arrays as lists, so that a record of them serialises to JSON."""
    return {k: np.asarray(v).tolist() if isinstance(v, np.ndarray) else v
            for k, v in options.items()}


def unconverged_summary(converged, gap, tol, max_iter,
                        what: str = "AND-OR decompositions") -> str | None:
    """How many of the solves (`what`) stopped at `max_iter` short of `tol`, and their
    largest gap; None when every one converged."""
    converged = np.atleast_1d(converged)
    stopped = int(np.size(converged) - np.count_nonzero(converged))
    if stopped == 0:
        return None
    worst = float(np.max(np.atleast_1d(gap)[~converged]))
    return (f"{stopped} of {np.size(converged)} {what} used all max_iter="
            f"{max_iter} iterations with a certified gap of up to {worst:.2g} (tol {tol:.2g})")


def _warm_start(result, shape):
    """The C solver's start (and, or, dual, weight as contiguous float64 rows) from an
    earlier pdhg result for games of `shape`, or None."""
    if result is None:
        return None
    if not isinstance(result, AndOrResult) or result.dual is None:
        raise ValueError("warm_start must be the AndOrResult of an earlier "
                         "hs.and_or(..., solver='pdhg') call")
    if np.shape(result.and_interactions) != tuple(shape):
        raise ValueError(f"warm_start holds games of shape "
                         f"{np.shape(result.and_interactions)}, but values have shape "
                         f"{tuple(shape)}; pass the result for the same games")
    size = shape[-1]

    def rows(x, width):
        return float64_array(np.asarray(x, dtype=np.float64).reshape(-1, width))

    parts = (rows(result.and_interactions, size), rows(result.or_interactions, size),
             rows(result.dual, size), rows(result.primal_weight, 1).reshape(-1))
    if not all(np.all(np.isfinite(part)) for part in parts) or np.any(parts[3] <= 0):
        raise ValueError("warm_start holds NaN, Inf or a non-positive primal weight")
    return parts


def _noise_bounds(games, noise_bound, absolute_bound, batch_shape):
    count = games.shape[0]
    if absolute_bound is not None:
        tau = np.broadcast_to(np.asarray(absolute_bound, dtype=np.float64), batch_shape)
        tau = np.array(tau, dtype=np.float64).reshape(count)
    else:
        if not np.isfinite(noise_bound) or noise_bound < 0:
            raise ValueError(f"noise_bound must be a finite number >= 0, got {noise_bound!r}")
        tau = float(noise_bound) * np.abs(games[:, -1] - games[:, 0])
    if not np.all(np.isfinite(tau)) or np.any(tau < 0):
        raise ValueError("the noise bound must be finite and >= 0")
    return float64_array(tau)


def _chunks(count: int):
    """Games per C call: a few per thread, so that a progress bar can move."""
    step = max(4 * _core.get_num_threads(), 1)
    return [(start, min(start + step, count)) for start in range(0, count, step)]


def _pdhg(games, tau, n, tol, max_iter, mixed, show_progress, start):
    count = games.shape[0]
    a, o, noise = np.zeros_like(games), np.zeros_like(games), np.zeros_like(games)
    dual = np.zeros_like(games)
    info = np.zeros((count, _core.INFO_FIELDS))
    long_work = count * (1 << n) * n >= (1 << 22)
    with progress_bar(count, "AND-OR decomposition", True if long_work and show_progress is None
                      else show_progress, unit="game") as bar:
        for first, last in _chunks(count):
            chunk_start = None if start is None else tuple(part[first:last] for part in start)
            _core.and_or_pdhg(games[first:last], tau[first:last], a[first:last], o[first:last],
                              noise[first:last], dual[first:last], info[first:last], max_iter,
                              tol, mixed, chunk_start)
            bar.update(last - first)
    column = {name: info[:, getattr(_core, f"INFO_{name.upper()}")] for name in INFO_COLUMNS}
    return (a, o, noise, column["objective"].copy(), column["gap"].copy(),
            column["dual"].copy(), column["iterations"].astype(np.int64),
            column["converged"].astype(bool), dual, column["weight"].copy())


def _sgd(games, tau, n, iterations, lr, momentum, fold_singletons, show_progress):
    count = games.shape[0]
    a, o, noise = np.zeros_like(games), np.zeros_like(games), np.zeros_like(games)
    objective = np.zeros(count)
    with progress_bar(count, "AND-OR decomposition (SGD)", show_progress, unit="game") as bar:
        for first, last in _chunks(count):
            _core.and_or_sgd(games[first:last], tau[first:last], a[first:last], o[first:last],
                             noise[first:last], objective[first:last], iterations, lr, momentum)
            bar.update(last - first)
    if fold_singletons:
        low = subset_sizes(n) <= 1
        a[:, low] += o[:, low]
        o[:, low] = 0.0
        objective = np.abs(a).sum(axis=1) + np.abs(o).sum(axis=1)
    nan = np.full(count, np.nan)
    return (a, o, noise, objective, nan, nan.copy(), np.full(count, iterations, np.int64),
            np.ones(count, bool), None, None)
