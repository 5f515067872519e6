/*
 * The AND-OR decomposition by restarted Halpern PDHG (see and_or.h).
 *
 * An OR atom is the constant 1 minus a reversed AND atom: A o = (Σ o) 1 - R Z o.  The
 * iterations run on that form, with the scalar s = Σ o as a variable of its own,
 *   Z a - R Z o + s 1 in [v - tau, v + tau],   s - Σ o = 0,
 * whose rows and columns are as sparse as Z's (the dense all-ones direction is one
 * row and one column instead of all of them); it converges in about half the steps.
 * One PDHG step T (primal x = (a, o, s), dual (y, y_s)) is
 *   x+ = prox(x - T K^T y),   y+ = y + S K(2x+ - x) - S clamp(y / S + K(2x+ - x), box),
 * four butterflies.  The diagonal steps are Pock-Chambolle's for K with weighted
 * rows and columns (see shape below; closed forms in the subset sizes), scaled by a
 * primal weight w.  Halpern's anchored, reflected iteration
 *   z <- (k+1)/(k+2) (2 T(z) - z) + 1/(k+2) z0
 * restarts at T(z) when the fixed-point residual has fallen enough, and the weight
 * follows the ratio of primal to dual movement between restarts (as in PDLP).
 *
 * Every check, the current T(z) is made exactly feasible (the residual outside the
 * box is added to a through the Mobius transform) for an upper bound, and y is
 * scaled into dual feasibility for a lower bound: their gap certifies the result.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "and_or.h"
#include "butterfly.h"

enum { RESTART_SUFFICIENT = 0, RESTART_NECESSARY = 1 };
static const double RESTART_FACTOR[2] = {0.2, 0.8};
static const double RESTART_ARTIFICIAL = 0.36; /* fraction of all iterations */
static const double WEIGHT_SMOOTHING = 0.5;
/* A lone game's butterflies use several threads only from this many players on: below,
   the step's sweeps (on one core) would fetch what the other cores' caches hold every
   step, and that costs more than the threads gain (1.7x slower at n = 16, even at 18). */
static const int PARALLEL_MIN_PLAYERS = 20;

/*
 * Steps that depend only on n: Pock-Chambolle's inverse absolute sums, weighted.  With
 * positive weights r (rows) and c (columns), the steps T_j = c_j / Σ_i r_i |K_ij| and
 * S_i = r_i / Σ_j |K_ij| c_j keep |S^1/2 K T^1/2| <= 1.  AND atoms and the rows of the
 * game weigh 1, an OR atom of order k OR_DECAY^k, and the scalar s and its equation's
 * row SCALAR_WEIGHT: against plain sums, these weights halve the iterations on planted
 * and trained games with n = 8-12 (measured).
 */
static const double OR_DECAY = 0.904837418035959573; /* e^-0.1 */
static const double SCALAR_WEIGHT = 16.0;

typedef struct {
    int n;
    hs_index size;
    double *step_a, *step_o, *step_y;
    double step_s, step_last; /* the scalar s = Σ o and its equation */
} shape;

static void shape_free(shape *s) {
    free(s->step_a);
    free(s->step_o);
    free(s->step_y);
}

/* Σ_{j=2}^{m} C(m, j) w^j: OR atoms of order >= 2 among m players, weighted. */
static double or_weight(int m, double w) {
    return pow(1.0 + w, m) - 1.0 - m * w;
}

static int shape_init(shape *s, int n) {
    const hs_index size = (hs_index)1 << n;
    s->n = n;
    s->size = size;
    s->step_a = malloc((size_t)size * sizeof(double));
    s->step_o = malloc((size_t)size * sizeof(double));
    s->step_y = malloc((size_t)size * sizeof(double));
    if (!s->step_a || !s->step_o || !s->step_y) {
        shape_free(s);
        return HS_ENOMEM;
    }
    for (hs_index t = 0; t < size; ++t) {
        const int k = hs_popcount((uint64_t)t);
        const double outside = ldexp(1.0, n - k); /* subsets disjoint from t */
        s->step_a[t] = 1.0 / outside;             /* column of Z: supersets of t */
        /* column of -R Z: rows disjoint from t, and the row of the equation s = Σ o */
        s->step_o[t] = k >= 2 ? pow(OR_DECAY, k) / (outside + SCALAR_WEIGHT) : 0.0;
        /* row t: 2^k AND atoms, OR atoms of order >= 2 disjoint from t, and s */
        s->step_y[t] = 1.0 / (ldexp(1.0, k) + or_weight(n - k, OR_DECAY) + SCALAR_WEIGHT);
    }
    s->step_s = SCALAR_WEIGHT / ((double)size + SCALAR_WEIGHT);
    s->step_last = SCALAR_WEIGHT / (or_weight(n, OR_DECAY) + SCALAR_WEIGHT);
    return HS_OK;
}

