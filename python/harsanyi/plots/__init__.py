"""Matplotlib figures, one per module; every function takes ``ax=None`` and returns the Axes."""

from .dynamics import plot_losses, plot_order_bars, plot_order_heatmap, plot_ratio_vs_sigma2
from .orders import plot_orders
from .top import plot_top

__all__ = ["plot_top", "plot_orders", "plot_order_bars", "plot_losses", "plot_order_heatmap",
           "plot_ratio_vs_sigma2"]
