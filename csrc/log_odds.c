/*
 * Log-odds of the target class (see log_odds.h), instantiated for double and float.
 */
#include <math.h>

#include "log_odds.h"

#define HS_IMPL "log_odds_impl.h"
#include "hs_instantiate.h"
