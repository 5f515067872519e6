/*
 * Body of the transforms for one floating type (see transforms.c).
 *
 * The OR transforms are AND butterflies on the complemented, negated game
 * (theory.md §2): reading in[N \ S] is reading the array backwards.  What the
 * complement moves to the wrong place is a single entry, mended before or after.
 */

static int FN(transform_game)(const REAL *in, REAL *out, int n, int kind, int parallel) {
    if (n < 0 || n > HS_MAX_PLAYERS) return HS_EINVAL;
    const hs_index full = ((hs_index)1 << n) - 1;
    const REAL in_empty = in[0];
    double total = 0.0;
    hs_butterfly_spec spec = {.op = HS_OP_MOBIUS, .copy = HS_COPY_PLAIN};

    switch (kind) {
    case HS_AND_INTERACTIONS:   spec.op = HS_OP_MOBIUS; break;
    case HS_AND_VALUES:         spec.op = HS_OP_ZETA; break;
    case HS_AND_INTERACTIONS_T: spec.op = HS_OP_MOBIUS_T; break;
    case HS_AND_VALUES_T:       spec.op = HS_OP_ZETA_T; break;
    case HS_OR_INTERACTIONS:
        /* I_or(S) = -Möbius(v(N \ .))(S) for S != ∅, then I_or(∅) = v(∅). */
        spec.op = HS_OP_MOBIUS;
        spec.copy = HS_COPY_REVERSE_NEGATE;
        break;
    case HS_OR_VALUES:
        /* v(S) = v(N) - Σ_{∅≠T⊆N\S} I_or(T): superset sums of the reversed, negated
           I_or, with the entry of T = ∅ replaced by v(N) = Σ_T I_or(T). */
        total = FN(hs_sum)(in, full + 1);
        spec.op = HS_OP_ZETA_T;
        spec.copy = HS_COPY_REVERSE_NEGATE;
        spec.set_full = 1;
        spec.full_value = total;
        break;
    case HS_OR_INTERACTIONS_T:
        spec.op = HS_OP_MOBIUS;
        spec.copy = HS_COPY_REVERSE_NEGATE;
        spec.set_full = 1;
        spec.full_value = 0.0;
        break;
    case HS_OR_VALUES_T:
        /* (Aᵀy)(T) = Σ_S y(S) - Σ_{S⊆N\T} y(S) for T != ∅, Σ_S y(S) at T = ∅. */
        total = FN(hs_sum)(in, full + 1);
        spec.op = HS_OP_ZETA_T;
        spec.copy = HS_COPY_REVERSE_NEGATE;
        spec.set_full = 1;
        spec.full_value = total - (double)in_empty;
        break;
    default:
        return HS_EINVAL;
    }

    const int status = FN(hs_butterfly)(in, out, n, &spec, parallel);
    if (status != HS_OK) return status;

    /* Every input and every intermediate sum flows into out[N] (subset butterflies) or
       out[∅] (superset ones), and NaN or Inf cannot be added away: one look tells whether
       all were finite; if not, finite inputs mean that a sum overflowed. */
    const int superset = spec.op == HS_OP_MOBIUS_T || spec.op == HS_OP_ZETA_T;
    const REAL sink = superset ? out[0] : out[full];
    const int sink_finite = sink - sink == 0 && in_empty - in_empty == 0;
    const int finite = sink_finite || FN(hs_all_finite)(in, full + 1);

    if (kind == HS_OR_INTERACTIONS)
        out[0] = in_empty;
    else if (kind == HS_OR_INTERACTIONS_T)
        out[0] += in_empty;
    else if (kind == HS_OR_VALUES_T)
        out[0] = (REAL)total;
    return !finite ? HS_ENONFINITE : sink_finite ? HS_OK : HS_EOVERFLOW;
}

/* The games of one call and the transform they take. */
typedef struct {
    const REAL *in;
    REAL *out;
    int n, kind;
} FN(transform_problem);

static int FN(transform_one)(const void *context, hs_index g, void *scratch, int parallel) {
    (void)scratch;
    const FN(transform_problem) *p = context;
    const hs_index at = g << p->n;
    return FN(transform_game)(p->in + at, p->out + at, p->n, p->kind, parallel);
}

int FN(hs_transform)(const REAL *in, REAL *out, hs_index batch, int n, int kind) {
    if (n < 0 || n > HS_MAX_PLAYERS || kind < 0 || kind >= HS_TRANSFORM_COUNT || batch < 0)
        return HS_EINVAL;
    const FN(transform_problem) p = {in, out, n, kind};
    const hs_games games = {.context = &p, .solve = FN(transform_one),
                            .min_work = HS_PARALLEL_MIN_WORK};
    return hs_run_games(&games, batch, n);
}
