"""Generalizable and non-generalizable interactions recorded at each checkpoint (theory.md §10):
the baseline models' AND-OR splits of the probes, computed once, and what each checkpoint's
split shares with them."""

from __future__ import annotations

import numpy as np

from ..analysis.generalization import generalization
from ..and_or import and_or
from ..models.game import ModelGame
from ..models.values import random_state_kept

__all__ = ["BaselineSplits", "generalization_record"]


class BaselineSplits:
    """The AND-OR splits of the probes by baseline models trained on held-out data.

    Parameters
    ----------
    models : sequence of torch.nn.Module
        The baselines (e.g. from :func:`harsanyi.train_baselines`).
    probe_x, probe_y
        The tracker's probes; the labels are needed so that every model explains the
        same class.
    options : GameOptions
        The tracker's game options (players, baseline, output, ...).
    solver_options : dict
        The tracker's AND-OR solver options.
    """

    def __init__(self, models, probe_x, probe_y, options, solver_options):
        models = list(models)
        if not models:
            raise ValueError("baselines= needs at least one model")
        if probe_y is None:
            raise ValueError("baselines= needs probe_y: the baselines and the tracked model "
                             "must explain the same class of each probe")
        self.splits = []
        for model in models:
            with random_state_kept(options.device):
                values = np.array(ModelGame(model, probe_x, probe_y, options).values())
            result = and_or(values, **solver_options)
            self.splits.append((result.and_interactions, result.or_interactions))


def generalization_record(split, baselines: BaselineSplits) -> dict:
    """Per order 1..n, the mean over probes of the salient strength that generalizes and
    that does not, and each probe's generalizable share (arrays, for the checkpoint)."""
    found = generalization(split, baselines.splits)
    frame = found.by_order().groupby("order")[["generalizable", "non_generalizable"]].sum()
    return {"generalizable": frame["generalizable"].to_numpy(),
            "non_generalizable": frame["non_generalizable"].to_numpy(),
            "share": found.share}
