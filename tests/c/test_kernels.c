/*
 * C-level tests of the kernels, without Python: every entry point against a naive
 * loop written from the formulas of theory.md, for both floating types, batches,
 * in place and out of place, on one thread and on several.  Built and run by
 * `make asan` (AddressSanitizer + UBSan) and `make valgrind`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "and_or.h"
#include "check.h"
#include "butterfly.h"
#include "indices.h"
#include "log_odds.h"
#include "order_stats.h"
#include "theory.h"
#include "transforms.h"

int failures = 0;

static int popcount(unsigned long s) { int c = 0; while (s) { s &= s - 1; ++c; } return c; }

double uniform(void) { return 2.0 * rand() / (double)RAND_MAX - 1.0; }

void naive_forward(int kind, const double *x, double *y, int n) {
    const long size = 1L << n, full = size - 1;
    for (long s = 0; s < size; ++s) {
        double acc = 0.0;
        switch (kind) {
        case HS_AND_INTERACTIONS:
            for (long t = s;; t = (t - 1) & s) {
                acc += ((popcount(s) - popcount(t)) % 2 ? -1.0 : 1.0) * x[t];
                if (t == 0) break;
            }
            break;
        case HS_AND_VALUES:
            for (long t = s;; t = (t - 1) & s) {
                acc += x[t];
                if (t == 0) break;
            }
            break;
        case HS_OR_INTERACTIONS:
            if (s == 0) { acc = x[0]; break; }
            for (long t = s;; t = (t - 1) & s) {
                acc -= ((popcount(s) - popcount(t)) % 2 ? -1.0 : 1.0) * x[full & ~t];
                if (t == 0) break;
            }
            break;
        case HS_OR_VALUES:
            acc = x[0];
            for (long t = 1; t < size; ++t)
                if (t & s) acc += x[t];
            break;
        }
        y[s] = acc;
    }
}

/* Any of the eight transforms, the transposes through the matrix's columns. */
static void naive_transform(int kind, const double *x, double *y, int n) {
    const long size = 1L << n;
    if (kind < HS_AND_INTERACTIONS_T) {
        naive_forward(kind, x, y, n);
        return;
    }
    double *unit = calloc(size, sizeof(double)), *column = malloc(size * sizeof(double));
    for (long j = 0; j < size; ++j) {
        unit[j] = 1.0;
        naive_forward(kind - HS_AND_INTERACTIONS_T, unit, column, n);
        unit[j] = 0.0;
        double acc = 0.0;
        for (long i = 0; i < size; ++i) acc += column[i] * x[i];
        y[j] = acc;
    }
    free(unit);
    free(column);
}

static double max_abs_diff_f64(const double *a, const double *b, long count) {
    double worst = 0.0;
    for (long i = 0; i < count; ++i) worst = fmax(worst, fabs(a[i] - b[i]));
    return worst;
}

