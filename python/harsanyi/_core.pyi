"""Type stub of the compiled kernels (private; use the functions of harsanyi)."""

import numpy as np
import numpy.typing as npt

HAS_OPENMP: int
HAS_VECTOR_CLONES: int
NONFINITE: int
OVERFLOW: int
MAX_PLAYERS: int
AND_INTERACTIONS: int
AND_VALUES: int
OR_INTERACTIONS: int
OR_VALUES: int
AND_INTERACTIONS_T: int
AND_VALUES_T: int
OR_INTERACTIONS_T: int
OR_VALUES_T: int
SHAPLEY: int
BANZHAF: int
SII: int
BII: int
INFO_FIELDS: int
INFO_OBJECTIVE: int
INFO_DUAL: int
INFO_GAP: int
INFO_ITERATIONS: int
INFO_CONVERGED: int
INFO_WEIGHT: int
SHARED_MAX_MODELS: int

_Real = npt.NDArray[np.floating]

def transform(input: _Real, out: _Real, kind: int, /) -> int: ...
def all_finite(a: _Real, /) -> bool: ...
def player_values(m: _Real, extra: _Real | None, out: _Real, index: int, /) -> None: ...
def superset_index(m: _Real, out: _Real, index: int, /) -> None: ...
def order_stats(
    interactions: _Real,
    threshold: npt.NDArray[np.float64],
    positive: _Real,
    negative: _Real,
    absolute: _Real,
    count: npt.NDArray[np.int64],
    /,
) -> None: ...
def and_or_pdhg(
    v: _Real, tau: _Real, and_out: _Real, or_out: _Real, noise_out: _Real, dual_out: _Real,
    info: _Real, max_iter: int, tol: float, mixed: bool,
    start: tuple[_Real, _Real, _Real, _Real] | None, /,
) -> None: ...
def and_or_sgd(
    v: _Real, tau: _Real, and_out: _Real, or_out: _Real, noise_out: _Real,
    objective: _Real, iterations: int, lr: float, momentum: float, /,
) -> None: ...
def shared_pdhg(
    v: _Real, tau: _Real, gamma_bound: _Real, and_out: _Real, or_out: _Real,
    shared_out: _Real, info: _Real, models: int, alpha: float, max_iter: int, tol: float, /,
) -> None: ...
def theory_predict(w_star: _Real, sigma2: _Real, out: _Real, /) -> None: ...
def log_odds_parts(
    logits: _Real, targets: npt.NDArray[np.int64], base: npt.NDArray[np.float64],
    rest: npt.NDArray[np.float64], /
) -> None: ...
def get_num_threads() -> int: ...
def set_num_threads(threads: int, /) -> None: ...
