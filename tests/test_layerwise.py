"""Layerwise change of knowledge (theory.md §11) against loops from its definitions, the layer
probes, and the baseline trainer of §10."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs


def pair(rng, samples=3, n=4):
    return tuple(rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < 0.5)
                 for _ in range(2))


def by_loops(layer, final, ratio=0.05):
    """(overlap, total, final total) per order and kind from the definition."""
    samples, size = layer[0].shape
    n = size.bit_length() - 1
    out = np.zeros((3, n, 2))
    for b in range(samples):
        def salient(p):
            peak = max(abs(p[k][b, s]) for k in range(2) for s in range(1, size))
            return {(k, s) for k in range(2) for s in range(1, size)
                    if peak > 0 and abs(p[k][b, s]) >= ratio * peak}
        mine, theirs = salient(layer), salient(final)
        for k in range(2):
            for s in range(1, size):
                order = bin(s).count("1") - 1
                a = layer[k][b, s] if (k, s) in mine else 0.0
                f = final[k][b, s] if (k, s) in theirs else 0.0
                out[0, order, k] += min(abs(a), abs(f)) if np.sign(a) == np.sign(f) else 0.0
                out[1, order, k] += abs(a)
                out[2, order, k] += abs(f)
    return out


def test_overlap_forgetting_and_novelty_match_the_definition():
    rng = np.random.default_rng(0)
    final = pair(rng)
    low = tuple(np.where(rng.random(p.shape) < 0.5, p, rng.standard_normal(p.shape)) for p in final)
    knowledge = hs.analysis.layerwise_change({"low": low, "final": final})
    want = by_loops(low, final)
    np.testing.assert_allclose(knowledge.overlap[0], want[0])
    np.testing.assert_allclose(knowledge.total[0], want[1])
    np.testing.assert_allclose(knowledge.new[0], want[2] - want[0])
    np.testing.assert_allclose(knowledge.forgotten[0], want[1] - want[0])
    defined = want[2] > 0
    np.testing.assert_allclose(knowledge.completeness[0][defined], (want[0] / want[2])[defined])
    frame = knowledge.to_dataframe()
    assert len(frame) == 2 * 4 * 2 and set(frame.layer) == {"low", "final"}


def test_the_final_layer_against_itself_and_a_flipped_layer():
    final = pair(np.random.default_rng(1))
    knowledge = hs.analysis.layerwise_change({"same": final, "flipped": tuple(-p for p in final),
                                              "final": final})
    held = knowledge.total[-1] > 0
    assert np.allclose(knowledge.completeness[0][held], 1) and np.allclose(knowledge.completeness[2][held], 1)
    assert np.allclose(knowledge.redundancy[0][held], 0) and np.allclose(knowledge.new[0], 0)
    assert np.allclose(knowledge.overlap[1], 0) and np.allclose(knowledge.completeness[1][held], 0)


def test_bad_layers_are_refused():
    final = pair(np.random.default_rng(2))
    with pytest.raises(ValueError, match="method='and-or'"):
        hs.analysis.layerwise_change({"a": final[0], "b": final})
    with pytest.raises(ValueError, match="differ in shape"):
        hs.analysis.layerwise_change({"a": tuple(p[:2] for p in final), "b": final})
    with pytest.raises(ValueError, match="at least one layer"):
        hs.analysis.layerwise_change({})


def test_probes_read_layers_and_an_identity_probe_on_the_output_is_the_model():
    torch = pytest.importorskip("torch")
    from harsanyi.models.layer_probes import ProbedLayer
    from models import mlp

    model = mlp(5, 3)
    x = torch.randn(2, 5, dtype=torch.float64)
    probed = ProbedLayer(model, model[2], torch.nn.Identity())
    np.testing.assert_allclose(hs.model_game(probed, x, target=[0, 1]).values(),
                               hs.model_game(model, x, target=[0, 1]).values())
    data = (torch.randn(64, 5, dtype=torch.float64), torch.randint(0, 3, (64,)))
    knowledge = hs.layerwise_knowledge(model.float(), x.float(), [0, 1], layers=["1", "2"],
                                       probe_data=(data[0].float(), data[1]), tol=1e-3)
    assert knowledge.layers == ("1", "2") and knowledge.completeness.shape == (2, 5, 2)
    assert 0 <= knowledge.interactions["1"].settings["probe_accuracy"] <= 1
    with pytest.raises(ValueError, match="no layer named"):
        hs.layerwise_knowledge(model, x, [0, 1], layers=["fc9"], probe_data=data)


def test_baselines_are_trained_per_seed():
    torch = pytest.importorskip("torch")
    x, y = torch.randn(40, 4), torch.randint(0, 2, (40,))

    def make():
        return torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))

    first = hs.train_baselines(make, (x, y), k=2, epochs=3, seed=5)
    again = hs.train_baselines(make, (x, y), k=2, epochs=3, seed=5)
    assert len(first) == 2 and not any(m.training for m in first)
    assert torch.equal(first[0][0].weight, again[0][0].weight)
    assert not torch.equal(first[0][0].weight, first[1][0].weight)
    with pytest.raises(ValueError, match="same non-zero length"):
        hs.train_baselines(make, (x, y[:3]))
    with pytest.raises(TypeError, match="torch.nn.Module"):
        hs.train_baselines(lambda: None, (x, y), k=1, epochs=1)


def test_a_probe_that_cannot_fit_is_refused():
    torch = pytest.importorskip("torch")

    class Broken(torch.nn.Module):
        def forward(self, x):
            return x * float("nan")

    model = torch.nn.Sequential(torch.nn.Linear(4, 4), Broken(), torch.nn.Linear(4, 2))
    data = (torch.randn(16, 4), torch.randint(0, 2, (16,)))
    with pytest.raises(RuntimeError, match="probe did not fit"):
        hs.layerwise_knowledge(model, data[0][:2], [0, 1], layers=["1"], probe_data=data)


def test_salient_iou_per_order_against_sets():
    rng = np.random.default_rng(5)
    a, b = pair(rng), pair(rng)
    got = hs.analysis.salient_iou(a, b)
    sizes = hs.subset_sizes(4)

    def salient(p):
        joined = np.concatenate([p[0][:, 1:], p[1][:, 1:]], axis=1)
        peak = np.abs(joined).max(axis=1, keepdims=True)
        return {(b_, k, s + 1) for b_, col in zip(*np.nonzero(np.abs(joined) >= 0.05 * peak))
                for k, s in [divmod(col, 15)]}

    sa, sb = salient(a), salient(b)
    for order in range(1, 5):
        for k in range(2):
            pa = {x for x in sa if x[1] == k and sizes[x[2]] == order}
            pb = {x for x in sb if x[1] == k and sizes[x[2]] == order}
            want = len(pa & pb) / len(pa | pb) if pa | pb else np.nan
            np.testing.assert_allclose(got[order - 1, k], want, equal_nan=True)
    assert np.allclose(hs.analysis.salient_iou(a, a)[~np.isnan(got)], 1)
    with pytest.raises(ValueError, match="same inputs"):
        hs.analysis.salient_iou(a, a[0])
