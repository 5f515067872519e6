"""Strength of salient interactions per order."""

from __future__ import annotations

import numpy as np

from ..strength import order_strength
from ._axes import axes_or_new
from .top import NEGATIVE, POSITIVE


def plot_orders(result, kind: str = "and", ratio: float = 0.05, ax=None):
    """Bars of the positive and negative strength of salient interactions per order.

    Salient means ``|I(S)| >= ratio * max |I|`` per sample (theory.md §4); a batch is
    averaged over samples.

    Parameters
    ----------
    result : Interactions or array_like of shape (..., 2**n)
    kind : {"and", "or"}
    ratio : float
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    interactions = result._kind(kind) if hasattr(result, "and_interactions") else \
        np.asarray(result, dtype=np.float64)
    strength = order_strength(interactions, ratio, relative=True)
    positive = strength.positive.reshape(-1, strength.n_players + 1).mean(axis=0)
    negative = strength.negative.reshape(-1, strength.n_players + 1).mean(axis=0)
    orders = strength.orders[1:]
    ax = axes_or_new(ax)
    ax.bar(orders, positive[1:], color=POSITIVE, label="positive")
    ax.bar(orders, negative[1:], color=NEGATIVE, label="negative")
    ax.axhline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel("order |S|")
    ax.set_ylabel(f"sum of salient {kind.upper()} interactions")
    ax.set_xticks(orders)
    ax.legend(frameon=False)
    return ax
