"""The AND-OR decompositions of successive checkpoints' games, each one warm-started from
the one before (theory.md §4): nearby games need fewer iterations, and equal games none."""

from __future__ import annotations

import warnings

import numpy as np

from .._warnings import warn_at_caller
from ..and_or import AndOrResult, ConvergenceWarning, and_or, unconverged_summary

__all__ = ["CheckpointSplits"]


class CheckpointSplits:
    """Solves each checkpoint's games, starting from the previous checkpoint's results.

    Parameters
    ----------
    options : dict
        Keyword arguments of :func:`harsanyi.and_or` (``solver``, ``noise_bound``, ``tol``,
        ``max_iter``).
    warm_start : bool
        Start from the previous results (``pdhg`` only); otherwise every solve is cold.
    show_progress : bool
    """

    def __init__(self, options: dict, warm_start: bool, show_progress: bool):
        self.options = options
        self.warm_start = warm_start and options.get("solver", "pdhg") == "pdhg"
        self.show_progress = show_progress
        self._previous: tuple[np.ndarray, AndOrResult] | None = None

    def split(self, epoch: int, values: np.ndarray) -> AndOrResult:
        """The decomposition of this checkpoint's games `values` (kept, not copied): the
        previous checkpoint's when the games are the same, otherwise solved.  Games that run
        out of iterations give one ConvergenceWarning naming the epoch."""
        start = None
        if self._previous is not None:
            previous_values, previous = self._previous
            if np.array_equal(previous_values, values):
                return previous
            if self.warm_start and np.shape(previous.and_interactions) == values.shape:
                start = previous
        with warnings.catch_warnings():  # one warning per checkpoint, below
            warnings.simplefilter("ignore", ConvergenceWarning)
            split = and_or(values, **self.options, warm_start=start,
                           show_progress=self.show_progress)
        self._previous = (values, split)
        shortfall = unconverged_summary(split.converged, split.gap, self.options["tol"],
                                        self.options["max_iter"])
        if shortfall:
            warn_at_caller(f"epoch {epoch}: {shortfall}; raise DynamicsTracker(max_iter=...) "
                           "or tol to change this", ConvergenceWarning)
        return split
