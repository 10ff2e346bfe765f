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

/* selu's constants as PyTorch spells them (rounded to double). */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* ---- logistic family ---------------------------------------------------- */

/*
 * softsign(x) = x/(1+|x|) in dd (1 + |x| rounds); +-Inf gives +-1
 * (Inf/Inf would be NaN).
 */
K_INLINE double k_softsign(double x, const double *p)
{
    (void)p;
    if (isinf(x)) return copysign(1.0, x);
    if (x != x) return x;
    return dd_round(dd_div((dd){x, 0}, two_sum(1, fabs(x))));
}

/* softsign'(x) = 1/(1+|x|)^2 as r*r, r = 1/(1+|x|) in dd: squaring 1+|x|
 * first would overflow at |x| ~ 1e154 while the true value is still normal. */
K_INLINE double d_softsign(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (isinf(x)) return 0;
    dd r = dd_recip(two_sum(1, fabs(x)));
    if (fabs(x) > 0x1p500) { /* r^2 near DBL_MIN: square it scaled, round once */
        dd m = dd_mul((dd){r.hi * 0x1p600, r.lo * 0x1p600}, (dd){r.hi * 0x1p600, r.lo * 0x1p600});
        return dd_scale(m.hi, m.lo, -1200);
    }
    return dd_round(dd_mul(r, r));
}

/* ---- exponential linear units ------------------------------------------- */

/* elu(x) = x (x > 0), alpha*expm1(x) (x <= 0): expm1 in dd, not exp(x)-1,
 * which loses every digit near 0 (elu(-1e-10)). */
K_INLINE double k_elu(double x, const double *p)
{
    if (!(x <= 0)) return x;
    if (fabs(x) < 0x1p-900) return dd_mul_d_round((dd){p[0], 0}, x, 0); /* expm1(x) = x */
    return dd_round(dd_mul_d(expm1_dd(x), p[0]));
}

/* elu'(x) = 1 (x > 0), alpha*exp(x) (x <= 0); elu'(0) = alpha. */
K_INLINE double d_elu(double x, const double *p)
{
    if (x != x) return x;
    if (x > 0) return 1;
    if (x < -1400) return 0 * p[0];
    dde e = exp_dd(x, 0);
    double a = p[0];
    if (fabs(a) > 0x1p1000) a *= 0x1p-64, e.k += 64; /* mantissa*alpha must not overflow */
    dd m = dd_mul_d((dd){e.hi, e.lo}, a);
    return dd_scale(m.hi, m.lo, e.k);
}

/* scale*alpha exactly (its rounding alone would be half an ULP). */
K_INLINE dd selu_sa(void)
{
    return two_prod(SELU_SCALE, SELU_ALPHA);
}

/* selu(x) = scale*x (x > 0), scale*alpha*expm1(x) (x <= 0). */
K_INLINE double k_selu(double x, const double *p)
{
    (void)p;
    if (!(x <= 0)) return x != x ? x : SELU_SCALE * x;
    if (fabs(x) < 0x1p-900) return dd_mul_d_round(selu_sa(), x, 0); /* expm1(x) = x */
    return dd_round(dd_mul(expm1_dd(x), selu_sa()));
}

/* selu'(x) = scale (x > 0), scale*alpha*exp(x) (x <= 0); selu'(0) = scale*alpha. */
K_INLINE double d_selu(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x > 0) return SELU_SCALE;
    if (x < -1400) return 0;
    dde e = exp_dd(x, 0);
    dd m = dd_mul((dd){e.hi, e.lo}, selu_sa());
    return dd_scale(m.hi, m.lo, e.k);
}

/* q = x/alpha as a dd (the remainder is exact): exp amplifies its rounding. */
K_INLINE dd celu_q(double x, double alpha)
{
    double q = x / alpha;
    if (!isfinite(q) || fabs(q) > 0x1p1000) return (dd){q, 0};
    return (dd){q, fma(-q, alpha, x) / alpha};
}

