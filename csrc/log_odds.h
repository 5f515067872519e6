/*
 * Log-odds of the target class from a batch of logits (theory.md §1):
 *   v = z_y − log Σ_{c ≠ y} exp(z_c),
 * computed in double with the largest other logit taken out, so that it stays finite
 * for probabilities that round to 0 or 1.
 */
#ifndef HS_LOG_ODDS_H
#define HS_LOG_ODDS_H

#include "hs_common.h"

/*
 * logits[r * row_stride + c * class_stride] is logit c of row r (strides in elements);
 * targets[r] is the target class of row r.  Writes out[r] for rows r = 0..rows-1.
 * Returns HS_EINVAL if classes < 2 or a target is outside 0..classes-1 (out is then
 * not fully written).
 */
int hs_log_odds_f64(const double *logits, hs_index rows, hs_index classes,
                    hs_index row_stride, hs_index class_stride,
                    const int64_t *targets, double *out);
int hs_log_odds_f32(const float *logits, hs_index rows, hs_index classes,
                    hs_index row_stride, hs_index class_stride,
                    const int64_t *targets, double *out);

#endif /* HS_LOG_ODDS_H */
