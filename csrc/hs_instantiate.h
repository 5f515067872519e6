/*
 * Instantiates a kernel body for double and float.  Define HS_IMPL as the body's header
 * (a string) and include this file: the body is read twice, with REAL the type and
 * FN(name) the name suffixed _f64, then _f32.  (No include guard: included once per body.)
 */
#define REAL double
#define FN(name) name##_f64
#include HS_IMPL
#undef REAL
#undef FN

#define REAL float
#define FN(name) name##_f32
#include HS_IMPL
#undef REAL
#undef FN

#undef HS_IMPL
