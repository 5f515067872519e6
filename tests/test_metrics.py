"""The metrics of theory.md §5 against brute-force twins written from their formulas."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs


def split(rng, samples=4, n=5, density=0.4):
    """A random sparse AND-OR split (∅ of the OR part zero)."""
    a = rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < density)
    o = rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < density)
    o[:, 0] = 0.0
    return a, o


def patterns_of(a, o):
    """Per sample, {(kind, S): I} over S != ∅ (the definition's patterns)."""
    return [{**{("and", s): a[g, s] for s in range(1, a.shape[1])},
             **{("or", s): o[g, s] for s in range(1, o.shape[1])}} for g in range(len(a))]


def salient_of(pattern, ratio=0.05):
    peak = max(abs(x) for x in pattern.values())
    return {key for key, x in pattern.items() if peak > 0 and abs(x) >= ratio * peak}


@pytest.mark.parametrize("seed", range(3))
def test_strength_curve(seed):
    a, o = split(np.random.default_rng(seed))
    want = np.mean([sorted((abs(x) / max(abs(y) for y in p.values()) for x in p.values()),
                           reverse=True) for p in patterns_of(a, o)], axis=0)
    np.testing.assert_allclose(hs.analysis.strength_curve((a, o)), want, atol=1e-12)
    assert hs.analysis.strength_curve(a).shape == (31,)


@pytest.mark.parametrize("k", [None, 0, 1, 7, 100])
def test_explanation_ratio(k):
    a, o = split(np.random.default_rng(5))
    want = []
    for p in patterns_of(a, o):
        ranked = sorted(p, key=lambda key: -abs(p[key]))
        kept = salient_of(p) if k is None else set(ranked[:k])
        inside = sum(abs(p[key]) for key in kept)
        outside = abs(sum(p[key] for key in p if key not in kept))
        want.append(inside / (inside + outside))
    got = hs.analysis.explanation_ratio((a, o), k)
    np.testing.assert_allclose(got, want, atol=1e-12)
    curve = hs.analysis.explanation_ratio((a, o), [1, 7, 100])
    # Not monotone in k: removing a term can uncancel what is left outside.
    assert curve.shape == (4, 3)
    assert np.allclose(curve[:, -1], 1.0)  # everything kept explains everything


@pytest.mark.parametrize("k", [1, 4, 20])
def test_transferability(k):
    a, o = split(np.random.default_rng(6), samples=6)
    salient = [salient_of(p) for p in patterns_of(a, o)]
    keys = list(patterns_of(a, o)[0])
    counts = {key: sum(key in s for s in salient) for key in keys}
    top = set(sorted(keys, key=lambda key: -counts[key])[:k])  # stable: ties by order
    want = np.mean([len(top & s) / len(s) for s in salient if s])
    assert hs.analysis.transferability((a, o), k) == pytest.approx(want)


def test_cover_and_shared_ratios():
    rng = np.random.default_rng(7)
    a1, o1 = split(rng)
    a2, o2 = split(rng)
    cover = hs.analysis.cover_ratio((a1, o1), (a2, o2))
    shared = hs.analysis.shared_ratio((a1, o1), (a2, o2), top=5)
    for kind, (x, y) in {"and": (a1, a2), "or": (o1, o2)}.items():
        for g in range(len(x)):
            sx = salient_of({s: x[g, s] for s in range(1, 32)})
            sy = salient_of({s: y[g, s] for s in range(1, 32)})
            assert cover[kind][g] == pytest.approx(len(sx & sy) / len(sx))
            tx = set(sorted(range(1, 32), key=lambda s: -abs(x[g, s]))[:5])
            ty = set(sorted(range(1, 32), key=lambda s: -abs(y[g, s]))[:5])
            assert shared[kind][g] == pytest.approx(len(tx & ty) / 5)
    same = hs.analysis.cover_ratio((a1, o1), (a1, o1))
    assert all(np.allclose(r, 1.0) for r in same.values())


def test_discrimination_power():
    a, o = split(np.random.default_rng(8), samples=8)
    power = hs.analysis.discrimination_power((a, o))
    for kind, x in {"and": a, "or": o}.items():
        for s in range(1, 32):
            signs = [np.sign(x[g, s]) for g in range(len(x))
                     if (s) in salient_of({t: x[g, t] for t in range(1, 32)})]
            plus, minus = signs.count(1.0), signs.count(-1.0)
            want = max(plus, minus) / (plus + minus) if signs else np.nan
            np.testing.assert_allclose(power[kind][s - 1], want)
    labels = np.array([0, 1] * 4)
    by_class = hs.analysis.discrimination_power((a, o), labels)
    np.testing.assert_allclose(by_class[1]["and"],
                               hs.analysis.discrimination_power((a[1::2], o[1::2]))["and"])


def test_edge_cases_and_bad_input():
    zeros = np.zeros((2, 16))
    assert np.all(hs.analysis.strength_curve(zeros) == 0)
    assert np.all(np.isnan(hs.analysis.explanation_ratio(zeros)))
    assert np.isnan(hs.analysis.transferability(zeros, 3))
    assert np.all(np.isnan(hs.analysis.cover_ratio(zeros, zeros)["and"]))
    with pytest.raises(ValueError, match="k must be"):
        hs.analysis.explanation_ratio(zeros, -1)
    with pytest.raises(ValueError, match="same shape"):
        hs.analysis.strength_curve((zeros, np.zeros((2, 8))))
    with pytest.raises(ValueError, match="differ in shape"):
        hs.analysis.cover_ratio(zeros, np.zeros((3, 16)))
    with pytest.raises(ValueError, match="top must be"):
        hs.analysis.shared_ratio(zeros, zeros, 0)
    with pytest.raises(ValueError, match="one entry per sample"):
        hs.analysis.discrimination_power(zeros, [0])


def test_interactions_offer_the_curves():
    v = np.random.default_rng(9).standard_normal((3, 32))
    res = hs.Interactions(v, hs.and_interactions(v))
    np.testing.assert_array_equal(res.strength_curve(), hs.analysis.strength_curve(res))
    np.testing.assert_array_equal(res.explanation_ratio(4),
                                  hs.analysis.explanation_ratio(res.and_interactions, 4))


def test_sparsity_figures_take_the_metrics():
    import matplotlib

    matplotlib.use("Agg")
    a, o = split(np.random.default_rng(10))
    ks = [1, 3, 10, 62]
    ax = hs.plots.plot_strength_curves({"AND-OR": hs.analysis.strength_curve((a, o)),
                                        "AND only": hs.analysis.strength_curve(a)})
    assert len(ax.lines) == 2 and ax.get_yscale() == "log"
    ax = hs.plots.plot_explanation_curves(
        {"AND-OR": hs.analysis.explanation_ratio((a, o), ks)}, ks)
    np.testing.assert_allclose(ax.lines[0].get_ydata(),
                               np.nanmean(hs.analysis.explanation_ratio((a, o), ks), axis=0))


def test_salient_count_counts_patterns_above_the_ratio():
    rng = np.random.default_rng(12)
    ands, ors = rng.standard_normal((2, 3, 16))
    got = hs.analysis.salient_count((ands, ors), ratio=0.3)
    for b in range(3):
        patterns = np.abs(np.concatenate([ands[b, 1:], ors[b, 1:]]))
        assert got[b] == sum(p >= 0.3 * patterns.max() for p in patterns)
