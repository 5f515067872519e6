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
 * Every check, the current T(z) is made exactly feasible for an upper bound (AND atoms
 * take up the residual outside the box, by the cheaper of two repairs; see
 * sequential_repair), and y is scaled into dual feasibility for a lower bound: their gap
 * certifies the result.
 *
 * Mixed precision: the iterates may run in float (twice the lanes, half the memory
 * traffic) while the certificate and the returned point stay double.  The steps work on
 * the difference from the anchor, K x̄ - v = K(x̄ - x0) + (K x0 - v), the second term in
 * double at each restart, so that float never rounds v itself; once the fixed-point
 * residual falls to a few float epsilons of |z|, the iterates go on in double.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "and_or.h"
#include "butterfly.h"
#include "pdhg_schedule.h"

/* Below this n a lone game's butterflies stay on one core: strips on several cores then
   fetch what the other core's cache holds. */
static const int PARALLEL_MIN_PLAYERS = 20;
/* From n = 14 to 16 a lone game's step splits into its AND and OR halves on two threads
   (each half's arrays stay in one core's cache); below, the barrier costs what the
   halves gain, above, memory bounds the step. */
static const int SPLIT_MIN_PLAYERS = 14;
static const int SPLIT_MAX_PLAYERS = 16;
/*
 * Mixed precision: the float iterates hand over to double (see float_limited) once the
 * fixed-point residual is below NARROW_RESIDUAL times |z| (where float runs level off),
 * the gap is below NARROW_GAP or, for tolerances below NARROW_TOL_MAX, within
 * NARROW_TOL_FACTOR of the tolerance (float stalls there), or the gap has stalled: not
 * fallen below STALL_PROGRESS times its best for half the iterations it took to reach
 * that best, plus NARROW_PATIENCE (early plateaus are the method's own).
 */
static const double NARROW_RESIDUAL = 2.0 * FLT_EPSILON;
static const double NARROW_GAP = 1e-5;
static const double NARROW_TOL_FACTOR = 3.0;
static const double NARROW_TOL_MAX = 1e-3;
static const int NARROW_PATIENCE = 16384;
static const double STALL_PROGRESS = 0.9;

/*
 * Steps that depend only on n: Pock-Chambolle's inverse absolute sums, weighted.  With
 * positive weights r (rows) and c (columns), the steps T_j = c_j / Σ_i r_i |K_ij| and
 * S_i = r_i / Σ_j |K_ij| c_j keep |S^1/2 K T^1/2| <= 1.  The rows of the game weigh 1;
 * an AND atom 1, an OR atom of order k OR_DECAY^k, the scalar s and its equation's row
 * SCALAR_WEIGHT; the densest columns weigh more, the AND singletons (a trained model's
 * main effects, whose dual columns otherwise stay the most violated) SINGLETON_WEIGHT
 * and the OR pairs PAIR_WEIGHT.  The weights are tuned: bench/and_or.py measures them.
 */
static const double OR_DECAY = 0.904837418035959573; /* e^-0.1 */
static const double SCALAR_WEIGHT = 16.0;
static const double SINGLETON_WEIGHT = 4.0;
static const double PAIR_WEIGHT = 2.0;

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

/* The weights of one AND and one OR column of order k (an OR column from order 2). */
static double and_column_weight(int k) {
    return k == 1 ? SINGLETON_WEIGHT : 1.0;
}

static double or_column_weight(int k) {
    return (k == 2 ? PAIR_WEIGHT : 1.0) * pow(OR_DECAY, k);
}

/* Their sums over the rows' atoms, in closed form.  The AND atoms among k players: 2^k
   atoms, k of them singletons. */
static double and_weight(int k) {
    return ldexp(1.0, k) + (SINGLETON_WEIGHT - 1.0) * k;
}

/* The weights of the OR atoms of order >= 2 among m players:
   Σ_{j=2}^{m} C(m, j) OR_DECAY^j, the C(m, 2) pairs PAIR_WEIGHT times. */
static double or_weight(int m) {
    const double pairs = 0.5 * m * (m - 1) * OR_DECAY * OR_DECAY;
    return pow(1.0 + OR_DECAY, m) - 1.0 - m * OR_DECAY + (PAIR_WEIGHT - 1.0) * pairs;
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
        s->step_a[t] = and_column_weight(k) / outside; /* column of Z: supersets of t */
        /* column of -R Z: rows disjoint from t, and the row of the equation s = Σ o */
        s->step_o[t] = k >= 2 ? or_column_weight(k) / (outside + SCALAR_WEIGHT) : 0.0;
        /* row t: the AND atoms within t, the OR atoms of order >= 2 disjoint from t, s */
        s->step_y[t] = 1.0 / (and_weight(k) + or_weight(n - k) + SCALAR_WEIGHT);
    }
    s->step_s = SCALAR_WEIGHT / ((double)size + SCALAR_WEIGHT);
    s->step_last = SCALAR_WEIGHT / (or_weight(n) + SCALAR_WEIGHT);
    return HS_OK;
}

