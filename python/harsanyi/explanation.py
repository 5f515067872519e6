"""One call from a model and an input to its interactions."""

from __future__ import annotations

from .game import DEFAULT_MAX_EVALUATIONS, ModelGame
from .result import Interactions
from .transforms import and_interactions

__all__ = ["explain", "METHODS"]

METHODS = ("and",)


def interactions_of_game(game: ModelGame, method: str = "and", **solver_options) -> Interactions:
    """Interactions of an already built game by `method` (see :func:`explain`)."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    if solver_options:
        raise TypeError(f"method {method!r} takes no options {sorted(solver_options)}")
    values = game.values()
    settings = {**game.settings(), "method": method}
    return Interactions(values, and_interactions(values), None, game.players.names, settings)


def explain(model, x, target=None, *, players=None, baseline="zero", data=None,
            output="log-odds", method: str = "and", batch_size: int = 512, device=None,
            show_progress=None, additional_forward_args=None, embedding=None,
            masked_input=None, batched=None, max_evaluations=DEFAULT_MAX_EVALUATIONS,
            **solver_options) -> Interactions:
    """Interactions of a PyTorch model on one input or a batch.

    Builds the game with :func:`harsanyi.model_game` (see there for every argument but
    `method`), evaluates it on all 2**n subsets and transforms it.

    Parameters
    ----------
    method : {"and"}
        ``"and"``: AND (Harsanyi) interactions of the game (theory.md §2).

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
    return interactions_of_game(game, method, **solver_options)
