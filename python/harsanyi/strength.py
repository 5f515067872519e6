"""Strength of interactions per order |S| (theory.md §5)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _core
from ._validation import game_array, require_finite

__all__ = ["OrderStrength", "order_strength"]


@dataclass(frozen=True)
class OrderStrength:
    """Sums of interactions per order k = |S|, k = 0..n, over the salient subsets.

    Attributes
    ----------
    positive, negative, absolute : ndarray, shape (..., n + 1)
        Sum of the positive parts, of the negative parts (≤ 0) and of ``|I(S)|`` over
        the subsets of each order with ``|I(S)| >= threshold``.
    count : ndarray of int64, shape (..., n + 1)
        Number of those subsets.
    threshold : ndarray, shape (...)
        The absolute threshold that was applied to each game.
    """

    positive: np.ndarray
    negative: np.ndarray
    absolute: np.ndarray
    count: np.ndarray
    threshold: np.ndarray

    @property
    def n_players(self) -> int:
        """Number of players n."""
        return self.absolute.shape[-1] - 1

    @property
    def orders(self) -> np.ndarray:
        """The orders 0..n."""
        return np.arange(self.n_players + 1)

    def to_dataframe(self):
        """A pandas DataFrame with one row per (sample, order).

        Returns
        -------
        pandas.DataFrame
            Columns ``order``, ``positive``, ``negative``, ``absolute``, ``count`` and,
            for a batch, ``sample`` (the flat index of the game in the batch).
        """
        import pandas as pd

        width = self.n_players + 1
        frame = pd.DataFrame(
            {
                "order": np.tile(self.orders, self.absolute.size // width),
                "positive": self.positive.reshape(-1),
                "negative": self.negative.reshape(-1),
                "absolute": self.absolute.reshape(-1),
                "count": self.count.reshape(-1),
            }
        )
        if self.absolute.ndim > 1:
            frame.insert(0, "sample", np.repeat(np.arange(self.absolute.size // width), width))
        return frame


def order_strength(
    interactions, threshold=0.0, *, relative: bool = False, check_finite: bool = True
) -> OrderStrength:
    """Positive, negative and absolute strength of interactions per order (theory.md §5).

    Parameters
    ----------
    interactions : array_like, shape (..., 2**n)
        AND or OR interactions by mask.
    threshold : float or array_like of shape (...), default 0.0
        Only subsets with ``|I(S)| >= threshold`` count (salient interactions,
        theory.md §4).  One value for all games or one per game.
    relative : bool, default False
        If True, the threshold is a fraction of each game's ``max_{S≠∅} |I(S)|``
        (``threshold=0.05, relative=True`` is the ICML'23 salience rule).
    check_finite : bool, default True
        Raise ValueError if the input holds NaN or Inf.

    Returns
    -------
    OrderStrength
        Arrays of shape (..., n + 1), indexed by order k = 0..n.
    """
    I, n = game_array(interactions, "interactions")
    if check_finite:
        require_finite(I, "interactions")
    batch_shape = I.shape[:-1]
    thr = np.asarray(threshold, dtype=np.float64)
    if thr.ndim > 0 and thr.shape != batch_shape:
        raise ValueError(
            f"threshold has shape {thr.shape}; give one number or one per game "
            f"(shape {batch_shape})"
        )
    if not np.all(np.isfinite(thr)) or np.any(thr < 0):
        raise ValueError("threshold must be finite and non-negative")
    applied = np.array(np.broadcast_to(thr, batch_shape), dtype=np.float64)
    if relative:
        applied = applied * (np.abs(I[..., 1:]).max(axis=-1) if n > 0 else 0.0)
    shape = batch_shape + (n + 1,)
    positive = np.empty(shape, dtype=I.dtype)
    negative = np.empty(shape, dtype=I.dtype)
    absolute = np.empty(shape, dtype=I.dtype)
    count = np.empty(shape, dtype=np.int64)
    _core.order_stats(I, np.ascontiguousarray(applied.reshape(-1)), positive, negative, absolute,
                      count)
    return OrderStrength(positive, negative, absolute, count, applied)
