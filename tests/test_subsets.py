"""Masks, sizes and conversions to the subset orders of published code."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import harsanyi as hs
from conftest import random_game


@pytest.mark.parametrize("n", [0, 1, 4, 7])
def test_subset_masks(n):
    masks = hs.subset_masks(n)
    assert masks.shape == (1 << n, n) and masks.dtype == bool
    for s in range(1 << n):
        assert tuple(np.flatnonzero(masks[s])) == hs.players_of(s)


@pytest.mark.parametrize("n", [0, 1, 5, 10])
def test_subset_sizes(n):
    assert hs.subset_sizes(n).tolist() == [bin(s).count("1") for s in range(1 << n)]


@pytest.mark.parametrize("n", [0, 1, 2, 5, 8])
def test_size_order_is_itertools_combinations(n):
    expected = [hs.mask_of(c) for k in range(n + 1) for c in itertools.combinations(range(n), k)]
    assert hs.subset_order(n, "size").tolist() == expected


@pytest.mark.parametrize("n", [1, 3, 6])
def test_msb_order_is_binary_repr(n):
    """The papers' code reads np.binary_repr(j, n) left to right as players 0..n-1."""
    perm = hs.subset_order(n, "msb")
    for j in range(1 << n):
        players = tuple(i for i, bit in enumerate(np.binary_repr(j, width=n)) if bit == "1")
        assert perm[j] == hs.mask_of(players)


@pytest.mark.parametrize("order", ["lsb", "msb", "size"])
def test_round_trip(rng, order):
    v = random_game(rng, 6, (2,))
    np.testing.assert_array_equal(hs.from_order(hs.to_order(v, order), order), v)
    assert hs.to_order(v, order)[..., 0].tolist() == v[..., 0].tolist()


def test_interactions_commute_with_reordering_as_sets(rng):
    """A game given in the msb order has the same interaction per player set."""
    v = random_game(rng, 5)
    paper = hs.to_order(v, "msb")
    np.testing.assert_allclose(hs.from_order(paper, "msb"), v)
    perm = hs.subset_order(5, "msb")
    I = hs.and_interactions(v)
    assert I[perm[3]] == hs.to_order(I, "msb")[3]


def test_players_and_masks():
    assert hs.players_of(0) == ()
    assert hs.players_of(0b1011) == (0, 1, 3)
    assert hs.mask_of([3, 1, 0]) == 0b1011
    assert hs.mask_of([]) == 0
    with pytest.raises(ValueError):
        hs.players_of(-1)
    with pytest.raises(ValueError):
        hs.mask_of([64])


class TestBadInput:
    @pytest.mark.parametrize("n", [-1, 41])
    def test_n_out_of_range(self, n):
        with pytest.raises(ValueError, match="between 0 and 40"):
            hs.subset_masks(n)

    @pytest.mark.parametrize("n", [2.0, "3", True])
    def test_n_not_an_integer(self, n):
        with pytest.raises(TypeError, match="integer"):
            hs.subset_sizes(n)

    def test_unknown_order(self):
        with pytest.raises(ValueError, match="unknown subset order"):
            hs.subset_order(3, "gray")

    def test_beyond_memory(self):
        with pytest.raises(MemoryError, match="needs .* TiB"):
            hs.subset_masks(40)


@pytest.mark.parametrize("call", [
    lambda: hs.mask_of([1.5, 2.9]),
    lambda: hs.mask_of(["1"]),
    lambda: hs.players_of("5"),
    lambda: hs.players_of(2.5),
    lambda: hs.mask_of([True]),
])
def test_fractions_and_strings_are_refused_not_truncated(call):
    with pytest.raises(TypeError, match="whole number"):
        call()


def test_whole_floats_and_numpy_integers_are_indices():
    assert hs.mask_of([np.int64(0), 2.0]) == 5
    assert hs.players_of(np.uint8(5)) == (0, 2)
