"""What the figures share: the Axes to draw on, colours, the checkpoints shown, saving."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .._atomic import atomic_write

ORDER_COLOR = "#2e86c1"
PREDICTED_COLOR = "#e67e22"


def axes_or_new(ax, figsize=(6.0, 4.0)):
    """`ax`, or the Axes of a new figure when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, constrained_layout=True)
    return ax


def pick_epochs(epochs, count: int = 6) -> list[int]:
    """About `count` checkpoints spread evenly over training."""
    epochs = np.asarray(epochs)
    if len(epochs) <= count:
        return epochs.tolist()
    return epochs[np.unique(np.linspace(0, len(epochs) - 1, count).round().astype(int))].tolist()


def save_figure(figure, path) -> Path:
    """Save a figure atomically; the format follows the suffix (png, pdf, svg, ...)."""
    path = Path(path)
    fmt = path.suffix.lstrip(".") or "png"
    with atomic_write(path) as handle:
        figure.savefig(handle, format=fmt, dpi=150)
    return path
