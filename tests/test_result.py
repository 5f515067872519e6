"""The Interactions result: metrics, views, plots and lossless, atomic save/load."""

from __future__ import annotations

import os

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
import models  # noqa: E402
import reference as ref  # noqa: E402


@pytest.fixture
def result():
    x = torch.randn(3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    return hs.explain(models.mlp(5), x, target=[0, 1, 2], baseline="mean",
                      data=torch.randn(50, 5, dtype=torch.float64))


def test_fields(result):
    assert result.batched and result.n_samples == 3 and result.n_players == 5
    np.testing.assert_array_equal(result.and_interactions, hs.and_interactions(result.values))
    np.testing.assert_array_equal(result.v_empty, result.values[:, 0])
    np.testing.assert_array_equal(result.v_full, result.values[:, -1])
    assert result.names == ("x0", "x1", "x2", "x3", "x4")
    assert result.settings["targets"] == [0, 1, 2] and result.settings["method"] == "and"
    assert result.settings["baseline"] == {"kind": "mean"}


def test_metrics(result):
    np.testing.assert_allclose(result.shapley_values(), ref.shapley_values(result.values), atol=1e-12)
    strength = result.order_strength(threshold=0.05, relative=True)
    assert strength.absolute.shape == (3, 6)
    salient = result.salient(0.05)
    peak = np.abs(result.and_interactions[:, 1:]).max(1, keepdims=True)
    want = np.abs(result.and_interactions) >= 0.05 * peak
    want[:, 0] = False
    np.testing.assert_array_equal(salient, want)
    absolute = result.salient(threshold=0.1)
    assert not absolute[:, 0].any() and absolute[:, 1:].sum() == (np.abs(result.and_interactions[:, 1:]) >= 0.1).sum()
    top = result.top(4)
    assert top.masks.shape == (3, 4) and isinstance(top.players()[0][0][0], str)
    with pytest.raises(ValueError, match="no OR interactions"):
        result.top(3, kind="or")


def test_indexing_a_sample(result):
    one = result[1]
    assert not one.batched and one.settings["targets"] == [1]
    np.testing.assert_array_equal(one.and_interactions, result.and_interactions[1])
    with pytest.raises(IndexError):
        one[0]


def test_dataframe(result):
    frame = result.to_dataframe()
    assert len(frame) == 3 * 32
    assert list(frame.columns) == ["sample", "mask", "players", "order", "value", "and"]
    row = frame.iloc[32 + 0b101]
    assert row["sample"] == 1 and row["players"] == ("x0", "x2") and row["order"] == 2
    assert row["and"] == result.and_interactions[1, 0b101]


def test_plots_return_axes(result):
    import matplotlib.pyplot as plt

    ax = result.plot_top(5, sample=2)
    assert len(ax.patches) == 5 and ax.get_title() == "Top 5 AND interactions"
    ax = result.plot_orders()
    assert ax.get_xlabel() == "order |S|"
    fig, given = plt.subplots()
    assert hs.plots.plot_top(result.and_interactions[0], k=3, ax=given) is given
    plt.close("all")


class TestSaveLoad:
    def test_round_trip_every_field(self, result, tmp_path):
        result.extra["noise"] = np.arange(96.0).reshape(3, 32)
        result.or_interactions = hs.or_interactions(result.values)
        path = result.save(tmp_path / "r.npz")
        back = hs.load(path)
        for name in ("values", "and_interactions", "or_interactions"):
            np.testing.assert_array_equal(getattr(back, name), getattr(result, name))
            assert getattr(back, name).dtype == np.float64
        assert back.names == result.names and back.settings == result.settings
        np.testing.assert_array_equal(back.extra["noise"], result.extra["noise"])

    def test_suffix_is_added(self, result, tmp_path):
        assert result.save(tmp_path / "run").name == "run.npz"

    def test_truncated_file(self, result, tmp_path):
        path = result.save(tmp_path / "r.npz")
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
        with pytest.raises(ValueError, match="truncated or corrupt"):
            hs.load(path)

    def test_foreign_files(self, tmp_path):
        np.savez(tmp_path / "other.npz", a=np.zeros(3))
        with pytest.raises(ValueError, match="not a harsanyi result"):
            hs.load(tmp_path / "other.npz")
        (tmp_path / "text.npz").write_text("hello")
        with pytest.raises(ValueError, match="truncated or corrupt"):
            hs.load(tmp_path / "text.npz")
        with pytest.raises(FileNotFoundError):
            hs.load(tmp_path / "missing.npz")

    def test_a_failed_write_leaves_the_old_file(self, result, tmp_path, monkeypatch):
        path = result.save(tmp_path / "r.npz")
        before = path.read_bytes()

        def crash(*args, **kwargs):
            raise RuntimeError("disk full")

        monkeypatch.setattr(np, "savez", crash)
        with pytest.raises(RuntimeError, match="disk full"):
            result.save(path)
        assert path.read_bytes() == before
        assert os.listdir(tmp_path) == ["r.npz"]


def test_results_of_arrays_validate_shapes():
    with pytest.raises(ValueError, match="2\\*\\*n"):
        hs.Interactions(np.zeros(6), np.zeros(6))
    with pytest.raises(ValueError, match="names"):
        hs.Interactions(np.zeros(4), np.zeros(4), names=("a",))


def test_explain_and_or_result(tmp_path):
    x = torch.randn(2, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    res = hs.explain(models.mlp(5), x, target=[0, 1], method="and-or", noise_bound=0.02)
    assert res.or_interactions.shape == (2, 32)
    rebuilt = hs.and_values(res.and_interactions) + hs.or_values(res.or_interactions)
    np.testing.assert_allclose(rebuilt, res.values + res.extra["noise"], atol=1e-10)
    info = res.settings["and_or"]
    assert info["noise_bound"] == 0.02 and all(info["converged"]) and max(info["gap"]) <= 1e-4
    assert info["precision"] == "mixed"
    assert res.top(3, kind="or").masks.shape == (2, 3)
    np.testing.assert_allclose(res.shapley_values(), ref.shapley_values(res.values + res.extra["noise"]),
                               atol=1e-10)
    back = hs.load(res.save(tmp_path / "and_or.npz"))
    np.testing.assert_array_equal(back.or_interactions, res.or_interactions)
    np.testing.assert_array_equal(back.extra["gamma"], res.extra["gamma"])
    assert back.settings == res.settings


def test_explain_rejects_unknown_methods_and_options():
    x = torch.randn(5, dtype=torch.float64)
    with pytest.raises(ValueError, match="unknown method"):
        hs.explain(models.mlp(5), x, method="or")
    with pytest.raises(TypeError, match="takes no options"):
        hs.explain(models.mlp(5), x, method="and", noise_bound=0.1)


def test_saved_files_get_the_usual_permissions(result, tmp_path):
    import stat

    mask = os.umask(0o022)
    os.umask(mask)
    path = result.save(tmp_path / "r.npz")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask


def test_explain_that_runs_out_of_iterations_warns_at_the_callers_line():
    x = torch.randn(5, dtype=torch.float64, generator=torch.Generator().manual_seed(4))
    with pytest.warns(hs.ConvergenceWarning, match="1 of 1 .*max_iter=16") as caught:
        res = hs.explain(models.mlp(5), x, method="and-or", tol=1e-12, max_iter=16)
    assert caught[0].filename == __file__
    assert res.settings["and_or"]["converged"] == [False]


def test_shapley_values_separate_the_noise_of_an_and_or_split():
    model = models.mlp(5)
    x = torch.randn(2, 5, dtype=torch.float64)
    split = hs.explain(model, x, target=0, method="and-or", noise_bound=0.1, tol=1e-3)
    plain = hs.explain(model, x, target=0)
    np.testing.assert_allclose(split.shapley_values("values"), plain.shapley_values(), atol=1e-9)
    np.testing.assert_allclose(split.shapley_values(),
                               split.shapley_values("values") + split.shapley_values("noise"),
                               atol=1e-9)
    assert np.abs(split.shapley_values("noise")).max() > 0  # the noise bound is used
    np.testing.assert_array_equal(plain.shapley_values("noise"), np.zeros((2, 5)))
    with pytest.raises(ValueError, match="unknown of="):
        plain.shapley_values("or")
