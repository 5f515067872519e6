/*
 * The two-phase theory of NeurIPS'24 (theory.md §7): predicted interactions
 *   w(σ²) = (JᵀJ + 2^n diag(c))⁻¹ JᵀJ w*,  J[S,T] = 1[T ⊆ S],  c_T = 2^|T| σ².
 * In the mask order JᵀJ = ⊗[[2,1],[1,1]] and 2^n diag(c) = σ² ⊗diag(2,4): with V the
 * 2x2 generalised eigenvectors (VᵀPV = I, VᵀQV = Λ) and W = ⊗V,
 *   w(σ²) = W (I + σ² ⊗Λ)⁻¹ W⁻¹ w*,
 * one butterfly into the eigenbasis, a diagonal scaling, one butterfly back.
 */
#ifndef HS_THEORY_H
#define HS_THEORY_H

#include "hs_common.h"

/*
 * out[g, j, :] = w(sigma2[j]) for the game w_star[g, :], g < batch, j < count.
 * Returns HS_ENOMEM if a work buffer cannot be allocated, HS_EINVAL for bad sizes
 * or a negative or non-finite sigma2.
 */
int hs_theory_predict(const double *w_star, const double *sigma2, double *out,
                      hs_index batch, hs_index count, int n);

#endif /* HS_THEORY_H */
