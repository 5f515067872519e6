"""Sparsity figures of interactions (theory.md §5, ICML'23): normalised strength curves and
explanation-ratio curves, several explanations side by side."""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = ["plot_strength_curves", "plot_explanation_curves"]


def plot_strength_curves(curves: dict, ax=None):
    """|I(S)|/max|I| sorted descending (``hs.analysis.strength_curve``), one line per label.

    Parameters
    ----------
    curves : dict of str to array_like
        Label (e.g. "AND-OR", "AND only") to its strength curve.
    """
    ax = axes_or_new(ax, (4.0, 2.8))
    for label, curve in curves.items():
        curve = np.asarray(curve)
        ax.plot(np.arange(1, len(curve) + 1), curve, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("patterns, by strength")
    ax.set_ylabel("|I(S)| / max |I|")
    ax.legend(fontsize=7, frameon=False)
    return ax


def plot_explanation_curves(curves: dict, ks, ax=None):
    """The explanation ratio against the number k of kept patterns, one line per label.

    Parameters
    ----------
    curves : dict of str to array_like
        Label to ratios at `ks` (``hs.analysis.explanation_ratio(res, ks)``; a (B, len(ks))
        array is averaged over samples).
    ks : array_like
    """
    ax = axes_or_new(ax, (4.0, 2.8))
    for label, ratios in curves.items():
        ratios = np.asarray(ratios, dtype=np.float64)
        ax.plot(ks, np.nanmean(ratios, axis=0) if ratios.ndim == 2 else ratios, marker="o",
                markersize=3, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("k, patterns kept")
    ax.set_ylabel("explanation ratio")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, frameon=False)
    return ax
