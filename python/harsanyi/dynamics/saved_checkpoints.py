"""Tracking a run after it ended, from checkpoint files (state dicts) saved during training."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from .._progress import progress_bar
from ..models.distributed import active_ranks
from .store import CheckpointStore, record_to_arrays
from .tracker import DynamicsTracker

__all__ = ["track_checkpoints"]


def track_checkpoints(model_fn: Callable[[], torch.nn.Module], paths: Iterable, probe_x,
                      probe_y=None, *, epochs: Iterable[int] | None = None, directory=None,
                      losses: dict | None = None, show_progress=None, distributed=None,
                      group=None, **options) -> DynamicsTracker:
    """Track saved checkpoints after training, e.g. a folder of state dicts.

    Parameters
    ----------
    model_fn : callable
        Builds the network (its weights are replaced by each checkpoint's).
    paths : iterable of str or Path
        Files holding a state dict (or a dict with a "state_dict" or "model" entry).
    probe_x, probe_y
        As for :class:`DynamicsTracker`.
    epochs : iterable of int, optional
        The epoch of each path (default 0, 1, 2, ...).
    directory : str or Path, optional
        Where to keep the results; if it already holds a tracker, finished checkpoints are
        skipped and the rest added.
    losses : dict of int to dict, optional
        Losses per epoch, e.g. ``{3: {"train_loss": 0.1, "test_loss": 0.4}}``.
    distributed : bool, optional
        Under an initialised ``torch.distributed`` process group (None: whenever there is
        one; False: never), the checkpoints are shared out between the ranks, each rank
        measuring its own alone; the records are gathered, rank 0 writes them, and every
        rank returns a tracker holding them all.  A rank's first checkpoint starts its
        AND-OR solve cold, so where the optimum is not unique its split may differ from
        a single process's warm-started one (both certified to ``tol``).
    group : ProcessGroup, optional
        The group to share with.
    **options
        Passed to :class:`DynamicsTracker`.
    """
    paths = list(paths)
    epochs = list(range(len(paths))) if epochs is None else [int(e) for e in epochs]
    if len(epochs) != len(paths):
        raise ValueError(f"{len(epochs)} epochs for {len(paths)} checkpoint files")
    model = model_fn()
    ranks = active_ranks(distributed, group)
    store_exists = directory is not None and (CheckpointStore(directory).directory /
                                               "tracker.json").exists()
    if store_exists:
        tracker = DynamicsTracker.resume(directory, model=model, distributed=False)
    else:
        first = ranks is None or ranks.rank == 0  # rank 0 alone starts the folder
        tracker = DynamicsTracker(model, probe_x, probe_y, every=lambda epoch: True,
                                  directory=directory if first else None, distributed=False,
                                  **options)
    todo = [(e, p) for e, p in zip(epochs, paths) if e not in tracker.records]
    if ranks is not None:  # every rank the same number of checkpoints, the last repeated
        size = -(-len(todo) // ranks.world)
        mine = todo[ranks.rank * size:(ranks.rank + 1) * size]
        todo = mine + mine[-1:] * (size - len(mine)) if mine or not todo else todo[-1:] * size
        writer, tracker.store = tracker.store, None  # measured here, written after gathering
    with progress_bar(len(todo), "checkpoints", show_progress, unit="ckpt") as bar:
        for epoch, path in todo:
            if epoch not in tracker.records:
                state = torch.load(path, map_location="cpu", weights_only=True)
                if isinstance(state, dict):
                    state = state.get("state_dict", state.get("model", state))
                model.load_state_dict(state)
                tracker.update(epoch, **(losses or {}).get(epoch, {}))
            bar.update()
    if ranks is not None:
        _gather_records(tracker, ranks, writer)
    return tracker


def _gather_records(tracker, ranks, writer) -> None:
    """Every rank's checkpoint records in every rank's tracker; rank 0 writes them."""
    newest = None if tracker._latest_values is None else \
        (*tracker._latest_values, tracker._latest_split)
    shares = ranks.gather({"records": tracker.records, "losses": tracker.losses,
                           "newest": newest})
    for share in shares:
        tracker.records.update(share["records"])
        tracker.losses.update(share["losses"])
        if share["newest"] is not None and (tracker._latest_values is None or
                                            share["newest"][0] > tracker._latest_values[0]):
            tracker._latest_values, tracker._latest_split = share["newest"][:2], share["newest"][2]
    tracker.store = writer if ranks.rank == 0 else None
    if tracker.store is not None:
        for epoch, record in sorted(tracker.records.items()):
            if not tracker.store.checkpoint_path(epoch).exists():
                tracker.store.write_checkpoint(epoch, record_to_arrays(record))
        if tracker._latest_values is not None:
            tracker.store.write_latest_values(*tracker._latest_values, tracker._latest_split)
        tracker.store.write_index(tracker.records, tracker.losses)
    ranks.barrier("writing the gathered checkpoints")
