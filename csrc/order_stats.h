/*
 * Strength of interactions per order |S| = k (theory.md §5).
 */
#ifndef HS_ORDER_STATS_H
#define HS_ORDER_STATS_H

#include "hs_common.h"

/*
 * For each game g and order k = 0..n, over the subsets S with |S| = k and
 * |I(S)| >= threshold[g]:
 *   positive[g, k] = Σ max(I(S), 0), negative[g, k] = Σ min(I(S), 0),
 *   absolute[g, k] = Σ |I(S)|,       count[g, k] = their number.
 * Outputs are (batch, n + 1).
 */
int hs_order_stats_f64(const double *values, hs_index batch, int n,
                       const double *threshold,
                       double *positive, double *negative, double *absolute,
                       int64_t *count);
int hs_order_stats_f32(const float *values, hs_index batch, int n,
                       const double *threshold,
                       float *positive, float *negative, float *absolute,
                       int64_t *count);

#endif /* HS_ORDER_STATS_H */
