"""Overhead of hs.multi_order over the bare forward passes it needs, measured in one run.

A small CNN on scikit-learn's 8x8 digits upsampled to 32x32, split into a 16x16 grid of
2x2 cells (n = 256 players, the bottleneck paper's grid); pairs within 2 cells, contexts at
3 orders (m/n about 0.1, 0.5, 0.9).  It times ``hs.multi_order`` against the forward passes
alone over as many prebuilt masked rows as it evaluated, in batches of the same size, and
the context sampler on its own (per context: drawing S and building the four coalitions).
Both run back to back over several rounds; the overhead is the median per-round ratio.

The default is a reduced setting (10 samples x 30 pairs x 20 contexts) that runs in about two
minutes here; ``--paper`` runs the published 50 samples x 200 pairs x 100 contexts.

Run with ``make bench`` or ``python bench/multi_order.py [--paper]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import torch
from sklearn.datasets import load_digits

import harsanyi as hs
from _timing import format_seconds, paired_times, print_table
from harsanyi.models.contexts import ContextSampler

BATCH_SIZE = 1024
ORDERS = (0.1, 0.5, 0.9)


def setting():
    samples, pairs, contexts = (50, 200, 100) if "--paper" in sys.argv else (10, 30, 20)
    digits = load_digits()
    x = torch.tensor(digits.images[:samples, None] / 16.0, dtype=torch.float32)
    x = torch.nn.functional.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32 * 8 * 8, 10)).eval()
    return model, x, pairs, contexts


def main():
    torch.set_num_threads(max(1, torch.get_num_threads()))
    model, x, pairs, contexts = setting()
    players = hs.players.grid((32, 32), cells=(16, 16))
    options = dict(players=players, orders=ORDERS, pairs=pairs, contexts=contexts,
                   neighbourhood=2, baseline="mean", data=x, batch_size=BATCH_SIZE,
                   show_progress=False)
    result = hs.multi_order(model, x, **options)
    evaluations = result.evaluations
    rows = x[torch.randint(0, len(x), (BATCH_SIZE,))].clone()

    def bare():
        with torch.inference_mode():
            for start in range(0, evaluations, BATCH_SIZE):
                model(rows[:min(BATCH_SIZE, evaluations - start)])

    rounds = 3
    times = paired_times([lambda: hs.multi_order(model, x, **options), bare], rounds=rounds)
    overhead = np.median(times[:, 0] / times[:, 1]) - 1

    sampler_pairs = result.pairs.reshape(-1, 2)
    t0 = time.perf_counter()
    for ratio in ORDERS:
        ContextSampler(256, int(254 * ratio), contexts, np.random.default_rng(0)) \
            .coalitions(sampler_pairs)
    per_context = (time.perf_counter() - t0) / (len(sampler_pairs) * contexts * len(ORDERS))

    samples = len(x)
    print(f"n = 256 players (16x16 cells on 32x32 digits), {samples} samples x {pairs} pairs x "
          f"{contexts} contexts x {len(ORDERS)} orders, batch {BATCH_SIZE}, "
          f"{torch.get_num_threads()} threads")
    print_table(["", "time", "model evaluations"], [
        ["hs.multi_order", format_seconds(np.median(times[:, 0])), f"{evaluations:,}"],
        ["bare forward passes", format_seconds(np.median(times[:, 1])), f"{evaluations:,}"],
    ])
    print(f"\noverhead of hs.multi_order over the forward passes: {100 * overhead:.1f}% "
          f"(median of {rounds} paired rounds; target under 15%)")
    print(f"context sampler alone: {format_seconds(per_context)} per context "
          f"(S drawn, four coalitions built)")


if __name__ == "__main__":
    main()
