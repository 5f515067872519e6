"""Generalizable and non-generalizable interactions per order (theory.md §10)."""

from __future__ import annotations

from ._axes import axes_or_new

__all__ = ["plot_generalization_by_order", "figure_generalization"]


def plot_generalization_by_order(frame, ax=None, title=None):
    """Strength of generalizable and non-generalizable salient interactions against the order.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``Generalization.by_order()``: order, kind, generalizable, non_generalizable
        (AND and OR are summed).
    """
    ax = axes_or_new(ax, (4.0, 2.8))
    total = frame.groupby("order")[["generalizable", "non_generalizable"]].sum()
    ax.plot(total.index, total["generalizable"], marker="o", markersize=3, label="generalizable")
    ax.plot(total.index, total["non_generalizable"], marker="s", markersize=3,
            label="non-generalizable")
    ax.set_xlabel("order |S|")
    ax.set_ylabel("strength Σ|I(S)|, per sample")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=7, frameon=False)
    return ax


def figure_generalization(history, train_loss="train_loss", test_loss="test_loss"):
    """(e): the losses and their gap beside the generalizable and non-generalizable salient
    strength of the probes over the checkpoints (theory.md §10).

    Parameters
    ----------
    history : DynamicsHistory
        Records of a tracker made with ``baselines=``.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    from .overview import plot_losses

    epochs = [e for e in sorted(history.records) if "generalization" in history.records[e]]
    if not epochs:
        raise ValueError("no checkpoint records generalization: track with "
                         "DynamicsTracker(..., baselines=[...])")
    figure, (left, right) = plt.subplots(1, 2, figsize=(8.5, 3.0), constrained_layout=True)
    plot_losses(history.loss_history, left, train_loss, test_loss)
    for part, marker in (("generalizable", "o"), ("non_generalizable", "s")):
        totals = [float(np.sum(history.records[e]["generalization"][part])) for e in epochs]
        right.plot(epochs, totals, marker=marker, markersize=3,
                   label=part.replace("_", "-"))
    right.set_xlabel("epoch")
    right.set_ylabel("salient strength per probe")
    right.legend(fontsize=7, frameon=False)
    return figure
