/*
 * The joint AND-OR extraction by restarted Halpern PDHG (see shared_and_or.h).
 *
 * As in and_or_pdhg.c, each model's OR part runs in the form A o = s 1 - R Z o with a
 * scalar s_i of its own tied by the row s_i - o_i(∅) - Σ_T o_i(T) = 0, so that every row
 * and column but one is as sparse as Z's.  The variables of one input are
 *   primal  x = (a_i, o_i, gbar, s_i),   dual  y = (y_f,i, y_h,i, y_e,i),
 * the rows  f_i = Z a_i + w_i in [v_i - tau_i, v_i + tau_i],  w_i = s_i 1 - R Z o_i,
 *           h_i = (Z a_i - w_i)/2 - gbar in [-g_i, g_i],   e_i = 0.
 * The objective is separable over atoms across the models: its proximal map at one atom
 * (m values, one step t) is a soft threshold by t·alpha, then the proximal map of
 * t·max|x_i|, a clip at the level c where the clipped excess sums to t (max_l1_prox.h).
 *
 * A step is four butterflies per model.  The steps are Pock-Chambolle's inverse absolute
 * sums of K's rows and columns, in closed form in the subset sizes, scaled by a primal
 * weight that follows the ratio of primal to dual movement between restarts (PDLP).
 * Every check, T(z) is repaired into exact feasibility for an upper bound and y is scaled
 * into the dual ball for a lower bound (shared_certificate.c).  One step is in
 * shared_step.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "max_l1_prox.h"
#include "shared_pdhg.h"

static const int PARALLEL_MIN_PLAYERS = 20;
static const double SPLIT_WEIGHT = 0.5;

static void shape_free(shared_shape *s) {
    free(s->step_a);
    free(s->step_o);
    free(s->step_f);
    free(s->step_h);
    free(s->or_in_sum);
}

/* Pock-Chambolle's steps with weighted rows (and unit column weights): T_j = 1 / Σ_i r_i
   |K_ij|, S_i = r_i / Σ_j |K_ij|.  Column a_i(T) meets the f rows of the 2^(n-k) supersets
   of T (1) and their h rows (1/2); column o_i(T) the rows disjoint from T likewise, and
   e_i (2 for ∅, 1 otherwise); s_i every f and h row and e_i; gbar(S) m h rows.  Row f_i(S)
   holds the 2^k AND atoms within S, the 2^(n-k) OR atoms disjoint from S and s_i; h_i(S)
   half of those and gbar(S); e_i holds s_i and o_i (2^n + 1 with ∅ twice).  The f and e
   rows weigh 1, the h rows SPLIT_WEIGHT (tuned on trained games, n = 8-10: 0.5 takes
   about a sixth fewer iterations than 1; the column weights of and_or_pdhg.c gain nothing
   here). */
static int shape_init(shared_shape *s, int n, const hs_shared_spec *spec) {
    const hs_index size = (hs_index)1 << n;
    const int m = spec->models;
    s->n = n;
    s->m = m;
    s->size = size;
    s->primal = 2 * m * size + size + m;
    s->length = s->primal + 2 * m * size + m;
    s->alpha = spec->alpha;
    s->bound = spec->gamma_bound;
    double **arrays[5] = {&s->step_a, &s->step_o, &s->step_f, &s->step_h, &s->or_in_sum};
    for (int k = 0; k < 5; ++k) *arrays[k] = malloc((size_t)size * sizeof(double));
    if (!s->step_a || !s->step_o || !s->step_f || !s->step_h || !s->or_in_sum) {
        shape_free(s);
        return HS_ENOMEM;
    }
    const double rows = 1.0 + 0.5 * SPLIT_WEIGHT; /* an f row and an h row, weighted */
    for (hs_index t = 0; t < size; ++t) {
        const int k = hs_popcount((uint64_t)t);
        const double within = ldexp(1.0, k), outside = ldexp(1.0, n - k);
        s->or_in_sum[t] = t == 0 ? 2.0 : 1.0;
        s->step_a[t] = 1.0 / (rows * outside);
        s->step_o[t] = 1.0 / (rows * outside + s->or_in_sum[t]);
        s->step_f[t] = 1.0 / (within + outside + 1.0);
        s->step_h[t] = SPLIT_WEIGHT / (0.5 * (within + outside + 1.0) + 1.0);
    }
    s->step_s = 1.0 / (rows * (double)size + 1.0);
    s->step_g = 1.0 / (m * SPLIT_WEIGHT);
    s->step_e = 1.0 / ((double)size + 2.0);
    return HS_OK;
}

static int work_init(shared_work *w, const shared_shape *s) {
    const size_t ms = (size_t)s->m * (size_t)s->size, length = (size_t)s->length;
    const size_t prox = (size_t)hs_max_l1_prox_scratch(s->m, s->size);
    const size_t total = 4 * length + 6 * ms + 3 * (size_t)s->size + prox;
    w->block = hs_aligned_alloc(total * sizeof(double));
    if (!w->block) return HS_ENOMEM;
    double *at = w->block;
    double **slots[14] = {&w->z,      &w->z0,  &w->z1,     &w->xbar,   &w->ga,
                          &w->go,     &w->ku,  &w->kw,     &w->best_a, &w->best_o,
                          &w->best_g, &w->tmp, &w->cand_g, &w->prox};
    const size_t sizes[14] = {length, length, length, length,  ms,      ms,      ms,
                              ms,     ms,     ms,     s->size, s->size, s->size, prox};
    for (int k = 0; k < 14; ++k) {
        *slots[k] = at;
        at += sizes[k];
    }
    return HS_OK;
}

