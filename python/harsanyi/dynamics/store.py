"""A folder of tracked checkpoints that a crash cannot corrupt, and how a record is stored.

Layout::

    tracker.json                 settings, written once
    probe.npz                    probe inputs, targets, player map, baseline
    checkpoints/epoch-*.npz      one file per tracked checkpoint
    index.json                   finished checkpoints and the losses of every update
    latest_values.npz            the game values of the newest checkpoint

Every file is written to a temporary name and renamed into place, and a checkpoint file
is complete before the index names it.  A checkpoint file that exists but is missing
from the index (a crash between the two renames) is checked and adopted on resume; one
that cannot be read is reported, never skipped.
"""

from __future__ import annotations

import json
import re
import warnings
import zipfile
from pathlib import Path

import numpy as np

from .._atomic import atomic_write
from .distribution import OrderDistribution
from .history import STATS

__all__ = ["CheckpointStore", "CorruptCheckpointError", "record_to_arrays",
           "record_from_arrays"]

FORMAT = "harsanyi.DynamicsTracker"
CHECKPOINT_NAME = re.compile(r"epoch-(\d{8,})\.npz")
VERSION = 1


class CorruptCheckpointError(ValueError):
    """A file of the tracker's folder cannot be read."""


def _write_json(path: Path, data) -> None:
    with atomic_write(path, "w") as handle:
        json.dump(data, handle, indent=1, sort_keys=True)


def _write_npz(path: Path, arrays: dict) -> None:
    with atomic_write(path) as handle:
        np.savez(handle, **arrays)


def _read_npz(path: Path) -> dict:
    try:
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as error:
        raise CorruptCheckpointError(
            f"{path} cannot be read ({error}); delete it to have that checkpoint "
            "recomputed, or restore it from a backup") from None


