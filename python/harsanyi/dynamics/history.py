"""What a tracker has recorded, as a value: the input of phases, the theory fit and plots.

A :class:`DynamicsHistory` holds one record per checkpoint and the losses of every
epoch; it never changes, and it knows nothing of models or files, so it can be built from
a tracker (``tracker.recorded``), a tracker's folder, or by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = ["DynamicsHistory", "as_history", "STATS"]

STATS = ("positive", "negative", "absolute", "count")


@dataclass(frozen=True)
class DynamicsHistory:
    """Checkpoint records and losses of one training run.

    Attributes
    ----------
    records : mapping of int to dict
        Per checkpoint epoch: ``epoch``, ``tau``, ``targets``, ``losses``, ``solver``
        (the AND-OR solver's ``gap`` and ``converged`` per game) and ``distributions``
        (an :class:`~harsanyi.dynamics.distribution.OrderDistribution` per kind:
        ``"harsanyi"``, and ``"and-or"`` for AND-OR tracking).
    losses : mapping of int to dict
        The scalars recorded at every epoch (``train_loss``, ``test_loss``, ...).
    n_players : int
    method : {"and-or", "and"}
        What the tracker decomposed.
    """

    records: Mapping[int, dict]
    losses: Mapping[int, dict]
    n_players: int
    method: str

    @property
    def epochs(self) -> np.ndarray:
        """The checkpoints, in order."""
        return np.array(sorted(self.records), dtype=np.int64)

    @property
    def main_kind(self) -> str:
        """The kind of interactions the method tracks: "and-or" or "harsanyi"."""
        return "and-or" if self.method == "and-or" else "harsanyi"

    def distributions(self, kind: str | None = None) -> list:
        """The OrderDistribution of each checkpoint, in order (default the main kind)."""
        kind = kind or self.main_kind
        return [self.records[e]["distributions"][kind] for e in self.epochs]

    def distribution(self, kind: str | None = None):
        """I^(k) over checkpoints: a DataFrame indexed by epoch, one column per order k.

        Parameters
        ----------
        kind : {"and-or", "harsanyi"}, optional
            The AND-OR decomposition (AND and OR together) or the plain AND (Harsanyi)
            interactions; default the tracker's method.
        """
        import pandas as pd

        epochs, n = self.epochs, self.n_players
        rows = [d.distribution for d in self.distributions(kind)]
        return pd.DataFrame(np.array(rows).reshape(len(epochs), n),
                            index=pd.Index(epochs, name="epoch"),
                            columns=pd.Index(range(1, n + 1), name="order"))

    @property
    def loss_history(self):
        """The recorded losses: a DataFrame indexed by epoch."""
        import pandas as pd

        frame = pd.DataFrame.from_dict(dict(self.losses), orient="index").sort_index()
        frame.index.name = "epoch"
        return frame

    def frame(self):
        """Everything recorded, one row per (epoch, kind, order).

        Columns: ``epoch``, ``kind`` ("and", "or" for the AND-OR decomposition,
        "harsanyi" for the plain AND interactions), ``order``, the mean over probe samples
        of the salient ``positive``, ``negative`` and ``absolute`` sums and ``count``,
        ``distribution`` (I^(k) of the tracked method, the same on every kind's row),
        ``tau``, and one column per loss.
        """
        import pandas as pd

        rows = []
        for epoch in self.epochs:
            record = self.records[epoch]
            main = record["distributions"][self.main_kind].distribution
            for dist_name, dist in record["distributions"].items():
                for part in dist.absolute:
                    kind = "harsanyi" if dist_name == "harsanyi" else part
                    if dist_name == "harsanyi" and self.method == "and":
                        kind = "and"
                    for order in range(self.n_players + 1):
                        row = {"epoch": epoch, "kind": kind, "order": order, "tau": record["tau"],
                               "distribution": main[order - 1] if order else np.nan}
                        for stat in STATS:
                            row[stat] = float(getattr(dist, stat)[part][:, order].mean())
                        rows.append(row)
        frame = pd.DataFrame(rows, columns=["epoch", "kind", "order", "positive", "negative",
                                            "absolute", "count", "distribution", "tau"])
        losses = self.loss_history
        if len(losses):
            frame = frame.merge(losses, left_on="epoch", right_index=True, how="left")
        return frame


def as_history(source) -> DynamicsHistory:
    """`source` as a DynamicsHistory: itself, or a tracker's ``recorded`` history."""
    if isinstance(source, DynamicsHistory):
        return source
    recorded = getattr(source, "recorded", None)
    if isinstance(recorded, DynamicsHistory):
        return recorded
    raise TypeError(f"expected a DynamicsHistory or a DynamicsTracker, got "
                    f"{type(source).__name__}")
