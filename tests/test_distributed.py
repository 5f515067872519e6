"""Explaining and tracking under torch.distributed: 2 ranks (gloo on CPU, a file store on
local disk) against one process.  Each test starts its processes (about 10 s); the FSDP and
Lightning ones run in ``make test-all``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402

from models import mlp  # noqa: E402

WORKER = Path(__file__).parent / "distributed_worker.py"


def run_ranks(job: str, out: Path):
    done = subprocess.run([sys.executable, str(WORKER), job, str(out)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def test_explain_and_multi_order_on_two_ranks_equal_one_process(tmp_path):
    run_ranks("explain", tmp_path)
    model = mlp(6, 3)
    x = torch.randn(5, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    alone = hs.explain(model, x, method="and-or", tol=1e-6, baseline="mean", data=x)
    ranks = [np.load(tmp_path / f"explain{r}.npz") for r in range(2)]
    for found in ranks:  # every rank holds the whole result
        np.testing.assert_allclose(found["values"], alone.values, atol=1e-12)
        np.testing.assert_allclose(found["a"], alone.and_interactions, atol=1e-12)
        np.testing.assert_allclose(found["o"], alone.or_interactions, atol=1e-12)
        assert found["targets"].tolist() == alone.settings["targets"]
        np.testing.assert_allclose(found["lone"], hs.explain(model, x[:1], method="and-or",
                                                             tol=1e-6).and_interactions)
        np.testing.assert_allclose(found["single"], hs.explain(model, x[0]).and_interactions)
        np.testing.assert_allclose(found["plain"], hs.explain(model, x, target=[0, 1, 2, 0, 1])
                                   .and_interactions)
    assert not ranks[0]["first_only_none"] and ranks[1]["first_only_none"]
    sampled = hs.multi_order(model, x, orders=[1, 3], pairs=4, contexts=5, seed=3)
    for found in ranks:  # the same contexts whatever rank draws them
        np.testing.assert_allclose(found["sampled"], sampled.interactions, atol=1e-12)
        np.testing.assert_allclose(found["sampled_stderr"], sampled.stderr, atol=1e-12)


def test_a_tracker_on_two_ranks_writes_each_checkpoint_once_as_one_process_would(tmp_path):
    run_ranks("tracker", tmp_path)
    records = [np.load(tmp_path / f"tracker{r}.npz") for r in range(2)]
    np.testing.assert_allclose(records[0]["distribution"], records[1]["distribution"])
    paths = [tmp_path / f"state{e}.pt" for e in range(3)]
    x = torch.randn(40, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = (x[:, 0] > 0).long()
    alone = hs.track_checkpoints(lambda: mlp(6, 2), paths, x[:5], y[:5], tol=1e-4)
    np.testing.assert_allclose(records[0]["distribution"],
                               alone.records[2]["distributions"]["and-or"].distribution,
                               atol=1e-6)
    resumed = hs.DynamicsTracker.resume(tmp_path / "run")
    assert sorted(resumed.records) == [0, 1, 2]
    files = sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir())
    assert len(files) == 3 and not any(".tmp" in name for name in files), files


@pytest.mark.slow
def test_an_fsdp_model_does_not_deadlock_and_matches_one_process(tmp_path):
    run_ranks("fsdp", tmp_path)
    model = mlp(6, 3).float()
    x = torch.randn(5, 6, generator=torch.Generator().manual_seed(0))
    alone = hs.explain(model, x, method="and-or", tol=1e-6)
    for rank in range(2):
        found = np.load(tmp_path / f"fsdp{rank}.npz")
        np.testing.assert_allclose(found["a"], alone.and_interactions, atol=1e-5)


def test_a_rank_that_dies_loses_no_finished_checkpoint(tmp_path):
    done = subprocess.run([sys.executable, str(WORKER), "crash", str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    resumed = hs.DynamicsTracker.resume(tmp_path / "run")
    assert sorted(resumed.records) == [0, 1]
    files = sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir())
    assert files == ["epoch-00000000.npz", "epoch-00000001.npz"], files


@pytest.mark.slow
def test_lightning_ddp_on_two_cpu_devices_records_every_checkpoint_once(tmp_path):
    pytest.importorskip("lightning")
    worker = Path(__file__).parent / "lightning_worker.py"
    done = subprocess.run([sys.executable, str(worker), str(tmp_path)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = [(tmp_path / f"lightning{rank}.txt").read_text() for rank in range(2)]
    assert seen[0] == seen[1] and seen[0].splitlines()[0] == "0 1 2"
    files = sorted(p.name for p in (tmp_path / "run" / "checkpoints").iterdir())
    assert files == [f"epoch-0000000{e}.npz" for e in range(3)]
    assert sorted(hs.DynamicsTracker.resume(tmp_path / "run").records) == [0, 1, 2]


def test_saved_checkpoints_are_shared_out_between_ranks(tmp_path):
    run_ranks("checkpoints", tmp_path)
    x = torch.randn(4, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    alone = hs.track_checkpoints(lambda: mlp(6, 2), [tmp_path / f"state{e}.pt" for e in range(3)],
                                 x, torch.tensor([0, 1, 0, 1]), tol=1e-4, warm_start=False)
    want = np.stack([alone.records[e]["distributions"]["and-or"].distribution for e in range(3)])
    for rank in range(2):
        found = np.load(tmp_path / f"checkpoints{rank}.npz")
        assert found["epochs"].tolist() == [0, 1, 2]
        np.testing.assert_allclose(found["distribution"], want, atol=1e-6)
    resumed = hs.DynamicsTracker.resume(tmp_path / "run")
    assert sorted(resumed.records) == [0, 1, 2]
    np.testing.assert_allclose(resumed.records[2]["distributions"]["and-or"].distribution,
                               want[2], atol=1e-6)


def test_distributed_true_needs_a_process_group():
    with pytest.raises(RuntimeError, match="init_process_group"):
        hs.explain(mlp(6, 3), torch.randn(2, 6, dtype=torch.float64), distributed=True)
    with pytest.raises(ValueError, match="gather"):
        hs.explain(mlp(6, 3), torch.randn(2, 6, dtype=torch.float64), gather="some")
