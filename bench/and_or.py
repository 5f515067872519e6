"""The AND-OR decomposition against the published SGD formulation and scipy's HiGHS.

For a planted game (3 AND and 3 OR concepts plus noise) and a game of a trained MLP
(breast-cancer data, the first n features as players) at n = 8, 10 and 12, one run
prints: hs.and_or's objective, certified gap, iterations and time to reach tol 1e-3 (and
its time with ``precision="double"``); the published optimisation
written with dense 2^n x 2^n matrices in PyTorch (SGD, momentum 0.9, 10,000 steps, lr
1e-4 decayed to 1e-5, q clamped) with its objective and time; and the LP optimum by
HiGHS with its time (n <= 10), and ours with ``tol=0`` (exact: HiGHS on the program lifted
through the butterfly stages) with its time and relative difference from the dense LP's
optimum (n <= 10).  At n = 12 the dense SGD is timed over 500 steps and
scaled to 10,000 (marked ~).

Run with ``make bench`` or ``python bench/and_or.py``.  ``--scale`` times instead the two
scale targets: one planted game at n = 16, and a batch of 100 games of the trained MLP
(its first 100 samples) at n = 10, both at tol 1e-3 and at the default 1e-4 for the batch,
each in mixed and in double precision; and, for the time per sample when many are
explained, a batch of the MLP's first 8 games at n = 12 (one game per core).  ``--warm``
times warm starts (``warm_start=``): games of the MLP solved from the same samples' results
a few training steps earlier, and a result refined to a tighter tolerance.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch

import harsanyi as hs
from _timing import format_seconds, print_table
from harsanyi.testing.lp import lp_optimum, planted_game
from harsanyi.testing.published_sgd import dense_published_sgd

SGD_STEPS = 10_000
SGD_LR = 1e-4  # the published learning rate for tabular data
MAX_ITER = 2_000_000  # enough for every game here to reach tol, so times are to certification


def model_games(n: int, samples: int = 1) -> np.ndarray:
    """v of a small MLP trained on scikit-learn's breast-cancer data for its first samples,
    shaped (samples, 2**n)."""
    return games_during_training(n, samples, (200,))[0]


def games_during_training(n: int, samples: int, steps) -> list[np.ndarray]:
    """The games of model_games after each of the given numbers of full-batch Adam steps."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    x = (data.data - data.data.mean(0)) / data.data.std(0)
    x = torch.tensor(x[:, :n], dtype=torch.float32)
    y = torch.tensor(data.target)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(n, 64), torch.nn.ReLU(), torch.nn.Linear(64, 64),
                                torch.nn.ReLU(), torch.nn.Linear(64, 2))
    optimizer = torch.optim.Adam(model.parameters(), 1e-2)
    games = []
    for step in range(1, max(steps) + 1):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
        if step in steps:
            games.append(hs.model_game(model, x[:samples], players=hs.players.features(n),
                                       baseline="mean", data=x, show_progress=False).values())
    return games


def dense_sgd(v: np.ndarray, tau: float, steps: int):
    """Objective and seconds of the published dense loop's first `steps` steps."""
    I_and, I_or, _, seconds = dense_published_sgd(v, tau, steps, lr=SGD_LR, schedule=SGD_STEPS)
    return float(np.abs(I_and).sum() + np.abs(I_or).sum()), seconds


def scale() -> None:
    """The n = 16 planted game and a batch of 100 trained-MLP games at n = 10, in both
    precisions."""
    planted, _ = planted_game(16, np.random.default_rng(16))
    games = model_games(10, samples=100)
    cases = [("planted, n = 16", planted, {"absolute_bound": 1.2e-3, "max_iter": 1_000_000},
              1e-3)]
    cases += [("trained MLP, n = 10", games, {"noise_bound": 0.04}, tol) for tol in (1e-3, 1e-4)]
    cases.append(("trained MLP, n = 12", model_games(12, samples=8),
                  {"noise_bound": 0.04, "max_iter": MAX_ITER}, 1e-3))
    rows = []
    for name, v, options, tol in cases:
        for precision in ("mixed", "double"):
            start = time.perf_counter()
            result = hs.and_or(v, tol=tol, precision=precision, **options)
            seconds = time.perf_counter() - start
            iterations = int(np.sum(result.iterations))
            count = np.size(result.objective)
            rows.append([name, f"{count}", f"{tol:.0e}", precision,
                         f"{float(np.max(result.gap)):.1e}", f"{iterations:,}",
                         format_seconds(seconds), format_seconds(seconds / count),
                         format_seconds(seconds / iterations)])
            print(" | ".join(rows[-1]), flush=True)
    print()
    print_table(["games", "count", "tol", "precision", "gap (max)", "iterations (sum)", "time",
                 "per game", "per iteration"], rows)


