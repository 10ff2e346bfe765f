/*
 * fn/softsign.c - softsign(x) = x/(1 + |x|), tanh's shape with polynomial
 * tails.
 *
 * One division in double-double; 1 + |x| is kept exactly (two_sum). No
 * four-lane or float32 forms: the float32 results are the float64 ones
 * rounded to float.
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

ACTIV_EW_LOOPS(softsign_loops, softsign_value, softsign_grad, softsign_value, softsign_grad)

const struct activ_fn activ_fn_softsign = {
    .name = "softsign",
    .aliases = NO_ALIASES,
    .summary = "x/(1+|x|): like tanh with polynomial tails.",
    .pytorch = "torch.nn.functional.softsign",
    .formula = "x/(1 + abs(x))",
    .formula_tex = "\\frac{x}{1 + |x|}",
    .derivative = "1/(1 + abs(x))**2",
    .derivative_tex = "\\frac{1}{(1 + |x|)^2}",
    .range = "(-1, 1)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "x/(1+|x|) with 1+|x| exact; derivative as r*r, r = 1/(1+|x|): (1+|x|)^2 "
                "overflows at 1e154.",
    .ew = &softsign_loops,
};
