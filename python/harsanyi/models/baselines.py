"""Baselines: the values that stand in for absent players (theory.md §1).

:func:`harsanyi.model_game` accepts ``baseline=`` as

- ``"zero"``: zeros (for token ids: id 0);
- ``"mean"``: the mean of ``data`` over its first axis (the dataset mean);
- a number, or a tensor broadcastable to one input or to the batch;
- a callable ``f(x) -> baseline`` on the batch, e.g. :func:`damped` or :func:`shift`;
- ``"learned"``: fitted by :func:`harsanyi.learn_baseline` (theory.md §6).

With ``embedding=`` (masking at an embedding module's output) it is an embedding instead:
``"zero"``, ``"mean"`` (of the embedded ``data``), a token id, or a tensor of embeddings.
"""

from __future__ import annotations

import numpy as np
import torch

from .._validation import shapes_broadcast

__all__ = ["damped", "shift", "resolve_baseline", "resolve_embedding_baseline",
           "describe_baseline"]


def damped(factor: float = 0.5):
    """The damped input ``factor * x`` as a baseline.

    Parameters
    ----------
    factor : float
        λ in ``b = λ x``; 0 gives the zero baseline.
    """
    factor = float(factor)

    def baseline(x):
        return factor * x

    baseline.describe = {"kind": "damped", "factor": factor}
    return baseline


def shift(tau: float = 1.0, stop_at_zero: bool = True):
    """Every feature moved toward 0 by τ (the tabular baseline of the papers' code, τ = 1).

    Parameters
    ----------
    tau : float
        How far each feature moves.
    stop_at_zero : bool, default True
        Features closer to 0 than τ become 0 instead of crossing it
        (``sign(x) max(|x| - τ, 0)``); with False, ``x - τ sign(x)``.
    """
    tau = float(tau)

    def baseline(x):
        moved = x - tau * torch.sign(x)
        return torch.where(x.abs() < tau, torch.zeros_like(x), moved) if stop_at_zero else moved

    baseline.describe = {"kind": "shift", "tau": tau, "stop_at_zero": stop_at_zero}
    return baseline


def describe_baseline(baseline) -> dict:
    """A JSON-serialisable record of a baseline argument."""
    if isinstance(baseline, str):
        return {"kind": baseline}
    if isinstance(baseline, (int, float)):
        return {"kind": "constant", "value": baseline}
    if isinstance(baseline, torch.Tensor):
        return {"kind": "tensor", "shape": list(baseline.shape)}
    if callable(baseline):
        return dict(getattr(baseline, "describe", {"kind": "callable",
                                                   "name": getattr(baseline, "__name__", "?")}))
    return {"kind": type(baseline).__name__}


def resolve_baseline(baseline, x: torch.Tensor, data) -> torch.Tensor:
    """The baseline as a tensor on x's device that broadcasts against the batch x.

    Parameters
    ----------
    baseline : str, number, Tensor or callable
        See the module docstring (``"learned"`` is resolved by the caller).
    x : Tensor, shape (B, ...)
        The batch of inputs the players split.
    data : Tensor or None
        Inputs to average for ``"mean"``.
    """
    sample_shape = tuple(x.shape[1:])
    integer = not (x.dtype.is_floating_point or x.dtype.is_complex)
    if isinstance(baseline, str):
        if baseline == "zero":
            return torch.zeros(sample_shape, dtype=x.dtype, device=x.device)
        if baseline == "mean":
            if data is None:
                raise ValueError("baseline='mean' needs data=: the inputs (e.g. the training "
                                 "set) to average over")
            if integer:
                raise ValueError("baseline='mean' is not defined for integer inputs (token ids): "
                                 "give a baseline token id, or mask at the embedding layer")
            data = torch.as_tensor(data).to(device=x.device, dtype=x.dtype)
            if tuple(data.shape[1:]) != sample_shape:
                raise ValueError(f"data has samples of shape {tuple(data.shape[1:])} but x has "
                                 f"samples of shape {sample_shape}")
            return data.mean(dim=0)
        raise ValueError(f"unknown baseline {baseline!r}; use 'zero', 'mean', 'learned', a "
                         "number, a tensor or a callable")
    if callable(baseline) and not isinstance(baseline, torch.Tensor):
        resolved = baseline(x)
        what = "the baseline callable's result"
    else:
        resolved = baseline
        what = "baseline"
    resolved = torch.as_tensor(resolved)
    if integer and (resolved.dtype.is_floating_point or resolved.dtype.is_complex):
        raise TypeError(f"x holds integers (token ids) but {what} is {resolved.dtype}; give a "
                        "token id, or mask at the embedding layer with embedding=")
    resolved = resolved.to(device=x.device, dtype=x.dtype)
    if not shapes_broadcast(resolved.shape, x.shape):
        raise ValueError(f"{what} has shape {tuple(resolved.shape)}, which does not broadcast "
                         f"to the inputs of shape {tuple(x.shape)}")
    if resolved.dtype.is_floating_point and not bool(torch.isfinite(resolved).all()):
        raise ValueError(f"{what} contains NaN or Inf")
    return resolved


def resolve_embedding_baseline(module, baseline, x: torch.Tensor, data) -> torch.Tensor:
    """The embedding that masked positions take when masking at `module`'s output.

    Parameters
    ----------
    module : torch.nn.Module
        The embedding module; it maps a batch of x to (batch, length, dim).
    baseline : "zero", "mean", int or Tensor
        See the module docstring.
    x : Tensor, shape (B, length)
        The batch of token ids the players split.
    data : Tensor or None
        Token ids to embed and average for ``"mean"``.
    """
    if not isinstance(module, torch.nn.Module):
        raise TypeError("embedding= must be the torch.nn.Module whose output is masked")
    with torch.no_grad():
        probe = module(x[:1])
        if not isinstance(probe, torch.Tensor) or probe.ndim != 3:
            raise ValueError("the embedding module must return (batch, length, dim) tensors, "
                             f"got {getattr(probe, 'shape', type(probe).__name__)}")
        if isinstance(baseline, str) and baseline == "zero":
            return torch.zeros(probe.shape[-1], dtype=probe.dtype, device=probe.device)
        if isinstance(baseline, str) and baseline == "mean":
            if data is None:
                raise ValueError("baseline='mean' needs data=: token ids to embed and average")
            return module(torch.as_tensor(data).to(x.device)).mean(dim=0)
        if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
            return module(torch.full_like(x[:1], int(baseline)))[0]
        if isinstance(baseline, torch.Tensor):
            base = baseline.to(device=probe.device, dtype=probe.dtype)
            if not shapes_broadcast(base.shape, probe.shape[1:]):
                raise ValueError(f"the embedding baseline has shape {tuple(base.shape)}; it "
                                 f"must broadcast to (length, dim) = {tuple(probe.shape[1:])}")
            return base
    raise ValueError("with embedding=, baseline must be 'zero', 'mean', a token id or a "
                     "tensor of embeddings")
