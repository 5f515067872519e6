"""hs.explain shared between the ranks of a process group: each rank evaluates and splits its
own share of the samples, and the shares are gathered in order (theory.md §1, §4)."""

from __future__ import annotations

import numpy as np
import torch

from ..and_or import AndOrResult, and_or
from ..transforms import and_interactions
from .distributed import Ranks, select_samples
from .game import ModelGame
from .masked_model import MaskedModel

__all__ = ["explain_on_ranks", "ALONE"]

ALONE = "alone"

# The AndOrResult fields with one entry per game, gathered from the ranks.
PER_GAME = ("and_interactions", "or_interactions", "gamma", "noise", "objective", "gap",
            "dual_bound", "iterations", "converged", "noise_bound")


def _per_sample(value, index, count):
    """`value` (a target or a baseline) restricted to the samples `index` when it has one
    entry per sample."""
    if isinstance(value, (list, tuple, np.ndarray)) and len(value) == count and count > 1:
        value = torch.as_tensor(np.asarray(value))
    return select_samples(value, index, count) if isinstance(value, torch.Tensor) else value


def explain_on_ranks(ranks: Ranks, model, x, target, method, options, solver_options,
                     baseline_kind, gather: str):
    """(values, AND or None, split or None, settings, names) of every sample, gathered on
    every rank (or only on rank 0 with ``gather="rank0"``, None elsewhere); ALONE when x is
    one input, which every rank then explains alone."""
    whole = MaskedModel(model, x, target, options, baseline_kind=baseline_kind)
    count = whole.n_samples
    if not whole.batched or count == 1:
        return ALONE
    index, real = ranks.share(count)
    baseline = _per_sample(options.baseline, index, count) \
        if isinstance(options.baseline, torch.Tensor) and \
        options.baseline.ndim == whole.inputs.masked.ndim else options.baseline
    game = ModelGame(model, select_samples(x, index, count), _per_sample(target, index, count),
                     options.replace(baseline=baseline, batched=True), baseline_kind=baseline_kind)
    values = game.values()
    local = {"values": values[:real], "targets": game.targets[:real]}
    split = None
    if method == "and":
        local["and"] = and_interactions(values)[:real]
    else:
        split = and_or(values, **solver_options)
        local.update({name: np.atleast_1d(getattr(split, name))[:real] for name in PER_GAME})
    shares = ranks.gather(local)
    if gather == "rank0" and ranks.rank != 0:
        return None
    joined = {key: np.concatenate([share[key] for share in shares]) for key in local}
    settings = {**game.settings(), "targets": joined["targets"].tolist(),
                "ranks": ranks.world}
    if split is not None:
        split = AndOrResult(*(joined[name] for name in PER_GAME), split.solver, split.options)
    return joined["values"], joined.get("and"), split, settings, game.players.names
