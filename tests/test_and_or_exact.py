"""hs.and_or(..., tol=0): the exact decomposition by HiGHS on the lifted program (theory.md §4),
against HiGHS on the dense program, with its faithfulness and certificate."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("scipy")

import harsanyi as hs  # noqa: E402
from harsanyi.and_or_exact import dual_bound  # noqa: E402
from harsanyi.testing.lp import lp_optimum, planted_game  # noqa: E402


def check_exact(result, v, tau):
    a, o, q = result.and_interactions, result.or_interactions, result.noise
    scale = 1 + np.abs(v).max()
    np.testing.assert_allclose(hs.and_values(a) + hs.or_values(o), v + q, atol=1e-12 * scale)
    assert np.all(np.abs(q) <= tau)
    assert np.all(o[..., hs.subset_sizes(v.shape[-1].bit_length() - 1) <= 1] == 0)
    assert np.all(result.dual_bound <= result.objective) and np.all(result.gap <= 1e-8)
    assert np.all(result.converged) and result.solver == "exact"


@pytest.mark.parametrize("n, seed", [(n, s) for n in (1, 2, 3, 5, 7) for s in (0, 1)]
                         + [pytest.param(n, n, marks=pytest.mark.slow) for n in (8, 9, 10)])
def test_random_games_equal_the_dense_program(n, seed):
    v = np.random.default_rng(seed).standard_normal(1 << n)
    tau = 0.04 * abs(v[-1] - v[0])
    result = hs.and_or(v, tol=0)
    assert result.objective == pytest.approx(lp_optimum(v, tau)[0], rel=1e-9)
    check_exact(result, v, tau)


def test_a_batch_of_planted_games_and_their_concepts():
    rng = np.random.default_rng(3)
    games, concepts = zip(*(planted_game(6, rng) for _ in range(3)))
    games = np.stack(games)
    result = hs.and_or(games, absolute_bound=1.2e-3, tol=0)
    for g, planted in enumerate(concepts):
        assert result.objective[g] == pytest.approx(lp_optimum(games[g], 1.2e-3)[0], rel=1e-9)
        strong = lambda x: set(np.flatnonzero(np.abs(x) > 0.5).tolist())  # noqa: E731
        assert planted["and"] <= strong(result.and_interactions[g])
        assert planted["or"] <= strong(result.or_interactions[g])
    check_exact(result, games, 1.2e-3)


def test_the_certified_solver_brackets_the_exact_optimum():
    v = np.random.default_rng(5).standard_normal((4, 1 << 6))
    exact = hs.and_or(v, tol=0)
    iterative = hs.and_or(v, tol=1e-6)
    assert np.all(iterative.dual_bound <= exact.objective * (1 + 1e-9))
    assert np.all(exact.objective <= iterative.objective * (1 + 1e-12))


def test_any_multiplier_gives_a_lower_bound():
    rng = np.random.default_rng(9)
    v = rng.standard_normal(1 << 5)
    optimum = lp_optimum(v, 0.1)[0]
    for _ in range(20):
        assert dual_bound(v, 0.1, rng.standard_normal(1 << 5), 5) <= optimum + 1e-9


def test_bad_requests_say_what_to_do():
    with pytest.raises(ValueError, match="n <= 12"):
        hs.and_or(np.zeros(1 << 13), tol=0)
    earlier = hs.and_or(np.arange(8.0), tol=1e-3)
    with pytest.raises(ValueError, match="from scratch"):
        hs.and_or(np.arange(8.0), tol=0, warm_start=earlier)
    exact = hs.and_or(np.arange(8.0), tol=0)
    with pytest.raises(ValueError, match="solver='pdhg'"):
        hs.and_or(np.arange(8.0), tol=1e-3, warm_start=exact)
