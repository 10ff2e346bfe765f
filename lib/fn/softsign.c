/*
 * fn/softsign.c - softsign(x) = x/(1 + |x|), tanh's shape with polynomial
 * tails.
 *
 * One division in double-double; 1 + |x| is kept exactly (two_sum). No
 * four-lane forms, and float32 forms only for the second derivative: the
 * other float32 results are the float64 ones rounded to float.
 */
#include <math.h>

#include "loops.h"
#include "num/dd.h"
#include "registry.h"

/*
 * softsign(x) = x/(1+|x|) in dd (1 + |x| rounds); +-Inf gives +-1
 * (Inf/Inf would be NaN).
 */
K_INLINE double softsign_value(double x, const double *p)
{
    (void)p;
    if (isinf(x)) return copysign(1.0, x);
    if (x != x) return x;
    return dd_round(dd_div((dd){x, 0}, two_sum(1, fabs(x))));
}

/* softsign'(x) = 1/(1+|x|)^2 as r*r, r = 1/(1+|x|) in dd: squaring 1+|x|
 * first would overflow at |x| ~ 1e154 while the true value is still normal. */
K_INLINE double softsign_grad(double x, const double *p)
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

/*
 * softsign''(x) = -2 sign(x)/(1 + |x|)^3 as -2 sign(x) r^3, r = 1/(1+|x|) in
 * dd (1 + |x| exact as two_sum); r scaled by 2^300 past |x| = 2^300 so r^3
 * does not underflow early, 0 from 2^359 (below half the least subnormal).
 * softsign''(0) = 0: PyTorch differentiates x/(|x| + 1) through abs, whose
 * derivative sgn(x) is 0 at 0.
 */
K_INLINE double softsign_grad2(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (a == 0) return 0;
    if (a >= 0x1p359) return -copysign(0.0, x);
    dd r = dd_recip(two_sum(1, a));
    int k = 1;
    if (a > 0x1p300) r = (dd){r.hi * 0x1p300, r.lo * 0x1p300}, k -= 900;
    dd c = dd_mul(dd_mul(r, r), r);
    return -copysign(dd_scale(c.hi, c.lo, k), x);
}

/* float32: -2 sign(x) r^3 in plain double, r = 1/(1 + |x|): for a float x,
 * r^3 stays above 2^-384, and 1 + |x| rounds by 2^-53 at most. */
K_INLINE double softsign_grad2_f32(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (a == 0) return 0;
    double r = 1 / (1 + a);
    return -copysign(2 * (r * r * r), x);
}

ACTIV_EW_LOOPS(softsign_loops, softsign_value, softsign_grad, softsign_grad2, softsign_value,
               softsign_grad, softsign_grad2_f32)

const struct activ_fn activ_fn_softsign = {
    .name = "softsign",
    .aliases = NO_ALIASES,
    .summary = "x/(1+|x|): like tanh with polynomial tails.",
    .pytorch = "torch.nn.functional.softsign",
    .formula = "x/(1 + abs(x))",
    .formula_tex = "\\frac{x}{1 + |x|}",
    .derivative = "1/(1 + abs(x))**2",
    .derivative_tex = "\\frac{1}{(1 + |x|)^2}",
    .derivative2 = "-2/(1 + x)**3 if x > 0 else (2/(1 - x)**3 if x < 0 else 0)",
    .derivative2_tex = "-\\frac{2\\,\\mathrm{sgn}(x)}{(1 + |x|)^3}",
    .range = "(-1, 1)",
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "softsign''(0) = 0 (softsign' has a corner there; PyTorch "
                                "differentiates x/(abs(x) + 1) through abs, and sgn(0) = 0)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "x/(1+|x|) with 1+|x| exact; derivative as r*r, r = 1/(1+|x|): (1+|x|)^2 "
                "overflows at 1e154.",
    .ew = &softsign_loops,
};
