"""The joint AND-OR extraction of several models (theory.md §9) against HiGHS on the dense
program and the published SGD loop, in one run.

Games: m MLPs trained with different seeds on scikit-learn's breast-cancer data (the first n
features as players, mean baseline), explaining the same sample.  For each (m, n) it times
``hs.shared_and_or`` by PDHG (certified gaps 1e-3 and 1e-4) and exactly (``tol=0``: HiGHS on
the program lifted through the butterfly stages, n <= 10), HiGHS on the same program written
with dense 2^n x 2^n matrices (n = 8 only: at n = 10, run by hand, HiGHS had not finished
after 33 minutes), and the published optimiser written with dense matrices in PyTorch (SGD, momentum
0.9, lr 1e-7, 20,000 steps; timed over 500 steps and scaled, marked ~).  The ratios are the
HiGHS runs' times over PDHG's at 1e-4 (n = 14, in ``--large``, runs 1e-3 only: about six
minutes).

Run with ``make bench`` or ``python bench/shared.py`` (``--large`` adds n = 14).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer

import harsanyi as hs
from _timing import format_seconds, print_table
from harsanyi.testing.published_shared_sgd import dense_published_shared_sgd
from harsanyi.testing.shared_lp import shared_lp_optimum

SGD_STEPS, SGD_TIMED = 20_000, 500


def model_games(n: int, m: int) -> np.ndarray:
    """v of m MLPs (seeds 0..m-1) on the first sample, shaped (m, 2**n)."""
    data = load_breast_cancer()
    x = torch.tensor(((data.data - data.data.mean(0)) / data.data.std(0))[:, :n],
                     dtype=torch.float32)
    y = torch.tensor(data.target)
    games = []
    for seed in range(m):
        torch.manual_seed(seed)
        model = torch.nn.Sequential(torch.nn.Linear(n, 64), torch.nn.ReLU(),
                                    torch.nn.Linear(64, 2))
        optimiser = torch.optim.Adam(model.parameters(), 1e-2)
        for _ in range(200):
            optimiser.zero_grad()
            torch.nn.functional.cross_entropy(model(x), y).backward()
            optimiser.step()
        games.append(hs.model_game(model, x[:1], target=[int(y[0])], baseline="mean", data=x,
                                   show_progress=False).values()[0])
    return np.stack(games)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main() -> None:
    torch.set_num_threads(2)
    sizes = [(8, 2), (8, 4), (10, 2), (12, 2)] + ([(14, 2)] if "--large" in sys.argv else [])
    rows = []
    for n, m in sizes:
        v = model_games(n, m)
        spread = np.abs(v[:, -1] - v[:, 0])
        tau, bound, alpha = 0.02 * spread, 0.5 * spread, 0.1
        options = dict(noise_bound=0.02, alpha=alpha, gamma_ratio=0.5, max_iter=2_000_000)
        loose, t_loose = timed(lambda: hs.shared_and_or(v[:, None], tol=1e-3, **options))
        tight, t_tight = (timed(lambda: hs.shared_and_or(v[:, None], tol=1e-4, **options))
                          if n <= 12 else (loose, None))
        exact, t_exact = (timed(lambda: hs.shared_and_or(v[:, None], tol=0, **options))
                          if n <= 10 else (None, None))
        optimum, t_lp = timed(lambda: shared_lp_optimum(v, tau, bound, alpha)) if n <= 8 else \
            (None, None)
        if n <= 10:
            steps = SGD_STEPS if n <= 8 else SGD_TIMED
            *_, sgd_objective, t_sgd = dense_published_shared_sgd(v, tau, bound, alpha, steps)
            t_sgd *= SGD_STEPS / steps
        else:
            steps, sgd_objective, t_sgd = 0, None, None
        best = float(exact.objective[0]) if exact is not None else None
        rows.append([
            f"{n}", f"{m}",
            f"{format_seconds(t_loose)} ({int(loose.iterations[0]):,})",
            "—" if t_tight is None else
            f"{format_seconds(t_tight)} ({int(tight.iterations[0]):,})",
            f"{float(tight.objective[0]):.4f}",
            "—" if best is None else f"{float(tight.objective[0]) / best - 1:.1e}",
            format_seconds(t_exact), format_seconds(t_lp),
            "—" if t_exact is None else f"{t_exact / t_tight:,.1f}×",
            "—" if t_lp is None else f"{t_lp / t_tight:,.0f}×",
            "—" if steps < SGD_STEPS or best is None else f"{sgd_objective / best:.2f}",
            "—" if t_sgd is None else ("~" if steps < SGD_STEPS else "") + format_seconds(t_sgd)])
        print(" | ".join(rows[-1]), flush=True)
    print()
    print_table(["n", "models", "PDHG 1e-3 (iterations)", "PDHG 1e-4 (iterations)",
                 "objective (1e-4)", "above optimum", "exact (HiGHS lifted)", "HiGHS dense",
                 "lifted/PDHG", "dense/PDHG", "SGD objective/optimum", "SGD time"], rows)


if __name__ == "__main__":
    main()
