"""Tracking a run after it ended, from checkpoint files (state dicts) saved during training."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import torch

from .._progress import progress_bar
from .store import CheckpointStore
from .tracker import DynamicsTracker

__all__ = ["track_checkpoints"]


def track_checkpoints(model_fn: Callable[[], torch.nn.Module], paths: Iterable, probe_x,
                      probe_y=None, *, epochs: Iterable[int] | None = None, directory=None,
                      losses: dict | None = None, show_progress=None, **options
                      ) -> DynamicsTracker:
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
    **options
        Passed to :class:`DynamicsTracker`.
    """
    paths = list(paths)
    epochs = list(range(len(paths))) if epochs is None else [int(e) for e in epochs]
    if len(epochs) != len(paths):
        raise ValueError(f"{len(epochs)} epochs for {len(paths)} checkpoint files")
    model = model_fn()
    store_exists = directory is not None and (CheckpointStore(directory).directory /
                                               "tracker.json").exists()
    if store_exists:
        tracker = DynamicsTracker.resume(directory, model=model)
    else:
        tracker = DynamicsTracker(model, probe_x, probe_y, every=lambda epoch: True,
                                  directory=directory, **options)
    with progress_bar(len(paths), "checkpoints", show_progress, unit="ckpt") as bar:
        for epoch, path in zip(epochs, paths):
            if epoch not in tracker.records:
                state = torch.load(path, map_location="cpu", weights_only=True)
                if isinstance(state, dict):
                    state = state.get("state_dict", state.get("model", state))
                model.load_state_dict(state)
                tracker.update(epoch, **(losses or {}).get(epoch, {}))
            bar.update()
    return tracker
