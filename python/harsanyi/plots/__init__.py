"""Matplotlib figures, one per module; every function takes ``ax=None`` and returns the Axes."""

from .orders import plot_orders
from .top import plot_top

__all__ = ["plot_top", "plot_orders"]
