/*
 * What the two PDHG solvers (and_or_pdhg.c, shared_pdhg.c) share: when to restart, how
 * the primal weight follows the iterates, the certified gap and the record of a solve.
 */
#ifndef HS_PDHG_SCHEDULE_H
#define HS_PDHG_SCHEDULE_H

#include <math.h>

#include "and_or.h"

/* Restarts (PDLP's): when the fixed-point residual has fallen below a fifth of its value at
   the last restart, or below 0.8 of it and rising again, or after 36% of all iterations. */
static const double HS_RESTART_SUFFICIENT = 0.2;
static const double HS_RESTART_NECESSARY = 0.8;
static const double HS_RESTART_ARTIFICIAL = 0.36;
static const double HS_WEIGHT_SMOOTHING = 0.5;

static inline int hs_restart_due(double residual, double at_restart, double previous,
                                 int since_restart, int iter) {
    return residual <= HS_RESTART_SUFFICIENT * at_restart ||
           (residual <= HS_RESTART_NECESSARY * at_restart && residual > previous) ||
           since_restart >= HS_RESTART_ARTIFICIAL * iter;
}

/* The primal weight after a restart: toward sqrt(dx / dy), the ratio of the primal to the
   dual movement since the last one, smoothed in the log. */
static inline double hs_next_weight(double weight, double dx, double dy) {
    if (!(dx > HS_TINY && dy > HS_TINY)) return weight;
    return exp(HS_WEIGHT_SMOOTHING * 0.5 * log(dx / dy) +
               (1.0 - HS_WEIGHT_SMOOTHING) * log(weight));
}

/* (upper - lower) / max(|upper|, |lower|), 0 where both are 0. */
static inline double hs_relative_gap(double upper, double lower) {
    const double scale = fmax(fabs(upper), fabs(lower));
    if (scale < HS_TINY) return 0.0;
    return fmax(upper - lower, 0.0) / scale;
}

/* A solve's record (HS_INFO_FIELDS doubles). */
static inline void hs_record_solve(double *info, double upper, double lower, int iterations,
                                   int converged, double weight) {
    info[HS_INFO_OBJECTIVE] = upper;
    info[HS_INFO_DUAL] = lower;
    info[HS_INFO_GAP] = hs_relative_gap(upper, lower);
    info[HS_INFO_ITERATIONS] = iterations;
    info[HS_INFO_CONVERGED] = converged;
    info[HS_INFO_WEIGHT] = weight;
}

#endif /* HS_PDHG_SCHEDULE_H */
