"""Contracts of the compiled layer: threads, the GIL, references, memory, hypothesis."""

from __future__ import annotations

import gc
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import harsanyi as hs
import reference as ref
from conftest import tolerance

ALL = [
    lambda v: hs.and_interactions(v),
    lambda v: hs.or_interactions(v),
    lambda v: hs.and_values(v),
    lambda v: hs.or_values(v),
    lambda v: hs.and_interactions(v, transpose=True),
    lambda v: hs.or_values(v, transpose=True),
    lambda v: hs.shapley_values(v),
    lambda v: hs.banzhaf_values(v, v),
    lambda v: hs.interaction_index(v, "sii"),
    lambda v: hs.order_strength(v, 0.1).absolute,
]


@pytest.fixture
def restore_threads():
    yield
    hs.set_num_threads(None)


@pytest.mark.parametrize("shape", [(64, 1 << 10), (2, 1 << 16), (1, 1 << 18)])
@pytest.mark.parametrize("function", ALL[:6] + ALL[8:9])
def test_threaded_equals_serial(rng, restore_threads, shape, function):
    v = rng.standard_normal(shape)
    hs.set_num_threads(1)
    serial = function(v)
    hs.set_num_threads(2)
    np.testing.assert_array_equal(function(v), serial)


def test_thread_settings(restore_threads):
    hs.set_num_threads(1)
    assert hs.get_num_threads() == 1
    hs.set_num_threads(None)
    assert hs.get_num_threads() >= 1
    with pytest.raises(ValueError):
        hs.set_num_threads(-2)


def test_python_threads_run_concurrently_and_agree(rng):
    """The GIL is released around the kernels: results from threads match serial ones."""
    games = [rng.standard_normal((8, 1 << 12)) for _ in range(4)]
    expected = [hs.or_interactions(g) for g in games]
    results = [None] * 4

    def work(i):
        for _ in range(5):
            results[i] = hs.or_interactions(games[i])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_no_reference_or_memory_leak(rng):
    v = rng.standard_normal((4, 1 << 10))
    for function in ALL:  # warm up caches and allocators
        function(v)
    gc.collect()
    refs, rss = sys.getrefcount(v), _rss_bytes()
    for _ in range(300):
        for function in ALL:
            function(v)
    gc.collect()
    assert sys.getrefcount(v) == refs
    assert _rss_bytes() - rss < 8 << 20


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    n=st.integers(0, 7),
    batch=st.lists(st.integers(1, 3), min_size=0, max_size=2),
    dtype=st.sampled_from([np.float32, np.float64]),
    step=st.integers(1, 2),
)
def test_hypothesis_against_reference(data, n, batch, dtype, step):
    shape = tuple(batch) + (1 << n,)
    values = data.draw(hnp.arrays(
        np.float64, tuple(batch) + ((1 << n) * step,),
        elements=st.floats(-100, 100, allow_nan=False, width=32)))
    v = values[..., ::step].astype(dtype)
    assert v.shape == shape
    scale = 100 * 4
    np.testing.assert_allclose(hs.and_interactions(v), ref.and_interactions(v),
                               atol=tolerance(dtype, n, scale))
    np.testing.assert_allclose(hs.or_interactions(v), ref.or_interactions(v),
                               atol=tolerance(dtype, n, scale))
    np.testing.assert_allclose(hs.or_values(v), ref.or_values(v), atol=tolerance(dtype, n, scale))
    if n <= 6:
        np.testing.assert_allclose(hs.shapley_values(hs.and_interactions(v)),
                                   ref.shapley_values(v), atol=tolerance(dtype, n, scale))


class TestGlue:
    """What the compiled layer accepts: its own checks, whatever the Python layer does."""

    @pytest.mark.parametrize("dtype", [">f8", ">f4"])
    def test_byte_swapped_arrays_never_reach_a_kernel(self, dtype):
        from harsanyi import _core

        v = np.arange(8, dtype=dtype)
        with pytest.raises(ValueError, match="native-order"):
            _core.transform(v, np.empty(8, v.dtype.newbyteorder("=")), _core.AND_INTERACTIONS)
        with pytest.raises(ValueError, match="native-order"):
            _core.all_finite(v)
        # The public function converts instead, keeping the precision.
        np.testing.assert_array_equal(hs.and_interactions(v),
                                      hs.and_interactions(v.astype(v.dtype.newbyteorder("="))))


