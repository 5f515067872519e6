"""hs.multi_order (sampled multi-order interactions of a model, theory.md §8) against the exact
interactions of the model's game, its sampler against the definition, and its bad input."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
from harsanyi.models.contexts import ContextSampler, draw_pairs  # noqa: E402

from models import TinyText, cnn, mlp  # noqa: E402


def exact_of_pairs(values, pairs, orders=None):
    """Exact I^(m)(i,j) of each sample's pairs, shape (B, M, P), from the full game."""
    full = hs.pairwise_interactions(values, orders)
    b = np.arange(len(pairs))[:, None]
    return np.stack([full[b, k, pairs[..., 0], pairs[..., 1]] for k in range(full.shape[1])],
                    axis=1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_enumerated_contexts_give_the_exact_interactions_of_the_game(dtype):
    model, x = mlp(7, 3, dtype=dtype), torch.randn(3, 7, dtype=dtype)
    mo = hs.multi_order(model, x, orders=None, pairs=6, contexts=comb(5, 2))
    assert mo.exact.all() and np.all(mo.stderr == 0)
    want = exact_of_pairs(hs.model_game(model, x).values(), mo.pairs)
    np.testing.assert_allclose(mo.interactions, want, atol=1e-5 if dtype == torch.float32 else 1e-12)
    assert mo.interactions.shape == (3, 6, 6) and mo.orders.tolist() == list(range(6))


def test_image_patches_and_ratios_match_the_game():
    model, x = cnn(), torch.randn(2, 1, 8, 8, dtype=torch.float64)
    players = hs.players.grid((8, 8), cells=(2, 3))
    mo = hs.multi_order(model, x, players=players, orders=[0.0, 0.5, 1.0], pairs=4,
                        contexts=10, baseline="mean", data=x)
    assert mo.orders.tolist() == [0, 2, 4]
    game = hs.model_game(model, x, players=players, baseline="mean", data=x)
    np.testing.assert_allclose(mo.interactions, exact_of_pairs(game.values(), mo.pairs, [0, 2, 4]),
                               atol=1e-12)


def test_token_players_at_the_embedding_match_the_game():
    model = TinyText()
    x = {"input_ids": torch.tensor([[1, 4, 7, 2, 9]]), "attention_mask": torch.ones(1, 5)}
    options = dict(players=hs.players.tokens(5), embedding=model.embed, baseline="zero")
    mo = hs.multi_order(model, x, orders=None, pairs=[(0, 4), (1, 2)], contexts=10, **options)
    values = hs.model_game(model, x, **options).values()
    np.testing.assert_allclose(mo.interactions, exact_of_pairs(values.reshape(1, -1), mo.pairs),
                               atol=1e-12)


def test_sampled_estimates_are_unbiased_and_their_stderr_matches_the_spread():
    model = mlp(10, 2, hidden=32)
    x = torch.randn(1, 10, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    pairs = [(0, 1), (3, 7)]
    exact = exact_of_pairs(hs.model_game(model, x).values(), np.array([pairs]), [3, 5])
    runs = [hs.multi_order(model, x, orders=[3, 5], pairs=pairs, contexts=20, seed=s)
            for s in range(40)]
    estimates = np.stack([r.interactions for r in runs])
    stderr = np.stack([r.stderr for r in runs]).mean(axis=0)
    assert not runs[0].exact.any()
    spread = estimates.std(axis=0, ddof=1)
    # The mean over 40 seeds lies within 3 of its standard errors of the exact value ...
    assert np.all(np.abs(estimates.mean(axis=0) - exact) <= 3 * spread / np.sqrt(40) + 1e-12)
    # ... and one run's stderr estimates the spread over runs (up to sampling noise).
    np.testing.assert_allclose(stderr, spread, rtol=0.35)


def test_a_coalition_repeated_within_a_sample_is_evaluated_once():
    model, x = mlp(6, 3), torch.randn(2, 6, dtype=torch.float64)
    pairs = [(0, 1), (0, 2), (1, 2)]
    mo = hs.multi_order(model, x, orders=[0], pairs=pairs, contexts=5)
    # Order 0: ∅, {0}, {1}, {2}, {0,1}, {0,2}, {1,2} per sample.
    assert mo.evaluations == 2 * 7


def test_the_sampler_draws_contexts_of_size_m_without_the_pair_uniformly():
    rng = np.random.default_rng(0)
    n, m = 30, 7
    sampler = ContextSampler(n, m, 4000, rng)
    pairs = np.array([[3, 17], [29, 0]])
    present = sampler.coalitions(pairs)
    assert present.shape == (2, 4000, 4, n) and not sampler.exact
    sizes = present.sum(axis=-1)
    assert np.all(sizes == np.array([m + 2, m + 1, m + 1, m]))
    for u, (i, j) in enumerate(pairs):
        context = present[u, :, 3]
        assert not context[:, [i, j]].any()
        assert present[u, :, 0, [i, j]].all() and present[u, :, 1, i].all() \
            and not present[u, :, 1, j].any() and present[u, :, 2, j].all()
        frequency = np.delete(context.mean(axis=0), [i, j])
        np.testing.assert_allclose(frequency, m / (n - 2), atol=0.03)


def test_grid_pairs_lie_in_the_neighbourhood_and_differ_within_a_sample():
    players = hs.players.grid((32, 32), cells=(16, 16))
    pairs = draw_pairs(players, 200, 3, 2, np.random.default_rng(1))
    assert pairs.shape == (3, 200, 2)
    row, col = np.divmod(pairs, 16)
    assert np.all(np.maximum(abs(row[..., 0] - row[..., 1]), abs(col[..., 0] - col[..., 1])) <= 2)
    for sample in pairs:
        assert len({tuple(sorted(p)) for p in sample.tolist()}) == 200
    anywhere = draw_pairs(players, 50, 1, None, np.random.default_rng(1))
    row, col = np.divmod(anywhere, 16)
    assert np.max(np.maximum(abs(row[..., 0] - row[..., 1]), abs(col[..., 0] - col[..., 1]))) > 2


def test_many_players_on_a_grid_run_in_bounded_memory():
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3, padding=1), torch.nn.ReLU(),
                                torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(),
                                torch.nn.Linear(8, 3))
    x = torch.randn(2, 1, 32, 32)
    players = hs.players.grid((32, 32), cells=(16, 16))
    mo = hs.multi_order(model, x, players=players, pairs=5, contexts=3,
                        orders=hs.BOTTLENECK_RATIOS)
    assert mo.n_players == 256 and mo.interactions.shape == (2, 13, 5)
    assert mo.orders[-1] == 254 and mo.exact[0] and mo.exact[-1] and not mo.exact[5]
    strength, error = mo.strength()
    assert np.isclose(strength.mean(), 1) and np.all(error >= 0)
    with pytest.raises(ValueError, match="hs.multi_order"):
        hs.model_game(model, x, players=players)


