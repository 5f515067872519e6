"""hs.analysis.stability (theory.md §11): |mean I| / std I under input noise, against the
formula written out, its salient medians per order, and its bad input."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs
from harsanyi.subsets import subset_sizes


def draws_of(rng, count, samples=3, n=4):
    base = rng.standard_normal((2, samples, 1 << n))
    return [(base[0] + 0.1 * rng.standard_normal(base[0].shape),
             base[1] + 0.3 * rng.standard_normal(base[1].shape)) for _ in range(count)]


def test_each_pattern_against_the_formula():
    draws = draws_of(np.random.default_rng(0), 6)
    out = hs.analysis.stability(draws)
    for j, kind in enumerate(("and", "or")):
        stack = np.stack([d[j][:, 1:] for d in draws])
        expected = np.abs(stack.mean(0)) / stack.std(0, ddof=1)
        np.testing.assert_allclose(out[kind], expected)
    assert out["and"].shape == (3, 15) and out["by_order"].shape == (4, 2)
    # less noise on the AND part: more stable
    assert np.median(out["and"]) > np.median(out["or"])


def test_by_order_is_the_median_over_salient_patterns():
    draws = draws_of(np.random.default_rng(1), 5)
    out = hs.analysis.stability(draws, ratio=0.2)
    mean = np.concatenate([np.mean([d[j][:, 1:] for d in draws], axis=0) for j in (0, 1)], 1)
    size = np.abs(mean)
    salient = size >= 0.2 * size.max(axis=1, keepdims=True)
    sizes = subset_sizes(4)[1:]
    for j, kind in enumerate(("and", "or")):
        for order in range(1, 5):
            kept = salient[:, j * 15:(j + 1) * 15] & (sizes == order)
            expected = np.median(out[kind][kept]) if kept.any() else np.nan
            np.testing.assert_allclose(out["by_order"][order - 1, j], expected)


def test_draws_that_agree_are_infinitely_stable_and_zeros_undefined():
    interactions = np.random.default_rng(2).standard_normal((2, 8))
    interactions[:, 5] = 0.0
    out = hs.analysis.stability([interactions, interactions.copy()])
    assert list(out) == ["and", "by_order"]
    assert np.isinf(np.delete(out["and"], 4, axis=1)).all() and np.isnan(out["and"][:, 4]).all()


def test_bad_input_says_what_to_do():
    a = np.zeros((2, 8))
    with pytest.raises(ValueError, match="at least 2"):
        hs.analysis.stability([a])
    with pytest.raises(ValueError, match="differ in kind or shape"):
        hs.analysis.stability([a, np.zeros((3, 8))])
    with pytest.raises(ValueError, match="differ in kind or shape"):
        hs.analysis.stability([a, (a, a)])