/*
 * K's products, each one butterfly: Z x (subset sums), Z^T x (superset sums), and
 * -(R Z) x = -Z^T R x (superset sums of the reversed, negated x), which is also
 * -(R Z)^T x.  Entry 0 of the superset sums is the sum of x (minus it when reversed).
 * Möbius takes values back to AND interactions.
 */
static const hs_butterfly_spec SUBSET_SUMS = {.op = HS_OP_ZETA, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec SUPERSET_SUMS = {.op = HS_OP_ZETA_T, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec REVERSED_SUMS = {.op = HS_OP_ZETA_T,
                                                .copy = HS_COPY_REVERSE_NEGATE};
static const hs_butterfly_spec MOBIUS = {.op = HS_OP_MOBIUS, .copy = HS_COPY_PLAIN};

/* The certificate's arrays, in double: T(z) (when the step runs in float), scratch for
   K and K^T, and the best repaired primal point so far. */
typedef struct {
    double *a1, *o1, *y1, *kx, *tmp, *ga, *go, *best_a, *best_o;
    double *block;
} certificate;

static int certificate_init(certificate *c, hs_index size) {
    enum { ARRAYS = 9 };
    c->block = hs_aligned_alloc((size_t)size * ARRAYS * sizeof(double));
    if (!c->block) return HS_ENOMEM;
    double **slots[ARRAYS] = {&c->a1, &c->o1,  &c->y1, &c->kx,    &c->tmp,
                              &c->ga, &c->go, &c->best_a, &c->best_o};
    for (int i = 0; i < ARRAYS; ++i) *slots[i] = c->block + i * size;
    return HS_OK;
}

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

#define HS_IMPL "and_or_pdhg_impl.h"
#include "hs_instantiate.h"

/* Everything one thread needs for its games: the iterates in both precisions (the
   double ones are touched only once a game needs them) and the certificate. */
typedef struct {
    iterates_f64 wide;
    iterates_f32 narrow;
    certificate cert;
} work;

static void work_free(work *w) {
    hs_aligned_free(w->wide.block);
    hs_aligned_free(w->narrow.block);
    hs_aligned_free(w->cert.block);
}

static int work_init(work *w, hs_index size) {
    w->wide.block = NULL;
    w->narrow.block = NULL;
    w->cert.block = NULL;
    if (iterates_init_f64(&w->wide, size) != HS_OK ||
        iterates_init_f32(&w->narrow, size) != HS_OK ||
        certificate_init(&w->cert, size) != HS_OK) {
        work_free(w);
        return HS_ENOMEM;
    }
    return HS_OK;
}

/*
 * A repair of w = K x into the box [v - tau, v + tau] (a block of 2^k rows) that uses
 * the rows' slack: in increasing order, every subset before its supersets, row T gets the
 * AND atom d[T] = clamp(w[T]) - w[T], w[T] by then holding the atoms d[U] of its proper
 * subsets U.  Z d then brings every row into its box, and d is zero on every row that the
 * earlier atoms left inside it, so it usually costs less than the Möbius transform of the
 * residual, the repair with no slack.  The lower half's atoms reach the upper half through
 * one subset-sum butterfly (scratch: 2^(k-1)).
 */
static void sequential_repair(double *w, const double *v, double tau, double *d,
                              double *scratch, int k) {
    enum { DIRECT_LOG = 4 };
    const hs_index size = (hs_index)1 << k;
    if (k <= DIRECT_LOG) {
        for (hs_index t = 0; t < size; ++t) {
            d[t] = clamp_f64(w[t], v[t] - tau, v[t] + tau) - w[t];
            if (d[t] == 0.0) continue;
            for (hs_index u = t + 1; u < size; ++u)
                if ((u & t) == t) w[u] += d[t];
        }
        return;
    }
    const hs_index half = size / 2;
    sequential_repair(w, v, tau, d, scratch, k - 1);
    hs_butterfly_f64(d, scratch, k - 1, &SUBSET_SUMS, 0);
    for (hs_index j = 0; j < half; ++j) w[half + j] += scratch[j];
    sequential_repair(w + half, v + half, tau, d + half, scratch, k - 1);
}

/* Σ |a1 + d| + Σ |o1|: the objective of a1 repaired by d. */
static double repaired_objective(hs_index size, const double *a1, const double *o1,
                                 const double *d) {
    double total = 0.0;
    for (hs_index i = 0; i < size; ++i) total += fabs(a1[i] + d[i]) + fabs(o1[i]);
    return total;
}

/*
 * Bounds at T(z) = (a1, o1, y1): the objective of the repaired primal (written to
 * best_* when it improves on *upper) and the dual objective of the scaled y1.  The
 * repair, the cheaper of the Möbius transform of the residual outside the box and the
 * sequential repair, adds AND atoms that make the point exactly feasible; any y1, scaled
 * into dual feasibility, bounds from below.
 */
static void certify(const shape *s, const double *v, double tau, const double *a1,
                    const double *o1, const double *y1, certificate *c, int par,
                    double *upper, double *lower) {
    const hs_index size = s->size;
    apply_k(s, a1, o1, c->kx, c->tmp, par);
    for (hs_index i = 0; i < size; ++i)
        c->ga[i] = clamp_f64(c->kx[i], v[i] - tau, v[i] + tau) - c->kx[i];
    hs_butterfly_f64(c->ga, c->go, s->n, &MOBIUS, par);
    const double mobius = repaired_objective(size, a1, o1, c->go);
    sequential_repair(c->kx, v, tau, c->ga, c->tmp, s->n); /* kx: no longer needed */
    const double sequential = repaired_objective(size, a1, o1, c->ga);
    const double primal = fmin(mobius, sequential);
    if (primal < *upper) {
        const double *d = sequential < mobius ? c->ga : c->go;
        *upper = primal;
        for (hs_index i = 0; i < size; ++i) {
            c->best_a[i] = a1[i] + d[i];
            c->best_o[i] = o1[i];
        }
    }
    apply_kt(s, y1, c->ga, c->go, par);
    double peak = 1.0, linear = 0.0, absolute = 0.0;
    for (hs_index i = 0; i < size; ++i) {
        peak = fmax(peak, fmax(fabs(c->ga[i]), fabs(c->go[i])));
        linear += v[i] * y1[i];
        absolute += fabs(y1[i]);
    }
    *lower = fmax(*lower, -(linear + tau * absolute) / peak);
}

/* The double iterates take over from the float ones at T(z), whose double copy the
   certificate holds: a restart there follows. */
static void iterates_widen(hs_index size, const certificate *c, const iterates_f32 *from,
                           iterates_f64 *to) {
    const size_t bytes = (size_t)size * sizeof(double);
    memcpy(to->a1, c->a1, bytes);
    memcpy(to->o1, c->o1, bytes);
    memcpy(to->y1, c->y1, bytes);
    to->s1 = from->s1;
    to->ys1 = from->ys1;
}

/* z and its anchor z0 restart at T(z), in the precision in use, with the steps of the
   given primal weight and the anchor's residual. */
static void restart_at_step(const shape *s, const double *v, double weight, double eta,
                            work *w, int narrow, int par) {
    if (narrow) {
        set_steps_f32(s, weight, eta, &w->narrow);
        restart_at_step_f32(s->size, &w->narrow);
        anchor_residual_f32(s, v, &w->narrow, &w->cert, par);
    } else {
        set_steps_f64(s, weight, eta, &w->wide);
        restart_at_step_f64(s->size, &w->wide);
        anchor_residual_f64(s, v, &w->wide, &w->cert, par);
    }
}

/*
 * Whether float's rounding may now limit the iterates (T(z) in double in c, its scalars
 * in w): the fixed-point residual is down to a few float epsilons of |T(z)|, the gap is
 * near a tight tolerance or below what float iterates certify reliably, or the gap has
 * stalled since progress_iter, where it last fell below STALL_PROGRESS times its best (then
 * rounding, not the method, is stalling it).
 */
static int float_limited(const shape *s, const iterates_f32 *w, const certificate *c,
                         double gap, double tol, int iter, int progress_iter,
                         double residual, double weight) {
    if (gap <= NARROW_GAP || (tol < NARROW_TOL_MAX && gap <= NARROW_TOL_FACTOR * tol) ||
        iter - progress_iter >= progress_iter / 2 + NARROW_PATIENCE)
        return 1;
    double px = w->s1 * w->s1, py = w->ys1 * w->ys1;
    for (hs_index i = 0; i < s->size; ++i) {
        px += c->a1[i] * c->a1[i] + c->o1[i] * c->o1[i];
        py += c->y1[i] * c->y1[i];
    }
    return residual <= NARROW_RESIDUAL * sqrt(weight * px + py / weight);
}

/* One game: its data, where its results go, and where it starts. */
typedef struct {
    const double *v;
    double tau;
    double *and_out, *or_out, *noise_out, *dual_out, *info;
    const double *and_start, *or_start, *dual_start; /* NULL: from 0 */
    double weight;                                   /* the primal weight to start with */
} game;

/* The start (a, o, y) in double in the certificate's T(z), OR atoms of order < 2 dropped:
   the iterates start from it, and a start that already meets the tolerance is certified
   before any step (in float, its rounding alone could cost a few checks). */
static void start_in_double(const shape *s, const game *gm, certificate *c) {
    const size_t bytes = (size_t)s->size * sizeof(double);
    memcpy(c->a1, gm->and_start, bytes);
    memcpy(c->y1, gm->dual_start, bytes);
    for (hs_index i = 0; i < s->size; ++i)
        c->o1[i] = s->step_o[i] == 0.0 ? 0.0 : gm->or_start[i];
}

static int solve_game(const shape *s, const game *gm, const hs_pdhg_options *opt, work *w,
                      int par, int split) {
    const hs_index size = s->size;
    const size_t bytes = (size_t)size * sizeof(double);
    const double *v = gm->v, tau = gm->tau;
    certificate *c = &w->cert;
    double weight = gm->weight;
    int narrow = opt->mixed != 0;
    double upper = INFINITY, lower = -INFINITY;
    int converged = 0;
    if (gm->and_start) {
        start_in_double(s, gm, c);
        certify(s, v, tau, c->a1, c->o1, c->y1, c, par, &upper, &lower);
        converged = hs_relative_gap(upper, lower) <= opt->tol;
        if (narrow)
            step_from_f32(s, c->a1, c->o1, c->y1, &w->narrow);
        else
            step_from_f64(s, c->a1, c->o1, c->y1, &w->wide);
    } else if (narrow) {
        step_zero_f32(size, &w->narrow);
    } else {
        step_zero_f64(size, &w->wide);
    }
    restart_at_step(s, v, weight, opt->step, w, narrow, par); /* c->a1, c->o1: scratch now */
    double restart_residual = INFINITY, previous_residual = INFINITY;
    double progress_gap = INFINITY;
    int since_restart = 0, iter = 0, progress_iter = 0;
    while (!converged && iter < opt->max_iter) {
        double dx, dy; /* from z to T(z) */
        const int check = (iter + 1) % opt->check_every == 0 || iter + 1 == opt->max_iter;
        const double lambda = (since_restart + 1.0) / (since_restart + 2.0);
        if (narrow)
            pdhg_step_f32(s, tau, lambda, check, &w->narrow, par, split, &dx, &dy);
        else
            pdhg_step_f64(s, tau, lambda, check, &w->wide, par, split, &dx, &dy);
        ++iter;
        if (!check) {
            ++since_restart;
            continue;
        }
        const double *a1 = w->wide.a1, *o1 = w->wide.o1, *y1 = w->wide.y1;
        if (narrow) {
            step_in_double_f32(size, &w->narrow, c->a1, c->o1, c->y1);
            a1 = c->a1, o1 = c->o1, y1 = c->y1;
        }
        certify(s, v, tau, a1, o1, y1, c, par, &upper, &lower);
        const double gap = hs_relative_gap(upper, lower);
        const double residual = sqrt(weight * dx + dy / weight);
        if (gap <= opt->tol) {
            converged = 1;
            break;
        }
        if (!isfinite(residual)) return HS_EDIVERGED;
        if (!isfinite(restart_residual)) restart_residual = residual;
        if (gap < STALL_PROGRESS * progress_gap) {
            progress_gap = gap;
            progress_iter = iter;
        }
        const int widen = narrow && float_limited(s, &w->narrow, c, gap, opt->tol, iter,
                                                  progress_iter, residual, weight);
        const int restart = widen || hs_restart_due(residual, restart_residual,
                                                    previous_residual, since_restart, iter);
        if (!restart) {
            previous_residual = residual;
            ++since_restart;
            continue;
        }
        /* z restarts at T(z), undoing the Halpern step; the weight follows how far primal
           and dual moved since the last restart. */
        if (narrow)
            moves_from_anchor_f32(size, &w->narrow, &dx, &dy);
        else
            moves_from_anchor_f64(size, &w->wide, &dx, &dy);
        weight = hs_next_weight(weight, dx, dy);
        if (widen) {
            narrow = 0;
            iterates_widen(size, c, &w->narrow, &w->wide);
        }
        restart_at_step(s, v, weight, opt->step, w, narrow, par);
        restart_residual = residual;
        previous_residual = INFINITY;
        since_restart = 0;
    }

    double *and_out = gm->and_out, *or_out = gm->or_out, *info = gm->info;
    memcpy(and_out, c->best_a, bytes);
    memcpy(or_out, c->best_o, bytes);
    memcpy(gm->dual_out, narrow ? c->y1 : w->wide.y1, bytes);
    apply_k(s, and_out, or_out, c->kx, c->tmp, par);
    for (hs_index i = 0; i < size; ++i)
        gm->noise_out[i] = clamp_f64(c->kx[i] - v[i], -tau, tau);
    hs_record_solve(info, upper, lower, iter, converged, weight);
    return HS_OK;
}

/* The games of one call, where their results go, where they start, and their shape. */
typedef struct {
    const double *v, *tau;
    double *and_out, *or_out, *noise_out, *dual_out, *info;
    const hs_pdhg_options *options;
    const hs_pdhg_start *start;
    const shape *s;
} problem;

static int scratch_init(const void *context, void **scratch) {
    const problem *p = context;
    work *w = malloc(sizeof(work));
    if (!w) return HS_ENOMEM;
    if (work_init(w, p->s->size) != HS_OK) {
        free(w);
        return HS_ENOMEM;
    }
    *scratch = w;
    return HS_OK;
}

static void scratch_free(void *scratch) {
    work_free(scratch);
    free(scratch);
}

/* A game with the cores to itself spreads its butterflies over them from
   PARALLEL_MIN_PLAYERS on, and splits its steps in halves from SPLIT_MIN_PLAYERS to
   SPLIT_MAX_PLAYERS. */
static int solve_one(const void *context, hs_index g, void *scratch, int parallel) {
    const problem *p = context;
    const shape *s = p->s;
    const int par = parallel && s->n >= PARALLEL_MIN_PLAYERS;
    const int split = parallel && s->n >= SPLIT_MIN_PLAYERS && s->n <= SPLIT_MAX_PLAYERS;
    const hs_index at = g * s->size;
    const hs_pdhg_start *start = p->start;
    const game gm = {p->v + at, p->tau[g], p->and_out + at, p->or_out + at,
                     p->noise_out + at, p->dual_out + at, p->info + g * HS_INFO_FIELDS,
                     start ? start->and_start + at : NULL, start ? start->or_start + at : NULL,
                     start ? start->dual_start + at : NULL,
                     start ? start->weight[g] : p->options->weight};
    return solve_game(s, &gm, p->options, scratch, par, split);
}

/* A start names all its arrays, and its weights are positive and finite. */
static int valid_start(const hs_pdhg_start *start, hs_index batch) {
    if (!start) return 1;
    if (!start->and_start || !start->or_start || !start->dual_start || !start->weight) return 0;
    for (hs_index g = 0; g < batch; ++g)
        if (!(start->weight[g] > 0.0 && start->weight[g] < INFINITY)) return 0;
    return 1;
}

int hs_and_or_pdhg(const double *v, const double *tau, double *and_out, double *or_out,
                   double *noise_out, double *dual_out, hs_index batch, int n,
                   const hs_pdhg_options *options, const hs_pdhg_start *start, double *info) {
    if (n < 1 || n > HS_MAX_PLAYERS || batch < 0 || options->max_iter < 1 ||
        options->check_every < 1 || !(options->step > 0.0 && options->step < 1.0) ||
        !(options->weight > 0.0) || !(options->tol > 0.0 && options->tol < INFINITY) ||
        !valid_start(start, batch) || !hs_valid_noise_bounds(tau, batch))
        return HS_EINVAL;
    shape s;
    if (shape_init(&s, n) != HS_OK) return HS_ENOMEM;
    const problem p = {v, tau, and_out, or_out, noise_out, dual_out, info, options, start, &s};
    const hs_games games = {.context = &p, .solve = solve_one, .scratch_init = scratch_init,
                            .scratch_free = scratch_free, .balance = 1};
    const int status = hs_run_games(&games, batch, n);
    shape_free(&s);
    return status;
}
