"""Matplotlib figures, one per module; panels take ``ax=None`` and return the Axes, the
``figure_*`` functions return the Figure.  They take values (results, histories, fits,
DataFrames), never a tracker."""

from .generalization import figure_generalization, plot_generalization_by_order
from .layerwise import plot_layerwise
from .heatmap import figure_heatmap, plot_order_heatmap
from .multi_order import plot_attack_utility, plot_multi_order_strength
from .orders import plot_orders
from .overview import figure_overview, plot_losses, plot_order_bars
from .ratio import figure_ratio, plot_ratio_vs_sigma2
from .shared import plot_shared_share
from .sigma2 import figure_sigma2, plot_sigma2
from .strength import plot_explanation_curves, plot_strength_curves
from .theory_fit import figure_theory
from .top import plot_top

__all__ = ["plot_top", "plot_orders", "plot_order_bars", "plot_losses", "plot_order_heatmap",
           "plot_ratio_vs_sigma2", "figure_overview", "figure_theory", "figure_ratio",
           "figure_heatmap", "plot_sigma2", "figure_sigma2", "plot_strength_curves",
           "plot_explanation_curves", "plot_multi_order_strength", "plot_attack_utility",
           "plot_shared_share", "plot_generalization_by_order", "plot_layerwise",
           "figure_generalization"]
