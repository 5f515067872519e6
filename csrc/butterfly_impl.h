/*
 * Body of the butterfly engine for one floating type, read once per type (see
 * hs_instantiate.h) with REAL (the type) and FN(name) (the suffixed name) defined.
 */

/* One (low, high) pair under an add-only map, on vectors as well as scalars. */
#define HS_ADD_PAIR(op, lo, hi)                                         \
    do {                                                                \
        if ((op) == HS_OP_MOBIUS) (hi) -= (lo);                         \
        else if ((op) == HS_OP_ZETA) (hi) += (lo);                      \
        else if ((op) == HS_OP_MOBIUS_T) (lo) -= (hi);                  \
        else (lo) += (hi);                                              \
    } while (0)

/* One (low, high) pair under the map `op`; `op` is a constant after inlining. */
#define HS_PAIR(op, m, lo, hi)                                          \
    do {                                                                \
        if ((op) == HS_OP_MATRIX) {                                     \
            REAL lo_ = (lo), hi_ = (hi);                                \
            (lo) = (m).a * lo_ + (m).b * hi_;                           \
            (hi) = (m).c * lo_ + (m).d * hi_;                           \
        } else {                                                        \
            HS_ADD_PAIR(op, lo, hi);                                    \
        }                                                               \
    } while (0)

/* The three stages of an octet x0..x7 (stage bits 0, 1, 2 of the octet index), each
   pair by PAIR(..., low, high) with the leading arguments given. */
#define HS_OCTET_BY(PAIR, ...)                                          \
    do {                                                                \
        PAIR(__VA_ARGS__, x0, x1); PAIR(__VA_ARGS__, x2, x3);           \
        PAIR(__VA_ARGS__, x4, x5); PAIR(__VA_ARGS__, x6, x7);           \
        PAIR(__VA_ARGS__, x0, x2); PAIR(__VA_ARGS__, x1, x3);           \
        PAIR(__VA_ARGS__, x4, x6); PAIR(__VA_ARGS__, x5, x7);           \
        PAIR(__VA_ARGS__, x0, x4); PAIR(__VA_ARGS__, x1, x5);           \
        PAIR(__VA_ARGS__, x2, x6); PAIR(__VA_ARGS__, x3, x7);           \
    } while (0)

/* Element j of a block being brought in: src[j], or -src[-j] when reversed. */
#define HS_LOAD(src, j, reversed) ((reversed) ? -(src)[-(j)] : (src)[j])

typedef struct { REAL a, b, c, d; } FN(hs_coef);

#if HS_HAVE_VECTORS
/* Four values in one vector (two per SSE register, one per AVX register for double). */
typedef REAL FN(quad) __attribute__((vector_size(4 * sizeof(REAL)), aligned(sizeof(REAL)),
                                     __may_alias__));
/* 32 bytes of values (one AVX register, two SSE ones): the radix passes' columns. */
#define HS_LANES ((hs_index)(32 / sizeof(REAL)))
typedef REAL FN(lanes) __attribute__((vector_size(32), aligned(sizeof(REAL)), __may_alias__));
#endif

/* Three stages at once on the octets p[j + r h], r = 0..7, j < len. */
HS_INLINE void FN(radix8)(REAL *HS_RESTRICT p, hs_index h, hs_index len,
                          const int op, const FN(hs_coef) m) {
    REAL *HS_RESTRICT p1 = p + h, *HS_RESTRICT p2 = p + 2 * h;
    REAL *HS_RESTRICT p3 = p + 3 * h, *HS_RESTRICT p4 = p + 4 * h;
    REAL *HS_RESTRICT p5 = p + 5 * h, *HS_RESTRICT p6 = p + 6 * h;
    REAL *HS_RESTRICT p7 = p + 7 * h;
#if HS_HAVE_VECTORS
    /* Compilers leave this loop scalar (eight streams); a vector of columns does the
       same operations lane by lane, so every sum is the scalar one bit for bit. */
    if (op != HS_OP_MATRIX && len % HS_LANES == 0) {
        for (hs_index j = 0; j < len; j += HS_LANES) {
            FN(lanes) x0 = *(FN(lanes) *)(p + j), x1 = *(FN(lanes) *)(p1 + j);
            FN(lanes) x2 = *(FN(lanes) *)(p2 + j), x3 = *(FN(lanes) *)(p3 + j);
            FN(lanes) x4 = *(FN(lanes) *)(p4 + j), x5 = *(FN(lanes) *)(p5 + j);
            FN(lanes) x6 = *(FN(lanes) *)(p6 + j), x7 = *(FN(lanes) *)(p7 + j);
            HS_OCTET_BY(HS_ADD_PAIR, op);
            *(FN(lanes) *)(p + j) = x0; *(FN(lanes) *)(p1 + j) = x1;
            *(FN(lanes) *)(p2 + j) = x2; *(FN(lanes) *)(p3 + j) = x3;
            *(FN(lanes) *)(p4 + j) = x4; *(FN(lanes) *)(p5 + j) = x5;
            *(FN(lanes) *)(p6 + j) = x6; *(FN(lanes) *)(p7 + j) = x7;
        }
        return;
    }
#endif
    for (hs_index j = 0; j < len; ++j) {
        REAL x0 = p[j], x1 = p1[j], x2 = p2[j], x3 = p3[j];
        REAL x4 = p4[j], x5 = p5[j], x6 = p6[j], x7 = p7[j];
        HS_OCTET_BY(HS_PAIR, op, m);
        p[j] = x0; p1[j] = x1; p2[j] = x2; p3[j] = x3;
        p4[j] = x4; p5[j] = x5; p6[j] = x6; p7[j] = x7;
    }
}

