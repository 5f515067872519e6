/*
 * C-level tests of the joint extraction's kernels (theory.md §9): the proximal map against
 * its objective, the sequential repair against the transforms, and the PDHG's results
 * against their rows' boxes.  Linked with test_kernels.c, whose main runs them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hs_common.h"
#include "max_l1_prox.h"
#include "shared_and_or.h"
#include "shared_repair.h"
#include "transforms.h"

/* max_i |x_i| + alpha Σ_i |x_i| + |x - z|^2 / 2t, the prox's objective at one atom. */
static double prox_objective(const double *x, const double *z, int m, double t, double alpha) {
    double peak = 0.0, sum = 0.0, distance = 0.0;
    for (int i = 0; i < m; ++i) {
        peak = fmax(peak, fabs(x[i]));
        sum += fabs(x[i]);
        distance += (x[i] - z[i]) * (x[i] - z[i]);
    }
    return peak + alpha * sum + distance / (2.0 * t);
}

/* The prox is the minimum of a convex function: no small move from it does better. */
static void test_max_l1_prox(void) {
    enum { SIZE = 37, COUNT = 31, TRIES = 40 };
    for (int m = 1; m <= 5; ++m) {
        double x[5 * SIZE], grad[5 * SIZE], step[SIZE], x1[5 * SIZE], z[5], best[5], moved[5];
        double *scratch = malloc((hs_max_l1_prox_scratch(m, COUNT) + 1) * sizeof(double));
        for (int j = 0; j < m * SIZE; ++j) {
            x[j] = 3.0 * uniform();
            grad[j] = uniform();
        }
        for (int j = 0; j < SIZE; ++j) step[j] = 0.05 + fabs(uniform());
        x[SIZE + 1] = x[1]; /* ties */
        for (int j = 0; j < m * SIZE; ++j) x1[j] = 7.0;
        /* the first COUNT atoms of rows SIZE apart: the others stay as they were */
        hs_max_l1_prox(x, grad, step, 2.0, 0.1, m, COUNT, SIZE, x1, scratch);
        for (int j = COUNT; j < SIZE; ++j)
            for (int i = 0; i < m; ++i) CHECK(x1[i * SIZE + j] == 7.0, "prox range m %d", m);
        for (int j = 0; j < COUNT; ++j) {
            const double t = 2.0 * step[j];
            for (int i = 0; i < m; ++i) {
                z[i] = x[i * SIZE + j] - t * grad[i * SIZE + j];
                best[i] = x1[i * SIZE + j];
            }
            const double at = prox_objective(best, z, m, t, 0.1);
            for (int k = 0; k < TRIES; ++k) {
                for (int i = 0; i < m; ++i) moved[i] = best[i] + 1e-4 * uniform();
                CHECK(at <= prox_objective(moved, z, m, t, 0.1) + 1e-12, "prox m %d atom %d", m, j);
            }
        }
        free(scratch);
    }
}

/* The joint extraction (m = 1..3 models, a batch of 2 inputs): every model faithful within
   its noise bound, the splits within their bounds of one shared split, a certified gap. */
static void test_shared_pdhg(int threads) {
    hs_set_num_threads(threads);
    enum { N = 6, SIZE = 1 << N, BATCH = 2 };
    for (int m = 1; m <= 3; ++m) {
        double v[BATCH * 3 * SIZE], a[BATCH * 3 * SIZE], o[BATCH * 3 * SIZE], g[BATCH * SIZE];
        double tau[BATCH * 3], bound[3] = {0.5, 0.2, 1.0}, info[BATCH * HS_INFO_FIELDS];
        double u[SIZE], w[SIZE];
        for (int j = 0; j < BATCH * m * SIZE; ++j) v[j] = uniform();
        for (int j = 0; j < BATCH * m; ++j) tau[j] = 0.05 * (j % 3);
        const hs_shared_spec spec = {.models = m, .alpha = 0.1, .gamma_bound = bound};
        hs_pdhg_options options = {HS_PDHG_TUNED, .max_iter = 200000, .tol = 1e-6};
        options.check_every = 64;
        CHECK(hs_shared_pdhg(v, tau, &spec, a, o, g, BATCH, N, &options, info) == HS_OK,
              "shared status m %d", m);
        for (int b = 0; b < BATCH; ++b) {
            const double *r = info + b * HS_INFO_FIELDS;
            CHECK(r[HS_INFO_CONVERGED] == 1.0 && r[HS_INFO_GAP] <= 1e-6 &&
                      r[HS_INFO_DUAL] <= r[HS_INFO_OBJECTIVE], "shared bounds m %d b %d", m, b);
            for (int i = 0; i < m; ++i) {
                const long at = ((long)b * m + i) * SIZE;
                naive_forward(HS_AND_VALUES, a + at, u, N);
                naive_forward(HS_OR_VALUES, o + at, w, N);
                for (int s = 0; s < SIZE; ++s) {
                    CHECK(fabs(u[s] + w[s] - v[at + s]) <= tau[b * m + i] + 1e-9,
                          "shared noise m %d b %d i %d s %d", m, b, i, s);
                    CHECK(fabs(0.5 * (u[s] - w[s]) - g[b * SIZE + s]) <= bound[i] + 1e-9,
                          "shared split m %d b %d i %d s %d", m, b, i, s);
                }
            }
        }
        const hs_shared_spec none = {.models = 0, .alpha = 0.1, .gamma_bound = bound};
        CHECK(hs_shared_pdhg(v, tau, &none, a, o, g, BATCH, N, &options, info) == HS_EINVAL,
              "no models");
        bound[0] = -1.0;
        CHECK(hs_shared_pdhg(v, tau, &spec, a, o, g, BATCH, N, &options, info) == HS_EINVAL,
              "a negative split bound");
        bound[0] = 0.5;
    }
}

