/*
 * fn/elu.c - the exponential linear units: elu, selu, celu.
 *
 * All three are x (times a scale) for x > 0 and alpha*expm1(.) below, with
 * expm1 in double-double (num/exp.h): exp(x) - 1 loses every digit near 0
 * (elu(-1e-10)). The products with alpha are formed in double-double and
 * rounded once, subnormal tails included; their float32 results are these
 * float64 ones rounded to float.
 */
#include <math.h>

#include "loops.h"
#include "num/vexp.h"
#include "registry.h"

/* The products alpha*e^x stay normal (so scaled and unscaled products
 * round alike) for moderate alpha: the four-lane kernels hold there. */
static inline int alpha_moderate(double alpha)
{
    double a = fabs(alpha);
    return a >= 0x1p-8 && a <= 0x1p100;
}

/* ---- elu ------------------------------------------------------------------------- */

enum { ELU_ALPHA };

/* elu(x) = x (x > 0), alpha*expm1(x) (x <= 0): expm1 in dd, not exp(x)-1,
 * which loses every digit near 0 (elu(-1e-10)). */
K_INLINE double elu_value(double x, const double *p)
{
    if (!(x <= 0)) return x;
    if (fabs(x) < 0x1p-900) return dd_mul_d_round((dd){p[ELU_ALPHA], 0}, x, 0); /* expm1(x) = x */
    return dd_round(dd_mul_d(expm1_dd(x), p[ELU_ALPHA]));
}

/* elu'(x) = 1 (x > 0), alpha*exp(x) (x <= 0); elu'(0) = alpha. 0 only past
 * -1500: alpha up to 2^1024 keeps alpha*e^x a subnormal down to -1455. */
K_INLINE double elu_grad(double x, const double *p)
{
    if (x != x) return x;
    if (x > 0) return 1;
    if (x < -1500) return 0 * p[ELU_ALPHA];
    dde e = exp_dd(x, 0);
    double a = p[ELU_ALPHA];
    if (fabs(a) > 0x1p1000) a *= 0x1p-64, e.k += 64; /* mantissa*alpha must not overflow */
    dd m = dd_mul_d((dd){e.hi, e.lo}, a);
    return dd_scale(m.hi, m.lo, e.k);
}

/* elu''(x) = alpha*exp(x) (x < 0), 0 (x >= 0; also at 0, where elu' jumps or
 * has a corner: PyTorch's elu_double_backward masks self < 0). exp's
 * exponent kept, alpha of any magnitude (dd_mul_d_scale); 0 only past
 * -1500, since alpha up to 2^1024 keeps alpha*e^x above the least
 * subnormal down to x = -1455. */
K_INLINE double elu_grad2(double x, const double *p)
{
    if (x != x) return x;
    if (!(x < 0)) return 0;
    if (x < -1500) return 0 * p[ELU_ALPHA];
    dde e = exp_dd(x, 0);
    return dd_mul_d_scale((dd){e.hi, e.lo}, p[ELU_ALPHA], e.k);
}

#ifdef K_HAVE_VEC
static inline int elu_vec_ok(const double *p)
{
    return alpha_moderate(p[ELU_ALPHA]);
}

/* elu: x for x > 0 (and NaN), alpha*expm1(x) on [-700, -2^-8]. */
KV void elu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        v4 neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        redo[h] = _mm256_and_pd(neg, v_outside(x[h], -700, -0x1p-8));
        v4 e = v_round(v_dd_mul_d(v_expm1_neg(v_clamp(x[h], -700, -0x1p-8)), v_set(p[ELU_ALPHA])));
        r[h] = _mm256_blendv_pd(x[h], e, neg);
    });
}

/* elu': 1 for x > 0, alpha*exp(x) on [-700, 0]. */
KV void elu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        v4 neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        redo[h] = _mm256_or_pd(_mm256_cmp_pd(x[h], x[h], _CMP_UNORD_Q),
                               _mm256_cmp_pd(x[h], v_set(-700), _CMP_LT_OQ));
        v4 e = v_round(v_dd_mul_d(v_exp(v_clamp(x[h], -700, 0), v_set(0)), v_set(p[ELU_ALPHA])));
        r[h] = _mm256_blendv_pd(v_set(1), e, neg);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(elu_loops, elu_vec_ok, elu_value, elu_grad, elu_grad2, elu_value, elu_grad,
                   elu_grad2, elu_value_vec, elu_grad_vec, elu_value_vec, elu_grad_vec)