/* Two stages at once on the quadruples p[j + r h], r = 0..3, j < len. */
HS_INLINE void FN(radix4)(REAL *HS_RESTRICT p, hs_index h, hs_index len,
                          const int op, const FN(hs_coef) m) {
    REAL *HS_RESTRICT p1 = p + h, *HS_RESTRICT p2 = p + 2 * h, *HS_RESTRICT p3 = p + 3 * h;
#if HS_HAVE_VECTORS
    if (op != HS_OP_MATRIX && len % HS_LANES == 0) {
        for (hs_index j = 0; j < len; j += HS_LANES) {
            FN(lanes) x0 = *(FN(lanes) *)(p + j), x1 = *(FN(lanes) *)(p1 + j);
            FN(lanes) x2 = *(FN(lanes) *)(p2 + j), x3 = *(FN(lanes) *)(p3 + j);
            HS_ADD_PAIR(op, x0, x1); HS_ADD_PAIR(op, x2, x3);
            HS_ADD_PAIR(op, x0, x2); HS_ADD_PAIR(op, x1, x3);
            *(FN(lanes) *)(p + j) = x0; *(FN(lanes) *)(p1 + j) = x1;
            *(FN(lanes) *)(p2 + j) = x2; *(FN(lanes) *)(p3 + j) = x3;
        }
        return;
    }
#endif
    for (hs_index j = 0; j < len; ++j) {
        REAL x0 = p[j], x1 = p1[j], x2 = p2[j], x3 = p3[j];
        HS_PAIR(op, m, x0, x1); HS_PAIR(op, m, x2, x3);
        HS_PAIR(op, m, x0, x2); HS_PAIR(op, m, x1, x3);
        p[j] = x0; p1[j] = x1; p2[j] = x2; p3[j] = x3;
    }
}

/* One stage on the pairs p[j], p[h + j], j < len. */
HS_INLINE void FN(radix2)(REAL *HS_RESTRICT p, hs_index h, hs_index len,
                          const int op, const FN(hs_coef) m) {
    REAL *HS_RESTRICT p1 = p + h;
#if HS_HAVE_VECTORS
    if (op != HS_OP_MATRIX && len % HS_LANES == 0) {
        for (hs_index j = 0; j < len; j += HS_LANES) {
            FN(lanes) x0 = *(FN(lanes) *)(p + j), x1 = *(FN(lanes) *)(p1 + j);
            HS_ADD_PAIR(op, x0, x1);
            *(FN(lanes) *)(p + j) = x0; *(FN(lanes) *)(p1 + j) = x1;
        }
        return;
    }
#endif
    for (hs_index j = 0; j < len; ++j) {
        REAL x0 = p[j], x1 = p1[j];
        HS_PAIR(op, m, x0, x1);
        p[j] = x0; p1[j] = x1;
    }
}

#if HS_HAVE_SHUFFLE

/* Quad j of an octet at g being brought in: src[g + 4j ..], or its mirror negated.
   (Vectors pass by pointer: by value, their ABI depends on the instruction set.) */
HS_INLINE void FN(load_quad)(const REAL *src, hs_index g, int j, const int reversed,
                             FN(quad) *out) {
    if (!reversed) {
        *out = *(const FN(quad) *)(src + g + 4 * j);
        return;
    }
    const FN(quad) q = *(const FN(quad) *)(src - g - 4 * j - 3);
    *out = -__builtin_shufflevector(q, q, 3, 2, 1, 0);
}

