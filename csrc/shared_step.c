/*
 * One step of the joint extraction's PDHG (see shared_pdhg.c and shared_pdhg.h): the
 * models' K^T y, the atoms' proximal map, the models' K x̄ and their rows' dual prox, with
 * Halpern's step fused into the passes that compute T(z).
 */
#include <math.h>

#include "butterfly.h"
#include "max_l1_prox.h"
#include "shared_pdhg.h"

static const hs_butterfly_spec SUBSET_SUMS = {.op = HS_OP_ZETA, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec SUPERSET_SUMS = {.op = HS_OP_ZETA_T, .copy = HS_COPY_PLAIN};
static const hs_butterfly_spec REVERSED_SUMS = {.op = HS_OP_ZETA_T, .copy = HS_COPY_REVERSE_NEGATE};

/* K^T y of a point for model i: ga_i = Z^T (y_f + y_h / 2), go_i = -R Z (y_f - y_h / 2)
   - y_e em (em: or_in_sum), and grad_s_i = Σ (y_f - y_h / 2) + y_e.  tmp: 2^n. */
HS_VECTOR_CLONES static void model_kt(const shared_shape *s, const shared_parts *y, int i,
                                      double *ga, double *go, double *grad_s,
                                      double *HS_RESTRICT tmp, int par) {
    const hs_index size = s->size;
    const double *HS_RESTRICT em = s->or_in_sum;
    const double *HS_RESTRICT yf = y->yf + i * size, *HS_RESTRICT yh = y->yh + i * size;
    double *HS_RESTRICT goi = go + i * size;
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < size; ++j) tmp[j] = yf[j] + 0.5 * yh[j];
    hs_butterfly_f64(tmp, ga + i * size, s->n, &SUPERSET_SUMS, par);
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < size; ++j) tmp[j] = yf[j] - 0.5 * yh[j];
    hs_butterfly_f64(tmp, goi, s->n, &REVERSED_SUMS, par);
    const double ye = y->ye[i];
    grad_s[i] = -goi[0] + ye;
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < size; ++j) goi[j] -= ye * em[j];
}

/* K x of a primal point for model i, but for s: ku_i = Z a_i, kw_i = -R Z o_i (w_i = s_i
   + kw_i); returns e_i = s_i - Σ o_i - o_i(∅). */
static double model_k(const shared_shape *s, const shared_parts *x, int i, double *ku, double *kw,
                      int par) {
    const hs_index size = s->size;
    const double *oi = x->o + i * size;
    hs_butterfly_f64(x->a + i * size, ku + i * size, s->n, &SUBSET_SUMS, par);
    hs_butterfly_f64(oi, kw + i * size, s->n, &REVERSED_SUMS, par);
    return x->s[i] + kw[i * size] - oi[0]; /* kw_i[0] = -Σ o_i */
}

/* The primal part's extrapolation xbar = 2 z1 - z over [begin, end) of the block, and
   Halpern's step of z toward z1 with it: z <- lambda xbar + (1 - lambda) z0; returns
   |z1 - z|^2 there (before the step). */
HS_VECTOR_CLONES static double primal_halpern(shared_work *w, hs_index begin, hs_index end,
                                              double lambda) {
    double *HS_RESTRICT z = w->z, *HS_RESTRICT xbar = w->xbar;
    const double *HS_RESTRICT z0 = w->z0, *HS_RESTRICT z1 = w->z1;
    double moved = 0.0;
    HS_SIMD(omp simd reduction(+ : moved))
    for (hs_index j = begin; j < end; ++j) {
        const double old = z[j];
        xbar[j] = 2.0 * z1[j] - old;
        z[j] = lambda * xbar[j] + (1.0 - lambda) * z0[j];
        moved += (z1[j] - old) * (z1[j] - old);
    }
    return moved;
}

/* One model's dual half: y1 = y + S r - S clamp(y / S + r, box) for its f and h rows,
   written without the division, then Halpern's step of y; returns |y1 - y|^2. */
