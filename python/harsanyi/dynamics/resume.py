"""A tracker continued from its folder: settings, probe, finished checkpoints (theory.md §7)."""

from __future__ import annotations

import torch

from ..models.inputs import model_device
from ..models.players import Players
from .store import CheckpointStore, record_from_arrays

__all__ = ["resume_tracker"]


def resume_tracker(cls, directory, model=None, probe_x=None, **overrides):
    """The tracker of class `cls` kept in `directory` (see ``DynamicsTracker.resume``)."""
    store = CheckpointStore(directory)
    settings, probe = store.read_settings()
    players = Players.from_record(probe["players_map"], settings["players"])
    if probe_x is None:
        if "probe_x" not in probe:
            raise ValueError("this tracker's probe inputs were not a tensor: pass probe_x=")
        probe_x = torch.as_tensor(probe["probe_x"])
    probe_y = torch.as_tensor(probe["probe_y"]) if "probe_y" in probe else None
    baseline = torch.as_tensor(probe["baseline"])
    solver = settings["solver"]
    every = overrides.pop("every", settings["every"] if settings["every"] is not None else 1)
    options = dict(output=settings["output"], batch_size=settings["batch_size"],
                   masked_input=settings.get("masked_input"))
    options.update(overrides)
    if options["output"] is None:
        raise ValueError("the tracker used a callable output: pass output= to resume it")
    if model is not None:
        device = options.get("device") or model_device(model) or torch.device("cpu")
        probe_x = probe_x.to(device)
        probe_y = None if probe_y is None else probe_y.to(device)
        baseline = baseline.to(device)
    tracker = cls(model, probe_x, probe_y, method=settings["method"], every=every,
                  directory=None, keep_interactions=settings["keep_interactions"],
                  ratio=settings["ratio"], solver=solver.get("solver", "pdhg"),
                  noise_bound=solver["noise_bound"], tol=solver["tol"],
                  max_iter=solver["max_iter"], _resumed=(players, baseline, settings),
                  **options)
    tracker.store = store
    epochs, tracker.losses, adopted = store.finished_epochs()
    for epoch in epochs:
        tracker.records[epoch] = record_from_arrays(store.read_checkpoint(epoch))
    if adopted:
        store.write_index(tracker.records, tracker.losses)
    latest_epoch, values, split = store.read_latest_values()
    if values is not None and latest_epoch in tracker.records:
        tracker._latest_values = (latest_epoch, values)
        tracker._latest_split = split
    return tracker
