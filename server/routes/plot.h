/*
 * plot.h - GET /plot: an activation, its derivative and/or its second
 * derivative as an SVG chart in the article's style (title "y = <formula>",
 * axes, ticks, grid, legend when more than one curve is drawn).
 *
 *   GET /plot?activation=sigmoid&what=value|grad|both|grad2|all&start=-10
 *            &stop=10[&num=801][&format=svg][&<param>=<value>...]
 */
#ifndef ACTIVD_PLOT_H
#define ACTIVD_PLOT_H

#include <stddef.h>

#include "activ.h"
#include "core/http.h"
#include "core/obuf.h"

#define PLOT_MIN_NUM     2
#define PLOT_MAX_NUM     10000
#define PLOT_DEFAULT_NUM 801  /* linspace(-10, 10, 801): the article's 0.025 grid */
#define PLOT_MAX_ABS     1e12 /* |start|, |stop| */

/* The curves, in drawing order: f, f', f''. */
enum { PLOT_VALUE, PLOT_GRAD, PLOT_GRAD2, PLOT_CURVES };

/* What to draw: samples x[0..n) with curve[PLOT_VALUE] the values,
 * curve[PLOT_GRAD] the derivative, curve[PLOT_GRAD2] the second derivative
 * (NULL: not drawn; one at least is not). Non-finite samples break the
 * line. */
typedef struct plot_data {
    const activ_params *params; /* params->fn is the activation */
    const double *x, *curve[PLOT_CURVES];
    size_t n;
    double start, stop;
} plot_data;

/* The whole SVG document into b (b->oom tells if it ran out of memory). */
void plot_svg(obuf *b, const plot_data *d);

enum MHD_Result route_plot(req *r);

#endif
