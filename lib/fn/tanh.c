/*
 * fn/tanh.c - the hyperbolic tangent family: tanh and tanhshrink = x - tanh.
 *
 * Both rest on num/exp.h's tanh_dd: (1 - e)/(1 + e), e = exp(-2|x|) in
 * double-double, one division, a short series near 0 where 1 - e would
 * cancel. The derivatives avoid 1 - tanh^2, which is 0 once tanh rounds to
 * 1 (|x| > 19). float32 results use tanh_p, the same in plain double
 * (num/plain.h).
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vexp.h"
#include "registry.h"

/* ---- tanh --------------------------------------------------------------------- */

/*
 * tanh(x) = -expm1(-2|x|)/(2 + expm1(-2|x|)) with the sign of x, in dd
 * (glibc's tanh is documented at 2 ULP).
 *  |x| < 2^-27: x (x^3/3 is below half an ULP); |x| > 19.1: +-1.
 */
K_INLINE double tanh_value(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (!(a >= 0x1p-27)) return x; /* also +-0 and NaN */
    if (a > 19.1) return copysign(1.0, x);
    return copysign(dd_round(tanh_dd(a)), x);
}

/*
 * tanh'(x) = 1 - tanh(x)^2 = 4e/(1+e)^2, e = exp(-2|x|).
 *  1 - t^2 loses everything once t rounds to 1 (|x| > 19); this form keeps
 *  relative accuracy into the subnormals (|x| ~ 372); 4e alone past |x| = 40.
 */
K_INLINE double tanh_grad(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (a > 700) return 0;
    if (a > 40) {
        dde e = exp_dd(-2 * a, 0);
        return dd_scale(4 * e.hi, 4 * e.lo, e.k);
    }
    sig2 s = sig_both(2 * a, 0); /* e/(1+e)^2 = small*big */
    return 4 * dd_round(dd_mul(s.big, s.small));
}

/* float32: tanh_p (the series below 2^-7, (1 - e)/(1 + e) above) with the
 * sign of x. */
K_INLINE double tanh_value_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return copysign(tanh_p(fabs(x)), x);
}

/* tanh'(x) = 4e/(1+e)^2, e = exp(-2|x|), |x| clamped at 350 (4e^-700 is far
 * below the floats); no cancellation. */
K_INLINE double tanh_grad_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    double a = fabs(x), e = exp_p(-2 * (a < 350 ? a : 350)), d = 1 + e;
    return (4 * e) / (d * d);
}

/*
 * tanh''(x) = -2 tanh(x) sech^2(x) = 8 sigmoid''(2x) (tanh(x) = 2s(2x) - 1),
 * i.e. -sign(x)*8g(2|x|) with g from sig_d2 (num/exp.h): 2|x| is exact, and
 * 1 - tanh^2 (0 from |x| = 19) is never formed. +-0 past 700 (8e^-1400).
 */
K_INLINE double tanh_grad2(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (a > 700) return -copysign(0.0, x);
    dde g = sig_d2(2 * a);
    g.k += 3;
    return -copysign(dde_round(g), x);
}

/* float32: -sign(x)*8g(2|x|) with sig_d2_p (num/plain.h). */
K_INLINE double tanh_grad2_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return -copysign(8 * sig_d2_p(2 * fabs(x)), x);
}

#ifdef K_HAVE_VEC
/* tanh(|x|) = (1 - e)/(1 + e), e = exp(-2|x|), for 2^-7 <= |x| <= 40 (the
 * series and the tails are the scalar kernel's). */
KV void tanh_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]), sign = _mm256_and_pd(x[h], v_set(-0.0));
        redo[h] = v_outside(a, 0x1p-7, 40);
        r[h] = _mm256_or_pd(v_round(v_tanh_dd(v_clamp(a, 0x1p-7, 40))), sign);
    });
}

/* tanh'(x) = 4*small*big of sig_both(2|x|), |x| <= 40. */
KV void tanh_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = v_outside(a, 0, 40);
        vdd big, small;
        v_sig_both(v_set(2) * v_clamp(a, 0, 40), &big, &small);
        r[h] = v_set(4) * v_round(v_dd_mul(big, small));
    });
}

/* tanh_value_f32 / tanh_grad_f32 (deriv): NaN to the scalar kernel. */
KV void tanh_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 a[2], t[2];
    KV_EACH(W, redo[h] = v_isnan(x[h]); a[h] = v_abs(x[h]););
    if (deriv) {
        KV_EACH(W, t[h] = v_set(-2) * _mm256_min_pd(a[h], v_set(350)););
        vw_exp_p(W, t, t);
        KV_EACH(W, {
            v4 d = v_set(1) + t[h];
            r[h] = (v_set(4) * t[h]) / (d * d);
        });
    } else {
        vw_tanh_p(W, a, t);
        KV_EACH(W, r[h] = _mm256_or_pd(t[h], _mm256_and_pd(x[h], v_set(-0.0))););
    }
}