/* Work arrays of one game. */
typedef struct {
    double *a, *o, *y, *a0, *o0, *y0, *a1, *o1, *y1, *ga, *go, *kx, *tmp, *best_a, *best_o;
    double *ta, *to, *sy, *inv_sy; /* the steps at the current primal weight */
    double s, s0, s1, ys, ys0, ys1;  /* the scalar s, its equation's dual, and copies */
    double ts, tys;                  /* their steps */
    double *block;
} work;

static int work_init(work *w, hs_index size) {
    const int arrays = 19;
    w->block = malloc((size_t)size * arrays * sizeof(double));
    if (!w->block) return HS_ENOMEM;
    double **slots[] = {&w->a,  &w->o,  &w->y,  &w->a0,     &w->o0,     &w->y0, &w->a1,
                        &w->o1, &w->y1, &w->ga, &w->go,     &w->kx,     &w->tmp, &w->best_a,
                        &w->best_o, &w->ta, &w->to, &w->sy, &w->inv_sy};
    for (int i = 0; i < arrays; ++i) *slots[i] = w->block + i * size;
    return HS_OK;
}

/*
 * K's products, each one butterfly: Z x (subset sums), Z^T x (superset sums), and
 * -(R Z) x = -Z^T R x (superset sums of the reversed, negated x), which is also
 * -(R Z)^T x.  Entry 0 of the superset sums is the sum of x (minus it when reversed).
 * Möbius takes values back to AND interactions.
 */
static const hs_butterfly_spec SUBSET_SUMS = {HS_OP_ZETA, 0, 0, 0, 0, HS_COPY_PLAIN, 0, 0.0};
static const hs_butterfly_spec SUPERSET_SUMS = {HS_OP_ZETA_T, 0, 0, 0, 0, HS_COPY_PLAIN, 0, 0.0};
static const hs_butterfly_spec REVERSED_SUMS = {HS_OP_ZETA_T, 0, 0, 0, 0,
                                                HS_COPY_REVERSE_NEGATE, 0, 0.0};
static const hs_butterfly_spec MOBIUS = {HS_OP_MOBIUS, 0, 0, 0, 0, HS_COPY_PLAIN, 0, 0.0};

/* out = Z a + A o for o zero below order 2, where A o = (Σ o) 1 - R Z o. */
static void apply_k(const shape *s, const double *a, const double *o, double *out,
                    double *tmp, int par) {
    hs_butterfly_f64(a, out, s->n, &SUBSET_SUMS, par);
    hs_butterfly_f64(o, tmp, s->n, &REVERSED_SUMS, par);
    const double total = -tmp[0];
    for (hs_index i = 0; i < s->size; ++i) out[i] += tmp[i] + total;
}

/* (ga, go) = (Z^T y, A^T y) with the OR part kept to orders >= 2: A^T y = Σ y - (R Z)^T y. */
static void apply_kt(const shape *s, const double *y, double *ga, double *go, int par) {
    hs_butterfly_f64(y, ga, s->n, &SUPERSET_SUMS, par);
    hs_butterfly_f64(y, go, s->n, &REVERSED_SUMS, par);
    const double total = ga[0];
    HS_SIMD(omp simd)
    for (hs_index i = 0; i < s->size; ++i)
        go[i] = s->step_o[i] == 0.0 ? 0.0 : go[i] + total;
}

/* Two plain selects (not nested), so that loops around it are if-converted and vectorised. */
static inline double clamp(double z, double lo, double hi) {
    const double above = z < lo ? lo : z;
    return above > hi ? hi : above;
}

/* Soft thresholding, written as a difference with a clamp so that it vectorizes. */
static inline double soft(double z, double t) {
    return z - clamp(z, -t, t);
}

