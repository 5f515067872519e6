"""Figure (d) of the two-phase dynamics (theory.md §7): I^(k) over all checkpoints."""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = ["plot_order_heatmap", "figure_heatmap"]


def plot_order_heatmap(distribution, ax=None):
    """I^(k) of every checkpoint as a heat map: epochs across, orders up.

    Parameters
    ----------
    distribution : DataFrame
        I^(k) by epoch and order (``DynamicsHistory.distribution()``).
    """
    ax = axes_or_new(ax, (6.0, 3.0))
    image = ax.imshow(distribution.to_numpy().T, aspect="auto", origin="lower", cmap="viridis",
                      extent=(-0.5, len(distribution) - 0.5, 0.5, distribution.shape[1] + 0.5))
    ticks = np.unique(np.linspace(0, len(distribution) - 1, min(len(distribution), 8))
                      .round().astype(int))
    ax.set_xticks(ticks, [str(distribution.index[t]) for t in ticks])
    ax.set_xlabel("epoch (checkpoints)")
    ax.set_ylabel("order k")
    ax.figure.colorbar(image, ax=ax, label="I$^{(k)}$")
    return ax


def figure_heatmap(history, kind=None):
    """(d): I^(k) over all checkpoints of a DynamicsHistory."""
    ax = plot_order_heatmap(history.distribution(kind))
    ax.set_title("Order distribution over training", fontsize=10)
    return ax.figure