/* The repair's atoms d give the values it reports (u0 + Z d) and bring every row into
   its boxes around one shared split. */
static void test_sequential_repair(void) {
    enum { N = 7, SIZE = 1 << N, M = 3 };
    double v[M * SIZE], u[M * SIZE], u0[M * SIZE], w[M * SIZE], d[M * SIZE], zd[SIZE];
    double start[SIZE], g[SIZE], scratch[SIZE / 2], tau[M] = {0.1, 0.0, 0.3}, bound[M];
    for (int i = 0; i < M; ++i) bound[i] = 2.0 + i;
    for (int j = 0; j < M * SIZE; ++j) {
        v[j] = uniform();
        u[j] = u0[j] = 2.0 * uniform();
        w[j] = 0.2 * uniform();
    }
    for (int j = 0; j < SIZE; ++j) start[j] = uniform();
    const hs_shared_rows rows = {M, N, v, tau, bound};
    CHECK(hs_shared_sequential_repair(&rows, u, w, start, d, g, scratch) == 1, "repair status");
    for (int i = 0; i < M; ++i) {
        naive_forward(HS_AND_VALUES, d + i * SIZE, zd, N);
        for (int s = 0; s < SIZE; ++s) {
            const int j = i * SIZE + s;
            CHECK(fabs(u0[j] + zd[s] - u[j]) < 1e-9, "repair values i %d s %d", i, s);
            CHECK(fabs(u[j] + w[j] - v[j]) <= tau[i] + 1e-12, "repair noise i %d s %d", i, s);
            CHECK(fabs(0.5 * (u[j] - w[j]) - g[s]) <= bound[i] + 1e-12, "repair split i %d", i);
        }
    }
    for (int i = 0; i < M; ++i) bound[i] = 0.0; /* the models' splits cannot meet */
    for (int j = 0; j < M * SIZE; ++j) u[j] = u0[j];
    CHECK(hs_shared_sequential_repair(&rows, u, w, start, d, g, scratch) == 0, "no repair");
}

/* A lone input's results do not depend on the number of threads the kernels may use: they
   agree bit for bit, for two and three models. */
static void test_shared_lone_input_threads(void) {
    enum { N = 10, SIZE = 1 << N };
    for (int m = 2; m <= 3; ++m) {
        double *v = malloc(m * SIZE * sizeof(double)), *out[2][3];
        double tau[3] = {0.05, 0.1, 0.0}, bound[3] = {0.5, 0.3, 0.4}, info[2][HS_INFO_FIELDS];
        for (int j = 0; j < m * SIZE; ++j) v[j] = uniform();
        const hs_shared_spec spec = {.models = m, .alpha = 0.1, .gamma_bound = bound};
        const hs_pdhg_options options = {HS_PDHG_TUNED, .max_iter = 600, .tol = 1e-9};
        for (int t = 0; t < 2; ++t) {
            for (int k = 0; k < 3; ++k) out[t][k] = malloc(m * SIZE * sizeof(double));
            hs_set_num_threads(t + 1);
            CHECK(hs_shared_pdhg(v, tau, &spec, out[t][0], out[t][1], out[t][2], 1, N, &options,
                                 info[t]) == HS_OK, "lone input status, %d threads", t + 1);
        }
        CHECK(memcmp(out[0][0], out[1][0], m * SIZE * sizeof(double)) == 0 &&
                  memcmp(out[0][1], out[1][1], m * SIZE * sizeof(double)) == 0 &&
                  memcmp(out[0][2], out[1][2], SIZE * sizeof(double)) == 0 &&
                  memcmp(info[0], info[1], sizeof(info[0])) == 0,
              "one thread and two differ, m %d", m);
        for (int t = 0; t < 2; ++t)
            for (int k = 0; k < 3; ++k) free(out[t][k]);
        free(v);
    }
}

void test_shared_kernels(void) {
    test_max_l1_prox();
    test_sequential_repair();
    test_shared_pdhg(1);
    test_shared_pdhg(2);
    test_shared_lone_input_threads();
}