static void test_transforms(int threads) {
    hs_set_num_threads(threads);
    for (int kind = 0; kind < HS_TRANSFORM_COUNT; ++kind) {
        for (int n = 0; n <= 9; ++n) {
            const int batch = 1 + n % 3;
            const long size = 1L << n, count = batch * size;
            double *x = malloc(count * sizeof(double)), *y = malloc(count * sizeof(double));
            double *want = malloc(count * sizeof(double));
            float *xf = malloc(count * sizeof(float)), *yf = malloc(count * sizeof(float));
            for (long i = 0; i < count; ++i) xf[i] = (float)(x[i] = uniform());
            for (int g = 0; g < batch; ++g) naive_transform(kind, x + g * size, want + g * size, n);

            CHECK(hs_transform_f64(x, y, batch, n, kind) == HS_OK, "status kind %d", kind);
            const double tol = 1e-12 * size;
            CHECK(max_abs_diff_f64(y, want, count) < tol, "f64 kind %d n %d", kind, n);

            CHECK(hs_transform_f32(xf, yf, batch, n, kind) == HS_OK, "status f32 kind %d", kind);
            double worst = 0.0;
            for (long i = 0; i < count; ++i) worst = fmax(worst, fabs(yf[i] - want[i]));
            CHECK(worst < 1e-5 * size, "f32 kind %d n %d: %g", kind, n, worst);

            if (kind == HS_AND_INTERACTIONS || kind == HS_AND_VALUES ||
                kind == HS_AND_INTERACTIONS_T || kind == HS_AND_VALUES_T) {
                memcpy(y, x, count * sizeof(double));
                hs_transform_f64(y, y, batch, n, kind);
                CHECK(max_abs_diff_f64(y, want, count) < tol, "in place kind %d n %d", kind, n);
            }
            x[count - 1] = NAN;
            CHECK(hs_transform_f64(x, y, batch, n, kind) == HS_ENONFINITE, "NaN kind %d", kind);
            x[count - 1] = INFINITY;
            x[0] = -INFINITY;
            CHECK(hs_transform_f64(x, y, batch, n, kind) == HS_ENONFINITE, "Inf kind %d", kind);
            free(x); free(y); free(want); free(xf); free(yf);
        }
    }
    /* Large games take the blocked, strip-mined and multi-threaded paths. */
    for (int n = 13; n <= 17; n += 2) {
        const long size = 1L << n;
        double *x = malloc(size * sizeof(double)), *y = malloc(size * sizeof(double));
        double *z = malloc(size * sizeof(double));
        for (long i = 0; i < size; ++i) x[i] = uniform();
        hs_transform_f64(x, y, 1, n, HS_OR_INTERACTIONS);
        hs_transform_f64(y, z, 1, n, HS_OR_VALUES);
        CHECK(max_abs_diff_f64(x, z, size) < 1e-9, "OR round trip n %d", n);
        hs_transform_f64(x, y, 1, n, HS_AND_INTERACTIONS);
        hs_transform_f64(y, z, 1, n, HS_AND_VALUES);
        CHECK(max_abs_diff_f64(x, z, size) < 1e-9, "AND round trip n %d", n);
        free(x); free(y); free(z);
    }
}

static void test_indices(void) {
    for (int n = 0; n <= 8; ++n) {
        const long size = 1L << n;
        double *m = malloc(size * sizeof(double)), *out = malloc(size * sizeof(double));
        double phi[16], beta[16];
        for (long s = 0; s < size; ++s) m[s] = uniform();
        CHECK(hs_player_values_f64(m, NULL, phi, 1, n, HS_SHAPLEY) == HS_OK, "shapley");
        CHECK(hs_player_values_f64(m, NULL, beta, 1, n, HS_BANZHAF) == HS_OK, "banzhaf");
        for (int i = 0; i < n; ++i) {
            double want_phi = 0.0, want_beta = 0.0;
            for (long t = 0; t < size; ++t)
                if (t >> i & 1) {
                    want_phi += m[t] / popcount(t);
                    want_beta += m[t] / ldexp(1.0, popcount(t) - 1);
                }
            CHECK(fabs(phi[i] - want_phi) < 1e-12, "shapley n %d", n);
            CHECK(fabs(beta[i] - want_beta) < 1e-12, "banzhaf n %d", n);
        }
        for (int index = HS_SII; index <= HS_BII; ++index) {
            CHECK(hs_superset_index_f64(m, out, 1, n, index) == HS_OK, "index status");
            for (long s = 0; s < size; ++s) {
                double want = 0.0;
                for (long t = 0; t < size; ++t)
                    if ((t & s) == s) {
                        const int d = popcount(t) - popcount(s);
                        want += m[t] * (index == HS_SII ? 1.0 / (d + 1) : ldexp(1.0, -d));
                    }
                CHECK(fabs(out[s] - want) < 1e-12, "index %d n %d S %ld", index, n, s);
            }
        }
        free(m); free(out);
    }
    double x[8], w[8];
    hs_gauss_legendre01(5, x, w);
    double integral = 0.0;
    for (int j = 0; j < 5; ++j) integral += w[j] * pow(x[j], 9);
    CHECK(fabs(integral - 0.1) < 1e-15, "Gauss-Legendre degree 9");
}