/* The step arrays at primal weight `weight` (eta: fraction of the stable step). */
static void set_steps(const shape *s, double weight, double eta, work *w) {
    for (hs_index i = 0; i < s->size; ++i) {
        w->ta[i] = eta * weight * s->step_a[i];
        w->to[i] = eta * weight * s->step_o[i];
        w->sy[i] = eta * s->step_y[i] / weight;
        w->inv_sy[i] = 1.0 / w->sy[i];
    }
    w->ts = eta * weight * s->step_s;
    w->tys = eta * s->step_last / weight;
}

/* Halpern's anchored, reflected step toward T(z): z <- λ (2 T(z) - z) + (1 - λ) z0. */
static inline double halpern(double lambda, double z, double tz, double anchor) {
    return lambda * (2.0 * tz - z) + (1.0 - lambda) * anchor;
}

/*
 * The primal half of a step: (a1, o1) = prox(x - T K^T y), the reflected 2 x1 - x into
 * (ga, go), then x moves by Halpern's step.  T(z) is stored, and its squared distance
 * from z returned, only when `keep` (a check comes next); `keep` is a constant after
 * inlining, so each case is its own loop.
 */
HS_INLINE double primal_sweep(hs_index size, work *w, double lambda, const int keep) {
    double *HS_RESTRICT a = w->a, *HS_RESTRICT o = w->o, *HS_RESTRICT a1 = w->a1;
    double *HS_RESTRICT o1 = w->o1, *HS_RESTRICT ga = w->ga, *HS_RESTRICT go = w->go;
    const double *HS_RESTRICT ta = w->ta, *HS_RESTRICT to = w->to;
    const double *HS_RESTRICT a0 = w->a0, *HS_RESTRICT o0 = w->o0;
    const double ys = w->ys;
    double px = 0.0;
    HS_SIMD(omp simd reduction(+ : px))
    for (hs_index i = 0; i < size; ++i) {
        const double ai = a[i], oi = o[i];
        const double an = soft(ai - ta[i] * ga[i], ta[i]);
        const double on = soft(oi - to[i] * (go[i] - ys), to[i]);
        ga[i] = 2.0 * an - ai;
        go[i] = 2.0 * on - oi;
        a[i] = halpern(lambda, ai, an, a0[i]);
        o[i] = halpern(lambda, oi, on, o0[i]);
        if (keep) {
            a1[i] = an;
            o1[i] = on;
            px += (an - ai) * (an - ai) + (on - oi) * (on - oi);
        }
    }
    return px;
}

/* The dual half: y1 = y + S K x̄ - S clamp(y / S + K x̄, box), K x̄ = kx + ko + s̄. */
HS_INLINE double dual_sweep(hs_index size, const double *HS_RESTRICT v, double tau,
                            double reflected_s, work *w, double lambda, const int keep) {
    double *HS_RESTRICT y = w->y, *HS_RESTRICT y1 = w->y1;
    const double *HS_RESTRICT kx = w->kx, *HS_RESTRICT ko = w->tmp, *HS_RESTRICT y0 = w->y0;
    const double *HS_RESTRICT sy = w->sy, *HS_RESTRICT inv = w->inv_sy;
    double py = 0.0;
    HS_SIMD(omp simd reduction(+ : py))
    for (hs_index i = 0; i < size; ++i) {
        const double yi = y[i];
        const double z = yi * inv[i] + (kx[i] + ko[i] + reflected_s);
        const double yn = sy[i] * (z - clamp(z, v[i] - tau, v[i] + tau));
        y[i] = halpern(lambda, yi, yn, y0[i]);
        if (keep) {
            y1[i] = yn;
            py += (yn - yi) * (yn - yi);
        }
    }
    return py;
}

/*
 * One PDHG step T and the Halpern step after it, in two sweeps: T(z) = (a1, o1, y1)
 * from z = (a, o, y), then z moves toward it with weight lambda.  With `keep`, T(z)
 * is stored and *dx, *dy get the squared primal and dual distances from z to T(z).
 * The OR atoms of order < 2 have step 0 and stay 0.  K^T y = (Z^T y, -(R Z)^T y - y_s,
 * Σ y + y_s) and K x = Z a - R Z o + s with s - Σ o; Σ y and -Σ o are entry 0 of the
 * superset sums.
 */
