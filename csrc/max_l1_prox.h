/*
 * The proximal map of the joint extraction's objective at every atom (theory.md §9):
 * for m models' values x_i(S) of one atom S and a step t,
 *   prox(z) = argmin_x  (1 / 2t) Σ_i (x_i - z_i)^2 + max_i |x_i| + alpha Σ_i |x_i|.
 * It is a soft threshold by t alpha, e_i = max(|z_i| - t alpha, 0), then a clip of the
 * e_i at the level c = max(0, max_J (Σ_{i in J} e_i - t) / |J|) (the threshold of a
 * projection onto the simplex of radius t; the best J of each size holds the largest e_i),
 * with the signs of z.
 */
#ifndef HS_MAX_L1_PROX_H
#define HS_MAX_L1_PROX_H

#include "hs_common.h"

/* Doubles of scratch hs_max_l1_prox needs for m models of `count` atoms. */
static inline hs_index hs_max_l1_prox_scratch(int m, hs_index count) {
    return m <= 2 ? 0 : (hs_index)(m + 3) * count;
}

/*
 * x1 = prox(x - t grad) with t = scale * step[S] at `count` atoms S of m rows (x, grad,
 * x1: row i, model i, starts at i * stride; step: count).  x1 must not overlap the inputs;
 * scratch holds hs_max_l1_prox_scratch(m, count) doubles (NULL for m <= 2).
 */
void hs_max_l1_prox(const double *x, const double *grad, const double *step, double scale,
                    double alpha, int m, hs_index count, hs_index stride, double *x1,
                    double *scratch);

#endif /* HS_MAX_L1_PROX_H */
