/*
 * The AND and OR transforms of theory.md §2, their inverses and their transposes,
 * over a batch of games stored back to back (game g at in + g * 2^n).
 */
#ifndef HS_TRANSFORMS_H
#define HS_TRANSFORMS_H

#include "hs_common.h"

enum {
    HS_AND_INTERACTIONS = 0,   /* I_and = Möbius(v)                          */
    HS_AND_VALUES = 1,         /* v = subset sums of I_and                    */
    HS_OR_INTERACTIONS = 2,    /* I_or, with I_or(∅) = v(∅)                   */
    HS_OR_VALUES = 3,          /* v from I_or                                 */
    HS_AND_INTERACTIONS_T = 4, /* transpose of HS_AND_INTERACTIONS            */
    HS_AND_VALUES_T = 5,       /* transpose of HS_AND_VALUES (superset sums)  */
    HS_OR_INTERACTIONS_T = 6,  /* transpose of HS_OR_INTERACTIONS             */
    HS_OR_VALUES_T = 7,        /* transpose of HS_OR_VALUES                   */
    HS_TRANSFORM_COUNT = 8
};

/*
 * out = T(in) for each of `batch` games of 2^n values; in and out must not overlap
 * unless they are the same pointer and kind is an AND transform.
 * Returns HS_EOVERFLOW if finite inputs gave non-finite sums (out is written all the same),
 * HS_ENONFINITE if an input held NaN/Inf (out is written all the same),
 * HS_EINVAL for a bad kind or n, HS_OK otherwise.
 */
int hs_transform_f64(const double *in, double *out, hs_index batch, int n, int kind);
int hs_transform_f32(const float *in, float *out, hs_index batch, int n, int kind);

/* One game; `parallel` lets the transform use several threads (0 inside a parallel loop). */
int hs_transform_game_f64(const double *in, double *out, int n, int kind, int parallel);

#endif /* HS_TRANSFORMS_H */
