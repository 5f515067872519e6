"""Checks shared by the public functions: games, dtypes, finiteness, memory."""

from __future__ import annotations

import math
import os

import numpy as np

from . import _core

MAX_PLAYERS = int(_core.MAX_PLAYERS)

# Below this many bytes an allocation is not worth a look at the free memory.
_MEMORY_CHECK_BYTES = 64 << 20


def to_numpy(values, name: str) -> np.ndarray:
    """Return `values` as a NumPy array, accepting PyTorch tensors on any device."""
    if isinstance(values, np.ndarray):
        return values
    if hasattr(values, "detach") and hasattr(values, "cpu"):  # a torch.Tensor
        return values.detach().cpu().numpy()
    try:
        return np.asarray(values)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{name} must be an array of real numbers: {error}") from None


def real_array(values, name: str) -> np.ndarray:
    """Return `values` as an aligned, C-contiguous, native-order float32 or float64 array.

    float32 and float64 keep their precision whatever their byte order; booleans, integers
    and other float widths become float64.  Misaligned or byte-swapped data are copied.
    Complex, object, string and datetime data are refused.
    """
    arr = to_numpy(values, name)
    kind = arr.dtype.kind
    if kind == "c":
        raise TypeError(
            f"{name} is complex ({arr.dtype}); interactions are defined for real games: "
            "pass the real part (values.real) or the magnitude explicitly"
        )
    if kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {arr.dtype}; expected real numbers (float64 or float32)"
        )
    return np.require(arr, dtype=kernel_dtype(arr.dtype), requirements=["C", "A"])


def float64_array(values) -> np.ndarray:
    """`values` as an aligned, C-contiguous, native float64 array (a copy only if needed)."""
    return np.require(values, dtype=np.float64, requirements=["C", "A"])


def kernel_dtype(dtype: np.dtype) -> np.dtype:
    """The native float type the kernels take for data of `dtype`: float32 for 4-byte
    floats, float64 for everything else."""
    return np.dtype(np.float32 if dtype.kind == "f" and dtype.itemsize == 4 else np.float64)


def kernel_ready(arr: np.ndarray) -> bool:
    """Whether `arr` reaches the kernels as it is (no copy)."""
    return (arr.dtype == kernel_dtype(arr.dtype) and arr.flags.c_contiguous
            and arr.flags.aligned)


def whole_number(value, what: str) -> int:
    """`value` as an int when it is a whole number (an int, or a float such as 2.0); a
    TypeError for fractions, strings and booleans instead of a silent truncation."""
    if hasattr(value, "item") and not isinstance(value, np.ndarray):  # NumPy/torch scalars
        value = value.item()
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    raise TypeError(f"{what} must be a whole number, got {value!r}")


def positive_int(value, name: str) -> int:
    """`value` as an int, or a ValueError unless it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def players_from_length(length: int, name: str) -> int:
    """n such that length == 2**n, or a ValueError that says how to fix the input."""
    if length < 1 or length & (length - 1):
        raise ValueError(
            f"{name} has {length} entries on its last axis, which is not a power of two: "
            "a game over n players holds one value per subset, 2**n in all "
            "(e.g. 1024 for n = 10), with bit i of the index set iff player i is present"
        )
    n = length.bit_length() - 1
    if n > MAX_PLAYERS:
        raise ValueError(f"{name} describes n = {n} players; at most {MAX_PLAYERS} are supported")
    return n


def shapes_broadcast(a, b) -> bool:
    """Whether two shapes broadcast together (NumPy/PyTorch rules), without building them."""
    return all(x == y or x == 1 or y == 1 for x, y in zip(reversed(tuple(a)), reversed(tuple(b))))


def game_array(values, name: str = "values") -> tuple[np.ndarray, int]:
    """Return (array, n) for a game or batch of games of shape (..., 2**n).

    The shape is checked before any conversion, so a bad length or an n beyond
    memory fails fast with a message instead of an attempt to allocate.
    """
    arr = to_numpy(values, name)
    if arr.ndim == 0:
        raise ValueError(
            f"{name} is a scalar; expected an array of shape (..., 2**n) holding v(S) "
            "for every subset S"
        )
    n = players_from_length(arr.shape[-1], name)
    if not kernel_ready(arr):
        check_memory(arr.size * 8, f"a contiguous float copy of {name} ({n} players)")
    return real_array(arr, name), n


def nonfinite_message(arr: np.ndarray, name: str) -> str:
    """Describe where the first NaN or Inf of `arr` is."""
    bad = np.argwhere(~np.isfinite(arr))
    where = f" (first at index {tuple(int(i) for i in bad[0])})" if len(bad) else ""
    return (
        f"{name} contains NaN or Inf{where}; clean the input, or pass "
        "check_finite=False to let them propagate"
    )


def require_finite(arr: np.ndarray, name: str) -> None:
    """Raise ValueError if a float array holds NaN or Inf."""
    if not _core.all_finite(arr):
        raise ValueError(nonfinite_message(arr, name))


def available_memory() -> int | None:
    """Bytes of memory available to a new allocation, or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None


def format_bytes(nbytes: float) -> str:
    """Human-readable size: 1.5 GiB, 12.0 MiB, 512 B."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if nbytes < 1024 or unit == "PiB":
            return f"{nbytes:.0f} {unit}" if unit == "B" else f"{nbytes:.1f} {unit}"
        nbytes /= 1024
    return f"{nbytes:.1f} PiB"  # pragma: no cover - loop always returns


def check_memory(nbytes: int, what: str) -> None:
    """Raise MemoryError when `nbytes` more would not fit in the available memory."""
    if nbytes < _MEMORY_CHECK_BYTES:
        return
    available = available_memory()
    if available is not None and nbytes > available:
        raise MemoryError(
            f"{what} needs {format_bytes(nbytes)} but only {format_bytes(available)} of "
            "memory is available; use fewer players or a smaller batch"
        )


# Byte alignment of the arrays the kernels sweep with vector loads (a cache line): NumPy
# aligns to 16 bytes only, and a wider load then straddles two cache lines half the time.
_ALIGNMENT = 64


def aligned_empty(shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised C-contiguous array whose data start on a cache-line boundary."""
    dtype = np.dtype(dtype)
    nbytes = math.prod(shape) * dtype.itemsize
    raw = np.empty(nbytes + _ALIGNMENT, dtype=np.uint8)
    start = -raw.ctypes.data % _ALIGNMENT
    return raw[start:start + nbytes].view(dtype).reshape(shape)


def output_array(out, like: np.ndarray, shape: tuple[int, ...], name: str = "out"):
    """Validate a user-supplied `out` (or allocate one) for a result of `shape`.

    Returns (out, target): the array handed back to the user and a C-contiguous array
    the kernel may write to (the same one unless `out` is strided).
    """
    if out is None:
        check_memory(math.prod(shape) * like.itemsize, "the result")
        target = aligned_empty(shape, like.dtype)
        return target, target
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a NumPy array, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"{name} has shape {out.shape}; the result has shape {tuple(shape)}")
    if out.dtype != like.dtype:
        raise TypeError(f"{name} has dtype {out.dtype}; the result has dtype {like.dtype}")
    if not out.flags.writeable:
        raise ValueError(f"{name} is read-only")
    if out.flags.c_contiguous and out.flags.aligned and out.dtype.isnative:
        return out, out
    return out, aligned_empty(shape, like.dtype)
