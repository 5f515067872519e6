"""The order distribution of interactions, the quantity the two-phase dynamics track (theory.md §5, §7).

``I^(k) = E_x[ Σ_{type ∈ {and, or}} Σ_{|S|=k, |I_type(S|x)| >= τ} |I_type(S|x)| ] / Z``,
Z the mean of the numerator over k = 1..n (so the curve averages 1 over orders), with the
published threshold ``τ = 0.03 · E_x |v(x) - v(x_∅)|`` (NeurIPS'24).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import game_array
from ..strength import order_strength

__all__ = ["OrderDistribution", "order_distribution", "DYNAMICS_RATIO"]

DYNAMICS_RATIO = 0.03


@dataclass(frozen=True)
class OrderDistribution:
    """Salient strength per order of a batch of samples, and its normalised mean.

    Attributes
    ----------
    distribution : ndarray, shape (n,)
        I^(k) for k = 1..n (mean 1 over k, or all zero when nothing is salient).
    threshold : float
        τ, the absolute salience threshold.
    positive, negative, absolute, count : dict of str to ndarray, shape (B, n + 1)
        Per sample and order k = 0..n, the sums over salient subsets, one entry per type
        of interaction ("and", and "or" for AND-OR results).
    """

    distribution: np.ndarray
    threshold: float
    positive: dict
    negative: dict
    absolute: dict
    count: dict

    @property
    def n_players(self) -> int:
        return len(self.distribution)

    def numerator(self, samples=None) -> np.ndarray:
        """E_x of the salient |I| per order k = 1..n, over `samples` (default all)."""
        total = sum(self.absolute.values())
        total = total if samples is None else total[samples]
        return total[:, 1:].mean(axis=0)


def normalise(numerator: np.ndarray) -> np.ndarray:
    """Divide by the mean over orders; an all-zero numerator stays zero."""
    scale = numerator.mean()
    return numerator / scale if scale > 0 else np.zeros_like(numerator)


def order_distribution(and_interactions, or_interactions=None, *, threshold=None,
                       ratio: float = DYNAMICS_RATIO, values=None) -> OrderDistribution:
    """The order distribution I^(k) of a batch of samples (theory.md §5).

    Parameters
    ----------
    and_interactions : array_like, shape (B, 2**n) or (2**n,)
        AND interactions of each sample.
    or_interactions : array_like, optional
        OR interactions of an AND-OR decomposition (both types count).
    threshold : float, optional
        τ; default ``ratio · E_x|v(x) - v(x_∅)|``.
    ratio : float, default 0.03
        The fraction of the mean output change that is salient.
    values : array_like, optional
        The games v, for the default threshold; without them ``v(N) - v(∅)`` is read
        off the interactions (their sum over S ≠ ∅).

    Returns
    -------
    OrderDistribution
    """
    a, n = game_array(and_interactions, "and_interactions")
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    kinds = {"and": a}
    if or_interactions is not None:
        o, _ = game_array(or_interactions, "or_interactions")
        kinds["or"] = np.atleast_2d(np.asarray(o, dtype=np.float64))
        if kinds["or"].shape != a.shape:
            raise ValueError("or_interactions must have the shape of and_interactions")
    if threshold is None:
        if values is not None:
            v = np.atleast_2d(np.asarray(values, dtype=np.float64))
            change = np.abs(v[:, -1] - v[:, 0])
        else:
            change = np.abs(sum(k[:, 1:].sum(axis=1) for k in kinds.values()))
        threshold = float(ratio) * float(change.mean())
    threshold = float(threshold)
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be finite and >= 0, got {threshold}")
    stats = {name: order_strength(I, threshold) for name, I in kinds.items()}
    total = sum(s.absolute for s in stats.values())
    distribution = normalise(total[:, 1:].mean(axis=0))
    return OrderDistribution(
        distribution, threshold,
        {k: s.positive for k, s in stats.items()}, {k: s.negative for k, s in stats.items()},
        {k: s.absolute for k, s in stats.items()}, {k: s.count for k, s in stats.items()})
