"""The main job of ``make demo``: watch two networks learn interactions, see the two phases.

``python -m harsanyi.demo --out out`` trains

1. an MLP on scikit-learn's breast-cancer data: the 30 columns are 10 measurements of a
   cell nucleus (mean, error and worst value each), so the players are those 10 groups;
   tracked with the AND-OR decomposition;
2. a small CNN on scikit-learn's 8x8 digits, the players a 4x3 grid of 2x2 patches (the
   outer pixel columns are background); tracked with the AND-OR decomposition too;

both on a small training set with 20% of its labels replaced at random, long enough to
over-fit, with AND-OR interactions of noise bound r = 0.02 as theory.md §7 measures them.
For each it writes five figures and a summary into the output folder:
``<name>_overview.png`` (I^(k) at six checkpoints, losses), ``<name>_theory.png``
(observed I^(k) of phase-2 checkpoints with the fitted theory over them),
``<name>_sigma2.png`` (the fitted σ² over epochs beside the loss gap), ``<name>_ratio.png``
(low/high-order ratio against σ²), ``<name>_heatmap.png`` (I^(k) over training), and
``summary.txt``.
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
    tol: float = 1e-2  # the AND-OR solver's certified gap (the distribution needs little)


TABULAR = Run("tabular_mlp", epochs=240, lr=0.02, batch=16, train_size=120, probes=6,
              method="and-or", dense_until=30, spacing=8)
# The CNN's games at n = 12 are the demo's cost: 8 probes and tol 0.03 keep it to minutes.
DIGITS = Run("digits_cnn", epochs=200, lr=0.02, batch=32, train_size=300, probes=8,
             method="and-or", dense_until=30, spacing=4, tol=0.03)


def quick(run: Run) -> Run:
    """A few epochs of the same run, for the tests and the notebook's smoke mode."""
    return Run(run.name, epochs=8, lr=run.lr, batch=run.batch, train_size=64, probes=3,
               method=run.method, dense_until=4, spacing=2, tol=run.tol)


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
        model, probe_x, probe_y, players=players, baseline="zero", method=run.method, tol=run.tol,
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

    lines = [f"## {run.name} ({tracker.players.n} players, {tracker.method} interactions, "
             f"{len(tracker.epochs)} checkpoints over {run.epochs} epochs)"]
    try:
        phases = tracker.detect_phases()
        lines.append(phases.summary())
    except ValueError as error:
        phases = None
        lines.append(f"Phases not detected: {error}")
    phase2 = phases is not None and phases.phase2_start is not None
    fit = tracker.fit_theory(phase2_only=phase2)
    for kind in ("overview", "theory", "sigma2", "ratio", "heatmap"):
        options = {"fit": fit} if kind in ("theory", "sigma2", "ratio") else {}
        figure = tracker.plot(kind, path=out / f"{run.name}_{kind}.png", **options)
        plt.close(figure)
    lines.append(theory_summary(fit, phase2))
    return "\n".join(lines)


def rank_correlation(x, y) -> float:
    """Spearman's ρ of two sequences (ties share their mean rank)."""
    def ranks(values):
        values = np.asarray(values, dtype=np.float64)
        order = np.argsort(values, kind="stable")
        rank = np.empty(len(values))
        rank[order] = np.arange(len(values))
        for value in np.unique(values):
            same = values == value
            rank[same] = rank[same].mean()
        return rank

    rx, ry = ranks(x), ranks(y)
    if len(rx) < 2 or rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])


def theory_summary(fit, phase2: bool) -> str:
    """One paragraph: what was fitted, σ²'s trend, and how much the fit explains."""
    kind = "AND-OR" if fit.kind == "and-or" else "plain AND"
    span = (f"the {len(fit.epochs)} phase-2 checkpoints (epochs {fit.epochs[0]}-{fit.epochs[-1]})"
            if phase2 else f"all {len(fit.epochs)} checkpoints (no phase 2 detected)")
    return (f"Theory fit ({kind} interactions, {span}, w* = the last checkpoint's): σ² goes from "
            f"{fit.sigma2[0]:.2g} to {fit.sigma2[-1]:.2g}, Spearman ρ(epoch, σ²) = "
            f"{rank_correlation(fit.epochs, fit.sigma2):+.2f}; the fit explains "
            f"{fit.explained:.0%} of the curves' distance from the σ² = 0 curve (median RMS "
            f"{np.median(fit.rms):.3f} against {np.median(fit.null_rms):.3f} for σ² = 0; "
            "I^(k) averages 1 over orders).")


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