KV void tanh_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    tanh_vec_f32(W, 0, x, r, redo);
}

KV void tanh_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    tanh_vec_f32(W, 1, x, r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(tanh_loops, activ_vec_always, tanh_value, tanh_grad, tanh_grad2, tanh_value_f32,
                   tanh_grad_f32, tanh_grad2_f32, tanh_value_vec, tanh_grad_vec, tanh_value_vec_f32,
                   tanh_grad_vec_f32)

const struct activ_fn activ_fn_tanh = {
    .name = "tanh",
    .aliases = NO_ALIASES,
    .summary = "Hyperbolic tangent: squashes any real number into (-1, 1).",
    .pytorch = "torch.tanh",
    .formula = "tanh(x)",
    .formula_tex = "\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}}",
    .derivative = "1/cosh(x)**2",
    .derivative_tex = "\\tanh'(x) = 1 - \\tanh^2(x) = \\frac{4e^{-2|x|}}{(1 + e^{-2|x|})^2}",
    .derivative2 = "-2*tanh(x)/cosh(x)**2",
    .derivative2_tex = "\\tanh''(x) = -2\\tanh(x)\\,\\mathrm{sech}^2(x)",
    .range = "(-1, 1)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "-expm1(-2|x|)/(2 + expm1(-2|x|)) in double-double (glibc's tanh is 2 ULP); "
                "derivative 4e/(1+e)^2, e = e^{-2|x|}: 1 - tanh^2 is 0 for |x| > 19. "
                "float32: the same in plain double (the series below 2^-7), rounded once.",
    .ew = &tanh_loops,
};

/* ---- tanhshrink ------------------------------------------------------------------- */

/*
 * tanhshrink(x) = x - tanh(x).
 *  |x| < 1/8:  x^3*(1/3 - 2x^2/15 + 17x^4/315 - ...), the Taylor series (ten
 *              terms: each is 2^-7.3 of the last), since x - tanh(x) cancels;
 *              below 2^-300 just x^3/3, scaled so x^3 does not underflow early.
 *  else:       x - tanh(x) with tanh in dd (the cancellation costs 8 bits at
 *              x = 1/8, of 66); x - sign(x) past 40.
 */
static const double k_tanhshrink_c[10] = {
    -0x1.1111111111111p-3,  0x1.ba1ba1ba1ba1cp-5,  -0x1.664f4882c10fap-6,  0x1.226e355e6c23dp-7,
    -0x1.d6d3d0e157de0p-9,  0x1.7da36452b75e3p-10, -0x1.3558248036744p-11, 0x1.f57d7734d1664p-13,
    -0x1.967e18afcafadp-14, 0x1.497d8eea25259p-15};
#define K_THIRD_HI 0x1.5555555555555p-2
#define K_THIRD_LO 0x1.5555555555555p-56

K_INLINE double tanhshrink_value(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a || isinf(x)) return x;
    if (a < 0x1p-300) {
        double y = x * 0x1p300;
        dd r = dd_mul(dd_mul_d(two_prod(y, y), y), (dd){K_THIRD_HI, K_THIRD_LO});
        return dd_scale(r.hi, r.lo, -900);
    }
    if (a < 0.125) {
        dd x2 = two_prod(x, x);
        double s = k_tanhshrink_c[9];
        for (int i = 8; i >= 0; i--) s = s * x2.hi + k_tanhshrink_c[i];
        dd S = fast_two_sum(K_THIRD_HI, s * x2.hi);
        S.lo += K_THIRD_LO;
        return dd_round(dd_mul(dd_mul_d(x2, x), S));
    }
    if (a > 40) return dd_round(two_sum(x, -copysign(1.0, x)));
    return copysign(dd_round(dd_add_d(dd_neg(tanh_dd(a)), a)), x);
}

/* tanhshrink'(x) = tanh(x)^2: x*x below 2^-27, 1 past 40. */
K_INLINE double tanhshrink_grad(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (!(a >= 0x1p-27)) return x * x;
    if (a > 40) return 1;
    dd t = tanh_dd(a);
    return dd_round(dd_mul(t, t));
}

/*
 * tanhshrink(x) = x - tanh(x): below 1/8 x^3*(1/3 - 2x^2/15 + ...) (the
 * series of tanhshrink_value, its first seven terms in double: truncation 2^-51),
 * since x - tanh(x) cancels; else a - tanh_p(a) with x's sign (the
 * cancellation costs at most 8 bits at 1/8: below 2^-40 there, far inside a
 * float ULP). Its derivative tanh(x)^2.
 */
K_INLINE double tanhshrink_value_f32(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a || isinf(x)) return x;
    if (a < 0.125) {
        double x2 = x * x, s = k_tanhshrink_c[5];
        for (int i = 4; i >= 0; i--) s = fma(s, x2, k_tanhshrink_c[i]);
        return (x * x2) * fma(s, x2, K_THIRD_HI);
    }
    return copysign(a - tanh_p(a), x);
}

