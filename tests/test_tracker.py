"""The training-loop tracker: records, persistence, crash safety, phases, figures."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
from harsanyi.dynamics.distribution import OrderDistribution  # noqa: E402
from harsanyi.dynamics.store import CorruptCheckpointError  # noqa: E402


def make_problem(seed=0):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(64, 5, generator=generator)
    y = ((x[:, 0] * x[:, 1] > 0) | (x[:, 2] > 1)).long()
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(5, 32), torch.nn.ReLU(), torch.nn.Linear(32, 2))
    return model, x, y


def train_epoch(model, x, y, optimizer):
    model.train()
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    optimizer.step()
    return loss.item()


def run(tracker, model, x, y, epochs, start=0):
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    for epoch in range(start, start + epochs):
        loss = train_epoch(model, x, y, optimizer)
        tracker.update(epoch, train_loss=loss, test_loss=loss + 0.01 * epoch)


@pytest.mark.parametrize("method", ["and", "and-or"])
def test_records_and_history(method):
    model, x, y = make_problem()
    tracker = hs.DynamicsTracker(model, x[:6], y[:6], method=method, every=2)
    run(tracker, model, x, y, 6)
    assert tracker.epochs.tolist() == [0, 2, 4]
    assert sorted(tracker.losses) == list(range(6))
    history = tracker.history
    kinds = {"and"} if method == "and" else {"and", "or", "harsanyi"}
    assert set(history["kind"]) == kinds
    assert len(history) == 3 * len(kinds) * 6
    assert {"train_loss", "test_loss", "distribution", "tau"} <= set(history.columns)
    dist = tracker.distribution()
    assert dist.shape == (3, 5) and np.allclose(dist.mean(axis=1), 1.0)


@pytest.mark.parametrize("warm_start", [False, True])
def test_distribution_equals_direct_computation_from_saved_interactions(tmp_path, warm_start):
    """Checkpoint 1 is the decomposition of its saved values, solved cold or from
    checkpoint 0's results (warm_start), and its solver record is that solve's."""
    model, x, y = make_problem(1)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], method="and-or", keep_interactions=True,
                                 directory=tmp_path / "run", warm_start=warm_start)
    run(tracker, model, x, y, 2)
    first, values = (tracker.store.read_checkpoint(e)["values"] for e in (0, 1))
    start = hs.and_or(first, noise_bound=0.02, tol=1e-2) if warm_start else None
    split = hs.and_or(values, noise_bound=0.02, tol=1e-2, warm_start=start)
    assert np.all(split.converged)
    direct = hs.order_distribution(split.and_interactions, split.or_interactions, values=values)
    np.testing.assert_allclose(tracker.distribution().loc[1].to_numpy(), direct.distribution)
    np.testing.assert_array_equal(tracker.records[1]["solver"]["gap"], split.gap)
    plain = hs.order_distribution(hs.and_interactions(values), values=values)
    np.testing.assert_allclose(tracker.distribution("harsanyi").loc[1].to_numpy(),
                               plain.distribution)


def test_a_checkpoint_that_runs_out_of_iterations_warns_once_with_its_epoch():
    model, x, y = make_problem()
    tracker = hs.DynamicsTracker(model, x[:6], y[:6], method="and-or", tol=1e-12, max_iter=64)
    with pytest.warns(hs.ConvergenceWarning) as caught:
        tracker.update(0)
    messages = [str(w.message) for w in caught if w.category is hs.ConvergenceWarning]
    assert len(messages) == 1
    assert messages[0].startswith("epoch 0: 6 of 6 AND-OR decompositions used all max_iter=64")
    assert caught[0].filename == __file__  # points at the training loop's update call
    assert not np.any(tracker.records[0]["solver"]["converged"])


def test_unchanged_weights_give_identical_rows():
    model, x, y = make_problem(2)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], method="and-or")
    for epoch in range(3):
        tracker.update(epoch)
    dist = tracker.distribution().to_numpy()
    np.testing.assert_array_equal(dist[0], dist[1])
    np.testing.assert_array_equal(dist[1], dist[2])


def test_update_leaves_model_gradients_and_random_state_alone():
    model, x, y = make_problem(3)
    model = torch.nn.Sequential(model, torch.nn.Dropout(0.5))
    model.train()
    model[0][0].eval()
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], method="and")
    before = torch.get_rng_state()
    tracker.update(0)
    assert torch.equal(before, torch.get_rng_state())
    assert model.training and not model[0][0].training and model[1].training
    assert all(p.grad is None for p in model.parameters())


class TestPersistence:
    def test_resume_loads_and_skips_finished_checkpoints(self, tmp_path):
        model, x, y = make_problem(4)
        tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        run(tracker, model, x, y, 3)
        back = hs.DynamicsTracker.resume(tmp_path / "run", model=model)
        assert back.epochs.tolist() == [0, 1, 2]
        np.testing.assert_array_equal(back.distribution().to_numpy(),
                                      tracker.distribution().to_numpy())
        assert back.losses == tracker.losses
        finished = back.records[1]
        assert back.update(1) is finished  # skipped, not recomputed
        run(back, model, x, y, 2, start=3)
        assert hs.DynamicsTracker.resume(tmp_path / "run").epochs.tolist() == [0, 1, 2, 3, 4]

    def test_a_resumed_tracker_fits_the_same_theory(self, tmp_path):
        """The newest split (w*) is kept in the folder: a resumed tracker does not re-solve
        it, whose cold result could differ within the solver's tolerance."""
        model, x, y = make_problem(14)
        tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        run(tracker, model, x, y, 5)
        back = hs.DynamicsTracker.resume(tmp_path / "run")
        for got, want in zip(back._latest_split, tracker._latest_split):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(back.fit_theory(phase2_only=False).sigma2,
                                      tracker.fit_theory(phase2_only=False).sigma2)

    def test_refuses_to_overwrite_another_tracker(self, tmp_path):
        model, x, y = make_problem(5)
        hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        with pytest.raises(FileExistsError, match="resume"):
            hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")

    def test_read_only_resume(self, tmp_path):
        model, x, y = make_problem(6)
        tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        run(tracker, model, x, y, 1)
        back = hs.DynamicsTracker.resume(tmp_path / "run")
        assert back.epochs.tolist() == [0]
        with pytest.raises(ValueError, match="pass model="):
            back.update(5)

    def test_a_checkpoint_written_before_a_crash_in_the_index_is_adopted(self, tmp_path,
                                                                      monkeypatch):
        model, x, y = make_problem(7)
        tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        run(tracker, model, x, y, 2)

        def crash(*args, **kwargs):
            raise KeyboardInterrupt("killed between the two writes")

        monkeypatch.setattr(tracker.store, "write_index", crash)
        with pytest.raises(KeyboardInterrupt):
            tracker.update(2, train_loss=0.5, test_loss=0.6)
        back = hs.DynamicsTracker.resume(tmp_path / "run", model=model)
        assert back.epochs.tolist() == [0, 1, 2]
        assert back.losses[2] == {"train_loss": 0.5, "test_loss": 0.6}

    def test_a_killed_process_loses_no_finished_checkpoint(self, tmp_path):
        script = textwrap.dedent(f"""
            import os, signal, sys, torch
            sys.path.insert(0, {str(Path(__file__).parent)!r})
            import harsanyi as hs
            from test_tracker import make_problem, train_epoch
            model, x, y = make_problem(8)
            tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory={str(tmp_path / 'run')!r})
            optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
            for epoch in range(10):
                loss = train_epoch(model, x, y, optimizer)
                tracker.update(epoch, train_loss=loss, test_loss=loss)
                if epoch == 3:
                    torch.save(model.state_dict(), {str(tmp_path / 'model.pt')!r})
                    os.kill(os.getpid(), signal.SIGKILL)
        """)
        process = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert process.returncode == -9, process.stderr
        model, x, y = make_problem(8)
        model.load_state_dict(torch.load(tmp_path / "model.pt"))
        back = hs.DynamicsTracker.resume(tmp_path / "run", model=model)
        assert back.epochs.tolist() == [0, 1, 2, 3]
        assert not list((tmp_path / "run").rglob("*.tmp"))
        run(back, model, x, y, 2, start=4)
        assert back.epochs.tolist() == [0, 1, 2, 3, 4, 5]

    def test_a_corrupt_checkpoint_is_reported(self, tmp_path):
        model, x, y = make_problem(9)
        tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
        run(tracker, model, x, y, 2)
        path = tracker.store.checkpoint_path(1)
        path.write_bytes(path.read_bytes()[:100])
        with pytest.raises(CorruptCheckpointError, match="epoch-00000001.npz cannot be read"):
            hs.DynamicsTracker.resume(tmp_path / "run", model=model)


