"""Per-order strength and the strongest subsets."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs
import reference as ref
from conftest import DTYPES, random_game, strided


@pytest.mark.parametrize("n", [0, 1, 3, 8])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("threshold", [0.0, 0.7])
def test_matches_reference(rng, n, dtype, threshold):
    I = random_game(rng, n, (2, 3), dtype)
    got = hs.order_strength(I, threshold)
    want = ref.order_strength(I, threshold)
    for field, expected in zip(("positive", "negative", "absolute", "count"), want):
        value = getattr(got, field)
        assert value.shape == (2, 3, n + 1)
        np.testing.assert_allclose(value, expected, rtol=1e-5 if dtype == np.float32 else 1e-12,
                                   atol=1e-5 if dtype == np.float32 else 1e-12)
    assert got.positive.dtype == dtype and got.count.dtype == np.int64


def test_per_game_threshold(rng):
    I = random_game(rng, 6, (4,))
    thresholds = np.array([0.0, 0.5, 1.0, 10.0])
    got = hs.order_strength(I, thresholds)
    for g in range(4):
        single = hs.order_strength(I[g], thresholds[g])
        np.testing.assert_array_equal(got.absolute[g], single.absolute)
        np.testing.assert_array_equal(got.count[g], single.count)
    assert got.count[3].sum() == 0
    np.testing.assert_array_equal(got.threshold, thresholds)


def test_relative_threshold_is_a_fraction_of_the_peak(rng):
    I = random_game(rng, 7, (3,))
    peak = np.abs(I[..., 1:]).max(-1)
    got = hs.order_strength(I, 0.3, relative=True)
    want = ref.order_strength(I, 0.3 * peak)
    np.testing.assert_allclose(got.absolute, want[2], atol=1e-12)
    np.testing.assert_allclose(got.threshold, 0.3 * peak)


def test_counts_without_threshold_are_binomials(rng):
    n = 9
    got = hs.order_strength(random_game(rng, n), 0.0)
    from math import comb
    np.testing.assert_array_equal(got.count, [comb(n, k) for k in range(n + 1)])
    np.testing.assert_allclose(got.absolute, got.positive - got.negative)


def test_dataframe(rng):
    frame = hs.order_strength(random_game(rng, 4, (2,))).to_dataframe()
    assert list(frame.columns) == ["sample", "order", "positive", "negative", "absolute", "count"]
    assert len(frame) == 10 and frame["order"].tolist()[:5] == [0, 1, 2, 3, 4]
    single = hs.order_strength(random_game(rng, 4)).to_dataframe()
    assert "sample" not in single.columns and len(single) == 5


def test_strided_input(rng):
    I = random_game(rng, 6, (3,))
    np.testing.assert_array_equal(hs.order_strength(strided(I), 0.2).absolute,
                                  hs.order_strength(I, 0.2).absolute)


class TestBadInput:
    def test_threshold_shape(self, rng):
        with pytest.raises(ValueError, match="one per game"):
            hs.order_strength(random_game(rng, 3, (4,)), np.ones(3))

    @pytest.mark.parametrize("threshold", [-1.0, np.nan])
    def test_threshold_value(self, rng, threshold):
        with pytest.raises(ValueError, match="non-negative"):
            hs.order_strength(random_game(rng, 3), threshold)

    def test_nonfinite(self):
        with pytest.raises(ValueError, match="NaN or Inf"):
            hs.order_strength(np.array([0.0, np.nan]))


class TestTopInteractions:
    def brute_force(self, I, k, include_empty):
        candidates = range(0 if include_empty else 1, I.shape[-1])
        ranked = sorted(candidates, key=lambda s: (-abs(I[s]), s))
        return ranked[:k]

    @pytest.mark.parametrize("k", [0, 1, 5, 15, 100])
    @pytest.mark.parametrize("include_empty", [False, True])
    def test_matches_sorting(self, rng, k, include_empty):
        I = random_game(rng, 4, (3,))
        top = hs.top_interactions(I, k, include_empty=include_empty)
        for g in range(3):
            want = self.brute_force(I[g], k, include_empty)
            assert top.masks[g].tolist() == want
            np.testing.assert_array_equal(top.values[g], I[g][want])

    def test_ties_break_by_mask(self):
        I = np.array([9.0, 1.0, -1.0, 1.0, 0.5, -1.0, 0.0, 0.0])
        assert hs.top_interactions(I, 4).masks.tolist() == [1, 2, 3, 5]

    def test_players_and_names(self):
        I = np.zeros(8)
        I[0b101], I[0b010] = 3.0, -2.0
        top = hs.top_interactions(I, 2)
        assert top.players() == [(0, 2), (1,)]
        named = hs.top_interactions(I, 2, names=["a", "b", "c"])
        assert named.players() == [("a", "c"), ("b",)]
        frame = named.to_dataframe()
        assert frame["players"].tolist() == [("a", "c"), ("b",)]
        assert frame["order"].tolist() == [2, 1] and frame["value"].tolist() == [3.0, -2.0]

    def test_batched_dataframe(self, rng):
        frame = hs.top_interactions(random_game(rng, 3, (2,)), 3).to_dataframe()
        assert frame["sample"].tolist() == [0, 0, 0, 1, 1, 1]
        assert frame["rank"].tolist() == [0, 1, 2, 0, 1, 2]

    def test_bad_arguments(self):
        with pytest.raises(ValueError, match="non-negative integer"):
            hs.top_interactions(np.zeros(4), -1)
        with pytest.raises(ValueError, match="names has 1 entries for 2 players"):
            hs.top_interactions(np.zeros(4), 1, names=["a"])
