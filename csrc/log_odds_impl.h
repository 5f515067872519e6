/*
 * Body of the log-odds kernel, included by log_odds.c with REAL and FN defined.
 */

int FN(hs_log_odds_parts)(const REAL *logits, hs_index rows, hs_index classes,
                          hs_index row_stride, hs_index class_stride,
                          const int64_t *targets, double *base, double *rest) {
    if (classes < 2 || rows < 0)
        return HS_EINVAL;
    for (hs_index r = 0; r < rows; ++r)
        if (targets[r] < 0 || targets[r] >= classes)
            return HS_EINVAL;
    const hs_index width = classes - 2;
    const int parallel = rows * classes >= HS_PARALLEL_MIN_WORK;
    (void)parallel;
    HS_OMP(omp parallel for schedule(static) if (parallel))
    for (hs_index r = 0; r < rows; ++r) {
        const REAL *z = logits + r * row_stride;
        const hs_index y = (hs_index)targets[r];
        /* Branch-free: with random targets and logits, branches would mispredict. */
        double peak = -INFINITY;
        hs_index at = -1;
        for (hs_index c = 0; c < classes; ++c) {
            const double zc = (double)z[c * class_stride];
            const int better = (c != y) & (zc > peak);
            peak = better ? zc : peak;
            at = better ? c : at;
        }
        base[r] = at < 0 ? NAN : (double)z[y * class_stride] - peak;
        /* Each class is stored at the next free slot, which only the kept ones advance;
           the slots run out exactly when every kept class is in. */
        double *out = rest + r * width;
        hs_index j = 0;
        for (hs_index c = 0; c < classes; ++c) {
            if (j < width)
                out[j] = (double)z[c * class_stride] - peak;
            j += (c != y) & (c != at);
        }
    }
    return HS_OK;
}
