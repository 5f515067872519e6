/*
 * Body of the index kernels for one floating type (see indices.c).
 */

static void FN(player_values_game)(const REAL *m, const REAL *extra, REAL *out,
                                   int n, const double *weight) {
    const hs_index size = (hs_index)1 << n;
    double acc[HS_MAX_PLAYERS] = {0.0};
    for (hs_index s = 1; s < size; ++s) {
        double x = (double)m[s];
        if (extra) x += (double)extra[s];
        if (x == 0.0) continue;
        const double share = x * weight[hs_popcount((uint64_t)s)];
        for (uint64_t t = (uint64_t)s; t; t &= t - 1)
            acc[hs_ctz(t)] += share;
    }
    for (int i = 0; i < n; ++i) out[i] = (REAL)acc[i];
}

int FN(hs_player_values)(const REAL *m, const REAL *extra, REAL *out,
                         hs_index batch, int n, int index) {
    if (n < 0 || n > HS_MAX_PLAYERS || batch < 0) return HS_EINVAL;
    if (index != HS_SHAPLEY && index != HS_BANZHAF) return HS_EINVAL;
    double weight[HS_MAX_PLAYERS + 1];
    weight[0] = 0.0;
    for (int k = 1; k <= n; ++k)
        weight[k] = index == HS_SHAPLEY ? 1.0 / k : ldexp(1.0, 1 - k);
    const hs_index size = (hs_index)1 << n;
    HS_OMP(omp parallel for schedule(static) num_threads(hs_get_num_threads())
           if (batch > 1 && batch * size >= HS_PARALLEL_MIN_WORK))
    for (hs_index g = 0; g < batch; ++g)
        FN(player_values_game)(m + g * size, extra ? extra + g * size : NULL,
                               out + g * n, n, weight);
    return HS_OK;
}

/* out = Σ_j w_j G_{t_j}(m), G_t the superset sum that weighs each added player by t. */
static void FN(superset_index_game)(const REAL *m, REAL *out, REAL *work, int n,
                                    int nodes, const double *t, const double *w,
                                    int parallel) {
    const hs_index size = (hs_index)1 << n;
    hs_butterfly_spec spec = {.op = HS_OP_MATRIX, .a = 1.0, .d = 1.0, .copy = HS_COPY_PLAIN};
    for (int j = 0; j < nodes; ++j) {
        spec.b = t[j];
        if (j == 0) {
            FN(hs_butterfly)(m, out, n, &spec, parallel);
            const REAL wj = (REAL)w[0];
            if (wj != (REAL)1)
                for (hs_index s = 0; s < size; ++s) out[s] *= wj;
        } else {
            FN(hs_butterfly)(m, work, n, &spec, parallel);
            const REAL wj = (REAL)w[j];
            for (hs_index s = 0; s < size; ++s) out[s] += wj * work[s];
        }
    }
}

/* The games of one call and their quadrature (nodes t, weights w). */
typedef struct {
    const REAL *m;
    REAL *out;
    int n, nodes;
    const double *t, *w;
} FN(superset_problem);

static int FN(superset_one)(const void *context, hs_index g, void *scratch, int parallel) {
    const FN(superset_problem) *p = context;
    const hs_index at = g << p->n;
    FN(superset_index_game)(p->m + at, p->out + at, scratch, p->n, p->nodes, p->t, p->w,
                            parallel);
    return HS_OK;
}

int FN(hs_superset_index)(const REAL *m, REAL *out, hs_index batch, int n, int index) {
    if (n < 0 || n > HS_MAX_PLAYERS || batch < 0) return HS_EINVAL;
    double t[HS_MAX_PLAYERS / 2 + 1], w[HS_MAX_PLAYERS / 2 + 1];
    int nodes;
    if (index == HS_SII) {
        /* Σ_T m(T) t^(|T|-|S|) has degree <= n - |S| in t: exact with n/2 + 1 nodes. */
        nodes = n / 2 + 1;
        hs_gauss_legendre01(nodes, t, w);
    } else if (index == HS_BII) {
        nodes = 1;
        t[0] = 0.5;
        w[0] = 1.0;
    } else {
        return HS_EINVAL;
    }
    const FN(superset_problem) p = {m, out, n, nodes, t, w};
    /* a second array of 2^n when the quadrature has several nodes */
    const hs_games games = {.context = &p, .solve = FN(superset_one),
                            .scratch_bytes = nodes > 1 ? ((size_t)1 << n) * sizeof(REAL) : 0,
                            .min_work = HS_PARALLEL_MIN_WORK};
    return hs_run_games(&games, batch, n);
}
