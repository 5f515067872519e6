"""A model's input as given by the user: a tensor, a tuple, or a mapping of tensors (a dict,
a tokenizer's ``BatchEncoding``).

One entry is *masked* (the one the players split); the others, and any additional
forward arguments, ride along: a tensor whose leading dimension is the batch is
gathered row by row with the masked copies, anything else is passed unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping

import torch

__all__ = ["ModelInputs", "masked_entry", "model_device", "resolve_device", "infer_batched"]


def masked_key(x, masked):
    """The index or key of the entry the players split (see ModelInputs)."""
    if isinstance(x, torch.Tensor):
        return 0
    if isinstance(x, (tuple, list)):
        return masked if masked is not None else next(
            (i for i, e in enumerate(x) if isinstance(e, torch.Tensor)), None)
    if isinstance(x, Mapping):
        return masked if masked is not None else (
            "input_ids" if "input_ids" in x else next(iter(x), None))
    return None


def masked_entry(x, masked):
    """The tensor the players split, or None if x holds no such entry."""
    if isinstance(x, torch.Tensor):
        return x
    key = masked_key(x, masked)
    entries = dict(enumerate(x)) if isinstance(x, (tuple, list)) else x
    return entries.get(key) if isinstance(entries, Mapping) else None


def model_device(model) -> torch.device | None:
    """The device of a module's first parameter or buffer (None for plain callables)."""
    if isinstance(model, torch.nn.Module):
        for tensor in model.parameters():
            return tensor.device
        for tensor in model.buffers():
            return tensor.device
    return None


def normalised_device(device) -> torch.device:
    """`device` with its index spelled out, so that equal places compare equal: "cpu:0"
    is "cpu", and "cuda" is the current CUDA device's index."""
    device = torch.device(device)
    if device.type == "cpu":
        return torch.device("cpu")
    if device.index is None and device.type == "cuda" and torch.cuda.is_available():
        return torch.device("cuda", torch.cuda.current_device())
    if device.index is None:
        return torch.device(device.type, 0)
    return device


def resolve_device(model, device, entry: torch.Tensor) -> tuple[torch.device, bool]:
    """Where the game runs, and whether the inputs are moved there: the given `device`
    (which must be the model's), else the model's device, else the input's."""
    owner = model_device(model)
    if device is None:
        return (owner if owner is not None else entry.device), False
    device = normalised_device(device)
    if owner is not None and normalised_device(owner) != device:
        raise ValueError(f"the model is on {owner} but device={str(device)!r}; move the "
                         f"model with model.to({str(device)!r}) or leave device=None")
    return device, True


def infer_batched(entry: torch.Tensor, players, data) -> bool:
    """Whether x carries a batch dimension, by the rules of ``batched=`` (GameOptions)."""
    if data is not None:
        return entry.ndim == torch.as_tensor(data).ndim
    if players.full_sample or players.kind == "feature_mask":  # Captum: the batch first
        return entry.ndim > len(players.shape)
    # Image players: (H, W) or (C, H, W) is one input, (B, C, H, W) a batch.
    return entry.ndim >= len(players.shape) + 2


def _check_device(tensor: torch.Tensor, device: torch.device, what: str) -> None:
    if normalised_device(tensor.device) != normalised_device(device):
        raise ValueError(
            f"{what} is on {tensor.device} but the model is on {device}; move it with "
            f".to({str(device)!r}) or pass device= to move the inputs"
        )


