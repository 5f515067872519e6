"""The tracker folder's files, written atomically and read so that damage is reported, not
obeyed: unreadable or edited JSON, archives that are not what they declare."""

from __future__ import annotations

import hashlib
import json
import zipfile
import zlib
from pathlib import Path

import numpy as np

from .._atomic import atomic_write

__all__ = ["CorruptCheckpointError", "write_json", "read_json", "write_npz", "read_npz"]

CHECKSUM = "sha256"
# An archive's arrays may take this much more room than the archive itself (ours are
# stored uncompressed, so about 1), plus a little for small files.
MAX_INFLATION = 2
INFLATION_SLACK = 1 << 20


class CorruptCheckpointError(ValueError):
    """A file of the tracker's folder cannot be read."""


def _digest(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def write_json(path: Path, data: dict) -> None:
    """`data` and the checksum of its content, atomically."""
    with atomic_write(path, "w") as handle:
        json.dump({**data, CHECKSUM: _digest(data)}, handle, indent=1, sort_keys=True)


def read_json(path: Path, advice: str) -> dict:
    """The object `write_json` wrote; CorruptCheckpointError (with `advice`, what to do)
    when it cannot be read, is not an object or was changed after it was written.  Files
    written before checksums were kept are read without one."""
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorruptCheckpointError(f"{path} cannot be read ({error}); {advice}") from None
    if not isinstance(data, dict):
        raise CorruptCheckpointError(f"{path} does not hold a JSON object; {advice}")
    checksum = data.pop(CHECKSUM, None)
    if checksum is not None and checksum != _digest(data):
        raise CorruptCheckpointError(f"{path} was changed after it was written (its checksum "
                                     f"does not match its content); {advice}")
    return data


def write_npz(path: Path, arrays: dict) -> None:
    """Named arrays, uncompressed, atomically."""
    with atomic_write(path) as handle:
        np.savez(handle, **arrays)


def _check_archive(path: Path) -> None:
    """Refuse an archive whose members inflate far beyond it, or whose arrays declare
    more values than their member holds, before anything is allocated for them."""
    limit = MAX_INFLATION * path.stat().st_size + INFLATION_SLACK
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        if sum(info.file_size for info in members) > limit:
            raise ValueError("its members would inflate to "
                             f"{sum(info.file_size for info in members):,} bytes")
        for info in members:
            with archive.open(info) as member:
                version = np.lib.format.read_magic(member)
                header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                          else np.lib.format.read_array_header_2_0)
                shape, _, dtype = header(member)
                declared = int(np.prod(shape, dtype=np.float64)) * dtype.itemsize
                if declared > info.file_size:
                    raise ValueError(f"{info.filename} declares {declared:,} bytes but holds "
                                     f"{info.file_size:,}")


def read_npz(path: Path, advice: str) -> dict:
    """The arrays `write_npz` wrote; CorruptCheckpointError (with `advice`) otherwise."""
    try:
        _check_archive(path)
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in archive.files}
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, KeyError,
            MemoryError) as error:
        raise CorruptCheckpointError(f"{path} cannot be read ({error}); {advice}") from None
