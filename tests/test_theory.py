"""The two-phase theory's solver, the order distribution and the σ² fit."""

from __future__ import annotations

import numpy as np
import pytest

import harsanyi as hs


def dense_prediction(w, sigma2):
    n = w.shape[-1].bit_length() - 1
    J = hs.and_values(np.eye(1 << n)).T  # J[S, T] = 1[T ⊆ S]
    c = 2.0 ** hs.subset_sizes(n) * sigma2
    A = J.T @ J + (1 << n) * np.diag(c)
    return np.linalg.solve(A, J.T @ J @ w.T).T


@pytest.mark.parametrize("n", [1, 2, 4, 6, 8])
def test_predict_matches_a_dense_solve(n):
    w = np.random.default_rng(n).standard_normal((3, 1 << n))
    levels = np.array([0.0, 1e-6, 1e-3, 0.5, 20.0])
    got = hs.theory.predict(w, levels)
    assert got.shape == (3, 5, 1 << n)
    for j, s in enumerate(levels):
        np.testing.assert_allclose(got[:, j], dense_prediction(w, s), rtol=0,
                                   atol=1e-9 * max(1.0, np.abs(w).max()))


def test_zero_noise_returns_w_star_and_large_noise_shrinks():
    w = np.random.default_rng(0).standard_normal(1 << 10)
    np.testing.assert_allclose(hs.theory.predict(w, 0.0), w, atol=1e-9)
    small, large = hs.theory.predict(w, [1e-6, 1e2])
    assert np.abs(large).sum() < np.abs(small).sum() < np.abs(w).sum()


def test_predict_rejects_bad_noise_levels():
    with pytest.raises(ValueError, match="sigma2"):
        hs.theory.predict(np.zeros(8), -1.0)
    with pytest.raises(ValueError, match="sigma2"):
        hs.theory.predict(np.zeros(8), [np.nan])


def test_order_distribution_equals_a_direct_computation():
    rng = np.random.default_rng(1)
    v = rng.standard_normal((4, 64))
    a, o = hs.and_interactions(v), hs.or_interactions(v)
    dist = hs.order_distribution(a, o, values=v)
    tau = 0.03 * np.abs(v[:, -1] - v[:, 0]).mean()
    sizes = hs.subset_sizes(6)
    numerator = np.array([
        sum(np.abs(I[g, (sizes == k) & (np.abs(I[g]) >= tau)]).sum() for I in (a, o) for g in range(4))
        / 4 for k in range(1, 7)])
    np.testing.assert_allclose(dist.distribution, numerator / numerator.mean())
    assert dist.threshold == pytest.approx(tau)
    assert dist.distribution.mean() == pytest.approx(1.0)


def test_fit_recovers_the_noise_level_of_predicted_curves():
    rng = np.random.default_rng(2)
    n = 9
    v = 0.3 * hs.subset_sizes(n) + 0.1 * rng.standard_normal((5, 1 << n))
    w = hs.and_interactions(v)
    truth = np.array([0.0, 1e-10, 1e-8, 3e-7])
    observed = np.array([hs.theory.predicted_distribution(w, s) for s in truth])
    fit = hs.theory.fit(observed, w, epochs=[0, 1, 2, 3])
    np.testing.assert_allclose(fit.sigma2, truth, rtol=1e-3, atol=1e-14)
    assert np.all(fit.error < 1e-6)
    assert fit.to_dataframe().shape == (4, 3)


def test_low_high_ratio_falls_with_the_noise_level():
    """Proposition 1: as σ² falls, low-order strength loses weight against high orders."""
    rng = np.random.default_rng(3)
    v = 0.3 * hs.subset_sizes(8) + 0.1 * rng.standard_normal((5, 256))
    w = hs.and_interactions(v)
    levels = np.logspace(-11, -7, 5)
    ratio = hs.theory.low_high_ratio(hs.theory.predicted_distribution(w, levels))
    assert np.all(np.diff(ratio) > 0)


def test_fit_validates_w_star_once(monkeypatch):
    """The golden-section steps reuse the checked w*, not validate it again."""
    import harsanyi.dynamics.theory as theory

    w = np.random.default_rng(5).standard_normal((3, 16))
    observed = hs.theory.predicted_distribution(w, np.array([1e-9, 1e-8]))
    calls = []
    checked = theory.require_finite
    monkeypatch.setattr(theory, "require_finite", lambda *a: calls.append(1) or checked(*a))
    fit = hs.theory.fit(observed, w, refine_steps=12)
    assert len(calls) == 1
    assert fit.sigma2.shape == (2,)
