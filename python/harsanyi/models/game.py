"""The game of a PyTorch model on an input: v(S) = output(model(x_S)) for every subset S.

Masked inputs ``x_S`` keep the players in S and put the baseline in place of the others
(theory.md §1); they are built on the model's device in blocks of whole batches and
evaluated under ``torch.no_grad()`` with the model in eval mode (its previous modes
restored after).  The options are those of :class:`~harsanyi.models.options.GameOptions`.
"""

from __future__ import annotations

import numpy as np
import torch

from .._validation import MAX_PLAYERS, check_memory, format_bytes
from .baselines import describe_baseline
from .masked_model import MaskedModel
from .masking import blend
from .options import GameOptions
from .values import compute_values, evaluation_mode, flush_rows

__all__ = ["ModelGame"]

# Masked rows of this many bytes are built at once (whole batches, at least one).
ROW_BLOCK_BYTES = 1 << 25


class ModelGame(MaskedModel):
    """v(S) for every subset S of players, of a model on one input or a batch.

    Build it with :func:`harsanyi.model_game`, which also resolves ``baseline="learned"``.

    Parameters
    ----------
    model, x, target, options, baseline_kind
        As for :class:`~harsanyi.models.masked_model.MaskedModel`; `options` say how the
        game is built.

    Attributes
    ----------
    players : Players
        The split of the input into players.
    n_players : int
        n; each sample has 2**n subsets.
    n_samples : int
        Number of samples B.
    batched : bool
        Whether x was a batch (values of shape (B, 2**n)) or one input ((2**n,)).
    targets : ndarray of int64, shape (B,)
        The class explained for each sample.
    evaluations : int
        Model evaluations needed for all values: B * 2**n.
    """

    def __init__(self, model, x, target=None, options: GameOptions = GameOptions(), *,
                 baseline_kind: str | None = None):
        super().__init__(model, x, target, options, baseline_kind=baseline_kind)
        self._values = None
        # Built-in outputs read the targets off the full-subset rows (x_N = x) while the
        # values are computed; the others, and a flush that cannot hold whole samples,
        # need them first, from a pass over the unmasked inputs.
        self.flush, aligned = flush_rows(self.batch_size, self.n_players, self.evaluations)
        if not aligned or self.output == "raw" or callable(self.output):
            self._targets = self._resolve_targets()

    @property
    def evaluations(self) -> int:
        return self.n_samples << self.n_players

    def _check_work(self, max_evaluations):
        n, samples = self.n_players, self.n_samples
        if n > MAX_PLAYERS:
            raise ValueError(
                f"a game over all subsets of {n} players would need 2^{n} model evaluations "
                f"per sample; at most {MAX_PLAYERS} players are supported there. For many "
                "players, estimate pairwise multi-order interactions by sampling with "
                "hs.multi_order, or use fewer, larger players")
        if self.evaluations > max_evaluations:
            raise ValueError(
                f"explaining {samples} sample(s) over n = {n} players needs "
                f"{self.evaluations:,} model evaluations, more than max_evaluations = "
                f"{max_evaluations:,}; use fewer players or samples, or raise max_evaluations"
            )
        check_memory(self.evaluations * 8 * 2, f"the values of {samples} sample(s) over {n} players")

    def _range_rows(self, start: int, stop: int):
        """Sample index, element mask and masked rows of [start, stop) of the sample-major order.

        The sample index is None where no one needs it (whole samples of a lone tensor
        input), the element mask where the rows were built without it."""
        n = self.n_players
        first, last = start >> n, (stop - 1) >> n
        if first == last:  # one sample, consecutive subsets: slices, no gathers
            low = start - (first << n)
            element = self.element_mask.range(low, low + stop - start)
            return first, element, self._rows(first, element, self.baseline)
        table = self.element_mask.table
        if table is not None and self._embedding is None and \
                (start | stop) & ((1 << n) - 1) == 0:  # whole samples: one broadcast blend
            samples = slice(first, last + 1)
            base = self._baseline_of(self.baseline, samples)
            if base.ndim == self.inputs.masked.ndim:  # one row per sample: over the subsets
                base = base.unsqueeze(1)
            rows = blend(table.unsqueeze(0), self.inputs.masked[samples].unsqueeze(1),
                         base)
            sample = None if self.inputs.plain else \
                torch.arange(first, last + 1, device=self.device).repeat_interleave(1 << n)
            return sample, None, rows.reshape((stop - start,) + self.inputs.sample_shape)
        flat = torch.arange(start, stop, device=self.device)
        sample = flat >> n
        element = self.element_mask(flat & ((1 << n) - 1))
        return sample, element, self._rows(sample, element, self.baseline)

    def _block_rows(self) -> int:
        """Rows built at once: whole batches of about ROW_BLOCK_BYTES of masked input, in
        whole samples where the batch size allows."""
        row_bytes = max(1, self.inputs.masked[:1].numel() * self.inputs.masked.element_size())
        unit = self.batch_size
        whole_sample = 1 << self.n_players
        if whole_sample % unit == 0 and whole_sample * row_bytes <= ROW_BLOCK_BYTES:
            unit = whole_sample
        return unit * max(1, ROW_BLOCK_BYTES // (row_bytes * unit))

    def outputs(self):
        """Yield (start, stop, model output) over all rows, one batch at a time.

        The masked rows of many batches are built in one block and each batch is a view
        of it: a fresh allocation per batch would cost more than a small model's forward,
        and so would a few tensor operations per batch.
        """
        total, block, size = self.evaluations, self._block_rows(), self.batch_size
        needs_sample = self._embedding is not None or not self.inputs.plain
        for block_start in range(0, total, block):
            sample, element, rows = self._range_rows(block_start, min(block_start + block, total))
            batches = rows.split(size)
            count = len(batches)
            samples = sample.split(size) if needs_sample and isinstance(sample, torch.Tensor) \
                else (sample if needs_sample else None,) * count
            elements = element.split(size) if self._embedding is not None else (None,) * count
            for k in range(count):
                start = block_start + k * size
                yield (start, start + batches[k].shape[0],
                       self._forward(samples[k], elements[k], batches[k]))

    # -- values ---------------------------------------------------------------------

    def values(self) -> np.ndarray:
        """v(S) for every subset S of every sample (computed once, then cached).

        Returns
        -------
        ndarray of float64, shape (2**n,) for one input or (B, 2**n) for a batch
            ``values[..., S]`` with bit i of S set iff player i is present.
        """
        if self._values is None:
            values, found = compute_values(self)
            if found is not None:
                self._targets = found
            values = values if self.batched else values[0]
            values.setflags(write=False)
            self._values = values
        return self._values

    def __call__(self, coalitions, sample: int = 0) -> np.ndarray:
        """v for the given coalitions of one sample (a shapiq-style game function).

        Parameters
        ----------
        coalitions : array_like of bool, shape (k, n)
            Row j says which players are present in the j-th coalition.
        sample : int
            Which sample of the batch.

        Returns
        -------
        ndarray of float64, shape (k,)
        """
        coalitions = np.asarray(coalitions).astype(bool)
        if coalitions.ndim != 2 or coalitions.shape[1] != self.n_players:
            raise ValueError(f"coalitions must have shape (k, {self.n_players}), got "
                             f"{coalitions.shape}")
        if not 0 <= sample < self.n_samples:
            raise IndexError(f"sample {sample} is out of range for {self.n_samples} samples")
        masks = coalitions.astype(np.int64) @ (1 << np.arange(self.n_players, dtype=np.int64))
        masks = torch.as_tensor(masks, device=self.device)
        values = []
        with evaluation_mode(self.model), torch.no_grad(), self.masking():
            for start in range(0, len(masks), self.batch_size):
                chunk = masks[start:start + self.batch_size]
                values.append(self.evaluate(torch.full_like(chunk, sample), chunk))
        return torch.cat(values).cpu().numpy() if values else np.zeros(0)

    def masked_row(self, mask: int, sample: int = 0) -> torch.Tensor:
        """The input x_S the model sees for subset `mask` of one sample (for inspection)."""
        if self._embedding is not None:
            raise ValueError("with embedding= the masking happens inside the model")
        element = self.element_mask(torch.tensor([int(mask)], device=self.device))
        return self._rows(int(sample), element, self.baseline)[0]

    def settings(self) -> dict:
        """A JSON-serialisable record of how the game was built."""
        return {
            "players": self.players.describe(),
            "baseline": describe_baseline(self._baseline_kind or self.options.baseline),
            "output": self.output if isinstance(self.output, str) else
            getattr(self.output, "__name__", "callable"),
            "targets": self.targets.tolist(),
            "batched": self.batched,
            "embedding": None if self._embedding is None else type(self._embedding.module).__name__,
            "model": type(self.model).__name__,
        }

    def __repr__(self) -> str:
        return (f"ModelGame(n_players={self.n_players}, n_samples={self.n_samples}, "
                f"evaluations={self.evaluations:,}, values="
                f"{format_bytes(self.evaluations * 8)})")
