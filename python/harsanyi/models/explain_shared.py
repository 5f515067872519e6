"""Interactions of several models on the same inputs, extracted jointly (theory.md §9)."""

from __future__ import annotations

import inspect

import numpy as np
import torch

from ..result import Interactions
from ..shared_and_or import shared_and_or
from .explain import build_game
from .options import game_options, signature_with_options

__all__ = ["explain_shared", "SHARED_OPTIONS"]

# What explain_shared passes on to hs.shared_and_or.
SHARED_OPTIONS = tuple(name for name in inspect.signature(shared_and_or).parameters
                       if name not in ("values", "show_progress", "check_finite"))


def explain_shared(models, x, target=None, **options) -> list:
    """AND-OR interactions of m models on the same inputs, extracted jointly (theory.md §9).

    Each model's game is built as :func:`harsanyi.model_game` builds it, with the same
    players, baseline and output; :func:`harsanyi.shared_and_or` then splits the m games
    together, so that the models' explanations use the same concepts where they can.

    Parameters
    ----------
    models : sequence of torch.nn.Module or callable
        m >= 1 models with the same input and output spaces.
    x : Tensor, tuple or dict of Tensors
        One input or a batch.
    target : int, sequence or Tensor, optional
        The class explained, the same for every model; default: the class the first
        model predicts, so that every model explains the same class.
    **options
        The game options of :func:`harsanyi.model_game`, and those of
        :func:`harsanyi.shared_and_or`: ``noise_bound`` (0.02), ``alpha`` (0.1),
        ``gamma_ratio`` (0.5), ``solver`` ("pdhg", "exact" or "sgd"), ``tol`` (1e-4; 0:
        exact), ``max_iter``, ``lr``, ``iterations``, ``momentum``.

    Returns
    -------
    list of Interactions
        One per model; its ``settings["shared"]`` records the joint solve and its
        ``extra`` the noise and the split.
    """
    models = list(models)
    if not models:
        raise ValueError("explain_shared needs at least one model")
    settings = game_options(options, "explain_shared", others=SHARED_OPTIONS)
    joint = {k: v for k, v in options.items() if k in SHARED_OPTIONS}
    games = [build_game(models[0], x, target, settings)]
    values = [games[0].values()]
    if target is None:
        target = torch.as_tensor(games[0].targets)
        target = target if games[0].batched else int(target[0])
    for model in models[1:]:
        games.append(build_game(model, x, target, settings))
        values.append(games[-1].values())
    split = shared_and_or(np.stack(values), show_progress=settings.show_progress, **joint)
    record = {"solver": split.solver, **split.options, "models": len(models),
              "objective": np.atleast_1d(split.objective).tolist(),
              "gap": np.atleast_1d(split.gap).tolist()}
    return [Interactions(values[i], split.and_interactions[i], split.or_interactions[i],
                         game.players.names,
                         {**game.settings(), "method": "shared-and-or", "shared": record},
                         {"noise": split.noise[i], "gamma": split.gamma[i]})
            for i, game in enumerate(games)]


explain_shared.__signature__ = signature_with_options(
    explain_shared, extra=[p for name, p in inspect.signature(shared_and_or).parameters.items()
                           if name in SHARED_OPTIONS])