static void test_order_stats(void) {
    const int n = 7, batch = 3;
    const long size = 1L << n;
    double *v = malloc(batch * size * sizeof(double));
    double pos[3 * 8], neg[3 * 8], abs_[3 * 8], thr[3] = {0.0, 0.5, 2.0};
    int64_t cnt[3 * 8];
    for (long i = 0; i < batch * size; ++i) v[i] = uniform();
    CHECK(hs_order_stats_f64(v, batch, n, thr, pos, neg, abs_, cnt) == HS_OK, "stats");
    for (int g = 0; g < batch; ++g)
        for (int k = 0; k <= n; ++k) {
            double p = 0.0, q = 0.0;
            int64_t c = 0;
            for (long s = 0; s < size; ++s) {
                const double x = v[g * size + s];
                if (popcount(s) != k || fabs(x) < thr[g]) continue;
                if (x > 0) p += x; else q += x;
                ++c;
            }
            CHECK(fabs(pos[g * 8 + k] - p) < 1e-12 && fabs(neg[g * 8 + k] - q) < 1e-12 &&
                  cnt[g * 8 + k] == c, "order stats g %d k %d", g, k);
        }
    free(v);
}

/* |Z a + A o - v - noise|, the largest over subsets. */
static double faithfulness(const double *v, const double *a, const double *o,
                           const double *noise, int n) {
    const long size = 1L << n;
    double *za = malloc(size * sizeof(double)), *ao = malloc(size * sizeof(double));
    naive_forward(HS_AND_VALUES, a, za, n);
    naive_forward(HS_OR_VALUES, o, ao, n);
    double worst = 0.0;
    for (long s = 0; s < size; ++s) worst = fmax(worst, fabs(za[s] + ao[s] - v[s] - noise[s]));
    free(za);
    free(ao);
    return worst;
}

/* Started from their own solutions (a, o, y, info) to a tolerance 100 times looser,
   converged games certify before any step, and as well as before; a start without all
   its parts, or with a weight that is not positive, is refused. */
static void test_and_or_warm_start(const double *v, const double *tau, const double *a,
                                   const double *o, const double *y, const double *info,
                                   int batch, int n, const hs_pdhg_options *solved) {
    hs_pdhg_options looser = *solved;
    looser.tol *= 100;
    const hs_pdhg_options *options = &looser;
    const long count = (long)batch << n;
    double *a2 = malloc(count * sizeof(double)), *o2 = malloc(count * sizeof(double));
    double *q2 = malloc(count * sizeof(double)), *y2 = malloc(count * sizeof(double));
    double weight[3], info2[3 * HS_INFO_FIELDS];
    for (int g = 0; g < batch; ++g) weight[g] = info[g * HS_INFO_FIELDS + HS_INFO_WEIGHT];
    hs_pdhg_start start = {a, o, y, weight};
    CHECK(hs_and_or_pdhg(v, tau, a2, o2, q2, y2, batch, n, options, &start, info2) == HS_OK,
          "warm start status");
    for (int g = 0; g < batch; ++g) {
        const double *r = info2 + g * HS_INFO_FIELDS;
        CHECK(r[HS_INFO_CONVERGED] == 1.0 && r[HS_INFO_ITERATIONS] == 0.0,
              "warm start g %d: %g iterations", g, r[HS_INFO_ITERATIONS]);
        CHECK(r[HS_INFO_OBJECTIVE] <= info[g * HS_INFO_FIELDS + HS_INFO_OBJECTIVE] *
                                          (1 + options->tol) + 1e-12,
              "warm start objective g %d", g);
    }
    weight[1] = 0.0;
    CHECK(hs_and_or_pdhg(v, tau, a2, o2, q2, y2, batch, n, options, &start, info2) ==
              HS_EINVAL, "a zero start weight");
    weight[1] = 1.0;
    start.dual_start = NULL;
    CHECK(hs_and_or_pdhg(v, tau, a2, o2, q2, y2, batch, n, options, &start, info2) ==
              HS_EINVAL, "a start without its dual");
    free(a2); free(o2); free(q2); free(y2);
}