/*
 * Stages 0-2 of an add-only map on the octet u = x0..x3, w = x4..x7, stage by stage
 * as the scalar code does them, so every sum is the same bit for bit.  Lanes a stage
 * leaves alone get -0 added or +0 subtracted, which changes no value (not even -0).
 */
HS_INLINE void FN(octet_quads)(FN(quad) *u, FN(quad) *w, const int op) {
    const FN(quad) add0 = {-0.0, -0.0, -0.0, -0.0}, sub0 = {0.0, 0.0, 0.0, 0.0};
    FN(quad) a = *u, b = *w;
    if (op == HS_OP_ZETA) {         /* high += low */
        a += __builtin_shufflevector(a, add0, 4, 0, 6, 2);
        b += __builtin_shufflevector(b, add0, 4, 0, 6, 2);
        a += __builtin_shufflevector(a, add0, 4, 5, 0, 1);
        b += __builtin_shufflevector(b, add0, 4, 5, 0, 1);
        b += a;
    } else if (op == HS_OP_MOBIUS) { /* high -= low */
        a -= __builtin_shufflevector(a, sub0, 4, 0, 6, 2);
        b -= __builtin_shufflevector(b, sub0, 4, 0, 6, 2);
        a -= __builtin_shufflevector(a, sub0, 4, 5, 0, 1);
        b -= __builtin_shufflevector(b, sub0, 4, 5, 0, 1);
        b -= a;
    } else if (op == HS_OP_ZETA_T) { /* low += high */
        a += __builtin_shufflevector(a, add0, 1, 4, 3, 6);
        b += __builtin_shufflevector(b, add0, 1, 4, 3, 6);
        a += __builtin_shufflevector(a, add0, 2, 3, 4, 5);
        b += __builtin_shufflevector(b, add0, 2, 3, 4, 5);
        a += b;
    } else {                         /* HS_OP_MOBIUS_T: low -= high */
        a -= __builtin_shufflevector(a, sub0, 1, 4, 3, 6);
        b -= __builtin_shufflevector(b, sub0, 1, 4, 3, 6);
        a -= __builtin_shufflevector(a, sub0, 2, 3, 4, 5);
        b -= __builtin_shufflevector(b, sub0, 2, 3, 4, 5);
        a -= b;
    }
    *u = a;
    *w = b;
}
#endif

/*
 * Stages 0-2 on consecutive octets of dst, reading them from src first: the copy-in
 * and the first three stages in one sweep (src may be dst when nothing is copied).
 * The add-only maps run on vectors: scalar octets do not vectorise well.
 */
HS_INLINE void FN(radix8_low)(const REAL *src, REAL *dst, hs_index size, const int reversed,
                              const int op, const FN(hs_coef) m) {
#if HS_HAVE_SHUFFLE
    if (op != HS_OP_MATRIX) {
        for (hs_index g = 0; g < size; g += 8) {
            FN(quad) u, w;
            FN(load_quad)(src, g, 0, reversed, &u);
            FN(load_quad)(src, g, 1, reversed, &w);
            FN(octet_quads)(&u, &w, op);
            *(FN(quad) *)(dst + g) = u;
            *(FN(quad) *)(dst + g + 4) = w;
        }
        return;
    }
#endif
    for (hs_index g = 0; g < size; g += 8) {
        REAL x0 = HS_LOAD(src, g, reversed), x1 = HS_LOAD(src, g + 1, reversed);
        REAL x2 = HS_LOAD(src, g + 2, reversed), x3 = HS_LOAD(src, g + 3, reversed);
        REAL x4 = HS_LOAD(src, g + 4, reversed), x5 = HS_LOAD(src, g + 5, reversed);
        REAL x6 = HS_LOAD(src, g + 6, reversed), x7 = HS_LOAD(src, g + 7, reversed);
        HS_OCTET_BY(HS_PAIR, op, m);
        REAL *HS_RESTRICT q = dst + g;
        q[0] = x0; q[1] = x1; q[2] = x2; q[3] = x3;
        q[4] = x4; q[5] = x5; q[6] = x6; q[7] = x7;
    }
}

/* Copies len values from src (forward, or backward and negated) into dst. */
HS_INLINE void FN(copy_in)(const REAL *HS_RESTRICT src, REAL *HS_RESTRICT dst,
                           hs_index len, const int reversed) {
    if (reversed) {
        for (hs_index j = 0; j < len; ++j) dst[j] = -src[-j];
    } else {
        for (hs_index j = 0; j < len; ++j) dst[j] = src[j];
    }
}

