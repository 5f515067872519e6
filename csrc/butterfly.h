/*
 * The butterfly engine: one in-place pass of n stages over a game of 2^n values.
 *
 * Stage i pairs every subset S that lacks player i (the "low" entry, f[S]) with
 * S + {i} (the "high" entry, f[S + {i}]) and applies a 2x2 linear map to the
 * pair.  Every transform in theory.md §2 and the Kronecker solves of §7 are such
 * passes, so this one engine carries them all in O(n 2^n) time and no extra memory.
 *
 * Large games are cache-blocked: the low stages run block by block while the
 * block is in cache, the high stages run on narrow column strips of the
 * (2^(n-b) x 2^b) matrix view, so the array is streamed about twice whatever n is.
 */
#ifndef HS_BUTTERFLY_H
#define HS_BUTTERFLY_H

#include "hs_common.h"

/* The 2x2 map applied to each (low, high) pair. */
enum {
    HS_OP_MOBIUS = 0,   /* high -= low : AND interactions from values (Möbius)        */
    HS_OP_ZETA = 1,     /* high += low : values from AND interactions (subset sums)  */
    HS_OP_MOBIUS_T = 2, /* low -= high : transpose of HS_OP_MOBIUS                    */
    HS_OP_ZETA_T = 3,   /* low += high : superset sums, transpose of HS_OP_ZETA       */
    HS_OP_MATRIX = 4    /* low' = a low + b high, high' = c low + d high              */
};

/* How the input is brought into the output buffer before the stages run. */
enum {
    HS_COPY_NONE = 0,          /* in is ignored: out already holds the data    */
    HS_COPY_PLAIN = 1,         /* out[S] = in[S]                                */
    HS_COPY_REVERSE_NEGATE = 2 /* out[S] = -in[N \ S]  (N the set of all players) */
};

typedef struct {
    int op;                 /* HS_OP_* */
    double a, b, c, d;      /* coefficients for HS_OP_MATRIX, ignored otherwise */
    int copy;               /* HS_COPY_* */
    int set_full;           /* nonzero: after the copy, out[N] = full_value */
    double full_value;
} hs_butterfly_spec;

/*
 * Copies `in` into `out` as spec->copy says, then applies the n stages in place.
 * `parallel` allows the pass to use several threads (set it to 0 when the caller
 * already runs one game per thread).
 * in and out must not overlap unless they are equal and spec->copy is not
 * HS_COPY_REVERSE_NEGATE.  Returns HS_OK, or HS_EINVAL for a bad n or map.
 */
int hs_butterfly_f64(const double *in, double *out, int n,
                     const hs_butterfly_spec *spec, int parallel);
int hs_butterfly_f32(const float *in, float *out, int n,
                     const hs_butterfly_spec *spec, int parallel);

/* Sum of count values, accumulated in double. */
double hs_sum_f64(const double *x, hs_index count);
double hs_sum_f32(const float *x, hs_index count);

/* 1 if every value is finite, 0 otherwise. */
int hs_all_finite_f64(const double *x, hs_index count);
int hs_all_finite_f32(const float *x, hs_index count);

#endif /* HS_BUTTERFLY_H */
