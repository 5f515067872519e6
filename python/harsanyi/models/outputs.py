"""The scalar v(x_S) read off a model's output, and the class it is read for (theory.md §1).

- ``"log-odds"`` (default, the papers'): ``log(p_y / (1 - p_y))`` with p = softmax(logits),
  computed stably as ``logit_y - logsumexp(logits without y)``; for a single-logit binary
  net it is the logit for y = 1 and minus the logit for y = 0.
- ``"logit"``: the raw logit of y (a single-logit net: its logit).
- ``"prob"``: p_y (a single-logit net: the sigmoid of ± its logit).
- ``"log-prob"``: log p_y (the adversarial paper's v, theory.md §8).
- ``"raw"``: the model's single output per sample, for regressors.
- a callable ``f(output, target) -> v`` on a batch: output as the model returns it
  (logits extracted from Hugging Face outputs), target a LongTensor, v of shape (batch,).
"""

from __future__ import annotations

import numpy as np
import torch

from .. import _core

__all__ = ["OUTPUTS", "logits_of", "value_function", "check_targets", "predicted_targets",
           "given_targets", "checked_targets", "check_batch_rows"]

OUTPUTS = ("log-odds", "logit", "prob", "log-prob", "raw")
# Entries of exp(z_c - max) taken at once by the CPU log-odds (bounds its scratch memory).
LOG_ODDS_CHUNK = 1 << 20


def logits_of(output):
    """The tensor of a model's output: Hugging Face ``.logits``, a tuple's first entry."""
    if isinstance(output, torch.Tensor):
        return output
    logits = getattr(output, "logits", None)
    if isinstance(logits, torch.Tensor):
        return logits
    if isinstance(output, dict) and isinstance(output.get("logits"), torch.Tensor):
        return output["logits"]
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return output[0]
    raise TypeError(
        f"the model returned {type(output).__name__}; expected a tensor of logits, an object "
        "with .logits, or a tuple whose first entry is the logits"
    )


def _classes(logits: torch.Tensor, output: str) -> int:
    """Number of classes (1 for a single-logit or scalar output), checking the shape."""
    if logits.ndim == 1 or (logits.ndim == 2 and logits.shape[1] == 1):
        return 1
    if logits.ndim == 2:
        if output == "raw":
            raise ValueError(
                f"output='raw' needs one value per sample, but the model returns shape "
                f"{tuple(logits.shape)}; choose output='log-odds', 'logit' or 'prob'"
            )
        return logits.shape[1]
    raise ValueError(
        f"the model returns shape {tuple(logits.shape)}; output={output!r} needs logits of "
        "shape (batch, classes) or (batch,); pass a callable output=f(output, target) to "
        "reduce other outputs to one number per sample (or, if x is a batch that was read "
        "as one input, pass batched=True)"
    )


def check_targets(logits: torch.Tensor, targets: torch.Tensor, output: str) -> None:
    """Raise ValueError if a target is out of range for the model's classes."""
    if output == "raw" or callable(output):
        return
    classes = _classes(logits, output)
    limit = 2 if classes == 1 else classes
    bad = (targets < 0) | (targets >= limit)
    if bool(bad.any()):
        raise ValueError(
            f"target {int(targets[bad][0])} is out of range for a model with "
            f"{limit} classes" + (" (one logit: targets are 0 or 1)" if classes == 1 else "")
        )


def predicted_targets(logits: torch.Tensor) -> torch.Tensor:
    """The class a model predicts: argmax of the logits, or logit > 0 for one logit."""
    if logits.ndim == 1 or logits.shape[-1] == 1:
        return (logits.reshape(-1) > 0).long()
    return logits.argmax(dim=-1)


def given_targets(target, samples: int, device, batched: bool = True) -> torch.Tensor | None:
    """The given target as one class per sample on `device`, or None for the predicted one."""
    if target is None:
        return None
    targets = torch.as_tensor(target)
    if targets.is_floating_point() and not bool((targets == targets.round()).all()):
        raise ValueError(f"target must hold class indices (integers), got {target!r}")
    targets = targets.to(device).long().reshape(-1)
    if targets.numel() == 1:
        targets = targets.expand(samples)
    if targets.numel() != samples:
        hint = "" if batched else ("; x was read as one input: pass batched=True if its "
                                   "first dimension is the batch")
        raise ValueError(f"target has {targets.numel()} entries for {samples} samples{hint}")
    return targets.contiguous()


