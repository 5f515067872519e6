/*
 * Order statistics (see order_stats.h), instantiated for double and float.
 */
#include <math.h>

#include "order_stats.h"

#define REAL double
#define FN(name) name##_f64
#include "order_stats_impl.h"
#undef REAL
#undef FN

#define REAL float
#define FN(name) name##_f32
#include "order_stats_impl.h"
#undef REAL
#undef FN