def warm() -> None:
    """Warm starts: 20 games of the trained MLP at n = 10 solved cold and from the same
    samples' results one and ten training steps earlier, and one game refined from tol 1e-3
    to 1e-5 against a cold solve at 1e-5."""
    earlier10, earlier1, games = games_during_training(10, 20, (190, 199, 200))
    rows = []

    def timed(v, tol, start=None):
        begin = time.perf_counter()
        result = hs.and_or(v, tol=tol, warm_start=start, show_progress=False)
        return result, time.perf_counter() - begin

    cold, t_cold = timed(games, 1e-3)
    rows.append(["20 games, tol 1e-3", "cold", f"{int(cold.iterations.sum()):,}",
                 format_seconds(t_cold), "1.00×"])
    for label, previous in (("1 step", earlier1), ("10 steps", earlier10)):
        warm_result, t_warm = timed(games, 1e-3, hs.and_or(previous, tol=1e-3))
        rows.append(["20 games, tol 1e-3", f"from the results {label} earlier",
                     f"{int(warm_result.iterations.sum()):,}", format_seconds(t_warm),
                     f"{cold.iterations.sum() / warm_result.iterations.sum():.2f}×"])
    fine, t_fine = timed(games[0], 1e-5)
    coarse, t_coarse = timed(games[0], 1e-3)
    refined, t_refined = timed(games[0], 1e-5, coarse)
    rows.append(["1 game, tol 1e-5", "cold", f"{int(fine.iterations):,}", format_seconds(t_fine),
                 "1.00×"])
    total = int(coarse.iterations + refined.iterations)
    rows.append(["1 game, tol 1e-5", "tol 1e-3, then refined to 1e-5", f"{total:,}",
                 format_seconds(t_coarse + t_refined), f"{fine.iterations / total:.2f}×"])
    print_table(["games", "start", "iterations", "time", "fewer iterations"], rows)


def main() -> None:
    torch.set_num_threads(2)
    if "--scale" in sys.argv[1:]:
        scale()
        return
    if "--warm" in sys.argv[1:]:
        warm()
        return
    print(f"# harsanyi {hs.__version__}, torch {torch.__version__}, {hs.get_num_threads()} kernel "
          "threads; ours: solver='pdhg', tol=1e-3 (certified), "
          f"max_iter={MAX_ITER:,}\n")
    rows = []
    for n in (8, 10, 12):
        planted, _ = planted_game(n, np.random.default_rng(n))
        for name, v, bound in (("planted", planted, 1.2e-3),
                               ("trained MLP", model_games(n)[0], None)):
            tau = bound if bound is not None else 0.04 * abs(v[-1] - v[0])
            start = time.perf_counter()
            ours = hs.and_or(v, absolute_bound=tau, tol=1e-3, max_iter=MAX_ITER)
            t_ours = time.perf_counter() - start
            start = time.perf_counter()
            hs.and_or(v, absolute_bound=tau, tol=1e-3, max_iter=MAX_ITER, precision="double")
            t_double = time.perf_counter() - start
            steps = SGD_STEPS if n <= 10 else 500
            sgd_objective, t_sgd = dense_sgd(v, tau, steps)
            t_sgd *= SGD_STEPS / steps
            if n <= 10:
                start = time.perf_counter()
                optimum = lp_optimum(v, tau)[0]
                t_lp = time.perf_counter() - start
                start = time.perf_counter()
                exact = hs.and_or(v, absolute_bound=tau, tol=0)
                t_exact = time.perf_counter() - start
                exact_error = abs(float(exact.objective) - optimum) / optimum
            else:
                optimum, t_lp, t_exact = None, None, None
            rows.append([
                f"{n}", name, f"{float(ours.objective):.4f}", f"{float(ours.gap):.1e}",
                f"{int(ours.iterations):,}", format_seconds(t_ours), format_seconds(t_double),
                f"{sgd_objective:.4f}" if steps == SGD_STEPS else "—",
                ("~" if steps < SGD_STEPS else "") + format_seconds(t_sgd),
                "—" if optimum is None else f"{optimum:.4f}", format_seconds(t_lp),
                "—" if optimum is None else f"{float(ours.objective) / optimum:.5f}",
                f"{t_sgd / t_ours:,.0f}×", "—" if t_lp is None else f"{t_lp / t_ours:,.1f}×",
                format_seconds(t_exact),
                "—" if t_exact is None else f"{exact_error:.0e}",
                "—" if t_exact is None else f"{t_lp / t_exact:,.1f}×",
            ])
            print(" | ".join(rows[-1]), flush=True)
    print()
    print_table(["n", "game", "ours", "gap", "iterations", "time", "in double", "dense SGD",
                 "time", "HiGHS", "time", "ours/HiGHS", "SGD time/ours", "HiGHS time/ours",
                 "tol=0", "tol=0 vs HiGHS", "HiGHS time/tol=0"], rows)


if __name__ == "__main__":
    main()
