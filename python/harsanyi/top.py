"""The strongest interactions of a game, by |I(S)|."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._validation import game_array, require_finite
from .subsets import players_of

__all__ = ["TopInteractions", "top_interactions"]


@dataclass(frozen=True)
class TopInteractions:
    """The k strongest subsets of each game, strongest first.

    Attributes
    ----------
    masks : ndarray of int64, shape (..., k)
        Subset masks (bit i = player i).
    values : ndarray, shape (..., k)
        The interactions ``I(S)`` of those subsets.
    names : tuple of str or None
        Player names used by :meth:`players` and :meth:`to_dataframe`.
    """

    masks: np.ndarray
    values: np.ndarray
    names: tuple[str, ...] | None = None

    def players(self):
        """Player tuples of the subsets: a list for one game, nested lists for a batch.

        With names, each tuple holds the names instead of the indices.
        """
        return self._player_tuples().tolist()

    def _player_tuples(self) -> np.ndarray:
        """An object array shaped like `masks` holding each subset's player tuple."""
        def convert(mask):
            members = players_of(int(mask))
            return tuple(self.names[i] for i in members) if self.names else members

        return np.frompyfunc(convert, 1, 1)(self.masks)

    def to_dataframe(self):
        """A pandas DataFrame, one row per (sample, rank): mask, players, order, value."""
        import pandas as pd

        k = self.masks.shape[-1]
        masks = self.masks.reshape(-1, k)
        players = list(self._player_tuples().reshape(-1))
        frame = pd.DataFrame({
            "rank": np.tile(np.arange(k), len(masks)),
            "mask": masks.reshape(-1),
            "players": players,
            "order": [len(p) for p in players],
            "value": self.values.reshape(-1),
        })
        if self.masks.ndim > 1:
            frame.insert(0, "sample", np.repeat(np.arange(len(masks)), k))
        return frame


def top_interactions(
    interactions, k: int = 10, *, include_empty: bool = False, names=None,
    check_finite: bool = True,
) -> TopInteractions:
    """The k subsets with the largest |I(S)|, strongest first (ties: smaller mask first).

    Parameters
    ----------
    interactions : array_like, shape (..., 2**n)
        AND or OR interactions by mask.
    k : int, default 10
        How many subsets to return (at most the number of candidates).
    include_empty : bool, default False
        Whether ∅ (which holds v(∅) for AND interactions) may be listed.
    names : sequence of str, optional
        Player names, for :meth:`TopInteractions.players` and ``to_dataframe``.
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    TopInteractions
    """
    I, n = game_array(interactions, "interactions")
    if check_finite:
        require_finite(I, "interactions")
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 0:
        raise ValueError(f"k must be a non-negative integer, got {k!r}")
    if names is not None:
        names = tuple(str(name) for name in names)
        if len(names) != n:
            raise ValueError(f"names has {len(names)} entries for {n} players")
    first = 0 if include_empty else 1
    candidates = I.shape[-1] - first
    k = min(int(k), candidates)
    strength = np.abs(I[..., first:]).astype(np.float64, copy=False)
    masks = np.arange(first, I.shape[-1], dtype=np.int64)
    if k < candidates:
        keep = np.argpartition(-strength, k - 1, axis=-1)[..., :k]
    else:
        keep = np.broadcast_to(np.arange(candidates), strength.shape).copy()
    kept_strength = np.take_along_axis(strength, keep, axis=-1)
    # Sort the kept ones by strength, ties by mask: lexsort's last key is primary.
    order = np.lexsort((keep, -kept_strength), axis=-1)
    chosen = np.take_along_axis(keep, order, axis=-1)
    top_masks = masks[chosen]
    return TopInteractions(top_masks, np.take_along_axis(I, top_masks, axis=-1), names)