/* float32 tanhshrink'(x) = tanh_p(|x|)^2. */
K_INLINE double tanhshrink_grad_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    double t = tanh_p(fabs(x));
    return t * t;
}

/* tanhshrink''(x) = 2 tanh(x) sech^2(x) = -tanh''(x): no cancellation (the
 * root is at 0, where tanh(x) ~ x keeps its relative accuracy). */
K_INLINE double tanhshrink_grad2(double x, const double *p)
{
    return x != x ? x : -tanh_grad2(x, p);
}

K_INLINE double tanhshrink_grad2_f32(double x, const double *p)
{
    return x != x ? x : -tanh_grad2_f32(x, p);
}

#ifdef K_HAVE_VEC
/* tanhshrink(x) = x - tanh(x) for 1/8 <= |x| <= 40 (the series and the
 * tails are the scalar kernel's). */
KV void tanhshrink_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]), sign = _mm256_and_pd(x[h], v_set(-0.0));
        redo[h] = v_outside(a, 0.125, 40);
        vdd t = v_tanh_dd(v_clamp(a, 0.125, 40));
        vdd d = v_dd_add_d((vdd){-t.hi, -t.lo}, v_clamp(a, 0.125, 40));
        r[h] = _mm256_or_pd(v_round(d), sign);
    });
}

/* tanhshrink'(x) = tanh(x)^2 for 2^-7 <= |x| <= 40. */
KV void tanhshrink_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = v_outside(a, 0x1p-7, 40);
        vdd t = v_tanh_dd(v_clamp(a, 0x1p-7, 40));
        r[h] = v_round(v_dd_mul(t, t));
    });
}

/* tanhshrink_value_f32 / tanhshrink_grad_f32 (deriv): NaN and +-Inf to the
 * scalar kernel. */
KV void tanhshrink_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 a[2], t[2];
    KV_EACH(W, a[h] = v_abs(x[h]); redo[h] = _mm256_cmp_pd(a[h], v_set(INFINITY), _CMP_NLT_UQ););
    KV_EACH(W, a[h] = _mm256_min_pd(a[h], v_set(1e300)););
    vw_tanh_p(W, a, t);
    KV_EACH(W, {
        if (deriv) {
            r[h] = t[h] * t[h];
        } else {
            v4 x2 = x[h] * x[h], s = v_set(k_tanhshrink_c[5]);
            for (int i = 4; i >= 0; i--) s = _mm256_fmadd_pd(s, x2, v_set(k_tanhshrink_c[i]));
            v4 ser = (x[h] * x2) * _mm256_fmadd_pd(s, x2, v_set(K_THIRD_HI));
            v4 big = _mm256_or_pd(a[h] - t[h], _mm256_and_pd(x[h], v_set(-0.0)));
            r[h] = _mm256_blendv_pd(big, ser, v_lt(a[h], 0.125));
        }
    });
}

KV void tanhshrink_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    tanhshrink_vec_f32(W, 0, x, r, redo);
}

KV void tanhshrink_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    tanhshrink_vec_f32(W, 1, x, r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(tanhshrink_loops, activ_vec_always, tanhshrink_value, tanhshrink_grad,
                   tanhshrink_grad2, tanhshrink_value_f32, tanhshrink_grad_f32,
                   tanhshrink_grad2_f32, tanhshrink_value_vec, tanhshrink_grad_vec,
                   tanhshrink_value_vec_f32, tanhshrink_grad_vec_f32)

const struct activ_fn activ_fn_tanhshrink = {
    .name = "tanhshrink",
    .aliases = NO_ALIASES,
    .summary = "x - tanh(x).",
    .pytorch = "torch.nn.functional.tanhshrink",
    .formula = "x - tanh(x)",
    .formula_tex = "x - \\tanh(x)",
    .derivative = "tanh(x)**2",
    .derivative_tex = "\\tanh^2(x)",
    .derivative2 = "2*tanh(x)/cosh(x)**2",
    .derivative2_tex = "2\\tanh(x)\\,\\mathrm{sech}^2(x)",
    .range = "(-inf, inf)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "ten Taylor terms for |x| < 1/8, where x - tanh(x) cancels; double-double "
                "tanh beyond. float32: seven terms, and tanh, in plain double (below "
                "2^-40), rounded once.",
    .ew = &tanhshrink_loops,
};
