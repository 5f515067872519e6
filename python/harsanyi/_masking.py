"""Masked inputs x_S: x where the players of S sit, the baseline elsewhere (theory.md §1).

Element masks are kept as integers of the input's width, all bits set where the element
is present, so that x_S is two bit operations on the raw bits: bit-exact like
``torch.where`` (NaN, Inf and signed zeros pass untouched) and several times faster on
the many short rows of a tabular game.  Inputs whose bits cannot be viewed that way
(bool, complex) and inputs that need gradients use ``torch.where`` on a bool mask.
"""

from __future__ import annotations

import torch

__all__ = ["selection_dtype", "as_selection", "blend"]

_INTEGER_OF_WIDTH = {1: torch.int8, 2: torch.int16, 4: torch.int32, 8: torch.int64}


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
