/*
 * Body of the order statistics for one floating type (see order_stats.c).
 */

static void FN(order_stats_game)(const REAL *values, int n, double threshold,
                                 REAL *positive, REAL *negative, REAL *absolute,
                                 int64_t *count) {
    const hs_index size = (hs_index)1 << n;
    double pos[HS_MAX_PLAYERS + 1] = {0.0}, neg[HS_MAX_PLAYERS + 1] = {0.0};
    int64_t cnt[HS_MAX_PLAYERS + 1] = {0};
    for (hs_index s = 0; s < size; ++s) {
        const double x = (double)values[s];
        if (!(fabs(x) >= threshold)) continue;
        const int k = hs_popcount((uint64_t)s);
        if (x > 0.0) pos[k] += x; else neg[k] += x;
        ++cnt[k];
    }
    for (int k = 0; k <= n; ++k) {
        positive[k] = (REAL)pos[k];
        negative[k] = (REAL)neg[k];
        absolute[k] = (REAL)(pos[k] - neg[k]);
        count[k] = cnt[k];
    }
}

int FN(hs_order_stats)(const REAL *values, hs_index batch, int n,
                       const double *threshold,
                       REAL *positive, REAL *negative, REAL *absolute, int64_t *count) {
    if (n < 0 || n > HS_MAX_PLAYERS || batch < 0) return HS_EINVAL;
    const hs_index size = (hs_index)1 << n;
    const hs_index width = n + 1;
    HS_OMP(omp parallel for schedule(static) num_threads(hs_get_num_threads())
           if (batch > 1 && batch * size >= HS_PARALLEL_MIN_WORK))
    for (hs_index g = 0; g < batch; ++g)
        FN(order_stats_game)(values + g * size, n, threshold[g], positive + g * width,
                             negative + g * width, absolute + g * width, count + g * width);
    return HS_OK;
}