static void test_and_or(int threads, int mixed) {
    hs_set_num_threads(threads);
    const int n = 5, batch = 3;
    const long size = 1L << n;
    double *v = malloc(batch * size * sizeof(double)), *a = malloc(batch * size * sizeof(double));
    double *o = malloc(batch * size * sizeof(double)), *q = malloc(batch * size * sizeof(double));
    double *y = malloc(batch * size * sizeof(double));
    double tau[3] = {0.0, 0.05, 0.3}, info[3 * HS_INFO_FIELDS], objective[3];
    for (long i = 0; i < batch * size; ++i) v[i] = uniform();
    hs_pdhg_options options = {HS_PDHG_TUNED, .max_iter = 200000, .tol = 1e-6, .mixed = mixed};
    options.check_every = 64;
    CHECK(hs_and_or_pdhg(v, tau, a, o, q, y, batch, n, &options, NULL, info) == HS_OK,
          "pdhg status");
    for (int g = 0; g < batch; ++g) {
        const double *r = info + g * HS_INFO_FIELDS;
        double l1 = 0.0;
        for (long s = 0; s < size; ++s) {
            l1 += fabs(a[g * size + s]) + fabs(o[g * size + s]);
            CHECK(fabs(q[g * size + s]) <= tau[g] * (1 + 1e-12) + 1e-15, "noise bound g %d", g);
            if (popcount(s) <= 1) CHECK(o[g * size + s] == 0.0, "OR of order <= 1, g %d", g);
        }
        CHECK(faithfulness(v + g * size, a + g * size, o + g * size, q + g * size, n) < 1e-12,
              "pdhg faithfulness g %d", g);
        CHECK(fabs(l1 - r[HS_INFO_OBJECTIVE]) < 1e-12 * (1 + l1), "objective g %d", g);
        CHECK(r[HS_INFO_CONVERGED] == 1.0 && r[HS_INFO_GAP] <= 1e-6, "convergence g %d", g);
        CHECK(r[HS_INFO_DUAL] <= r[HS_INFO_OBJECTIVE] * (1 + 1e-12), "bounds g %d", g);
        CHECK(r[HS_INFO_WEIGHT] > 0.0, "final primal weight g %d", g);
    }
    test_and_or_warm_start(v, tau, a, o, y, info, batch, n, &options);
    CHECK(hs_and_or_sgd(v, tau, a, o, q, objective, batch, n, 200, 1e-3, 0.9) == HS_OK,
          "sgd status");
    for (int g = 0; g < batch; ++g)
        CHECK(faithfulness(v + g * size, a + g * size, o + g * size, q + g * size, n) < 1e-12,
              "sgd faithfulness g %d", g);
    free(v); free(a); free(o); free(q); free(y);
}

/* A lone game's step on two threads (its AND and OR halves apart) runs the same
   operations as on one: the iterates agree bit for bit, in both precisions. */
static void test_and_or_lone_game_threads(void) {
    const int n = 12;
    const long size = 1L << n;
    double *v = malloc(size * sizeof(double)), *out[2][4], info[2][HS_INFO_FIELDS];
    double tau = 0.02;
    for (long i = 0; i < size; ++i) v[i] = uniform();
    for (int mixed = 0; mixed < 2; ++mixed) {
        for (int t = 0; t < 2; ++t) {
            for (int k = 0; k < 4; ++k) out[t][k] = malloc(size * sizeof(double));
            hs_set_num_threads(t + 1);
            hs_pdhg_options options = {HS_PDHG_TUNED, .max_iter = 24, .tol = 1e-9,
                                       .mixed = mixed};
            options.check_every = 8;
            CHECK(hs_and_or_pdhg(v, &tau, out[t][0], out[t][1], out[t][2], out[t][3], 1, n,
                                 &options, NULL, info[t]) == HS_OK,
                  "lone game status, %d threads", t + 1);
        }
        for (int k = 0; k < 4; ++k)
            CHECK(memcmp(out[0][k], out[1][k], size * sizeof(double)) == 0,
                  "lone game, 1 and 2 threads differ (mixed %d, array %d)", mixed, k);
        CHECK(memcmp(info[0], info[1], sizeof(info[0])) == 0, "lone game info (mixed %d)",
              mixed);
        for (int t = 0; t < 2; ++t)
            for (int k = 0; k < 4; ++k) free(out[t][k]);
    }
    free(v);
}

