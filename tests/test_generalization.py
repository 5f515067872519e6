"""hs.generalization and hs.confusing_samples (theory.md §10) against loops written from the
definitions, on constructed interactions with known overlaps and signs."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs


def by_loops(target, baselines, ratio=0.05):
    """Labels (kind -> (B, 2**n)) and shares from the definition, pattern by pattern."""
    kinds = ("and", "or")
    samples, size = target[0].shape
    labels = {k: np.full((samples, size), -1) for k in kinds}
    shares = []
    for b in range(samples):
        patterns = [(k, s) for k in range(2) for s in range(1, size)]
        peak = max(abs(target[k][b, s]) for k, s in patterns)
        kept = total = 0.0
        for k, s in patterns:
            value = target[k][b, s]
            if peak == 0 or abs(value) < ratio * peak:
                continue
            good = False
            for base in baselines:
                their_peak = max(abs(base[kk][b, ss]) for kk, ss in patterns)
                theirs = base[k][b, s]
                if their_peak > 0 and abs(theirs) >= ratio * their_peak and \
                        np.sign(theirs) == np.sign(value):
                    good = True
            labels[kinds[k]][b, s] = int(good)
            total += abs(value)
            kept += abs(value) * good
        shares.append(kept / total if total else np.nan)
    return labels, np.array(shares)


def sparse_pair(rng, samples=4, n=4, density=0.4):
    return tuple(rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < density)
                 for _ in range(2))


def test_labels_and_shares_match_the_definition():
    rng = np.random.default_rng(0)
    target = sparse_pair(rng)
    baselines = [tuple(np.where(rng.random(p.shape) < 0.5, p, rng.standard_normal(p.shape))
                       for p in target) for _ in range(3)]
    found = hs.generalization(target, baselines)
    labels, shares = by_loops(target, baselines)
    for kind in ("and", "or"):
        np.testing.assert_array_equal(found.labels[kind], labels[kind])
    np.testing.assert_allclose(found.share, shares)
    frame = found.by_order()
    sizes = hs.subset_sizes(4)
    for kind, part in zip(("and", "or"), target):
        for order in range(1, 5):
            row = frame[(frame.order == order) & (frame.kind == kind)].iloc[0]
            at = sizes == order
            want = (np.abs(part[:, at]) * (labels[kind][:, at] == 1)).sum(1).mean()
            assert row["generalizable"] == pytest.approx(want)


def test_identical_baselines_generalize_everything_and_flipped_ones_nothing():
    target = sparse_pair(np.random.default_rng(1))
    assert np.allclose(hs.generalization(target, [target]).share, 1.0)
    flipped = tuple(-p for p in target)
    assert np.allclose(hs.generalization(target, [flipped]).share, 0.0)
    assert hs.generalization(target, [flipped, target]).overall == pytest.approx(1.0)


def test_bad_baselines_are_refused():
    target = sparse_pair(np.random.default_rng(2))
    with pytest.raises(ValueError, match="at least one baseline"):
        hs.generalization(target, [])
    with pytest.raises(ValueError, match="same inputs and players"):
        hs.generalization(target, [tuple(p[:2] for p in target)])
    with pytest.raises(ValueError, match="same inputs and players"):
        hs.generalization(target, [target[0]])  # AND only against an AND-OR target
    values = np.zeros((1, 4))
    a = hs.Interactions(values, values, values, ("a", "b"))
    b = hs.Interactions(values, values, values, ("a", "c"))
    with pytest.raises(ValueError, match="other players"):
        hs.generalization(a, [b])


def test_confusing_samples_rank_by_non_generalizable_strength():
    rng = np.random.default_rng(3)
    target = sparse_pair(rng, samples=10)
    baselines = [tuple(np.where(rng.random(p.shape) < 0.5, p, -p) for p in target)]
    found = hs.confusing_samples([target, target], baselines, top=0.3)
    shares = hs.generalization(target, baselines).share
    np.testing.assert_allclose(found.scores[0], 1 - shares)
    assert found.confusing.sum(axis=1).tolist() == [3, 3]
    assert set(found.ranking[0, :3]) == set(np.argsort(-(1 - shares), kind="stable")[:3])
    np.testing.assert_allclose(found.overlap(), 1.0)
    other = hs.confusing_samples([target, sparse_pair(rng, samples=10)],
                                 [baselines, baselines], top=0.3)
    assert other.overlap().shape == (2, 2) and other.overlap()[0, 1] <= 1
    high = hs.confusing_samples([target], baselines, min_order=3)
    assert np.all((high.scores >= 0) | np.isnan(high.scores))
    with pytest.raises(ValueError, match="fraction"):
        hs.confusing_samples([target], baselines, top=0)


def test_the_figure_draws_both_curves():
    import matplotlib

    matplotlib.use("Agg")
    target = sparse_pair(np.random.default_rng(4))
    ax = hs.generalization(target, [target]).plot()
    assert [line.get_label() for line in ax.get_lines()] == ["generalizable", "non-generalizable"]
