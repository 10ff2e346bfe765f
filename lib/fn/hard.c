/*
 * fn/hard.c - the hard (piecewise-linear) logistic family: hardsigmoid and
 * hardswish = x*hardsigmoid(x), as PyTorch writes them with relu6(x+3)/6.
 *
 * (x + 3)/6 is formed exactly and rounded once (x + 3 alone would round), so
 * the kinks sit exactly at -3 and 3. The four-lane forms are the same steps,
 * branch-free; float32 results are the float64 ones rounded to float.
 */
#include <math.h>

#include "loops.h"
#include "num/vec.h"
#include "registry.h"

/* ---- hardsigmoid ------------------------------------------------------------------- */

/*
 * hardsigmoid(x) = clamp(alpha*x + beta, 0, 1).
 *  At the defaults (alpha exactly 1/6 as def_text says, beta 1/2) this is
 *  PyTorch's relu6(x+3)/6: the kinks sit exactly at -3 and 3 and (x+3)/6 is
 *  computed in dd and rounded once (x + 3 alone would round).
 *  Otherwise fma(alpha, x, beta) rounds alpha*x+beta once; the derivative's
 *  conditions use the exact sign of alpha*x + beta (- 1), since the rounded
 *  fma can land on 0 or 1 when the exact value is beside it.
 */
enum { HARDSIGMOID_ALPHA, HARDSIGMOID_BETA };

K_INLINE int hardsigmoid_default(const double *p)
{
    return p[HARDSIGMOID_ALPHA] == 1.0 / 6 && p[HARDSIGMOID_BETA] == 0.5;
}

K_INLINE double hardsigmoid_value(double x, const double *p)
{
    if (x != x) return x;
    if (hardsigmoid_default(p)) {
        if (x <= -3) return 0.0;
        if (x >= 3) return 1.0;
        return dd_round(dd_div_d(two_sum(x, 3), 6));
    }
    double t = fma(p[HARDSIGMOID_ALPHA], x, p[HARDSIGMOID_BETA]);
    return t <= 0 ? 0.0 : (t >= 1 ? 1.0 : t);
}

K_INLINE double hardsigmoid_grad(double x, const double *p)
{
    if (x != x) return x;
    if (hardsigmoid_default(p)) return (x > -3 && x < 3) ? p[HARDSIGMOID_ALPHA] : 0;
    if (isinf(x)) return 0;
    return (k_sign4(p[HARDSIGMOID_ALPHA], x, p[HARDSIGMOID_BETA], 0) > 0 &&
            k_sign4(p[HARDSIGMOID_ALPHA], x, p[HARDSIGMOID_BETA], 1) < 0)
               ? p[HARDSIGMOID_ALPHA]
               : 0;
}

#ifdef K_HAVE_VEC
/* The four-lane kernels are the defaults' (x + 3)/6; other parameters stay
 * with the scalar kernels. */
static inline int hardsigmoid_vec_ok(const double *p)
{
    return hardsigmoid_default(p);
}

KV void hardsigmoid_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 v = v_round(v_dd_div_d(v_two_sum(x[h], v_set(3)), v_set(6)));
        v = _mm256_blendv_pd(v, v_set(1), _mm256_cmp_pd(x[h], v_set(3), _CMP_GE_OQ));
        v = _mm256_blendv_pd(v, v_set(0), _mm256_cmp_pd(x[h], v_set(-3), _CMP_LE_OQ));
        r[h] = v_keep_nan(v, x[h]);
    });
}

KV void hardsigmoid_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 in = _mm256_and_pd(v_gt(x[h], -3), v_lt(x[h], 3));
        r[h] = v_keep_nan(_mm256_and_pd(in, v_set(p[HARDSIGMOID_ALPHA])), x[h]);
    });
}
#endif

/* hardsigmoid'' = 0, also where hardsigmoid' jumps (activ_grad2_zero). */
ACTIV_EW_LOOPS_VEC(hardsigmoid_loops, hardsigmoid_vec_ok, hardsigmoid_value, hardsigmoid_grad,
                   activ_grad2_zero, hardsigmoid_value, hardsigmoid_grad, activ_grad2_zero,
                   hardsigmoid_value_vec, hardsigmoid_grad_vec, hardsigmoid_value_vec,
                   hardsigmoid_grad_vec)

