/*
 * The joint extraction's PDHG, shared by its files (shared_pdhg.c: the iterations and
 * their restarts; shared_step.c: one step; shared_certificate.c: the bounds at a check).
 * See shared_pdhg.c for the method.
 */
#ifndef HS_SHARED_PDHG_H
#define HS_SHARED_PDHG_H

#include <math.h>

#include "pdhg_schedule.h"
#include "shared_and_or.h"

/*
 * The problem's sizes and its steps at primal weight 1.  A point of one input is one block
 * [a (m 2^n) | o (m 2^n) | gbar (2^n) | s (m) | y_f (m 2^n) | y_h (m 2^n) | y_e (m)]:
 * the primal part first, so that distances and Halpern's steps run over plain ranges.
 */
typedef struct {
    int n, m;
    hs_index size, primal, length; /* 2^n; the primal part's and the block's lengths */
    double alpha;
    const double *bound;
    double *step_a, *step_o, *step_f, *step_h, *or_in_sum; /* 2^n each */
    double step_s, step_g, step_e;
} shared_shape;

/* Named views of a point's block. */
typedef struct {
    double *a, *o, *g, *s, *yf, *yh, *ye;
} shared_parts;

static inline shared_parts hs_parts_of(const shared_shape *s, double *block) {
    const hs_index ms = (hs_index)s->m * s->size;
    shared_parts p;
    p.a = block;
    p.o = p.a + ms;
    p.g = p.o + ms;
    p.s = p.g + s->size;
    p.yf = p.s + s->m;
    p.yh = p.yf + ms;
    p.ye = p.yh + ms;
    return p;
}

/* One thread's arrays: z, its anchor z0, T(z) = z1, the extrapolated primal xbar (a
   block), K^T y and K xbar (m 2^n each, twice), the best repaired point, and scratch
   (tmp: 2^n; cand_g: a repaired gbar; prox: the proximal map's). */
typedef struct {
    double *z, *z0, *z1, *xbar, *ga, *go, *ku, *kw, *best_a, *best_o, *best_g, *tmp;
    double *cand_g, *prox;
    double *block;
} shared_work;

/* The steps of one iteration at the current primal weight (eta: fraction of the stable
   step). */
typedef struct {
    double primal, dual; /* eta weight, eta / weight */
} shared_steps;

/*
 * T(z) into z1 (the primal prox at z - T K^T y, then the dual prox at y + S K(2 x1 - x)),
 * and Halpern's step of z toward it: z <- lambda (2 T(z) - z) + (1 - lambda) z0.  *dx and
 * *dy get the squared primal and dual distances from z to T(z).
 */
void hs_shared_step(const shared_shape *s, const double *v, const double *tau, shared_steps st,
                    shared_work *w, int par, double lambda, double *dx, double *dy);

/* Bounds at T(z): the objective of the cheaper of its two repairs (kept as the best point
   when it improves on *upper) and the lower bound of its multipliers (*lower, when it
   improves on it). */
void hs_shared_certify(const shared_shape *s, const double *v, const double *tau, shared_work *w,
                       int par, double *upper, double *lower);

#endif /* HS_SHARED_PDHG_H */
