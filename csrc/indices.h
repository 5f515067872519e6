/*
 * Indices computed from AND interactions (Möbius coefficients), theory.md §3.
 */
#ifndef HS_INDICES_H
#define HS_INDICES_H

#include "hs_common.h"

/* Per-player values: φ_i = Σ_{T∋i} m(T) w(|T|). */
enum {
    HS_SHAPLEY = 0, /* w(k) = 1 / k        */
    HS_BANZHAF = 1  /* w(k) = 1 / 2^(k-1)  */
};

/* Interaction indices over all subsets: Σ_{T⊇S} m(T) ω(|T| - |S|). */
enum {
    HS_SII = 0, /* ω(d) = 1 / (d + 1) */
    HS_BII = 1  /* ω(d) = 1 / 2^d     */
};

/*
 * out[g, i] = Σ_{T∋i} (m[g, T] + extra[g, T]) w(|T|) for each game g; `extra` may be
 * NULL (it carries OR interactions, which are shared the same way, theory §3).
 * out has shape (batch, n).
 */
int hs_player_values_f64(const double *m, const double *extra, double *out,
                         hs_index batch, int n, int index);
int hs_player_values_f32(const float *m, const float *extra, float *out,
                         hs_index batch, int n, int index);

/*
 * out[g, S] = Σ_{T⊇S} m[g, T] ω(|T| - |S|) for all 2^n subsets, in O(n^2 2^n)
 * (SII, by Gauss-Legendre quadrature of ∫_0^1 t^d dt over weighted superset sums)
 * or O(n 2^n) (BII).  Returns HS_ENOMEM if a work buffer cannot be allocated.
 */
int hs_superset_index_f64(const double *m, double *out, hs_index batch, int n, int index);
int hs_superset_index_f32(const float *m, float *out, hs_index batch, int n, int index);

/* The k-point Gauss-Legendre rule on [0, 1]: nodes x[0..k), weights w[0..k). */
void hs_gauss_legendre01(int k, double *x, double *w);

#endif /* HS_INDICES_H */
