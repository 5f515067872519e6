"""How a model's game is built: the one definition of the options every entry point takes.

:func:`harsanyi.model_game`, :func:`harsanyi.explain`, :func:`harsanyi.learn_baseline` and
:class:`harsanyi.DynamicsTracker` all take these keywords and pass them on as one
:class:`GameOptions`; a keyword none of them knows is refused before the model runs.
"""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass, fields, replace

__all__ = ["GameOptions", "DEFAULT_MAX_EVALUATIONS", "game_options", "signature_with_options"]

DEFAULT_MAX_EVALUATIONS = 1 << 24

# What users of other attribution libraries pass, and what it is called here.
FOREIGN_NAMES = {
    "baselines": "baseline=",
    "feature_mask": "players=hs.players.feature_mask(mask)",
    "inputs": "x (the second positional argument)",
    "internal_batch_size": "batch_size=",
    "perturbations_per_eval": "batch_size=",
    "n_samples": "nothing: every subset is evaluated exactly",
}


@dataclass(frozen=True)
class GameOptions:
    """The options of a model's game v(S) = output(model(x_S)) (theory.md §1).

    Attributes
    ----------
    players : Players, optional
        How x splits into players (``hs.players``); default one player per feature for
        tabular input.
    baseline : "zero", "mean", "learned", number, Tensor or callable
        What absent players become (:mod:`harsanyi.models.baselines`; theory.md §1, §6).
    data : Tensor, optional
        Inputs to average for ``baseline="mean"`` (also tells the sample shape).
    output : "log-odds", "logit", "prob", "log-prob", "raw" or callable
        The scalar read off the model's output (:mod:`harsanyi.models.outputs`).
    batch_size : int
        Masked inputs per forward pass.
    device : str or torch.device, optional
        Where to run; default the model's device (inputs elsewhere are refused).  Given,
        the inputs are moved there.
    show_progress : bool, optional
        Show a progress bar of model evaluations (default: only for long work).
    additional_forward_args : tuple, optional
        Extra positional arguments for the model (tensors with the batch dimension are
        gathered with the rows).
    embedding : torch.nn.Module, optional
        Mask at this module's output (token players of a text model) instead of the input:
        masked positions get the baseline embedding.
    masked_input : int or str, optional
        The entry of a tuple or dict input that the players split.
    batched : bool, optional
        Whether x has a batch dimension.  By default: x is a batch when it has one more
        dimension than `data`'s samples; for feature, token and ``feature_mask`` players
        (Captum's convention) when it has more dimensions than the player map; for image
        players when it has at least two more (so (C, H, W) is one image and
        (B, C, H, W) a batch).
    max_evaluations : int
        Refuse work above this many model evaluations (B * 2**n).
    """

    players: object = None
    baseline: object = "zero"
    data: object = None
    output: object = "log-odds"
    batch_size: int = 512
    device: object = None
    show_progress: bool | None = None
    additional_forward_args: tuple | None = None
    embedding: object = None
    masked_input: int | str | None = None
    batched: bool | None = None
    max_evaluations: int = DEFAULT_MAX_EVALUATIONS

    def keywords(self, *, exclude=()) -> dict:
        """The options as keyword arguments, without those in `exclude`."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in exclude}

    def replace(self, **changes) -> "GameOptions":
        """A copy with `changes` applied."""
        return replace(self, **changes)


OPTION_NAMES = tuple(f.name for f in fields(GameOptions))


def _unknown(name: str, caller: str, accepted) -> TypeError:
    hint = FOREIGN_NAMES.get(name)
    if hint is None:
        close = difflib.get_close_matches(name, accepted, n=1)
        hint = f"{close[0]}=" if close else None
    advice = f"; use {hint}" if hint else f"; it takes {', '.join(sorted(accepted))}"
    return TypeError(f"{caller}() got an unexpected keyword argument {name!r}{advice}")


def game_options(keywords: dict, caller: str, *, exclude=(), others=()) -> GameOptions:
    """The GameOptions in `keywords`, refusing any name that is neither an option nor in
    `others` (the caller's own keywords, taken out before).

    Parameters
    ----------
    keywords : dict
        The keyword arguments the caller received as ``**options``.
    caller : str
        The public name, for the message.
    exclude : iterable of str
        Options this caller sets itself (refused when given).
    others : iterable of str
        Further names the caller accepts (left for the caller; not refused).
    """
    accepted = [name for name in OPTION_NAMES if name not in exclude] + list(others)
    for name in keywords:
        if name not in accepted:
            raise _unknown(name, caller, accepted)
    return GameOptions(**{k: v for k, v in keywords.items() if k in OPTION_NAMES})


def signature_with_options(function, exclude=(), extra=()):
    """`function`'s signature with its ``**options`` spelled out as the game options and
    the parameters `extra` (keyword-only), so that help() and editors show them."""
    own = inspect.signature(function)
    parameters = [p for p in own.parameters.values() if p.kind != p.VAR_KEYWORD]
    names = {p.name for p in parameters}
    defaults = GameOptions()
    for name in OPTION_NAMES:
        if name not in exclude and name not in names:
            parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY,
                                                default=getattr(defaults, name)))
            names.add(name)
    parameters += [p.replace(kind=p.KEYWORD_ONLY) for p in extra if p.name not in names]
    return own.replace(parameters=parameters)
