"""hs.shared_and_or (theory.md §9): the joint extraction, by PDHG and exactly, against HiGHS
on the dense program, its certificate, its faithfulness, and the published SGD against a
PyTorch twin."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

import harsanyi as hs  # noqa: E402
from harsanyi.shared_program import dual_bound  # noqa: E402
from harsanyi.testing.lp import planted_game  # noqa: E402
from harsanyi.testing.shared_lp import shared_lp_optimum  # noqa: E402


def bounds_of(v, noise_bound=0.02, gamma_ratio=0.5):
    spread = np.abs(v[..., -1] - v[..., 0])
    return noise_bound * spread, gamma_ratio * spread.reshape(len(v), -1).mean(axis=1)


def check_feasible(r, v):
    scale = 1 + np.abs(v).max()
    np.testing.assert_allclose(hs.and_values(r.and_interactions) + hs.or_values(r.or_interactions),
                               v + r.noise, atol=1e-12 * scale)
    assert np.all(np.abs(r.noise) <= r.noise_bound[..., None])
    deviation = r.gamma - r.shared_gamma[None]
    limit = r.gamma_bound.reshape((-1,) + (1,) * (deviation.ndim - 1))
    assert np.all(np.abs(deviation) <= limit * (1 + 1e-12) + 1e-15)


def check_feasible_and_certified(r, v, tol=1e-8):
    check_feasible(r, v)
    assert np.all(r.dual_bound <= r.objective) and np.all(r.gap <= tol) and np.all(r.converged)


def check_brackets(r, optimum, tol):
    """The certified bracket [dual_bound, objective] holds the optimum and is tol wide."""
    assert r.dual_bound <= optimum * (1 + 1e-12) + 1e-12
    assert optimum <= r.objective * (1 + 1e-12) + 1e-12
    assert r.gap <= tol and r.converged


def check_dense_optimum(v, solve):
    """The joint extraction of v (noise bound 0.02, α 0.1, gamma ratio 0.5) against HiGHS on
    the dense program: equal for tol=0, inside the certified bracket otherwise."""
    r = hs.shared_and_or(v, noise_bound=0.02, alpha=0.1, gamma_ratio=0.5, **solve)
    tau, bound = bounds_of(v)
    optimum = shared_lp_optimum(v, tau, bound, 0.1)
    if solve["tol"] == 0:
        assert r.objective == pytest.approx(optimum, rel=1e-9)
    else:
        check_brackets(r, optimum, solve["tol"])
    return r


# The exact solve, and PDHG to a tight tolerance.
SOLVES = [dict(tol=0), dict(tol=1e-7)]


@pytest.mark.parametrize("solve", SOLVES)
@pytest.mark.parametrize("n", [1, 3, 5])
def test_one_model_is_the_and_or_optimum_times_one_plus_alpha(n, solve):
    v = np.random.default_rng(n).standard_normal(1 << n)
    joint = hs.shared_and_or(v[None], noise_bound=0.04, alpha=0.25, **solve)
    optimum = 1.25 * hs.and_or(v, 0.04, tol=0).objective
    if solve["tol"] == 0:
        assert joint.objective == pytest.approx(optimum, rel=1e-9) and joint.solver == "exact"
    else:
        check_brackets(joint, optimum, solve["tol"])
        assert joint.solver == "pdhg"


@pytest.mark.parametrize("solve", SOLVES)
@pytest.mark.parametrize("m, n", [(2, 2), (2, 4), (3, 5), (4, 3), (5, 4)])
def test_several_models_reach_the_dense_optimum(m, n, solve):
    v = np.random.default_rng(10 * m + n).standard_normal((m, 1 << n))
    r = check_dense_optimum(v, solve)
    check_feasible_and_certified(r, v, max(solve["tol"], 1e-8))


@pytest.mark.slow
@pytest.mark.parametrize("solve", [dict(tol=0), dict(tol=1e-5)])
def test_eight_players_reach_the_dense_optimum(solve):
    check_dense_optimum(np.random.default_rng(8).standard_normal((2, 1 << 8)), solve)


@pytest.mark.parametrize("solve", SOLVES)
def test_batches_keep_their_shape_and_share_the_split_bound(solve):
    v = np.random.default_rng(2).standard_normal((2, 3, 1 << 4))
    r = hs.shared_and_or(v, **solve)
    assert r.and_interactions.shape == (2, 3, 16) and r.shared_gamma.shape == (3, 16)
    assert r.objective.shape == (3,) and r.noise_bound.shape == (2, 3)
    assert r.iterations.shape == (3,) and r.iterations.dtype == np.int64
    np.testing.assert_allclose(r.gamma_bound, 0.5 * np.abs(v[..., -1] - v[..., 0]).mean(axis=1))
    check_feasible_and_certified(r, v, max(solve["tol"], 1e-8))


def core_shared_pdhg(v, tau, bound, tol=1e-5):
    """The C entry point on inputs (inputs, m, 2^n): (and, or, shared, info)."""
    from harsanyi import _core

    a, o = np.zeros_like(v), np.zeros_like(v)
    shared, info = np.zeros((v.shape[0], v.shape[-1])), np.zeros((v.shape[0], _core.INFO_FIELDS))
    _core.shared_pdhg(v, tau, bound, a, o, shared, info, v.shape[1], 0.1, 100_000, tol)
    return a, o, shared, info


def test_pdhg_solves_each_input_alone_whatever_the_batch():
    rng = np.random.default_rng(3)
    v = rng.standard_normal((4, 3, 1 << 5))
    tau, bound = np.full((4, 3), 0.05), np.array([0.5, 0.2, 0.8])
    together = core_shared_pdhg(v, tau, bound)
    for k in range(4):
        alone = core_shared_pdhg(v[k:k + 1].copy(), tau[k:k + 1].copy(), bound)
        for part, whole in zip(alone, together):
            np.testing.assert_array_equal(part[0], whole[k])


def test_pdhg_reads_float32_and_strided_values_as_their_float64_copies():
    v = np.random.default_rng(3).standard_normal((3, 2, 1 << 5))
    r = hs.shared_and_or(v.astype(np.float32), tol=1e-5)
    same = hs.shared_and_or(v.astype(np.float32).astype(np.float64), tol=1e-5)
    np.testing.assert_array_equal(r.and_interactions, same.and_interactions)
    wide = np.zeros((3, 2, 2 << 5))
    wide[..., ::2] = v
    strided = hs.shared_and_or(wide[..., ::2], tol=1e-5)
    contiguous = hs.shared_and_or(v, tol=1e-5)
    np.testing.assert_array_equal(strided.or_interactions, contiguous.or_interactions)
    np.testing.assert_array_equal(strided.objective, contiguous.objective)


def test_pdhg_that_runs_out_of_iterations_warns_and_stays_certified():
    v = np.random.default_rng(5).standard_normal((2, 1 << 5))
    with pytest.warns(hs.ConvergenceWarning, match="joint extractions used all max_iter=128"):
        r = hs.shared_and_or(v, tol=1e-9, max_iter=128)
    tau, bound = bounds_of(v)
    optimum = shared_lp_optimum(v, tau, bound, 0.1)
    assert not r.converged and r.iterations == 128
    assert r.dual_bound <= optimum * (1 + 1e-12) <= r.objective * (1 + 1e-12)
    check_feasible(r, v)


@pytest.mark.parametrize("solve", SOLVES)
def test_planted_shared_concepts_are_found_in_every_model(solve):
    rng = np.random.default_rng(4)
    v, planted = planted_game(6, rng, noise=1e-3)
    games = np.stack([v, v + rng.uniform(-2e-3, 2e-3, v.shape), 1.1 * v])
    r = hs.shared_and_or(games, noise_bound=0.005, **solve)
    for i in range(3):
        assert planted["and"] <= set(np.flatnonzero(np.abs(r.and_interactions[i]) > 0.5).tolist())
        assert planted["or"] <= set(np.flatnonzero(np.abs(r.or_interactions[i]) > 0.5).tolist())


def test_any_multipliers_give_a_lower_bound():
    rng = np.random.default_rng(6)
    v = rng.standard_normal((2, 1 << 4))
    tau, bound = bounds_of(v)
    optimum = shared_lp_optimum(v, tau, bound, 0.1)
    for _ in range(20):
        y = rng.standard_normal((2, 2, 1 << 4))
        assert dual_bound(v, tau, bound, 0.1, y[0], y[1]) <= optimum + 1e-9


def test_the_sgd_is_the_published_loop():
    pytest.importorskip("torch")
    from harsanyi.testing.published_shared_sgd import dense_published_shared_sgd

    v = np.random.default_rng(7).standard_normal((2, 1, 1 << 4))
    steps, lr, momentum, alpha = 6, 1e-2, 0.9, 0.1
    ours = hs.shared_and_or(v, solver="sgd", lr=lr, iterations=steps, momentum=momentum, alpha=alpha)
    tau, bound = bounds_of(v)
    a, o, objective, _ = dense_published_shared_sgd(v[:, 0], tau[:, 0], bound, alpha, steps,
                                                    lr=lr, momentum=momentum)
    np.testing.assert_allclose(ours.and_interactions[:, 0], a, atol=1e-10)
    np.testing.assert_allclose(ours.or_interactions[:, 0], o, atol=1e-10)
    assert ours.objective[0] == pytest.approx(objective, rel=1e-10)
    assert np.isnan(ours.gap).all() and ours.solver == "sgd"


@pytest.mark.parametrize("values, message", [
    ([np.zeros(8), np.zeros(16)], "model 1's games have shape"),
    (np.zeros(8), r"\(m, \.\.\., 2\*\*n\)"),
    (np.full((2, 8), np.nan), "NaN"),
    (np.zeros((0, 8)), "m >= 1"),
    (np.zeros((2, 1)), "at least one player"),
])
def test_bad_input_says_what_to_do(values, message):
    with pytest.raises(ValueError, match=message):
        hs.shared_and_or(values)


def test_bad_options_say_what_to_do():
    with pytest.raises(ValueError, match="solver"):
        hs.shared_and_or(np.zeros((2, 8)), solver="simplex")
    with pytest.raises(ValueError, match="n <= 12"):
        hs.shared_and_or(np.zeros((2, 1 << 13)), tol=0)
    with pytest.raises(ValueError, match="n <= 16"):
        hs.shared_and_or(np.zeros((2, 1 << 17)))
    with pytest.raises(ValueError, match="m <= 16"):
        hs.shared_and_or(np.zeros((17, 8)))
    with pytest.raises(ValueError, match="tol"):
        hs.shared_and_or(np.zeros((2, 8)), tol=-1e-3)
    with pytest.raises(ValueError, match="max_iter"):
        hs.shared_and_or(np.zeros((2, 8)), max_iter=0)
    with pytest.raises(ValueError, match="alpha"):
        hs.shared_and_or(np.zeros((2, 8)), alpha=-1)
