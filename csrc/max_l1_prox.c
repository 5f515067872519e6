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
                                      double alpha, hs_index size, double *HS_RESTRICT x1) {
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < size; ++j) {
        const double t = scale * step[j], z = x[j] - t * grad[j];
        x1[j] = copysign(positive(fabs(z) - t * (1.0 + alpha)), z);
    }
}

HS_VECTOR_CLONES static void prox_two(const double *HS_RESTRICT x,
                                      const double *HS_RESTRICT grad,
                                      const double *HS_RESTRICT step, double scale,
                                      double alpha, hs_index size, double *HS_RESTRICT x1) {
    HS_SIMD(omp simd)
    for (hs_index j = 0; j < size; ++j) {
        const double t = scale * step[j];
        const double z0 = x[j] - t * grad[j], z1 = x[size + j] - t * grad[size + j];
        const double e0 = positive(fabs(z0) - t * alpha);
        const double e1 = positive(fabs(z1) - t * alpha);
        const double top = larger(e0, e1), both = 0.5 * (e0 + e1 - t);
        const double level = positive(larger(top - t, both));
        x1[j] = copysign(smaller(e0, level), z0);
        x1[size + j] = copysign(smaller(e1, level), z1);
    }
}

/* m >= 3: the excesses into `excess` (m x size), the level over the largest-e sets. */
HS_VECTOR_CLONES static void prox_many(const double *HS_RESTRICT x,
                                       const double *HS_RESTRICT grad,
                                       const double *HS_RESTRICT step, double scale,
                                       double alpha, int m, hs_index size,
                                       double *HS_RESTRICT x1, double *HS_RESTRICT scratch) {
    double *HS_RESTRICT excess = scratch, *HS_RESTRICT level = scratch + (hs_index)m * size;
    double *HS_RESTRICT sum = level + size, *HS_RESTRICT count = sum + size;
    for (hs_index i = 0; i < (hs_index)m * size; i += size) {
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j) {
            const double t = scale * step[j];
            x1[i + j] = x[i + j] - t * grad[i + j];
            excess[i + j] = positive(fabs(x1[i + j]) - t * alpha);
        }
    }
    for (hs_index j = 0; j < size; ++j) level[j] = 0.0;
    for (hs_index i = 0; i < (hs_index)m * size; i += size) {
        for (hs_index j = 0; j < size; ++j) sum[j] = count[j] = 0.0;
        for (hs_index k = 0; k < (hs_index)m * size; k += size) {
            HS_SIMD(omp simd)
            for (hs_index j = 0; j < size; ++j) {
                /* 1 if e_k >= e_i, else 0: x - x is +0 */
                const double in = 0.5 + 0.5 * copysign(1.0, excess[k + j] - excess[i + j]);
                sum[j] += in * excess[k + j];
                count[j] += in;
            }
        }
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j)
            level[j] = larger(level[j], (sum[j] - scale * step[j]) / count[j]);
    }
    for (hs_index i = 0; i < (hs_index)m * size; i += size) {
        HS_SIMD(omp simd)
        for (hs_index j = 0; j < size; ++j)
            x1[i + j] = copysign(smaller(excess[i + j], level[j]), x1[i + j]);
    }
}

void hs_max_l1_prox(const double *x, const double *grad, const double *step, double scale,
                    double alpha, int m, hs_index size, double *x1, double *scratch) {
    if (m == 1)
        prox_one(x, grad, step, scale, alpha, size, x1);
    else if (m == 2)
        prox_two(x, grad, step, scale, alpha, size, x1);
    else
        prox_many(x, grad, step, scale, alpha, m, size, x1, scratch);
}
