"""``python -m harsanyi``: the version, what this build of the kernels can use, and where
to start."""

from __future__ import annotations

import platform


def cpu_has_avx2() -> bool | None:
    """Whether this CPU has AVX2 (None where /proc/cpuinfo cannot tell)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            return any(line.startswith("flags") and " avx2" in line for line in cpuinfo)
    except OSError:
        return None


def describe() -> str:
    """A few lines on the installed package and its compiled kernels."""
    from importlib.metadata import PackageNotFoundError, version

    from . import _core
    from .threads import get_num_threads, has_openmp

    try:
        installed = version("harsanyi")
    except PackageNotFoundError:  # a source tree on the path
        installed = "(source tree)"
    clones = bool(_core.HAS_VECTOR_CLONES)
    avx2 = cpu_has_avx2()
    vectors = ("AVX2 copies of the hot loops built, "
               + ("used on this CPU" if avx2 else "not used: this CPU lacks AVX2" if avx2 is False
                  else "used if the CPU has AVX2")) if clones else "no AVX2 copies in this build"
    threads = (f"OpenMP, {get_num_threads()} threads" if has_openmp()
               else "no OpenMP: one thread")
    return "\n".join([
        f"harsanyi {installed} on Python {platform.python_version()} ({platform.machine()})",
        f"kernels: {threads}; {vectors}; up to n = {_core.MAX_PLAYERS} players",
        "start: `make demo` in a source checkout, or `python -m harsanyi.demo --out out`",
        "docs: README.md, docs/theory.md; hs.explain, hs.and_or, hs.DynamicsTracker",
    ])


if __name__ == "__main__":
    print(describe())
