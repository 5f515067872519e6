"""Build of the compiled core, harsanyi._core (metadata lives in pyproject.toml).

OpenMP is used when the compiler supports it; otherwise the kernels run on one
thread.  HARSANYI_NO_OPENMP=1 forces the serial build, HARSANYI_SANITIZE=1 builds
with AddressSanitizer and UBSan (used by `make asan`).
"""

import os
import sys
import tempfile
from pathlib import Path

import numpy
from setuptools import Extension, find_packages, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).parent
SOURCES = sorted(str(p.relative_to(HERE)) for p in (HERE / "csrc").glob("*.c"))
HEADERS = sorted(str(p.relative_to(HERE)) for p in (HERE / "csrc").glob("*.h"))

WARNINGS = ["-Wall", "-Wextra"] if os.name != "nt" else []
OPTIMIZE = ["-O3", "-fno-math-errno"] if os.name != "nt" else ["/O2"]


def _compiler_accepts(compiler, flags):
    """Whether `compiler` compiles and links a small OpenMP program with `flags`."""
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "probe.c"
        source.write_text(
            "#include <omp.h>\nint main(void) { return omp_get_max_threads() < 1; }\n"
        )
        try:
            objects = compiler.compile([str(source)], output_dir=tmp, extra_postargs=flags)
            compiler.link_executable(
                objects, str(Path(tmp) / "probe"), extra_postargs=flags
            )
        except Exception:  # any compiler or linker failure means "no"
            return False
    return True


class BuildExt(build_ext):
    """build_ext that adds OpenMP when the compiler has it, and sanitizers on request."""

    def build_extensions(self):
        openmp = [] if os.environ.get("HARSANYI_NO_OPENMP") else ["-fopenmp"]
        if openmp and not _compiler_accepts(self.compiler, openmp):
            print("harsanyi: the compiler lacks OpenMP; building single-threaded kernels",
                  file=sys.stderr)
            openmp = []
        sanitize = []
        if os.environ.get("HARSANYI_SANITIZE"):
            sanitize = ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                        "-fno-sanitize-recover=undefined", "-g", "-O1"]
        for ext in self.extensions:
            ext.extra_compile_args = WARNINGS + OPTIMIZE + openmp + sanitize
            ext.extra_link_args = openmp + sanitize
        super().build_extensions()


setup(
    package_dir={"": "python"},
    packages=find_packages("python"),
    package_data={"harsanyi": ["py.typed", "*.pyi", "theory.md"]},
    ext_modules=[
        Extension(
            "harsanyi._core",
            sources=SOURCES,
            depends=HEADERS,
            include_dirs=[numpy.get_include(), "csrc"],
            define_macros=[("NPY_NO_DEPRECATED_API", "NPY_2_0_API_VERSION")],
        )
    ],
    cmdclass={"build_ext": BuildExt},
)