const struct activ_fn activ_fn_elu = {
    .name = "elu",
    .aliases = NO_ALIASES,
    .summary = "Exponential linear unit: smooth negative saturation at -alpha.",
    .pytorch = "torch.nn.functional.elu",
    .params = LIST(activ_param_spec, [ELU_ALPHA] = REAL("alpha", 1, -INF, INF, 0,
                                                        "saturation value -alpha for x -> -inf")),
    .formula = "x if x > 0 else alpha*(exp(x) - 1)",
    .formula_tex = "\\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}",
    .derivative = "1 if x > 0 else alpha*exp(x)",
    .derivative_tex = "\\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & x \\le 0 \\end{cases}",
    .derivative2 = "alpha*exp(x) if x < 0 else 0",
    .derivative2_tex = "\\begin{cases} \\alpha e^{x} & x < 0 \\\\ 0 & x \\ge 0 \\end{cases}",
    .range = "(min(-alpha, 0), inf)",
    .kinks = LIST(activ_kink, {"0", "alpha", "elu'(0) = alpha"}),
    .kinks2 =
        LIST(activ_kink, {"0", "0", "elu''(0) = 0 (PyTorch's elu_double_backward masks self < 0)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "alpha*expm1(x) in double-double (exp(x) - 1 loses every digit near 0); "
                "derivative alpha*exp(x) rounded once, subnormal tails included.",
    .ew = &elu_loops,
};

/* ---- selu ------------------------------------------------------------------------ */

/* selu's constants as PyTorch spells them (rounded to double). */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* scale*alpha exactly (its rounding alone would be half an ULP). */
K_INLINE dd selu_sa(void)
{
    return two_prod(SELU_SCALE, SELU_ALPHA);
}

/* selu(x) = scale*x (x > 0), scale*alpha*expm1(x) (x <= 0). */
K_INLINE double selu_value(double x, const double *p)
{
    (void)p;
    if (!(x <= 0)) return x != x ? x : SELU_SCALE * x;
    if (fabs(x) < 0x1p-900) return dd_mul_d_round(selu_sa(), x, 0); /* expm1(x) = x */
    return dd_round(dd_mul(expm1_dd(x), selu_sa()));
}

/* selu'(x) = scale (x > 0), scale*alpha*exp(x) (x <= 0); selu'(0) = scale*alpha. */
K_INLINE double selu_grad(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x > 0) return SELU_SCALE;
    if (x < -1400) return 0;
    dde e = exp_dd(x, 0);
    dd m = dd_mul((dd){e.hi, e.lo}, selu_sa());
    return dd_scale(m.hi, m.lo, e.k);
}

/* selu''(x) = scale*alpha*exp(x) (x < 0), 0 (x >= 0, and at 0 as elu's),
 * scale*alpha exact; 0 past -1400 (scale*alpha*e^-1400 < 2^-2018). */
K_INLINE double selu_grad2(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (!(x < 0)) return 0;
    if (x < -1400) return 0;
    dde e = exp_dd(x, 0);
    dd m = dd_mul((dd){e.hi, e.lo}, selu_sa());
    return dd_scale(m.hi, m.lo, e.k);
}

#ifdef K_HAVE_VEC
/* selu: scale*x for x > 0, scale*alpha*expm1(x) on [-700, -2^-8]. */
KV void selu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        vdd sa = v_two_prod(v_set(SELU_SCALE), v_set(SELU_ALPHA));
        v4 neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        redo[h] = _mm256_or_pd(_mm256_and_pd(neg, v_outside(x[h], -700, -0x1p-8)),
                               _mm256_cmp_pd(x[h], x[h], _CMP_UNORD_Q));
        v4 e = v_round(v_dd_mul(v_expm1_neg(v_clamp(x[h], -700, -0x1p-8)), sa));
        r[h] = _mm256_blendv_pd(v_set(SELU_SCALE) * x[h], e, neg);
    });
}

