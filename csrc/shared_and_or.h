/*
 * AND-OR interactions extracted jointly from m models' games on one input (theory.md §9).
 *
 * For models i = 1..m with games v_i, find AND and OR interactions (a_i, o_i) and a
 * shared split gbar minimising
 *   Σ_S max_i |a_i(S)| + Σ_S max_i |o_i(S)| + alpha Σ_i (||a_i||_1 + ||o_i||_1)
 * subject to |Z a_i + A o_i - v_i| <= tau_i and |(Z a_i - A o_i)/2 - gbar| <= g_i,
 * every OR atom kept (A o (S) = o(∅) + Σ_{T≠∅, T∩S≠∅} o(T)).
 */
#ifndef HS_SHARED_AND_OR_H
#define HS_SHARED_AND_OR_H

#include "and_or.h"

/* Models at most in one joint extraction. */
#define HS_SHARED_MAX_MODELS 16

typedef struct {
    int models;                /* m, 1 .. HS_SHARED_MAX_MODELS                */
    double alpha;              /* weight of the models' own L1 norms, >= 0    */
    const double *gamma_bound; /* g_i: m values, finite and >= 0             */
} hs_shared_spec;

/*
 * Restarted Halpern PDHG with diagonal steps, primal-weight updates and a certified gap
 * (as hs_and_or_pdhg) for `batch` inputs.
 *
 * v:          batch x m x 2^n, the models' games input by input.
 * tau:        batch x m noise bounds.
 * and_out, or_out: batch x m x 2^n, the best exactly feasible point found (feasible up
 *             to the transforms' rounding);
 * shared_out: batch x 2^n, its gbar.
 * info:       batch x HS_INFO_FIELDS (options->mixed is ignored: double throughout).
 * Returns HS_OK, HS_EINVAL, HS_ENOMEM, or HS_EDIVERGED if the iterates became non-finite.
 */
int hs_shared_pdhg(const double *v, const double *tau, const hs_shared_spec *spec,
                   double *and_out, double *or_out, double *shared_out, hs_index batch,
                   int n, const hs_pdhg_options *options, double *info);

#endif /* HS_SHARED_AND_OR_H */