class ModelInputs:
    """The inputs of one explanation, normalised to a batch on the model's device.

    Parameters
    ----------
    x : Tensor, tuple or dict of Tensors
        One input or a batch (see `batched`).
    masked : int, str or None
        Which entry of a tuple (index) or dict (key) the players split; default the
        first tensor of a tuple and ``"input_ids"`` (else the first key) of a dict.
    batched : bool
        Whether x carries a leading batch dimension; if not, one is added to every tensor.
    additional_forward_args : tuple, optional
        Extra positional arguments for the model, after the input.
    device : torch.device or None
        Where the rows are built and the model runs; with a ``device`` given explicitly
        the inputs are moved there, otherwise they must already be on the model's device.
    move : bool
        Move the inputs to `device` instead of refusing those elsewhere.
    """

    def __init__(self, x, masked, batched: bool, additional_forward_args, device, move: bool):
        key = masked_key(x, masked)
        if isinstance(x, torch.Tensor):
            self.kind, entries = "tensor", {0: x}
        elif isinstance(x, (tuple, list)):
            self.kind, entries = "tuple", dict(enumerate(x))
        elif isinstance(x, Mapping):
            self.kind, entries = "dict", dict(x)
        else:
            raise TypeError(
                f"x must be a tensor, a tuple or a mapping of tensors, got {type(x).__name__}; "
                "convert NumPy arrays with torch.as_tensor"
            )
        if key not in entries or not isinstance(entries[key], torch.Tensor):
            raise ValueError(f"the masked input {key!r} is not a tensor entry of x")
        extra = tuple(additional_forward_args or ())
        if extra and self.kind == "dict":
            raise ValueError("additional_forward_args cannot go with a dict input: add them "
                             "to the dict as keyword arguments of the model")
        self.device = device if device is not None else entries[key].device
        self.batched = batched

        def prepare(value, what):
            if not isinstance(value, torch.Tensor):
                return value
            if move:
                value = value.to(self.device)
            else:
                _check_device(value, self.device, what)
            return value if batched else value.unsqueeze(0)

        self.entries = {k: prepare(v, f"input {k!r}") for k, v in entries.items()}
        self.extra = tuple(prepare(v, f"additional_forward_args[{i}]") for i, v in enumerate(extra))
        self.key = key
        # A lone tensor: the model takes the rows alone, whatever samples they copy.
        self.plain = self.kind == "tensor" and not self.extra
        self.masked = self.entries[key]
        if self.masked.ndim < 1 or self.masked.shape[0] < 1:
            raise ValueError("x holds no samples")

    @property
    def n_samples(self) -> int:
        """Number of samples B."""
        return self.masked.shape[0]

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """Shape of one sample of the masked input."""
        return tuple(self.masked.shape[1:])

    def _gather(self, value, sample_index, rows: int):
        if isinstance(value, torch.Tensor) and value.ndim >= 1 and value.shape[0] == self.n_samples:
            if isinstance(sample_index, int):
                return value[sample_index:sample_index + 1].expand((rows,) + value.shape[1:])
            return value.index_select(0, sample_index)
        return value

    def call(self, model, sample_index, rows: torch.Tensor):
        """Run the model on `rows`: masked copies of the samples `sample_index` (a LongTensor
        with one entry per row, or one int for all rows; unused, and may be None, when
        :attr:`plain`)."""
        try:
            return self._call(model, sample_index, rows)
        except RuntimeError as error:  # torch's shape errors: say how x was read
            read = (f"a batch of {self.n_samples} samples" if self.batched
                    else "one input") + f" of shape {self.sample_shape}"
            raise RuntimeError(
                f"the model failed on masked inputs of shape {tuple(rows.shape)}, x being "
                f"read as {read}; if x is laid out otherwise, pass batched= or reshape it "
                f"(e.g. add a channel dimension). The model said: {error}") from error

    def _call(self, model, sample_index, rows: torch.Tensor):
        if self.plain:
            return model(rows)
        k = rows.shape[0]
        entries = {key: rows if key == self.key else self._gather(v, sample_index, k)
                   for key, v in self.entries.items()}
        extra = tuple(self._gather(v, sample_index, k) for v in self.extra)
        if self.kind == "dict":
            return model(**entries)
        args = tuple(entries[i] for i in range(len(entries)))
        return model(*args, *extra)
