/*
 * Log-odds of the target class from a batch of logits (theory.md §1):
 *   v = z_y − log Σ_{c ≠ y} exp(z_c),
 * split into the parts that need no transcendental function, so that the caller takes
 * exp and log1p over whole arrays with vectorised routines:
 *   v_r = base[r] − log1p(Σ_j exp(rest[r, j])),
 *   base[r] = z_y − m,   rest[r, ·] = z_c − m for the other classes but the largest,
 *   m = max_{c ≠ y} z_c   (the largest other class contributes exp(0) = 1).
 * With the maximum taken out v stays finite for probabilities that round to 0 or 1.
 */
#ifndef HS_LOG_ODDS_H
#define HS_LOG_ODDS_H

#include "hs_common.h"

/*
 * logits[r * row_stride + c * class_stride] is logit c of row r (strides in elements);
 * targets[r] is the target class of row r.  Writes base[r] and rest[r * (classes − 2) + j]
 * for rows r = 0..rows-1.  A NaN among the other logits lands in rest; rows whose other
 * logits are all -inf or NaN get base = NaN.  Either way v is not finite and the caller
 * reports it.  Returns HS_EINVAL if classes < 2 or a target is outside 0..classes-1
 * (the outputs are then not fully written).
 */
int hs_log_odds_parts_f64(const double *logits, hs_index rows, hs_index classes,
                          hs_index row_stride, hs_index class_stride,
                          const int64_t *targets, double *base, double *rest);
int hs_log_odds_parts_f32(const float *logits, hs_index rows, hs_index classes,
                          hs_index row_stride, hs_index class_stride,
                          const int64_t *targets, double *base, double *rest);

#endif /* HS_LOG_ODDS_H */
