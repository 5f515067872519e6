"""Exact multi-order interactions (theory.md §8) against their definition over contexts."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest

import harsanyi as hs


def by_contexts(v, m):
    """I^(m)(i,j) as the mean of Δv(i,j,S) over every context S of size m."""
    n = v.shape[-1].bit_length() - 1
    out = np.zeros((n, n))
    for i, j in itertools.combinations(range(n), 2):
        rest = [p for p in range(n) if p not in (i, j)]
        deltas = []
        for context in itertools.combinations(rest, m):
            s = hs.mask_of(context)
            deltas.append(v[s | 1 << i | 1 << j] - v[s | 1 << i] - v[s | 1 << j] + v[s])
        out[i, j] = out[j, i] = np.mean(deltas)
        assert len(deltas) == comb(n - 2, m)
    return out


@pytest.mark.parametrize("n", [2, 3, 5, 6])
def test_every_order_matches_the_contexts(n):
    v = np.random.default_rng(n).standard_normal(1 << n)
    got = hs.pairwise_interactions(v)
    assert got.shape == (n - 1, n, n)
    for m in range(n - 1):
        np.testing.assert_allclose(got[m], by_contexts(v, m), atol=1e-12)


def test_the_mean_over_orders_is_the_shapley_interaction_index():
    v = np.random.default_rng(11).standard_normal((3, 1 << 7))
    mean = hs.pairwise_interactions(v).mean(axis=-3)
    sii = hs.interaction_index(hs.and_interactions(v), "sii")
    for i, j in itertools.combinations(range(7), 2):
        np.testing.assert_allclose(mean[:, i, j], sii[:, 1 << i | 1 << j], atol=1e-12)


def test_ratios_batches_and_dtypes():
    rng = np.random.default_rng(12)
    v = rng.standard_normal((2, 3, 1 << 6)).astype(np.float32)
    got = hs.pairwise_interactions(v, orders=[0.0, 0.5, 1.0])
    assert got.shape == (2, 3, 3, 6, 6)  # m = 0, 2, 4
    np.testing.assert_allclose(got[1, 2, 1], by_contexts(v[1, 2].astype(np.float64), 2),
                               atol=1e-5)
    np.testing.assert_array_equal(hs.analysis.orders_of(hs.BOTTLENECK_RATIOS, 22)[[0, 6, -1]],
                                  [0, 10, 20])


def test_bad_orders_and_games():
    with pytest.raises(ValueError, match="integers in 0..4"):
        hs.pairwise_interactions(np.zeros(64), orders=[5])
    with pytest.raises(ValueError, match=r"ratios must lie in \[0, 1\]"):
        hs.pairwise_interactions(np.zeros(64), orders=[1.5])
    with pytest.raises(ValueError, match="at least 2 players"):
        hs.pairwise_interactions(np.zeros(2))
    with pytest.raises(ValueError, match="NaN or Inf"):
        hs.pairwise_interactions(np.full(8, np.nan))


def test_multi_order_strength_attack_utility_and_disentanglement_by_their_formulas():
    rng = np.random.default_rng(3)
    signed = rng.standard_normal((4, 3, 5))
    stderr = rng.random((4, 3, 5))
    strength, error = hs.analysis.multi_order_strength(signed, stderr)
    raw = np.array([np.mean([abs(signed[b, k, p]) for b in range(4) for p in range(5)])
                    for k in range(3)])
    np.testing.assert_allclose(strength, raw / raw.mean())
    np.testing.assert_allclose(error, np.sqrt((stderr ** 2).sum(axis=(0, 2))) / 20 / raw.mean())
    zero, _ = hs.analysis.multi_order_strength(np.zeros((1, 2, 1)))
    assert np.all(zero == 0)

    adversarial = rng.standard_normal((4, 3, 5))
    n, orders = 9, np.array([0, 3, 7])
    utility = hs.analysis.attack_utility(signed, adversarial, n, orders)
    for k, m in enumerate(orders):
        want = (n - 1 - m) / (n * (n - 1)) * (signed[:, k].mean() - adversarial[:, k].mean())
        assert np.isclose(utility[k], want)
    with pytest.raises(ValueError, match="orders given"):
        hs.analysis.attack_utility(signed, adversarial, n, [0, 1])

    mean_abs = np.abs(signed) + rng.random((4, 3, 5))
    ratio = hs.analysis.disentanglement(signed, mean_abs)
    np.testing.assert_allclose(ratio, np.abs(signed).mean(axis=(0, 2)) / mean_abs.mean(axis=(0, 2)))
    assert np.all(ratio <= 1)
