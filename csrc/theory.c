/*
 * The theory's predicted interactions by Kronecker structure (see theory.h).
 */
#include <math.h>
#include <stdlib.h>

#include "theory.h"
#include "butterfly.h"

/*
 * The generalised eigenproblem of P = [[2,1],[1,1]] and Q = diag(2,4): V with VᵀPV = I and
 * VᵀQV = diag(lambda).  With P = L Lᵀ (Cholesky), C = L⁻¹ Q L⁻ᵀ = U diag(lambda) Uᵀ, V = L⁻ᵀ U.
 */
static void eigenbasis(double v[2][2], double vinv[2][2], double lambda[2]) {
    const double l00 = sqrt(2.0), l10 = 1.0 / sqrt(2.0), l11 = sqrt(1.0 - 0.5);
    const double i00 = 1.0 / l00, i11 = 1.0 / l11, i10 = -l10 / (l00 * l11); /* L⁻¹ */
    const double q0 = 2.0, q1 = 4.0;
    /* C = L⁻¹ Q L⁻ᵀ, symmetric */
    const double c00 = i00 * i00 * q0;
    const double c01 = i00 * i10 * q0;
    const double c11 = i10 * i10 * q0 + i11 * i11 * q1;
    const double mean = 0.5 * (c00 + c11), half = 0.5 * (c00 - c11);
    const double radius = sqrt(half * half + c01 * c01);
    lambda[0] = mean + radius;
    lambda[1] = mean - radius;
    /* eigenvector of lambda[0]: (c01, lambda0 - c00) or (lambda0 - c11, c01) */
    double u0 = lambda[0] - c11, u1 = c01;
    if (fabs(u0) + fabs(u1) < HS_TINY) { u0 = 1.0; u1 = 0.0; }
    const double norm = sqrt(u0 * u0 + u1 * u1);
    u0 /= norm;
    u1 /= norm;
    const double u[2][2] = {{u0, -u1}, {u1, u0}}; /* columns: eigenvectors */
    /* V = L⁻ᵀ U, L⁻ᵀ = [[i00, i10], [0, i11]] */
    for (int c = 0; c < 2; ++c) {
        v[0][c] = i00 * u[0][c] + i10 * u[1][c];
        v[1][c] = i11 * u[1][c];
    }
    const double det = v[0][0] * v[1][1] - v[0][1] * v[1][0];
    vinv[0][0] = v[1][1] / det;
    vinv[0][1] = -v[0][1] / det;
    vinv[1][0] = -v[1][0] / det;
    vinv[1][1] = v[0][0] / det;
}

/* The 2x2 map m on every bit, as a butterfly (low = bit clear, high = bit set). */
static hs_butterfly_spec kronecker(double m[2][2], int copy) {
    hs_butterfly_spec spec = {.op = HS_OP_MATRIX, .a = m[0][0], .b = m[0][1], .c = m[1][0],
                              .d = m[1][1], .copy = copy};
    return spec;
}

/* One game's predictions for every σ² (coeff: scratch of 2^n). */
static void predict_game(const double *w_star, double *out, double *coeff,
                         const double *weight, const double *sigma2, hs_index count, int n,
                         const hs_butterfly_spec *into, const hs_butterfly_spec *back,
                         int par) {
    const hs_index size = (hs_index)1 << n;
    hs_butterfly_f64(w_star, coeff, n, into, par);
    for (hs_index j = 0; j < count; ++j) {
        double *target = out + j * size;
        for (hs_index s = 0; s < size; ++s)
            target[s] = coeff[s] / (1.0 + sigma2[j] * weight[s]);
        hs_butterfly_f64(target, target, n, back, par);
    }
}

/* The games of one call and what their predictions share. */
typedef struct {
    const double *w_star, *sigma2, *weight;
    double *out;
    hs_index count;
    int n;
    hs_butterfly_spec into, back;
} problem;

static int predict_one(const void *context, hs_index g, void *scratch, int parallel) {
    const problem *p = context;
    const hs_index size = (hs_index)1 << p->n;
    predict_game(p->w_star + g * size, p->out + g * p->count * size, scratch, p->weight,
                 p->sigma2, p->count, p->n, &p->into, &p->back, parallel);
    return HS_OK;
}

int hs_theory_predict(const double *w_star, const double *sigma2, double *out,
                      hs_index batch, hs_index count, int n) {
    if (n < 0 || n > HS_MAX_PLAYERS || batch < 0 || count < 0) return HS_EINVAL;
    for (hs_index j = 0; j < count; ++j)
        if (!(sigma2[j] >= 0.0) || !isfinite(sigma2[j])) return HS_EINVAL;
    double v[2][2], vinv[2][2], lambda[2];
    eigenbasis(v, vinv, lambda);
    const hs_index size = (hs_index)1 << n;
    double *weight = malloc((size_t)size * sizeof(double));
    if (!weight) return HS_ENOMEM;
    for (hs_index s = 0; s < size; ++s) {
        const int k = hs_popcount((uint64_t)s);
        weight[s] = pow(lambda[0], n - k) * pow(lambda[1], k); /* (⊗Λ)_S */
    }
    const problem p = {w_star, sigma2, weight, out, count, n,
                       kronecker(vinv, HS_COPY_PLAIN), kronecker(v, HS_COPY_NONE)};
    const hs_games games = {.context = &p, .solve = predict_one,
                            .scratch_bytes = ((size_t)1 << n) * sizeof(double)};
    const int status = hs_run_games(&games, batch, n);
    free(weight);
    return status;
}
