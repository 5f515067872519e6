"""One definition of the game options: every entry point takes it, shows it and refuses
anything else before the model runs."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import harsanyi as hs  # noqa: E402
import models  # noqa: E402
from harsanyi.models.options import OPTION_NAMES, GameOptions  # noqa: E402


class CountingModel(torch.nn.Module):
    """A linear model that counts its forward passes."""

    def __init__(self, features=4):
        super().__init__()
        self.net = torch.nn.Linear(features, 3).double()
        self.calls = 0

    def forward(self, x):
        self.calls += 1
        return self.net(x)


def entry_points(model, x):
    return {
        "model_game": lambda **kw: hs.model_game(model, x, **kw),
        "explain": lambda **kw: hs.explain(model, x, **kw),
        "learn_baseline": lambda **kw: hs.learn_baseline(model, x, steps=1, **kw),
        "DynamicsTracker": lambda **kw: hs.DynamicsTracker(model, x[None], **kw),
    }


@pytest.mark.parametrize("caller", ["model_game", "explain", "learn_baseline",
                                    "DynamicsTracker"])
@pytest.mark.parametrize("keyword, advice", [
    ("baselines", "baseline="),
    ("feature_mask", r"players=hs\.players\.feature_mask\(mask\)"),
    ("perturbations_per_eval", "batch_size="),
    ("batchsize", "batch_size="),
    ("devise", "device="),
])
def test_unknown_keywords_are_refused_before_the_model_runs(caller, keyword, advice):
    model = CountingModel()
    x = torch.randn(4, dtype=torch.float64)
    call = entry_points(model, x)[caller]
    message = rf"{caller}\(\) got an unexpected keyword argument '{keyword}'; use {advice}"
    if (caller, keyword) == ("DynamicsTracker", "baselines"):  # its baseline models (§10)
        message = r"takes baselines= as the baseline models .*; for what absent players " \
                  r"become, use baseline="
    with pytest.raises(TypeError, match=message):
        call(**{keyword: 1})
    assert model.calls == 0


def test_a_keyword_with_no_near_name_lists_what_is_accepted():
    with pytest.raises(TypeError, match="it takes .*baseline.*players"):
        hs.model_game(CountingModel(), torch.randn(4, dtype=torch.float64), zzz=1)


def test_explain_refuses_solver_options_of_method_and_before_the_model_runs():
    model = CountingModel()
    with pytest.raises(TypeError, match="takes no options"):
        hs.explain(model, torch.randn(4, dtype=torch.float64), method="and", tol=1e-3)
    with pytest.raises(ValueError, match="unknown method"):
        hs.explain(model, torch.randn(4, dtype=torch.float64), method="or")
    assert model.calls == 0


@pytest.mark.parametrize("function, absent", [
    (lambda: hs.model_game, ()),
    (lambda: hs.explain, ()),
    (lambda: hs.learn_baseline, ("baseline", "embedding")),
    (lambda: hs.DynamicsTracker, ("batched",)),
])
def test_signatures_spell_out_the_options(function, absent):
    parameters = inspect.signature(function()).parameters
    for name in OPTION_NAMES:
        assert (name in parameters) == (name not in absent), name
    assert parameters["batch_size"].default == GameOptions().batch_size


def test_explain_signature_shows_the_solver_options():
    parameters = inspect.signature(hs.explain).parameters
    assert {"noise_bound", "solver", "tol", "max_iter", "warm_start"} <= set(parameters)
    assert "values" not in parameters


def test_the_options_reach_the_game():
    model = models.mlp(4)
    x = torch.randn(3, 4, dtype=torch.float64)
    game = hs.model_game(model, x, target=0, baseline=0.5, batch_size=5, output="logit")
    assert game.options == GameOptions(baseline=0.5, batch_size=5, output="logit")
    assert game.batch_size == 5 and game.settings()["output"] == "logit"


def test_a_learned_baseline_is_fitted_before_the_game_is_built():
    model = models.mlp(4)
    x = torch.randn(4, dtype=torch.float64)
    game = hs.model_game(model, x, target=0, baseline="learned")
    assert isinstance(game.options.baseline, torch.Tensor)
    assert game.settings()["baseline"] == {"kind": "learned"}
    with pytest.raises(ValueError, match="embedding="):
        hs.model_game(model, x, target=0, baseline="learned", embedding=torch.nn.Identity())


def test_the_solver_options_are_recorded_as_solved():
    model = models.mlp(4)
    x = torch.randn(4, dtype=torch.float64)
    result = hs.explain(model, x, target=0, method="and-or", tol=1e-3)
    record = result.settings["and_or"]
    assert record["solver"] == "pdhg"
    assert record["noise_bound"] == 0.04 and record["tol"] == 1e-3  # the default, recorded
    assert record["precision"] == "mixed" and record["max_iter"] == 200_000
    split = hs.and_or(np.random.default_rng(0).standard_normal((2, 8)), solver="sgd",
                      iterations=5, absolute_bound=np.array([0.1, 0.2]))
    assert split.solver == "sgd"
    assert split.options == {"noise_bound": 0.04, "absolute_bound": [0.1, 0.2], "lr": 1e-4,
                             "iterations": 5, "momentum": 0.9, "fold_singletons": True}


def test_a_game_built_directly_is_told_where_a_learned_baseline_comes_from():
    from harsanyi.models.options import GameOptions

    with pytest.raises(ValueError, match="hs.model_game or hs.explain"):
        hs.ModelGame(models.mlp(4), torch.randn(4, dtype=torch.float64), 0,
                     GameOptions(baseline="learned"))
