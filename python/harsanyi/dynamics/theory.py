"""The two-phase theory of interaction dynamics (theory.md §7, NeurIPS'24).

With w* the interactions of the finally trained model, the theory predicts the
interactions at noise level σ² as ``ŵ(σ²) = (JᵀJ + 2^n diag(c))⁻¹ JᵀJ w*`` with
``J[S,T] = 1[T ⊆ S]`` and a noise model c_T: ``"power"``, ``c_T = 2^|T| σ²`` (the default),
or ``"compound"``, ``c_T = (1 + σ²)^|T| - 1``.  The OR part of an AND-OR split is predicted
through the complement game (:func:`predict_and_or`).  Training lowers σ²; fitting σ² per
phase-2 checkpoint to the observed order distribution shows how far training has come.

For the power model both matrices are Kronecker products of 2x2 matrices, so a 2x2
generalised eigendecomposition turns the solve into two butterflies in C, O(n·2^n); the
compound model is solved by preconditioned conjugate gradients on butterflies.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .. import _core
from .._validation import check_memory, float64_array, game_array, require_finite
from ..strength import order_strength
from ..subsets import subset_sizes
from .compound_noise import compound_predict
from .distribution import DYNAMICS_RATIO, normalise

__all__ = ["predict", "predict_and_or", "predicted_distribution", "fit", "TheoryFit",
           "low_high_ratio", "NOISE_MODELS", "default_grid", "effective_noise"]

NOISE_MODELS = ("power", "compound")
# The 2x2 generalised eigenvalues of ([[2, 1], [1, 1]], diag(1, 2)) over 2: σ² shrinks an
# n-player prediction between about LOW^n and HIGH^n.
_LOW, _HIGH = (5 - np.sqrt(17)) / 8, (5 + np.sqrt(17)) / 8


def default_grid(n: int, per_decade: int = 8) -> np.ndarray:
    """σ² values to search for n players: 0, and a log grid from well below the smallest
    to well above the largest shrinkage of the power model (it scales with n)."""
    low, high = np.log10(1e-3 * _LOW ** n), np.log10(1e3 * _HIGH ** n)
    return np.concatenate([[0.0], np.logspace(low, high, int((high - low) * per_decade) + 1)])


def effective_noise(sigma2, n: int) -> np.ndarray:
    """σ² on a scale free of n: 1 where the strongest directions of an n-player
    prediction are shrunk by about a half (σ² · 2^n / λ_max of the power model)."""
    return np.asarray(sigma2, dtype=np.float64) / _HIGH ** n


def predict(w_star, sigma2, noise: str = "power") -> np.ndarray:
    """Interactions the theory predicts at noise level σ² (theory.md §7).

    Parameters
    ----------
    w_star : array_like, shape (..., 2**n)
        AND interactions of the finally trained model, by mask.
    sigma2 : float or array_like of shape (m,)
        Noise levels, >= 0; σ² = 0 returns w*.
    noise : {"power", "compound"}
        The noise model c_T: ``2^|T| σ²`` or ``(1 + σ²)^|T| - 1``.

    Returns
    -------
    ndarray
        Shape (..., 2**n) for a scalar σ², (..., m, 2**n) for an array.
    """
    w, _ = _checked_w_star(w_star)
    out = _predict(w, _checked_levels(sigma2), _checked_noise(noise))
    return out[..., 0, :] if np.ndim(sigma2) == 0 else out


def predict_and_or(and_star, or_star, sigma2, noise: str = "power"):
    """AND and OR interactions the theory predicts at noise level σ² (theory.md §7).

    The AND part is :func:`predict` of `and_star`.  The OR part is read on complements,
    ``u(T) = v_or(N \\ T)``, an AND-type game with dividends ``x_∅ = Σ_{S≠∅} I_or(S)`` and
    ``x_T = -I_or(T)``; its prediction x̂ gives ``Î_or(T) = -x̂_T`` for T ≠ ∅.  ∅ and
    singletons of the OR part are then folded into the AND part (theory.md §4).

    Parameters
    ----------
    and_star, or_star : array_like, shape (..., 2**n)
        The AND-OR split of the finally trained model.
    sigma2 : float or array_like of shape (m,)
    noise : {"power", "compound"}

    Returns
    -------
    (and_hat, or_hat) : ndarray
        Each of shape (..., 2**n) for a scalar σ², (..., m, 2**n) for an array.
    """
    a, n = _checked_w_star(and_star, "and_star")
    o, _ = _checked_w_star(or_star, "or_star")
    if o.shape != a.shape:
        raise ValueError(f"or_star has shape {o.shape} but and_star {a.shape}")
    and_hat, or_hat = _predict_and_or(a, o, _checked_levels(sigma2), _checked_noise(noise))
    if np.ndim(sigma2) == 0:
        return and_hat[..., 0, :], or_hat[..., 0, :]
    return and_hat, or_hat


def predicted_distribution(and_star, sigma2, ratio: float = DYNAMICS_RATIO, *,
                           or_interactions=None, threshold=None,
                           noise: str = "power") -> np.ndarray:
    """The order distribution I^(k), k = 1..n, of the predicted interactions.

    The threshold follows the observed curves' rule (theory.md §5, §7): one
    ``τ = ratio · E_x|v̂(N) - v̂(∅)|`` over the samples, from the predicted interactions,
    unless `threshold` fixes it.

    Parameters
    ----------
    and_star : array_like, shape (B, 2**n) or (2**n,)
        w*: AND interactions of the finally trained model (of its AND-OR split when
        `or_interactions` is given).
    sigma2 : float or array_like of shape (m,)
    ratio : float
        Salience ratio for the default threshold.
    or_interactions : array_like, optional
        The OR part of w*; both kinds then count, as in the observed AND-OR curves.
    threshold : float, optional
        A fixed τ instead.
    noise : {"power", "compound"}

    Returns
    -------
    ndarray, shape (m, n) for m noise levels (or (n,) for a scalar σ²)
    """
    a, _ = _checked_w_star(and_star, "and_star")
    o = None
    if or_interactions is not None:
        o, _ = _checked_w_star(or_interactions, "or_interactions")
        if o.shape != a.shape:
            raise ValueError("or_interactions must have the shape of and_star")
        o = o.reshape(-1, o.shape[-1])
    result = _distributions(a.reshape(-1, a.shape[-1]), o, _checked_levels(sigma2), ratio,
                            _checked_threshold(threshold), _checked_noise(noise))
    return result[0] if np.ndim(sigma2) == 0 else result


def low_high_ratio(distribution) -> np.ndarray:
    """Low- over high-order strength: orders 1..⌊n/2⌋ against ⌊n/2⌋+1..n (Proposition 1)."""
    d = np.atleast_2d(np.asarray(distribution, dtype=np.float64))
    half = d.shape[-1] // 2
    high = d[..., half:].sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = d[..., :half].sum(axis=-1) / high
    return ratio if np.ndim(distribution) > 1 else ratio[0]


# -- checked inputs -------------------------------------------------------------------


def _checked_w_star(w_star, name: str = "w_star"):
    w, n = game_array(w_star, name)
    w = float64_array(w)
    require_finite(w, name)
    return w, n


def _checked_levels(sigma2) -> np.ndarray:
    levels = float64_array(np.atleast_1d(np.asarray(sigma2, dtype=np.float64)))
    if levels.ndim != 1 or not np.all(np.isfinite(levels)) or np.any(levels < 0):
        raise ValueError("sigma2 must be a number or a 1-D array of finite values >= 0")
    return levels


def _checked_noise(noise: str) -> str:
    if noise not in NOISE_MODELS:
        raise ValueError(f"unknown noise model {noise!r}; choose one of {NOISE_MODELS}")
    return noise


def _checked_threshold(threshold):
    if threshold is None:
        return None
    threshold = float(threshold)
    if not np.isfinite(threshold) or threshold < 0:
        raise ValueError(f"threshold must be finite and >= 0, got {threshold}")
    return threshold


# -- solves on checked inputs -----------------------------------------------------------


def _predict(w: np.ndarray, levels: np.ndarray, noise: str) -> np.ndarray:
    """ŵ of checked w* (..., 2**n) at checked levels (m,): shape (..., m, 2**n)."""
    batch = w.shape[:-1]
    check_memory(int(np.prod(batch, dtype=np.int64)) * levels.size * w.shape[-1] * 8 * 3,
                 "the predicted interactions")
    out = np.empty(batch + (levels.size, w.shape[-1]))
    if noise == "power":
        _core.theory_predict(w, levels, out)
    else:
        compound_predict(w.reshape(-1, w.shape[-1]), levels,
                         out.reshape(-1, levels.size, w.shape[-1]))
    return out


def _predict_and_or(a: np.ndarray, o: np.ndarray, levels: np.ndarray, noise: str):
    """Predicted AND and OR parts (..., m, 2**n) of checked w* parts (..., 2**n)."""
    n = a.shape[-1].bit_length() - 1
    x = -o
    x[..., 0] = o[..., 1:].sum(axis=-1)
    and_hat = _predict(a, levels, noise)
    or_hat = -_predict(x, levels, noise)
    or_hat[..., 0] = 0.0  # x̂_∅ is the complement game's constant, not an OR interaction
    low = subset_sizes(n) <= 1
    and_hat[..., low] += or_hat[..., low]
    or_hat[..., low] = 0.0
    return and_hat, or_hat


def _distributions(a: np.ndarray, o, levels: np.ndarray, ratio: float, threshold,
                   noise: str) -> np.ndarray:
    """I^(k) of the predictions from checked parts (B, 2**n) at checked levels: (m, n)."""
    if o is None:
        kinds = [_predict(a, levels, noise)]
    else:
        kinds = list(_predict_and_or(a, o, levels, noise))
    rows = []
    for j in range(levels.size):
        parts = [k[:, j, :] for k in kinds]
        if threshold is None:
            change = np.abs(sum(p[:, 1:].sum(axis=1) for p in parts))
            tau = ratio * float(change.mean())
        else:
            tau = threshold
        total = sum(order_strength(p, tau).absolute for p in parts)
        rows.append(normalise(total[:, 1:].mean(axis=0)))
    return np.array(rows)


# -- the fit ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TheoryFit:
    """σ² fitted per checkpoint, and the predicted against the observed I^(k).

    Attributes
    ----------
    epochs : ndarray, shape (C,)
        The fitted checkpoints (phase 2 by default when fitted by a tracker).
    sigma2 : ndarray, shape (C,)
        The fitted noise level of each checkpoint.
    observed, predicted : ndarray, shape (C, n)
        I^(k), k = 1..n.
    rms : ndarray, shape (C,)
        Root-mean-square difference of the two curves over orders.
    null_rms : ndarray, shape (C,)
        The same for the σ² = 0 curve (w* itself): what the theory improves on.
    grid : ndarray, shape (G,)
        The σ² grid searched first.
    grid_distributions : ndarray, shape (G, n)
        The predicted I^(k) on the grid (for the ratio-against-σ² figure).
    kind : {"and-or", "and"}
        Which interactions were fitted.
    noise : {"power", "compound"}
        The noise model.
    """

    epochs: np.ndarray
    sigma2: np.ndarray
    observed: np.ndarray
    predicted: np.ndarray
    rms: np.ndarray
    null_rms: np.ndarray
    grid: np.ndarray
    grid_distributions: np.ndarray
    kind: str = "and"
    noise: str = "power"

    @property
    def error(self) -> np.ndarray:
        """The fit's RMS per checkpoint (the same as :attr:`rms`)."""
        return self.rms

    @property
    def explained(self) -> float:
        """``1 - Σ rms² / Σ null_rms²`` over the fitted checkpoints: the share of the
        curves' distance from w*'s own that the fitted σ² accounts for (NaN without any)."""
        null = float(np.sum(self.null_rms ** 2))
        return 1.0 - float(np.sum(self.rms ** 2)) / null if null > 0 else float("nan")

    @property
    def effective_noise(self) -> np.ndarray:
        """σ² on an n-free scale (see :func:`effective_noise`)."""
        return effective_noise(self.sigma2, self.observed.shape[1])

    def to_dataframe(self):
        """One row per checkpoint: epoch, sigma2, rms, null_rms."""
        import pandas as pd

        return pd.DataFrame({"epoch": self.epochs, "sigma2": self.sigma2, "rms": self.rms,
                             "null_rms": self.null_rms})


