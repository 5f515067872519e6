/*
 * The number of threads the kernels use.  Without OpenMP everything runs on one.
 */
#include "hs_common.h"

static int hs_threads = 0; /* 0: OpenMP's own default */

int hs_get_num_threads(void) {
#ifdef _OPENMP
    return hs_threads > 0 ? hs_threads : omp_get_max_threads();
#else
    return 1;
#endif
}

void hs_set_num_threads(int threads) {
    hs_threads = threads > 0 ? threads : 0;
}