/* selu': scale for x > 0, scale*alpha*exp(x) on [-700, 0]. */
KV void selu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        vdd sa = v_two_prod(v_set(SELU_SCALE), v_set(SELU_ALPHA));
        v4 neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        redo[h] = _mm256_or_pd(_mm256_cmp_pd(x[h], x[h], _CMP_UNORD_Q),
                               _mm256_cmp_pd(x[h], v_set(-700), _CMP_LT_OQ));
        v4 e = v_round(v_dd_mul(v_exp(v_clamp(x[h], -700, 0), v_set(0)), sa));
        r[h] = _mm256_blendv_pd(v_set(SELU_SCALE), e, neg);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(selu_loops, activ_vec_always, selu_value, selu_grad, selu_grad2, selu_value,
                   selu_grad, selu_grad2, selu_value_vec, selu_grad_vec, selu_value_vec,
                   selu_grad_vec)

const struct activ_fn activ_fn_selu = {
    .name = "selu",
    .aliases = NO_ALIASES,
    .summary = "Scaled ELU with the self-normalising constants of Klambauer et al.",
    .pytorch = "torch.nn.functional.selu",
    .consts = LIST(activ_const, {"scale", SELU_SCALE}, {"alpha", SELU_ALPHA}),
    .constants = "scale = 1.0507009873554804934193349852946, "
                 "alpha = 1.6732632423543772848170429916717",
    .formula = "scale*(x if x > 0 else alpha*(exp(x) - 1))",
    .formula_tex = "\\lambda \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 "
                   "\\end{cases}",
    .derivative = "scale*(1 if x > 0 else alpha*exp(x))",
    .derivative_tex = "\\lambda \\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & x \\le 0 "
                      "\\end{cases}",
    .derivative2 = "scale*alpha*exp(x) if x < 0 else 0",
    .derivative2_tex = "\\lambda \\begin{cases} \\alpha e^{x} & x < 0 \\\\ 0 & x \\ge 0 "
                       "\\end{cases}",
    .range = "(-scale*alpha, inf)",
    .kinks = LIST(activ_kink, {"0", "scale*alpha", "selu'(0) = scale*alpha"}),
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "selu''(0) = 0 (torch.selu is elu with selu's constants: "
                                "elu_double_backward masks self < 0)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "scale*alpha kept exact (its rounding alone is half an ULP), times expm1(x) "
                "in double-double.",
    .ew = &selu_loops,
};

/* ---- celu ------------------------------------------------------------------------ */

enum { CELU_ALPHA };

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
 *  A huge |alpha| overflows the product below q = 700 too (alpha = -1e300,
 *  q > 19): two_prod's parts are then -Inf and +Inf, their sum NaN, and
 *  the result alpha*Inf.
 */
K_INLINE double celu_value(double x, const double *p)
{
    if (!(x <= 0)) return x;
    double alpha = p[CELU_ALPHA];
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
    dd m = dd_mul_d(em, alpha);
    return isfinite(m.hi) ? dd_round(m) : alpha * HUGE_VAL;
}

/* celu'(x) = 1 (x > 0), exp(x/alpha) (x <= 0); celu'(0) = 1. */
K_INLINE double celu_grad(double x, const double *p)
{
    if (!(x <= 0)) return x != x ? x : 1;
    dd q = celu_q(x, p[CELU_ALPHA]);
    if (q.hi < -1400) return 0;
    if (q.hi > 1100) return HUGE_VAL;
    return dde_round(exp_dd(q.hi, q.lo));
}

/*
 * celu''(x) = exp(x/alpha)/alpha (x < 0), 0 (x >= 0; at 0 celu' has a
 * corner, and PyTorch's elu_double_backward masks self < 0), q = x/alpha
 * exact as a dd (celu_q: exp amplifies its rounding by |q|).
 *  q < -1500: +-0 (1/alpha <= 2^1074 cannot lift e^q above 2^-1090);
 *  q > 1100 (alpha < 0): e^1100 * e^(q - 1100) (q - 1100 exact),
 *  overflowing where it truly does (always past q = 1420, since
 *  |alpha| <= DBL_MAX/q).
 */
K_INLINE double celu_grad2(double x, const double *p)
{
    double alpha = p[CELU_ALPHA];
    if (x != x) return x;
    if (!(x < 0)) return 0;
    dd q = celu_q(x, alpha);
    if (q.hi < -1500) return copysign(0.0, alpha);
    if (q.hi > 1420) return copysign(HUGE_VAL, alpha);
    dde e = exp_dd(q.hi > 1100 ? q.hi - 1100 : q.hi, q.lo);
    if (q.hi > 1100) {
        dde big = exp_dd(1100, 0);
        dd m = dd_mul((dd){e.hi, e.lo}, (dd){big.hi, big.lo});
        e = (dde){m.hi, m.lo, e.k + big.k};
    }
    return dd_div_d_scale((dd){e.hi, e.lo}, alpha, e.k);
}

