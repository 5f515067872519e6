"""Detecting the two phases of interaction dynamics (theory.md §7).

The papers show the phases in figures but give no procedure; harsanyi uses this rule.

- **Where the order distribution sits**: the mean order ``m(t) = Σ_k k I^(k)(t) / Σ_k I^(k)(t)``
  of each checkpoint t.  Phase 1 removes medium and high orders, so m falls; phase 2
  learns interactions of increasing order, so m rises.
- **Smoothing**: a centred moving average over checkpoints (window about a tenth of
  them, at least 3, odd), shrinking at the ends.
- **Phase 2 starts** at the checkpoint where the smoothed m is lowest, provided m falls
  before it and rises after it by at least 5% of its range; otherwise no phase 2 is
  reported.
- **Uncertainty**: the probe samples are resampled with replacement (bootstrap) and the
  rule applied again; the 10th-90th percentile of the resulting epochs is reported.
- **The loss gap** ``test_loss - train_loss`` is smoothed the same way; it starts to rise at
  its lowest point, and its interval is the span of checkpoints around that point where the
  smoothed gap stays within 5% of its range of the minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distribution import normalise
from .history import as_history

__all__ = ["Phases", "detect_phases", "mean_order", "smooth"]

RISE_FRACTION = 0.05


def smooth(values, window: int) -> np.ndarray:
    """Centred moving average with the window shrinking at the ends (NaNs ignored)."""
    values = np.asarray(values, dtype=np.float64)
    half = window // 2
    out = np.empty_like(values)
    for i in range(len(values)):
        chunk = values[max(0, i - half):i + half + 1]
        chunk = chunk[np.isfinite(chunk)]
        out[i] = chunk.mean() if chunk.size else np.nan
    return out


def mean_order(distribution) -> np.ndarray:
    """Σ_k k I^(k) / Σ_k I^(k) for each row of an (T, n) array of I^(k), k = 1..n."""
    d = np.asarray(distribution, dtype=np.float64)
    orders = np.arange(1, d.shape[-1] + 1)
    total = d.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (d * orders).sum(axis=-1) / total, np.nan)


def _valley(curve: np.ndarray) -> int | None:
    """Index of the lowest point if the curve falls before it and rises after it."""
    if not np.any(np.isfinite(curve)):
        return None
    low = int(np.nanargmin(curve))
    spread = np.nanmax(curve) - np.nanmin(curve)
    if spread <= 0:
        return None
    rises = np.nanmax(curve[low:]) - curve[low] >= RISE_FRACTION * spread
    falls = np.nanmax(curve[:low + 1]) - curve[low] >= RISE_FRACTION * spread
    return low if rises and falls else None


@dataclass(frozen=True)
class Phases:
    """The result of :func:`detect_phases`.

    Attributes
    ----------
    phase2_start : int or None
        Epoch where phase 2 starts (None if no phase 2 is seen).
    phase2_interval : (int, int) or None
        10th-90th percentile of the bootstrap epochs.
    gap_rise : int or None
        Epoch where the test-train loss gap starts to rise (None without losses or rise).
    gap_interval : (int, int) or None
    epochs, mean_order, smoothed_mean_order : ndarray
        The checkpoints and the mean-order curves the rule was applied to.
    gap_epochs, loss_gap, smoothed_loss_gap : ndarray
        Every epoch with both losses, and the gap curves.
    window : int
        The smoothing window of the mean order, in checkpoints.
    """

    phase2_start: int | None
    phase2_interval: tuple | None
    gap_rise: int | None
    gap_interval: tuple | None
    epochs: np.ndarray
    mean_order: np.ndarray
    smoothed_mean_order: np.ndarray
    gap_epochs: np.ndarray
    loss_gap: np.ndarray
    smoothed_loss_gap: np.ndarray
    window: int

    def summary(self) -> str:
        """Two sentences: phase 2 against the loss gap."""
        if self.phase2_start is None:
            phase = "No phase 2 was seen: the mean order of interactions did not fall and then rise."
        else:
            spread = ("bootstrap 10-90%: {}-{}".format(*self.phase2_interval)
                      if self.phase2_interval else "not found again on resampled probes")
            phase = (f"Phase 2 starts at epoch {self.phase2_start} ({spread}): from there the "
                     "mean order of interactions rises again.")
        if self.gap_rise is None:
            gap = "The test-train loss gap shows no minimum followed by a rise."
        else:
            lo, hi = self.gap_interval
            gap = (f"The test-train loss gap is lowest at epoch {self.gap_rise} (within 5% of its "
                   f"range over epochs {lo}-{hi}) and rises after it.")
        if self.phase2_start is not None and self.gap_rise is not None:
            lead = self.gap_rise - self.phase2_start
            gap += (f" Phase 2 starts {abs(lead)} epochs "
                    f"{'before' if lead > 0 else 'after' if lead < 0 else 'at the same time as'}"
                    " the gap's rise." if lead else " They coincide.")
        return phase + " " + gap


def detect_phases(history, *, kind: str | None = None, window: int | None = None,
                  bootstrap: int = 200, seed: int = 0, train_loss: str = "train_loss",
                  test_loss: str = "test_loss") -> Phases:
    """Apply the rule of this module to a training run's checkpoints.

    Parameters
    ----------
    history : DynamicsHistory or DynamicsTracker
        What was recorded (a tracker's ``recorded`` history).
    kind : {"and-or", "harsanyi"}, optional
        Which interactions (default the tracker's method).
    window : int, optional
        Smoothing window in checkpoints.
    bootstrap : int
        Resamples of the probe samples for the interval.
    seed : int
        Seed of the resampling.
    train_loss, test_loss : str
        Names of the losses passed to ``update``.
    """
    history = as_history(history)
    epochs = history.epochs
    if len(epochs) < 5:
        raise ValueError(f"phase detection needs at least 5 checkpoints, got {len(epochs)}")

    if window is None:
        window = max(3, int(round(len(epochs) / 10)) | 1)
    dists = history.distributions(kind)
    m = mean_order(np.array([d.distribution for d in dists]))
    m_smooth = smooth(m, window)
    low = _valley(m_smooth)

    interval = None
    if low is not None and bootstrap > 0:
        rng = np.random.default_rng(seed)
        samples = next(iter(dists[0].absolute.values())).shape[0]
        picks = []
        for _ in range(bootstrap):
            chosen = rng.integers(0, samples, samples)
            curve = mean_order(np.array([normalise(d.numerator(chosen)) for d in dists]))
            found = _valley(smooth(curve, window))
            if found is not None:
                picks.append(epochs[found])
        if picks:
            interval = (int(np.percentile(picks, 10)), int(np.percentile(picks, 90)))

    losses = history.losses
    gap_epochs = np.array(sorted(e for e, row in losses.items()
                                 if train_loss in row and test_loss in row), dtype=np.int64)
    gap = np.array([losses[e][test_loss] - losses[e][train_loss] for e in gap_epochs])
    gap_smooth = smooth(gap, max(3, int(round(len(gap) / 10)) | 1)) if len(gap) else gap
    gap_low = _valley(gap_smooth) if len(gap) >= 3 else None
    gap_interval = None
    if gap_low is not None:
        spread = np.nanmax(gap_smooth) - np.nanmin(gap_smooth)
        near = gap_smooth <= gap_smooth[gap_low] + RISE_FRACTION * spread
        lo = hi = gap_low
        while lo > 0 and near[lo - 1]:
            lo -= 1
        while hi < len(near) - 1 and near[hi + 1]:
            hi += 1
        gap_interval = (int(gap_epochs[lo]), int(gap_epochs[hi]))
    return Phases(
        None if low is None else int(epochs[low]), interval,
        None if gap_low is None else int(gap_epochs[gap_low]), gap_interval,
        epochs, m, m_smooth, gap_epochs, gap, gap_smooth, window)