def _rms(a, b):
    return np.sqrt(np.mean((a - b) ** 2, axis=-1))


def fit(observed, and_star, *, or_interactions=None, threshold=None, epochs=None, grid=None,
        ratio: float = DYNAMICS_RATIO, noise: str = "power", refine_steps: int = 24) -> TheoryFit:
    """Fit σ² per checkpoint so that the predicted I^(k) matches the observed one.

    A search on a log-spaced grid of σ² is refined by golden-section search on log σ²
    between the best grid point's neighbours.  A fit on the grid's top edge is warned
    about: pass a wider `grid`.

    Parameters
    ----------
    observed : array_like, shape (C, n)
        I^(k), k = 1..n, of each checkpoint (of the AND-OR split when `or_interactions`
        is given, as theory.md §7 states the theory).
    and_star : array_like, shape (B, 2**n)
        w*: the AND interactions of the finally trained model on the same samples.
    or_interactions : array_like, optional
        The OR part of w*'s AND-OR split.
    threshold : float, optional
        A fixed τ for the predicted curves; default the observed rule, one τ from the
        predicted values (see :func:`predicted_distribution`).
    epochs : array_like, shape (C,), optional
    grid : array_like, optional
        σ² values to search first (default :func:`default_grid` of n).
    ratio : float
        Salience ratio of the predicted curves.
    noise : {"power", "compound"}
    refine_steps : int
        Golden-section steps per checkpoint.

    Returns
    -------
    TheoryFit
    """
    observed = np.atleast_2d(np.asarray(observed, dtype=np.float64))
    a, n = _checked_w_star(and_star, "and_star")
    a = a.reshape(-1, a.shape[-1])
    o = None
    if or_interactions is not None:
        o, _ = _checked_w_star(or_interactions, "or_interactions")
        if o.size != a.size:
            raise ValueError("or_interactions must have the shape of and_star")
        o = o.reshape(a.shape)
    if observed.shape[1] != n:
        raise ValueError(f"observed has {observed.shape[1]} orders but w* has {n} players")
    noise, threshold = _checked_noise(noise), _checked_threshold(threshold)
    grid = default_grid(n) if grid is None else np.sort(_checked_levels(grid))
    epochs = np.arange(len(observed)) if epochs is None else np.asarray(epochs)

    def curves(levels):
        return _distributions(a, o, levels, ratio, threshold, noise)

    grid_curves = curves(grid)
    null = curves(np.zeros(1))[0]
    # log σ² for the refinement; σ² = 0 sits one grid step below the smallest positive.
    positive = grid[grid > 0]
    floor = positive[0] ** 2 / positive[1] if len(positive) > 1 else np.finfo(float).tiny
    log_grid = np.log(np.where(grid > 0, grid, floor))
    sigma2, predicted, rms = [], [], []
    at_edge = 0
    golden = (np.sqrt(5) - 1) / 2
    for row in observed:
        distances = _rms(grid_curves, row)
        best = int(np.argmin(distances))
        at_edge += best == len(grid) - 1 and grid[best] > 0
        lo = log_grid[max(best - 1, 0)]
        hi = log_grid[min(best + 1, len(grid) - 1)]
        cost = lambda t: float(_rms(curves(np.array([np.exp(t)]))[0], row))
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
        best_rms, best_sigma2 = min(candidates, key=lambda c: c[0])
        sigma2.append(best_sigma2)
        rms.append(best_rms)
        predicted.append(curves(np.array([float(best_sigma2)]))[0])
    sigma2 = np.array(sigma2)
    if at_edge:
        warnings.warn(f"{at_edge} checkpoint(s) fitted at the top of the σ² grid "
                      f"({grid[-1]:.3g}); pass a wider grid=", stacklevel=2)
    return TheoryFit(epochs, sigma2, observed, np.array(predicted), np.array(rms),
                     _rms(null, observed), grid, grid_curves,
                     "and" if o is None else "and-or", noise)