def checked_targets(logits: torch.Tensor, given: torch.Tensor | None, first: int,
                    output) -> torch.Tensor:
    """Targets of the samples from `first` on whose unmasked logits are given: the given
    ones, or the predicted class; checked against the logits' shape and classes."""
    if given is not None:
        targets = given[first:first + logits.shape[0]]
    elif logits.ndim <= 2:
        targets = predicted_targets(logits)
    else:  # check_targets refuses these logits
        targets = torch.zeros(logits.shape[0], dtype=torch.long, device=logits.device)
    check_targets(logits, targets, output)
    return targets


def check_batch_rows(logits: torch.Tensor, rows: int) -> None:
    """Raise ValueError unless the model's output has one row per input row."""
    if logits.ndim == 0 or logits.shape[0] != rows:
        raise ValueError(f"the model returned {tuple(logits.shape)} for {rows} inputs; its "
                         "output must have the batch as its first dimension")


def value_function(output):
    """The function (model output, targets) -> v of shape (batch,) for `output`."""
    if callable(output):
        def custom(raw, targets):
            v = output(raw, targets)
            if not isinstance(v, torch.Tensor) or v.shape != (targets.shape[0],):
                raise ValueError(
                    f"the output callable must return a tensor of shape ({targets.shape[0]},), "
                    f"got {getattr(v, 'shape', type(v).__name__)}"
                )
            return v
        return custom
    if output not in OUTPUTS:
        raise ValueError(f"unknown output {output!r}; choose one of {OUTPUTS} or a callable")

    def compute(raw, targets):
        logits = logits_of(raw)
        classes = _classes(logits, output)
        if output == "log-odds" and classes > 1 and _compiled_log_odds_apply(logits):
            return _compiled_log_odds(logits, targets)
        logits = logits.to(torch.float64)
        if output == "raw":
            return logits.reshape(-1)
        if classes == 1:
            z = logits.reshape(-1)
            signed = torch.where(targets == 1, z, -z)
            return {"log-odds": signed, "logit": z, "prob": torch.sigmoid(signed),
                    "log-prob": torch.nn.functional.logsigmoid(signed)}[output]
        picked = logits.gather(1, targets[:, None])[:, 0]
        if output == "logit":
            return picked
        if output == "prob":
            return torch.softmax(logits, dim=1).gather(1, targets[:, None])[:, 0]
        if output == "log-prob":
            return picked - torch.logsumexp(logits, dim=1)
        # log(p_y / (1 - p_y)) = z_y - logsumexp(z_c, c != y), the max taken out by hand
        # (torch.logsumexp is slow on the many short rows this sees).
        others = logits.scatter(1, targets[:, None], float("-inf"))
        peak = others.amax(dim=1, keepdim=True)
        return picked - peak[:, 0] - torch.log(torch.exp(others - peak).sum(dim=1))

    return compute


def _compiled_log_odds_apply(logits: torch.Tensor) -> bool:
    """Whether the C kernel can compute the log-odds: CPU float logits needing no gradient."""
    return (logits.device.type == "cpu" and logits.layout == torch.strided
            and logits.dtype in (torch.float32, torch.float64)
            and not (logits.requires_grad and torch.is_grad_enabled()))


def _compiled_log_odds(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Log-odds of (rows, classes) CPU logits, as float64 (theory.md §1).

    The C kernel reads the logits in place, whatever their strides, and takes the largest
    other logit out of each row; exp and log1p then run vectorised over whole arrays
    (many short rows make each torch reduction cost far more than its arithmetic).
    """
    rows, classes = logits.shape
    index = targets.to(device="cpu", dtype=torch.int64).contiguous().numpy()
    array = logits.detach().numpy()
    base = np.empty(rows)
    step = max(1, LOG_ODDS_CHUNK // max(classes - 2, 1))
    for start in range(0, rows, step):
        part = slice(start, start + step)
        rest = np.empty((min(step, rows - start), classes - 2))
        _core.log_odds_parts(array[part], index[part], base[part], rest)
        if classes > 2:
            terms = torch.from_numpy(rest).exp_()
            total = terms[:, 0] if classes == 3 else terms.sum(dim=1)
            base[part] -= torch.log1p(total).numpy()
    return torch.from_numpy(base)
