/*
 * Index kernels (see indices.h), instantiated for double and float.
 */
#include <math.h>
#include <stdlib.h>

#include "indices.h"
#include "butterfly.h"

void hs_gauss_legendre01(int k, double *x, double *w) {
    const double pi = 3.14159265358979323846;
    for (int i = 0; i < (k + 1) / 2; ++i) {
        /* Newton's method on the Legendre polynomial P_k from the usual first guess. */
        double z = cos(pi * (i + 0.75) / (k + 0.5));
        double derivative = 1.0;
        for (int iter = 0; iter < 100; ++iter) {
            double p0 = 1.0, p1 = 0.0;
            for (int j = 1; j <= k; ++j) {
                const double p2 = p1;
                p1 = p0;
                p0 = ((2.0 * j - 1.0) * z * p1 - (j - 1.0) * p2) / j;
            }
            derivative = k * (z * p0 - p1) / (z * z - 1.0);
            const double step = p0 / derivative;
            z -= step;
            if (fabs(step) < 1e-16) break;
        }
        const double weight = 2.0 / ((1.0 - z * z) * derivative * derivative);
        /* Map [-1, 1] onto [0, 1]: the node pair ±z and half the weight each. */
        x[i] = 0.5 * (1.0 - z);
        x[k - 1 - i] = 0.5 * (1.0 + z);
        w[i] = w[k - 1 - i] = 0.5 * weight;
    }
}

#define HS_IMPL "indices_impl.h"
#include "hs_instantiate.h"
