"""A model seen through masked inputs: v(x_S) for any coalitions S of players (theory.md §1).

:class:`MaskedModel` holds what every game of a model needs: the players, the inputs on
the model's device, the baseline, the element masks, the targets and the value function.
:class:`~harsanyi.models.game.ModelGame` evaluates it on all 2^n subsets;
:func:`~harsanyi.models.multi_order.multi_order` on sampled coalitions of many players.
"""

from __future__ import annotations

import contextlib

import numpy as np
import torch

from .._validation import positive_int
from . import players as players_module
from .baselines import resolve_baseline, resolve_embedding_baseline
from .embedding import EmbeddingMask
from .inputs import ModelInputs, infer_batched, masked_entry, resolve_device
from .masking import ElementMasks, selection_dtype, blend
from .options import GameOptions
from .outputs import check_batch_rows, checked_targets, given_targets, logits_of, value_function
from .values import evaluation_mode

__all__ = ["MaskedModel"]


class MaskedModel:
    """A model, an input and the options that say how its players are masked.

    Parameters
    ----------
    model : torch.nn.Module or callable
    x : Tensor, tuple or mapping of Tensors
    target : int, sequence or Tensor, optional
        As for :func:`harsanyi.model_game`.
    options : GameOptions
        How the input is masked and read; its baseline is not ``"learned"``.
    baseline_kind : str, optional
        How the baseline was found, for the record (default: from the options).

    Attributes
    ----------
    players : Players
    n_players, n_samples : int
    batched : bool
        Whether x was a batch or one input.
    """

    def __init__(self, model, x, target=None, options: GameOptions = GameOptions(), *,
                 baseline_kind: str | None = None):
        self.model = model
        self.options = options
        self.batch_size = positive_int(options.batch_size, "batch_size")
        self.value_function = value_function(options.output)

        entry = masked_entry(x, options.masked_input)
        if not isinstance(entry, torch.Tensor):
            raise TypeError("x must be a tensor, or a tuple or mapping holding the tensor the "
                            "players split (name it with masked_input=)")
        players = options.players
        if players is None:
            if entry.ndim not in (1, 2) or not entry.dtype.is_floating_point:
                raise ValueError("pass players=: only a tabular input (one row or a batch of "
                                 "rows) defaults to one player per feature")
            players = players_module.features(entry.shape[-1])
        if not isinstance(players, players_module.Players):
            raise TypeError("players must be made by harsanyi.players (features, groups, grid, "
                            "segments, tokens or feature_mask)")
        self.players = players
        self.batched = infer_batched(entry, players, options.data) if options.batched is None \
            else bool(options.batched)

        self.device, move = resolve_device(model, options.device, entry)
        self.inputs = ModelInputs(x, options.masked_input, self.batched,
                                  options.additional_forward_args, self.device, move)
        self.players.check_input(self.inputs.sample_shape)
        self._check_work(options.max_evaluations)

        self._baseline_kind = baseline_kind
        if isinstance(options.baseline, str) and options.baseline == "learned":
            raise ValueError("baseline='learned' is fitted before a game is built: use "
                             "hs.model_game or hs.explain, or pass hs.learn_baseline's result")
        if options.embedding is None:
            self.baseline = resolve_baseline(options.baseline, self.inputs.masked, options.data)
            self._embedding = None
            selection = selection_dtype(self.inputs.masked.dtype)
        else:
            self.baseline = resolve_embedding_baseline(options.embedding, options.baseline,
                                                       self.inputs.masked, options.data)
            self._embedding = EmbeddingMask(options.embedding, self.baseline, self.n_samples)
            selection = torch.bool
        self.element_mask = ElementMasks(self.players, len(self.inputs.sample_shape),
                                         selection, self.device)
        self.given_targets = given_targets(target, self.n_samples, self.device, self.batched)
        self._targets = None

    def _check_work(self, max_evaluations):
        """Refuse work that is too large before anything is computed (subclasses)."""

    @property
    def output(self):
        """The value function's name, or the callable (``GameOptions.output``)."""
        return self.options.output

    @property
    def show_progress(self):
        return self.options.show_progress

    @property
    def n_players(self) -> int:
        return self.players.n

    @property
    def n_samples(self) -> int:
        return self.inputs.n_samples

    # -- targets --------------------------------------------------------------------

    def _resolve_targets(self):
        """The targets from one forward pass over the unmasked inputs."""
        samples = self.n_samples
        with evaluation_mode(self.model), torch.no_grad(), self.masking():
            probe = []
            for start in range(0, samples, self.batch_size):
                index = torch.arange(start, min(start + self.batch_size, samples), device=self.device)
                rows = self.inputs.masked if len(index) == samples else \
                    self.inputs.masked.index_select(0, index)
                probe.append(logits_of(self.inputs.call(self.model, index, rows)))
            logits = probe[0] if len(probe) == 1 else torch.cat(probe)
        check_batch_rows(logits, samples)
        targets = checked_targets(logits, self.given_targets, 0, self.output)
        if self.output == "raw" or callable(self.output):
            self.value_function(logits[:1], targets[:1])  # the value function accepts this output
        return targets.contiguous()

    @property
    def has_targets(self) -> bool:
        """Whether the targets are known yet."""
        return self._targets is not None

    @property
    def targets_tensor(self) -> torch.Tensor:
        """The class explained for each sample, on the model's device."""
        if self._targets is None:
            self._targets = self._resolve_targets()
        return self._targets

    @property
    def targets(self) -> np.ndarray:
        return self.targets_tensor.cpu().numpy()

    # -- rows -----------------------------------------------------------------------

    def masking(self):
        """A context in which forward passes see the masked rows (the embedding hook)."""
        return self._embedding.hooked() if self._embedding is not None else contextlib.nullcontext()

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
            self._embedding.expect(element, sample)
        return self.inputs.call(self.model, sample, rows)

    def _value(self, sample: torch.Tensor, element: torch.Tensor, baseline) -> torch.Tensor:
        base = self.baseline if baseline is None else baseline
        output = self._forward(sample, element, self._rows(sample, element, base))
        v = self.value_function(output, self.targets_tensor.index_select(0, sample))
        return v.to(torch.float64)

    def forward_present(self, sample: torch.Tensor, present: torch.Tensor):
        """The model's raw output on (sample, coalition) rows, coalitions given as a bool
        tensor (k, n) of present players; gradients flow, the model's mode is the
        caller's (see :func:`harsanyi.order_loss`).  Call it inside :meth:`masking`."""
        element = self.element_mask.from_presence(present)
        return self._forward(sample, element, self._rows(sample, element, self.baseline))

    def evaluate(self, sample: torch.Tensor, subsets: torch.Tensor, baseline=None) -> torch.Tensor:
        """v for the given (sample, subset mask) pairs, as a float64 tensor (gradients kept).

        The caller sets no_grad and the evaluation mode; :meth:`values` does both.
        """
        return self._value(sample, self.element_mask(subsets), baseline)

    def evaluate_present(self, sample: torch.Tensor, present: torch.Tensor,
                         baseline=None) -> torch.Tensor:
        """v for (sample, coalition) pairs given as a bool tensor (k, n) of present players:
        any n, unlike the integer masks of :meth:`evaluate`.  The caller sets no_grad and
        the evaluation mode."""
        return self._value(sample, self.element_mask.from_presence(present), baseline)