/*
 * Stages 0..k-1 of the contiguous block dst[0, 2^k), after bringing it in from src
 * (NULL: it is in place already).  When fix >= 0, dst[fix] is set to fix_value after
 * the copy-in and before any stage.
 */
HS_INLINE void FN(block_stages)(const REAL *src, REAL *dst, int k, const int reversed,
                                hs_index fix, REAL fix_value,
                                const int op, const FN(hs_coef) m) {
    const hs_index size = (hs_index)1 << k;
    int s = 0;
    if (k >= 3 && fix < 0) {
        FN(radix8_low)(src ? src : dst, dst, size, src ? reversed : 0, op, m);
        s = 3;
    } else if (src) {
        FN(copy_in)(src, dst, size, reversed);
    }
    if (fix >= 0) dst[fix] = fix_value;
    if (s == 0 && k >= 3) {
        FN(radix8_low)(dst, dst, size, 0, op, m);
        s = 3;
    }
    for (; s + 3 <= k; s += 3) {
        const hs_index h = (hs_index)1 << s;
        for (hs_index base = 0; base < size; base += 8 * h) FN(radix8)(dst + base, h, h, op, m);
    }
    const hs_index h = (hs_index)1 << s;
    if (s + 2 == k) {
        for (hs_index base = 0; base < size; base += 4 * h) FN(radix4)(dst + base, h, h, op, m);
    } else if (s + 1 == k) {
        for (hs_index base = 0; base < size; base += 2 * h) FN(radix2)(dst + base, h, h, op, m);
    }
}

/*
 * Stages b..n-1 restricted to the column strip [col, col + width) of the matrix
 * view with rows of length 2^b: row r holds the subsets whose high bits are r.
 */
HS_INLINE void FN(strip_stages)(REAL *HS_RESTRICT p, int b, int rows_log,
                                hs_index col, hs_index width,
                                const int op, const FN(hs_coef) m) {
    const hs_index row_len = (hs_index)1 << b;
    const hs_index rows = (hs_index)1 << rows_log;
    REAL *HS_RESTRICT strip = p + col;
    int t = 0;
    for (; t + 3 <= rows_log; t += 3) {
        const hs_index h = (hs_index)1 << t;
        for (hs_index rb = 0; rb < rows; rb += 8 * h)
            for (hs_index r = rb; r < rb + h; ++r)
                FN(radix8)(strip + r * row_len, h * row_len, width, op, m);
    }
    const hs_index h = (hs_index)1 << t;
    if (t + 2 == rows_log) {
        for (hs_index rb = 0; rb < rows; rb += 4 * h)
            for (hs_index r = rb; r < rb + h; ++r)
                FN(radix4)(strip + r * row_len, h * row_len, width, op, m);
    } else if (t + 1 == rows_log) {
        for (hs_index rb = 0; rb < rows; rb += 2 * h)
            for (hs_index r = rb; r < rb + h; ++r)
                FN(radix2)(strip + r * row_len, h * row_len, width, op, m);
    }
}

/*
 * One function per map for the blocks and for the strips, so that the map is a
 * constant inside each (an OpenMP region around an inlined body would lose that).
 */
typedef void (*FN(blocks_fn))(const REAL *in, REAL *out, int n, int b, hs_index first,
                              hs_index last, int copy, const hs_butterfly_spec *spec);
typedef void (*FN(strip_fn))(REAL *out, int b, int rows_log, hs_index col,
                             hs_index width, const hs_butterfly_spec *spec);

#define HS_DEFINE_PASSES(name, OP)                                                   \
    HS_VECTOR_CLONES static void FN(blocks_##name)(                                  \
        const REAL *in, REAL *out, int n, int b, hs_index first, hs_index last,      \
        int copy, const hs_butterfly_spec *spec) {                                   \
        const FN(hs_coef) m = {(REAL)spec->a, (REAL)spec->b, (REAL)spec->c,          \
                               (REAL)spec->d};                                       \
        const hs_index size = (hs_index)1 << n, block = (hs_index)1 << b;            \
        const int reversed = copy == HS_COPY_REVERSE_NEGATE;                         \
        for (hs_index k = first; k < last; ++k) {                                    \
            const hs_index start = k * block;                                        \
            const REAL *src = copy == HS_COPY_NONE ? NULL                            \
                              : reversed ? in + (size - 1 - start) : in + start;     \
            const hs_index fix =                                                     \
                spec->set_full && start + block == size ? block - 1 : -1;            \
            FN(block_stages)(src, out + start, b, reversed, fix,                     \
                             (REAL)spec->full_value, OP, m);                         \
        }                                                                            \
    }                                                                                \
    HS_VECTOR_CLONES static void FN(strip_##name)(                                   \
        REAL *out, int b, int rows_log, hs_index col, hs_index width,                \
        const hs_butterfly_spec *spec) {                                             \
        const FN(hs_coef) m = {(REAL)spec->a, (REAL)spec->b, (REAL)spec->c,          \
                               (REAL)spec->d};                                       \
        FN(strip_stages)(out, b, rows_log, col, width, OP, m);                       \
    }

