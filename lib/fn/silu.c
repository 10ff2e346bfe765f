/*
 * fn/silu.c - silu(x) = x*sigmoid(x) (swish with beta = 1).
 *
 * One exp(-|x|) in double-double gives both halves of the logistic function
 * (num/exp.h's sig_both), the sign a select. The derivative
 * s(x)*(1 + x*s(-x)) cancels at its root x0 = -1.2785, where a fitted
 * t*P(t), t = x - x0 exact, takes over (num/gauss.h's root_patch); so does
 * the second derivative's at +-2.3994. float32
 * results use the same forms in plain double (num/plain.h's gf_sig).
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vexp.h"
#include "registry.h"

/*
 * silu(x) = x*sigmoid(x): x for x > 40 (no Inf*0 at +Inf); below -700,
 * x*e/(1+e) with e's exponent kept, so silu(-745) is not a flushed 0.
 */
K_INLINE double silu_value(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (!(a <= 40)) {
        if (x != x || x > 0) return x;
        if (x < -1400) return -0.0;
        dde s = sig_neg(a, 0);
        dd m = dd_mul_d((dd){s.hi, s.lo}, x);
        return dd_scale(m.hi, m.lo, s.k);
    }
    sig2 s = sig_both(a, 0);
    return dd_mul_d_round(x >= 0 ? s.big : s.small, x, 0);
}

/*
 * silu'(x) = s(x)*(1 + x*s(-x)), both halves from one exp, in dd. The
 * bracket cancels only at the root x0 = -1.2785 (1 + x0*s(-x0) = 0), where
 * the fitted patch t*P(t) takes over. Below -700: e*(1+x), exponent kept.
 */
K_INLINE double silu_grad(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (near_root(&k_root_silu, x)) return root_patch(&k_root_silu, x);
    if (!(a <= 700)) {
        if (x != x) return x;
        if (x > 0) return 1;
        if (x < -1400) return -0.0;
        dde e = exp_dd(x, 0); /* s(x) = e, s(-x) = 1 */
        dd m = dd_mul((dd){e.hi, e.lo}, two_sum(1, x));
        return dd_scale(m.hi, m.lo, e.k);
    }
    sig2 s = sig_both(a, 0);
    dd sx = x >= 0 ? s.big : s.small, smx = x >= 0 ? s.small : s.big;
    return dd_round(dd_mul(sx, dd_add_d(dd_mul_d(smx, x), 1)));
}

/* silu(x) = x*sigmoid(x) in double (gf_sig: one exp, |x| clamped at 700);
 * x past 40, -0 below -700 (x*e^x, far below the floats). */
K_INLINE double silu_value_f32(double x, const double *p)
{
    (void)p;
    if (x != x || x > 40) return x;
    if (x < -700) return -0.0;
    double sp, sm;
    gf_sig(x, &sp, &sm);
    return x * sp;
}

/* silu'(x) = s(x)*(1 + x*s(-x)), the root patch where the bracket cancels;
 * 1 past 40, -0 below -700 (e^x (1 + x), far below the floats). */
K_INLINE double silu_grad_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x > 40) return 1;
    if (x < -700) return -0.0;
    if (near_root(&k_root_silu, x)) return root_patch(&k_root_silu, x);
    double sp, sm;
    gf_sig(x, &sp, &sm);
    return sp * fma(x, sm, 1);
}

/*
 * silu''(x) = s(x)s(-x)(2 - x tanh(x/2)), even: with a = |x|, big = 1/(1+e),
 * small = e/(1+e), e = exp(-a) (sig_both), small*big*(2 - a*(big - small)).
 *  Near 0 the 2 dominates, so tanh(a/2) = big - small needs only absolute
 *  accuracy. The bracket cancels at the root a0 = 2.3994 (a0 tanh(a0/2) =
 *  2): the fitted t*P(t) there (radius 2^-6; outside it the bracket is above
 *  2^-5.7, so exp's 2^-66 costs at most 2^-60).
 *  a > 700: e*(2 - a), exponent kept (the rest is e^2); -0 past 1400.
 */
K_INLINE double silu_grad2(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (near_root(&k_root2_silu, a)) return root_patch(&k_root2_silu, a);
    if (!(a <= 700)) {
        if (a != a) return x;
        if (a > 1400) return -0.0;
        dde e = exp_dd(-a, 0);
        dd m = dd_mul((dd){e.hi, e.lo}, two_sum(2, -a));
        return dd_scale(m.hi, m.lo, e.k);
    }
    sig2 s = sig_both(a, 0);
    dd b = dd_add_d(dd_neg(dd_mul_d(dd_add(s.big, dd_neg(s.small)), a)), 2);
    return dd_round(dd_mul(dd_mul(s.big, s.small), b));
}

