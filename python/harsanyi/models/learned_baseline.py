"""A baseline learned to make the AND interactions sparse (theory.md §6, CVPR'23).

Gradient descent on the baseline b minimises ``Σ_S |I_and(S | b)|``.  The gradient of that
sum with respect to the values is ``Mᵀ sign(I_and)`` (M the Möbius transform), one
transposed butterfly, so each step costs two sweeps of model evaluations and no dense matrix.
"""

from __future__ import annotations

import numpy as np
import torch

from .._progress import progress_bar
from ..transforms import and_interactions
from .game import ModelGame
from .options import GameOptions, game_options, signature_with_options
from .values import evaluation_mode

__all__ = ["learn_baseline", "with_learned_baseline"]

# Options the learned baseline sets itself.
OWN_OPTIONS = ("baseline", "embedding", "show_progress")


def learn_baseline(model, x, target=None, *, init=None, steps: int = 50, lr: float = 1e-3,
                   lr_end: float = 1e-4, bounds=None, show_progress=None,
                   return_history: bool = False, **options):
    """Fit a baseline that minimises the L1 norm of the AND interactions (theory.md §6).

    Parameters
    ----------
    model, x, target
        As for :func:`harsanyi.model_game`.
    **options
        The game's options (:class:`~harsanyi.models.options.GameOptions`) but
        ``baseline``, ``embedding`` and ``show_progress``: ``players``, ``data``,
        ``output``, ``batch_size``, ``device``, ``additional_forward_args``,
        ``masked_input``, ``batched``, ``max_evaluations``.
    init : baseline, optional
        Where to start (any ``baseline=`` of :func:`harsanyi.model_game`); default
        ``"mean"`` when `data` is given, else ``"zero"``.
    steps : int, default 50
        Gradient steps.
    lr, lr_end : float, default 1e-3 and 1e-4
        The learning rate decays log-uniformly from `lr` to `lr_end`.
    bounds : (low, high), optional
        Numbers or tensors the baseline is clamped to after each step; default the
        per-element range of `data` if given, else of x and the initial baseline together.
    show_progress : bool, optional
        Show a progress bar over the steps.
    return_history : bool, default False
        Also return the objective ``Σ_S |I_and(S)|`` (summed over samples) before each step
        and after the last.

    Returns
    -------
    Tensor
        The baseline, shaped like the initial one (one input, or one per sample).
    list of float
        With ``return_history=True``, the objective at each step.
    """
    game_settings = game_options(options, "learn_baseline", exclude=OWN_OPTIONS)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ValueError(f"steps must be a non-negative integer, got {steps!r}")
    if not (lr > 0 and lr_end > 0):
        raise ValueError("lr and lr_end must be positive")
    data = game_settings.data
    if init is None:
        init = "mean" if data is not None else "zero"
    if isinstance(init, str) and init == "learned":
        raise ValueError("init cannot be 'learned'")
    game = ModelGame(model, x, target, game_settings.replace(baseline=init, show_progress=False))
    if not game.inputs.masked.dtype.is_floating_point:
        raise TypeError("a learned baseline needs floating-point inputs (mask token embeddings "
                        "with a tensor baseline instead)")
    base = game.baseline.detach().clone()
    low, high = _bounds(bounds, game, base, data)
    history = []
    rates = np.geomspace(lr, lr_end, steps) if steps > 1 else np.array([lr] * steps)
    with evaluation_mode(model), progress_bar(steps, "learning the baseline", show_progress,
                                              unit="step") as bar:
        for rate in rates:
            loss, grad = objective_and_gradient(game, base)
            history.append(loss)
            base = torch.clamp(base - float(rate) * grad, low, high)
            bar.update()
            bar.set_postfix_str(f"Σ|I| = {loss:.4g}")
        if return_history:
            history.append(objective_and_gradient(game, base, gradient=False)[0])
    return (base, history) if return_history else base


learn_baseline.__signature__ = signature_with_options(learn_baseline, exclude=OWN_OPTIONS)


def with_learned_baseline(model, x, target, options: GameOptions):
    """`options` with ``baseline="learned"`` replaced by the fitted baseline, and the kind
    of baseline to record ("learned", or None when `options` did not ask for one)."""
    if not (isinstance(options.baseline, str) and options.baseline == "learned"):
        return options, None
    if options.embedding is not None:
        raise ValueError("with embedding=, baseline must be 'zero', 'mean', a token id or a "
                         "tensor of embeddings")
    base = learn_baseline(model, x, target, **options.keywords(exclude=OWN_OPTIONS))
    return options.replace(baseline=base), "learned"


def objective_and_gradient(game: ModelGame, base: torch.Tensor, gradient: bool = True):
    """``Σ_S |I_and(S)|`` (over all samples) at baseline `base`, and its gradient in `base`.

    The caller puts the model in eval mode.  The gradient needs a second sweep of model
    evaluations, chunk by chunk, weighted by ``d(Σ|I|)/dv = Mᵀ sign(I_and)``.
    """
    n, samples = game.n_players, game.n_samples
    chunks = torch.arange(game.evaluations, device=game.device).split(game.batch_size)
    with torch.no_grad():
        v = torch.cat([game.evaluate(c >> n, c & ((1 << n) - 1), base) for c in chunks])
    interactions = and_interactions(v.reshape(samples, 1 << n).cpu().numpy())
    loss = float(np.abs(interactions).sum())
    if not gradient:
        return loss, None
    weights = torch.as_tensor(and_interactions(np.sign(interactions), transpose=True).reshape(-1),
                              device=game.device).split(game.batch_size)
    base = base.detach().requires_grad_(True)
    grad = torch.zeros_like(base)
    with torch.enable_grad():
        for chunk, w in zip(chunks, weights):
            v = game.evaluate(chunk >> n, chunk & ((1 << n) - 1), base)
            # autograd.grad leaves the model's own .grad untouched.
            grad += torch.autograd.grad((v * w).sum(), base)[0]
    return loss, grad


def _bounds(bounds, game, base, data):
    """The clamp range as tensors broadcastable to the baseline."""
    def as_tensor(value):
        return torch.as_tensor(value, dtype=base.dtype, device=base.device)

    if bounds is not None:
        low, high = (as_tensor(b) for b in bounds)
    elif data is not None:
        data = as_tensor(data)
        low, high = data.amin(dim=0), data.amax(dim=0)
    else:
        x = game.inputs.masked
        low = torch.minimum(x.amin(dim=0), base.amin(dim=0) if base.ndim == x.ndim else base)
        high = torch.maximum(x.amax(dim=0), base.amax(dim=0) if base.ndim == x.ndim else base)
    if bool((low > high).any()):
        raise ValueError("bounds must satisfy low <= high")
    return low, high