HS_DEFINE_PASSES(mobius, HS_OP_MOBIUS)
HS_DEFINE_PASSES(zeta, HS_OP_ZETA)
HS_DEFINE_PASSES(mobius_t, HS_OP_MOBIUS_T)
HS_DEFINE_PASSES(zeta_t, HS_OP_ZETA_T)
HS_DEFINE_PASSES(matrix, HS_OP_MATRIX)
#undef HS_DEFINE_PASSES

int FN(hs_butterfly)(const REAL *in, REAL *out, int n, const hs_butterfly_spec *spec,
                     int parallel) {
    static const FN(blocks_fn) blocks[] = {FN(blocks_mobius), FN(blocks_zeta),
                                          FN(blocks_mobius_t), FN(blocks_zeta_t),
                                          FN(blocks_matrix)};
    static const FN(strip_fn) strips[] = {FN(strip_mobius), FN(strip_zeta),
                                         FN(strip_mobius_t), FN(strip_zeta_t),
                                         FN(strip_matrix)};
    if (n < 0 || n > HS_MAX_PLAYERS || spec->op < 0 || spec->op > HS_OP_MATRIX)
        return HS_EINVAL;
    const FN(blocks_fn) run_blocks = blocks[spec->op];
    const FN(strip_fn) run_strip = strips[spec->op];
    const hs_index size = (hs_index)1 << n;
    const int b = n < HS_BLOCK_LOG ? n : HS_BLOCK_LOG;
    const hs_index block = (hs_index)1 << b;
    const hs_index nblocks = size >> b;
    const int copy = (in == out && spec->copy == HS_COPY_PLAIN) ? HS_COPY_NONE : spec->copy;
    const int threads = parallel && size >= HS_PARALLEL_MIN_WORK ? hs_get_num_threads() : 1;

    /* Low stages, block by block, right after each block is brought in. */
    if (threads == 1 || nblocks == 1) {
        run_blocks(in, out, n, b, 0, nblocks, copy, spec);
    } else {
        HS_OMP(omp parallel for schedule(static) num_threads(threads))
        for (hs_index k = 0; k < nblocks; ++k)
            run_blocks(in, out, n, b, k, k + 1, copy, spec);
    }

    /* High stages on column strips that fit in cache together with all their rows. */
    if (n > b) {
        const int rows_log = n - b;
        hs_index width = (HS_STRIP_BYTES / (hs_index)sizeof(REAL)) >> rows_log;
        if (width < HS_STRIP_MIN) width = HS_STRIP_MIN;
        if (width > block) width = block;
        const hs_index nstrips = block / width;
        HS_OMP(omp parallel for schedule(static) num_threads(threads) if (threads > 1))
        for (hs_index s = 0; s < nstrips; ++s)
            run_strip(out, b, rows_log, s * width, width, spec);
    }
    return HS_OK;
}

double FN(hs_sum)(const REAL *x, hs_index count) {
    /* Four partial sums keep the dependency chains short without reassociation flags. */
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    hs_index j = 0;
    for (; j + 4 <= count; j += 4) {
        s0 += x[j]; s1 += x[j + 1]; s2 += x[j + 2]; s3 += x[j + 3];
    }
    for (; j < count; ++j) s0 += x[j];
    return (s0 + s1) + (s2 + s3);
}

int FN(hs_all_finite)(const REAL *x, hs_index count) {
    /* x - x is 0 for finite x and NaN otherwise; a select keeps the loop vectorized. */
    REAL flag = 0;
    for (hs_index j = 0; j < count; ++j) {
        const REAL z = x[j] - x[j];
        flag = (z != z) ? (REAL)1 : flag;
    }
    return flag == 0;
}

#undef HS_PAIR
#undef HS_OCTET_BY
#undef HS_LOAD
#undef HS_ADD_PAIR
#undef HS_LANES
