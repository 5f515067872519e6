"""Multi-order interactions I^(m)(i,j) estimated over contexts (theory.md §8), as
:func:`harsanyi.multi_order` returns them."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .analysis.multi_order import disentanglement, multi_order_strength

__all__ = ["MultiOrderInteractions"]


@dataclass(frozen=True)
class MultiOrderInteractions:
    """I^(m)(i,j) per sample, order and pair, with the standard error over contexts.

    Attributes
    ----------
    interactions : ndarray, shape (B, M, P)
        Signed mean of Δv(i,j,S) over the contexts S of each sample, order and pair.
    stderr : ndarray, shape (B, M, P)
        Its standard error over the sampled contexts (0 where all contexts were
        enumerated: the value is then exact).
    mean_abs : ndarray, shape (B, M, P)
        Mean of |Δv(i,j,S)| over the same contexts (for :meth:`disentanglement`).
    pairs : ndarray of int64, shape (B, P, 2)
        The pairs (i, j) of every sample.
    orders : ndarray of int64, shape (M,)
        The context sizes m.
    n_players : int
    contexts : ndarray of int64, shape (M,)
        Contexts per pair at each order.
    exact : ndarray of bool, shape (M,)
        Whether every context of the order was enumerated.
    evaluations : int
        Model evaluations made (repeated coalitions of a sample evaluated once).
    settings : dict
        How the estimate was made, for the record.
    """

    interactions: np.ndarray
    stderr: np.ndarray
    mean_abs: np.ndarray
    pairs: np.ndarray
    orders: np.ndarray
    n_players: int
    contexts: np.ndarray
    exact: np.ndarray
    evaluations: int
    settings: dict = field(default_factory=dict)

    @property
    def ratios(self) -> np.ndarray:
        """m / n of each order, the x-axis of the papers' figures."""
        return self.orders / self.n_players

    def strength(self):
        """Normalised J^(m) and its standard error (:func:`harsanyi.analysis.multi_order_strength`).

        Returns
        -------
        strength, error : ndarray, shape (M,)
        """
        return multi_order_strength(self.interactions, self.stderr)

    def disentanglement(self) -> np.ndarray:
        """Per order ``E|E_S Δv| / E E_S|Δv|`` (:func:`harsanyi.analysis.disentanglement`)."""
        return disentanglement(self.interactions, self.mean_abs)

    def to_dataframe(self):
        """One row per sample, order and pair: i, j, m, interaction, stderr (pandas)."""
        import pandas as pd

        samples, orders, pairs = self.interactions.shape
        b, k, p = np.meshgrid(np.arange(samples), np.arange(orders), np.arange(pairs),
                              indexing="ij")
        return pd.DataFrame({
            "sample": b.ravel(), "m": self.orders[k].ravel(),
            "i": self.pairs[b, p, 0].ravel(), "j": self.pairs[b, p, 1].ravel(),
            "interaction": self.interactions.ravel(), "stderr": self.stderr.ravel(),
        })

    def plot(self, ax=None, label: str = "model", others: dict | None = None):
        """J^(m) against m/n with its standard error (the bottleneck figure).

        Parameters
        ----------
        ax : matplotlib Axes, optional
        label : str
            This result's label.
        others : dict of str to MultiOrderInteractions, optional
            Further models drawn on the same Axes.
        """
        from .plots.multi_order import plot_multi_order_strength

        curves = {label: (self.ratios, *self.strength())}
        for name, other in (others or {}).items():
            curves[name] = (other.ratios, *other.strength())
        return plot_multi_order_strength(curves, ax=ax)

    def __repr__(self) -> str:
        samples, orders, pairs = self.interactions.shape
        return (f"MultiOrderInteractions(samples={samples}, orders={self.orders.tolist()}, "
                f"pairs={pairs}, n_players={self.n_players}, evaluations={self.evaluations:,})")
