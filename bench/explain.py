"""Overhead of hs.explain over the bare forward passes it needs, measured in one run.

For an MLP on tabular data (scikit-learn's wine, 12 feature players) and a small CNN on
scikit-learn's 8x8 digits (a 4x3 grid of 2x2 patches), it times ``hs.explain(...,
method="and")`` on a few samples against the forward passes alone over the same 2^n
masked inputs, prebuilt in one tensor and fed in batches of the same size.  The
difference is what masking, batching, the value function and the transforms cost.  The two
run back to back, 25 rounds; the overhead is the median of the per-round ratios.

On Linux the script re-runs itself with glibc's heap trimming and mmap thresholds fixed
(``MALLOC_TRIM_THRESHOLD_``, ``MALLOC_MMAP_THRESHOLD_``).  With glibc's adaptive defaults
a forward pass of a small model lands, by the luck of the heap's layout, either on pages
already mapped or on fresh ones, and the page faults alone move either loop by 30-80%;
fixed, both loops see the same allocator.  ``--default-malloc`` measures the defaults.

Run with ``make bench`` or ``python bench/explain.py [--default-malloc]``.
"""

from __future__ import annotations

import os
import sys

import numpy as np
import torch
from sklearn.datasets import load_digits, load_wine

import harsanyi as hs
from _timing import format_seconds, paired_times, print_table

BATCH_SIZES = (512, 2048)
FIXED_MALLOC = {"MALLOC_TRIM_THRESHOLD_": str(1 << 28), "MALLOC_MMAP_THRESHOLD_": str(1 << 26)}
SAMPLES = 4


def tabular_case():
    data = load_wine()
    x = torch.tensor((data.data - data.data.mean(0)) / data.data.std(0), dtype=torch.float32)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(13, 256), torch.nn.ReLU(), torch.nn.Linear(256, 256),
                                torch.nn.ReLU(), torch.nn.Linear(256, 3)).eval()
    players = hs.players.groups([[i] for i in range(12)], n_features=13)
    return "MLP 13-256-256-3, wine, 12 features", model, x[:SAMPLES], players, x.mean(0)


def image_case():
    digits = load_digits()
    x = torch.tensor(digits.images[:, None] / 16.0, dtype=torch.float32)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32 * 16, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 10)).eval()
    players = hs.players.grid((8, 8), cells=(4, 3), region=(0, 8, 1, 7))
    return "CNN 2 conv + 2 fc, digits 8x8, 4x3 patches", model, x[:SAMPLES], players, torch.zeros(())


def bare_forward(model, masked: torch.Tensor, batch_size: int):
    with torch.inference_mode():
        for start in range(0, masked.shape[0], batch_size):
            model(masked[start:start + batch_size])


def fix_the_allocator() -> str:
    """Re-run this script with glibc's malloc thresholds fixed, unless told not to."""
    if "--default-malloc" in sys.argv[1:] or not sys.platform.startswith("linux"):
        return "allocator defaults"
    if any(key not in os.environ for key in FIXED_MALLOC):
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **FIXED_MALLOC})
    return ", ".join(f"{key}={os.environ[key]}" for key in FIXED_MALLOC)


def main() -> None:
    allocator = fix_the_allocator()
    torch.set_num_threads(2)
    print(f"# harsanyi {hs.__version__}, torch {torch.__version__}, {torch.get_num_threads()} "
          f"threads, {SAMPLES} samples x 2^12 subsets, float32, {allocator}\n")
    rows = []
    for name, model, x, players, baseline in (tabular_case(), image_case()):
        game = hs.model_game(model, x, players=players, baseline=baseline)
        n = game.n_players
        masked = torch.stack([game.masked_row(s, sample=i)
                              for i in range(SAMPLES) for s in range(1 << n)])
        for batch_size in BATCH_SIZES:
            times = paired_times([
                lambda: bare_forward(model, masked, batch_size),
                lambda: hs.explain(model, x, players=players, baseline=baseline,
                                   batch_size=batch_size, show_progress=False),
            ], rounds=25)
            ratio = np.median(times[:, 1] / times[:, 0])
            rows.append([name, f"{batch_size}", f"{SAMPLES * (1 << n):,}",
                         format_seconds(np.median(times[:, 0])),
                         format_seconds(np.median(times[:, 1])), f"{100 * (ratio - 1):.1f}%"])
    print_table(["model", "batch", "evaluations", "bare forward (median)",
                 "hs.explain (median)", "overhead (median ratio)"], rows)


if __name__ == "__main__":
    main()
