"""The main job of ``make demo``: watch two networks learn interactions, see the two phases.

``python -m harsanyi.demo --out out`` trains

1. an MLP on scikit-learn's breast-cancer data: the 30 columns are 10 measurements of a
   cell nucleus (mean, error and worst value each), so the players are those 10 groups;
   tracked with the AND-OR decomposition;
2. a small CNN on scikit-learn's 8x8 digits, the players a 4x3 grid of 2x2 patches (the
   outer pixel columns are background); tracked with AND interactions (theory §7);

both on a small training set with 20% of its labels replaced at random, long enough to
over-fit.  For each it writes four figures and a summary into the output folder:
``<name>_overview.png`` (I^(k) at six checkpoints, losses), ``<name>_theory.png``
(observed against predicted I^(k)), ``<name>_ratio.png`` (low/high-order ratio against σ²),
``<name>_heatmap.png`` (I^(k) over training), and ``summary.txt``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._atomic import atomic_write


@dataclass(frozen=True)
class Run:
    """Settings of one demo run."""

    name: str
    epochs: int
    lr: float
    batch: int
    train_size: int
    probes: int
    method: str
    dense_until: int  # every epoch is a checkpoint before this, every `spacing`-th after
    spacing: int


TABULAR = Run("tabular_mlp", epochs=240, lr=0.02, batch=16, train_size=120, probes=6,
              method="and-or", dense_until=30, spacing=8)
DIGITS = Run("digits_cnn", epochs=200, lr=0.02, batch=32, train_size=300, probes=16,
             method="and", dense_until=30, spacing=4)


def quick(run: Run) -> Run:
    """A few epochs of the same run, for the tests and the notebook's smoke mode."""
    return Run(run.name, epochs=8, lr=run.lr, batch=run.batch, train_size=64, probes=3,
               method=run.method, dense_until=4, spacing=2)


def noisy_split(x, y, train_size, classes, rng):
    """A small training set with 20% of its labels replaced at random; the rest for testing."""
    import torch

    order = rng.permutation(len(x))
    train, test = order[:train_size], order[train_size:]
    labels = y[train].copy()
    flip = rng.random(train_size) < 0.2
    labels[flip] = rng.integers(0, classes, flip.sum())
    as_tensor = torch.as_tensor
    return (as_tensor(x[train]), as_tensor(labels), as_tensor(x[test]), as_tensor(y[test]))


def tabular_problem(rng):
    import torch
    from sklearn.datasets import load_breast_cancer

    from .models import players

    data = load_breast_cancer()
    x = ((data.data - data.data.mean(0)) / data.data.std(0)).astype(np.float32)
    names = [name.replace("mean ", "") for name in data.feature_names[:10]]
    groups = players.groups([[i, i + 10, i + 20] for i in range(10)], n_features=30, names=names)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(30, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 256), torch.nn.ReLU(), torch.nn.Linear(256, 2))
    return model, x, data.target, 2, groups


def digits_problem(rng):
    import torch
    from sklearn.datasets import load_digits

    from .models import players

    data = load_digits()
    x = (data.images[:, None] / 16.0).astype(np.float32)
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(32 * 16, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 10))
    grid = players.grid((8, 8), cells=(4, 3), region=(0, 8, 1, 7))
    return model, x, data.target, 10, grid


def train_and_track(run: Run, problem, out: Path, log):
    """Train with SGD, tracking the interactions of a few test samples; returns the tracker."""
    import torch

    from .dynamics.tracker import DynamicsTracker

    rng = np.random.default_rng(0)
    model, x, y, classes, players = problem(rng)
    x_train, y_train, x_test, y_test = noisy_split(x, y, run.train_size, classes, rng)
    probe_x, probe_y = x_test[:run.probes], y_test[:run.probes]
    directory = out / "runs" / run.name
    if (directory / "tracker.json").exists():
        import shutil

        shutil.rmtree(directory)
    tracker = DynamicsTracker(
        model, probe_x, probe_y, players=players, baseline="zero", method=run.method,
        every=lambda e: e < run.dense_until or e % run.spacing == 0 or e == run.epochs - 1,
        directory=directory)
    optimizer = torch.optim.SGD(model.parameters(), lr=run.lr)
    loss_fn = torch.nn.functional.cross_entropy
    generator = torch.Generator().manual_seed(0)
    start = time.perf_counter()
    for epoch in range(run.epochs):
        model.train()
        for batch in torch.randperm(len(x_train), generator=generator).split(run.batch):
            optimizer.zero_grad()
            loss_fn(model(x_train[batch]), y_train[batch]).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            train_loss = loss_fn(model(x_train), y_train).item()
            test_loss = loss_fn(model(x_test), y_test).item()
        tracker.update(epoch, train_loss=train_loss, test_loss=test_loss)
        if epoch % 20 == 0 or epoch == run.epochs - 1:
            log(f"  {run.name}: epoch {epoch:4d}  train loss {train_loss:.3f}  "
                f"test loss {test_loss:.3f}  ({time.perf_counter() - start:.0f} s)")
    return tracker


def report(run: Run, tracker, out: Path) -> str:
    """Write the four figures of one run; return its part of the summary."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    for kind in ("overview", "theory", "ratio", "heatmap"):
        figure = tracker.plot(kind, path=out / f"{run.name}_{kind}.png")
        plt.close(figure)
    lines = [f"## {run.name} ({tracker.players.n} players, {tracker.method} interactions, "
             f"{len(tracker.epochs)} checkpoints over {run.epochs} epochs)"]
    try:
        lines.append(tracker.detect_phases().summary())
    except ValueError as error:
        lines.append(f"Phases not detected: {error}")
    fit = tracker.fit_theory()
    top = int(np.argmax(fit.sigma2))
    lines.append(
        f"Theory fit (plain AND interactions, w* = the last checkpoint's): σ² is "
        f"{fit.sigma2[0]:.2g} at epoch {fit.epochs[0]}, largest ({fit.sigma2[top]:.2g}) at epoch "
        f"{fit.epochs[top]}, {fit.sigma2[-1]:.2g} at epoch {fit.epochs[-1]}; RMS error of the "
        f"fitted I^(k): median {np.median(fit.error):.3f}, max {fit.error.max():.3f} "
        "(I^(k) averages 1 over orders).")
    return "\n".join(lines)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="out", help="folder for the figures and the summary")
    parser.add_argument("--quick", action="store_true", help="a few epochs only (a smoke test)")
    parser.add_argument("--only", choices=["tabular", "digits"], help="run one of the two")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    runs = {"tabular": (TABULAR, tabular_problem), "digits": (DIGITS, digits_problem)}
    sections = []
    start = time.perf_counter()
    for key, (run, problem) in runs.items():
        if args.only and key != args.only:
            continue
        run = quick(run) if args.quick else run
        print(f"Training {run.name} for {run.epochs} epochs, tracking {run.probes} test samples")
        tracker = train_and_track(run, problem, out, print)
        sections.append(report(run, tracker, out))
    summary = "\n\n".join(sections) + f"\n\nTotal time: {time.perf_counter() - start:.0f} s\n"
    with atomic_write(out / "summary.txt", "w") as handle:
        handle.write(summary)
    print("\n" + summary)
    print(f"Figures and summary written to {out}/")


if __name__ == "__main__":
    main()
