"""Shared helpers for the tests: random games, layouts and tolerances."""

from __future__ import annotations

import numpy as np
import pytest

DTYPES = (np.float64, np.float32)
BATCH_SHAPES = ((), (3,), (2, 3))


@pytest.fixture
def rng():
    return np.random.default_rng(20261123)


def random_game(rng, n, batch_shape=(), dtype=np.float64):
    """Values ~ N(0, 1) for every subset of n players."""
    return rng.standard_normal(tuple(batch_shape) + (1 << n,)).astype(dtype)


def strided(arr):
    """The same values in a non-contiguous layout (every other row of a wider buffer)."""
    buffer = np.zeros(arr.shape[:-1] + (arr.shape[-1], 2), dtype=arr.dtype)
    buffer[..., 0] = arr
    view = buffer[..., 0]
    assert not view.flags.c_contiguous or view.size <= 1
    return view


def transposed_layout(arr):
    """The same values stored column-major (Fortran order)."""
    return np.asfortranarray(arr)


def tolerance(dtype, n, scale=1.0):
    """Absolute tolerance for sums of up to 2^n terms of magnitude `scale`."""
    eps = np.finfo(dtype).eps
    return 8 * eps * (1 << n) * scale + (1e-12 if dtype == np.float64 else 1e-6)
