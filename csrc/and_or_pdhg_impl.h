/*
 * The iterates of the AND-OR PDHG and its step, in one precision (see and_or_pdhg.c).
 * Instantiated through hs_instantiate.h: REAL is the type of the arrays, FN(name) names
 * this precision's functions.  Scalars (s, its dual, steps of both, lambda) stay double.
 * The includer defines `shape` (the steps that depend only on n, in double) first.
 */

/* The state of one game: z = (a, o, s | y, ys), its anchor z0, the step's T(z) = z1,
   and the steps at the current primal weight.  The residual of the anchor, K x0 - v
   (r0, and c0 = s0 - Σ o0 for the scalar's equation), is computed in double; the steps
   add K (x̄ - x0) to it, so that float rounds only the small difference from the anchor,
   not v itself (whose rounding, scaled by the dual step, would be the dual's noise). */
typedef struct {
    REAL *a, *o, *y, *a0, *o0, *y0, *a1, *o1, *y1, *ga, *go, *kx, *tmp, *r0;
    REAL *ta, *to, *sy, *inv_sy;
    double s, s0, s1, ys, ys0, ys1; /* the scalar s, its equation's dual, and copies */
    double c0;                      /* s0 - Σ o0 */
    double ts, tys;                 /* their steps */
    REAL *block;
} FN(iterates);

static int FN(iterates_init)(FN(iterates) *w, hs_index size) {
    enum { ARRAYS = 18 };
    w->block = hs_aligned_alloc((size_t)size * ARRAYS * sizeof(REAL));
    if (!w->block) return HS_ENOMEM;
    REAL **slots[ARRAYS] = {&w->a,  &w->o,  &w->y,  &w->a0, &w->o0, &w->y0,
                            &w->a1, &w->o1, &w->y1, &w->ga, &w->go, &w->kx,
                            &w->tmp, &w->r0, &w->ta, &w->to, &w->sy, &w->inv_sy};
    for (int i = 0; i < ARRAYS; ++i) *slots[i] = w->block + i * size;
    return HS_OK;
}

/* T(z) = 0, to restart from. */
static void FN(step_zero)(hs_index size, FN(iterates) *w) {
    const size_t bytes = (size_t)size * sizeof(REAL);
    memset(w->a1, 0, bytes);
    memset(w->o1, 0, bytes);
    memset(w->y1, 0, bytes);
    w->s1 = w->ys1 = 0.0;
}

/* T(z) = (a, o, y), o zero below order 2 (see start_in_double), to restart from.  The
   scalars take the values an optimum gives them: s = Σ o, and y_s = -Σ y (s's column of
   K^T y is zero). */
static void FN(step_from)(const shape *s, const double *a, const double *o, const double *y,
                          FN(iterates) *w) {
    double sum_o = 0.0, sum_y = 0.0;
    for (hs_index i = 0; i < s->size; ++i) {
        w->a1[i] = (REAL)a[i];
        w->o1[i] = (REAL)o[i];
        w->y1[i] = (REAL)y[i];
        sum_o += o[i];
        sum_y += y[i];
    }
    w->s1 = sum_o;
    w->ys1 = -sum_y;
}

/* The step arrays at primal weight `weight` (eta: fraction of the stable step). */
static void FN(set_steps)(const shape *s, double weight, double eta, FN(iterates) *w) {
    for (hs_index i = 0; i < s->size; ++i) {
        const double dual = eta * s->step_y[i] / weight;
        w->ta[i] = (REAL)(eta * weight * s->step_a[i]);
        w->to[i] = (REAL)(eta * weight * s->step_o[i]);
        w->sy[i] = (REAL)dual;
        w->inv_sy[i] = (REAL)(1.0 / dual);
    }
    w->ts = eta * weight * s->step_s;
    w->tys = eta * s->step_last / weight;
}

/* Two plain selects (not nested), so that loops around it are if-converted and vectorised. */
static inline REAL FN(clamp)(REAL z, REAL lo, REAL hi) {
    const REAL above = z < lo ? lo : z;
    return above > hi ? hi : above;
}

/* Halpern's anchored, reflected step toward T(z): z <- λ (2 T(z) - z) + (1 - λ) z0. */
static inline REAL FN(halpern)(REAL lambda, REAL z, REAL tz, REAL anchor) {
    return lambda * (2 * tz - z) + (1 - lambda) * anchor;
}

/*
 * One part of the primal half of a step (the AND atoms with shift 0, the OR atoms with
 * shift ys): x1 = prox(x - t (g - shift)), soft thresholding written as a difference with
 * a clamp so that it vectorises; the reflected 2 x1 - x - x0 goes into g, then x moves
 * by Halpern's step.  T(z) is stored, and its squared distance from z returned, only
 * when `keep` (a check comes next); `keep` is a constant after inlining, so each case is
 * its own loop.
 */
