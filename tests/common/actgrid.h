/*
 * actgrid.h - test inputs for the table-driven libactiv tests: parameter sets
 * generated from the specs, and the grid of x values (log-spaced over the
 * whole double range, dense near 0, special points, kinks and roots).
 */
#ifndef TESTS_ACTGRID_H
#define TESTS_ACTGRID_H

#include <stddef.h>

#include "activ.h"
#include "refexpr.h"

/* Up to max valid parameter sets for f: the defaults first (when they are
 * valid: threshold has required parameters), then sets generated from the
 * specs' bounds, every CHOICE value covered. Returns how many. */
size_t ag_param_sets(const activ_fn *f, activ_params *out, size_t max);

/* A growable list of doubles. */
typedef struct ag_list {
    double *v;
    size_t n, cap;
} ag_list;

void ag_push(ag_list *l, double x);
void ag_free(ag_list *l);
/* Sort and remove duplicates (+0 and -0 are kept apart). */
void ag_unique(ag_list *l);

/* x and its neighbours: k ULPs each way in double, and in float when x is a
 * float. */
void ag_push_around(ag_list *l, double x, int k);

/* The grid for one activation with bound parameters: `scale` (1 = full)
 * thins the dense parts for extra parameter sets. Kinks come from the row
 * (their `at` expressions evaluated exactly). */
void ag_grid(const activ_params *p, double scale, ag_list *out);

/* Add the doubles next to every sign change of expression e along the sorted
 * list xs (found by bisection on doubles with the exact reference): the roots
 * of f' where relative accuracy is hardest. */
void ag_add_roots(const rx_expr *e, const rx_env *env, const ag_list *xs, const double *ref,
                  ag_list *out);

/* 1 when x is exactly a float (finite). */
int ag_is_float(double x);

/* Range text "(lo, hi)" / "[lo, hi]" of a row: the two end expressions
 * evaluated with env (ends may be inf / -inf). 0 on success. */
int ag_range(const char *text, const rx_env *env, rx_value *lo, rx_value *hi);

#endif