/* w(σ²) against Gaussian elimination on (JᵀJ + 2^n diag(c)) w = JᵀJ w*, n = 4. */
static void test_theory(void) {
    enum { n = 4, N = 16 };
    double w[N], out[2 * N], sigma2[2] = {0.0, 0.37};
    for (int i = 0; i < N; ++i) w[i] = uniform();
    CHECK(hs_theory_predict(w, sigma2, out, 1, 2, n) == HS_OK, "theory status");
    double JtJ[N][N];
    for (int s = 0; s < N; ++s)
        for (int t = 0; t < N; ++t) JtJ[s][t] = (double)(1 << (n - popcount(s | t)));
    for (int j = 0; j < 2; ++j) {
        double A[N][N + 1];
        for (int s = 0; s < N; ++s) {
            double rhs = 0.0;
            for (int t = 0; t < N; ++t) {
                A[s][t] = JtJ[s][t] + (s == t ? N * ldexp(1.0, popcount(s)) * sigma2[j] : 0.0);
                rhs += JtJ[s][t] * w[t];
            }
            A[s][N] = rhs;
        }
        for (int c = 0; c < N; ++c) /* symmetric positive definite: no pivoting needed */
            for (int r = c + 1; r < N; ++r) {
                const double f = A[r][c] / A[c][c];
                for (int k = c; k <= N; ++k) A[r][k] -= f * A[c][k];
            }
        double x[N];
        for (int r = N - 1; r >= 0; --r) {
            double acc = A[r][N];
            for (int k = r + 1; k < N; ++k) acc -= A[r][k] * x[k];
            x[r] = acc / A[r][r];
        }
        for (int s = 0; s < N; ++s)
            CHECK(fabs(out[j * N + s] - x[s]) < 1e-10, "theory sigma2 %g S %d", sigma2[j], s);
    }
    const double bad = -1.0;
    CHECK(hs_theory_predict(w, &bad, out, 1, 1, n) == HS_EINVAL, "negative sigma2");
}

static void test_log_odds(void) {
    const long rows = 300, classes = 5, width = classes - 2;
    double *z = malloc(rows * classes * sizeof(double));
    float *zf = malloc(rows * classes * sizeof(float));
    double *base = malloc(rows * sizeof(double)), *rest = malloc(rows * width * sizeof(double));
    double *basef = malloc(rows * sizeof(double)), *restf = malloc(rows * width * sizeof(double));
    int64_t *y = malloc(rows * sizeof(int64_t));
    for (long i = 0; i < rows * classes; ++i) zf[i] = (float)(z[i] = 8.0 * uniform());
    for (long r = 0; r < rows; ++r) y[r] = rand() % classes;
    /* Read transposed (class-major) to exercise both strides. */
    CHECK(hs_log_odds_parts_f64(z, rows, classes, 1, rows, y, base, rest) == HS_OK, "f64");
    CHECK(hs_log_odds_parts_f32(zf, rows, classes, 1, rows, y, basef, restf) == HS_OK, "f32");
    for (long r = 0; r < rows; ++r) {
        double others = 0.0, sum = 0.0, sumf = 0.0;
        for (long c = 0; c < classes; ++c)
            if (c != y[r]) others += exp(z[c * rows + r]);
        for (long j = 0; j < width; ++j) {
            sum += exp(rest[r * width + j]);
            sumf += exp(restf[r * width + j]);
        }
        const double want = z[y[r] * rows + r] - log(others);
        CHECK(fabs(base[r] - log1p(sum) - want) < 1e-12, "log-odds row %ld", r);
        CHECK(fabs(basef[r] - log1p(sumf) - want) < 1e-5, "log-odds f32 row %ld", r);
    }
    for (long c = 0; c < classes; ++c) z[c * rows] = -INFINITY;
    CHECK(hs_log_odds_parts_f64(z, 1, classes, 1, rows, y, base, rest) == HS_OK, "all -inf");
    CHECK(isnan(base[0]), "all other logits -inf give NaN");
    y[rows - 1] = classes;
    CHECK(hs_log_odds_parts_f64(z, rows, classes, 1, rows, y, base, rest) == HS_EINVAL,
          "bad target");
    CHECK(hs_log_odds_parts_f64(z, rows, 1, 1, rows, y, base, rest) == HS_EINVAL, "one class");
    free(z); free(zf); free(base); free(rest); free(basef); free(restf); free(y);
}

