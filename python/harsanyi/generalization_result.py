"""Generalizable and non-generalizable interactions of a model (theory.md §10), as
:func:`harsanyi.analysis.generalization` returns them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .subsets import subset_sizes

__all__ = ["Generalization", "NOT_SALIENT", "NOT_GENERALIZABLE", "GENERALIZABLE"]

NOT_SALIENT, NOT_GENERALIZABLE, GENERALIZABLE = -1, 0, 1


@dataclass(frozen=True)
class Generalization:
    """Generalizable and non-generalizable interactions of a target model (theory.md §10).

    Attributes
    ----------
    labels : dict of str to ndarray of int8, shape (B, 2**n)
        By kind: 1 generalizable, 0 not, -1 not salient (and ∅, index 0).
    strength : dict of str to ndarray, shape (B, 2**n)
        |I| of the target by kind (0 at ∅).
    share : ndarray, shape (B,)
        Generalizable share ``Σ|I·G| / Σ|I|`` over each sample's salient patterns (NaN
        where none is salient).
    overall : float
        The same over all samples' salient patterns together.
    n_players : int
    """

    labels: dict
    strength: dict
    share: np.ndarray
    overall: float
    n_players: int

    def by_order(self):
        """Strength of salient patterns per order, kind and label, summed over patterns and
        averaged over samples (pandas DataFrame: order, kind, generalizable,
        non_generalizable)."""
        import pandas as pd

        sizes = subset_sizes(self.n_players)
        rows = []
        for kind, labels in self.labels.items():
            for order in range(1, self.n_players + 1):
                at = sizes == order
                strength = self.strength[kind][:, at]
                rows.append({"order": order, "kind": kind,
                             "generalizable": float((strength * (labels[:, at] == GENERALIZABLE))
                                                    .sum(axis=1).mean()),
                             "non_generalizable": float(
                                 (strength * (labels[:, at] == NOT_GENERALIZABLE))
                                 .sum(axis=1).mean())})
        return pd.DataFrame(rows)

    def plot(self, ax=None):
        """Generalizable and non-generalizable strength against the order (AND and OR
        together): the decay- and spindle-shaped curves of §10."""
        from .plots.generalization import plot_generalization_by_order

        return plot_generalization_by_order(self.by_order(), ax=ax)
