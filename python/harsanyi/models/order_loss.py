"""Losses that train a network toward or away from interactions of some orders (theory.md §8,
ICLR'22 representation bottleneck)."""

from __future__ import annotations

import torch

from .masked_model import MaskedModel
from .options import game_options, signature_with_options
from .outputs import logits_of

__all__ = ["order_loss"]

# Game options that do not apply to a loss on logits.
NOT_FOR_LOSS = ("output", "batch_size", "show_progress", "max_evaluations")


def order_loss(model, x, y, low: float, high: float, *, encourage: bool = True,
               generator: torch.Generator | None = None, **options) -> torch.Tensor:
    """The loss L⁺ (encourage) or L⁻ (penalise) of interactions of orders in [low, high]·n.

    One random permutation of the players is drawn for the batch; S1 holds its first
    ⌊low·n⌋ players and S2 its first ⌊high·n⌋ (S1 ⊂ S2).  On the logits f,
    ``Δv = f(x_S2) - (high/low) f(x_S1)`` (for low = 0: ``f(x_S2) - f(x_∅)``).  Encouraging,
    ``L⁺ = CE(Δv, y)``; penalising, ``L⁻ = -Entropy(softmax(Δv))``, both averaged over the
    batch.  Add ``λ·L`` (λ = 1 in the paper) to the task loss.  The published models: a
    mid-order model encourages (0.3, 0.7); a low-order one penalises (0.7, 1.0); a
    high-order one penalises (0, 0.5).

    Parameters
    ----------
    model : torch.nn.Module or callable
        Returns logits (batch, classes).  Its mode is left as it is (training, usually).
    x : Tensor, tuple or dict of Tensors
        A batch of inputs.
    y : LongTensor, shape (batch,)
        Labels.
    low, high : float
        Order ratios r1 < r2 in [0, 1].
    encourage : bool, default True
        L⁺ (True) or L⁻ (False).
    generator : torch.Generator, optional
        Draws the permutation (default: PyTorch's global generator).
    **options
        How x is masked, as for :func:`harsanyi.model_game`: ``players`` (default one per
        feature of a tabular batch), ``baseline``, ``data``, ``device``,
        ``additional_forward_args``, ``embedding``, ``masked_input``, ``batched``
        (default True: x is a batch).

    Returns
    -------
    Tensor
        A scalar with gradients to the model's parameters.
    """
    if not (0.0 <= float(low) < float(high) <= 1.0):
        raise ValueError(f"order ratios need 0 <= low < high <= 1, got low={low}, high={high}")
    settings = game_options(options, "order_loss", exclude=NOT_FOR_LOSS)
    if settings.batched is None:
        settings = settings.replace(batched=True)
    if isinstance(settings.baseline, str) and settings.baseline == "learned":
        raise ValueError("order_loss takes a fixed baseline; fit one first with "
                         "hs.learn_baseline and pass the tensor")
    masked = MaskedModel(model, x, None, settings.replace(output="logit"))
    n, samples = masked.n_players, masked.n_samples
    y = torch.as_tensor(y, device=masked.device)
    if y.shape != (samples,) or y.dtype not in (torch.int64, torch.int32):
        raise ValueError(f"y must hold one integer label per sample, shape ({samples},), got "
                         f"{tuple(y.shape)} of {y.dtype}")
    order = torch.randperm(n, generator=generator).to(masked.device)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(n, device=masked.device)
    sizes = (int(low * n + 1e-9), int(high * n + 1e-9))
    present = torch.stack([rank < sizes[1], rank < sizes[0]])  # S2, S1
    sample = torch.arange(samples, device=masked.device)
    with masked.masking():
        logits = logits_of(masked.forward_present(sample.repeat(2),
                                                  present.repeat_interleave(samples, 0)))
    if logits.ndim != 2 or logits.shape[0] != 2 * samples:
        raise ValueError(f"order_loss needs logits of shape (batch, classes); the model "
                         f"returned {tuple(logits.shape)} for {2 * samples} rows")
    weight = high / low if low > 0 else 1.0
    delta = logits[:samples] - weight * logits[samples:]
    if encourage:
        return torch.nn.functional.cross_entropy(delta, y.long())
    log_p = torch.log_softmax(delta, dim=1)
    return (log_p.exp() * log_p).sum(dim=1).mean()


order_loss.__signature__ = signature_with_options(order_loss, exclude=NOT_FOR_LOSS)