const struct activ_fn activ_fn_hardsigmoid = {
    .name = "hardsigmoid",
    .aliases = NO_ALIASES,
    .summary = "Piecewise-linear sigmoid: clamp(alpha*x + beta, 0, 1); ONNX uses alpha 0.2.",
    .pytorch = "torch.nn.functional.hardsigmoid",
    .params = LIST(
        activ_param_spec,
        [HARDSIGMOID_ALPHA] = {"alpha", ACTIV_PARAM_REAL, 1.0 / 6, 0, INF, ACTIV_PARAM_MIN_OPEN,
                               NULL, "1/6", "slope, > 0 (PyTorch 1/6, ONNX 0.2)"},
        [HARDSIGMOID_BETA] = {"beta", ACTIV_PARAM_REAL, 0.5, -INF, INF, 0, NULL, "1/2", "offset"}),
    .formula = "min(max(alpha*x + beta, 0), 1)",
    .formula_tex = "\\min(\\max(\\alpha x + \\beta, 0), 1)",
    .derivative = "alpha if alpha*x + beta > 0 and alpha*x + beta < 1 else 0",
    .derivative_tex = "\\begin{cases} \\alpha & 0 < \\alpha x + \\beta < 1 \\\\ 0 & "
                      "\\text{otherwise} \\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "[0, 1]",
    .kinks = LIST(activ_kink, {"-beta/alpha", "0", "0 where alpha*x + beta = 0 (x = -3)"},
                  {"(1 - beta)/alpha", "0", "0 where alpha*x + beta = 1 (x = 3)"}),
    .kinks2 = LIST(activ_kink,
                   {"-beta/alpha", "0",
                    "0 where alpha*x + beta = 0 (hardsigmoid' jumps; PyTorch has no double "
                    "backward for hardsigmoid_backward: 0 as for hardtanh)"},
                   {"(1 - beta)/alpha", "0", "0 where alpha*x + beta = 1"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "defaults: relu6(x+3)/6 with exact 1/6, as PyTorch, rounded once; otherwise "
                "one fma, the kinks decided by the exact sign of alpha*x + beta (- 1).",
    .ew = &hardsigmoid_loops,
};

/* ---- hardswish --------------------------------------------------------------------- */

/*
 * hardswish(x) = x*relu6(x+3)/6: 0 for x <= -3, x for x >= 3 (so no
 * overflow of x*6 at 1e308), x*(x+3)/6 in dd between (two roundings
 * otherwise, and x + 3 a third).
 * hardswish'(x) = 0 (x <= -3), x/3 + 1/2 = (x + 3/2)/3 (-3 < x < 3; the sum
 * exact, so the root at -3/2 keeps relative accuracy), 1 (x >= 3).
 */
K_INLINE double hardswish_value(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0.0;
    if (x >= 3) return x;
    return dd_mul_d_round(dd_div_d(two_sum(x, 3), 6), x, 0);
}

K_INLINE double hardswish_grad(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return dd_round(dd_div_d(two_sum(x, 1.5), 3)); /* (x + 3/2)/3, exact sum */
}

/* hardswish''(x) = 1/3 on (-3, 3), 0 elsewhere, and 0 at +-3 where
 * hardswish' jumps (PyTorch's hardswish_backward double backward:
 * where(-3 < self < 3, grad*grad_output/3, 0)). */
K_INLINE double hardswish_grad2(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return (x > -3 && x < 3) ? 1.0 / 3 : 0;
}

#ifdef K_HAVE_VEC
/* x*(x + 3)/6 in dd between -3 and 3 (products whose size leaves dd_scale's
 * fast range, |x| below 2^-59, to the scalar kernel). */
KV void hardswish_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        vdd m = v_dd_mul_d(v_dd_div_d(v_two_sum(x[h], v_set(3)), v_set(6)), x[h]);
        v4 mid = _mm256_and_pd(v_gt(x[h], -3), v_lt(x[h], 3));
        redo[h] = _mm256_and_pd(mid, v_outside(v_abs(m.hi), 0x1p-60, 0x1p60));
        v4 v = _mm256_blendv_pd(x[h], v_round(m), v_lt(x[h], 3));
        v = _mm256_blendv_pd(v, v_set(0), _mm256_cmp_pd(x[h], v_set(-3), _CMP_LE_OQ));
        r[h] = v_keep_nan(v, x[h]);
    });
}

KV void hardswish_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 v = v_round(v_dd_div_d(v_two_sum(x[h], v_set(1.5)), v_set(3)));
        v = _mm256_blendv_pd(v, v_set(1), _mm256_cmp_pd(x[h], v_set(3), _CMP_GE_OQ));
        v = _mm256_blendv_pd(v, v_set(0), _mm256_cmp_pd(x[h], v_set(-3), _CMP_LE_OQ));
        r[h] = v_keep_nan(v, x[h]);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(hardswish_loops, activ_vec_always, hardswish_value, hardswish_grad,
                   hardswish_grad2, hardswish_value, hardswish_grad, hardswish_grad2,
                   hardswish_value_vec, hardswish_grad_vec, hardswish_value_vec, hardswish_grad_vec)

const struct activ_fn activ_fn_hardswish = {
    .name = "hardswish",
    .aliases = NO_ALIASES,
    .summary = "x*hardsigmoid(x) (MobileNetV3).",
    .pytorch = "torch.nn.functional.hardswish",
    .formula = "x*min(max(x + 3, 0), 6)/6",
    .formula_tex = "x \\frac{\\min(\\max(x + 3, 0), 6)}{6}",
    .derivative = "0 if x <= -3 else (x/3 + 0.5 if x < 3 else 1)",
    .derivative_tex = "\\begin{cases} 0 & x \\le -3 \\\\ x/3 + 1/2 & -3 < x < 3 \\\\ 1 & x "
                      "\\ge 3 \\end{cases}",
    .derivative2 = "1/3 if x > -3 and x < 3 else 0",
    .derivative2_tex = "\\begin{cases} 1/3 & -3 < x < 3 \\\\ 0 & \\text{otherwise} \\end{cases}",
    .range = "[-0.375, inf)",
    .kinks = LIST(activ_kink, {"-3", "0", "hardswish'(-3) = 0"}, {"3", "1", "hardswish'(3) = 1"}),
    .kinks2 = LIST(activ_kink,
                   {"-3", "0",
                    "hardswish''(-3) = 0 (hardswish' jumps; PyTorch's double backward is "
                    "where(-3 < self < 3, grad*grad_output/3, 0))"},
                   {"3", "0", "hardswish''(3) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "x itself for x >= 3, so hardswish(1e308) does not overflow; x*(x+3)/6 "
                "rounded once.",
    .ew = &hardswish_loops,
};
