/*
 * Shared definitions for the harsanyi C kernels.
 *
 * Kernels are pure C: they take pointers, sizes and plain parameters, return an
 * int status, and never touch Python objects.  Subsets of n players are stored
 * as integer masks, bit i set iff player i is in the subset (theory.md §1).
 */
#ifndef HS_COMMON_H
#define HS_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#define HS_OMP(directive) _Pragma(#directive)
#else
#define HS_OMP(directive)
#endif

/*
 * The hot loops get a second, AVX2 copy on x86-64 with glibc, picked when the module
 * loads (an ifunc), so that one portable build still uses the wide vectors where they exist.
 */
#if defined(__has_attribute)
#if __has_attribute(target_clones) && defined(__x86_64__) && defined(__GLIBC__) && \
    !defined(HS_NO_CLONES)
#define HS_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#define HS_HAS_VECTOR_CLONES 1
#endif
#endif
#ifndef HS_VECTOR_CLONES
#define HS_VECTOR_CLONES
#define HS_HAS_VECTOR_CLONES 0
#endif

/* Vectorisation hints (`omp simd`: reductions may be reassociated); off without OpenMP. */
#if defined(_OPENMP)
#define HS_SIMD(directive) _Pragma(#directive)
#else
#define HS_SIMD(directive)
#endif

#if defined(__GNUC__) || defined(__clang__)
#define HS_INLINE static inline __attribute__((always_inline))
#define HS_RESTRICT __restrict__
#else
#define HS_INLINE static inline
#define HS_RESTRICT
#endif

/* Status codes returned by every kernel. */
enum {
    HS_OK = 0,
    HS_ENOMEM = 1,     /* a temporary buffer could not be allocated */
    HS_EINVAL = 2,     /* an argument is out of range (checked again in Python) */
    HS_ENONFINITE = 3, /* an input held NaN or Inf; the output was still written */
    HS_EDIVERGED = 4,  /* an iterative method produced non-finite iterates */
    HS_EOVERFLOW = 5   /* finite inputs gave non-finite results; the output was still written */
};

/* Below any magnitude the kernels meet: guards divisions and logarithms of near-zeros. */
#define HS_TINY 1e-300

/* z clamped into [lo, hi]: two plain selects (no libm calls), so that loops around it
   vectorise. */
static inline double hs_clamp(double z, double lo, double hi) {
    const double above = z < lo ? lo : z;
    return above > hi ? hi : above;
}

/* The largest n the kernels accept: masks must fit comfortably in int64. */
#define HS_MAX_PLAYERS 40

typedef int64_t hs_index;

static inline int hs_popcount(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_popcountll(x);
#else
    int c = 0;
    while (x) { x &= x - 1; ++c; }
    return c;
#endif
}

static inline int hs_ctz(uint64_t x) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(x);
#else
    int c = 0;
    while (!(x & 1u)) { x >>= 1; ++c; }
    return c;
#endif
}

/*
 * Memory aligned to HS_ALIGNMENT bytes (a cache line), freed by hs_aligned_free; NULL
 * when it cannot be had.  malloc aligns large blocks to 16 bytes only, and a vector load
 * from such a block straddles two cache lines half the time.
 */
#define HS_ALIGNMENT 64
void *hs_aligned_alloc(size_t bytes);
void hs_aligned_free(void *memory);

/* Threads the kernels may use (1 without OpenMP, and in a process forked after
   hs_install_fork_handler: the OpenMP runtime cannot start a team there). */
int hs_get_num_threads(void);
void hs_set_num_threads(int threads);
void hs_install_fork_handler(void);

/*
 * A batch of independent games and how to solve one (see hs_run_games).
 *
 * solve:         solves game `game` with one thread's scratch; `parallel` is 1 when the
 *                game has the cores to itself (its butterflies may start teams), 0 when it
 *                runs on one thread among others.  Returns HS_OK or an error.
 * scratch_bytes: the scratch each thread needs, allocated and freed by the runner (0: none).
 * scratch_init, scratch_free: instead, the kernel's own scratch (NULL: scratch_bytes);
 *                init returns HS_OK or an error, free is called only after a successful init.
 * min_work:      one game per thread only when batch x 2^n reaches this many values.
 * balance:       1 to hand games out one at a time (their costs differ), 0 in equal blocks.
 */
typedef struct {
    const void *context;
    int (*solve)(const void *context, hs_index game, void *scratch, int parallel);
    size_t scratch_bytes;
    int (*scratch_init)(const void *context, void **scratch);
    void (*scratch_free)(void *scratch);
    hs_index min_work;
    int balance;
} hs_games;

/*
 * Solves games 0..batch-1 of 2^n values each: one game per thread when the batch covers
 * the threads, otherwise one game after the other, each with the cores to itself.  The
 * latter runs outside any parallel region: teams nested in an inactive region start
 * their threads anew each time, at a hundred times the cost.  Returns HS_OK or one
 * of the errors that scratch_init or solve returned.
 */
int hs_run_games(const hs_games *games, hs_index batch, int n);

/* Work (in element operations) below which a loop stays on one thread. */
#define HS_PARALLEL_MIN_WORK ((hs_index)1 << 16)

#endif /* HS_COMMON_H */