HS_VECTOR_CLONES static void pdhg_step(const shape *s, const double *HS_RESTRICT v,
                                       double tau, double lambda, int keep, work *w, int par,
                                       double *dx, double *dy) {
    const hs_index size = s->size;
    hs_butterfly_f64(w->y, w->ga, s->n, &SUPERSET_SUMS, par);
    hs_butterfly_f64(w->y, w->go, s->n, &REVERSED_SUMS, par);
    w->s1 = w->s - w->ts * (w->ga[0] + w->ys);
    const double px = keep ? primal_sweep(size, w, lambda, 1) : primal_sweep(size, w, lambda, 0);
    hs_butterfly_f64(w->ga, w->kx, s->n, &SUBSET_SUMS, par);
    hs_butterfly_f64(w->go, w->tmp, s->n, &REVERSED_SUMS, par);
    const double reflected_s = 2.0 * w->s1 - w->s;
    w->ys1 = w->ys + w->tys * (reflected_s + w->tmp[0]);
    const double py = keep ? dual_sweep(size, v, tau, reflected_s, w, lambda, 1)
                           : dual_sweep(size, v, tau, reflected_s, w, lambda, 0);
    *dx = px + (w->s1 - w->s) * (w->s1 - w->s);
    *dy = py + (w->ys1 - w->ys) * (w->ys1 - w->ys);
    w->s = halpern(lambda, w->s, w->s1, w->s0);
    w->ys = halpern(lambda, w->ys, w->ys1, w->ys0);
}

/* Squared primal and dual distances of T(z) = (a1, o1, s1 | y1, ys1) from a point. */
static void moves(hs_index size, const work *w, const double *a, const double *o, double s,
                  const double *y, double ys, double *dx, double *dy) {
    double px = (w->s1 - s) * (w->s1 - s), py = (w->ys1 - ys) * (w->ys1 - ys);
    HS_SIMD(omp simd reduction(+ : px, py))
    for (hs_index i = 0; i < size; ++i) {
        px += (w->a1[i] - a[i]) * (w->a1[i] - a[i]) + (w->o1[i] - o[i]) * (w->o1[i] - o[i]);
        py += (w->y1[i] - y[i]) * (w->y1[i] - y[i]);
    }
    *dx = px;
    *dy = py;
}

/*
 * Bounds at T(z) = (a1, o1, y1): the objective of the repaired primal (written to
 * best_* when it improves on *upper) and the dual objective of the scaled y1.
 */
static void certify(const shape *s, const double *v, double tau, work *w, int par,
                    double *upper, double *lower) {
    const hs_index size = s->size;
    apply_k(s, w->a1, w->o1, w->kx, w->tmp, par);
    for (hs_index i = 0; i < size; ++i)
        w->ga[i] = clamp(w->kx[i], v[i] - tau, v[i] + tau) - w->kx[i];
    hs_butterfly_f64(w->ga, w->go, s->n, &MOBIUS, par);
    double primal = 0.0;
    for (hs_index i = 0; i < size; ++i) primal += fabs(w->a1[i] + w->go[i]) + fabs(w->o1[i]);
    if (primal < *upper) {
        *upper = primal;
        for (hs_index i = 0; i < size; ++i) {
            w->best_a[i] = w->a1[i] + w->go[i];
            w->best_o[i] = w->o1[i];
        }
    }
    apply_kt(s, w->y1, w->ga, w->go, par);
    double peak = 1.0, linear = 0.0, absolute = 0.0;
    for (hs_index i = 0; i < size; ++i) {
        peak = fmax(peak, fmax(fabs(w->ga[i]), fabs(w->go[i])));
        linear += v[i] * w->y1[i];
        absolute += fabs(w->y1[i]);
    }
    *lower = fmax(*lower, -(linear + tau * absolute) / peak);
}

static double relative_gap(double upper, double lower) {
    const double scale = fmax(fabs(upper), fabs(lower));
    if (scale < 1e-300) return 0.0;
    return fmax(upper - lower, 0.0) / scale;
}