def test_log_prob_output_is_the_log_softmax_of_the_target():
    model, x = mlp(5, 4), torch.randn(3, 5, dtype=torch.float64)
    values = hs.model_game(model, x, target=[0, 1, 3], output="log-prob").values()
    np.testing.assert_allclose(values[:, -1], torch.log_softmax(model(x), 1)[[0, 1, 2], [0, 1, 3]]
                               .detach().numpy(), atol=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(orders=[6]), "orders must be integers in 0..5"),
    (dict(orders=[1.5]), "ratios must lie in"),
    (dict(pairs=0), "pairs must be at least 1"),
    (dict(pairs=[(2, 2)]), "two different players"),
    (dict(pairs=[(0, 9)]), "must lie in 0..6"),
    (dict(pairs=22), "only 21 distinct pairs"),
    (dict(contexts=0), "contexts must be"),
    (dict(max_evaluations=100, pairs=3), "raise max_evaluations"),
    (dict(baselines=0.0), "baseline="),
])
def test_bad_input_is_refused_clearly(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        hs.multi_order(mlp(7, 3), torch.randn(2, 7, dtype=torch.float64), **kwargs)


def test_by_default_200_pairs_or_all_of_them():
    mo = hs.multi_order(mlp(7, 3), torch.randn(1, 7, dtype=torch.float64), orders=[1], contexts=1)
    assert sorted(map(tuple, mo.pairs[0].tolist())) == [(i, j) for i in range(7)
                                                        for j in range(i + 1, 7)]


def test_result_tables_and_figures():
    mo = hs.multi_order(mlp(6, 3), torch.randn(2, 6, dtype=torch.float64), orders=[0, 2, 4],
                        pairs=3, contexts=2)
    frame = mo.to_dataframe()
    assert len(frame) == 2 * 3 * 3 and set(frame["m"]) == {0, 2, 4}
    row = frame.iloc[4]
    assert row["interaction"] == mo.interactions[0, 1, 1] and row["i"] == mo.pairs[0, 1, 0]
    ax = mo.plot(label="a", others={"b": mo})
    assert len(ax.get_lines()) == 2
    np.testing.assert_allclose(ax.get_lines()[0].get_xdata(), np.array([0, 2, 4]) / 6)
    assert "MultiOrderInteractions(samples=2" in repr(mo)