#ifdef K_HAVE_VEC
static inline int celu_vec_ok(const double *p)
{
    return alpha_moderate(p[CELU_ALPHA]);
}

/* q = x/alpha as a dd (celu_q's steps); lanes with huge q are redone anyway. */
KV vdd v_celu_q(v4 x, v4 alpha)
{
    v4 q = x / alpha;
    return (vdd){q, _mm256_fnmadd_pd(q, alpha, x) / alpha};
}

/* celu(x) = x (x > 0), alpha*expm1(x/alpha) for 2^-8 <= |x/alpha| <= 700. */
KV void celu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        v4 alpha = v_set(p[CELU_ALPHA]), neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        vdd q = v_celu_q(x[h], alpha);
        redo[h] = _mm256_and_pd(neg, v_outside(v_abs(q.hi), 0x1p-8, 700));
        v4 ok = _mm256_cmp_pd(v_abs(q.hi), v_set(700), _CMP_LE_OQ);
        vdd e = v_exp(v_clamp(q.hi, -700, 700), _mm256_and_pd(q.lo, ok));
        vdd em = v_two_sum(e.hi, v_set(-1));
        em.lo = em.lo + e.lo;
        r[h] = _mm256_blendv_pd(x[h], v_round(v_dd_mul_d(em, alpha)), neg);
    });
}

/* celu'(x) = 1 (x > 0), exp(x/alpha) for |x/alpha| <= 660 (dd_scale's fast range). */
KV void celu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        v4 alpha = v_set(p[CELU_ALPHA]), neg = _mm256_cmp_pd(x[h], v_set(0), _CMP_LE_OQ);
        vdd q = v_celu_q(x[h], alpha);
        redo[h] = _mm256_or_pd(_mm256_cmp_pd(x[h], x[h], _CMP_UNORD_Q),
                               _mm256_and_pd(neg, v_outside(v_abs(q.hi), 0, 660)));
        v4 ok = _mm256_cmp_pd(v_abs(q.hi), v_set(660), _CMP_LE_OQ);
        vdd e = v_exp(v_clamp(q.hi, -660, 660), _mm256_and_pd(q.lo, ok));
        r[h] = _mm256_blendv_pd(v_set(1), v_round(e), neg);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(celu_loops, celu_vec_ok, celu_value, celu_grad, celu_grad2, celu_value,
                   celu_grad, celu_grad2, celu_value_vec, celu_grad_vec, celu_value_vec,
                   celu_grad_vec)

const struct activ_fn activ_fn_celu = {
    .name = "celu",
    .aliases = NO_ALIASES,
    .summary = "Continuously differentiable ELU.",
    .pytorch = "torch.nn.functional.celu",
    .params = LIST(activ_param_spec, [CELU_ALPHA] = REAL("alpha", 1, -INF, INF, ACTIV_PARAM_NONZERO,
                                                         "saturation value; must not be 0")),
    .formula = "x if x > 0 else alpha*(exp(x/alpha) - 1)",
    .formula_tex = "\\begin{cases} x & x > 0 \\\\ \\alpha (e^{x/\\alpha} - 1) & x \\le 0 "
                   "\\end{cases}",
    .derivative = "1 if x > 0 else exp(x/alpha)",
    .derivative_tex = "\\begin{cases} 1 & x > 0 \\\\ e^{x/\\alpha} & x \\le 0 \\end{cases}",
    .derivative2 = "exp(x/alpha)/alpha if x < 0 else 0",
    .derivative2_tex = "\\begin{cases} e^{x/\\alpha}/\\alpha & x < 0 \\\\ 0 & x \\ge 0 "
                       "\\end{cases}",
    .range = "(-alpha if alpha > 0 else -inf, inf)",
    .kinks = LIST(activ_kink, {"0", "1", "celu'(0) = 1"}),
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "celu''(0) = 0 (PyTorch's celu backward is elu_backward with "
                                "input_scale 1/alpha; elu_double_backward masks self < 0)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "x/alpha kept exact (exp amplifies its rounding); near 0 "
                "x*(1 + q/2 + q^2/6 + ...) so tiny x/alpha cannot underflow the result.",
    .ew = &celu_loops,
};
