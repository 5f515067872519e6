"""The four transforms and their transposes against the brute-force formulas."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs
import reference as ref
from conftest import BATCH_SHAPES, DTYPES, random_game, strided, tolerance, transposed_layout

FUNCTIONS = {
    "and_interactions": hs.and_interactions,
    "and_values": hs.and_values,
    "or_interactions": hs.or_interactions,
    "or_values": hs.or_values,
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("n", range(0, 11))
@pytest.mark.parametrize("dtype", DTYPES)
def test_matches_reference(rng, name, n, dtype):
    batch_shape = (2,) if n > 8 else (3,)
    v = random_game(rng, n, batch_shape, dtype)
    got = FUNCTIONS[name](v)
    assert got.dtype == dtype and got.shape == v.shape
    want = ref.TRANSFORMS[name](v)
    np.testing.assert_allclose(got, want, rtol=0, atol=tolerance(dtype, n, 4))


def stage_by_stage(v, kind, transpose):
    """The AND butterflies one stage at a time, stage 0 first: the C engine applies the
    same operations in the same order, so it must agree bit for bit."""
    w = np.array(v, copy=True)
    n = int(np.log2(w.shape[-1]))
    for i in range(n):
        pairs = w.reshape(w.shape[:-1] + (-1, 2, 1 << i))
        low, high = pairs[..., 0, :], pairs[..., 1, :]
        if transpose:
            low += high if kind == "and_values" else -high
        elif kind == "and_values":
            high += low
        else:
            high -= low
    return w


@pytest.mark.parametrize("kind", ["and_values", "and_interactions"])
@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 11, 13, 15])
@pytest.mark.parametrize("dtype", DTYPES)
def test_bit_for_bit_with_signed_zeros(rng, kind, transpose, n, dtype):
    # The stages run on vectors: the low three with shuffles that fill untouched lanes with
    # -0 (sums) or +0 (differences), the rest as radix-8/4/2 passes over columns of lanes
    # (n = 5, 8, 11 end on radix 4, n > 12 on the strips).  Any slip shows up here as a
    # flipped sign of zero or a different rounding.
    v = (rng.standard_normal((2, 1 << n)) * np.exp(rng.uniform(-20, 20, (2, 1 << n))))
    v = v.astype(dtype)
    v[:, ::5] = -0.0
    v[:, 2::7] = 0.0
    got = FUNCTIONS[kind](v, transpose=True) if transpose else FUNCTIONS[kind](v)
    want = stage_by_stage(v, kind, transpose)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("batch_shape", BATCH_SHAPES)
@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_shapes(rng, name, batch_shape, dtype):
    v = random_game(rng, 5, batch_shape, dtype)
    got = FUNCTIONS[name](v)
    assert got.shape == v.shape
    want = ref.TRANSFORMS[name](v)
    np.testing.assert_allclose(got, want, rtol=0, atol=tolerance(dtype, 5, 4))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("layout", [strided, transposed_layout, lambda a: a[::-1]])
def test_noncontiguous_input(rng, name, layout):
    v = random_game(rng, 6, (4,))
    other = layout(v.copy())
    np.testing.assert_array_equal(FUNCTIONS[name](other), FUNCTIONS[name](np.ascontiguousarray(other)))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("transpose", [False, True])
def test_input_not_modified(rng, name, transpose):
    v = random_game(rng, 7, (3,))
    before = v.copy()
    FUNCTIONS[name](v, transpose=transpose)
    np.testing.assert_array_equal(v, before)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 7])
@pytest.mark.parametrize("dtype", DTYPES)
def test_transpose_matches_dense_transpose(rng, name, n, dtype):
    y = random_game(rng, n, (2,), dtype)
    got = FUNCTIONS[name](y, transpose=True)
    want = ref.transposed(ref.TRANSFORMS[name])(y)
    np.testing.assert_allclose(got, want, rtol=0, atol=tolerance(dtype, n, 4))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("n", [4, 9, 13, 15])
def test_adjoint_identity(rng, name, n):
    """<A x, y> = <x, Aᵀ y>: transposes at sizes where no dense matrix fits."""
    x, y = random_game(rng, n), random_game(rng, n)
    f = FUNCTIONS[name]
    lhs, rhs = f(x) @ y, x @ f(y, transpose=True)
    assert abs(lhs - rhs) <= 1e-10 * (1 + abs(lhs)) * (1 << n)


@pytest.mark.parametrize("n", [0, 1, 2, 6, 12, 14, 16])
@pytest.mark.parametrize("kind", ["and", "or"])
def test_round_trip(rng, n, kind):
    v = random_game(rng, n, (2,))
    forward = hs.and_interactions if kind == "and" else hs.or_interactions
    inverse = hs.and_values if kind == "and" else hs.or_values
    np.testing.assert_allclose(inverse(forward(v)), v, rtol=0, atol=1e-12 * max(1, n) * (1 << n // 2) * 4)
    np.testing.assert_allclose(forward(inverse(v)), v, rtol=0, atol=1e-12 * max(1, n) * (1 << n // 2) * 4)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 13])
@pytest.mark.parametrize("dtype", DTYPES)
def test_efficiency(rng, n, dtype):
    v = random_game(rng, n, (3,), dtype)
    for I in (hs.and_interactions(v), hs.or_interactions(v)):
        total = I[..., 1:].astype(np.float64).sum(axis=-1)
        np.testing.assert_allclose(total, v[..., -1] - v[..., 0], atol=tolerance(dtype, n, 4))


def test_empty_set_conventions(rng):
    v = random_game(rng, 4, (5,))
    np.testing.assert_array_equal(hs.and_interactions(v)[..., 0], v[..., 0])
    np.testing.assert_array_equal(hs.or_interactions(v)[..., 0], v[..., 0])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_linearity(rng, name):
    x, y = random_game(rng, 8, (2,)), random_game(rng, 8, (2,))
    f = FUNCTIONS[name]
    np.testing.assert_allclose(f(2.5 * x - y), 2.5 * f(x) - f(y), atol=1e-11)


def test_known_games():
    # AND game of {0, 1}: v(S) = 1 iff both are present.
    v_and = np.array([0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(hs.and_interactions(v_and), [0, 0, 0, 1])
    # OR game of {0, 1}: v(S) = 1 iff any is present.
    v_or = np.array([0.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(hs.or_interactions(v_or), [0, 0, 0, 1])
    np.testing.assert_array_equal(hs.and_interactions(v_or), [0, 1, 1, -1])
    # An additive game has only singleton AND interactions.
    weights = np.array([1.0, 2.0, 4.0])
    additive = hs.subset_masks(3) @ weights + 0.5
    np.testing.assert_allclose(hs.and_interactions(additive), [0.5, 1, 2, 0, 4, 0, 0, 0])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_single_game_shape_and_n0(name):
    out = FUNCTIONS[name](np.array([3.0]))
    np.testing.assert_array_equal(out, [3.0])
    out = FUNCTIONS[name](np.array([3.0]), transpose=True)
    np.testing.assert_array_equal(out, [3.0])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("n", [0, 3, 12])
@pytest.mark.parametrize("dtype", DTYPES)
def test_results_start_on_a_cache_line(rng, name, n, dtype):
    """The results the kernels sweep are allocated 64-byte aligned (NumPy aligns to 16),
    also in place of a strided `out`; a misaligned input is read as well as any."""
    x = random_game(rng, n, (3,), dtype)
    offset = np.empty(x.size + 1, dtype=dtype)[1:].reshape(x.shape)  # 4 or 8 bytes off
    offset[...] = x
    for values in (x, offset):
        result = FUNCTIONS[name](values)
        assert result.ctypes.data % 64 == 0 and result.flags.c_contiguous
        np.testing.assert_array_equal(result, FUNCTIONS[name](x.copy()))
    strided_out = np.empty((3, 2 << n), dtype=dtype)[:, ::2]
    assert FUNCTIONS[name](x, out=strided_out) is strided_out
    np.testing.assert_array_equal(strided_out, FUNCTIONS[name](x))


def test_integer_and_bool_input_becomes_float64():
    assert hs.and_interactions(np.arange(8)).dtype == np.float64
    assert hs.and_interactions(np.arange(8) > 3).dtype == np.float64
    assert hs.and_interactions(np.arange(8, dtype=np.float16)).dtype == np.float64
    assert hs.and_interactions([0, 1, 2, 3]).dtype == np.float64


def test_big_endian_input(rng):
    v = random_game(rng, 5)
    swapped = v.astype(">f8")
    np.testing.assert_array_equal(hs.and_interactions(swapped), hs.and_interactions(v))


class TestOut:
    @pytest.mark.parametrize("name", sorted(FUNCTIONS))
    def test_out_is_filled_and_returned(self, rng, name):
        v = random_game(rng, 6, (2,))
        out = np.empty_like(v)
        result = FUNCTIONS[name](v, out=out)
        assert result is out
        np.testing.assert_array_equal(out, FUNCTIONS[name](v))

    @pytest.mark.parametrize("name", sorted(FUNCTIONS))
    def test_strided_out(self, rng, name):
        v = random_game(rng, 6, (2,))
        out = strided(np.zeros_like(v))
        result = FUNCTIONS[name](v, out=out)
        assert result is out
        np.testing.assert_array_equal(out, FUNCTIONS[name](v))

    @pytest.mark.parametrize("name", sorted(FUNCTIONS))
    @pytest.mark.parametrize("transpose", [False, True])
    def test_in_place(self, rng, name, transpose):
        v = random_game(rng, 9, (2,))
        want = FUNCTIONS[name](v, transpose=transpose)
        result = FUNCTIONS[name](v, out=v, transpose=transpose)
        assert result is v
        np.testing.assert_array_equal(v, want)

    def test_partially_overlapping_out(self, rng):
        buffer = random_game(rng, 4, (3,))
        want = hs.or_interactions(buffer[:2])
        out = buffer[1:]
        hs.or_interactions(buffer[:2], out=out)
        np.testing.assert_array_equal(out, want)

    def test_bad_out(self, rng):
        v = random_game(rng, 3)
        with pytest.raises(ValueError, match="shape"):
            hs.and_interactions(v, out=np.empty(4))
        with pytest.raises(TypeError, match="dtype"):
            hs.and_interactions(v, out=np.empty(8, dtype=np.float32))
        with pytest.raises(TypeError, match="NumPy array"):
            hs.and_interactions(v, out=[0.0] * 8)
        frozen = np.empty(8)
        frozen.setflags(write=False)
        with pytest.raises(ValueError, match="read-only"):
            hs.and_interactions(v, out=frozen)


class TestBadInput:
    @pytest.mark.parametrize("length", [0, 3, 6, 1000])
    def test_length_not_power_of_two(self, length):
        with pytest.raises(ValueError, match="not a power of two"):
            hs.and_interactions(np.zeros(length))

    def test_scalar(self):
        with pytest.raises(ValueError, match="scalar"):
            hs.or_interactions(np.float64(1.0))

    @pytest.mark.parametrize("values", [np.zeros(4, complex), np.array(["a"] * 4), np.array([object()] * 4)])
    def test_bad_dtype(self, values):
        with pytest.raises(TypeError):
            hs.and_interactions(values)

    def test_complex_message_says_what_to_do(self):
        with pytest.raises(TypeError, match="real part"):
            hs.and_values(np.zeros(4, complex))

    @pytest.mark.parametrize("name", sorted(FUNCTIONS))
    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    @pytest.mark.parametrize("dtype", DTYPES)
    def test_nonfinite_raises_with_location(self, name, bad, dtype):
        v = np.zeros((2, 8), dtype=dtype)
        v[1, 5] = bad
        with pytest.raises(ValueError, match=r"NaN or Inf \(first at index \(1, 5\)\)"):
            FUNCTIONS[name](v)

    @pytest.mark.parametrize("name", sorted(FUNCTIONS))
    def test_nonfinite_propagates_on_request(self, name):
        v = np.zeros(16)
        v[3] = np.nan
        out = FUNCTIONS[name](v, check_finite=False)
        assert np.isnan(out).any()

    def test_too_many_players(self):
        huge = np.broadcast_to(np.float64(0.0), (1 << 41,))
        with pytest.raises(ValueError, match="at most 40"):
            hs.and_interactions(huge)

    def test_beyond_memory_says_how_much(self):
        huge = np.broadcast_to(np.float64(0.0), (1 << 38,))
        with pytest.raises(MemoryError, match=r"needs 2\.0 TiB"):
            hs.and_interactions(huge)


@pytest.mark.parametrize("transform, alternating", [
    (hs.and_values, False), (hs.or_values, False),  # sums of large values
    (hs.and_interactions, True), (hs.or_interactions, True)])  # differences of ± large ones
@pytest.mark.parametrize("dtype, big", [(np.float32, 3e38), (np.float64, 1.7e308)])
def test_an_overflow_of_finite_values_is_warned_about(transform, alternating, dtype, big):
    v = np.full((2, 16), big, dtype=dtype)
    if alternating:
        v[:, 1::2] *= -1
    with pytest.warns(RuntimeWarning, match="overflowed"):
        out = transform(v)
    assert not np.all(np.isfinite(out))


def test_no_overflow_warning_for_ordinary_or_non_finite_inputs():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hs.or_values(np.random.default_rng(0).standard_normal((3, 64)))
        v = np.ones(16)
        v[3] = np.inf
        assert np.isinf(hs.and_values(v, check_finite=False)).any()
        with pytest.raises(ValueError, match="NaN or Inf"):
            hs.and_values(v)
