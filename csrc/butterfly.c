/*
 * The butterfly engine (see butterfly.h), instantiated for double and float.
 */
#include "butterfly.h"

/* Blocks of 2^12 values stay in L1/L2 while the low stages run over them. */
#ifndef HS_BLOCK_LOG
#define HS_BLOCK_LOG 12
#endif
/* A column strip of the high stages, all rows included, fits in half of L2. */
#define HS_STRIP_BYTES ((hs_index)1 << 18)
/* Narrowest strip: one 64-byte cache line of doubles. */
#define HS_STRIP_MIN 8

/* Vector types (GCC, Clang); other compilers go scalar. */
#if (defined(__clang__) || defined(__GNUC__)) && !defined(HS_NO_VECTORS)
#define HS_HAVE_VECTORS 1
#else
#define HS_HAVE_VECTORS 0
#endif
/* Two-vector shuffles with constant lanes (GCC 12+, Clang); older compilers go scalar. */
#if HS_HAVE_VECTORS && (defined(__clang__) || (defined(__GNUC__) && __GNUC__ >= 12)) && \
    !defined(HS_NO_SHUFFLE)
#define HS_HAVE_SHUFFLE 1
#else
#define HS_HAVE_SHUFFLE 0
#endif

#define HS_IMPL "butterfly_impl.h"
#include "hs_instantiate.h"
