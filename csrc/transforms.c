/*
 * The transforms (see transforms.h), instantiated for double and float.
 */
#include "transforms.h"
#include "butterfly.h"

#define HS_IMPL "transforms_impl.h"
#include "hs_instantiate.h"

int hs_transform_game_f64(const double *in, double *out, int n, int kind, int parallel) {
    return transform_game_f64(in, out, n, kind, parallel);
}
