"""From a game's model outputs to its values v(S): the value function applied in bulk.

Built-in outputs are computed on many batches' logits at once (small reductions cost more
per call than per row), from one reused buffer: batch outputs kept alive between forward
passes fragment the heap, and a small model's passes then page-fault.  A callable output
sees each batch's raw output.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np
import torch

from .. import _core
from .._progress import progress_bar
from .outputs import check_batch_rows, checked_targets, logits_of

__all__ = ["evaluation_mode", "random_state_kept", "flush_rows", "compute_values",
           "without_gradients"]

# Logits of this many rows are turned into values at once.
PENDING_ROWS = 1 << 15


@contextlib.contextmanager
def evaluation_mode(model):
    """Put every module of `model` in eval mode, restoring each one's mode afterwards."""
    training = [m for m in model.modules() if m.training] \
        if isinstance(model, torch.nn.Module) else []
    try:
        for module in training:
            module.training = False
        yield
    finally:
        for module in training:
            module.training = True


def without_gradients(model):
    """``torch.inference_mode()``, or ``torch.no_grad()`` for a model sharded by FSDP2
    (``fully_shard``): it allocates its gathered parameters at the first forward, and
    inference tensors made there could not be updated by its later, ordinary forwards."""
    sharded = False
    if isinstance(model, torch.nn.Module):
        fsdp = getattr(torch.distributed, "fsdp", None) if torch.distributed.is_available() \
            else None
        kind = getattr(fsdp, "FSDPModule", None)
        sharded = kind is not None and any(isinstance(m, kind) for m in model.modules())
    return torch.no_grad() if sharded else torch.inference_mode()


def random_state_kept(device=None):
    """A context that leaves every random generator as it was: the CPU's, and that of
    `device` when it is a CUDA device."""
    device = None if device is None else torch.device(device)
    return torch.random.fork_rng(devices=[device] if device is not None and
                                 device.type == "cuda" else [])


def flush_rows(batch_size: int, n: int, evaluations: int) -> tuple[int, bool]:
    """Rows whose logits are turned into values at once, and whether those are whole
    samples (then each flush holds its samples' full-subset rows, x_N = x)."""
    whole = 1 << n
    cap = max(min(PENDING_ROWS, evaluations), batch_size)
    unit = math.lcm(batch_size, whole)  # whole batches of whole samples
    if unit <= cap:
        return cap // unit * unit, True
    return cap // batch_size * batch_size, False


def compute_values(game) -> tuple[np.ndarray, torch.Tensor | None]:
    """v(S) of every subset of every sample of a :class:`ModelGame`, shape (B, 2**n), and
    the targets read off the full-subset rows when the game had none yet (else None)."""
    n, total, size = game.n_players, game.evaluations, game.batch_size
    out = torch.empty(total, dtype=torch.float64, device=game.device)
    slots = game.flush // size  # batches per flush
    pending, pending_from = None, 0
    found = None if game.has_targets else \
        torch.empty(game.n_samples, dtype=torch.long, device=game.device)

    def flush(start, stop):
        logits = pending[:stop - start]
        if found is not None:  # [start, stop) holds whole samples
            first = start >> n
            found[first:stop >> n] = checked_targets(logits[(1 << n) - 1::1 << n],
                                                     game.given_targets, first, game.output)
        targets = found if found is not None else game.targets_tensor
        sample = torch.arange(start, stop, device=game.device) >> n
        out.narrow(0, start, stop - start).copy_(
            game.value_function(logits, targets.index_select(0, sample)))

    description = f"v(S) for {game.n_samples} x 2^{n} subsets"
    with evaluation_mode(game.model), without_gradients(game.model), game.masking(), \
            progress_bar(total, description, game.show_progress) as bar:
        for batch, (start, stop, output) in enumerate(game.outputs()):
            if callable(game.output):
                targets = game.targets_tensor[torch.arange(start, stop, device=game.device) >> n]
                out[start:stop] = game.value_function(output, targets).to(torch.float64)
            else:
                logits = logits_of(output)
                check_batch_rows(logits, stop - start)
                if pending is None:
                    pending = logits.new_empty((slots * size,) + logits.shape[1:])
                    views = pending.split(size)
                elif logits.shape[1:] != pending.shape[1:]:
                    raise ValueError(
                        f"the model returned shape {tuple(logits.shape)} for rows {start}.."
                        f"{stop - 1} but {(len(logits),) + tuple(pending.shape[1:])} before; "
                        "its output must have the same shape for every batch")
                slot = batch % slots
                if slot == 0 and batch:
                    flush(pending_from, start)
                    pending_from = start
                view = views[slot]
                (view if stop - start == len(view) else view[:stop - start]).copy_(logits)
            bar.update(stop - start)
        if pending is not None:
            flush(pending_from, total)
    values = out.reshape(game.n_samples, 1 << n).cpu().numpy()
    if not _core.all_finite(values):
        raise ValueError(_nonfinite_message(game, values))
    return values, found


def _nonfinite_message(game, values: np.ndarray) -> str:
    """Where a non-finite v comes from: the input, if it holds NaN or Inf, else the model."""
    x = game.inputs.masked
    if x.is_floating_point() and not bool(torch.isfinite(x).all()):
        where = torch.nonzero(~torch.isfinite(x))[0].tolist()
        return (f"x holds NaN or Inf (first at sample {where[0]}, element "
                f"{tuple(where[1:])}); every v(S) with that element present is then "
                "non-finite: clean the input first")
    sample, subset = np.argwhere(~np.isfinite(values))[0]
    return (f"the model's output gave a non-finite v for subset {subset} of sample "
            f"{sample}; check the model and the output= choice (e.g. 'prob' of an "
            "underflowing class)")
