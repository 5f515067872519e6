"""Masking at an embedding module's output instead of the input (token players of text models).

The rows the model sees are the unmasked inputs; a forward hook on the embedding module
puts the baseline embedding at the absent positions of each row (theory.md §1).
"""

from __future__ import annotations

import contextlib

import torch

__all__ = ["EmbeddingMask"]


class EmbeddingMask:
    """The baseline embedding at absent positions, applied by a hook on `module`.

    Parameters
    ----------
    module : torch.nn.Module
        The embedding module, returning (rows, length, dim).
    baseline : Tensor
        Broadcasts to (length, dim), or (B, length, dim) with one baseline per sample.
    n_samples : int
        B, the samples the rows copy.
    """

    def __init__(self, module: torch.nn.Module, baseline: torch.Tensor, n_samples: int):
        self.module = module
        self.baseline = baseline
        self.n_samples = n_samples
        self._pending = None

    @contextlib.contextmanager
    def hooked(self):
        """Mask the module's outputs while the context is open."""
        handle = self.module.register_forward_hook(self._mask)
        try:
            yield
        finally:
            handle.remove()
            self._pending = None

    def expect(self, element: torch.Tensor, sample) -> None:
        """Masks and samples of the next forward pass's rows (`sample`: one int or one
        index per row)."""
        k = element.shape[0]
        if isinstance(sample, int):
            sample = torch.full((k,), sample, device=element.device)
        self._pending = (element.reshape(k, -1), sample)

    def _mask(self, module, inputs, output):
        if self._pending is None:
            return output
        present, sample = self._pending
        if output.ndim != 3 or output.shape[:2] != present.shape:
            raise ValueError(f"the embedding output has shape {tuple(output.shape)}; expected "
                             f"(rows, length, dim) with (rows, length) = {tuple(present.shape)}")
        base = self.baseline
        if base.ndim == 3 and base.shape[0] == self.n_samples and self.n_samples > 1:
            base = base.index_select(0, sample)
        return torch.where(present[..., None], output, base)
