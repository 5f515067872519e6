"""What tracking costs: DynamicsTracker.update against an epoch of training and against the
same tracking with the published dense-matrix AND-OR formulation, measured in one run.

The demo's MLP (30-256-256-2 on scikit-learn's breast-cancer data, 120 training samples,
batch 16) with 12 players (features 0-11; the rest background), 32 probe samples, AND-OR
interactions.  The dense formulation (SGD on 2^n x 2^n matrices, 10,000 steps per sample)
is timed over a few steps on one sample and scaled to 32 samples x 10,000 steps (marked ~).

Run with ``make bench`` or ``python bench/tracker.py``.  ``--warm`` times instead the AND-OR
solves of consecutive checkpoints started cold and from the previous checkpoint's results.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch

import harsanyi as hs
from _timing import format_seconds, print_table
from and_or import SGD_STEPS, dense_sgd
from harsanyi.demo import noisy_split, tabular_problem

PROBES = 32
PLAYERS = 12


def training():
    """The demo's MLP, a function running one epoch of its training, its probe samples and
    the players."""
    torch.set_num_threads(2)
    rng = np.random.default_rng(0)
    model, x, y, classes, _ = tabular_problem(rng)
    x_train, y_train, x_test, y_test = noisy_split(x, y, 120, classes, rng)
    players = hs.players.groups([[i] for i in range(PLAYERS)], n_features=30)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.02)

    def epoch():
        model.train()
        for batch in torch.randperm(len(x_train)).split(16):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()

    return model, epoch, x_test[:PROBES], y_test[:PROBES], players


def main() -> None:
    model, epoch, probe_x, probe_y, players = training()
    for _ in range(20):  # a model part-way through training
        epoch()
    start = time.perf_counter()
    for _ in range(5):
        epoch()
    t_epoch = (time.perf_counter() - start) / 5

    tracker = hs.DynamicsTracker(model, probe_x, probe_y, players=players,
                                 method="and-or")
    start = time.perf_counter()
    tracker.update(25)
    t_update = time.perf_counter() - start
    gaps = tracker.records[25]["solver"]["gap"]

    values = hs.model_game(model, probe_x[:1], probe_y[:1], players=players).values()[0]
    tau = 0.02 * abs(values[-1] - values[0])
    steps = 20
    _, t_dense = dense_sgd(values, tau, steps)
    t_dense_total = t_dense * (SGD_STEPS / steps) * PROBES

    print(f"# harsanyi {hs.__version__}, torch {torch.__version__}, {PROBES} probe samples, "
          f"n = {PLAYERS}, AND-OR (noise bound 0.02, tol 1e-2; largest certified gap "
          f"{gaps.max():.1e})\n")
    print_table(
        ["epoch of training", "tracker.update", "update / epoch", "dense formulation",
         "dense / update"],
        [[format_seconds(t_epoch), format_seconds(t_update), f"{t_update / t_epoch:,.0f}×",
          "~" + format_seconds(t_dense_total), f"~{t_dense_total / t_update:,.0f}×"]])


def warm() -> None:
    """The AND-OR solves of consecutive checkpoints, cold and warm-started from the previous
    checkpoint's results (hs.and_or(..., warm_start=)), at the tracker's settings."""
    model, train_epoch, probe_x, probe_y, players = training()
    options = {"noise_bound": 0.02, "tol": 1e-2, "show_progress": False}
    rows, previous = [], {}
    for epoch in range(1, 22):
        train_epoch()
        if epoch not in (12, 20, 21):
            continue
        model.eval()
        values = hs.model_game(model, probe_x, probe_y, players=players,
                               show_progress=False).values()
        start = time.perf_counter()
        cold = hs.and_or(values, **options)
        t_cold = time.perf_counter() - start
        for earlier in (epoch - 1, 12):
            if earlier == epoch or earlier not in previous:
                continue
            start = time.perf_counter()
            warm_result = hs.and_or(values, warm_start=previous[earlier], **options)
            t_warm = time.perf_counter() - start
            rows.append([f"{epoch}", f"{earlier}", f"{int(cold.iterations.sum()):,}",
                         format_seconds(t_cold), f"{int(warm_result.iterations.sum()):,}",
                         format_seconds(t_warm),
                         f"{cold.iterations.sum() / warm_result.iterations.sum():.2f}×"])
        previous[epoch] = cold
    print_table(["epoch", "started from epoch", "cold iterations", "time", "warm iterations",
                 "time", "cold/warm iterations"], rows)


if __name__ == "__main__":
    if "--warm" in sys.argv[1:]:
        warm()
    else:
        main()
