"""One call from a model and an input to its interactions."""

from __future__ import annotations

import numpy as np

from .and_or import and_or
from .game import DEFAULT_MAX_EVALUATIONS, ModelGame
from .result import Interactions
from .transforms import and_interactions

__all__ = ["explain", "interactions_of_values", "METHODS"]

METHODS = ("and", "and-or")


def interactions_of_values(values, names, settings: dict, method: str = "and",
                           **solver_options) -> Interactions:
    """Interactions of game values by `method` (see :func:`explain`)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    settings = {**settings, "method": method}
    if method == "and":
        if solver_options:
            raise TypeError(f"method 'and' takes no options {sorted(solver_options)}")
        return Interactions(values, and_interactions(values), None, names, settings)
    split = and_or(values, **solver_options)
    settings["and_or"] = {
        "solver": split.method,
        "noise_bound": solver_options.get("noise_bound", 0.04),
        "absolute_bound": solver_options.get("absolute_bound"),
        "precision": (solver_options.get("precision", "mixed") if split.method == "pdhg"
                      else None),
        "objective": np.atleast_1d(split.objective).tolist(),
        "gap": np.atleast_1d(split.gap).tolist(),
        "iterations": np.atleast_1d(split.iterations).tolist(),
        "converged": np.atleast_1d(split.converged).tolist(),
    }
    return Interactions(values, split.and_interactions, split.or_interactions, names, settings,
                        {"noise": split.noise, "gamma": split.gamma})


def explain(model, x, target=None, *, players=None, baseline="zero", data=None,
            output="log-odds", method: str = "and", batch_size: int = 512, device=None,
            show_progress=None, additional_forward_args=None, embedding=None,
            masked_input=None, batched=None, max_evaluations=DEFAULT_MAX_EVALUATIONS,
            **solver_options) -> Interactions:
    """Interactions of a PyTorch model on one input or a batch.

    Builds the game with :func:`harsanyi.model_game` (see there for every argument but
    `method` and the solver options), evaluates it on all 2**n subsets and decomposes it.

    Parameters
    ----------
    method : {"and", "and-or"}
        ``"and"``: AND (Harsanyi) interactions of the game (theory.md §2);
        ``"and-or"``: the sparsest AND-OR decomposition (theory.md §4), by
        :func:`harsanyi.and_or`.
    **solver_options
        For ``"and-or"``: ``noise_bound``, ``absolute_bound``, ``tol``, ``max_iter``,
        ``method`` ("pdhg" or "sgd"), ... as for :func:`harsanyi.and_or`.

    Returns
    -------
    Interactions
        Values and interactions by mask, names, and the settings that produced them.

    Examples
    --------
    >>> import torch, harsanyi as hs
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3))
    >>> res = hs.explain(model, torch.ones(4), players=hs.players.features(4))
    >>> res.and_interactions.shape
    (16,)
    """
    game = ModelGame(model, x, target, players=players, baseline=baseline, data=data,
                     output=output, batch_size=batch_size, device=device,
                     show_progress=show_progress, additional_forward_args=additional_forward_args,
                     embedding=embedding, masked_input=masked_input, batched=batched,
                     max_evaluations=max_evaluations)
    return interactions_of_values(game.values(), game.players.names, game.settings(), method,
                                  **solver_options)