class CheckpointStore:
    """The files of one tracker folder."""

    def __init__(self, directory):
        self.directory = Path(directory)
        self.checkpoints = self.directory / "checkpoints"

    # -- writing --------------------------------------------------------------------

    def create(self, settings: dict, probe: dict) -> None:
        """Start a new folder (refusing to overwrite another tracker's)."""
        if (self.directory / "tracker.json").exists():
            raise FileExistsError(
                f"{self.directory} already holds a tracker; continue it with "
                "DynamicsTracker.resume(directory, model=...) or choose another directory")
        self.checkpoints.mkdir(parents=True, exist_ok=True)
        _write_npz(self.directory / "probe.npz", probe)
        _write_json(self.directory / "tracker.json",
                    {"format": FORMAT, "version": VERSION, "settings": settings})
        self.write_index([], {})

    def checkpoint_path(self, epoch: int) -> Path:
        return self.checkpoints / f"epoch-{int(epoch):08d}.npz"

    def write_checkpoint(self, epoch: int, arrays: dict) -> None:
        _write_npz(self.checkpoint_path(epoch), arrays)

    def write_index(self, epochs, losses: dict) -> None:
        _write_json(self.directory / "index.json",
                    {"checkpoints": sorted(int(e) for e in epochs),
                     "losses": {str(k): v for k, v in sorted(losses.items())}})

    def write_latest_values(self, epoch: int, values: np.ndarray, split=None) -> None:
        """The newest checkpoint's games, and its AND-OR split (and, or) if any: the w* of
        the theory fit, kept so that a resumed tracker fits the same one."""
        arrays = {"epoch": np.array(int(epoch)), "values": values}
        if split is not None:
            arrays["and_interactions"], arrays["or_interactions"] = split
        _write_npz(self.directory / "latest_values.npz", arrays)

    # -- reading --------------------------------------------------------------------

    def read_settings(self) -> tuple[dict, dict]:
        path = self.directory / "tracker.json"
        if not path.exists():
            raise FileNotFoundError(f"{self.directory} holds no tracker (no tracker.json)")
        try:
            header = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CorruptCheckpointError(f"{path} cannot be read ({error})") from None
        if header.get("format") != FORMAT:
            raise CorruptCheckpointError(f"{path} is not a harsanyi tracker file")
        if header.get("version", 0) > VERSION:
            raise CorruptCheckpointError(f"{path} was written by a newer harsanyi; upgrade")
        return header["settings"], _read_npz(self.directory / "probe.npz")

    def read_index(self) -> tuple[list[int], dict]:
        path = self.directory / "index.json"
        if not path.exists():
            return [], {}
        try:
            index = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise CorruptCheckpointError(f"{path} cannot be read ({error})") from None
        epochs = [int(e) for e in index.get("checkpoints", [])]
        losses = {int(k): v for k, v in index.get("losses", {}).items()}
        return epochs, losses

    def read_checkpoint(self, epoch: int) -> dict:
        return _read_npz(self.checkpoint_path(epoch))

    def finished_epochs(self) -> tuple[list[int], dict, bool]:
        """The epochs whose checkpoint file is complete, the recorded losses, and whether
        files missing from the index were adopted (so that it should be written again).

        Files written after the last index update are read (so a damaged one is
        reported) and adopted.
        """
        epochs, losses = self.read_index()
        listed = set(epochs)
        foreign = []
        for path in sorted(self.checkpoints.glob("epoch-*.npz")):
            name = CHECKPOINT_NAME.fullmatch(path.name)
            if name is None:
                foreign.append(path.name)
                continue
            epoch = int(name.group(1))
            if epoch not in listed:
                record = _read_npz(path)
                epochs.append(epoch)
                if "losses" in record:
                    losses.setdefault(epoch, json.loads(str(record["losses"])))
        if foreign:
            warnings.warn(f"{self.checkpoints} holds files that are not checkpoints of this "
                          f"tracker, left alone: {foreign[:5]}", stacklevel=3)
        missing = [e for e in epochs if not self.checkpoint_path(e).exists()]
        if missing:
            raise CorruptCheckpointError(
                f"the index of {self.directory} names checkpoints {missing[:5]} whose files are "
                "missing; restore them or delete index.json to rebuild it from the files")
        return sorted(epochs), losses, len(epochs) > len(listed)

    def read_latest_values(self):
        """(epoch, values, split or None) of the newest checkpoint, or Nones."""
        path = self.directory / "latest_values.npz"
        if not path.exists():
            return None, None, None
        record = _read_npz(path)
        split = (record["and_interactions"], record["or_interactions"]) \
            if "and_interactions" in record else None
        return int(record["epoch"]), record["values"], split


def record_to_arrays(record: dict) -> dict:
    """A checkpoint record as flat named arrays (``kind.stat.part``), for an npz file."""
    arrays = {"epoch": np.array(record["epoch"]), "tau": np.array(record["tau"]),
              "targets": np.asarray(record["targets"]),
              "losses": np.array(json.dumps(record["losses"]))}
    for name, value in record["solver"].items():
        arrays[f"solver.{name}"] = value
    for kind, dist in record["distributions"].items():
        arrays[f"{kind}.distribution"] = dist.distribution
        for stat in STATS:
            for part, table in getattr(dist, stat).items():
                arrays[f"{kind}.{stat}.{part}"] = table
    return arrays


def record_from_arrays(arrays: dict) -> dict:
    """The checkpoint record that :func:`record_to_arrays` stored."""
    kinds = sorted({key.split(".")[0] for key in arrays if key.endswith(".distribution")})
    distributions = {}
    for kind in kinds:
        parts = {stat: {key.split(".")[2]: arrays[key] for key in arrays
                        if key.startswith(f"{kind}.{stat}.")} for stat in STATS}
        distributions[kind] = OrderDistribution(
            arrays[f"{kind}.distribution"], float(arrays["tau"]), parts["positive"],
            parts["negative"], parts["absolute"], parts["count"])
    return {"epoch": int(arrays["epoch"]), "tau": float(arrays["tau"]),
            "targets": arrays["targets"], "losses": json.loads(str(arrays["losses"])),
            "solver": {k.split(".", 1)[1]: v for k, v in arrays.items()
                       if k.startswith("solver.")},
            "distributions": distributions}
