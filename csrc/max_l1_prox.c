/*
 * The proximal map of max_i |x_i| + alpha Σ_i |x_i| over atoms (see max_l1_prox.h).
 *
 * Every loop runs over the atoms, so that it vectorises: the level of one atom is the
 * largest (Σ_{j: e_j >= e_i} e_j - t) / #{j: e_j >= e_i} over i, and 0.  Those sets are
 * the largest-e sets that end at a change of value, and along a run of equal values the
 * ratio is monotone, so they reach the maximum over all sizes.  m^2 passes, no sort and
 * no branch; two models take the closed form max(0, e_0 - t, e_1 - t, (e_0 + e_1 - t)/2).
 */
#include <math.h>

#include "max_l1_prox.h"

static inline double larger(double x, double y) {
    return x > y ? x : y;
}

static inline double smaller(double x, double y) {
    return x < y ? x : y;
}

/* max(x, 0) as (x + |x|) / 2, exact: a loop with more than a few selects is not
   if-converted, and then does not vectorise. */
static inline double positive(double x) {
    return 0.5 * (x + fabs(x));
}

HS_VECTOR_CLONES static void prox_one(const double *HS_RESTRICT x,
                                      const double *HS_RESTRICT grad,
                                      const double *HS_RESTRICT step, double scale,
                                      double alpha, hs_index count, double *HS_RESTRICT x1) {
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < count; ++j) {
        const double t = scale * step[j], z = x[j] - t * grad[j];
        x1[j] = copysign(positive(fabs(z) - t * (1.0 + alpha)), z);
    }
}

HS_VECTOR_CLONES static void prox_two(const double *HS_RESTRICT x,
                                      const double *HS_RESTRICT grad,
                                      const double *HS_RESTRICT step, double scale,
                                      double alpha, hs_index count, hs_index stride,
                                      double *HS_RESTRICT x1) {
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < count; ++j) {
        const double t = scale * step[j];
        const double z0 = x[j] - t * grad[j], z1 = x[stride + j] - t * grad[stride + j];
        const double e0 = positive(fabs(z0) - t * alpha);
        const double e1 = positive(fabs(z1) - t * alpha);
        const double top = larger(e0, e1), both = 0.5 * (e0 + e1 - t);
        const double level = positive(larger(top - t, both));
        x1[j] = copysign(smaller(e0, level), z0);
        x1[stride + j] = copysign(smaller(e1, level), z1);
    }
}

/* m >= 3: the excesses into `excess` (m x count), the level over the largest-e sets. */
HS_VECTOR_CLONES static void prox_many(const double *HS_RESTRICT x,
                                       const double *HS_RESTRICT grad,
                                       const double *HS_RESTRICT step, double scale,
                                       double alpha, int m, hs_index count, hs_index stride,
                                       double *HS_RESTRICT x1, double *HS_RESTRICT scratch) {
    double *HS_RESTRICT excess = scratch, *HS_RESTRICT level = scratch + (hs_index)m * count;
    double *HS_RESTRICT sum = level + count, *HS_RESTRICT number = sum + count;
    for (int i = 0; i < m; ++i) {
        const double *HS_RESTRICT xi = x + i * stride, *HS_RESTRICT gi = grad + i * stride;
        double *HS_RESTRICT out = x1 + i * stride, *HS_RESTRICT ei = excess + i * count;
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < count; ++j) {
            const double t = scale * step[j];
            out[j] = xi[j] - t * gi[j];
            ei[j] = positive(fabs(out[j]) - t * alpha);
        }
    }
    for (hs_index j = 0; j < count; ++j) level[j] = 0.0;
    for (int i = 0; i < m; ++i) {
        const double *HS_RESTRICT ei = excess + i * count;
        for (hs_index j = 0; j < count; ++j) sum[j] = number[j] = 0.0;
        for (int k = 0; k < m; ++k) {
            const double *HS_RESTRICT ek = excess + k * count;
            HS_SIMD(omp simd)
            for (hs_index j = 0; j < count; ++j) {
                /* 1 if e_k >= e_i, else 0: x - x is +0 */
                const double in = 0.5 + 0.5 * copysign(1.0, ek[j] - ei[j]);
                sum[j] += in * ek[j];
                number[j] += in;
            }
        }
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < count; ++j)
            level[j] = larger(level[j], (sum[j] - scale * step[j]) / number[j]);
    }
    for (int i = 0; i < m; ++i) {
        const double *HS_RESTRICT ei = excess + i * count;
        double *HS_RESTRICT out = x1 + i * stride;
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < count; ++j) out[j] = copysign(smaller(ei[j], level[j]), out[j]);
    }
}

void hs_max_l1_prox(const double *x, const double *grad, const double *step, double scale,
                    double alpha, int m, hs_index count, hs_index stride, double *x1,
                    double *scratch) {
    if (m == 1)
        prox_one(x, grad, step, scale, alpha, count, x1);
    else if (m == 2)
        prox_two(x, grad, step, scale, alpha, count, stride, x1);
    else
        prox_many(x, grad, step, scale, alpha, m, count, stride, x1, scratch);
}
