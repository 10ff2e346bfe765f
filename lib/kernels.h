/*
 * kernels.h - scalar kernels of the elementwise activations (internal).
 *
 * Each kernel is `double k_NAME(double x, const double *p)` (value) or
 * `double d_NAME(double x, const double *p)` (derivative); p holds the
 * parameters in the order of the registry row. registry.c turns each pair
 * into array loops for float64 and float32.
 *
 * Conventions shared by every kernel:
 *  - NaN in, NaN out, for values and derivatives (piecewise kernels test it
 *    explicitly because comparisons with NaN are false).
 *  - +-Inf in gives the IEEE limit (sigmoid(+Inf) = 1, elu'(-Inf) = 0).
 *  - At kinks the derivative is PyTorch autograd's (see the registry row).
 *  - Never -ffast-math: the stable forms below rely on exact IEEE rounding.
 *  - Smooth kernels compute in double-double (k_dd.h, k_exp.h) and round
 *    once: within 1 ULP for values and 2 for derivatives, including tails
 *    whose exponent is below DBL_MIN (carried separately in a dde until the
 *    final rounding, so subnormal results are rounded once). The float32
 *    rows run these too, rounded to float, except where k_f32.h has a
 *    plain-double kernel of its own (enough for a float result).
 *  - The range splits below say which form covers which x and why.
 */
#ifndef ACTIV_KERNELS_H
#define ACTIV_KERNELS_H

#include <math.h>

#include "num/gauss.h"

/* ---- logistic family ---------------------------------------------------- */

/* ---- piecewise linear --------------------------------------------------- */

#endif
