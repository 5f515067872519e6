/*
 * The transforms (see transforms.h), instantiated for double and float.
 */
#include "transforms.h"
#include "butterfly.h"

#define REAL double
#define FN(name) name##_f64
#include "transforms_impl.h"
#undef REAL
#undef FN

#define REAL float
#define FN(name) name##_f32
#include "transforms_impl.h"
#undef REAL
#undef FN

int hs_transform_game_f64(const double *in, double *out, int n, int kind, int parallel) {
    return transform_game_f64(in, out, n, kind, parallel);
}
