/*
 * Memory aligned to a cache line, for the arrays that vector loops sweep (see
 * hs_aligned_alloc in hs_common.h).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdlib.h>
#ifdef _WIN32
#include <malloc.h>
#endif

#include "hs_common.h"

void *hs_aligned_alloc(size_t bytes) {
    if (bytes == 0) bytes = 1;
#ifdef _WIN32
    return _aligned_malloc(bytes, HS_ALIGNMENT);
#else
    void *memory = NULL;
    return posix_memalign(&memory, HS_ALIGNMENT, bytes) == 0 ? memory : NULL;
#endif
}

void hs_aligned_free(void *memory) {
#ifdef _WIN32
    _aligned_free(memory);
#else
    free(memory);
#endif
}