/*
 * celu(x) = x (x > 0), alpha*expm1(x/alpha) (x <= 0).
 *  |q| < 2^-8: x*(1 + q/2 + q^2/6 + ...) = alpha*expm1(q) without forming q
 *              alone (x/alpha may underflow while the result is x).
 *  q > 700 (alpha < 0): alpha*e^q with e^q's exponent kept (may overflow,
 *              truly); q < -800: -alpha.
 */
K_INLINE double k_celu(double x, const double *p)
{
    if (!(x <= 0)) return x;
    double alpha = p[0];
    dd q = celu_q(x, alpha);
    if (fabs(q.hi) < 0x1p-8) {
        double h = q.hi;
        double s = h * h *
                   (0x1.5555555555555p-3 +
                    h * (0x1.5555555555555p-5 +
                         h * (0x1.1111111111111p-7 +
                              h * (0x1.6c16c16c16c17p-10 + h * 0x1.a01a01a01a01ap-13))));
        dd b = fast_two_sum(1, 0.5 * h);
        b.lo += 0.5 * q.lo + s;
        return dd_mul_d_round(b, x, 0);
    }
    if (q.hi < -800) return -alpha;
    if (q.hi > 1100) return alpha * HUGE_VAL;
    dde e = exp_dd(q.hi, q.lo);
    if (q.hi > 700) {
        dd m = dd_mul_d((dd){e.hi, e.lo}, alpha);
        return dd_scale(m.hi, m.lo, e.k);
    }
    dd d = dde_to_dd(e), em = two_sum(d.hi, -1);
    em.lo += d.lo;
    return dd_round(dd_mul_d(em, alpha));
}

/* celu'(x) = 1 (x > 0), exp(x/alpha) (x <= 0); celu'(0) = 1. */
K_INLINE double d_celu(double x, const double *p)
{
    if (!(x <= 0)) return x != x ? x : 1;
    dd q = celu_q(x, p[0]);
    if (q.hi < -1400) return 0;
    if (q.hi > 1100) return HUGE_VAL;
    return dde_round(exp_dd(q.hi, q.lo));
}

/* ---- piecewise linear --------------------------------------------------- */

/* relu(x) = max(x, 0), NaN kept; relu'(0) = 0. */
K_INLINE double k_relu(double x, const double *p)
{
    (void)p;
    return (x > 0 || x != x) ? x : 0.0;
}

K_INLINE double d_relu(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return x > 0 ? 1 : 0;
}

K_INLINE double k_leaky_relu(double x, const double *p)
{
    return x > 0 ? x : p[0] * x;
}

/* leaky_relu'(0) = negative_slope. */
K_INLINE double d_leaky_relu(double x, const double *p)
{
    if (x != x) return x;
    return x > 0 ? 1 : p[0];
}

/* prelu with one shared weight: same shape as leaky_relu; prelu'(0) = weight. */
#define k_prelu k_leaky_relu
#define d_prelu d_leaky_relu

/* hardtanh(x) = clamp(x, min_val, max_val); 0 derivative at both bounds. */
K_INLINE double k_hardtanh(double x, const double *p)
{
    if (x != x) return x;
    return x < p[0] ? p[0] : (x > p[1] ? p[1] : x);
}

K_INLINE double d_hardtanh(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] && x < p[1]) ? 1 : 0;
}

static const double relu6_bounds[2] = {0, 6};

K_INLINE double k_relu6(double x, const double *p)
{
    (void)p;
    double r = k_hardtanh(x, relu6_bounds);
    return r == 0 ? 0.0 : r; /* relu6(-0.0) = +0 */
}

K_INLINE double d_relu6(double x, const double *p)
{
    (void)p;
    return d_hardtanh(x, relu6_bounds);
}

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

K_INLINE double k_identity(double x, const double *p)
{
    (void)p;
    return x;
}

K_INLINE double d_identity(double x, const double *p)
{
    (void)p;
    return x != x ? x : 1;
}

#endif
