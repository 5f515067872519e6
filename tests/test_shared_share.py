"""hs.analysis.shared_share (theory.md §9, Def. 1) against sets written out, and
hs.explain_shared against the joint solve of the models' games."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs


def by_sets(parts, k, ratio=0.05):
    """s^(i) per model and sample from Python sets of (subset) patterns, ∅ excluded."""
    m, samples = len(parts), parts[0].shape[0]
    out = np.full((m, samples), np.nan)
    for b in range(samples):
        kept = []
        for values in parts:
            size = np.abs(values[b, 1:])
            if k is None:
                chosen = {s for s in range(len(size)) if size[s] >= ratio * size.max() and size.max() > 0}
            else:
                chosen = set(sorted(range(len(size)), key=lambda s: (-size[s], s))[:k])
            kept.append(chosen)
        common = set.intersection(*kept)
        for i in range(m):
            if kept[i]:
                out[i, b] = len(common) / len(kept[i])
    return out


@pytest.mark.parametrize("k", [None, 1, 4, 40])
def test_shares_match_sets(k):
    rng = np.random.default_rng(0)
    ands = rng.standard_normal((3, 5, 32)) * (rng.random((3, 5, 32)) < 0.4)
    ors = rng.standard_normal((3, 5, 32))
    got = hs.analysis.shared_share([(ands[i], ors[i]) for i in range(3)], k=k)
    np.testing.assert_allclose(got["and"], by_sets(list(ands), k), equal_nan=True)
    np.testing.assert_allclose(got["or"], by_sets(list(ors), k), equal_nan=True)


def test_a_curve_over_k_and_edge_cases():
    rng = np.random.default_rng(1)
    ands = rng.standard_normal((2, 4, 16))
    curve = hs.analysis.shared_share([ands[0], ands[1]], k=[1, 5, 15])["and"]
    assert curve.shape == (2, 4, 3)
    np.testing.assert_allclose(curve[..., 2], 1.0)  # every pattern kept: all shared
    same = hs.analysis.shared_share([ands[0], ands[0]])["and"]
    np.testing.assert_allclose(same, 1.0)
    zero = hs.analysis.shared_share([np.zeros((1, 8)), np.zeros((1, 8))])["and"]
    assert np.isnan(zero).all()
    with pytest.raises(ValueError, match="at least 2 models"):
        hs.analysis.shared_share([ands[0]])
    with pytest.raises(ValueError, match="differ in shape"):
        hs.analysis.shared_share([ands[0], ands[0][:2]])
    with pytest.raises(ValueError, match="positive integers"):
        hs.analysis.shared_share([ands[0], ands[1]], k=0)


def test_explain_shared_is_the_joint_split_of_the_models_games():
    torch = pytest.importorskip("torch")
    pytest.importorskip("scipy")
    from models import mlp

    models = [mlp(5, 3, seed=s) for s in (0, 1)]
    x = torch.randn(2, 5, dtype=torch.float64)
    results = hs.explain_shared(models, x, baseline="mean", data=x, alpha=0.2)
    targets = models[0](x).argmax(1)
    values = np.stack([hs.model_game(m, x, target=targets, baseline="mean", data=x).values()
                       for m in models])
    joint = hs.shared_and_or(values, alpha=0.2)
    for i, r in enumerate(results):
        np.testing.assert_allclose(r.values, values[i])
        np.testing.assert_allclose(r.and_interactions, joint.and_interactions[i], atol=1e-9)
        assert r.settings["targets"] == targets.tolist() and r.settings["shared"]["alpha"] == 0.2
    assert results[0].settings["shared"]["tol"] == 1e-4
    with pytest.raises(TypeError, match="unexpected keyword argument 'rtol'"):
        hs.explain_shared(models, x, rtol=1e-3)
