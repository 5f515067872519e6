"""Bar chart of the strongest interactions of one input."""

from __future__ import annotations

import numpy as np

from ..top import top_interactions
from ._axes import axes_or_new

POSITIVE, NEGATIVE = "#c0392b", "#2471a3"


def plot_top(result, k: int = 10, kind: str = "and", sample: int = 0, names=None, ax=None):
    """Horizontal bars of the k strongest interactions I(S), S ≠ ∅, strongest on top.

    Parameters
    ----------
    result : Interactions or array_like of shape (2**n,) or (B, 2**n)
        A result, or interactions by mask.
    k : int
        How many subsets.
    kind : {"and", "or"}
        Which interactions of a result.
    sample : int
        Which sample of a batch.
    names : sequence of str, optional
        Player names for arrays (a result has its own).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    if hasattr(result, "and_interactions"):
        interactions = result._kind(kind)
        names = result.names
    else:
        interactions = np.asarray(result, dtype=np.float64)
    if interactions.ndim == 2:
        interactions = interactions[sample]
    top = top_interactions(interactions, k, names=names)
    labels = [" & ".join(map(str, players)) if players else "∅" for players in top.players()]
    ax = axes_or_new(ax, (6.0, 0.35 * max(len(labels), 3) + 1.0))
    positions = np.arange(len(labels))[::-1]
    colors = [POSITIVE if value >= 0 else NEGATIVE for value in top.values]
    ax.barh(positions, top.values, color=colors)
    ax.set_yticks(positions, labels)
    ax.axvline(0.0, color="black", linewidth=0.8)
    ax.set_xlabel(f"{kind.upper()} interaction I(S)")
    ax.set_title(f"Top {len(labels)} {kind.upper()} interactions")
    return ax
