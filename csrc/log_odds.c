/*
 * Log-odds of the target class (see log_odds.h), instantiated for double and float.
 */
#include <math.h>

#include "log_odds.h"

#define REAL double
#define FN(name) name##_f64
#include "log_odds_impl.h"
#undef REAL
#undef FN

#define REAL float
#define FN(name) name##_f32
#include "log_odds_impl.h"
#undef REAL
#undef FN
