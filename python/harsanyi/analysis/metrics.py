"""Metrics over interactions (theory.md §5): how sparse an explanation is, how much of the
output its kept concepts explain, and how far concepts recur over samples and models.

Every function takes an :class:`harsanyi.Interactions` or the interactions themselves: an
array of shape (B, 2**n) (AND only) or a pair ``(and, or)`` of them (an AND-OR split).  A
*pattern* is a (kind, subset) pair; the empty set, the bias term v(∅), is no pattern here
unless ``include_empty=True``.  A pattern is *salient* in a sample when
``|I(S)| >= ratio · max |I|`` over that sample's patterns (theory.md §4, ratio 0.05).
"""

from __future__ import annotations

import numpy as np

__all__ = ["strength_curve", "explanation_ratio", "transferability", "cover_ratio",
           "shared_ratio", "discrimination_power", "salient_count", "SALIENT_RATIO"]

SALIENT_RATIO = 0.05
KINDS = ("and", "or")


def _patterns(result, include_empty: bool = False) -> np.ndarray:
    """The interactions of every sample as (B, K) patterns: AND subsets, then OR ones."""
    if hasattr(result, "and_interactions"):
        parts = [result.and_interactions, result.or_interactions]
    elif isinstance(result, tuple):
        parts = list(result)
    else:
        parts = [result]
    parts = [np.atleast_2d(np.asarray(p, dtype=np.float64)) for p in parts if p is not None]
    if any(p.shape != parts[0].shape for p in parts):
        raise ValueError("the AND and OR interactions must have the same shape")
    if parts[0].ndim != 2 or parts[0].shape[-1] & (parts[0].shape[-1] - 1):
        raise ValueError(f"interactions must have shape (B, 2**n), got {parts[0].shape}")
    first = 0 if include_empty else 1
    return np.concatenate([p[:, first:] for p in parts], axis=1)


def _salient(patterns: np.ndarray, ratio: float) -> np.ndarray:
    """Which patterns are salient in each sample (B, K) of bool."""
    if not 0 <= ratio <= 1:
        raise ValueError(f"ratio must be in [0, 1], got {ratio}")
    size = np.abs(patterns)
    peak = size.max(axis=1, keepdims=True)
    return (size >= ratio * peak) & (peak > 0)


def salient_count(result, ratio: float = SALIENT_RATIO) -> np.ndarray:
    """How many patterns are salient in each sample (``|I| >= ratio · max |I|``), shape (B,)."""
    return _salient(_patterns(result), ratio).sum(axis=1)


def strength_curve(result, include_empty: bool = False) -> np.ndarray:
    """|I(S)| / max |I| of each sample sorted in descending order, averaged over samples.

    Returns
    -------
    ndarray, shape (K,)
        K patterns (2**n - 1 for AND interactions, twice that for an AND-OR split); all zero
        for samples whose interactions are all zero.
    """
    size = np.abs(_patterns(result, include_empty))
    peak = size.max(axis=1, keepdims=True)
    normalised = np.divide(size, peak, out=np.zeros_like(size), where=peak > 0)
    return -np.sort(-normalised, axis=1).mean(axis=0)


def explanation_ratio(result, k=None, ratio: float = SALIENT_RATIO) -> np.ndarray:
    """How much of the output the kept patterns Ω explain, per sample (theory.md §5):
    ``Σ_{S∈Ω}|I(S)| / (Σ_{S∈Ω}|I(S)| + |Σ_{S∉Ω} I(S)|)``, ∅ excluded.

    Parameters
    ----------
    k : int, sequence of int, or None
        Keep the top-k patterns by |I| (several k: a curve); None keeps the salient ones.
    ratio : float
        Salience for ``k=None``.

    Returns
    -------
    ndarray, shape (B,) or (B, len(k))
        NaN where a sample's interactions are all zero.
    """
    patterns = _patterns(result)
    size = np.abs(patterns)
    if k is None:
        kept = [_salient(patterns, ratio)]
    else:
        ks = np.atleast_1d(np.asarray(k))
        if ks.dtype.kind not in "iu" or np.any(ks < 0):
            raise ValueError(f"k must be non-negative integers, got {k!r}")
        order = np.argsort(-size, axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.arange(patterns.shape[1])[None, :], axis=1)
        kept = [rank < kk for kk in ks]
    ratios = []
    for mask in kept:
        inside = np.where(mask, size, 0.0).sum(axis=1)
        outside = np.abs(np.where(mask, 0.0, patterns).sum(axis=1))
        total = inside + outside
        ratios.append(np.divide(inside, total, out=np.full_like(total, np.nan),
                                where=total > 0))
    result_ = np.stack(ratios, axis=-1)
    return result_[..., 0] if k is None or np.ndim(k) == 0 else result_


