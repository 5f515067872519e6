/*
 * The sequential repair of the joint extraction (see shared_repair.h).  As the repair of
 * and_or_pdhg.c, it recurses on halves of the subsets: the lower half (subsets without
 * the top player) first, then its atoms reach the upper half through one subset-sum
 * butterfly per model, then the upper half.
 */
#include <math.h>

#include "butterfly.h"
#include "shared_and_or.h"
#include "shared_repair.h"

static const hs_butterfly_spec SUBSET_SUMS = {.op = HS_OP_ZETA, .copy = HS_COPY_PLAIN};

/*
 * Row r of every model.  Each u_i first moves to the nearest value p_i with u + w in its
 * box; if a g then fits every split, the one nearest start_g is taken.  Otherwise g is
 * taken where every model still has a value in both boxes (0 if there is none), and each
 * p_i moves into them.
 */
static int repair_row(const hs_shared_rows *rows, double *u, const double *w,
                      const double *start_g, double *d, double *g, hs_index r) {
    const hs_index size = (hs_index)1 << rows->n;
    double p[HS_SHARED_MAX_MODELS], lo = -INFINITY, hi = INFINITY;
    for (int i = 0; i < rows->m; ++i) {
        const hs_index j = i * size + r;
        const double tau = rows->tau[i], b = rows->bound[i];
        p[i] = hs_clamp(u[j], rows->v[j] - tau - w[j], rows->v[j] + tau - w[j]);
        lo = fmax(lo, 0.5 * (p[i] - w[j]) - b);
        hi = fmin(hi, 0.5 * (p[i] - w[j]) + b);
    }
    double split;
    if (lo <= hi) {
        split = hs_clamp(start_g[r], lo, hi);
    } else {
        double reach_lo = -INFINITY, reach_hi = INFINITY;
        for (int i = 0; i < rows->m; ++i) {
            const hs_index j = i * size + r;
            const double tau = rows->tau[i], b = rows->bound[i];
            reach_lo = fmax(reach_lo, 0.5 * (rows->v[j] - tau) - w[j] - b);
            reach_hi = fmin(reach_hi, 0.5 * (rows->v[j] + tau) - w[j] + b);
        }
        if (reach_lo > reach_hi) return 0;
        split = hs_clamp(0.5 * (lo + hi), reach_lo, reach_hi);
        for (int i = 0; i < rows->m; ++i) {
            const hs_index j = i * size + r;
            const double tau = rows->tau[i], b = rows->bound[i];
            const double low = fmax(rows->v[j] - tau - w[j], w[j] + 2.0 * (split - b));
            const double high = fmin(rows->v[j] + tau - w[j], w[j] + 2.0 * (split + b));
            p[i] = hs_clamp(p[i], low, high);
        }
    }
    g[r] = split;
    for (int i = 0; i < rows->m; ++i) {
        const hs_index j = i * size + r;
        d[j] = p[i] - u[j];
        u[j] = p[i];
    }
    return 1;
}

/* Rows [offset, offset + 2^k) of every model. */
static int repair_block(const hs_shared_rows *rows, double *u, const double *w,
                        const double *start_g, double *d, double *g, double *scratch,
                        hs_index offset, int k) {
    enum { DIRECT_LOG = 4 };
    const hs_index size = (hs_index)1 << rows->n, block = (hs_index)1 << k;
    if (k <= DIRECT_LOG) {
        for (hs_index t = 0; t < block; ++t) {
            if (!repair_row(rows, u, w, start_g, d, g, offset + t)) return 0;
            for (int i = 0; i < rows->m; ++i) {
                const double atom = d[i * size + offset + t];
                if (atom == 0.0) continue;
                for (hs_index q = t + 1; q < block; ++q)
                    if ((q & t) == t) u[i * size + offset + q] += atom;
            }
        }
        return 1;
    }
    const hs_index half = block / 2;
    if (!repair_block(rows, u, w, start_g, d, g, scratch, offset, k - 1)) return 0;
    for (int i = 0; i < rows->m; ++i) {
        hs_butterfly_f64(d + i * size + offset, scratch, k - 1, &SUBSET_SUMS, 0);
        double *upper = u + i * size + offset + half;
        for (hs_index j = 0; j < half; ++j) upper[j] += scratch[j];
    }
    return repair_block(rows, u, w, start_g, d, g, scratch, offset + half, k - 1);
}

int hs_shared_sequential_repair(const hs_shared_rows *rows, double *u, const double *w,
                                const double *start_g, double *d, double *g, double *scratch) {
    return repair_block(rows, u, w, start_g, d, g, scratch, 0, rows->n);
}
