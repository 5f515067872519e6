/*
 * Body of the log-odds kernel, included by log_odds.c with REAL and FN defined.
 */

int FN(hs_log_odds)(const REAL *logits, hs_index rows, hs_index classes,
                    hs_index row_stride, hs_index class_stride,
                    const int64_t *targets, double *out) {
    if (classes < 2 || rows < 0)
        return HS_EINVAL;
    for (hs_index r = 0; r < rows; ++r)
        if (targets[r] < 0 || targets[r] >= classes)
            return HS_EINVAL;
    /* Each row costs an exp and a log1p, so fewer rows than the usual threshold pay for
       the threads. */
    const int parallel = rows * classes * 16 >= HS_PARALLEL_MIN_WORK;
    (void)parallel;
    HS_OMP(omp parallel for schedule(static) if (parallel))
    for (hs_index r = 0; r < rows; ++r) {
        const REAL *z = logits + r * row_stride;
        const hs_index y = (hs_index)targets[r];
        double peak = -INFINITY;
        hs_index at = -1;
        for (hs_index c = 0; c < classes; ++c)
            if (c != y && (double)z[c * class_stride] > peak) {
                peak = (double)z[c * class_stride];
                at = c;
            }
        /* The largest other class contributes exp(0) = 1, hence log1p of the rest: one exp
           fewer per row, and two classes need none.  A NaN among the others is skipped by
           the max but not by the sum; no finite other (at = -1) sums exp(NaN).  Either way
           v is not finite and the caller reports it. */
        double rest = 0.0;
        for (hs_index c = 0; c < classes; ++c)
            if (c != y && c != at)
                rest += exp((double)z[c * class_stride] - peak);
        out[r] = (double)z[y * class_stride] - peak - log1p(rest);
    }
    return HS_OK;
}
