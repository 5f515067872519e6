"""Generalizable and non-generalizable interactions per order (theory.md §10)."""

from __future__ import annotations

from ._axes import axes_or_new

__all__ = ["plot_generalization_by_order"]


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
