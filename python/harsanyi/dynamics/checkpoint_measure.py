"""What a tracker records at a checkpoint (theory.md §5, §7, §10): the probes' games, their
AND-OR split and order distributions, alone or shared between the ranks of a process group
(each rank its share of the probes, gathered in order)."""

from __future__ import annotations

import numpy as np

from ..models.distributed import select_samples
from ..models.game import ModelGame
from ..models.inputs import masked_entry
from ..models.values import random_state_kept
from ..transforms import and_interactions
from .distribution import order_distribution
from .generalization_tracking import BaselineSplits, generalization_record

__all__ = ["measure_checkpoint"]


def _games_and_splits(tracker, epoch: int):
    """Values, targets and (for AND-OR) the split of every probe, and the split's record."""
    x, y, ranks = tracker.probe_x, tracker.probe_y, tracker._ranks
    if ranks is not None:
        count = masked_entry(x, tracker._options.masked_input).shape[0]
        index, real = ranks.share(count)
        x, y = select_samples(x, index, count), None if y is None else \
            select_samples(y, index, count)
    with random_state_kept(tracker._options.device):
        game = ModelGame(tracker.model, x, y, tracker._options)
        values = np.array(game.values())
    local = {"values": values, "targets": np.asarray(game.targets)}
    if tracker.method == "and-or":
        result = tracker._splits.split(epoch, values)
        local.update(a=result.and_interactions, o=result.or_interactions,
                     gap=np.atleast_1d(result.gap), converged=np.atleast_1d(result.converged))
    if ranks is None:
        return local
    shares = ranks.gather({key: value[:real] for key, value in local.items()})
    return {key: np.concatenate([share[key] for share in shares]) for key in local}


def measure_checkpoint(tracker, epoch: int):
    """The record of checkpoint `epoch`, its games, and their AND-OR split (or None)."""
    found = _games_and_splits(tracker, epoch)
    values = found["values"]
    distributions = {"harsanyi": order_distribution(and_interactions(values), values=values,
                                                    ratio=tracker.ratio)}
    tau = distributions["harsanyi"].threshold
    split, solver = None, {}
    if tracker.method == "and-or":
        split = (found["a"], found["o"])
        distributions["and-or"] = order_distribution(*split, threshold=tau)
        solver = {"gap": found["gap"], "converged": found["converged"]}
    record = {"epoch": epoch, "tau": tau, "targets": found["targets"],
              "losses": dict(tracker.losses.get(epoch, {})), "solver": solver,
              "distributions": distributions}
    if tracker._baselines is not None:
        if tracker._reference is None:
            tracker._reference = BaselineSplits(tracker._baselines, tracker.probe_x,
                                                tracker.probe_y, tracker._options,
                                                tracker.solver_options)
        record["generalization"] = generalization_record(split, tracker._reference)
    return record, values, split
