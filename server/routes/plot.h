/*
 * plot.h - GET /plot: an activation and/or its derivative as an SVG chart
 * in the article's style (title "y = <formula>", axes, ticks, grid, legend
 * when both curves are drawn).
 *
 *   GET /plot?activation=sigmoid&what=value|grad|both&start=-10&stop=10
 *            [&num=801][&format=svg][&<param>=<value>...]
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

/* What to draw: samples x[0..n) with the values y and/or the derivative g
 * (either may be NULL, not both). Non-finite samples break the line. */
typedef struct plot_data {
    const activ_params *params; /* params->fn is the activation */
    const double *x, *y, *g;
    size_t n;
    double start, stop;
} plot_data;

/* The whole SVG document into b (b->oom tells if it ran out of memory). */
void plot_svg(obuf *b, const plot_data *d);

enum MHD_Result route_plot(req *r);

#endif