def synthetic_tracker(mean_orders, gap, samples=8, n=8, seed=0):
    """A recorded history whose order distributions have the given mean orders."""
    rng = np.random.default_rng(seed)
    records, losses = {}, {}
    orders = np.arange(1, n + 1)
    for epoch, m, g in zip(np.arange(len(mean_orders)) * 10, mean_orders, gap):
        shape = np.exp(-0.5 * ((orders - m) / 1.2) ** 2)
        absolute = np.zeros((samples, n + 1))
        absolute[:, 1:] = shape * rng.uniform(0.9, 1.1, (samples, n))
        dist = OrderDistribution(shape / shape.mean(), 0.0, {"and": absolute}, {"and": -absolute},
                                 {"and": absolute}, {"and": absolute})
        records[int(epoch)] = {"distributions": {"harsanyi": dist}}
        losses[int(epoch)] = {"train_loss": 1.0, "test_loss": 1.0 + g}
    return hs.DynamicsHistory(records, losses, n, "and")


def test_phase_detection_on_a_known_valley():
    t = np.arange(40)
    mean_orders = 2 + 0.004 * (t - 15) ** 2
    gap = 0.002 * (t - 22) ** 2
    phases = hs.phases.detect_phases(synthetic_tracker(mean_orders, gap), bootstrap=50)
    assert phases.phase2_start == 150 and phases.gap_rise == 220
    lo, hi = phases.phase2_interval
    assert lo <= 150 <= hi
    assert "Phase 2 starts at epoch 150" in phases.summary()
    assert "70 epochs before" in phases.summary()