HS_INLINE double FN(primal_part)(hs_index size, REAL *HS_RESTRICT x,
                                 const REAL *HS_RESTRICT x0, REAL *HS_RESTRICT x1,
                                 REAL *HS_RESTRICT g, const REAL *HS_RESTRICT t, REAL shift,
                                 REAL lambda, const int keep) {
    double px = 0.0;
    HS_SIMD(omp simd reduction(+ : px))
    for (hs_index i = 0; i < size; ++i) {
        const REAL xi = x[i];
        const REAL z = xi - t[i] * (g[i] - shift);
        const REAL xn = z - FN(clamp)(z, -t[i], t[i]);
        g[i] = 2 * xn - xi - x0[i];
        x[i] = FN(halpern)(lambda, xi, xn, x0[i]);
        if (keep) {
            x1[i] = xn;
            px += (double)((xn - xi) * (xn - xi));
        }
    }
    return px;
}

/* The dual half over [begin, end): y1 = y + S (K x̄ - v) - S clamp(y / S + K x̄ - v,
   [-tau, tau]), where K x̄ - v = kx + ko + (s̄ - s0) + r0 (kx, ko: K's parts of x̄ - x0). */
HS_INLINE double FN(dual_part)(hs_index begin, hs_index end, double tau, double shift_s,
                               FN(iterates) *w, REAL lambda, const int keep) {
    REAL *HS_RESTRICT y = w->y, *HS_RESTRICT y1 = w->y1;
    const REAL *HS_RESTRICT kx = w->kx, *HS_RESTRICT ko = w->tmp, *HS_RESTRICT y0 = w->y0;
    const REAL *HS_RESTRICT r0 = w->r0;
    const REAL *HS_RESTRICT sy = w->sy, *HS_RESTRICT inv = w->inv_sy;
    const REAL shift = (REAL)shift_s, width = (REAL)tau;
    double py = 0.0;
    HS_SIMD(omp simd reduction(+ : py))
    for (hs_index i = begin; i < end; ++i) {
        const REAL yi = y[i];
        const REAL z = yi * inv[i] + ((kx[i] + ko[i] + shift) + r0[i]);
        const REAL yn = sy[i] * (z - FN(clamp)(z, -width, width));
        y[i] = FN(halpern)(lambda, yi, yn, y0[i]);
        if (keep) {
            y1[i] = yn;
            py += (double)((yn - yi) * (yn - yi));
        }
    }
    return py;
}

/*
 * The primal work of one role: role 0 the AND atoms (Z^T y, their prox, Z of their
 * reflection into kx), role 1 the OR atoms (-(R Z)^T y, their prox, -(R Z) of their
 * reflection into tmp).  Role 0 also leaves Σ y, entry 0 of Z^T y, in *sum_y.
 */
HS_VECTOR_CLONES static double FN(primal_role)(const shape *s, FN(iterates) *w, int role,
                                               REAL lambda, int keep, int par,
                                               double *sum_y) {
    const hs_index size = s->size;
    if (role == 0) {
        FN(hs_butterfly)(w->y, w->ga, s->n, &SUPERSET_SUMS, par);
        *sum_y = (double)w->ga[0];
        const double px =
            keep ? FN(primal_part)(size, w->a, w->a0, w->a1, w->ga, w->ta, 0, lambda, 1)
                 : FN(primal_part)(size, w->a, w->a0, w->a1, w->ga, w->ta, 0, lambda, 0);
        FN(hs_butterfly)(w->ga, w->kx, s->n, &SUBSET_SUMS, par);
        return px;
    }
    FN(hs_butterfly)(w->y, w->go, s->n, &REVERSED_SUMS, par);
    const REAL ys = (REAL)w->ys;
    const double px =
        keep ? FN(primal_part)(size, w->o, w->o0, w->o1, w->go, w->to, ys, lambda, 1)
             : FN(primal_part)(size, w->o, w->o0, w->o1, w->go, w->to, ys, lambda, 0);
    FN(hs_butterfly)(w->go, w->tmp, s->n, &REVERSED_SUMS, par);
    return px;
}

/* The dual sweep over one half of the rows (part 0 or 1). */
HS_VECTOR_CLONES static double FN(dual_role)(const shape *s, FN(iterates) *w, int part,
                                             double tau, double shift_s, REAL lambda,
                                             int keep) {
    const hs_index half = s->size / 2, begin = part ? half : 0, end = part ? s->size : half;
    return keep ? FN(dual_part)(begin, end, tau, shift_s, w, lambda, 1)
                : FN(dual_part)(begin, end, tau, shift_s, w, lambda, 0);
}

/* Thread `me` of `team` (1 or 2) does its share of a step's halves: the primal roles,
   then, after a barrier, the dual parts; thread 0 leaves the scalar's T(z) in w->s1. */
static void FN(step_halves)(const shape *s, double tau, REAL lambda, int keep,
                            FN(iterates) *w, int par, int me, int team, double *moved_x,
                            double *moved_y, double *sum_y) {
    for (int role = me; role < 2; role += team)
        moved_x[role] = FN(primal_role)(s, w, role, lambda, keep, par, sum_y);
    if (team > 1) { /* never the barrier of an enclosing team (one game per thread) */
        HS_OMP(omp barrier)
    }
    const double s1 = w->s - w->ts * (*sum_y + w->ys);
    const double shift_s = 2.0 * s1 - w->s - w->s0; /* s̄ - s0 */
    if (me == 0) w->s1 = s1; /* read by no thread before the region ends */
    for (int part = me; part < 2; part += team)
        moved_y[part] = FN(dual_role)(s, w, part, tau, shift_s, lambda, keep);
}

