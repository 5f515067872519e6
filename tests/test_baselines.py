"""Baselines: constant, mean, tensors, callables, and the learned one of theory §6."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
import models  # noqa: E402


def x_and_model():
    return torch.tensor([0.5, -2.0, 1.5, 0.2], dtype=torch.float64), models.mlp(4)


def test_mean_of_data():
    x, model = x_and_model()
    data = torch.randn(40, 4, dtype=torch.float64)
    game = hs.model_game(model, x, target=0, baseline="mean", data=data)
    torch.testing.assert_close(game.masked_row(0), data.mean(0))


def test_damped_and_shift():
    x, model = x_and_model()
    game = hs.model_game(model, x, target=0, baseline=hs.baselines.damped(0.25))
    torch.testing.assert_close(game.masked_row(0), 0.25 * x)
    game = hs.model_game(model, x, target=0, baseline=hs.baselines.shift(1.0))
    torch.testing.assert_close(game.masked_row(0),
                               torch.tensor([0.0, -1.0, 0.5, 0.0], dtype=torch.float64))
    game = hs.model_game(model, x, target=0, baseline=hs.baselines.shift(1.0, stop_at_zero=False))
    torch.testing.assert_close(game.masked_row(0),
                               torch.tensor([-0.5, -1.0, 0.5, -0.8], dtype=torch.float64))
    assert game.settings()["baseline"] == {"kind": "shift", "tau": 1.0, "stop_at_zero": False}


def test_per_sample_tensor_baseline():
    model = models.mlp(4)
    x = torch.randn(3, 4, dtype=torch.float64)
    base = torch.randn(3, 4, dtype=torch.float64)
    batched = hs.model_game(model, x, target=1, baseline=base).values()
    for i in range(3):
        single = hs.model_game(model, x[i], target=1, baseline=base[i]).values()
        np.testing.assert_allclose(batched[i], single, atol=1e-13)


class TestLearnedBaseline:
    def test_objective_falls_and_bounds_hold(self):
        model = models.mlp(5, seed=3)
        x = torch.randn(2, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
        base, history = hs.learn_baseline(model, x, target=0, steps=40, lr=0.3, lr_end=0.03,
                                          bounds=(-1.0, 1.0), return_history=True)
        assert base.shape == (5,)
        assert history[-1] < 0.8 * history[0]
        assert bool((base >= -1).all() and (base <= 1).all())
        assert all(p.grad is None for p in model.parameters())

    def test_gradient_matches_finite_differences(self):
        from harsanyi.models.values import evaluation_mode
        from harsanyi.models.learned_baseline import objective_and_gradient

        model = models.mlp(4, seed=1)
        x = torch.randn(2, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
        game = hs.model_game(model, x, target=1, baseline=0.1)
        base = torch.tensor([0.3, -0.2, 0.1, 0.4], dtype=torch.float64)
        direction = torch.tensor([1.0, -2.0, 0.5, 0.3], dtype=torch.float64)
        with evaluation_mode(model):
            _, grad = objective_and_gradient(game, base)
            eps = 1e-6
            up = objective_and_gradient(game, base + eps * direction, gradient=False)[0]
            down = objective_and_gradient(game, base - eps * direction, gradient=False)[0]
        assert (up - down) / (2 * eps) == pytest.approx(float(grad @ direction), rel=1e-5)

    def test_learned_in_model_game(self):
        x, model = x_and_model()
        game = hs.model_game(model, x, target=0, baseline="learned")
        assert game.settings()["baseline"] == {"kind": "learned"}
        assert game.values().shape == (16,)

    def test_bad_arguments(self):
        x, model = x_and_model()
        with pytest.raises(ValueError, match="steps"):
            hs.learn_baseline(model, x, steps=-1)
        with pytest.raises(ValueError, match="positive"):
            hs.learn_baseline(model, x, lr=0.0)