HS_VECTOR_CLONES static double dual_model(const shared_shape *s, const double *HS_RESTRICT v,
                                          double width, double g, double si, shared_steps st,
                                          const shared_work *w, int i, double lambda) {
    const hs_index size = s->size, at = i * size;
    const shared_parts z = hs_parts_of(s, w->z), z0 = hs_parts_of(s, w->z0),
                       z1 = hs_parts_of(s, w->z1);
    const shared_parts xbar = hs_parts_of(s, w->xbar);
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
        const double nf = f - hs_clamp(f, -sf * width, sf * width);
        const double nh = h - hs_clamp(h, -sh * g, sh * g);
        moved += (nf - yf[t]) * (nf - yf[t]) + (nh - yh[t]) * (nh - yh[t]);
        yf1[t] = nf;
        yh1[t] = nh;
        yf[t] = lambda * (2.0 * nf - yf[t]) + (1.0 - lambda) * yf0[t];
        yh[t] = lambda * (2.0 * nh - yh[t]) + (1.0 - lambda) * yh0[t];
    }
    return moved;
}

/* The primal half of a step: the prox of every model's AND and OR atoms, gbar's and the
   scalars' steps, then their extrapolation and Halpern's step in one pass over the primal
   part; returns the squared primal move. */
static double primal_pass(const shared_shape *s, shared_steps st, shared_work *w,
                          const double *grad_s, double lambda) {
    const hs_index size = s->size;
    const int m = s->m;
    shared_parts z = hs_parts_of(s, w->z), z1 = hs_parts_of(s, w->z1),
                 xbar = hs_parts_of(s, w->xbar);
    for (hs_index t = 0; t < size; ++t) { /* gbar's gradient -Σ_i y_h, into xbar.g */
        double sum = 0.0;
        for (int i = 0; i < m; ++i) sum += z.yh[i * size + t];
        xbar.g[t] = -sum;
    }
    hs_max_l1_prox(z.a, w->ga, s->step_a, st.primal, s->alpha, m, size, size, z1.a, w->prox);
    hs_max_l1_prox(z.o, w->go, s->step_o, st.primal, s->alpha, m, size, size, z1.o, w->prox);
    for (hs_index t = 0; t < size; ++t) z1.g[t] = z.g[t] - st.primal * s->step_g * xbar.g[t];
    for (int i = 0; i < m; ++i) z1.s[i] = z.s[i] - st.primal * s->step_s * grad_s[i];
    return primal_halpern(w, 0, s->primal, lambda);
}

/* Model i's dual half of a step: K x̄ for its rows, its f and h rows' prox and Halpern's
   step, and its y_e's; returns the squared dual move. */
static double dual_pass(const shared_shape *s, const double *v, const double *tau, shared_steps st,
                        shared_work *w, int i, double lambda, int par) {
    const shared_parts z = hs_parts_of(s, w->z), z0 = hs_parts_of(s, w->z0),
                       z1 = hs_parts_of(s, w->z1);
    const shared_parts xbar = hs_parts_of(s, w->xbar);
    const double e = model_k(s, &xbar, i, w->ku, w->kw, par);
    double moved = dual_model(s, v + i * s->size, tau[i], s->bound[i], xbar.s[i], st, w, i, lambda);
    z1.ye[i] = z.ye[i] + st.dual * s->step_e * e;
    moved += (z1.ye[i] - z.ye[i]) * (z1.ye[i] - z.ye[i]);
    z.ye[i] = lambda * (2.0 * z1.ye[i] - z.ye[i]) + (1.0 - lambda) * z0.ye[i];
    return moved;
}

/* See shared_pdhg.h. */
void hs_shared_step(const shared_shape *s, const double *v, const double *tau, shared_steps st,
                    shared_work *w, int par, double lambda, double *dx, double *dy) {
    double grad_s[HS_SHARED_MAX_MODELS];
    const shared_parts z = hs_parts_of(s, w->z);
    for (int i = 0; i < s->m; ++i) model_kt(s, &z, i, w->ga, w->go, grad_s, w->tmp, par);
    *dx = primal_pass(s, st, w, grad_s, lambda);
    double moved = 0.0;
    for (int i = 0; i < s->m; ++i) moved += dual_pass(s, v, tau, st, w, i, lambda, par);
    *dy = moved;
}
