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
    assert list(fit.to_dataframe().columns) == ["epoch", "sigma2", "rms", "null_rms"]


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


def dense_theory(w, sigma2, noise):
    """The theory's ŵ(σ²) by a dense solve of (JᵀJ + 2^n diag(c)) x = JᵀJ w."""
    n = w.shape[-1].bit_length() - 1
    masks = np.arange(1 << n)
    J = ((masks[None, :] & masks[:, None]) == masks[None, :]).astype(float)  # J[S, T] = 1[T ⊆ S]
    sizes = hs.subset_sizes(n)
    c = 2.0 ** sizes * sigma2 if noise == "power" else (1 + sigma2) ** sizes - 1
    A = J.T @ J + (1 << n) * np.diag(c)
    return np.linalg.solve(A, J.T @ J @ np.atleast_2d(w).T).T


def dense_and_or_prediction(a, o, sigma2, noise):
    """The AND-OR prediction of theory.md §7 written out: the OR part through the
    complement game, then ∅ and singletons folded into the AND part."""
    n = a.shape[-1].bit_length() - 1
    x = -o.copy()
    x[:, 0] = o[:, 1:].sum(axis=1)
    and_hat = dense_theory(a, sigma2, noise)
    or_hat = -dense_theory(x, sigma2, noise)
    or_hat[:, 0] = 0.0
    low = hs.subset_sizes(n) <= 1
    and_hat[:, low] += or_hat[:, low]
    or_hat[:, low] = 0.0
    return and_hat, or_hat


def and_or_star(rng, n, samples=3):
    """A sparse AND-OR split of a few samples, OR part folded (∅ and singletons zero)."""
    a = rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < 0.3)
    o = rng.standard_normal((samples, 1 << n)) * (rng.random((samples, 1 << n)) < 0.3)
    o[:, hs.subset_sizes(n) <= 1] = 0.0
    return a, o


@pytest.mark.parametrize("n", [1, 4, 7])
@pytest.mark.parametrize("noise", ["power", "compound"])
def test_both_noise_models_match_a_dense_solve(n, noise):
    w = np.random.default_rng(n).standard_normal((2, 1 << n))
    for sigma2 in (1e-5, 0.01, 2.0):
        np.testing.assert_allclose(hs.theory.predict(w, sigma2, noise=noise),
                                   dense_theory(w, sigma2, noise), rtol=0,
                                   atol=1e-8 * np.abs(w).max())


@pytest.mark.parametrize("n", [2, 5, 8])
@pytest.mark.parametrize("noise", ["power", "compound"])
def test_and_or_prediction_matches_the_complement_game_written_out(n, noise):
    a, o = and_or_star(np.random.default_rng(30 + n), n)
    for sigma2 in (1e-4, 0.05):
        want_and, want_or = dense_and_or_prediction(a, o, sigma2, noise)
        got_and, got_or = hs.theory.predict_and_or(a, o, sigma2, noise=noise)
        np.testing.assert_allclose(got_and, want_and, atol=1e-8)
        np.testing.assert_allclose(got_or, want_or, atol=1e-8)


def test_and_or_prediction_at_zero_noise_is_the_input_and_is_linear():
    rng = np.random.default_rng(40)
    a, o = and_or_star(rng, 6)
    got_and, got_or = hs.theory.predict_and_or(a, o, 0.0)
    np.testing.assert_allclose(got_and, a, atol=1e-12)
    np.testing.assert_allclose(got_or, o, atol=1e-12)
    b, p = and_or_star(rng, 6)
    levels = np.array([1e-6, 1e-3])
    sum_and, sum_or = hs.theory.predict_and_or(2 * a - b, 2 * o - p, levels)
    ia, io = hs.theory.predict_and_or(a, o, levels)
    ja, jo = hs.theory.predict_and_or(b, p, levels)
    np.testing.assert_allclose(sum_and, 2 * ia - ja, atol=1e-10)
    np.testing.assert_allclose(sum_or, 2 * io - jo, atol=1e-10)


def test_predicted_curves_use_one_threshold_over_the_samples():
    a, o = and_or_star(np.random.default_rng(41), 5, samples=4)
    sigma2 = 1e-3
    and_hat, or_hat = hs.theory.predict_and_or(a, o, sigma2)
    tau = 0.03 * np.abs((and_hat + or_hat)[:, 1:].sum(axis=1)).mean()
    want = hs.order_distribution(and_hat, or_hat, threshold=tau).distribution
    got = hs.theory.predicted_distribution(a, sigma2, or_interactions=o)
    np.testing.assert_allclose(got, want, atol=1e-12)
    fixed = hs.theory.predicted_distribution(a, sigma2, or_interactions=o, threshold=0.5)
    np.testing.assert_allclose(fixed, hs.order_distribution(and_hat, or_hat, threshold=0.5)
                               .distribution, atol=1e-12)


@pytest.mark.parametrize("noise", ["power", "compound"])
def test_planted_and_or_noise_levels_are_recovered(noise):
    """Curves made from a known AND-OR w* at known, falling σ² are fitted back within 5%
    and the fit explains nearly all of their distance from σ² = 0."""
    rng = np.random.default_rng(42)
    n = 8
    a, o = and_or_star(rng, n, samples=4)
    a += 0.5 * (hs.subset_sizes(n) >= 4) * rng.standard_normal((4, 1 << n))
    truth = np.array([3e-4, 1e-4, 3e-5, 1e-5])
    observed = hs.theory.predicted_distribution(a, truth, or_interactions=o, noise=noise)
    fit = hs.theory.fit(observed, a, or_interactions=o, noise=noise, epochs=[10, 20, 30, 40])
    np.testing.assert_allclose(fit.sigma2, truth, rtol=0.05)
    assert fit.explained >= 0.99 and fit.kind == "and-or" and fit.noise == noise
    assert np.all(fit.null_rms > fit.rms)


def test_the_default_grid_scales_with_n_and_an_edge_fit_warns():
    for n in (4, 10, 16):
        grid = hs.theory.default_grid(n)
        w = np.random.default_rng(n).standard_normal((2, 1 << n)) if n <= 10 else None
        assert grid[0] == 0.0 and grid[1] < 1e-3 * 0.11 ** n and grid[-1] > 1e3 * 1.14 ** n
        # on the n-free scale the grid's top is the same for every n
        assert hs.theory.effective_noise(grid[-1], n) == pytest.approx(1e3, rel=0.1)
        if w is not None:  # the grid's ends: no shrinkage, and nearly all of it
            predicted = hs.theory.predict(w, grid[[1, -1]])
            low, high = predicted[:, 0], predicted[:, 1]
            assert np.abs(low - w).max() < 1e-2 * np.abs(w).max()
            assert np.abs(high[..., 1:]).max() < 0.05 * np.abs(w[..., 1:]).max()
    w = np.random.default_rng(3).standard_normal((3, 64))
    shrunk = hs.theory.predicted_distribution(w, np.array([1e-2]))
    with pytest.warns(UserWarning, match="1 checkpoint.* top of the σ² grid"):
        hs.theory.fit(shrunk, w, grid=[0.0, 1e-9, 1e-8])


def test_bad_noise_models_and_thresholds_are_refused():
    w = np.zeros((1, 8))
    with pytest.raises(ValueError, match="noise model"):
        hs.theory.predict(w, 0.1, noise="gaussian")
    with pytest.raises(ValueError, match="threshold"):
        hs.theory.predicted_distribution(w, 0.1, threshold=np.nan)
    with pytest.raises(ValueError, match="shape"):
        hs.theory.predict_and_or(w, np.zeros((2, 8)), 0.1)