/* Squared distances of the primal and dual parts between two blocks. */
HS_VECTOR_CLONES static void distances(const shared_shape *s, const double *HS_RESTRICT x,
                                       const double *HS_RESTRICT y, double *dx, double *dy) {
    double px = 0.0, py = 0.0;
    HS_SIMD(omp simd reduction(+ : px))
    for (hs_index j = 0; j < s->primal; ++j) px += (x[j] - y[j]) * (x[j] - y[j]);
    HS_SIMD(omp simd reduction(+ : py))
    for (hs_index j = s->primal; j < s->length; ++j) py += (x[j] - y[j]) * (x[j] - y[j]);
    *dx = px;
    *dy = py;
}

/* One input: its games (m x 2^n), bounds, outputs and record. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *shared_out, *info;
} input;

static int solve_input(const shared_shape *s, const input *in, const hs_pdhg_options *opt,
                       shared_work *w, int par) {
    const size_t length = (size_t)s->length * sizeof(double);
    const hs_index ms = (hs_index)s->m * s->size;
    double weight = opt->weight, upper = INFINITY, lower = -INFINITY;
    double restart_residual = INFINITY, previous_residual = INFINITY;
    int since_restart = 0, iter = 0, converged = 0;
    memset(w->z, 0, length);
    memset(w->z0, 0, length);
    memset(w->best_a, 0, (size_t)ms * sizeof(double));
    memset(w->best_o, 0, (size_t)ms * sizeof(double));
    memset(w->best_g, 0, (size_t)s->size * sizeof(double));
    while (iter < opt->max_iter) {
        const shared_steps st = {opt->step * weight, opt->step / weight};
        const double lambda = (since_restart + 1.0) / (since_restart + 2.0);
        double dx, dy; /* from z to T(z) */
        hs_shared_step(s, in->v, in->tau, st, w, par, lambda, &dx, &dy);
        ++iter;
        if (iter % opt->check_every != 0 && iter != opt->max_iter) {
            ++since_restart;
            continue;
        }
        hs_shared_certify(s, in->v, in->tau, w, par, &upper, &lower);
        const double residual = sqrt(weight * dx + dy / weight);
        if (hs_relative_gap(upper, lower) <= opt->tol) {
            converged = 1;
            break;
        }
        if (!isfinite(residual)) return HS_EDIVERGED;
        if (!isfinite(restart_residual)) restart_residual = residual;
        const int restart =
            hs_restart_due(residual, restart_residual, previous_residual, since_restart, iter);
        if (!restart) {
            previous_residual = residual;
            ++since_restart;
            continue;
        }
        distances(s, w->z1, w->z0, &dx, &dy);
        weight = hs_next_weight(weight, dx, dy);
        memcpy(w->z, w->z1, length);
        memcpy(w->z0, w->z1, length);
        restart_residual = residual;
        previous_residual = INFINITY;
        since_restart = 0;
    }
    memcpy(in->and_out, w->best_a, (size_t)ms * sizeof(double));
    memcpy(in->or_out, w->best_o, (size_t)ms * sizeof(double));
    memcpy(in->shared_out, w->best_g, (size_t)s->size * sizeof(double));
    hs_record_solve(in->info, upper, lower, iter, converged, weight);
    return HS_OK;
}

/* The inputs of one call and where their results go. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *shared_out, *info;
    const hs_pdhg_options *options;
    const shared_shape *s;
} problem;

static int scratch_init(const void *context, void **scratch) {
    const problem *p = context;
    shared_work *w = malloc(sizeof(shared_work));
    if (!w) return HS_ENOMEM;
    if (work_init(w, p->s) != HS_OK) {
        free(w);
        return HS_ENOMEM;
    }
    *scratch = w;
    return HS_OK;
}

static void scratch_free(void *scratch) {
    hs_aligned_free(((shared_work *)scratch)->block);
    free(scratch);
}

static int solve_one(const void *context, hs_index g, void *scratch, int parallel) {
    const problem *p = context;
    const shared_shape *s = p->s;
    const hs_index ms = (hs_index)s->m * s->size;
    const input in = {
        p->v + g * ms,      p->tau + g * s->m,           p->and_out + g * ms,
        p->or_out + g * ms, p->shared_out + g * s->size, p->info + g * HS_INFO_FIELDS};
    return solve_input(s, &in, p->options, scratch, parallel && s->n >= PARALLEL_MIN_PLAYERS);
}

static int valid_spec(const hs_shared_spec *spec) {
    if (spec->models < 1 || spec->models > HS_SHARED_MAX_MODELS ||
        !(spec->alpha >= 0.0 && spec->alpha < INFINITY))
        return 0;
    return hs_valid_noise_bounds(spec->gamma_bound, spec->models);
}

int hs_shared_pdhg(const double *v, const double *tau, const hs_shared_spec *spec, double *and_out,
                   double *or_out, double *shared_out, hs_index batch, int n,
                   const hs_pdhg_options *options, double *info) {
    if (n < 1 || n > HS_MAX_PLAYERS || batch < 0 || options->max_iter < 1 ||
        options->check_every < 1 || !(options->step > 0.0 && options->step < 1.0) ||
        !(options->weight > 0.0) || !(options->tol > 0.0 && options->tol < INFINITY) ||
        !valid_spec(spec) || !hs_valid_noise_bounds(tau, batch * spec->models))
        return HS_EINVAL;
    shared_shape s;
    if (shape_init(&s, n, spec) != HS_OK) return HS_ENOMEM;
    const problem p = {v, tau, and_out, or_out, shared_out, info, options, &s};
    const hs_games games = {.context = &p,
                            .solve = solve_one,
                            .scratch_init = scratch_init,
                            .scratch_free = scratch_free,
                            .balance = 1};
    const int status = hs_run_games(&games, batch, n);
    shape_free(&s);
    return status;
}