def test_no_phase_two_when_the_mean_order_only_falls():
    t = np.arange(20)
    phases = hs.phases.detect_phases(synthetic_tracker(6 - 0.2 * t, -0.01 * t), bootstrap=10)
    assert phases.phase2_start is None and phases.gap_rise is None
    assert "No phase 2" in phases.summary()


def test_phase_detection_needs_checkpoints():
    with pytest.raises(ValueError, match="at least 5 checkpoints"):
        hs.phases.detect_phases(synthetic_tracker([3, 2, 3], [0, 0, 0]))


def test_figures_and_theory_fit(tmp_path):
    model, x, y = make_problem(10)
    tracker = hs.DynamicsTracker(model, x[:6], y[:6], method="and")
    run(tracker, model, x, y, 8)
    with pytest.warns(UserWarning, match="plain AND interactions"):
        fit = tracker.fit_theory()
    assert fit.kind == "and"
    assert fit.sigma2.shape == (8,) and fit.sigma2[-1] == pytest.approx(0.0, abs=1e-12)
    assert fit.error[-1] < 0.5
    for kind, suffix in [("overview", "png"), ("theory", "pdf"), ("sigma2", "png"),
                         ("ratio", "png"), ("heatmap", "svg")]:
        figure = tracker.plot(kind, path=tmp_path / f"{kind}.{suffix}")
        assert figure.axes and (tmp_path / f"{kind}.{suffix}").stat().st_size > 1000
    with pytest.raises(ValueError, match="unknown figure"):
        tracker.plot("spiral")
    # The figures take values: a recorded history, a fit, DataFrames.
    history = tracker.recorded
    assert isinstance(history, hs.DynamicsHistory)
    assert hs.plots.figure_overview(history, tracker.detect_phases()).axes
    assert hs.plots.figure_heatmap(history, kind="harsanyi").axes
    assert hs.plots.figure_theory(fit, epochs=[0, 7]).axes
    assert hs.plots.plot_order_bars(history.distribution(), int(history.epochs[-1])).patches
    assert hs.phases.detect_phases(history).epochs.tolist() == tracker.epochs.tolist()


def test_an_and_or_tracker_fits_its_own_split_from_phase_two(monkeypatch):
    model, x, y = make_problem(12)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4])
    run(tracker, model, x, y, 6)
    monkeypatch.setattr(tracker, "_phase2_start", lambda: 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning: it fits what the theory is stated for
        fit = tracker.fit_theory()
    assert fit.kind == "and-or" and fit.epochs.tolist() == [3, 4, 5]
    np.testing.assert_array_equal(fit.observed, tracker.distribution().loc[[3, 4, 5]].to_numpy())
    _, split = tracker._splits._previous  # the newest checkpoint's split is w*
    want = hs.theory.fit(fit.observed, split.and_interactions,
                         or_interactions=split.or_interactions, epochs=[3, 4, 5])
    assert tracker._latest_split[0] is split.and_interactions
    np.testing.assert_array_equal(fit.sigma2, want.sigma2)
    assert tracker.fit_theory() is fit  # cached
    everything = tracker.fit_theory(phase2_only=False)
    assert everything.epochs.tolist() == list(range(6))
    monkeypatch.setattr(tracker, "_phase2_start", lambda: None)
    tracker._fit_cache = None
    with pytest.warns(UserWarning, match="no phase 2"):
        assert tracker.fit_theory().epochs.tolist() == list(range(6))


def test_track_checkpoints_offline_and_resumed(tmp_path):
    model, x, y = make_problem(11)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    paths = []
    for epoch in range(3):
        train_epoch(model, x, y, optimizer)
        paths.append(tmp_path / f"ckpt{epoch}.pt")
        torch.save({"state_dict": model.state_dict()}, paths[-1])

    def model_fn():
        return make_problem(11)[0]

    tracker = hs.track_checkpoints(model_fn, paths[:2], x[:4], y[:4], epochs=[10, 20],
                                   directory=tmp_path / "offline", method="and")
    assert tracker.epochs.tolist() == [10, 20]
    more = hs.track_checkpoints(model_fn, paths, x[:4], y[:4], epochs=[10, 20, 30],
                                directory=tmp_path / "offline")
    assert more.epochs.tolist() == [10, 20, 30]
    np.testing.assert_array_equal(more.distribution().loc[10], tracker.distribution().loc[10])


def fake_trainer(epoch: int, metrics: dict):
    """A stand-in for a Lightning Trainer: the two attributes the callback reads."""
    import types

    return types.SimpleNamespace(current_epoch=epoch, callback_metrics={
        name: torch.tensor(value) for name, value in metrics.items()})


def test_lightning_callback_without_lightning_hooks():
    from harsanyi.dynamics.lightning import DynamicsCallback

    model, x, y = make_problem(12)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], method="and")
    callback = DynamicsCallback(tracker)
    callback.on_train_epoch_end(fake_trainer(3, {"train_loss": 0.5, "val_loss": 0.7}), model)
    assert tracker.epochs.tolist() == [3] and tracker.losses[3] == {"train_loss": 0.5,
                                                                    "test_loss": pytest.approx(0.7)}
    assert callback.state_dict() == {"directory": None, "epochs": [3]}


