/*
 * The bounds of the joint extraction's PDHG at a check (see shared_pdhg.c): an upper bound
 * from T(z) repaired into exact feasibility, a lower bound from its multipliers scaled into
 * the dual ball.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "butterfly.h"
#include "shared_pdhg.h"
#include "shared_repair.h"
#include "transforms.h"

static const hs_butterfly_spec SUBSET_SUMS = {.op = HS_OP_ZETA, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec SUPERSET_SUMS = {.op = HS_OP_ZETA_T, .copy = HS_COPY_PLAIN};

/* Σ_S max_i |x_i(S)| + alpha Σ_i ||x_i||_1 for x (m x 2^n). */
static double atom_objective(const shared_shape *s, const double *x) {
    double total = 0.0;
    for (hs_index t = 0; t < s->size; ++t) {
        double peak = 0.0, sum = 0.0;
        for (int i = 0; i < s->m; ++i) {
            const double magnitude = fabs(x[i * s->size + t]);
            peak = fmax(peak, magnitude);
            sum += magnitude;
        }
        total += peak + s->alpha * sum;
    }
    return total;
}

/*
 * T(z)'s (a, o, gbar) made exactly feasible (to the transforms' rounding) into (ga, go,
 * cand_g), ku and kw holding u_i = Z a_i and w_i = A o_i (overwritten): the Möbius repair,
 * which ignores the rows' slack (see shared_repair.h for the one that uses it).
 * gbar(S) is clamped into the intersection of
 * the intervals h_i(S) ± g_i (their midpoint where it is empty), then each model's
 * f = u + w and h = (u - w)/2 are clamped into their boxes, and the changes of u and w
 * go back through the inverse transforms into the interactions.
 */
static void mobius_repair(const shared_shape *s, const double *v, const double *tau, shared_work *w,
                          int par) {
    const hs_index size = s->size;
    const shared_parts z1 = hs_parts_of(s, w->z1);
    for (hs_index t = 0; t < size; ++t) {
        double lo = -INFINITY, hi = INFINITY;
        for (int i = 0; i < s->m; ++i) {
            const double h = 0.5 * (w->ku[i * size + t] - w->kw[i * size + t]);
            lo = fmax(lo, h - s->bound[i]);
            hi = fmin(hi, h + s->bound[i]);
        }
        const double g = lo <= hi ? hs_clamp(z1.g[t], lo, hi) : 0.5 * (lo + hi);
        w->cand_g[t] = g;
        for (int i = 0; i < s->m; ++i) {
            const hs_index j = i * size + t;
            const double u = w->ku[j], wo = w->kw[j];
            const double f = hs_clamp(u + wo, v[j] - tau[i], v[j] + tau[i]);
            const double h = hs_clamp(0.5 * (u - wo), g - s->bound[i], g + s->bound[i]);
            w->ku[j] = 0.5 * f + h - u;
            w->kw[j] = 0.5 * f - h - wo;
        }
    }
    for (int i = 0; i < s->m; ++i) {
        const hs_index at = i * size;
        hs_transform_game_f64(w->ku + at, w->ga + at, s->n, HS_AND_INTERACTIONS, par);
        hs_transform_game_f64(w->kw + at, w->go + at, s->n, HS_OR_INTERACTIONS, par);
        for (hs_index t = 0; t < size; ++t) {
            w->ga[at + t] += z1.a[at + t];
            w->go[at + t] += z1.o[at + t];
        }
    }
}

/* The largest scale <= 1 that brings the dual columns c (m x 2^n) into the ball of
   max_i |x_i| + alpha Σ_i |x_i| at every atom: min over k of (1 + k alpha) / (the sum of
   the k largest |c_i|). */
static double ball_scale(const shared_shape *s, const double *c, double scale) {
    double sorted[HS_SHARED_MAX_MODELS];
    for (hs_index t = 0; t < s->size; ++t) {
        for (int i = 0; i < s->m; ++i) {
            const double magnitude = fabs(c[i * s->size + t]);
            int j = i;
            while (j > 0 && sorted[j - 1] < magnitude) {
                sorted[j] = sorted[j - 1];
                --j;
            }
            sorted[j] = magnitude;
        }
        double partial = 0.0;
        for (int k = 0; k < s->m; ++k) {
            partial += sorted[k];
            if (partial * scale > 1.0 + (k + 1) * s->alpha)
                scale = (1.0 + (k + 1) * s->alpha) / partial;
        }
    }
    return scale;
}