def misaligned(a: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of `a` one byte off its dtype's alignment."""
    buffer = bytearray(a.nbytes + 1)
    out = np.frombuffer(buffer, dtype=a.dtype, offset=1, count=a.size).reshape(a.shape)
    out[...] = a
    return out


@pytest.mark.parametrize("function", ALL)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("layout", ["misaligned", "byte-swapped"])
def test_misaligned_and_byte_swapped_inputs_are_read_as_any(function, dtype, layout):
    v = np.random.default_rng(11).standard_normal((3, 64)).astype(dtype)
    odd = misaligned(v) if layout == "misaligned" else v.astype(v.dtype.newbyteorder())
    assert not odd.flags.aligned or not odd.dtype.isnative
    want, got = function(v), function(odd)
    assert got.dtype == want.dtype == dtype
    np.testing.assert_array_equal(got, want)

    def test_a_non_finite_transform_input_is_reported_not_raised(self):
        from harsanyi import _core

        v = np.array([0.0, np.nan, 1.0, 2.0])
        out = np.empty(4)
        assert _core.transform(v, out, _core.AND_INTERACTIONS) == _core.NONFINITE
        assert _core.transform(np.arange(4.0), out, _core.AND_INTERACTIONS) == 0

    def test_the_solver_record_columns_are_named_by_the_kernel(self):
        from harsanyi import _core
        from harsanyi.and_or import INFO_COLUMNS

        columns = [getattr(_core, f"INFO_{name.upper()}") for name in INFO_COLUMNS]
        assert sorted(columns) == list(range(_core.INFO_FIELDS))


def test_thread_counts_are_bounded(restore_threads):
    import os

    with pytest.raises(ValueError, match="4 per CPU"):
        hs.set_num_threads(4 * (os.cpu_count() or 1) + 1)
    hs.set_num_threads(2)
    assert hs.get_num_threads() == (2 if hs.has_openmp() else 1)


@pytest.mark.parametrize("method", ["fork", "forkserver", "spawn"])
def test_kernels_run_in_processes_started_after_them(method):
    """A pool started after OpenMP kernels ran (DataLoader workers fork) computes the same
    results; a forked child runs them on one thread instead of hanging."""
    import json
    import multiprocessing
    import subprocess
    from pathlib import Path

    if method not in multiprocessing.get_all_start_methods():
        pytest.skip(f"{method} is not available on this platform")
    worker = Path(__file__).parent / "fork_worker.py"
    done = subprocess.run([sys.executable, str(worker), method], capture_output=True,
                          text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for child in result["children"]:
        for key in ("and", "shapley", "and_or"):
            assert child[key] == pytest.approx(result["parent"][key], rel=1e-12)
        if method == "fork" and hs.has_openmp():
            assert child["threads"] == 1


class TestCoreRefuses:
    """What the Python layer checks is checked again where the kernels are called."""

    def arrays(self):
        from harsanyi import _core

        v = np.random.default_rng(0).standard_normal((2, 16))
        outputs = [np.zeros_like(v) for _ in range(4)]
        return _core, v, np.full(2, 0.01), outputs, np.zeros((2, _core.INFO_FIELDS))

    def test_outputs_that_alias_inputs(self):
        core, v, tau, (a, o, q, d), info = self.arrays()
        with pytest.raises(ValueError, match="and_out overlaps values"):
            core.and_or_pdhg(v, tau, v, o, q, d, info, 100, 1e-3, True, None)
        with pytest.raises(ValueError, match="or_out overlaps noise_out"):
            core.and_or_sgd(v, tau, a, o, o, np.zeros(2), 10, 1e-4, 0.9)
        logits = np.zeros(8)
        with pytest.raises(ValueError, match="base overlaps logits"):
            core.log_odds_parts(logits.reshape(4, 2), np.zeros(4, np.int64), logits[4:],
                                np.empty((4, 0)))
        m = np.zeros((2, 8))
        with pytest.raises(ValueError, match="out overlaps interactions"):
            core.player_values(m, None, m.reshape(-1)[:6], core.SHAPLEY)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -1.0])
    def test_bad_noise_bounds_tolerances_and_rates(self, bad):
        core, v, tau, (a, o, q, d), info = self.arrays()
        with pytest.raises(ValueError, match="out of range"):
            core.and_or_pdhg(v, np.array([bad, 0.1]), a, o, q, d, info, 100, 1e-3, True, None)
        with pytest.raises(ValueError, match="out of range"):
            core.and_or_pdhg(v, tau, a, o, q, d, info, 100, bad, True, None)
        with pytest.raises(ValueError, match="out of range"):
            core.and_or_sgd(v, tau, a, o, q, np.zeros(2), 10, bad, 0.9)
