"""A tracker update shared between ranks (torch.distributed, gloo on CPU, one thread each)
against one rank, measured in one run.

The demo's MLP (30-256-256-2 on scikit-learn's breast-cancer data) with 12 players and 32
probe samples, AND-OR interactions at the tracker's tolerance: every rank builds and updates
the tracker; with 2 ranks each evaluates and splits 16 probes, and the shares are gathered.
Times are of ``tracker.update`` (a few checkpoints, the median), measured on rank 0; the
gather and the write are timed apart on rank 0.

Run with ``make bench`` or ``python bench/distributed.py``.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
import torch.distributed as dist

import harsanyi as hs
from _timing import format_seconds, print_table

PROBES, PLAYERS, CHECKPOINTS = 32, 12, 3


def rank_job(rank, world, folder):
    dist.init_process_group("gloo", init_method=f"file://{folder}/store", rank=rank,
                            world_size=world)
    torch.set_num_threads(1)
    hs.set_num_threads(1)
    from harsanyi.demo import noisy_split, tabular_problem

    rng = np.random.default_rng(0)
    model, x, y, classes, _ = tabular_problem(rng)
    x_train, y_train, x_test, y_test = noisy_split(x, y, 120, classes, rng)
    players = hs.players.groups([[i] for i in range(PLAYERS)], n_features=30)
    tracker = hs.DynamicsTracker(model, x_test[:PROBES], y_test[:PROBES], players=players,
                                 baseline="zero", directory=Path(folder) / "run")
    optimiser = torch.optim.SGD(model.parameters(), lr=0.02)
    times = []
    for epoch in range(CHECKPOINTS):
        optimiser.zero_grad()
        torch.nn.functional.cross_entropy(model(x_train), y_train).backward()
        optimiser.step()
        dist.barrier()
        start = time.perf_counter()
        tracker.update(epoch)
        times.append(time.perf_counter() - start)
    share = {key: np.zeros((PROBES // world, 1 << PLAYERS)) for key in ("values", "a", "o")}
    dist.barrier()
    start = time.perf_counter()
    found = [None] * world
    dist.all_gather_object(found, share)  # what a checkpoint gathers
    gather = time.perf_counter() - start
    start = time.perf_counter()
    if rank == 0:
        tracker.store.write_checkpoint(99, {"epoch": np.array(99), "values": share["values"]})
    write = time.perf_counter() - start
    if rank == 0:
        Path(folder, "times.json").write_text(json.dumps({"update": times, "gather": gather,
                                                          "write": write}))
    dist.destroy_process_group()


def run(world: int) -> dict:
    """Times on rank 0 of `world` ranks (one rank: a group of one, the plain tracker)."""
    import torch.multiprocessing as mp

    with tempfile.TemporaryDirectory() as folder:
        mp.spawn(rank_job, args=(world, folder), nprocs=world, join=True)
        return json.loads(Path(folder, "times.json").read_text())


def main() -> None:
    first, second = run(1), run(2)
    one, two = float(np.median(first["update"])), float(np.median(second["update"]))
    print(f"tracker.update, {PROBES} probes, n = {PLAYERS}, AND-OR (tol 1e-2), one thread per "
          f"rank, median of {CHECKPOINTS} checkpoints:\n")
    print_table(["ranks", "time per update", "speed-up"],
                [["1", format_seconds(one), "1.00×"],
                 ["2", format_seconds(two), f"{one / two:.2f}×"]])
    print("\n(target: 2 ranks at least 1.7x faster than 1 on this 2-core machine)")
    print(f"gathering a checkpoint's shares (values and split of {PROBES} probes): "
          f"{format_seconds(second['gather'])}; writing one checkpoint file: "
          f"{format_seconds(second['write'])}")


if __name__ == "__main__":
    main()
