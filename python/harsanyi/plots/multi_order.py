"""Multi-order interaction strength J^(m) against m/n, the representation-bottleneck figure
(theory.md §8, ICLR'22), and the per-order attack utility (NeurIPS'21)."""

from __future__ import annotations

import numpy as np

from ._axes import axes_or_new

__all__ = ["plot_multi_order_strength", "plot_attack_utility"]


def plot_multi_order_strength(curves: dict, ax=None):
    """Normalised J^(m) against m/n, one line (with its standard error) per label.

    Parameters
    ----------
    curves : dict of str to (ratios, strength, error)
        Label (e.g. "normal", "mid-order") to m/n, J^(m) and its standard error
        (``MultiOrderInteractions.strength()``); error may be None.
    """
    ax = axes_or_new(ax, (4.0, 2.8))
    for label, (ratios, strength, error) in curves.items():
        ratios, strength = np.asarray(ratios, dtype=np.float64), np.asarray(strength)
        line, = ax.plot(ratios, strength, marker="o", markersize=3, label=label)
        if error is not None and np.any(np.asarray(error) > 0):
            ax.fill_between(ratios, strength - error, strength + error, alpha=0.2,
                            color=line.get_color(), linewidth=0)
    ax.set_xlabel("order m / n")
    ax.set_ylabel("J^(m), normalised")
    ax.set_xlim(0, 1)
    ax.legend(fontsize=7, frameon=False)
    return ax


def plot_attack_utility(ratios, utility, ax=None, label=None):
    """The attack utility per order (``hs.analysis.attack_utility``) against m/n."""
    ax = axes_or_new(ax, (4.0, 2.8))
    ax.bar(np.asarray(ratios, dtype=np.float64), utility, width=0.04, label=label)
    ax.axhline(0, color="0.5", linewidth=0.8)
    ax.set_xlabel("order m / n")
    ax.set_ylabel("attack utility")
    if label is not None:
        ax.legend(fontsize=7, frameon=False)
    return ax
