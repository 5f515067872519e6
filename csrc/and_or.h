/*
 * The sparse AND-OR decomposition of a game (theory.md §4).
 *
 * Find interactions x = (a, o) minimising ||a||_1 + ||o||_1 subject to
 * |Z a + A o - v| <= tau elementwise, Z and A the AND and OR inverse transforms, with
 * o(T) = 0 for |T| <= 1 (there the AND and OR atoms coincide, so the optimum is
 * unchanged and the empty set and singletons are AND interactions).
 */
#ifndef HS_AND_OR_H
#define HS_AND_OR_H

#include <math.h>

#include "hs_common.h"

/* Whether every noise bound is finite and >= 0 (both solvers refuse others). */
static inline int hs_valid_noise_bounds(const double *tau, hs_index batch) {
    for (hs_index g = 0; g < batch; ++g)
        if (!(tau[g] >= 0.0 && tau[g] < INFINITY)) return 0;
    return 1;
}

typedef struct {
    int max_iter;        /* iterations at most                                          */
    double tol;          /* stop when (primal - dual) / |primal| <= tol                 */
    int check_every;     /* iterations between restart and gap checks                   */
    double step;         /* fraction of the largest stable step (below 1)               */
    double weight;       /* initial primal weight (balance of primal and dual steps)    */
    int mixed;           /* 1: iterate in float while its rounding is far below the     */
                         /*    steps, then in double; 0: double throughout             */
} hs_pdhg_options;

/* The tuned settings (on trained and planted games, n = 8-16); callers add max_iter, tol
   and mixed: hs_pdhg_options o = {HS_PDHG_TUNED, .max_iter = ..., .tol = ..., .mixed = ...}.
   A certificate every 128 iterations costs a twentieth of a step's time every 64. */
#define HS_PDHG_TUNED .check_every = 128, .step = 0.995, .weight = 3.0

/* Fields of the per-game record (batch x HS_INFO_FIELDS doubles) the solver writes. */
enum {
    HS_INFO_OBJECTIVE = 0, /* ||a||_1 + ||o||_1 of the returned, exactly feasible point */
    HS_INFO_DUAL = 1,      /* a dual objective: the optimum lies in [dual, objective]    */
    HS_INFO_GAP = 2,       /* (objective - dual) / max(|objective|, |dual|)              */
    HS_INFO_ITERATIONS = 3,
    HS_INFO_CONVERGED = 4, /* 1 if gap <= tol                                           */
    HS_INFO_WEIGHT = 5,    /* the primal weight the iterations ended with               */
    HS_INFO_FIELDS = 6
};

/*
 * Where each game's iterations start: a point (a, o, y) and a primal weight, for instance
 * a previous solve's results for a nearby game (batch x 2^n each; weight: batch).  OR
 * atoms of order < 2 are ignored.  With no start (NULL), every game starts at 0 with
 * options->weight.
 */
typedef struct {
    const double *and_start, *or_start, *dual_start, *weight;
} hs_pdhg_start;

/*
 * Restarted Halpern PDHG with Pock-Chambolle diagonal steps, primal-weight updates
 * and a certified gap, for `batch` games of 2^n values.
 *
 * v, tau:       the games (batch x 2^n) and their noise bounds (batch).
 * and_out, or_out, noise_out: results (batch x 2^n); noise = Z a + A o - v.
 * dual_out:     the last dual iterate y (batch x 2^n), to start a nearby game from.
 * start:        where to start (see hs_pdhg_start), or NULL.
 * info:         batch x HS_INFO_FIELDS doubles.
 * Returns HS_OK, HS_ENOMEM, or HS_EDIVERGED if the iterates became non-finite.
 */
int hs_and_or_pdhg(const double *v, const double *tau, double *and_out, double *or_out,
                   double *noise_out, double *dual_out, hs_index batch, int n,
                   const hs_pdhg_options *options, const hs_pdhg_start *start, double *info);

/*
 * The published schedule (theory.md §4): SGD with momentum on (gamma, q), minimising
 * ||M v_and||_1 + ||F v_or||_1 with v_and = (v + q)/2 + gamma, v_or = (v + q)/2 - gamma,
 * iterations - 1 steps at learning rates lr_t = lr * 10^(-t / (iterations - 1)),
 * t = 0 .. iterations - 2 (the published loop), q clamped to [-tau, tau] after each.
 * Writes the AND and OR interactions of the final (gamma, q), q, and the objective in
 * objective[g].  No folding: the caller folds singletons if asked.
 */
int hs_and_or_sgd(const double *v, const double *tau, double *and_out, double *or_out,
                  double *noise_out, double *objective, hs_index batch, int n,
                  int iterations, double lr, double momentum);

#endif /* HS_AND_OR_H */
