"""Figures of the two-phase dynamics (theory.md §7), in the style of the NeurIPS'24 paper.

Single-panel functions take ``ax=None`` and return the Axes; the ``figure_*`` functions
compose them and return the Figure.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._atomic import atomic_write
from ..theory import low_high_ratio
from ._axes import axes_or_new

ORDER_COLOR = "#2e86c1"
PREDICTED_COLOR = "#e67e22"


def pick_epochs(epochs, count: int = 6) -> list[int]:
    """About `count` checkpoints spread evenly over training."""
    epochs = np.asarray(epochs)
    if len(epochs) <= count:
        return epochs.tolist()
    return epochs[np.unique(np.linspace(0, len(epochs) - 1, count).round().astype(int))].tolist()


def plot_order_bars(tracker, epoch: int, kind=None, ax=None):
    """Bars of I^(k) over orders k = 1..n at one checkpoint."""
    ax = axes_or_new(ax, (2.4, 2.2))
    dist = tracker.distribution(kind).loc[epoch]
    ax.bar(dist.index, dist.to_numpy(), color=ORDER_COLOR, width=0.8)
    ax.set_title(f"epoch {epoch}", fontsize=9)
    ax.set_xlabel("order k", fontsize=8)
    ax.tick_params(labelsize=7)
    return ax


def plot_losses(tracker, ax=None, train_loss="train_loss", test_loss="test_loss", phases=None):
    """Training and test loss, and their gap, over epochs; marks the detected phase 2."""
    ax = axes_or_new(ax, (4.0, 2.6))
    losses = tracker.loss_history
    if train_loss in losses and test_loss in losses:
        ax.plot(losses.index, losses[train_loss], label="train loss", color="#27ae60")
        ax.plot(losses.index, losses[test_loss], label="test loss", color="#c0392b")
        ax.plot(losses.index, losses[test_loss] - losses[train_loss], label="test − train",
                color="black", linestyle="--")
    if phases is not None and phases.phase2_start is not None:
        ax.axvline(phases.phase2_start, color=ORDER_COLOR, linestyle=":", label="phase 2 starts")
    if phases is not None and phases.gap_rise is not None:
        ax.axvline(phases.gap_rise, color="gray", linestyle=":", label="gap starts to rise")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.legend(fontsize=7, frameon=False)
    return ax


def plot_order_heatmap(tracker, kind=None, ax=None):
    """I^(k) of every checkpoint as a heat map: epochs across, orders up."""
    ax = axes_or_new(ax, (6.0, 3.0))
    dist = tracker.distribution(kind)
    image = ax.imshow(dist.to_numpy().T, aspect="auto", origin="lower", cmap="viridis",
                      extent=(-0.5, len(dist) - 0.5, 0.5, dist.shape[1] + 0.5))
    ticks = np.unique(np.linspace(0, len(dist) - 1, min(len(dist), 8)).round().astype(int))
    ax.set_xticks(ticks, [str(dist.index[t]) for t in ticks])
    ax.set_xlabel("epoch (checkpoints)")
    ax.set_ylabel("order k")
    ax.figure.colorbar(image, ax=ax, label="I$^{(k)}$")
    return ax


def plot_ratio_vs_sigma2(fit, ax=None):
    """The low-/high-order strength ratio of the predicted interactions against σ²."""
    ax = axes_or_new(ax, (4.0, 3.0))
    ratio = low_high_ratio(fit.grid_distributions)
    ax.plot(fit.grid, ratio, color=PREDICTED_COLOR, label="theory")
    observed = low_high_ratio(fit.observed)
    # A log axis has no 0: checkpoints fitted at σ² = 0 sit at the grid's smallest value.
    floor = fit.grid[fit.grid > 0].min()
    zero = fit.sigma2 <= 0
    ax.scatter(fit.sigma2[~zero], observed[~zero], s=12, color=ORDER_COLOR,
               label="checkpoints (fitted σ²)")
    if zero.any():
        ax.scatter(np.full(zero.sum(), floor), observed[zero], s=16, facecolors="none",
                   edgecolors=ORDER_COLOR, label=f"checkpoints at σ² = 0 ({zero.sum()})")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("σ²")
    ax.set_ylabel("low- / high-order strength")
    ax.legend(fontsize=7, frameon=False)
    return ax


def figure_overview(tracker, epochs=None, kind=None):
    """(a): I^(k) bars at about six checkpoints, with the losses and the loss gap beside."""
    import matplotlib.pyplot as plt

    epochs = pick_epochs(tracker.epochs) if epochs is None else list(epochs)
    try:
        phases = tracker.detect_phases(kind=kind)
    except ValueError:
        phases = None
    figure = plt.figure(figsize=(2.0 * len(epochs) + 4.5, 3.0), constrained_layout=True)
    grid = figure.add_gridspec(1, len(epochs) + 2)
    first = None
    for i, epoch in enumerate(epochs):
        ax = figure.add_subplot(grid[0, i], sharey=first)
        first = first or ax
        plot_order_bars(tracker, epoch, kind=kind, ax=ax)
    first.set_ylabel("I$^{(k)}$")
    plot_losses(tracker, figure.add_subplot(grid[0, len(epochs):]), phases=phases)
    figure.suptitle("Order distribution of interactions during training", fontsize=10)
    return figure


def figure_theory(tracker, epochs=None):
    """(b): observed against predicted I^(k) at about six checkpoints, with the fitted σ²."""
    import matplotlib.pyplot as plt

    fit = tracker.fit_theory()
    epochs = pick_epochs(fit.epochs) if epochs is None else list(epochs)
    figure, axes = plt.subplots(1, len(epochs), figsize=(2.3 * len(epochs), 2.6),
                                sharey=True, constrained_layout=True, squeeze=False)
    orders = np.arange(1, fit.observed.shape[1] + 1)
    for ax, epoch in zip(axes[0], epochs):
        t = int(np.flatnonzero(fit.epochs == epoch)[0])
        ax.bar(orders, fit.observed[t], color=ORDER_COLOR, width=0.8, label="observed")
        ax.plot(orders, fit.predicted[t], color=PREDICTED_COLOR, marker="o", markersize=3,
                label="theory")
        ax.set_title(f"epoch {epoch}\nσ² = {fit.sigma2[t]:.2g}", fontsize=8)
        ax.set_xlabel("order k", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0][0].set_ylabel("I$^{(k)}$")
    axes[0][0].legend(fontsize=7, frameon=False)
    figure.suptitle("Observed and predicted order distributions (plain AND interactions)",
                    fontsize=10)
    return figure


def figure_ratio(tracker):
    """(c): the low-/high-order ratio against σ²."""
    ax = plot_ratio_vs_sigma2(tracker.fit_theory())
    ax.set_title("Low-/high-order strength against σ²", fontsize=10)
    return ax.figure


def figure_heatmap(tracker, kind=None):
    """(d): I^(k) over all checkpoints."""
    ax = plot_order_heatmap(tracker, kind=kind)
    ax.set_title("Order distribution over training", fontsize=10)
    return ax.figure


def save_figure(figure, path) -> Path:
    """Save a figure atomically; the format follows the suffix (png, pdf, svg, ...)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".") or "png"
    with atomic_write(path) as handle:
        figure.savefig(handle, format=fmt, dpi=150)
    return path