static int solve_game(const shape *s, const double *v, double tau, double *and_out,
                      double *or_out, double *noise_out, const hs_pdhg_options *opt,
                      double *info, work *w, int par) {
    const hs_index size = s->size;
    const size_t bytes = (size_t)size * sizeof(double);
    double weight = opt->weight;
    memset(w->a, 0, bytes);
    memset(w->o, 0, bytes);
    memset(w->y, 0, bytes);
    memset(w->a0, 0, bytes);
    memset(w->o0, 0, bytes);
    memset(w->y0, 0, bytes);
    w->s = w->s0 = w->ys = w->ys0 = 0.0;

    set_steps(s, weight, opt->step, w);
    double upper = INFINITY, lower = -INFINITY;
    double restart_residual = INFINITY, previous_residual = INFINITY;
    int since_restart = 0, iter = 0, converged = 0;
    while (iter < opt->max_iter) {
        double dx, dy; /* from z to T(z) */
        const int check = (iter + 1) % opt->check_every == 0 || iter + 1 == opt->max_iter;
        pdhg_step(s, v, tau, (since_restart + 1.0) / (since_restart + 2.0), check, w, par, &dx,
                  &dy);
        ++iter;
        if (check) {
            certify(s, v, tau, w, par, &upper, &lower);
            if (relative_gap(upper, lower) <= opt->tol) {
                converged = 1;
                break;
            }
            const double residual = sqrt(weight * dx + dy / weight);
            if (!isfinite(residual)) return HS_EDIVERGED;
            if (!isfinite(restart_residual)) restart_residual = residual;
            const int restart =
                residual <= RESTART_FACTOR[RESTART_SUFFICIENT] * restart_residual ||
                (residual <= RESTART_FACTOR[RESTART_NECESSARY] * restart_residual &&
                 residual > previous_residual) ||
                since_restart >= RESTART_ARTIFICIAL * iter;
            if (restart) {
                /* z restarts at T(z), undoing the Halpern step; the weight follows how far
                   primal and dual moved since the last restart. */
                moves(size, w, w->a0, w->o0, w->s0, w->y0, w->ys0, &dx, &dy);
                if (dx > 1e-300 && dy > 1e-300) {
                    weight = exp(WEIGHT_SMOOTHING * 0.5 * log(dx / dy) +
                                 (1.0 - WEIGHT_SMOOTHING) * log(weight));
                    set_steps(s, weight, opt->step, w);
                }
                memcpy(w->a, w->a1, bytes); memcpy(w->a0, w->a1, bytes);
                memcpy(w->o, w->o1, bytes); memcpy(w->o0, w->o1, bytes);
                memcpy(w->y, w->y1, bytes); memcpy(w->y0, w->y1, bytes);
                w->s = w->s0 = w->s1;
                w->ys = w->ys0 = w->ys1;
                restart_residual = residual;
                previous_residual = INFINITY;
                since_restart = 0;
                continue;
            }
            previous_residual = residual;
        }
        ++since_restart;
    }

    memcpy(and_out, w->best_a, bytes);
    memcpy(or_out, w->best_o, bytes);
    apply_k(s, and_out, or_out, w->kx, w->tmp, par);
    for (hs_index i = 0; i < size; ++i)
        noise_out[i] = clamp(w->kx[i] - v[i], -tau, tau);
    info[HS_INFO_OBJECTIVE] = upper;
    info[HS_INFO_DUAL] = lower;
    info[HS_INFO_GAP] = relative_gap(upper, lower);
    info[HS_INFO_ITERATIONS] = iter;
    info[HS_INFO_CONVERGED] = converged;
    return HS_OK;
}

int hs_and_or_pdhg(const double *v, const double *tau, double *and_out, double *or_out,
                   double *noise_out, hs_index batch, int n, const hs_pdhg_options *options,
                   double *info) {
    if (n < 1 || n > HS_MAX_PLAYERS || batch < 0 || options->max_iter < 1 ||
        options->check_every < 1 || !(options->step > 0.0 && options->step < 1.0) ||
        !(options->weight > 0.0))
        return HS_EINVAL;
    shape s;
    if (shape_init(&s, n) != HS_OK) return HS_ENOMEM;
    const hs_index size = s.size;
    const int threads = hs_get_num_threads();
    const int per_game = batch >= threads;
    int status = HS_OK;

    HS_OMP(omp parallel num_threads(threads) if (per_game && batch > 1))
    {
        work w;
        int mine = work_init(&w, size);
        if (mine != HS_OK) {
            HS_OMP(omp atomic write)
            status = mine;
        }
        HS_OMP(omp for schedule(dynamic, 1))
        for (hs_index g = 0; g < batch; ++g) {
            if (mine != HS_OK) continue;
            const int result = solve_game(&s, v + g * size, tau[g], and_out + g * size,
                                          or_out + g * size, noise_out + g * size, options,
                                          info + g * HS_INFO_FIELDS, &w,
                                          !per_game && n >= PARALLEL_MIN_PLAYERS);
            if (result != HS_OK) {
                HS_OMP(omp atomic write)
                status = result;
            }
        }
        if (mine == HS_OK) free(w.block);
    }
    shape_free(&s);
    return status;
}
