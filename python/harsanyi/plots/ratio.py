"""Figure (c) of the two-phase dynamics (theory.md §7): low-/high-order strength against σ²."""

from __future__ import annotations

import numpy as np

from ..dynamics.theory import low_high_ratio
from ._axes import ORDER_COLOR, PREDICTED_COLOR, axes_or_new

__all__ = ["plot_ratio_vs_sigma2", "figure_ratio"]


def plot_ratio_vs_sigma2(fit, ax=None):
    """The low-/high-order strength ratio of the predicted interactions against σ², with
    the checkpoints at their fitted σ² (`fit`: a TheoryFit)."""
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


def figure_ratio(fit):
    """(c): the low-/high-order ratio against σ² (`fit`: a TheoryFit)."""
    ax = plot_ratio_vs_sigma2(fit)
    ax.set_title("Low-/high-order strength against σ²", fontsize=10)
    return ax.figure
