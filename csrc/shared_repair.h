/*
 * A repair of the joint extraction's iterate into its rows' boxes by AND atoms alone
 * (theory.md §9; see shared_pdhg.c, whose upper bound it gives).
 */
#ifndef HS_SHARED_REPAIR_H
#define HS_SHARED_REPAIR_H

#include "hs_common.h"

/* The rows of one input: m models' games v (m x 2^n), noise bounds tau and split bounds
   bound (m each).  Row S of model i asks u_i(S) + w_i(S) in v_i(S) ± tau_i and
   (u_i(S) - w_i(S)) / 2 in g(S) ± bound_i, for one shared g(S). */
typedef struct {
    int m, n;
    const double *v, *tau, *bound;
} hs_shared_rows;

/*
 * In increasing order of subsets, every subset before its supersets, row S of every model
 * gets the AND atom d_i(S) that brings u_i(S) (by then holding the atoms of S's proper
 * subsets) into its box, and g(S) is chosen near start_g(S) so that the models' boxes
 * meet.  The OR values w stay as they are, so each change of u is one atom where the rows
 * have slack, not a Möbius transform of the whole residual.
 *
 * u:       m x 2^n AND values, overwritten with u + Z d.
 * w:       m x 2^n OR values.
 * d, g:    the atoms (m x 2^n) and the split (2^n).
 * scratch: 2^(n-1) doubles.
 * Returns 1, or 0 where some row's boxes cannot meet with w as it is (d and g are then
 * incomplete).
 */
int hs_shared_sequential_repair(const hs_shared_rows *rows, double *u, const double *w,
                                const double *start_g, double *d, double *g, double *scratch);

#endif /* HS_SHARED_REPAIR_H */
