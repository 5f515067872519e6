"""Shapley and Banzhaf values and interaction indices against their definitions."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs
import reference as ref
from conftest import DTYPES, random_game, strided, tolerance


@pytest.mark.parametrize("n", range(0, 9))
@pytest.mark.parametrize("dtype", DTYPES)
def test_shapley_matches_definition(rng, n, dtype):
    v = random_game(rng, n, (3,), dtype)
    phi = hs.shapley_values(hs.and_interactions(v))
    assert phi.shape == (3, n) and phi.dtype == dtype
    np.testing.assert_allclose(phi, ref.shapley_values(v), atol=tolerance(dtype, n, 4))


@pytest.mark.parametrize("n", range(1, 6))
def test_shapley_matches_permutation_definition(rng, n):
    v = random_game(rng, n, (2,))
    np.testing.assert_allclose(hs.shapley_values(hs.and_interactions(v)),
                               ref.shapley_values_by_permutations(v), atol=1e-12)


@pytest.mark.parametrize("n", [1, 4, 11, 16])
def test_shapley_efficiency(rng, n):
    v = random_game(rng, n, (2,))
    phi = hs.shapley_values(hs.and_interactions(v))
    np.testing.assert_allclose(phi.sum(-1), v[..., -1] - v[..., 0], atol=1e-10 * (1 << n // 2))


def test_shapley_of_an_and_or_decomposition(rng):
    """OR interactions are shared 1/|T| per member, so any split of v gives v's values."""
    v_and, v_or = random_game(rng, 6, (2,)), random_game(rng, 6, (2,))
    phi = hs.shapley_values(hs.and_interactions(v_and), hs.or_interactions(v_or))
    np.testing.assert_allclose(phi, ref.shapley_values(v_and + v_or), atol=1e-12)
    only_or = hs.shapley_values(np.zeros_like(v_or), hs.or_interactions(v_or))
    np.testing.assert_allclose(only_or, ref.shapley_values(v_or), atol=1e-12)


def test_banzhaf_of_an_and_or_decomposition(rng):
    v_and, v_or = random_game(rng, 6, (2,)), random_game(rng, 6, (2,))
    beta = hs.banzhaf_values(hs.and_interactions(v_and), hs.or_interactions(v_or))
    np.testing.assert_allclose(beta, ref.banzhaf_values(v_and + v_or), atol=1e-12)


@pytest.mark.parametrize("n", range(0, 9))
@pytest.mark.parametrize("dtype", DTYPES)
def test_banzhaf_matches_definition(rng, n, dtype):
    v = random_game(rng, n, (2,), dtype)
    beta = hs.banzhaf_values(hs.and_interactions(v))
    assert beta.shape == (2, n) and beta.dtype == dtype
    np.testing.assert_allclose(beta, ref.banzhaf_values(v), atol=tolerance(dtype, n, 4))


@pytest.mark.parametrize("n", range(0, 8))
@pytest.mark.parametrize("dtype", DTYPES)
def test_sii_matches_definition(rng, n, dtype):
    v = random_game(rng, n, (2,), dtype)
    sii = hs.interaction_index(hs.and_interactions(v), "sii")
    assert sii.dtype == dtype
    np.testing.assert_allclose(sii, ref.shapley_interaction_index(v), atol=tolerance(dtype, n, 8))


@pytest.mark.parametrize("n", range(0, 8))
@pytest.mark.parametrize("dtype", DTYPES)
def test_bii_matches_definition(rng, n, dtype):
    v = random_game(rng, n, (2,), dtype)
    bii = hs.interaction_index(hs.and_interactions(v), "BII")
    np.testing.assert_allclose(bii, ref.banzhaf_interaction_index(v), atol=tolerance(dtype, n, 8))


@pytest.mark.parametrize("n", [3, 10, 15])
def test_index_singletons_are_the_values(rng, n):
    m = hs.and_interactions(random_game(rng, n, (2,)))
    singletons = 1 << np.arange(n)
    np.testing.assert_allclose(hs.interaction_index(m, "sii")[..., singletons],
                               hs.shapley_values(m), atol=1e-10)
    np.testing.assert_allclose(hs.interaction_index(m, "bii")[..., singletons],
                               hs.banzhaf_values(m), atol=1e-10)


