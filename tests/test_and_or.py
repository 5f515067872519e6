"""The AND-OR decomposition: optimality against HiGHS, faithfulness, planted games, SGD."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import harsanyi as hs
from harsanyi.testing.lp import lp_optimum, planted_game
from harsanyi.testing.published_sgd import dense_published_sgd


def faithfulness_error(result, v):
    rebuilt = hs.and_values(result.and_interactions) + hs.or_values(result.or_interactions)
    return np.max(np.abs(rebuilt - (v + result.noise))) / max(1.0, np.max(np.abs(v)))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("precision", ["mixed", "double"])
def test_random_games_reach_the_lp_optimum(n, seed, precision):
    v = np.random.default_rng(seed).standard_normal(1 << n)
    result = hs.and_or(v, 0.04, precision=precision)
    optimum, _, _ = lp_optimum(v, result.noise_bound)
    assert result.converged and result.gap <= 1e-4
    assert optimum * (1 - 1e-9) - 1e-12 <= result.objective <= optimum * 1.001 + 1e-12
    assert result.dual_bound <= optimum * (1 + 1e-9) + 1e-12
    assert faithfulness_error(result, v) < 1e-9
    assert np.all(np.abs(result.noise) <= result.noise_bound * (1 + 1e-12))


@pytest.mark.parametrize("n", [5, 6, 7])
@pytest.mark.parametrize("precision", ["mixed", "double"])
def test_planted_games_reach_the_lp_optimum(n, precision):
    v, _ = planted_game(n, np.random.default_rng(n))
    result = hs.and_or(v, absolute_bound=1.2e-3, precision=precision)
    optimum, _, _ = lp_optimum(v, 1.2e-3)
    assert optimum * (1 - 1e-9) <= result.objective <= optimum * 1.001
    assert faithfulness_error(result, v) < 1e-9


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
def test_mixed_precision_certifies_as_double_does(tol):
    """Float iterates hand over to double where float's rounding would stall them: both
    precisions reach the tolerance, their bounds bracket one optimum, and the point is
    faithful in float64."""
    v = np.random.default_rng(11).standard_normal((3, 1 << 7))
    mixed = hs.and_or(v, tol=tol, precision="mixed")
    double = hs.and_or(v, tol=tol, precision="double")
    assert np.all(mixed.converged) and np.all(double.converged)
    assert np.all(mixed.gap <= tol) and np.all(double.gap <= tol)
    assert np.all(mixed.dual_bound <= double.objective * (1 + 1e-12))
    assert np.all(double.dual_bound <= mixed.objective * (1 + 1e-12))
    assert faithfulness_error(mixed, v) < 1e-9
    assert np.all(np.abs(mixed.noise) <= mixed.noise_bound[:, None] * (1 + 1e-12))


@pytest.mark.slow
@pytest.mark.parametrize("n", [8, 9, 10])
def test_larger_games_reach_the_lp_optimum(n):
    rng = np.random.default_rng(10 + n)
    for v, bound in [(rng.standard_normal(1 << n), None), (planted_game(n, rng)[0], 1.2e-3)]:
        result = hs.and_or(v, 0.04, absolute_bound=bound, tol=1e-4)
        optimum, _, _ = lp_optimum(v, result.noise_bound)
        assert optimum * (1 - 1e-9) <= result.objective <= optimum * 1.001


@pytest.mark.parametrize("n", [1, 3, 4, 5, 6, 8])
@pytest.mark.parametrize("max_iter", [1, 64, 300])
def test_a_stopped_solve_is_feasible_and_brackets_the_optimum(n, max_iter):
    """Wherever the iterations stop, the returned point is exactly feasible (its repair
    brings every value into its box, for n below and above the repair's direct blocks)
    and the objective and dual bound bracket the LP optimum."""
    v = np.random.default_rng(n).standard_normal((2, 1 << n)) + np.arange(1 << n) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hs.ConvergenceWarning)
        result = hs.and_or(v, 0.01, tol=1e-12, max_iter=max_iter)
    assert faithfulness_error(result, v) < 1e-9
    assert np.all(np.abs(result.noise) <= result.noise_bound[:, None] * (1 + 1e-12))
    for g in range(2):
        optimum, _, _ = lp_optimum(v[g], result.noise_bound[g])
        objective = (np.abs(result.and_interactions[g]).sum()
                     + np.abs(result.or_interactions[g]).sum())
        assert objective == pytest.approx(result.objective[g], rel=1e-12)
        assert result.dual_bound[g] <= optimum * (1 + 1e-9) + 1e-12
        assert optimum * (1 - 1e-9) - 1e-12 <= result.objective[g]


@pytest.mark.parametrize("n", [8, 10, 12])
def test_planted_concepts_are_recovered(n):
    v, planted = planted_game(n, np.random.default_rng(100 + n))
    result = hs.and_or(v, absolute_bound=1.2e-3, tol=1e-3)
    peak = max(np.abs(result.and_interactions).max(), np.abs(result.or_interactions).max())
    salient_and = set(np.flatnonzero(np.abs(result.and_interactions) >= 0.05 * peak).tolist())
    salient_or = set(np.flatnonzero(np.abs(result.or_interactions) >= 0.05 * peak).tolist())
    salient_and.discard(0)  # v(∅) lives in the AND part
    assert salient_and == planted["and"] and salient_or == planted["or"]


@pytest.mark.parametrize("precision", ["mixed", "double"])
def test_a_lone_game_is_the_same_on_one_or_two_threads(precision):
    """From n = 14 a lone game's step runs its AND and OR halves on two threads."""
    v, _ = planted_game(14, np.random.default_rng(14))
    before = hs.get_num_threads()
    try:
        results = []
        for threads in (1, 2):
            hs.set_num_threads(threads)
            results.append(hs.and_or(v, absolute_bound=1.2e-3, tol=1e-2, precision=precision))
    finally:
        hs.set_num_threads(before)
    one, two = results
    assert one.iterations == two.iterations and one.objective == two.objective
    np.testing.assert_array_equal(one.and_interactions, two.and_interactions)
    np.testing.assert_array_equal(one.or_interactions, two.or_interactions)


def test_singletons_and_empty_set_are_and():
    v = np.random.default_rng(3).standard_normal(32)
    result = hs.and_or(v)
    low = hs.subset_sizes(5) <= 1
    assert np.all(result.or_interactions[low] == 0)


def test_pure_and_and_pure_or_games():
    present = hs.subset_masks(5)
    pure_and = 1.5 * (present[:, 0] & present[:, 2] & present[:, 3])
    # What is left of the other part is within the certified gap, so ask for a small one.
    result = hs.and_or(pure_and, absolute_bound=0.0, tol=1e-9)
    assert np.max(np.abs(result.or_interactions)) < 1e-8
    assert result.and_interactions[0b01101] == pytest.approx(1.5, abs=1e-6)
    pure_or = -2.0 * (present[:, 1] | present[:, 4])
    result = hs.and_or(pure_or, absolute_bound=0.0, tol=1e-9)
    assert np.max(np.abs(result.and_interactions)) < 1e-8
    assert result.or_interactions[0b10010] == pytest.approx(-2.0, abs=1e-6)


def test_batches_and_shapes():
    rng = np.random.default_rng(4)
    v = rng.standard_normal((2, 3, 16))
    result = hs.and_or(v)
    assert result.and_interactions.shape == (2, 3, 16) and result.objective.shape == (2, 3)
    single = hs.and_or(v[1, 2])
    assert single.objective == pytest.approx(result.objective[1, 2], rel=2e-4)
    assert np.ndim(single.objective) == 0 and isinstance(bool(single.converged), bool)


def test_gamma_reproduces_the_split():
    v = np.random.default_rng(5).standard_normal(64)
    r = hs.and_or(v)
    np.testing.assert_allclose(hs.and_values(r.and_interactions), 0.5 * (v + r.noise) + r.gamma,
                               atol=1e-10)
    np.testing.assert_allclose(hs.or_values(r.or_interactions), 0.5 * (v + r.noise) - r.gamma,
                               atol=1e-10)


def test_iteration_limit_reports_no_convergence():
    v = np.random.default_rng(7).standard_normal(256)
    with pytest.warns(hs.ConvergenceWarning, match=r"1 of 1 .*max_iter=100 .*warm_start") as w:
        result = hs.and_or(v, tol=1e-12, max_iter=100)
    assert not result.converged and result.gap > 1e-12 and result.iterations == 100
    assert f"gap of up to {float(result.gap):.2g}" in str(w[0].message)
    assert w[0].filename == __file__  # points at the caller's line
    assert faithfulness_error(result, v) < 1e-9


def test_only_games_that_stop_short_are_counted_in_the_warning():
    easy = np.zeros(1 << 6)  # optimum 0: certified at the first check
    hard = np.random.default_rng(8).standard_normal(1 << 6)
    with pytest.warns(hs.ConvergenceWarning, match=r"^1 of 2 "):
        result = hs.and_or(np.stack([easy, hard]), tol=1e-12, max_iter=64)
    assert list(result.converged) == [True, False]


def test_a_converged_decomposition_does_not_warn():
    v = np.random.default_rng(9).standard_normal(1 << 5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", hs.ConvergenceWarning)
        assert hs.and_or(v, tol=1e-4).converged


def test_tol_must_be_finite_and_positive_or_zero():
    for tol in (-1e-3, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="tol must be positive and finite"):
            hs.and_or(np.zeros(4), tol=tol)


class TestWarmStart:
    @pytest.mark.parametrize("precision", ["mixed", "double"])
    def test_an_unconverged_result_continues_to_the_optimum(self, precision):
        """A result stopped by max_iter, passed back, goes on to a certified optimum."""
        v = np.random.default_rng(21).standard_normal((2, 1 << 6))
        with pytest.warns(hs.ConvergenceWarning, match="2 of 2"):
            stopped = hs.and_or(v, tol=1e-9, max_iter=128, precision=precision)
        assert not np.any(stopped.converged)
        assert stopped.dual.shape == v.shape and np.all(stopped.primal_weight > 0)
        resumed = hs.and_or(v, tol=1e-6, warm_start=stopped, precision=precision)
        assert np.all(resumed.converged) and np.all(resumed.gap <= 1e-6)
        for g in range(2):
            optimum, _, _ = lp_optimum(v[g], resumed.noise_bound[g])
            assert optimum * (1 - 1e-9) <= resumed.objective[g] <= optimum * (1 + 1e-6)
        assert faithfulness_error(resumed, v) < 1e-9

    @pytest.mark.parametrize("precision", ["mixed", "double"])
    def test_a_solved_game_certifies_at_once(self, precision):
        v = np.random.default_rng(22).standard_normal(1 << 7)
        solved = hs.and_or(v, tol=1e-8, precision="double")
        again = hs.and_or(v, tol=1e-5, warm_start=solved, precision=precision)
        assert again.converged and again.iterations == 0
        assert again.objective <= solved.objective * (1 + 1e-5)

    def test_a_nearby_game_starts_from_its_neighbour(self):
        """The same decomposition, certified, from the solution of a perturbed game."""
        rng = np.random.default_rng(23)
        v = rng.standard_normal(1 << 7)
        near = hs.and_or(v + 0.01 * rng.standard_normal(v.shape), tol=1e-6)
        warm = hs.and_or(v, tol=1e-6, warm_start=near)
        cold = hs.and_or(v, tol=1e-6)
        assert warm.converged and warm.dual_bound <= cold.objective * (1 + 1e-12)
        assert cold.dual_bound <= warm.objective * (1 + 1e-12)
        assert faithfulness_error(warm, v) < 1e-9

    def test_bad_starts(self):
        v = np.random.default_rng(24).standard_normal((2, 16))
        result = hs.and_or(v)
        with pytest.raises(ValueError, match="shape"):
            hs.and_or(v[0], warm_start=result)
        with pytest.raises(ValueError, match="solver='pdhg'"):
            hs.and_or(v, warm_start=hs.and_or(v, solver="sgd", iterations=10))
        with pytest.raises(ValueError, match="solver='pdhg'"):
            hs.and_or(v, solver="sgd", warm_start=result)
        with pytest.raises(ValueError, match="AndOrResult"):
            hs.and_or(v, warm_start=result.and_interactions)
        broken = hs.AndOrResult(**{**vars(result), "dual": np.full_like(v, np.nan)})
        with pytest.raises(ValueError, match="NaN"):
            hs.and_or(v, warm_start=broken)


class TestPublishedSGD:
    def test_matches_the_dense_published_loop(self):
        v = np.random.default_rng(8).standard_normal(64)
        tau = 0.04 * abs(v[-1] - v[0])
        pytest.importorskip("torch")
        want_and, want_or, want_q, _ = dense_published_sgd(v, tau, 10_000, lr=1e-4)
        got = hs.and_or(v, solver="sgd", lr=1e-4, iterations=10_000, fold_singletons=False)
        np.testing.assert_allclose(got.and_interactions, want_and, atol=1e-6)
        np.testing.assert_allclose(got.or_interactions, want_or, atol=1e-6)
        np.testing.assert_allclose(got.noise, want_q, atol=1e-6)

    def test_folding_and_faithfulness(self):
        v = np.random.default_rng(9).standard_normal(32)
        r = hs.and_or(v, solver="sgd", iterations=500)
        assert np.all(r.or_interactions[hs.subset_sizes(5) <= 1] == 0)
        assert faithfulness_error(r, v) < 1e-9
        assert np.isnan(r.gap)


class TestBadInput:
    def test_nonfinite(self):
        v = np.zeros(8)
        v[3] = np.inf
        with pytest.raises(ValueError, match="NaN or Inf"):
            hs.and_or(v)

    def test_negative_bound(self):
        with pytest.raises(ValueError, match="noise_bound"):
            hs.and_or(np.zeros(8), -0.1)
        with pytest.raises(ValueError, match="noise bound"):
            hs.and_or(np.zeros(8), absolute_bound=-1.0)

    def test_no_players(self):
        with pytest.raises(ValueError, match="at least one player"):
            hs.and_or(np.zeros(1))

    def test_length(self):
        with pytest.raises(ValueError, match="power of two"):
            hs.and_or(np.zeros(6))

    def test_options(self):
        with pytest.raises(ValueError, match="solver"):
            hs.and_or(np.zeros(4), solver="admm")
        with pytest.raises(ValueError, match="max_iter"):
            hs.and_or(np.zeros(4), max_iter=0)
        with pytest.raises(ValueError, match="tol"):
            hs.and_or(np.zeros(4), tol=-1.0)
        with pytest.raises(ValueError, match="precision"):
            hs.and_or(np.zeros(4), precision="half")


def test_the_sgd_schedule_is_the_published_loop():
    """T iterations: T - 1 momentum steps at lr 10^(-t/(T-1)), t = 0..T-2, on the split
    gamma and the clamped noise q, written here from theory.md §4."""
    n, T, lr, momentum = 5, 300, 1e-3, 0.9
    v = np.random.default_rng(13).standard_normal(1 << n)
    tau = 0.04 * abs(v[-1] - v[0])
    eye = np.eye(1 << n)
    M, F = hs.and_interactions(eye).T, hs.or_interactions(eye).T
    gamma, q = np.zeros(1 << n), np.zeros(1 << n)
    buf_gamma, buf_q = np.zeros(1 << n), np.zeros(1 << n)
    for t in range(T - 1):
        ga = M.T @ np.sign(M @ (0.5 * (v + q) + gamma))
        go = F.T @ np.sign(F @ (0.5 * (v + q) - gamma))
        rate = lr * 10.0 ** (-t / (T - 1))
        buf_gamma = momentum * buf_gamma + (ga - go)
        buf_q = momentum * buf_q + 0.5 * (ga + go)
        gamma -= rate * buf_gamma
        q = np.clip(q - rate * buf_q, -tau, tau)
    got = hs.and_or(v, solver="sgd", lr=lr, iterations=T, momentum=momentum,
                    fold_singletons=False)
    np.testing.assert_allclose(got.noise, q, rtol=0, atol=1e-10)
    np.testing.assert_allclose(got.and_interactions, M @ (0.5 * (v + q) + gamma), atol=1e-10)
    np.testing.assert_allclose(got.or_interactions, F @ (0.5 * (v + q) - gamma), atol=1e-10)


def test_sgd_refuses_an_infinite_learning_rate():
    with pytest.raises(ValueError, match="lr must be positive"):
        hs.and_or(np.zeros(8), solver="sgd", lr=np.inf)