/* float32: small*big*(2 - a(big - small)) in plain double; the bracket is
 * above 2^-5.7 outside the patch, so its 2^-50 absolute error is 2^-44
 * relative; -0 past 120 (below 2^-160). */
K_INLINE double silu_grad2_f32(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (near_root(&k_root2_silu, a)) return root_patch(&k_root2_silu, a);
    if (a > 120) return -0.0;
    double e = exp_p(-a), big = 1 / (1 + e), small = e * big;
    return small * big * fma(-a, big - small, 2);
}

#ifdef K_HAVE_VEC
/* silu(x) = x*sigmoid(x) for |x| <= 40 (tiny |x| to the scalar kernel, which
 * scales the product). */
KV void silu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = v_outside(a, 0x1p-900, 40);
        vdd big, small;
        v_sig_both(v_clamp(a, 0, 40), &big, &small);
        v4 pos = _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ);
        vdd s = {_mm256_blendv_pd(small.hi, big.hi, pos), _mm256_blendv_pd(small.lo, big.lo, pos)};
        vdd m = v_two_prod(s.hi, x[h]);
        r[h] = v_round(v_fast_two_sum(m.hi, m.lo + s.lo * x[h]));
    });
}

/* silu'(x) = s(x)*(1 + x*s(-x)) for |x| <= 700 away from its root (the
 * root patch and the tails are the scalar kernel's). */
KV void silu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = _mm256_or_pd(v_outside(a, 0, 700), v_near(x[h], &k_root_silu));
        vdd big, small;
        v_sig_both(v_clamp(a, 0, 700), &big, &small);
        v4 pos = _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ);
        vdd sx = v_select(pos, big, small), smx = v_select(pos, small, big);
        r[h] = v_round(v_dd_mul(sx, v_dd_add_d(v_dd_mul_d(smx, x[h]), v_set(1))));
    });
}

/* silu_value_f32 / silu_grad_f32 (deriv): x <= 40 in the vector (x, or 1, past 40; -0 below
 * -700), NaN (and the root patch) to the scalar kernel. */
KV void silu_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 sp[2], sm[2];
    KV_EACH(W, redo[h] = v_isnan(x[h]);
            if (deriv) redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_silu)););
    vw_gf_sig(W, x, sp, sm);
    KV_EACH(W, {
        v4 v = deriv ? sp[h] * _mm256_fmadd_pd(x[h], sm[h], v_set(1)) : x[h] * sp[h];
        v = _mm256_blendv_pd(v, deriv ? v_set(1) : x[h], v_gt(x[h], 40));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), v_lt(x[h], -700));
    });
}

KV void silu_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    silu_vec_f32(W, 0, x, r, redo);
}

KV void silu_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    silu_vec_f32(W, 1, x, r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(silu_loops, activ_vec_always, silu_value, silu_grad, silu_grad2, silu_value_f32,
                   silu_grad_f32, silu_grad2_f32, silu_value_vec, silu_grad_vec, silu_value_vec_f32,
                   silu_grad_vec_f32)

const struct activ_fn activ_fn_silu = {
    .name = "silu",
    .aliases = NAMES("swish"),
    .summary = "Sigmoid-weighted linear unit x*sigmoid(x) (swish with beta = 1).",
    .pytorch = "torch.nn.functional.silu",
    .formula = "x/(1 + exp(-x))",
    .formula_tex = "x\\,\\sigma(x)",
    .derivative = "sigmoid(x)*(1 + x*sigmoid(-x))",
    .derivative_tex = "\\sigma(x)\\,(1 + x\\,\\sigma(-x))",
    .derivative2 = "sigmoid(x)*sigmoid(-x)*(2 - x*tanh(x/2))",
    .derivative2_tex = "\\sigma(x)\\,\\sigma(-x)\\,(2 - x\\tanh(x/2))",
    .range = "[-0.279, inf)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "x*sigmoid(x) from one exp in double-double; the derivative's root at "
                "-1.2785 by a fitted t*P(t), t = x - x0 exact. float32: the same forms in "
                "plain double (below 2^-44), rounded once to float.",
    .ew = &silu_loops,
};