/* A runner's record of what happened to each game. */
typedef struct {
    int solved[64];   /* times each game was solved          */
    int parallel[64]; /* the flag each game was solved with   */
    int fail_scratch; /* scratch_init returns HS_ENOMEM       */
    int fail_game;    /* this game's solve returns HS_EINVAL  */
} run_record;

static int record_scratch(const void *context, void **scratch) {
    const run_record *r = context;
    if (r->fail_scratch) return HS_ENOMEM;
    *scratch = malloc(16);
    return *scratch ? HS_OK : HS_ENOMEM;
}

static int record_solve(const void *context, hs_index g, void *scratch, int parallel) {
    run_record *r = (run_record *)context;
    if (!scratch) return HS_EINVAL;
    HS_OMP(omp atomic update)
    r->solved[g] += 1;
    r->parallel[g] = parallel;
    return g == r->fail_game ? HS_EINVAL : HS_OK;
}

static void test_run_games(void) {
    for (int threads = 1; threads <= 2; ++threads) {
        hs_set_num_threads(threads);
        for (int balance = 0; balance <= 1; ++balance) {
            const hs_index batches[] = {0, 1, 2, 5, 64};
            for (int b = 0; b < 5; ++b) {
                const hs_index batch = batches[b];
                run_record r;
                memset(&r, 0, sizeof(r));
                r.fail_game = -1;
                const hs_games games = {.context = &r, .solve = record_solve,
                                        .scratch_init = record_scratch, .scratch_free = free,
                                        .balance = balance};
                CHECK(hs_run_games(&games, batch, 3) == HS_OK, "run status batch %ld", (long)batch);
                for (hs_index g = 0; g < batch; ++g) {
                    CHECK(r.solved[g] == 1, "game %ld solved once", (long)g);
                    CHECK(r.parallel[g] == (batch < threads), "game %ld parallel flag", (long)g);
                }
                r.fail_game = batch - 1;
                CHECK(hs_run_games(&games, batch, 3) == (batch ? HS_EINVAL : HS_OK),
                      "a game's error, batch %ld", (long)batch);
                r.fail_scratch = 1;
                CHECK(hs_run_games(&games, batch, 3) == (batch ? HS_ENOMEM : HS_OK),
                      "a scratch's error, batch %ld", (long)batch);
            }
        }
        /* Below min_work the games run one after the other, each on one thread's share. */
        run_record r;
        memset(&r, 0, sizeof(r));
        r.fail_game = -1;
        const hs_games small = {.context = &r, .solve = record_solve,
                                .scratch_bytes = 16, .min_work = 1 << 10};
        CHECK(hs_run_games(&small, 4, 3) == HS_OK, "small batch status");
        for (int g = 0; g < 4; ++g)
            CHECK(r.solved[g] == 1 && r.parallel[g] == (4 < threads), "small batch game %d", g);
    }
    hs_set_num_threads(0);
}

/* Aligned blocks of any size start on a cache line, can be written whole and freed. */
static void test_aligned_memory(void) {
    const size_t sizes[] = {0, 1, 24, 4096, (size_t)1 << 20};
    for (int i = 0; i < 5; ++i) {
        unsigned char *block = hs_aligned_alloc(sizes[i]);
        CHECK(block != NULL, "aligned block of %zu bytes", sizes[i]);
        if (!block) continue;
        CHECK((uintptr_t)block % HS_ALIGNMENT == 0, "block of %zu bytes aligned", sizes[i]);
        memset(block, 0xab, sizes[i]);
        hs_aligned_free(block);
    }
    hs_aligned_free(NULL);
}

int main(void) {
    srand(7);
    test_aligned_memory();
    test_transforms(1);
    test_transforms(2);
    test_indices();
    test_order_stats();
    test_log_odds();
    test_and_or(1, 0);
    test_and_or(2, 1);
    test_and_or_lone_game_threads();
    test_shared_kernels();
    test_theory();
    test_run_games();
    if (failures) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("C kernel tests passed\n");
    return 0;
}
