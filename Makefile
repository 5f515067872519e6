# harsanyi: the two commands a new user runs are `make demo` and `make test`.
#
#   make demo      set up .venv, install the package, run the main job (figures in out/)
#   make test      set up .venv, install the package, run pytest (what CI runs)
#   make test-all  the same with the slow cases too
#   make bench     benchmarks against the peers (NumPy, shapiq, dense matrices, scipy)
#   make asan      C kernels and transform tests under AddressSanitizer + UBSan
#   make valgrind  C kernel tests under valgrind
#   make clean     remove build products (keeps .venv)

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
TORCH ?= torch==2.13.0
C_SOURCES := $(wildcard csrc/*.c)
C_HEADERS := $(wildcard csrc/*.h)
KERNEL_SOURCES := $(filter-out csrc/module.c,$(C_SOURCES))
CC ?= cc

.PHONY: demo test test-all bench asan valgrind clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Dependencies: the CPU build of PyTorch first, so that nothing pulls a CUDA build; what
# the demo needs, and the test extras only for the targets that test.
$(VENV)/.deps: pyproject.toml | $(PY)
	$(PIP) install --upgrade pip
	$(PIP) install "$(TORCH)"
	$(PIP) install "setuptools>=77" wheel "numpy>=2"
	$(PIP) install --no-build-isolation -e ".[torch,demo]"
	touch $@

$(VENV)/.test-deps: $(VENV)/.deps
	$(PIP) install --no-build-isolation -e ".[torch,demo,test]"
	touch $@

# The compiled core, rebuilt whenever a C file or the build changes.
$(VENV)/.built: $(VENV)/.deps $(C_SOURCES) $(C_HEADERS) setup.py
	$(PIP) install --no-build-isolation --no-deps -e .
	touch $@

demo: $(VENV)/.built
	$(PY) -m harsanyi.demo --out out

test: $(VENV)/.built $(VENV)/.test-deps
	$(PY) -m pytest -q

test-all: $(VENV)/.built $(VENV)/.test-deps
	$(PY) -m pytest -q -m "slow or not slow"

bench: $(VENV)/.built $(VENV)/.test-deps
	for script in bench/[a-z]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# The C tests need no Python; the Python tests load a sanitized copy of the module.
asan: $(VENV)/.built $(VENV)/.test-deps
	$(CC) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	    -fno-omit-frame-pointer -fopenmp -Wall -Wextra -Icsrc \
	    tests/c/test_kernels.c tests/c/test_shared_kernels.c $(KERNEL_SOURCES) -lm -o build-asan-kernels
	ASAN_OPTIONS=detect_leaks=1 ./build-asan-kernels
	rm -rf build-asan && mkdir -p build-asan
	cp -r python/harsanyi build-asan/ && rm -f build-asan/harsanyi/_core*.so
	HARSANYI_SANITIZE=1 $(PY) setup.py -q build_ext --build-lib build-asan-lib \
	    --build-temp build-asan-tmp --force
	cp build-asan-lib/harsanyi/_core*.so build-asan/harsanyi/
	ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=halt_on_error=1 \
	LD_PRELOAD="$$($(CC) -print-file-name=libasan.so) $$($(CC) -print-file-name=libubsan.so)" \
	PYTHONPATH=build-asan sh -c '$(PY) -c "import harsanyi._core as c; assert \"build-asan\" in c.__file__" && \
	    $(PY) -m pytest -q -p no:cacheprovider \
	    tests/test_transforms.py tests/test_indices.py tests/test_order_strength.py \
	    tests/test_and_or.py tests/test_shared_and_or.py tests/test_theory.py tests/test_log_odds.py'

valgrind:
	$(CC) -O1 -g -fopenmp -Wall -Wextra -Icsrc tests/c/test_kernels.c tests/c/test_shared_kernels.c $(KERNEL_SOURCES) \
	    -lm -o build-valgrind-kernels
	valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	    ./build-valgrind-kernels

clean:
	rm -rf build build-asan* build-valgrind* python/harsanyi/_core*.so *.egg-info \
	    python/*.egg-info $(VENV)/.built