/*
 * A lower bound from T(z)'s multipliers (y_f, y_h): y_h centred over the models (gbar is
 * free), both scaled into the dual ball; the dual objective of either sign of y, less an
 * allowance for the rounding of its sums.  Uses ga, go, tmp and cand_g as scratch.
 */
static double lower_bound(const shared_shape *s, const double *v, const double *tau, shared_work *w,
                          int par) {
    const hs_index size = s->size;
    const shared_parts y = hs_parts_of(s, w->z1);
    double *mean = w->cand_g;
    for (hs_index t = 0; t < size; ++t) {
        double sum = 0.0;
        for (int i = 0; i < s->m; ++i) sum += y.yh[i * size + t];
        mean[t] = sum / s->m;
    }
    double linear = 0.0, absolute = 0.0, penalty = 0.0;
    for (int i = 0; i < s->m; ++i) {
        const hs_index at = i * size;
        double norm_f = 0.0, norm_h = 0.0;
        for (hs_index t = 0; t < size; ++t) {
            const double yf = y.yf[at + t], yh = y.yh[at + t] - mean[t];
            linear += v[at + t] * yf;
            absolute += fabs(v[at + t] * yf);
            norm_f += fabs(yf);
            norm_h += fabs(yh);
            w->tmp[t] = yf + 0.5 * yh;
        }
        penalty += tau[i] * norm_f + s->bound[i] * norm_h;
        hs_butterfly_f64(w->tmp, w->ga + at, s->n, &SUPERSET_SUMS, par);
        for (hs_index t = 0; t < size; ++t)
            w->tmp[t] = y.yf[at + t] - 0.5 * (y.yh[at + t] - mean[t]);
        hs_transform_game_f64(w->tmp, w->go + at, s->n, HS_OR_VALUES_T, par);
    }
    const double eps = DBL_EPSILON, count = (double)s->m * (double)size;
    const double scale = ball_scale(s, w->go, ball_scale(s, w->ga, 1.0)) / (1.0 + 4.0 * s->n * eps);
    return scale * (fabs(linear) - penalty) - scale * 4.0 * count * eps * (absolute + penalty);
}

/* See shared_pdhg.h. */
void hs_shared_certify(const shared_shape *s, const double *v, const double *tau, shared_work *w,
                       int par, double *upper, double *lower) {
    const hs_index size = s->size, ms = (hs_index)s->m * size;
    const size_t bytes = (size_t)ms * sizeof(double);
    const shared_parts z1 = hs_parts_of(s, w->z1);
    /* the sequential repair's u, atoms, split and scratch in xbar (free until the next step) */
    double *u = w->xbar, *d = u + ms, *g = d + ms, *scratch = g + size;
    for (int i = 0; i < s->m; ++i) {
        hs_butterfly_f64(z1.a + i * size, w->ku + i * size, s->n, &SUBSET_SUMS, par);
        hs_transform_game_f64(z1.o + i * size, w->kw + i * size, s->n, HS_OR_VALUES, par);
    }
    memcpy(u, w->ku, bytes);
    const hs_shared_rows rows = {s->m, s->n, v, tau, s->bound};
    const int sequential = hs_shared_sequential_repair(&rows, u, w->kw, z1.g, d, g, scratch);
    mobius_repair(s, v, tau, w, par);
    const double mobius = atom_objective(s, w->ga) + atom_objective(s, w->go);
    double cheaper = INFINITY;
    if (sequential) {
        for (hs_index j = 0; j < ms; ++j) d[j] += z1.a[j];
        cheaper = atom_objective(s, d) + atom_objective(s, z1.o);
    }
    if (fmin(mobius, cheaper) < *upper) {
        const int take = cheaper < mobius;
        *upper = fmin(mobius, cheaper);
        memcpy(w->best_a, take ? d : w->ga, bytes);
        memcpy(w->best_o, take ? z1.o : w->go, bytes);
        memcpy(w->best_g, take ? g : w->cand_g, (size_t)size * sizeof(double));
    }
    *lower = fmax(*lower, lower_bound(s, v, tau, w, par));
}