def test_lightning_callback_names_the_metrics_it_did_not_find():
    model, x, y = make_problem(16)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], method="and")
    metrics = {"loss": 0.5, "valid/loss": 0.7}
    callback = hs.DynamicsCallback(tracker)
    with pytest.warns(UserWarning, match=r"no logged \['train_loss', 'val_loss'\].*"
                                         r"\['loss', 'valid/loss'\]"):
        callback.on_train_epoch_end(fake_trainer(0, metrics), model)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once only
        callback.on_train_epoch_end(fake_trainer(1, metrics), model)
    assert tracker.epochs.tolist() == [0, 1] and tracker.losses == {}
    # The overview without losses shows the distribution and says what is missing.
    figure = hs.plots.figure_overview(tracker.recorded)
    texts = [t.get_text() for ax in figure.axes for t in ax.texts]
    assert "no train_loss and test_loss recorded" in texts
    assert all(ax.get_legend() is None for ax in figure.axes)


def test_bad_arguments():
    model, x, y = make_problem(13)
    with pytest.raises(ValueError, match="unknown method"):
        hs.DynamicsTracker(model, x[:4], y[:4], method="or")


def test_negative_epochs_are_refused_and_foreign_files_reported(tmp_path):
    model, x, y = make_problem(15)
    tracker = hs.DynamicsTracker(model, x[:4], y[:4], directory=tmp_path / "run")
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        tracker.update(-1)
    with pytest.raises(TypeError, match="whole number"):
        tracker.update(1.5)
    run(tracker, model, x, y, 2)
    (tmp_path / "run" / "checkpoints" / "epoch-foo.npz").write_bytes(b"not mine")
    with pytest.warns(UserWarning, match="epoch-foo.npz"):
        back = hs.DynamicsTracker.resume(tmp_path / "run")
    assert back.epochs.tolist() == [0, 1]


def test_baselines_record_generalizable_interactions_per_checkpoint(tmp_path):
    from harsanyi.analysis import generalization
    from models import mlp

    model, x, y = mlp(6, 2, seed=0), torch.randn(4, 6, dtype=torch.float64), torch.tensor([0, 1, 0, 1])
    baselines = [mlp(6, 2, seed=s) for s in (1, 2)]
    tracker = hs.DynamicsTracker(model, x, y, baselines=baselines, directory=tmp_path / "run",
                                 keep_interactions=True, tol=1e-3)
    record = tracker.update(0, train_loss=0.5, test_loss=0.7)
    part = record["generalization"]
    assert part["generalizable"].shape == (6,) and part["share"].shape == (4,)
    split = hs.and_or(hs.model_game(model, x, y).values(), 0.02, tol=1e-3)
    references = [hs.and_or(hs.model_game(b, x, y).values(), 0.02, tol=1e-3) for b in baselines]
    found = generalization((split.and_interactions, split.or_interactions),
                           [(r.and_interactions, r.or_interactions) for r in references])
    np.testing.assert_allclose(part["share"], found.share, atol=1e-6, equal_nan=True)
    again = hs.DynamicsTracker.resume(tmp_path / "run")
    np.testing.assert_allclose(again.records[0]["generalization"]["non_generalizable"],
                               part["non_generalizable"])
    assert len(tracker.plot("generalization").axes) == 2
    with pytest.raises(ValueError, match="probe_y"):
        hs.DynamicsTracker(model, x, baselines=baselines).update(0)
    with pytest.raises(ValueError, match="method='and-or'"):
        hs.DynamicsTracker(model, x, y, method="and", baselines=baselines)
    with pytest.raises(ValueError, match="baselines=\\[...\\]"):
        hs.DynamicsTracker(model, x, y).plot("generalization")
