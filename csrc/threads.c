/*
 * The number of threads the kernels use, and how a batch of games shares them.
 * Without OpenMP everything runs on one.
 */
#include <stdlib.h>
#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define HS_HAVE_ATFORK 1
#endif

#include "hs_common.h"

static int hs_threads = 0; /* 0: OpenMP's own default */
static int hs_forked = 0;  /* 1 in a child forked after the handler was installed */

/* A forked child has only the forking thread: the OpenMP runtime's pool of the parent
   is gone, and a team of more than one would wait for it for ever.  One thread then. */
static void single_thread_in_child(void) {
    hs_forked = 1;
#ifdef _OPENMP
    omp_set_num_threads(1);
#endif
}

void hs_install_fork_handler(void) {
#ifdef HS_HAVE_ATFORK
    static int installed = 0;
    if (!installed && pthread_atfork(NULL, NULL, single_thread_in_child) == 0) installed = 1;
#endif
}

int hs_get_num_threads(void) {
#ifdef _OPENMP
    if (hs_forked) return 1;
    return hs_threads > 0 ? hs_threads : omp_get_max_threads();
#else
    return 1;
#endif
}

void hs_set_num_threads(int threads) {
    hs_threads = threads > 0 ? threads : 0;
}

static int scratch_init(const hs_games *games, void **scratch) {
    *scratch = NULL;
    if (games->scratch_init) return games->scratch_init(games->context, scratch);
    if (games->scratch_bytes == 0) return HS_OK;
    *scratch = hs_aligned_alloc(games->scratch_bytes);
    return *scratch ? HS_OK : HS_ENOMEM;
}

static void scratch_free(const hs_games *games, void *scratch) {
    if (games->scratch_init)
        games->scratch_free(scratch);
    else
        hs_aligned_free(scratch);
}

/* One game of a thread in the team (`ready`: its scratch's status); errors go to *status. */
static void solve_in_team(const hs_games *games, hs_index g, void *scratch, int ready,
                          int *status) {
    const int result = ready == HS_OK ? games->solve(games->context, g, scratch, 0) : ready;
    if (result != HS_OK) {
        HS_OMP(omp atomic write)
        *status = result;
    }
}

int hs_run_games(const hs_games *games, hs_index batch, int n) {
    const int threads = hs_get_num_threads();
    const int covered = batch >= threads;
    if (batch == 0) return HS_OK;
    int status = HS_OK;
    if (!covered || batch <= 1 || (batch << n) < games->min_work) {
        void *scratch;
        status = scratch_init(games, &scratch);
        if (status != HS_OK) return status;
        for (hs_index g = 0; g < batch; ++g) {
            const int result = games->solve(games->context, g, scratch, !covered);
            if (result != HS_OK) status = result;
        }
        scratch_free(games, scratch);
        return status;
    }
    HS_OMP(omp parallel num_threads(threads))
    {
        void *scratch;
        const int ready = scratch_init(games, &scratch);
        if (ready != HS_OK) {
            HS_OMP(omp atomic write)
            status = ready;
        }
        if (games->balance) {
            HS_OMP(omp for schedule(dynamic, 1))
            for (hs_index g = 0; g < batch; ++g) solve_in_team(games, g, scratch, ready, &status);
        } else {
            HS_OMP(omp for schedule(static))
            for (hs_index g = 0; g < batch; ++g) solve_in_team(games, g, scratch, ready, &status);
        }
        if (ready == HS_OK) scratch_free(games, scratch);
    }
    return status;
}
