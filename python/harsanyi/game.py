"""The game of a PyTorch model on an input: v(S) = output(model(x_S)) for every subset S.

Masked inputs ``x_S`` keep the players in S and put the baseline in place of the others
(theory.md §1); they are built on the model's device in batches, evaluated under
``torch.no_grad()`` with the model in eval mode (its previous modes restored after).
"""

from __future__ import annotations

import contextlib
import math
import weakref

import numpy as np
import torch

from . import _core
from . import players as players_module
from ._inputs import ModelInputs, masked_entry, model_device
from ._masking import as_selection, blend, selection_dtype
from ._progress import progress_bar
from ._validation import check_memory, format_bytes, positive_int, shapes_broadcast
from .baselines import describe_baseline, resolve_baseline
from .outputs import check_targets, logits_of, predicted_targets, value_function

__all__ = ["ModelGame", "model_game"]

DEFAULT_MAX_EVALUATIONS = 1 << 24
# Element masks of all 2^n subsets are tabulated up to this many bytes.
MASK_TABLE_BYTES = 1 << 26
# Element-mask tables by Players and device, kept while the Players object lives: a
# tracker explains with the same players at every checkpoint.  Never written to.
_MASK_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# Logits of this many rows are turned into values at once.
PENDING_ROWS = 1 << 15
# Masked rows of this many bytes are built at once (whole batches, at least one).
ROW_BLOCK_BYTES = 1 << 25


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


def _check_batch_rows(logits: torch.Tensor, rows: int) -> None:
    """Raise ValueError unless the model's output has one row per input row."""
    if logits.ndim == 0 or logits.shape[0] != rows:
        raise ValueError(f"the model returned {tuple(logits.shape)} for {rows} inputs; its "
                         "output must have the batch as its first dimension")


def _infer_batched(entry: torch.Tensor, players, data) -> bool:
    """Whether x carries a batch dimension, by the rules documented in model_game."""
    if data is not None:
        return entry.ndim == torch.as_tensor(data).ndim
    if players.full_sample:
        return entry.ndim > len(players.shape)
    # Image players: (H, W) or (C, H, W) is one input, (B, C, H, W) a batch.
    return entry.ndim >= len(players.shape) + 2


