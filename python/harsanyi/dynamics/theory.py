"""The two-phase theory of interaction dynamics (theory.md §7, NeurIPS'24).

With w* the interactions of the finally trained model, the theory predicts the
interactions at noise level σ² as ``ŵ(σ²) = (JᵀJ + 2^n diag(c))⁻¹ JᵀJ w*`` with
``J[S,T] = 1[T ⊆ S]`` and ``c_T = 2^|T| σ²``.  Training lowers σ²; fitting σ² per
checkpoint to the observed order distribution shows how far training has come.

:func:`predict` solves the system in O(n·2^n) in C: both matrices are Kronecker products
of 2x2 matrices, so a 2x2 generalised eigendecomposition turns the solve into two
butterflies and a diagonal scaling.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _core
from .._validation import check_memory, game_array, require_finite
from .distribution import DYNAMICS_RATIO, normalise
from ..strength import order_strength

__all__ = ["predict", "predicted_distribution", "fit", "TheoryFit", "low_high_ratio"]

# σ² enters as 2^n 2^|T| σ², so the interesting range starts far below 1; 0 gives w*.
DEFAULT_GRID = np.concatenate([[0.0], np.logspace(-16, 2, 145)])


def predict(w_star, sigma2) -> np.ndarray:
    """Interactions the theory predicts at noise level σ² (theory.md §7).

    Parameters
    ----------
    w_star : array_like, shape (..., 2**n)
        AND interactions of the finally trained model, by mask.
    sigma2 : float or array_like of shape (m,)
        Noise levels, >= 0; σ² = 0 returns w*.

    Returns
    -------
    ndarray
        Shape (..., 2**n) for a scalar σ², (..., m, 2**n) for an array.
    """
    w, _ = _checked_w_star(w_star)
    out = _predict(w, _checked_levels(sigma2))
    return out[..., 0, :] if np.ndim(sigma2) == 0 else out


def predicted_distribution(w_star, sigma2, ratio: float = DYNAMICS_RATIO) -> np.ndarray:
    """The order distribution I^(k), k = 1..n, of the predicted interactions.

    Per sample the threshold is ``τ_theo = ratio · |v_theo(x) - ŵ_∅|`` with
    ``v_theo = Σ_S ŵ_S`` (theory.md §7); the salient strength is averaged over samples
    and normalised over orders.

    Returns
    -------
    ndarray, shape (m, n) for m noise levels (or (n,) for a scalar σ²)
    """
    w, _ = _checked_w_star(w_star)
    result = _distributions(w.reshape(-1, w.shape[-1]), _checked_levels(sigma2), ratio)
    return result[0] if np.ndim(sigma2) == 0 else result


def _checked_w_star(w_star):
    w, n = game_array(w_star, "w_star")
    w = np.ascontiguousarray(w, dtype=np.float64)
    require_finite(w, "w_star")
    return w, n


def _checked_levels(sigma2) -> np.ndarray:
    levels = np.ascontiguousarray(np.atleast_1d(np.asarray(sigma2, dtype=np.float64)))
    if levels.ndim != 1 or not np.all(np.isfinite(levels)) or np.any(levels < 0):
        raise ValueError("sigma2 must be a number or a 1-D array of finite values >= 0")
    return levels


def _predict(w: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """ŵ of checked w* (..., 2**n) at checked levels (m,): shape (..., m, 2**n)."""
    batch = w.shape[:-1]
    check_memory(int(np.prod(batch, dtype=np.int64)) * levels.size * w.shape[-1] * 8,
                 "the predicted interactions")
    out = np.empty(batch + (levels.size, w.shape[-1]))
    _core.theory_predict(w, levels, out)
    return out


def _distributions(w: np.ndarray, levels: np.ndarray, ratio: float) -> np.ndarray:
    """I^(k) of the predictions from checked w* (B, 2**n) at checked levels: (m, n)."""
    predicted = _predict(w, levels)  # (B, m, 2**n)
    rows = []
    for j in range(levels.size):
        w_hat = predicted[:, j, :]
        tau = ratio * np.abs(w_hat.sum(axis=1) - w_hat[:, 0])
        strength = order_strength(w_hat, tau).absolute
        rows.append(normalise(strength[:, 1:].mean(axis=0)))
    return np.array(rows)


def low_high_ratio(distribution) -> np.ndarray:
    """Low- over high-order strength: orders 1..⌊n/2⌋ against ⌊n/2⌋+1..n (Proposition 1)."""
    d = np.atleast_2d(np.asarray(distribution, dtype=np.float64))
    half = d.shape[-1] // 2
    high = d[..., half:].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d[..., :half].sum(axis=-1) / high
    return ratio if np.ndim(distribution) > 1 else ratio[0]


@dataclass(frozen=True)
class TheoryFit:
    """σ² fitted per checkpoint, and the predicted against the observed I^(k).

    Attributes
    ----------
    epochs : ndarray, shape (T,)
    sigma2 : ndarray, shape (T,)
        The fitted noise level of each checkpoint.
    observed, predicted : ndarray, shape (T, n)
        I^(k), k = 1..n.
    error : ndarray, shape (T,)
        Root-mean-square difference of the two curves over orders.
    grid : ndarray, shape (G,)
        The σ² grid searched first.
    grid_distributions : ndarray, shape (G, n)
        The predicted I^(k) on the grid (for the ratio-against-σ² figure).
    """

    epochs: np.ndarray
    sigma2: np.ndarray
    observed: np.ndarray
    predicted: np.ndarray
    error: np.ndarray
    grid: np.ndarray
    grid_distributions: np.ndarray

    def to_dataframe(self):
        """One row per checkpoint: epoch, sigma2, error."""
        import pandas as pd

        return pd.DataFrame({"epoch": self.epochs, "sigma2": self.sigma2, "error": self.error})


def _rms(a, b):
    return np.sqrt(np.mean((a - b) ** 2, axis=-1))


def fit(observed, w_star, epochs=None, grid=None, ratio: float = DYNAMICS_RATIO,
        refine_steps: int = 24) -> TheoryFit:
    """Fit σ² per checkpoint so that the predicted I^(k) matches the observed one.

    A search on a log-spaced grid of σ² is refined by golden-section search on log σ²
    between the best grid point's neighbours.

    Parameters
    ----------
    observed : array_like, shape (T, n)
        I^(k), k = 1..n, of each checkpoint.
    w_star : array_like, shape (B, 2**n)
        AND interactions of the finally trained model on the same samples.
    epochs : array_like, shape (T,), optional
    grid : array_like, optional
        σ² values to search first (default 0 and 10^-16 .. 10^2, 8 per decade).
    ratio : float
        Salience ratio of the predicted curves.
    refine_steps : int
        Golden-section steps per checkpoint.

    Returns
    -------
    TheoryFit
    """
    observed = np.atleast_2d(np.asarray(observed, dtype=np.float64))
    w, n = _checked_w_star(w_star)
    w = w.reshape(-1, w.shape[-1])
    if observed.shape[1] != n:
        raise ValueError(f"observed has {observed.shape[1]} orders but w_star has {n} players")
    grid = DEFAULT_GRID if grid is None else np.sort(np.asarray(grid, dtype=np.float64))
    epochs = np.arange(len(observed)) if epochs is None else np.asarray(epochs)
    curves = _distributions(w, _checked_levels(grid), ratio)
    # log σ² for the refinement; σ² = 0 sits one grid step below the smallest positive.
    positive = grid[grid > 0]
    floor = positive[0] ** 2 / positive[1] if len(positive) > 1 else np.finfo(float).tiny
    log_grid = np.log(np.where(grid > 0, grid, floor))
    sigma2, predicted, error = [], [], []
    golden = (np.sqrt(5) - 1) / 2
    for row in observed:
        distances = _rms(curves, row)
        best = int(np.argmin(distances))
        lo = log_grid[max(best - 1, 0)]
        hi = log_grid[min(best + 1, len(grid) - 1)]
        cost = lambda t: float(_rms(_distributions(w, np.array([np.exp(t)]), ratio)[0], row))
        x1, x2 = hi - golden * (hi - lo), lo + golden * (hi - lo)
        f1, f2 = cost(x1), cost(x2)
        for _ in range(refine_steps if hi > lo else 0):
            if f1 < f2:
                hi, x2, f2 = x2, x1, f1
                x1 = hi - golden * (hi - lo)
                f1 = cost(x1)
            else:
                lo, x1, f1 = x1, x2, f2
                x2 = lo + golden * (hi - lo)
                f2 = cost(x2)
        candidates = [(distances[best], grid[best])] + ([(f1, np.exp(x1)), (f2, np.exp(x2))]
                                                        if hi > lo else [])
        best_error, best_sigma2 = min(candidates, key=lambda c: c[0])
        sigma2.append(best_sigma2)
        error.append(best_error)
        predicted.append(_distributions(w, np.array([float(best_sigma2)]), ratio)[0])
    return TheoryFit(epochs, np.array(sigma2), observed, np.array(predicted), np.array(error),
                     grid, curves)
