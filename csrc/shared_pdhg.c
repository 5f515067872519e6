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
 * Every check, T(z) is repaired into exact feasibility for an upper bound (see repair)
 * and y is scaled into the dual ball for a lower bound (see lower_bound).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "butterfly.h"
#include "max_l1_prox.h"
#include "shared_and_or.h"
#include "shared_repair.h"
#include "transforms.h"

enum { RESTART_SUFFICIENT = 0, RESTART_NECESSARY = 1 };
static const double RESTART_FACTOR[2] = {0.2, 0.8};
static const double RESTART_ARTIFICIAL = 0.36; /* fraction of all iterations */
static const double WEIGHT_SMOOTHING = 0.5;
static const int PARALLEL_MIN_PLAYERS = 20;
static const double SPLIT_WEIGHT = 0.5;

static const hs_butterfly_spec SUBSET_SUMS = {.op = HS_OP_ZETA, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec SUPERSET_SUMS = {.op = HS_OP_ZETA_T, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec REVERSED_SUMS = {.op = HS_OP_ZETA_T,
                                                .copy = HS_COPY_REVERSE_NEGATE};

/*
 * The problem's sizes and its steps at primal weight 1.  A point of one input is one block
 * [a (m 2^n) | o (m 2^n) | gbar (2^n) | s (m) | y_f (m 2^n) | y_h (m 2^n) | y_e (m)]:
 * the primal part first, so that distances and Halpern's steps run over plain ranges.
 */
typedef struct {
    int n, m;
    hs_index size, primal, length; /* 2^n; the primal part's and the block's lengths */
    double alpha;
    const double *bound;
    double *step_a, *step_o, *step_f, *step_h, *or_in_sum; /* 2^n each */
    double step_s, step_g, step_e;
} shape;

static void shape_free(shape *s) {
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
static int shape_init(shape *s, int n, const hs_shared_spec *spec) {
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

/* Named views of a point's block. */
typedef struct {
    double *a, *o, *g, *s, *yf, *yh, *ye;
} parts;

static parts parts_of(const shape *s, double *block) {
    const hs_index ms = (hs_index)s->m * s->size;
    parts p;
    p.a = block;
    p.o = p.a + ms;
    p.g = p.o + ms;
    p.s = p.g + s->size;
    p.yf = p.s + s->m;
    p.yh = p.yf + ms;
    p.ye = p.yh + ms;
    return p;
}

/* One thread's arrays: z, its anchor z0, T(z) = z1, the extrapolated primal xbar (a
   block), K^T y and K xbar (m 2^n each, twice), the best repaired point, and scratch
   (cand_g: a repaired gbar; prox: the proximal map's). */
typedef struct {
    double *z, *z0, *z1, *xbar, *ga, *go, *ku, *kw, *best_a, *best_o, *best_g, *tmp;
    double *cand_g, *prox;
    double *block;
} work;

static int work_init(work *w, const shape *s) {
    const size_t ms = (size_t)s->m * (size_t)s->size, length = (size_t)s->length;
    const size_t prox = (size_t)hs_max_l1_prox_scratch(s->m, s->size);
    const size_t total = 4 * length + 6 * ms + 3 * (size_t)s->size + prox;
    w->block = hs_aligned_alloc(total * sizeof(double));
    if (!w->block) return HS_ENOMEM;
    double *at = w->block;
    double **slots[14] = {&w->z,      &w->z0,     &w->z1,     &w->xbar, &w->ga,
                          &w->go,     &w->ku,     &w->kw,     &w->best_a, &w->best_o,
                          &w->best_g, &w->tmp,    &w->cand_g, &w->prox};
    const size_t sizes[14] = {length, length, length, length,  ms,      ms,     ms,
                              ms,     ms,     ms,     s->size, s->size, s->size, prox};
    for (int k = 0; k < 14; ++k) {
        *slots[k] = at;
        at += sizes[k];
    }
    return HS_OK;
}

/* Two plain selects (no libm calls), so that the loops around it vectorise. */
static inline double clamp(double z, double lo, double hi) {
    const double above = z < lo ? lo : z;
    return above > hi ? hi : above;
}

/* K^T y of a point: ga_i = Z^T (y_f + y_h / 2), go_i = -R Z (y_f - y_h / 2) - y_e em
   (em: or_in_sum); grad_s_i = Σ (y_f - y_h / 2) + y_e; grad_g = -Σ_i y_h. */
HS_VECTOR_CLONES static void apply_kt(const shape *s, const parts *y, double *ga, double *go,
                                      double *grad_s, double *HS_RESTRICT grad_g,
                                      double *HS_RESTRICT tmp, int par) {
    const hs_index size = s->size;
    const double *HS_RESTRICT em = s->or_in_sum;
    for (int i = 0; i < s->m; ++i) {
        const double *HS_RESTRICT yf = y->yf + i * size, *HS_RESTRICT yh = y->yh + i * size;
        double *HS_RESTRICT goi = go + i * size;
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j) {
            tmp[j] = yf[j] + 0.5 * yh[j];
            grad_g[j] = (i == 0 ? 0.0 : grad_g[j]) - yh[j];
        }
        hs_butterfly_f64(tmp, ga + i * size, s->n, &SUPERSET_SUMS, par);
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j) tmp[j] = yf[j] - 0.5 * yh[j];
        hs_butterfly_f64(tmp, goi, s->n, &REVERSED_SUMS, par);
        const double ye = y->ye[i];
        grad_s[i] = -goi[0] + ye;
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j) goi[j] -= ye * em[j];
    }
}

/* K x of a primal point but for s: ku_i = Z a_i, kw_i = -R Z o_i (w_i = s_i + kw_i);
   e_i = s_i - Σ o_i - o_i(∅). */
static void apply_k(const shape *s, const parts *x, double *ku, double *kw, double *e,
                    int par) {
    const hs_index size = s->size;
    for (int i = 0; i < s->m; ++i) {
        const double *oi = x->o + i * size;
        hs_butterfly_f64(x->a + i * size, ku + i * size, s->n, &SUBSET_SUMS, par);
        hs_butterfly_f64(oi, kw + i * size, s->n, &REVERSED_SUMS, par);
        e[i] = x->s[i] + kw[i * size] - oi[0]; /* kw_i[0] = -Σ o_i */
    }
}

/* The steps of one iteration at the current primal weight (eta: fraction of the stable
   step). */
typedef struct {
    double primal, dual; /* eta weight, eta / weight */
} steps;

/* The primal part's extrapolation xbar = 2 z1 - z, and Halpern's step of z toward z1 with
   it: z <- lambda xbar + (1 - lambda) z0; returns |z1 - z|^2 (before the step). */
HS_VECTOR_CLONES static double primal_halpern(const shape *s, work *w, double lambda) {
    double *HS_RESTRICT z = w->z, *HS_RESTRICT xbar = w->xbar;
    const double *HS_RESTRICT z0 = w->z0, *HS_RESTRICT z1 = w->z1;
    double moved = 0.0;
    HS_SIMD(omp simd reduction(+ : moved))
    for (hs_index j = 0; j < s->primal; ++j) {
        const double old = z[j];
        xbar[j] = 2.0 * z1[j] - old;
        z[j] = lambda * xbar[j] + (1.0 - lambda) * z0[j];
        moved += (z1[j] - old) * (z1[j] - old);
    }
    return moved;
}

/* One model's dual half: y1 = y + S r - S clamp(y / S + r, box) for its f and h rows,
   written without the division, then Halpern's step of y; returns |y1 - y|^2. */
HS_VECTOR_CLONES static double dual_model(const shape *s, const double *HS_RESTRICT v,
                                          double width, double g, double si, steps st,
                                          const work *w, int i, double lambda) {
    const hs_index size = s->size, at = i * size;
    const parts z = parts_of(s, w->z), z0 = parts_of(s, w->z0), z1 = parts_of(s, w->z1);
    const parts xbar = parts_of(s, w->xbar);
    double *HS_RESTRICT yf = z.yf + at, *HS_RESTRICT yh = z.yh + at;
    double *HS_RESTRICT yf1 = z1.yf + at, *HS_RESTRICT yh1 = z1.yh + at;
    const double *HS_RESTRICT yf0 = z0.yf + at, *HS_RESTRICT yh0 = z0.yh + at;
    const double *HS_RESTRICT ku = w->ku + at, *HS_RESTRICT kw = w->kw + at;
    const double *HS_RESTRICT gbar = xbar.g, *HS_RESTRICT step_f = s->step_f;
    const double *HS_RESTRICT step_h = s->step_h;
    double moved = 0.0;
    HS_SIMD(omp simd reduction(+ : moved))
    for (hs_index t = 0; t < size; ++t) {
        const double sf = st.dual * step_f[t], sh = st.dual * step_h[t];
        const double u = ku[t], wo = kw[t] + si;
        const double f = yf[t] + sf * (u + wo - v[t]);
        const double h = yh[t] + sh * (0.5 * (u - wo) - gbar[t]);
        const double nf = f - clamp(f, -sf * width, sf * width);
        const double nh = h - clamp(h, -sh * g, sh * g);
        moved += (nf - yf[t]) * (nf - yf[t]) + (nh - yh[t]) * (nh - yh[t]);
        yf1[t] = nf;
        yh1[t] = nh;
        yf[t] = lambda * (2.0 * nf - yf[t]) + (1.0 - lambda) * yf0[t];
        yh[t] = lambda * (2.0 * nh - yh[t]) + (1.0 - lambda) * yh0[t];
    }
    return moved;
}

/* T(z) into z1 (the primal prox at z - T K^T y, then the dual prox at y + S K(2 x1 - x)),
   and Halpern's step of z toward it: z <- lambda (2 T(z) - z) + (1 - lambda) z0.  *dx and
   *dy get the squared primal and dual distances from z to T(z). */
static void pdhg_step(const shape *s, const double *v, const double *tau, steps st,
                      work *w, int par, double lambda, double *dx, double *dy) {
    const hs_index size = s->size;
    const int m = s->m;
    parts z = parts_of(s, w->z), z0 = parts_of(s, w->z0), z1 = parts_of(s, w->z1);
    parts xbar = parts_of(s, w->xbar);
    double grad_s[HS_SHARED_MAX_MODELS], e[HS_SHARED_MAX_MODELS];
    apply_kt(s, &z, w->ga, w->go, grad_s, xbar.g, w->tmp, par); /* xbar.g: -Σ y_h for now */
    hs_max_l1_prox(z.a, w->ga, s->step_a, st.primal, s->alpha, m, size, z1.a, w->prox);
    hs_max_l1_prox(z.o, w->go, s->step_o, st.primal, s->alpha, m, size, z1.o, w->prox);
    for (hs_index t = 0; t < size; ++t) z1.g[t] = z.g[t] - st.primal * s->step_g * xbar.g[t];
    for (int i = 0; i < m; ++i) z1.s[i] = z.s[i] - st.primal * s->step_s * grad_s[i];
    *dx = primal_halpern(s, w, lambda);
    apply_k(s, &xbar, w->ku, w->kw, e, par);
    double moved = 0.0;
    for (int i = 0; i < m; ++i) {
        moved += dual_model(s, v + i * size, tau[i], s->bound[i], xbar.s[i], st, w, i, lambda);
        z1.ye[i] = z.ye[i] + st.dual * s->step_e * e[i];
        moved += (z1.ye[i] - z.ye[i]) * (z1.ye[i] - z.ye[i]);
        z.ye[i] = lambda * (2.0 * z1.ye[i] - z.ye[i]) + (1.0 - lambda) * z0.ye[i];
    }
    *dy = moved;
}

/* Squared distances of the primal and dual parts between two blocks. */
HS_VECTOR_CLONES static void distances(const shape *s, const double *HS_RESTRICT x,
                                       const double *HS_RESTRICT y, double *dx, double *dy) {
    double px = 0.0, py = 0.0;
    HS_SIMD(omp simd reduction(+ : px))
    for (hs_index j = 0; j < s->primal; ++j) px += (x[j] - y[j]) * (x[j] - y[j]);
    HS_SIMD(omp simd reduction(+ : py))
    for (hs_index j = s->primal; j < s->length; ++j) py += (x[j] - y[j]) * (x[j] - y[j]);
    *dx = px;
    *dy = py;
}

static double relative_gap(double upper, double lower) {
    const double scale = fmax(fabs(upper), fabs(lower));
    if (scale < HS_TINY) return 0.0;
    return fmax(upper - lower, 0.0) / scale;
}

/* Σ_S max_i |x_i(S)| + alpha Σ_i ||x_i||_1 for x (m x 2^n). */
static double atom_objective(const shape *s, const double *x) {
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
static void mobius_repair(const shape *s, const double *v, const double *tau, work *w,
                          int par) {
    const hs_index size = s->size;
    const parts z1 = parts_of(s, w->z1);
    for (hs_index t = 0; t < size; ++t) {
        double lo = -INFINITY, hi = INFINITY;
        for (int i = 0; i < s->m; ++i) {
            const double h = 0.5 * (w->ku[i * size + t] - w->kw[i * size + t]);
            lo = fmax(lo, h - s->bound[i]);
            hi = fmin(hi, h + s->bound[i]);
        }
        const double g = lo <= hi ? clamp(z1.g[t], lo, hi) : 0.5 * (lo + hi);
        w->cand_g[t] = g;
        for (int i = 0; i < s->m; ++i) {
            const hs_index j = i * size + t;
            const double u = w->ku[j], wo = w->kw[j];
            const double f = clamp(u + wo, v[j] - tau[i], v[j] + tau[i]);
            const double h = clamp(0.5 * (u - wo), g - s->bound[i], g + s->bound[i]);
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
static double ball_scale(const shape *s, const double *c, double scale) {
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
static double lower_bound(const shape *s, const double *v, const double *tau, work *w,
                          int par) {
    const hs_index size = s->size;
    const parts y = parts_of(s, w->z1);
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
    const double scale =
        ball_scale(s, w->go, ball_scale(s, w->ga, 1.0)) / (1.0 + 4.0 * s->n * eps);
    return scale * (fabs(linear) - penalty) - scale * 4.0 * count * eps * (absolute + penalty);
}

/* Bounds at T(z): the objective of the cheaper of its two repairs (kept as the best point
   when it improves on *upper) and the lower bound of its multipliers. */
static void certify(const shape *s, const double *v, const double *tau, work *w, int par,
                    double *upper, double *lower) {
    const hs_index size = s->size, ms = (hs_index)s->m * size;
    const size_t bytes = (size_t)ms * sizeof(double);
    const parts z1 = parts_of(s, w->z1);
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

/* One input: its games (m x 2^n), bounds, outputs and record. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *shared_out, *info;
} input;

static int solve_input(const shape *s, const input *in, const hs_pdhg_options *opt, work *w,
                       int par) {
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
        const steps st = {opt->step * weight, opt->step / weight};
        const double lambda = (since_restart + 1.0) / (since_restart + 2.0);
        double dx, dy; /* from z to T(z) */
        pdhg_step(s, in->v, in->tau, st, w, par, lambda, &dx, &dy);
        ++iter;
        if (iter % opt->check_every != 0 && iter != opt->max_iter) {
            ++since_restart;
            continue;
        }
        certify(s, in->v, in->tau, w, par, &upper, &lower);
        const double residual = sqrt(weight * dx + dy / weight);
        if (relative_gap(upper, lower) <= opt->tol) {
            converged = 1;
            break;
        }
        if (!isfinite(residual)) return HS_EDIVERGED;
        if (!isfinite(restart_residual)) restart_residual = residual;
        const int restart = residual <= RESTART_FACTOR[RESTART_SUFFICIENT] * restart_residual ||
                            (residual <= RESTART_FACTOR[RESTART_NECESSARY] * restart_residual &&
                             residual > previous_residual) ||
                            since_restart >= RESTART_ARTIFICIAL * iter;
        if (!restart) {
            previous_residual = residual;
            ++since_restart;
            continue;
        }
        distances(s, w->z1, w->z0, &dx, &dy);
        if (dx > HS_TINY && dy > HS_TINY)
            weight = exp(WEIGHT_SMOOTHING * 0.5 * log(dx / dy) +
                         (1.0 - WEIGHT_SMOOTHING) * log(weight));
        memcpy(w->z, w->z1, length);
        memcpy(w->z0, w->z1, length);
        restart_residual = residual;
        previous_residual = INFINITY;
        since_restart = 0;
    }
    memcpy(in->and_out, w->best_a, (size_t)ms * sizeof(double));
    memcpy(in->or_out, w->best_o, (size_t)ms * sizeof(double));
    memcpy(in->shared_out, w->best_g, (size_t)s->size * sizeof(double));
    double *info = in->info;
    info[HS_INFO_OBJECTIVE] = upper;
    info[HS_INFO_DUAL] = lower;
    info[HS_INFO_GAP] = relative_gap(upper, lower);
    info[HS_INFO_ITERATIONS] = iter;
    info[HS_INFO_CONVERGED] = converged;
    info[HS_INFO_WEIGHT] = weight;
    return HS_OK;
}

/* The inputs of one call and where their results go. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *shared_out, *info;
    const hs_pdhg_options *options;
    const shape *s;
} problem;

static int scratch_init(const void *context, void **scratch) {
    const problem *p = context;
    work *w = malloc(sizeof(work));
    if (!w) return HS_ENOMEM;
    if (work_init(w, p->s) != HS_OK) {
        free(w);
        return HS_ENOMEM;
    }
    *scratch = w;
    return HS_OK;
}

static void scratch_free(void *scratch) {
    hs_aligned_free(((work *)scratch)->block);
    free(scratch);
}

static int solve_one(const void *context, hs_index g, void *scratch, int parallel) {
    const problem *p = context;
    const shape *s = p->s;
    const hs_index ms = (hs_index)s->m * s->size;
    const input in = {p->v + g * ms,          p->tau + g * s->m, p->and_out + g * ms,
                      p->or_out + g * ms,     p->shared_out + g * s->size,
                      p->info + g * HS_INFO_FIELDS};
    return solve_input(s, &in, p->options, scratch, parallel && s->n >= PARALLEL_MIN_PLAYERS);
}

static int valid_spec(const hs_shared_spec *spec) {
    if (spec->models < 1 || spec->models > HS_SHARED_MAX_MODELS ||
        !(spec->alpha >= 0.0 && spec->alpha < INFINITY))
        return 0;
    return hs_valid_noise_bounds(spec->gamma_bound, spec->models);
}

int hs_shared_pdhg(const double *v, const double *tau, const hs_shared_spec *spec,
                   double *and_out, double *or_out, double *shared_out, hs_index batch,
                   int n, const hs_pdhg_options *options, double *info) {
    if (n < 1 || n > HS_MAX_PLAYERS || batch < 0 || options->max_iter < 1 ||
        options->check_every < 1 || !(options->step > 0.0 && options->step < 1.0) ||
        !(options->weight > 0.0) || !(options->tol > 0.0 && options->tol < INFINITY) ||
        !valid_spec(spec) || !hs_valid_noise_bounds(tau, batch * spec->models))
        return HS_EINVAL;
    shape s;
    if (shape_init(&s, n, spec) != HS_OK) return HS_ENOMEM;
    const problem p = {v, tau, and_out, or_out, shared_out, info, options, &s};
    const hs_games games = {.context = &p, .solve = solve_one, .scratch_init = scratch_init,
                            .scratch_free = scratch_free, .balance = 1};
    const int status = hs_run_games(&games, batch, n);
    shape_free(&s);
    return status;
}