/*
 * One PDHG step T and the Halpern step after it: T(z) = (a1, o1, y1) from z = (a, o, y),
 * then z moves toward it with weight lambda.  With `keep`, T(z) is stored and *dx, *dy
 * get the squared primal and dual distances from z to T(z).  The OR atoms of order < 2
 * have step 0 and stay 0.  K^T y = (Z^T y, -(R Z)^T y - y_s, Σ y + y_s) and
 * K x = Z a - R Z o + s with s - Σ o; Σ y and -Σ o are entry 0 of the superset sums.
 *
 * The AND and OR halves of the primal step are independent, and so are the two halves of
 * the dual sweep: with `split`, two threads take one each (a lone game's step on two
 * cores).  Either way the same operations run in the same order, so the iterates do not
 * depend on the number of threads.
 */
static void FN(pdhg_step)(const shape *s, double tau, double lambda, int keep,
                          FN(iterates) *w, int par, int split, double *dx, double *dy) {
    const REAL l = (REAL)lambda;
    double moved_x[2] = {0.0, 0.0}, moved_y[2] = {0.0, 0.0}, sum_y = 0.0;
    if (split) {
        HS_OMP(omp parallel num_threads(2))
        {
            int me = 0, team = 1;
#ifdef _OPENMP
            me = omp_get_thread_num();
            team = omp_get_num_threads();
#endif
            FN(step_halves)(s, tau, l, keep, w, par, me, team, moved_x, moved_y, &sum_y);
        }
    } else {
        FN(step_halves)(s, tau, l, keep, w, par, 0, 1, moved_x, moved_y, &sum_y);
    }
    const double shift_s = 2.0 * w->s1 - w->s - w->s0;
    w->ys1 = w->ys + w->tys * (shift_s + (double)w->tmp[0] + w->c0);
    *dx = moved_x[0] + moved_x[1] + (w->s1 - w->s) * (w->s1 - w->s);
    *dy = moved_y[0] + moved_y[1] + (w->ys1 - w->ys) * (w->ys1 - w->ys);
    w->s = lambda * (2.0 * w->s1 - w->s) + (1.0 - lambda) * w->s0;
    w->ys = lambda * (2.0 * w->ys1 - w->ys) + (1.0 - lambda) * w->ys0;
}

/* Squared primal and dual distances of T(z) from the anchor z0 (the moves since the
   last restart). */
static void FN(moves_from_anchor)(hs_index size, const FN(iterates) *w, double *dx,
                                  double *dy) {
    double px = (w->s1 - w->s0) * (w->s1 - w->s0), py = (w->ys1 - w->ys0) * (w->ys1 - w->ys0);
    HS_SIMD(omp simd reduction(+ : px, py))
    for (hs_index i = 0; i < size; ++i) {
        const double da = (double)w->a1[i] - (double)w->a0[i];
        const double dob = (double)w->o1[i] - (double)w->o0[i];
        const double dyi = (double)w->y1[i] - (double)w->y0[i];
        px += da * da + dob * dob;
        py += dyi * dyi;
    }
    *dx = px;
    *dy = py;
}

/* z and its anchor restart at T(z). */
static void FN(restart_at_step)(hs_index size, FN(iterates) *w) {
    const size_t bytes = (size_t)size * sizeof(REAL);
    memcpy(w->a, w->a1, bytes);
    memcpy(w->a0, w->a1, bytes);
    memcpy(w->o, w->o1, bytes);
    memcpy(w->o0, w->o1, bytes);
    memcpy(w->y, w->y1, bytes);
    memcpy(w->y0, w->y1, bytes);
    w->s = w->s0 = w->s1;
    w->ys = w->ys0 = w->ys1;
}

/* The anchor's residual r0 = K x0 - v and c0 = s0 - Σ o0, in double (c: scratch). */
static void FN(anchor_residual)(const shape *s, const double *v, FN(iterates) *w,
                                certificate *c, int par) {
    double total = 0.0;
    for (hs_index i = 0; i < s->size; ++i) {
        c->a1[i] = (double)w->a0[i];
        c->o1[i] = (double)w->o0[i];
        total += c->o1[i];
    }
    apply_k(s, c->a1, c->o1, c->kx, c->tmp, par); /* Z a0 + (Σ o0) 1 - R Z o0 */
    w->c0 = w->s0 - total;
    for (hs_index i = 0; i < s->size; ++i) w->r0[i] = (REAL)(c->kx[i] + w->c0 - v[i]);
}

/* T(z) in double, for the certificate. */
static inline void FN(step_in_double)(hs_index size, const FN(iterates) *w, double *a1, double *o1,
                               double *y1) {
    for (hs_index i = 0; i < size; ++i) {
        a1[i] = (double)w->a1[i];
        o1[i] = (double)w->o1[i];
        y1[i] = (double)w->y1[i];
    }
}
