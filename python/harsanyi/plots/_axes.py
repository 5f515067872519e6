"""The Axes to draw on."""

from __future__ import annotations


def axes_or_new(ax, figsize=(6.0, 4.0)):
    """`ax`, or the Axes of a new figure when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, constrained_layout=True)
    return ax
