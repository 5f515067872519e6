"""A tracker folder that was damaged or crafted is reported file by file, never obeyed."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
from harsanyi.dynamics.store import CorruptCheckpointError  # noqa: E402


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(16, 4, generator=generator)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    directory = tmp_path_factory.mktemp("tracker") / "run"
    tracker = hs.DynamicsTracker(model, x[:3], method="and", directory=directory)
    for epoch in range(2):
        tracker.update(epoch, train_loss=1.0, test_loss=1.5)
    return directory


@pytest.fixture
def run(folder, tmp_path):
    import shutil

    copy = tmp_path / "run"
    shutil.copytree(folder, copy)
    return copy


def edit_json(path, change):
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_an_intact_folder_resumes(run):
    assert hs.DynamicsTracker.resume(run).epochs.tolist() == [0, 1]


@pytest.mark.parametrize("name, damage, message", [
    ("tracker.json", lambda p: p.write_bytes(b"\xff\xfe{"), "cannot be read.*restore it"),
    ("tracker.json", lambda p: p.write_text("[1, 2]"), "does not hold a JSON object"),
    ("tracker.json", lambda p: edit_json(p, lambda d: d["settings"].update(ratio=0.5)),
     "changed after it was written"),
    ("tracker.json", lambda p: edit_json(p, lambda d: (d["settings"].pop("players"),
                                                       d.pop("sha256"))),
     "no valid 'players' setting"),
    ("tracker.json", lambda p: edit_json(p, lambda d: (d["settings"].update(batch_size="8"),
                                                       d.pop("sha256"))),
     "no valid 'batch_size' setting"),
    ("index.json", lambda p: edit_json(p, lambda d: (d.update(checkpoints=["x"]),
                                                     d.pop("sha256"))),
     "not epochs.*rebuilt from the checkpoint files"),
    ("index.json", lambda p: edit_json(p, lambda d: d.update(checkpoints=[0])),
     "changed after it was written.*rebuilt"),
    ("probe.npz", lambda p: p.write_bytes(b"PK\x03\x04 not a zip"),
     "probe inputs and the baseline: restore"),
])
def test_damaged_files_are_named_with_what_to_do(run, name, damage, message):
    damage(run / name)
    with pytest.raises(CorruptCheckpointError, match=f"{name}.*{message}"):
        hs.DynamicsTracker.resume(run)


def test_an_archive_declaring_more_than_it_holds_is_refused_before_allocation(run):
    path = run / "checkpoints" / "epoch-00000001.npz"
    with zipfile.ZipFile(path, "w") as archive:  # an .npy header claiming 2^40 values
        header = np.lib.format.header_data_from_array_1_0(np.zeros(1))
        header["shape"] = (1 << 40,)
        with archive.open("epoch.npy", "w") as member:
            np.lib.format.write_array_header_1_0(member, header)
            member.write(b"\0" * 8)
    with pytest.raises(CorruptCheckpointError, match="declares 8,796,093,022,208 bytes.*"
                                                     "recomputed"):
        hs.DynamicsTracker.resume(run)


def test_an_archive_that_inflates_far_beyond_its_size_is_refused(run):
    path = run / "checkpoints" / "epoch-00000001.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("epoch.npy", "w") as member:
            np.lib.format.write_array(member, np.zeros(1 << 22))  # 32 MiB of zeros, deflated
    assert path.stat().st_size < 1 << 20
    with pytest.raises(CorruptCheckpointError, match="would inflate to"):
        hs.DynamicsTracker.resume(run)


def test_files_written_before_checksums_are_still_read(run):
    for name in ("tracker.json", "index.json"):
        edit_json(run / name, lambda d: d.pop("sha256"))
    assert hs.DynamicsTracker.resume(run).epochs.tolist() == [0, 1]