def transferability(result, k, ratio: float = SALIENT_RATIO) -> np.ndarray:
    """Sample-wise transferability ρ(k) = E_x[ |D_k ∩ Ω_x| / |Ω_x| ] (theory.md §5): D_k the
    k patterns salient in the most samples (ties by pattern index), Ω_x those of sample x.

    Samples with no salient pattern are left out of the mean (NaN if all are).

    Returns
    -------
    float, or ndarray of shape (len(k),) for several k
    """
    salient = _salient(_patterns(result), ratio)
    counts = salient.sum(axis=0)
    order = np.argsort(-counts, kind="stable")
    sizes = salient.sum(axis=1)
    used = sizes > 0
    values = []
    for kk in np.atleast_1d(k):
        top = np.zeros(salient.shape[1], dtype=bool)
        top[order[:int(kk)]] = True
        shared = (salient & top).sum(axis=1)
        values.append(float((shared[used] / sizes[used]).mean()) if used.any() else np.nan)
    return values[0] if np.ndim(k) == 0 else np.array(values)


def _kind_parts(result):
    """{kind: (B, 2**n - 1) interactions without ∅} of a result or an (and, or) pair."""
    if hasattr(result, "and_interactions"):
        pair = (result.and_interactions, result.or_interactions)
    elif isinstance(result, tuple):
        pair = result + (None,) * (2 - len(result))
    else:
        pair = (result, None)
    return {kind: np.atleast_2d(np.asarray(p, dtype=np.float64))[:, 1:]
            for kind, p in zip(KINDS, pair) if p is not None}


def cover_ratio(result_a, result_b, ratio: float = SALIENT_RATIO) -> dict:
    """Model-wise transferability |Ω_a ∩ Ω_b| / |Ω_a| per sample, AND and OR separately
    (theory.md §5): the share of model a's salient patterns that model b has too.

    Returns
    -------
    dict of str to ndarray, shape (B,)
        By kind; NaN where model a has no salient pattern of that kind.
    """
    a, b = _kind_parts(result_a), _kind_parts(result_b)
    out = {}
    for kind in a.keys() & b.keys():
        if a[kind].shape != b[kind].shape:
            raise ValueError(f"the two results' {kind} interactions differ in shape: "
                             f"{a[kind].shape} and {b[kind].shape}")
        sa, sb = _salient(a[kind], ratio), _salient(b[kind], ratio)
        count = sa.sum(axis=1)
        out[kind] = np.divide((sa & sb).sum(axis=1), count, out=np.full(len(count), np.nan),
                              where=count > 0)
    return out


def shared_ratio(result_a, result_b, top: int) -> dict:
    """|topN(|I_a|) ∩ topN(|I_b|)| / N per sample, AND and OR separately (theory.md §5).

    Returns
    -------
    dict of str to ndarray, shape (B,)
    """
    if isinstance(top, bool) or not isinstance(top, (int, np.integer)) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    a, b = _kind_parts(result_a), _kind_parts(result_b)
    out = {}
    for kind in a.keys() & b.keys():
        if a[kind].shape != b[kind].shape:
            raise ValueError(f"the two results' {kind} interactions differ in shape")
        n = min(int(top), a[kind].shape[1])
        first = np.argsort(-np.abs(a[kind]), axis=1, kind="stable")[:, :n]
        second = np.argsort(-np.abs(b[kind]), axis=1, kind="stable")[:, :n]
        out[kind] = np.array([len(np.intersect1d(x, y)) for x, y in zip(first, second)]) / n
    return out


def discrimination_power(result, labels=None, ratio: float = SALIENT_RATIO) -> dict:
    """Per pattern over samples, ``max(m⁺, m⁻) / (m⁺ + m⁻)`` with m⁺ (m⁻) the samples in
    which it is salient with a positive (negative) effect (theory.md §5).

    Parameters
    ----------
    labels : array_like, shape (B,), optional
        Count within each class separately.

    Returns
    -------
    dict of str to ndarray, shape (2**n - 1,)
        By kind, for subsets 1 .. 2**n - 1 (index S - 1); NaN where never salient.  With
        `labels`, a dict by class of such dicts.
    """
    parts = _kind_parts(result)
    if labels is not None:
        labels = np.asarray(labels)
        samples = next(iter(parts.values())).shape[0]
        if labels.shape != (samples,):
            raise ValueError(f"labels must have one entry per sample ({samples}), got "
                             f"shape {labels.shape}")
        return {label.item(): discrimination_power(
            tuple(p[labels == label] for p in _with_empty(parts)), None, ratio)
            for label in np.unique(labels)}
    out = {}
    for kind, values in parts.items():
        salient = _salient(values, ratio)
        plus = (salient & (values > 0)).sum(axis=0)
        minus = (salient & (values < 0)).sum(axis=0)
        total = plus + minus
        out[kind] = np.divide(np.maximum(plus, minus), total,
                              out=np.full(len(total), np.nan), where=total > 0)
    return out


def _with_empty(parts: dict) -> list:
    """Parts without ∅ as full (B, 2**n) arrays again (∅ set to 0), AND first."""
    return [np.concatenate([np.zeros((p.shape[0], 1)), p], axis=1) for p in parts.values()]
