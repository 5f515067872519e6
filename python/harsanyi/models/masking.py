"""Masked inputs x_S: x where the players of S sit, the baseline elsewhere (theory.md §1).

Element masks are kept as integers of the input's width, all bits set where the element
is present, so that x_S is two bit operations on the raw bits: bit-exact like
``torch.where`` (NaN, Inf and signed zeros pass untouched) and several times faster on
the many short rows of a tabular game.  Inputs whose bits cannot be viewed that way
(bool, complex) and inputs that need gradients use ``torch.where`` on a bool mask.
"""

from __future__ import annotations

import weakref

import numpy as np
import torch

__all__ = ["ElementMasks", "selection_dtype", "as_selection", "blend"]

_INTEGER_OF_WIDTH = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}
# Element masks of all 2^n subsets are tabulated up to this many bytes.
MASK_TABLE_BYTES = 1 << 26
# Tables by Players and device, kept while the Players object lives: a tracker explains
# with the same players at every checkpoint.  Never written to.
_MASK_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def selection_dtype(dtype: torch.dtype) -> torch.dtype:
    """The dtype element masks take for inputs of `dtype` (torch.bool: use torch.where)."""
    if dtype == torch.bool or dtype.is_complex:
        return torch.bool
    return _INTEGER_OF_WIDTH.get(dtype.itemsize, torch.bool)


def as_selection(present: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """A bool mask of present elements in the form `dtype` (see :func:`selection_dtype`)."""
    return present if dtype == torch.bool else present.to(dtype).neg_()


def blend(element: torch.Tensor, x: torch.Tensor, baseline: torch.Tensor) -> torch.Tensor:
    """x where `element` marks the element present, the baseline elsewhere (broadcasting)."""
    bitwise = (element.dtype != torch.bool and x.dtype == baseline.dtype
               and x.dtype.itemsize == element.dtype.itemsize
               and not (torch.is_grad_enabled() and (x.requires_grad or baseline.requires_grad)))
    if not bitwise:
        present = element if element.dtype == torch.bool else element != 0
        return torch.where(present, x, baseline)
    x_bits, base_bits = x.view(element.dtype), baseline.view(element.dtype)
    return (((x_bits ^ base_bits) & element) ^ base_bits).view(x.dtype)


class ElementMasks:
    """Which elements of one input are present, for subset masks of a split into players.

    Parameters
    ----------
    players : Players
        The split (its map covers the trailing dimensions of one input).
    sample_ndim : int
        Dimensions of one input (leading ones the map lacks share it).
    selection : torch.dtype
        bool, or the integer type of :func:`selection_dtype`.
    device : torch.device
    """

    def __init__(self, players, sample_ndim: int, selection: torch.dtype, device):
        n = players.n
        index = torch.from_numpy(np.array(players.map)).to(device)
        index[index < 0] = n  # background reads the always-present extra column
        self._map_index = index
        self._view = (1,) * (sample_ndim - len(players.shape)) + tuple(players.shape)
        self._bits = torch.arange(n, device=device)
        self._selection = selection
        self.table = None
        if (1 << n) * max(players.map.size, 1) * selection.itemsize <= MASK_TABLE_BYTES:
            tables = _MASK_TABLES.setdefault(players, {})
            key = (str(device), selection)
            if key not in tables:
                tables[key] = self.from_bits(torch.arange(1 << n, device=device))
            self.table = tables[key]

    def __call__(self, subsets: torch.Tensor) -> torch.Tensor:
        """Masks of shape (k, ...) that broadcast against one input, for k subset masks."""
        if self.table is not None:
            return self.table.index_select(0, subsets)
        return self.from_bits(subsets)

    def range(self, low: int, high: int) -> torch.Tensor:
        """Masks of the consecutive subsets low .. high - 1 (a view of the table if any)."""
        if self.table is not None:
            return self.table[low:high]
        return self.from_bits(torch.arange(low, high, device=self._bits.device))

    def from_bits(self, subsets: torch.Tensor) -> torch.Tensor:
        """Masks computed from the subsets' bits (no table)."""
        return self.from_presence(((subsets[:, None] >> self._bits) & 1).bool())

    def from_presence(self, present: torch.Tensor) -> torch.Tensor:
        """Masks for coalitions given as a bool tensor (k, n) of present players."""
        extended = torch.cat([present, present.new_ones(present.shape[0], 1)], dim=1)
        element = extended[:, self._map_index].reshape((-1,) + self._view)
        return as_selection(element, self._selection)
