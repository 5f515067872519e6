"""The fitted noise level of the two-phase theory over training, beside the loss gap
(theory.md §7): training lowers σ², and phase 2 coincides with over-fitting."""

from __future__ import annotations

import numpy as np

from ._axes import ORDER_COLOR, axes_or_new

__all__ = ["plot_sigma2", "figure_sigma2"]


def plot_sigma2(fit, ax=None):
    """σ² of each fitted checkpoint over epochs (log scale; σ² = 0 drawn hollow at the
    grid's smallest positive value).  `fit`: a TheoryFit."""
    ax = axes_or_new(ax, (5.5, 3.2))
    floor = fit.grid[fit.grid > 0].min()
    zero = fit.sigma2 <= 0
    ax.plot(fit.epochs[~zero], fit.sigma2[~zero], marker="o", markersize=3, color=ORDER_COLOR,
            label="fitted σ²")
    if zero.any():
        ax.scatter(fit.epochs[zero], np.full(zero.sum(), floor), s=16, facecolors="none",
                   edgecolors=ORDER_COLOR, label=f"σ² = 0 ({zero.sum()})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("σ²")
    return ax


def figure_sigma2(fit, losses=None, train_loss="train_loss", test_loss="test_loss"):
    """σ² over the fitted epochs, with the test-train loss gap on a second axis.

    Parameters
    ----------
    fit : TheoryFit
    losses : DataFrame, optional
        Losses by epoch (``DynamicsHistory.loss_history``); without both losses the gap
        is left out.
    """
    ax = plot_sigma2(fit)
    handles, labels = ax.get_legend_handles_labels()
    if losses is not None and train_loss in losses and test_loss in losses:
        gap = ax.twinx()
        gap.plot(losses.index, losses[test_loss] - losses[train_loss], color="black",
                 linestyle="--", label="test − train loss")
        gap.set_ylabel("test − train loss")
        more, more_labels = gap.get_legend_handles_labels()
        handles, labels = handles + more, labels + more_labels
    ax.legend(handles, labels, fontsize=7, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, -0.2), ncol=len(handles))
    kind = "AND-OR" if fit.kind == "and-or" else "plain AND"
    ax.set_title(f"Fitted σ² ({kind} interactions)\nexplains {fit.explained:.0%} of the "
                 "curves' distance from σ² = 0", fontsize=9)
    return ax.figure
