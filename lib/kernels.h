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

/*
 * hardsigmoid(x) = clamp(alpha*x + beta, 0, 1).
 *  At the defaults (alpha exactly 1/6 as def_text says, beta 1/2) this is
 *  PyTorch's relu6(x+3)/6: the kinks sit exactly at -3 and 3 and (x+3)/6 is
 *  computed in dd and rounded once (x + 3 alone would round).
 *  Otherwise fma(alpha, x, beta) rounds alpha*x+beta once; the derivative's
 *  conditions use the exact sign of alpha*x + beta (- 1), since the rounded
 *  fma can land on 0 or 1 when the exact value is beside it.
 */
K_INLINE int hardsigmoid_default(const double *p)
{
    return p[0] == 1.0 / 6 && p[1] == 0.5;
}

K_INLINE double k_hardsigmoid(double x, const double *p)
{
    if (x != x) return x;
    if (hardsigmoid_default(p)) {
        if (x <= -3) return 0.0;
        if (x >= 3) return 1.0;
        return dd_round(dd_div_d(two_sum(x, 3), 6));
    }
    double t = fma(p[0], x, p[1]);
    return t <= 0 ? 0.0 : (t >= 1 ? 1.0 : t);
}

K_INLINE double d_hardsigmoid(double x, const double *p)
{
    if (x != x) return x;
    if (hardsigmoid_default(p)) return (x > -3 && x < 3) ? p[0] : 0;
    if (isinf(x)) return 0;
    return (k_sign4(p[0], x, p[1], 0) > 0 && k_sign4(p[0], x, p[1], 1) < 0) ? p[0] : 0;
}

/*
 * hardswish(x) = x*relu6(x+3)/6: 0 for x <= -3, x for x >= 3 (so no
 * overflow of x*6 at 1e308), x*(x+3)/6 in dd between (two roundings
 * otherwise, and x + 3 a third).
 * hardswish'(x) = 0 (x <= -3), x/3 + 1/2 = (x + 3/2)/3 (-3 < x < 3; the sum
 * exact, so the root at -3/2 keeps relative accuracy), 1 (x >= 3).
 */
K_INLINE double k_hardswish(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0.0;
    if (x >= 3) return x;
    return dd_mul_d_round(dd_div_d(two_sum(x, 3), 6), x, 0);
}

K_INLINE double d_hardswish(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return dd_round(dd_div_d(two_sum(x, 1.5), 3)); /* (x + 3/2)/3, exact sum */
}

/* softshrink(x) = x - lambd (x > lambd), x + lambd (x < -lambd), 0 else. */
K_INLINE double k_softshrink(double x, const double *p)
{
    if (x != x) return x;
    return x > p[0] ? x - p[0] : (x < -p[0] ? x + p[0] : 0.0);
}

/* 0 at +-lambd, as PyTorch. Shared by softshrink and hardshrink. */
K_INLINE double d_softshrink(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] || x < -p[0]) ? 1 : 0;
}

K_INLINE double k_hardshrink(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] || x < -p[0]) ? x : 0.0;
}

#define d_hardshrink d_softshrink

/* threshold(x) = x (x > threshold), value (x <= threshold); written as
 * PyTorch does (x <= th ? value : x) so NaN passes through. */
K_INLINE double k_threshold(double x, const double *p)
{
    return x <= p[0] ? p[1] : x;
}

K_INLINE double d_threshold(double x, const double *p)
{
    if (x != x) return x;
    return x > p[0] ? 1 : 0;
}

#endif
