/*
 * Order statistics (see order_stats.h), instantiated for double and float.
 */
#include <math.h>

#include "order_stats.h"

#define HS_IMPL "order_stats_impl.h"
#include "hs_instantiate.h"
