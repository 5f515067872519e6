"""From a model and an input to its game (:func:`model_game`) or its interactions (:func:`explain`)."""

from __future__ import annotations

import inspect

import numpy as np

from ..and_or import and_or
from ..result import Interactions
from ..transforms import and_interactions
from .distributed import active_ranks
from .explain_ranks import ALONE, explain_on_ranks
from .game import ModelGame
from .learned_baseline import with_learned_baseline
from .options import game_options, signature_with_options

__all__ = ["model_game", "explain", "METHODS", "SOLVER_OPTIONS"]

METHODS = ("and", "and-or")
# What explain passes on to hs.and_or (its progress bar is the game's).
SOLVER_OPTIONS = tuple(name for name, p in inspect.signature(and_or).parameters.items()
                       if name not in ("values", "show_progress"))


def build_game(model, x, target, options) -> ModelGame:
    """The game of `options` (a GameOptions), with a learned baseline fitted first."""
    options, baseline_kind = with_learned_baseline(model, x, target, options)
    return ModelGame(model, x, target, options, baseline_kind=baseline_kind)


def model_game(model, x, target=None, **options) -> ModelGame:
    """The game v(S) = output(model(x_S)) of a PyTorch model over all subsets of players.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Takes a batch and returns logits (Hugging Face outputs with ``.logits`` and tuples
        whose first entry is the logits are read too).
    x : Tensor, tuple or dict of Tensors
        One input or a batch.  For a tuple or dict, `masked_input` names the entry the
        players split; the other entries ride along unmasked.
    target : int, sequence or Tensor, optional
        The class explained, one for all samples or one per sample; default: the class
        the model predicts for x.  Unused for ``output="raw"``.  For the built-in
        outputs the model's logits on x are those of the full-subset rows (x_N = x), so
        the targets are found and checked while :meth:`ModelGame.values` runs, with no
        pass of their own: a target out of range, or logits that are not
        (batch, classes), raise there.
    **options
        How the game is built: ``players``, ``baseline``, ``data``, ``output``,
        ``batch_size``, ``device``, ``show_progress``, ``additional_forward_args``,
        ``embedding``, ``masked_input``, ``batched``, ``max_evaluations``; each is
        described in :class:`~harsanyi.models.options.GameOptions`.  Any other keyword
        is refused (captum's ``baselines=`` and ``feature_mask=`` with the name to use).

    Returns
    -------
    ModelGame
        Call ``.values()`` for the (B, 2**n) or (2**n,) array of v(S).
    """
    return build_game(model, x, target, game_options(options, "model_game"))


model_game.__signature__ = signature_with_options(model_game)


def _interactions_of_values(values, names, settings: dict, method: str,
                            solver_options: dict, split=None, ands=None) -> Interactions:
    """Interactions of game values by a checked `method` (see :func:`explain`); `split` or
    `ands` when they are already computed."""
    settings = {**settings, "method": method}
    if method == "and":
        ands = and_interactions(values) if ands is None else ands
        return Interactions(values, ands, None, names, settings)
    split = and_or(values, **solver_options) if split is None else split
    settings["and_or"] = {
        "solver": split.solver, **split.options,
        "objective": np.atleast_1d(split.objective).tolist(),
        "gap": np.atleast_1d(split.gap).tolist(),
        "iterations": np.atleast_1d(split.iterations).tolist(),
        "converged": np.atleast_1d(split.converged).tolist(),
    }
    return Interactions(values, split.and_interactions, split.or_interactions, names, settings,
                        {"noise": split.noise, "gamma": split.gamma})


def explain(model, x, target=None, *, method: str = "and", distributed=None, group=None,
            gather: str = "all", **options) -> Interactions:
    """Interactions of a PyTorch model on one input or a batch.

    Builds the game with :func:`harsanyi.model_game`, evaluates it on all 2**n subsets and
    decomposes it.  Every keyword is checked before the model runs.

    Parameters
    ----------
    model, x, target
        As for :func:`harsanyi.model_game`.
    method : {"and", "and-or"}
        ``"and"``: AND (Harsanyi) interactions of the game (theory.md §2);
        ``"and-or"``: the sparsest AND-OR decomposition (theory.md §4), by
        :func:`harsanyi.and_or`.
    distributed : bool, optional
        Under an initialised ``torch.distributed`` process group (None: whenever there is
        one; False: never; True: require one), each rank evaluates and splits an equal
        share of the samples and the shares are gathered: every rank gets the same result.
        One input (not a batch) is explained by every rank alone.
    group : ProcessGroup, optional
        The group to share with (default the whole world).
    gather : {"all", "rank0"}
        Return the result on every rank, or on rank 0 only (None elsewhere).
    **options
        The game's options, as for :func:`harsanyi.model_game`, and for ``"and-or"`` the
        options of :func:`harsanyi.and_or`: ``noise_bound``, ``absolute_bound``,
        ``solver`` ("pdhg" or "sgd"), ``tol``, ``max_iter``, ``precision``, ...

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
    settings = game_options(options, "explain", others=SOLVER_OPTIONS)
    solver_options = {k: v for k, v in options.items() if k in SOLVER_OPTIONS}
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {METHODS}")
    if method == "and" and solver_options:
        raise TypeError(f"method 'and' takes no options {sorted(solver_options)} of the "
                        "solver; they are for method='and-or'")
    if gather not in ("all", "rank0"):
        raise ValueError(f"gather must be 'all' or 'rank0', got {gather!r}")
    ranks = active_ranks(distributed, group)
    if ranks is not None:
        settings, baseline_kind = with_learned_baseline(model, x, target, settings)
        shared = explain_on_ranks(ranks, model, x, target, method, settings, solver_options,
                                  baseline_kind, gather)
        if shared is None:  # gathered on rank 0 only
            return None
        if shared is not ALONE:
            values, ands, split, recorded, names = shared
            return _interactions_of_values(values, names, recorded, method, solver_options,
                                           split=split, ands=ands)
    game = build_game(model, x, target, settings)
    return _interactions_of_values(game.values(), game.players.names, game.settings(), method,
                                   solver_options)


explain.__signature__ = signature_with_options(
    explain, extra=[p for name, p in inspect.signature(and_or).parameters.items()
                    if name in SOLVER_OPTIONS])
