"""Shared concepts of several models (theory.md §9, ICLR'24): s_and and s_or against the
number k of top patterns kept, for joint and independent extractions."""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = ["plot_shared_share"]


def plot_shared_share(ks, shares: dict, ax=None):
    """The mean s_and (solid) and s_or (dashed) over models and samples against k.

    Parameters
    ----------
    ks : array_like
        The k of the curves.
    shares : dict of str to dict
        Label (e.g. "joint", "independent") to ``hs.analysis.shared_share(results, ks)``.
    """
    ax = axes_or_new(ax, (4.0, 2.8))
    for label, share in shares.items():
        color = None
        for kind, style in (("and", "-"), ("or", "--")):
            if kind not in share:
                continue
            curve = np.nanmean(np.asarray(share[kind], dtype=np.float64).reshape(-1, len(ks)),
                               axis=0)
            line, = ax.plot(ks, curve, style, marker="o", markersize=3, color=color,
                            label=f"{label}, {kind.upper()}")
            color = line.get_color()
    ax.set_xlabel("k, top patterns per model")
    ax.set_ylabel("shared share s")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, frameon=False)
    return ax
