"""The joint AND-OR extraction of several models (theory.md §9) against HiGHS on the dense
program and the published SGD loop, in one run.

Games: m MLPs trained with different seeds on scikit-learn's breast-cancer data (the first n
features as players, mean baseline), explaining the same sample.  For each (m, n) it times
``hs.shared_and_or`` (exact, certified), HiGHS on the same program written with dense
2^n x 2^n matrices (n = 8 only: at n = 10 the dense program has ~10^8 entries per model),
and the published optimiser written with dense matrices in PyTorch (SGD, momentum 0.9,
lr 1e-7, 20,000 steps; timed over 500 steps and scaled, marked ~).

Run with ``make bench`` or ``python bench/shared.py``.
"""

from __future__ import annotations

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


def main() -> None:
    torch.set_num_threads(2)
    rows = []
    for n, m in ((8, 2), (8, 4), (10, 2)):
        v = model_games(n, m)
        spread = np.abs(v[:, -1] - v[:, 0])
        tau, bound, alpha = 0.02 * spread, 0.5 * spread, 0.1
        start = time.perf_counter()
        ours = hs.shared_and_or(v[:, None], noise_bound=0.02, alpha=alpha, gamma_ratio=0.5)
        t_ours = time.perf_counter() - start
        if n <= 8:
            start = time.perf_counter()
            optimum = shared_lp_optimum(v, tau, bound, alpha)
            t_lp = time.perf_counter() - start
        else:
            optimum, t_lp = None, None
        steps = SGD_STEPS if n <= 8 else SGD_TIMED
        *_, sgd_objective, t_sgd = dense_published_shared_sgd(v, tau, bound, alpha, steps)
        t_sgd *= SGD_STEPS / steps
        rows.append([f"{n}", f"{m}", f"{float(ours.objective[0]):.4f}", f"{float(ours.gap[0]):.0e}",
                     format_seconds(t_ours), "—" if optimum is None else f"{optimum:.4f}",
                     format_seconds(t_lp),
                     "—" if optimum is None else f"{float(ours.objective[0]) / optimum:.9f}",
                     f"{sgd_objective:.4f}" if steps == SGD_STEPS else "—",
                     ("~" if steps < SGD_STEPS else "") + format_seconds(t_sgd),
                     "—" if t_lp is None else f"{t_lp / t_ours:,.1f}×",
                     f"{t_sgd / t_ours:,.1f}×"])
        print(" | ".join(rows[-1]), flush=True)
    print()
    print_table(["n", "models", "ours (exact)", "gap", "time", "HiGHS dense", "time",
                 "ours/HiGHS", "published SGD", "time", "HiGHS time/ours", "SGD time/ours"], rows)


if __name__ == "__main__":
    main()