@pytest.mark.parametrize("n", [6, 13])
def test_sii_of_the_grand_coalition_is_its_interaction(rng, n):
    m = hs.and_interactions(random_game(rng, n))
    assert hs.interaction_index(m, "sii")[-1] == pytest.approx(m[-1], abs=1e-12)


@pytest.mark.parametrize("function", [hs.shapley_values, hs.banzhaf_values,
                                      lambda m: hs.interaction_index(m, "sii")])
def test_noncontiguous_and_unmodified(rng, function):
    m = hs.and_interactions(random_game(rng, 7, (3,)))
    before = m.copy()
    np.testing.assert_array_equal(function(strided(m)), function(m))
    np.testing.assert_array_equal(m, before)


def test_batched_large_index_matches_one_by_one(rng):
    m = hs.and_interactions(random_game(rng, 10, (5,)))
    batched = hs.interaction_index(m, "sii")
    for g in range(5):
        np.testing.assert_array_equal(batched[g], hs.interaction_index(m[g], "sii"))


class TestBadInput:
    def test_unknown_index(self):
        with pytest.raises(ValueError, match="unknown index 'stii'; choose one of"):
            hs.interaction_index(np.zeros(4), "stii")

    def test_or_shape_mismatch(self):
        with pytest.raises(ValueError, match="two parts of one decomposition"):
            hs.shapley_values(np.zeros((2, 4)), np.zeros(4))

    @pytest.mark.parametrize("function", [hs.shapley_values, hs.banzhaf_values,
                                          hs.interaction_index])
    def test_nonfinite(self, function):
        m = np.zeros(8)
        m[2] = np.inf
        with pytest.raises(ValueError, match="NaN or Inf"):
            function(m)

    def test_not_power_of_two(self):
        with pytest.raises(ValueError, match="power of two"):
            hs.shapley_values(np.zeros(5))


class TestAgainstShapiq:
    """The same games through shapiq's exact computer, coalitions mapped onto masks."""

    @pytest.fixture
    def computer(self, rng):
        shapiq = pytest.importorskip("shapiq")
        n = 6
        v = random_game(rng, n)
        weights = 1 << np.arange(n)

        def game(coalitions):
            return v[np.asarray(coalitions, dtype=np.int64) @ weights]

        return v, n, shapiq.ExactComputer(game, n_players=n)

    @staticmethod
    def by_mask(values, n):
        out = np.full(1 << n, np.nan)
        for players, position in values.interaction_lookup.items():
            out[hs.mask_of(players)] = values.values[position]
        return out

    def test_moebius(self, computer):
        v, n, exact = computer
        np.testing.assert_allclose(hs.and_interactions(v), self.by_mask(exact("Moebius"), n),
                                   rtol=0, atol=1e-9)

    def test_shapley_and_banzhaf_values(self, computer):
        v, n, exact = computer
        m = hs.and_interactions(v)
        singletons = 1 << np.arange(n)
        np.testing.assert_allclose(hs.shapley_values(m), self.by_mask(exact("SV"), n)[singletons],
                                   atol=1e-9)
        np.testing.assert_allclose(hs.banzhaf_values(m), self.by_mask(exact("BV"), n)[singletons],
                                   atol=1e-9)

    @pytest.mark.parametrize("index", ["SII", "BII"])
    def test_interaction_indices(self, computer, index):
        v, n, exact = computer
        theirs = self.by_mask(exact(index, n), n)
        ours = hs.interaction_index(hs.and_interactions(v), index.lower())
        np.testing.assert_allclose(ours[1:], theirs[1:], atol=1e-9)
        if index == "SII":
            np.testing.assert_allclose(ours[0], theirs[0], atol=1e-9)


def test_interaction_index_checks_memory_before_scanning(monkeypatch):
    """A game too large for memory is refused at once, before its values are read."""
    import harsanyi._validation as validation

    monkeypatch.setattr(validation, "available_memory", lambda: 1 << 20)
    m = np.full((1, 1 << 22), np.nan)
    with pytest.raises(MemoryError, match="SII of 22 players needs 64.0 MiB"):
        hs.interaction_index(m, "sii")
