"""How knowledge changes through a network's layers (theory.md §11), as
:func:`harsanyi.layerwise_knowledge` returns it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["LayerwiseKnowledge"]


@dataclass(frozen=True)
class LayerwiseKnowledge:
    """Per layer, order and kind, the interactions a layer shares with the final layer L.

    Arrays have shape (layers, orders, 2): orders 1..n, kinds AND then OR; strengths are
    sums of |I(S)| over the salient patterns of that order, over all samples.

    Attributes
    ----------
    layers : tuple of str
    overlap : ndarray
        Σ_S shared(S), shared(S) = min(|I_l(S)|, |I_L(S)|) where both are salient with the
        same sign, else 0.
    total : ndarray
        all^(l): Σ |I_l(S)| over the layer's salient patterns.
    completeness : ndarray
        overlap / all^(L): how much of the final knowledge the layer already holds.
    redundancy : ndarray
        forgotten / all^(l): how much of the layer's knowledge the final layer drops.
    forgotten, new : ndarray
        all^(l) - overlap and all^(L) - overlap.
    interactions : dict
        The layers' Interactions, by name.
    """

    layers: tuple
    overlap: np.ndarray
    total: np.ndarray
    completeness: np.ndarray
    redundancy: np.ndarray
    forgotten: np.ndarray
    new: np.ndarray
    interactions: dict = field(default_factory=dict, repr=False)

    def to_dataframe(self):
        """One row per layer, order and kind (pandas)."""
        import pandas as pd

        rows = []
        for i, layer in enumerate(self.layers):
            for k in range(self.overlap.shape[1]):
                for j, kind in enumerate(("and", "or")):
                    rows.append({"layer": layer, "order": k + 1, "kind": kind,
                                 "completeness": self.completeness[i, k, j],
                                 "redundancy": self.redundancy[i, k, j],
                                 "forgotten": self.forgotten[i, k, j], "new": self.new[i, k, j],
                                 "overlap": self.overlap[i, k, j], "total": self.total[i, k, j]})
        return pd.DataFrame(rows)

    def plot(self, quantity: str = "completeness", ax=None):
        """`quantity` ("completeness" or "redundancy") per order, one line per layer, AND and
        OR together (strength-weighted)."""
        from .plots.layerwise import plot_layerwise

        return plot_layerwise(self, quantity, ax=ax)
