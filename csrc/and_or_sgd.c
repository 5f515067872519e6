/*
 * The published AND-OR schedule (see and_or.h): SGD with momentum on the split gamma
 * and the noise q, each step four butterflies instead of dense 2^n x 2^n products.
 *
 *   I_and = M((v + q)/2 + gamma),  I_or = F((v + q)/2 - gamma)
 *   d/dgamma = M^T sign(I_and) - F^T sign(I_or),  d/dq = (M^T sign(I_and) + F^T sign(I_or))/2
 *   buffer = momentum * buffer + gradient;  parameter -= lr_t * buffer;  q = clamp(q, ±tau)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "and_or.h"
#include "transforms.h"

static inline double sign(double x) { return (x > 0.0) - (x < 0.0); }

static void interactions(int n, const double *v, const double *gamma, const double *q,
                         double *I_and, double *I_or, double *tmp, int par) {
    const hs_index size = (hs_index)1 << n;
    for (hs_index i = 0; i < size; ++i) tmp[i] = 0.5 * (v[i] + q[i]) + gamma[i];
    hs_transform_game_f64(tmp, I_and, n, HS_AND_INTERACTIONS, par);
    for (hs_index i = 0; i < size; ++i) tmp[i] = 0.5 * (v[i] + q[i]) - gamma[i];
    hs_transform_game_f64(tmp, I_or, n, HS_OR_INTERACTIONS, par);
}

static void sgd_game(int n, const double *v, double tau, double *I_and, double *I_or,
                     double *q, double *objective, int iterations, double lr,
                     double momentum, double *buf, int par) {
    const hs_index size = (hs_index)1 << n;
    double *bg = buf, *bq = buf + size, *sa = buf + 2 * size, *so = buf + 3 * size;
    double *ga = buf + 4 * size, *go = buf + 5 * size, *tmp = buf + 6 * size;
    double *gamma = buf + 7 * size;
    memset(gamma, 0, (size_t)size * sizeof(double));
    memset(q, 0, (size_t)size * sizeof(double));
    memset(bg, 0, (size_t)size * 2 * sizeof(double));
    /* The published loop: T - 1 steps at lr 10^(-t / (T - 1)), t = 0 .. T - 2. */
    const double decay = iterations > 1 ? log(0.1) / (iterations - 1) : 0.0;
    for (int t = 0; t < iterations - 1; ++t) {
        interactions(n, v, gamma, q, I_and, I_or, tmp, par);
        for (hs_index i = 0; i < size; ++i) {
            sa[i] = sign(I_and[i]);
            so[i] = sign(I_or[i]);
        }
        hs_transform_game_f64(sa, ga, n, HS_AND_INTERACTIONS_T, par);
        hs_transform_game_f64(so, go, n, HS_OR_INTERACTIONS_T, par);
        const double rate = lr * exp(decay * t);
        for (hs_index i = 0; i < size; ++i) {
            bg[i] = momentum * bg[i] + (ga[i] - go[i]);
            bq[i] = momentum * bq[i] + 0.5 * (ga[i] + go[i]);
            gamma[i] -= rate * bg[i];
            q[i] -= rate * bq[i];
            q[i] = q[i] < -tau ? -tau : (q[i] > tau ? tau : q[i]);
        }
    }
    interactions(n, v, gamma, q, I_and, I_or, tmp, par);
    double total = 0.0;
    for (hs_index i = 0; i < size; ++i) total += fabs(I_and[i]) + fabs(I_or[i]);
    *objective = total;
}

/* The games of one call, their schedule and where their results go. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *noise_out, *objective;
    int n, iterations;
    double lr, momentum;
} problem;

static int solve_one(const void *context, hs_index g, void *scratch, int parallel) {
    const problem *p = context;
    const hs_index at = g << p->n;
    sgd_game(p->n, p->v + at, p->tau[g], p->and_out + at, p->or_out + at, p->noise_out + at,
             p->objective + g, p->iterations, p->lr, p->momentum, scratch, parallel);
    return HS_OK;
}

int hs_and_or_sgd(const double *v, const double *tau, double *and_out, double *or_out,
                  double *noise_out, double *objective, hs_index batch, int n,
                  int iterations, double lr, double momentum) {
    if (n < 1 || n > HS_MAX_PLAYERS || batch < 0 || iterations < 0 ||
        !(lr > 0.0 && lr < INFINITY) || !(momentum >= 0.0 && momentum < 1.0) ||
        !hs_valid_noise_bounds(tau, batch))
        return HS_EINVAL;
    const problem p = {v, tau, and_out, or_out, noise_out, objective, n, iterations, lr,
                       momentum};
    const hs_games games = {.context = &p, .solve = solve_one,
                            .scratch_bytes = ((size_t)8 << n) * sizeof(double)};
    return hs_run_games(&games, batch, n);
}