class ModelGame:
    """v(S) for every subset S of players, of a model on one input or a batch.

    Build it with :func:`model_game`; see there for the parameters.

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

    def __init__(self, model, x, target=None, *, players=None, baseline="zero", data=None,
                 output="log-odds", batch_size=512, device=None, show_progress=None,
                 additional_forward_args=None, embedding=None, masked_input=None,
                 batched=None, max_evaluations=DEFAULT_MAX_EVALUATIONS):
        self.model = model
        self.batch_size = positive_int(batch_size, "batch_size")
        self.show_progress = show_progress
        self.output = output
        self._value = value_function(output)
        self._embedding = embedding
        self._values = None
        self._x, self._extra_args, self._masked_key = x, additional_forward_args, masked_input

        entry = masked_entry(x, masked_input)
        if not isinstance(entry, torch.Tensor):
            raise TypeError("x must be a tensor, or a tuple/dict holding the tensor the players "
                            "split (name it with masked_input=)")
        if players is None:
            if entry.ndim not in (1, 2) or not entry.dtype.is_floating_point:
                raise ValueError("pass players=: only a tabular input (one row or a batch of "
                                 "rows) defaults to one player per feature")
            players = players_module.features(entry.shape[-1])
        if not isinstance(players, players_module.Players):
            raise TypeError("players must be made by harsanyi.players (features, groups, grid, "
                            "segments, tokens or feature_mask)")
        self.players = players
        self.batched = _infer_batched(entry, players, data) if batched is None else bool(batched)

        self.device, move = self._device(model, device, entry)
        self.inputs = ModelInputs(x, masked_input, self.batched, additional_forward_args,
                                  self.device, move)
        self.players.check_input(self.inputs.sample_shape)
        self._check_work(max_evaluations)
        self._prepare_masks()

        self._hook_state = None
        self._baseline_setting = baseline
        if embedding is None:
            self.baseline = self._resolve_baseline(baseline, data, target)
        else:
            self.baseline = self._resolve_embedding_baseline(baseline, data)
        self._target_setting = self._given_targets(target)
        self._targets = None
        # Built-in outputs read the targets off the full-subset rows (x_N = x) while the
        # values are computed; the others, and a flush that cannot hold whole samples,
        # need them first, from a pass over the unmasked inputs.
        self._flush, aligned = self._flush_rows()
        if not aligned or self.output == "raw" or callable(self.output):
            self._targets = self._resolve_targets()

    # -- set-up -------------------------------------------------------------------

    @staticmethod
    def _device(model, device, entry):
        owner = model_device(model)
        if device is None:
            return (owner if owner is not None else entry.device), False
        device = torch.device(device)
        if owner is not None and owner != device:
            raise ValueError(f"the model is on {owner} but device={str(device)!r}; move the "
                             f"model with model.to({str(device)!r}) or leave device=None")
        return device, True

    @property
    def n_players(self) -> int:
        return self.players.n

    @property
    def n_samples(self) -> int:
        return self.inputs.n_samples

    @property
    def evaluations(self) -> int:
        return self.n_samples << self.n_players

    def _check_work(self, max_evaluations):
        n, samples = self.n_players, self.n_samples
        if self.evaluations > max_evaluations:
            raise ValueError(
                f"explaining {samples} sample(s) over n = {n} players needs "
                f"{self.evaluations:,} model evaluations, more than max_evaluations = "
                f"{max_evaluations:,}; use fewer players or samples, or raise max_evaluations"
            )
        check_memory(self.evaluations * 8 * 2, f"the values of {samples} sample(s) over {n} players")

    def _prepare_masks(self):
        n = self.n_players
        index = torch.from_numpy(np.array(self.players.map)).to(self.device)
        index[index < 0] = n  # background reads the always-present extra column
        self._map_index = index
        lead = len(self.inputs.sample_shape) - len(self.players.shape)
        self._map_view = (1,) * lead + tuple(self.players.shape)
        self._bits = torch.arange(n, device=self.device)
        self._selection = torch.bool if self._embedding is not None else \
            selection_dtype(self.inputs.masked.dtype)
        self._mask_table = None
        width = self._selection.itemsize
        if (1 << n) * max(self.players.map.size, 1) * width <= MASK_TABLE_BYTES:
            tables = _MASK_TABLES.setdefault(self.players, {})
            key = (str(self.device), self._selection)
            if key not in tables:
                tables[key] = self._element_mask_from_bits(torch.arange(1 << n, device=self.device))
            self._mask_table = tables[key]

    def _resolve_baseline(self, baseline, data, target):
        if isinstance(baseline, str) and baseline == "learned":
            from .learned_baseline import learn_baseline

            self._baseline_setting = "learned"
            return learn_baseline(
                self.model, self._x, target, players=self.players, data=data,
                output=self.output, batch_size=self.batch_size, device=self.device,
                additional_forward_args=self._extra_args, masked_input=self._masked_key,
                batched=self.batched).to(self.device)
        return resolve_baseline(baseline, self.inputs.masked, data)

    def _resolve_embedding_baseline(self, baseline, data):
        module = self._embedding
        if not isinstance(module, torch.nn.Module):
            raise TypeError("embedding= must be the torch.nn.Module whose output is masked")
        with torch.no_grad():
            probe = module(self.inputs.masked[:1])
            if not isinstance(probe, torch.Tensor) or probe.ndim != 3:
                raise ValueError("the embedding module must return (batch, length, dim) tensors, "
                                 f"got {getattr(probe, 'shape', type(probe).__name__)}")
            if isinstance(baseline, str) and baseline == "zero":
                return torch.zeros(probe.shape[-1], dtype=probe.dtype, device=probe.device)
            if isinstance(baseline, str) and baseline == "mean":
                if data is None:
                    raise ValueError("baseline='mean' needs data=: token ids to embed and average")
                return module(torch.as_tensor(data).to(self.device)).mean(dim=0)
            if isinstance(baseline, (int, np.integer)) and not isinstance(baseline, bool):
                ids = torch.full_like(self.inputs.masked[:1], int(baseline))
                return module(ids)[0]
            if isinstance(baseline, torch.Tensor):
                base = baseline.to(device=probe.device, dtype=probe.dtype)
                if not shapes_broadcast(base.shape, probe.shape[1:]):
                    raise ValueError(f"the embedding baseline has shape {tuple(base.shape)}; it "
                                     f"must broadcast to (length, dim) = {tuple(probe.shape[1:])}")
                return base
        raise ValueError("with embedding=, baseline must be 'zero', 'mean', a token id or a "
                         "tensor of embeddings")

    def _given_targets(self, target):
        """The given target as one class per sample, or None for the predicted class."""
        if target is None:
            return None
        samples = self.n_samples
        targets = torch.as_tensor(target, device=self.device).long().reshape(-1)
        if targets.numel() == 1:
            targets = targets.expand(samples)
        if targets.numel() != samples:
            raise ValueError(f"target has {targets.numel()} entries for {samples} samples")
        return targets.contiguous()

    def _flush_rows(self):
        """Rows whose logits are turned into values at once, and whether those are whole
        samples (then each flush holds its samples' full-subset rows)."""
        size, whole = self.batch_size, 1 << self.n_players
        cap = max(min(PENDING_ROWS, self.evaluations), size)
        unit = math.lcm(size, whole)  # whole batches of whole samples
        if unit <= cap:
            return cap // unit * unit, True
        return cap // size * size, False

    def _targets_of(self, logits, first):
        """Targets of the samples from `first` on whose unmasked logits are given (checked)."""
        if self._target_setting is not None:
            targets = self._target_setting[first:first + logits.shape[0]]
        elif logits.ndim <= 2:
            targets = predicted_targets(logits)
        else:  # check_targets refuses these logits
            targets = torch.zeros(logits.shape[0], dtype=torch.long, device=logits.device)
        check_targets(logits, targets, self.output)  # checks the logits' shape as well
        return targets

    def _resolve_targets(self):
        """The targets from one forward pass over the unmasked inputs."""
        samples = self.n_samples
        with evaluation_mode(self.model), torch.no_grad(), self._embedding_hook():
            probe = []
            for start in range(0, samples, self.batch_size):
                index = torch.arange(start, min(start + self.batch_size, samples), device=self.device)
                rows = self.inputs.masked if len(index) == samples else \
                    self.inputs.masked.index_select(0, index)
                probe.append(logits_of(self.inputs.call(self.model, index, rows)))
            logits = probe[0] if len(probe) == 1 else torch.cat(probe)
        _check_batch_rows(logits, samples)
        targets = self._targets_of(logits, 0)
        if self.output == "raw" or callable(self.output):
            self._value(logits[:1], targets[:1])  # the value function accepts this output
        return targets.contiguous()

    @property
    def targets_tensor(self) -> torch.Tensor:
        """The class explained for each sample, on the model's device."""
        if self._targets is None:
            self._targets = self._resolve_targets()
        return self._targets

    @property
    def targets(self) -> np.ndarray:
        return self.targets_tensor.cpu().numpy()

    # -- evaluation ---------------------------------------------------------------

    @contextlib.contextmanager
    def _embedding_hook(self):
        if self._embedding is None:
            yield
            return
        handle = self._embedding.register_forward_hook(self._mask_embeddings)
        try:
            yield
        finally:
            handle.remove()
            self._hook_state = None

    def _mask_embeddings(self, module, inputs, output):
        if self._hook_state is None:
            return output
        present, sample = self._hook_state
        if output.ndim != 3 or output.shape[:2] != present.shape:
            raise ValueError(f"the embedding output has shape {tuple(output.shape)}; expected "
                             f"(rows, length, dim) with (rows, length) = {tuple(present.shape)}")
        base = self.baseline
        if base.ndim == 3 and base.shape[0] == self.n_samples and self.n_samples > 1:
            base = base.index_select(0, sample)
        return torch.where(present[..., None], output, base)

    def element_mask(self, subsets: torch.Tensor) -> torch.Tensor:
        """Which elements of one input are present, for each subset mask in `subsets`.

        Returns a tensor of shape (k, ...) that broadcasts against one input: bool, or
        integers with all bits set for present elements (see :mod:`harsanyi._masking`).
        """
        if self._mask_table is not None:
            return self._mask_table.index_select(0, subsets)
        return self._element_mask_from_bits(subsets)

    def _element_mask_from_bits(self, subsets: torch.Tensor) -> torch.Tensor:
        present = ((subsets[:, None] >> self._bits) & 1).bool()
        extended = torch.cat([present, present.new_ones(present.shape[0], 1)], dim=1)
        element = extended[:, self._map_index].reshape((-1,) + self._map_view)
        return as_selection(element, self._selection)

    def _rows(self, sample, element, baseline):
        """Masked copies of the samples `sample` (a LongTensor, or one int) under `element`."""
        x = self.inputs.masked
        single = isinstance(sample, int)
        x = x[sample] if single else x.index_select(0, sample)
        if self._embedding is not None:  # masked by the hook at the embedding's output
            return x.expand((element.shape[0],) + tuple(x.shape)) if single else x
        return blend(element, x, self._baseline_of(baseline, sample))

    def _baseline_of(self, baseline, sample):
        """The baseline rows of `sample` (an int, a LongTensor or a slice) when there is one
        baseline per sample; a baseline shared by all samples as it is."""
        if baseline.ndim != self.inputs.masked.ndim or baseline.shape[0] == 1:
            return baseline
        return baseline.index_select(0, sample) if isinstance(sample, torch.Tensor) \
            else baseline[sample]

    def _forward(self, sample, element, rows):
        """The model's output on `rows` (built by :meth:`_rows` from `sample` and `element`)."""
        if self._embedding is not None:
            k = element.shape[0]
            index = torch.full((k,), sample, device=self.device) if isinstance(sample, int) \
                else sample
            self._hook_state = (element.reshape(k, -1), index)
        return self.inputs.call(self.model, sample, rows)

    def evaluate(self, sample: torch.Tensor, subsets: torch.Tensor, baseline=None) -> torch.Tensor:
        """v for the given (sample, subset mask) pairs, as a float64 tensor (gradients kept).

        The caller sets no_grad and the evaluation mode; :meth:`values` does both.
        """
        base = self.baseline if baseline is None else baseline
        element = self.element_mask(subsets)
        output = self._forward(sample, element, self._rows(sample, element, base))
        v = self._value(output, self.targets_tensor.index_select(0, sample))
        return v.to(torch.float64)

    def _range_rows(self, start: int, stop: int):
        """Sample index, element mask and masked rows of [start, stop) of the sample-major order.

        The sample index is None where no one needs it (whole samples of a lone tensor
        input), the element mask where the rows were built without it."""
        n = self.n_players
        first, last = start >> n, (stop - 1) >> n
        if first == last:  # one sample, consecutive subsets: slices, no gathers
            low = start - (first << n)
            element = (self._mask_table[low:low + stop - start] if self._mask_table is not None
                       else self._element_mask_from_bits(
                           torch.arange(low, low + stop - start, device=self.device)))
            return first, element, self._rows(first, element, self.baseline)
        if self._mask_table is not None and self._embedding is None and \
                (start | stop) & ((1 << n) - 1) == 0:  # whole samples: one broadcast blend
            samples = slice(first, last + 1)
            base = self._baseline_of(self.baseline, samples)
            if base.ndim == self.inputs.masked.ndim:  # one row per sample: over the subsets
                base = base.unsqueeze(1)
            rows = blend(self._mask_table.unsqueeze(0), self.inputs.masked[samples].unsqueeze(1),
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

    def _outputs(self):
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

    def values(self) -> np.ndarray:
        """v(S) for every subset S of every sample (computed once, then cached).

        Returns
        -------
        ndarray of float64, shape (2**n,) for one input or (B, 2**n) for a batch
            ``values[..., S]`` with bit i of S set iff player i is present.
        """
        if self._values is None:
            self._values = self._compute_values()
        return self._values

    def _compute_values(self) -> np.ndarray:
        n, total = self.n_players, self.evaluations
        out = torch.empty(total, dtype=torch.float64, device=self.device)
        description = f"v(S) for {self.n_samples} x 2^{n} subsets"
        # Built-in outputs are computed on many batches' logits at once (small reductions
        # cost more per call than per row); a callable sees each batch's raw output.  The
        # logits are copied into one reused buffer: batch outputs kept alive between
        # forward passes fragment the heap, and a small model's passes then page-fault.
        slots = self._flush // self.batch_size  # batches per flush
        pending, pending_from = None, 0
        # Without targets yet, they are found flush by flush from the full-subset rows.
        found = None if self._targets is not None else \
            torch.empty(self.n_samples, dtype=torch.long, device=self.device)
        with evaluation_mode(self.model), torch.inference_mode(), self._embedding_hook(), \
                progress_bar(total, description, self.show_progress) as bar:
            for batch, (start, stop, output) in enumerate(self._outputs()):
                if callable(self.output):
                    targets = self.targets_tensor[torch.arange(start, stop, device=self.device) >> n]
                    out[start:stop] = self._value(output, targets).to(torch.float64)
                else:
                    logits = logits_of(output)
                    _check_batch_rows(logits, stop - start)
                    if pending is None:
                        pending = logits.new_empty((slots * self.batch_size,) + logits.shape[1:])
                        views = pending.split(self.batch_size)
                    elif logits.shape[1:] != pending.shape[1:]:
                        raise ValueError(
                            f"the model returned shape {tuple(logits.shape)} for rows {start}.."
                            f"{stop - 1} but {(len(logits),) + tuple(pending.shape[1:])} before; "
                            "its output must have the same shape for every batch")
                    slot = batch % slots
                    if slot == 0 and batch:
                        self._values_of_logits(pending, pending_from, start, out, found)
                        pending_from = start
                    view = views[slot]
                    (view if stop - start == len(view) else view[:stop - start]).copy_(logits)
                bar.update(stop - start)
            if pending is not None:
                self._values_of_logits(pending, pending_from, total, out, found)
        if found is not None:
            self._targets = found
        values = out.reshape(self.n_samples, 1 << n).cpu().numpy()
        if not _core.all_finite(values):
            sample, subset = np.argwhere(~np.isfinite(values))[0]
            raise ValueError(
                f"the model's output gave a non-finite v for subset {subset} of sample "
                f"{sample}; check the model and the output= choice (e.g. 'prob' of an "
                "underflowing class)"
            )
        values = values if self.batched else values[0]
        values.setflags(write=False)
        return values

    def _values_of_logits(self, pending, start, stop, out, found):
        """Write v of the rows [start, stop), whose logits fill the start of `pending`.

        With `found` (targets being found), [start, stop) holds whole samples, whose
        targets are read off their full-subset rows into it."""
        n, logits = self.n_players, pending[:stop - start]
        if found is not None:
            first = start >> n
            found[first:stop >> n] = self._targets_of(logits[(1 << n) - 1::1 << n], first)
            targets = found
        else:
            targets = self._targets
        sample = torch.arange(start, stop, device=self.device) >> n
        out.narrow(0, start, stop - start).copy_(self._value(logits, targets.index_select(0, sample)))

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
        with evaluation_mode(self.model), torch.no_grad(), self._embedding_hook():
            for start in range(0, len(masks), self.batch_size):
                chunk = masks[start:start + self.batch_size]
                values.append(self.evaluate(torch.full_like(chunk, sample), chunk))
        return torch.cat(values).cpu().numpy() if values else np.zeros(0)

    def masked_input(self, mask: int, sample: int = 0) -> torch.Tensor:
        """The input x_S the model sees for subset `mask` of one sample (for inspection)."""
        if self._embedding is not None:
            raise ValueError("with embedding= the masking happens inside the model")
        element = self.element_mask(torch.tensor([int(mask)], device=self.device))
        return self._rows(int(sample), element, self.baseline)[0]

    def settings(self) -> dict:
        """A JSON-serialisable record of how the game was built."""
        return {
            "players": self.players.describe(),
            "baseline": describe_baseline(self._baseline_setting),
            "output": self.output if isinstance(self.output, str) else
            getattr(self.output, "__name__", "callable"),
            "targets": self.targets.tolist(),
            "batched": self.batched,
            "embedding": None if self._embedding is None else type(self._embedding).__name__,
            "model": type(self.model).__name__,
        }

    def __repr__(self) -> str:
        return (f"ModelGame(n_players={self.n_players}, n_samples={self.n_samples}, "
                f"evaluations={self.evaluations:,}, values="
                f"{format_bytes(self.evaluations * 8)})")


def model_game(model, x, target=None, *, players=None, baseline="zero", data=None,
               output="log-odds", batch_size=512, device=None, show_progress=None,
               additional_forward_args=None, embedding=None, masked_input=None,
               batched=None, max_evaluations=DEFAULT_MAX_EVALUATIONS) -> ModelGame:
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
    players : Players, optional
        How x splits into players (:mod:`harsanyi.players`); default one player per
        feature for tabular input.
    baseline : "zero", "mean", "learned", number, Tensor or callable
        What absent players become (:mod:`harsanyi.baselines`; theory.md §1, §6).
    data : Tensor, optional
        Inputs to average for ``baseline="mean"`` (also tells the sample shape).
    output : "log-odds", "logit", "prob", "raw" or callable
        The scalar read off the model's output (:mod:`harsanyi.outputs`).
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
        dimension than `data`'s samples; for feature and token players when it has more
        dimensions than the player map; for image players when it has at least two more
        (so (C, H, W) is one image and (B, C, H, W) a batch).
    max_evaluations : int
        Refuse work above this many model evaluations (B * 2**n).

    Returns
    -------
    ModelGame
        Call ``.values()`` for the (B, 2**n) or (2**n,) array of v(S).
    """
    return ModelGame(model, x, target, players=players, baseline=baseline, data=data,
                     output=output, batch_size=batch_size, device=device,
                     show_progress=show_progress, additional_forward_args=additional_forward_args,
                     embedding=embedding, masked_input=masked_input, batched=batched,
                     max_evaluations=max_evaluations)

