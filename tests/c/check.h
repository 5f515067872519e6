/*
 * What the C tests share: the CHECK macro and its failure count, random values, and the
 * transforms written straight from theory.md §2.
 */
#ifndef HS_TEST_CHECK_H
#define HS_TEST_CHECK_H

#include <stdio.h>

extern int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fprintf(stderr, "\n");                         \
            ++failures;                                    \
        }                                                  \
    } while (0)

/* A uniform value in [-1, 1]. */
double uniform(void);

/* y = A x for the transform `kind` (not transposed), straight from theory.md §2. */
void naive_forward(int kind, const double *x, double *y, int n);

/* The joint extraction's kernels: the prox, the sequential repair, the PDHG. */
void test_shared_kernels(void);

#endif /* HS_TEST_CHECK_H */
