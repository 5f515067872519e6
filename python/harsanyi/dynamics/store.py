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
from pathlib import Path

import numpy as np

from .distribution import OrderDistribution
from .history import STATS
from .safe_files import CorruptCheckpointError, read_json, read_npz, write_json, write_npz

__all__ = ["CheckpointStore", "CorruptCheckpointError", "record_to_arrays",
           "record_from_arrays"]

FORMAT = "harsanyi.DynamicsTracker"
CHECKPOINT_NAME = re.compile(r"epoch-(\d{8,})\.npz")
VERSION = 1


# What to do about each damaged file.
SETTINGS_ADVICE = "it holds the tracker's settings: restore it from a backup"
PROBE_ADVICE = "it holds the probe inputs and the baseline: restore it from a backup"
INDEX_ADVICE = "delete it to have it rebuilt from the checkpoint files"
CHECKPOINT_ADVICE = "delete it to have that checkpoint recomputed, or restore it from a backup"
LATEST_ADVICE = "delete it: the next tracked checkpoint writes it again"


def _require(condition: bool, path: Path, what: str, advice: str) -> None:
    if not condition:
        raise CorruptCheckpointError(f"{path} {what}; {advice}")


def _typed(value, types: tuple) -> bool:
    """isinstance, with a bool not counting as a number."""
    return isinstance(value, types) and (bool in types or not isinstance(value, bool))


def _check_settings(settings, path: Path) -> dict:
    """The settings of tracker.json, with the types resume relies on."""
    _require(isinstance(settings, dict), path, "holds no settings object", SETTINGS_ADVICE)
    expected = {"method": (str,), "ratio": (int, float), "batch_size": (int,),
                "keep_interactions": (bool,), "solver": (dict,), "players": (dict,),
                "every": (int, type(None)), "output": (str, type(None))}
    for key, types in expected.items():
        _require(key in settings and _typed(settings[key], types), path,
                 f"has no valid {key!r} setting (expected "
                 f"{' or '.join(t.__name__ for t in types)})", SETTINGS_ADVICE)
    for key in ("noise_bound", "tol", "max_iter"):
        _require(_typed(settings["solver"].get(key), (int, float)), path,
                 f"has no valid solver setting {key!r}", SETTINGS_ADVICE)
    players = settings["players"]
    _require(isinstance(players.get("kind"), str) and isinstance(players.get("names"), list),
             path, "has no valid players record", SETTINGS_ADVICE)
    return settings


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
        write_npz(self.directory / "probe.npz", probe)
        write_json(self.directory / "tracker.json",
                    {"format": FORMAT, "version": VERSION, "settings": settings})
        self.write_index([], {})

    def checkpoint_path(self, epoch: int) -> Path:
        return self.checkpoints / f"epoch-{int(epoch):08d}.npz"

    def write_checkpoint(self, epoch: int, arrays: dict) -> None:
        write_npz(self.checkpoint_path(epoch), arrays)

    def write_index(self, epochs, losses: dict) -> None:
        write_json(self.directory / "index.json",
                    {"checkpoints": sorted(int(e) for e in epochs),
                     "losses": {str(k): v for k, v in sorted(losses.items())}})

    def write_latest_values(self, epoch: int, values: np.ndarray, split=None) -> None:
        """The newest checkpoint's games, and its AND-OR split (and, or) if any: the w* of
        the theory fit, kept so that a resumed tracker fits the same one."""
        arrays = {"epoch": np.array(int(epoch)), "values": values}
        if split is not None:
            arrays["and_interactions"], arrays["or_interactions"] = split
        write_npz(self.directory / "latest_values.npz", arrays)

    # -- reading --------------------------------------------------------------------

    def read_settings(self) -> tuple[dict, dict]:
        path = self.directory / "tracker.json"
        if not path.exists():
            raise FileNotFoundError(f"{self.directory} holds no tracker (no tracker.json)")
        header = read_json(path, SETTINGS_ADVICE)
        if header.get("format") != FORMAT:
            raise CorruptCheckpointError(f"{path} is not a harsanyi tracker file")
        version = header.get("version", 0)
        if not isinstance(version, int) or version > VERSION:
            raise CorruptCheckpointError(f"{path} was written by a newer harsanyi; upgrade")
        settings = _check_settings(header.get("settings"), path)
        probe = read_npz(self.directory / "probe.npz", PROBE_ADVICE)
        _require("players_map" in probe and "baseline" in probe, self.directory / "probe.npz",
                 "lacks the player map or the baseline", PROBE_ADVICE)
        return settings, probe

    def read_index(self) -> tuple[list[int], dict]:
        path = self.directory / "index.json"
        if not path.exists():
            return [], {}
        index = read_json(path, INDEX_ADVICE)
        epochs, losses = index.get("checkpoints", []), index.get("losses", {})
        _require(isinstance(epochs, list) and all(
            isinstance(e, int) and not isinstance(e, bool) and e >= 0 for e in epochs),
            path, "names checkpoints that are not epochs (integers >= 0)", INDEX_ADVICE)
        _require(isinstance(losses, dict) and all(
            k.isdigit() and isinstance(v, dict) for k, v in losses.items()),
            path, "holds losses that are not {epoch: {name: value}}", INDEX_ADVICE)
        return epochs, {int(k): v for k, v in losses.items()}

    def read_checkpoint(self, epoch: int) -> dict:
        return read_npz(self.checkpoint_path(epoch), CHECKPOINT_ADVICE)

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
                record = read_npz(path, CHECKPOINT_ADVICE)
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
        record = read_npz(path, LATEST_ADVICE)
        split = (record["and_interactions"], record["or_interactions"]) \
            if "and_interactions" in record else None
        return int(record["epoch"]), record["values"], split


def probe_arrays(players, baseline, probe_x, probe_y) -> dict:
    """The arrays a tracker's folder keeps to be resumed: the player map, the baseline and
    the probes (when they are plain tensors)."""
    def numpy(value):
        return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)

    arrays = {"players_map": players.map, "baseline": numpy(baseline)}
    if hasattr(probe_x, "detach"):
        arrays["probe_x"] = numpy(probe_x)
    if probe_y is not None:
        arrays["probe_y"] = numpy(probe_y)
    return arrays


def record_to_arrays(record: dict) -> dict:
    """A checkpoint record as flat named arrays (``kind.stat.part``), for an npz file."""
    arrays = {"epoch": np.array(record["epoch"]), "tau": np.array(record["tau"]),
              "targets": np.asarray(record["targets"]),
              "losses": np.array(json.dumps(record["losses"]))}
    for name, value in record["solver"].items():
        arrays[f"solver.{name}"] = value
    for name, value in record.get("generalization", {}).items():
        arrays[f"generalization.{name}"] = value
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
    record = {"epoch": int(arrays["epoch"]), "tau": float(arrays["tau"]),
              "targets": arrays["targets"], "losses": json.loads(str(arrays["losses"])),
              "solver": {k.split(".", 1)[1]: v for k, v in arrays.items()
                         if k.startswith("solver.")},
              "distributions": distributions}
    found = {k.split(".", 1)[1]: v for k, v in arrays.items() if k.startswith("generalization.")}
    if found:
        record["generalization"] = found
    return record
