"""Layerwise change of knowledge (theory.md §11): completeness or redundancy per order."""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = ["plot_layerwise"]


def plot_layerwise(knowledge, quantity: str = "completeness", ax=None):
    """`quantity` per order, one line per layer, AND and OR pooled by strength.

    Parameters
    ----------
    knowledge : LayerwiseKnowledge
    quantity : {"completeness", "redundancy"}
    """
    if quantity not in ("completeness", "redundancy"):
        raise ValueError(f"quantity must be 'completeness' or 'redundancy', got {quantity!r}")
    ax = axes_or_new(ax, (4.0, 2.8))
    denominator = knowledge.new + knowledge.overlap if quantity == "completeness" \
        else knowledge.total
    numerator = knowledge.overlap if quantity == "completeness" else knowledge.forgotten
    pooled = np.divide(numerator.sum(-1), denominator.sum(-1),
                       out=np.full(numerator.shape[:2], np.nan), where=denominator.sum(-1) > 0)
    orders = np.arange(1, pooled.shape[1] + 1)
    for name, curve in zip(knowledge.layers, pooled):
        ax.plot(orders, curve, marker="o", markersize=3, label=name)
    ax.set_xlabel("order |S|")
    ax.set_ylabel(quantity)
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, frameon=False)
    return ax
