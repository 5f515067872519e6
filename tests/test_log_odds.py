"""The CPU log-odds (a C kernel for the parts, vectorised exp/log1p) against its NumPy
twin, over layouts, dtypes, class counts and bad input."""

from __future__ import annotations

import numpy as np
import pytest

import reference
from conftest import DTYPES
import harsanyi as hs
from harsanyi import _core

torch = pytest.importorskip("torch")

from harsanyi.models.outputs import value_function  # noqa: E402


def parts(logits, targets):
    rows, classes = logits.shape
    base, rest = np.empty(rows), np.empty((rows, max(classes - 2, 0)))
    _core.log_odds_parts(logits, np.asarray(targets, dtype=np.int64), base, rest)
    return base, rest


def compiled(logits, targets):
    """The kernel's parts put together as the package does, through value_function."""
    with torch.no_grad():
        v = value_function("log-odds")(torch.from_numpy(np.asarray(logits)),
                                       torch.as_tensor(np.asarray(targets, dtype=np.int64)))
    assert v.dtype == torch.float64
    return v.numpy()


def test_parts_are_shifted_logits(rng):
    logits = rng.standard_normal((50, 6))
    targets = rng.integers(0, 6, 50)
    base, rest = parts(logits, targets)
    for r, y in enumerate(targets):
        others = np.delete(logits[r], y)
        peak = others.max()
        assert base[r] == logits[r, y] - peak
        np.testing.assert_array_equal(np.sort(rest[r]), np.sort(np.delete(others, others.argmax()) - peak))
    np.testing.assert_allclose(base - np.log1p(np.exp(rest).sum(1)),
                               reference.log_odds(logits, targets), rtol=1e-13)


def test_chunks(rng, monkeypatch):
    import harsanyi.models.outputs as outputs

    monkeypatch.setattr(outputs, "LOG_ODDS_CHUNK", 7)
    logits = rng.standard_normal((100, 5))
    targets = rng.integers(0, 5, 100)
    np.testing.assert_allclose(compiled(logits, targets), reference.log_odds(logits, targets),
                               rtol=1e-13)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("classes", [2, 3, 4, 10, 17])
@pytest.mark.parametrize("rows", [1, 7, 5000])
def test_matches_reference(rng, dtype, classes, rows):
    logits = (rng.standard_normal((rows, classes)) * 6).astype(dtype)
    targets = rng.integers(0, classes, rows)
    want = reference.log_odds(logits, targets)
    np.testing.assert_allclose(compiled(logits, targets), want, rtol=1e-13, atol=1e-12)


@pytest.mark.parametrize("dtype", DTYPES)
def test_any_strides(rng, dtype):
    wide = (rng.standard_normal((40, 12)) * 3).astype(dtype)
    targets = rng.integers(0, 4, 20)
    for view in (wide[::2, 1:9:2], wide[::-2, ::-3][:, :4], wide[:4, :20:1].T[:, :4]):
        rows = view.shape[0]
        base, rest = parts(view, targets[:rows])
        np.testing.assert_allclose(base - np.log1p(np.exp(rest).sum(1)),
                                   reference.log_odds(view, targets[:rows]), rtol=1e-13)
    transposed = torch.from_numpy(wide[:4].copy()).T  # a strided torch view, 12 rows
    np.testing.assert_allclose(compiled(transposed.numpy(), targets[:12]),
                               reference.log_odds(wide[:4].T, targets[:12]), rtol=1e-13)


def test_extreme_logits_stay_finite():
    logits = np.array([[1000.0, -1000.0, 0.0], [-800.0, 900.0, 0.0], [0.0, 0.0, -1e300]])
    v = compiled(logits, [0, 0, 2])
    np.testing.assert_allclose(v, [1000.0, -1700.0, -1e300 - np.log(2)])


def test_nonfinite_logits_give_nonfinite_values():
    logits = np.array([[np.nan, 0.0, 1.0], [0.0, np.nan, 1.0], [0.0, -np.inf, -np.inf],
                       [0.0, np.inf, 1.0]])
    v = compiled(logits, [0, 0, 0, 0])
    assert not np.isfinite(v).any()


def test_agrees_with_the_torch_path(rng):
    logits = torch.tensor(rng.standard_normal((300, 5)) * 4, requires_grad=True)
    targets = torch.tensor(rng.integers(0, 5, 300))
    with_grad = value_function("log-odds")(logits, targets)  # gradients: the torch path
    assert with_grad.requires_grad
    with torch.no_grad():
        native = value_function("log-odds")(logits, targets)
    assert not native.requires_grad
    np.testing.assert_allclose(native.numpy(), with_grad.detach().numpy(), rtol=1e-13)


def test_threads_agree(rng):
    logits = rng.standard_normal((50_000, 6))
    targets = rng.integers(0, 6, 50_000)
    before = hs.get_num_threads()
    try:
        hs.set_num_threads(1)
        one = compiled(logits, targets)
        hs.set_num_threads(2)
        two = compiled(logits, targets)
    finally:
        hs.set_num_threads(before)
    np.testing.assert_array_equal(one, two)


class TestBadInput:
    def test_target_out_of_range(self):
        with pytest.raises(ValueError, match="out of range"):
            parts(np.zeros((3, 2)), [0, 2, 1])
        with pytest.raises(ValueError, match="out of range"):
            parts(np.zeros((3, 2)), [0, -1, 1])

    def test_one_class(self):
        with pytest.raises(ValueError, match="out of range"):
            parts(np.zeros((3, 1)), [0, 0, 0])

    def test_shapes_and_dtypes(self):
        with pytest.raises(ValueError, match="float32/float64 matrix"):
            parts(np.zeros((3, 2), dtype=np.int64), [0, 0, 0])
        with pytest.raises(ValueError, match="float32/float64 matrix"):
            _core.log_odds_parts(np.zeros(6), np.zeros(6, np.int64), np.empty(6), np.empty((6, 0)))
        with pytest.raises(ValueError, match="targets must be"):
            parts(np.zeros((3, 2)), [0, 0])
        with pytest.raises(ValueError, match="base must be"):
            _core.log_odds_parts(np.zeros((3, 2)), np.zeros(3, dtype=np.int64),
                                 np.empty(3, np.float32), np.empty((3, 0)))
        with pytest.raises(ValueError, match="rest must be"):
            _core.log_odds_parts(np.zeros((3, 4)), np.zeros(3, dtype=np.int64), np.empty(3),
                                 np.empty((3, 1)))
