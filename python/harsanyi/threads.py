"""How many threads the compiled kernels use."""

from __future__ import annotations

import os

from . import _core

__all__ = ["get_num_threads", "set_num_threads", "has_openmp"]


def get_num_threads() -> int:
    """Number of threads the kernels use (1 when built without OpenMP)."""
    return int(_core.get_num_threads())


def set_num_threads(threads: int | None) -> None:
    """Set the number of threads the kernels use.

    Parameters
    ----------
    threads : int or None
        A positive count, or None (or 0) for OpenMP's default (``OMP_NUM_THREADS`` or
        the number of cores).
    """
    if threads is None:
        threads = 0
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 0:
        raise ValueError(f"threads must be a non-negative integer or None, got {threads!r}")
    limit = 4 * (os.cpu_count() or 1)
    if threads > limit:  # the OpenMP runtime can end the process when threads fail to start
        raise ValueError(f"threads={threads} is more than 4 per CPU ({limit} here); the "
                         "kernels gain nothing past one per core")
    _core.set_num_threads(threads)


def has_openmp() -> bool:
    """Whether the kernels were built with OpenMP (and can use several threads)."""
    return bool(_core.HAS_OPENMP)
