/*
 * fn/mish.c - mish(x) = x*tanh(softplus(x)).
 *
 * With E = exp(-|x|) in double-double, tanh(log(1 + e^x)) is a fraction in
 * E whose terms are all positive (no cancellation, nothing overflows); the
 * sign of x selects between the forms for x > 0 and x <= 0 without a branch.
 * The derivative cancels at its root x0 = -1.1924, where a fitted t*P(t)
 * takes over (num/gauss.h's root_patch); the second derivative at -2.2564
 * and 1.4906. float32 results use the same
 * fractions in plain double (num/plain.h's exp_p).
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vexp.h"
#include "registry.h"

/* exp(-|x|) as a dd for |x| <= 700 (exponent >= -1011: exact scaling). */
K_INLINE dd exp_neg_abs(double a)
{
    dde E = exp_dd(-a, 0);
    double s = k_pow2(E.k);
    return (dd){E.hi * s, E.lo * s};
}

/*
 * mish(x) = x*tanh(softplus(x)). With E = exp(-|x|), tanh(log(1+e^x)) is
 *  x > 0:  (1+2E)/(1+2E+2E^2) (nothing overflows),
 *  x <= 0: n/(n+2), n = E(E+2);
 * both pairs are formed and the sign selects one, so there is one division
 * and no mispredicted branch. x past 20 (tanh rounds to 1); x*e below -700
 * (n/(n+2) = e there), exponent kept.
 */
K_INLINE double mish_value(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (!(a <= 700) || x > 20) {
        if (x != x || x > 0) return x;
        if (x < -1400) return -0.0;
        dde e = exp_dd(x, 0);
        dd m = dd_mul_d((dd){e.hi, e.lo}, x);
        return dd_scale(m.hi, m.lo, e.k);
    }
    dd E = exp_neg_abs(a), n = dd_mul(E, dd_add_d(E, 2));
    dd pnum = dd_add_d(dd_mul_d(E, 2), 1), pden = dd_add(pnum, dd_mul_d(dd_mul(E, E), 2));
    dd num = x > 0 ? pnum : n, den = x > 0 ? pden : dd_add_d(n, 2);
    return dd_mul_d_round(dd_div(num, den), x, 0);
}

/*
 * mish'(x) = tsp + x*s(x)*(1 - tsp^2), tsp = tanh(softplus(x)). With
 * E = exp(-|x|), as one fraction (A*P + 4x*B*(1+E))/P^2 whose coefficients
 * the sign selects (one evaluation, no branch):
 *  x > 0:  A = 1+2E, P = 1+2E+2E^2, B = E^2: positive terms; 1 past 40.
 *  x <= 0: A = E(E+2), P = E^2+2E+2 (= n+2, n = E(E+2)), B = E: the sum
 *          cancels at the root x0 = -1.1924, covered by the fitted patch;
 *          e*(1+x) below -700.
 * (Both are the same fraction in e^x; each form keeps its terms <= 2.)
 */
K_INLINE double mish_grad(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (near_root(&k_root_mish, x)) return root_patch(&k_root_mish, x);
    if (!(a <= 700) || x > 40) {
        if (x != x) return x;
        if (x > 0) return 1;
        if (x < -1400) return -0.0;
        dde e = exp_dd(x, 0);
        dd m = dd_mul((dd){e.hi, e.lo}, two_sum(1, x));
        return dd_scale(m.hi, m.lo, e.k);
    }
    int pos = x > 0;
    dd E = exp_neg_abs(a), E2 = dd_mul(E, E), E_2 = {2 * E.hi, 2 * E.lo};
    dd A = dd_add(dd_add_d(E_2, pos ? 1 : 0), pos ? (dd){0, 0} : E2);
    dd P = dd_add(dd_add_d(E_2, pos ? 1 : 2), pos ? (dd){2 * E2.hi, 2 * E2.lo} : E2);
    dd B = pos ? E2 : E;
    dd N = dd_add(dd_mul(A, P), dd_mul_d(dd_mul(B, dd_add_d(E, 1)), 4 * x));
    return dd_round(dd_div(N, dd_mul(P, P)));
}

/*
 * float32: mish_value's one-division forms in plain double
 * with E = exp(-|x|): x*(1+2E)/(1+2E+2E^2) (x > 0), x*n/(n+2), n = E(E+2)
 * (x <= 0); all terms positive. x past 20; -0 below -700 (x*e^x is far below
 * the floats).
 */
K_INLINE double mish_value_f32(double x, const double *p)
{
    (void)p;
    if (x != x || x > 20) return x;
    if (x < -700) return -0.0;
    double E = exp_p(-fabs(x));
    if (x > 0) {
        double num = fma(2, E, 1);
        return x * (num / fma(2 * E, E, num));
    }
    double n = E * (E + 2);
    return x * (n / (n + 2));
}

/*
 * float32: mish_grad's fractions in plain double with E = exp(-|x|), |x| <= 700:
 *  x > 0:  ((1+2E)D + 4xE^2(1+E))/D^2, D = 1+2E+2E^2 (positive terms); 1 past 40.
 *  x <= 0: E((E+2)(n+2) + 4x(1+E))/(n+2)^2, n = E(E+2): the bracket cancels
 *          only next to the root (patch there, radius 2^-6: at most 9 of the
 *          53 bits go); -0 below -700 (e^x (1 + x) is far below the floats).
 */
K_INLINE double mish_grad_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x > 40) return 1;
    if (x < -700) return -0.0; /* e^x (1 + x), far below the floats */
    if (near_root(&k_root_mish, x)) return root_patch(&k_root_mish, x);
    double a = fabs(x), E = exp_p(-(a < 700 ? a : 700));
    if (x > 0) {
        double D = fma(2 * E, E, fma(2, E, 1));
        return fma(fma(2, E, 1), D, (4 * x) * (E * E) * (1 + E)) / (D * D);
    }
    double n2 = fma(E, E + 2, 2);
    return E * fma(E + 2, n2, (4 * x) * (1 + E)) / (n2 * n2);
}

/*
 * mish''(x) = s(x) sech^2(sp) (2 + x s(-x) - 2x s(x) tanh(sp)), sp =
 * softplus(x). With tanh(sp) = n/(n+2), n = w(w+2), w = e^x, this is one
 * fraction; in E = exp(-|x|), each form keeping its terms below 5:
 *  x > 0:  4E^2 (2(1+E)P + x(2E^3 + 2E^2 - 3E - 2)) / P^3, P = 1 + 2E + 2E^2;
 *  x <= 0: 4E   (2(1+E)D + x(2 + 2E - 3E^2 - 2E^3)) / D^3, D = 2 + 2E + E^2;
 * the sign selects the coefficients (one evaluation, no branch). The
 * prefactor E or E^2 keeps exp_dd's exponent, so both tails (8E^2(1 - x)
 * and E(2 + x)) round once into the subnormals; -0 past 745 and -1400. The
 * numerator cancels at the roots -2.2564 and 1.4906: fitted patches there.
 */
K_INLINE double mish_grad2(double x, const double *p)
{
    (void)p;
    if (near_root(&k_root2_mish_neg, x)) return root_patch(&k_root2_mish_neg, x);
    if (near_root(&k_root2_mish_pos, x)) return root_patch(&k_root2_mish_pos, x);
    if (x != x) return x;
    if (x > 745 || x < -1400) return -0.0;
    int pos = x > 0;
    dde Ee = exp_dd(-fabs(x), 0);
    dd em = {Ee.hi, Ee.lo}, E = dde_to_dd(Ee); /* E: rounded only where it is a correction */
    dd E2 = dd_mul(E, E), E3 = dd_mul(E2, E);
    dd Q = dd_add(dd_add_d(dd_mul_d(E, 2), pos ? 1 : 2), dd_mul_d(E2, pos ? 2 : 1));
    dd B = dd_add(dd_add(dd_mul_d(E3, pos ? 2 : -2), dd_mul_d(E2, pos ? 2 : -3)),
                  dd_add_d(dd_mul_d(E, pos ? -3 : 2), pos ? -2 : 2));
    dd N = dd_add(dd_mul_d(dd_mul(dd_add_d(E, 1), Q), 2), dd_mul_d(B, x));
    dd F = dd_div(N, dd_mul(dd_mul(Q, Q), Q));
    dd r = dd_mul(pos ? dd_mul(em, em) : em, F);
    return dd_scale(4 * r.hi, 4 * r.lo, pos ? 2 * Ee.k : Ee.k);
}

/* float32: the same fractions in plain double with E = exp(-|x|); at the
 * patches' edges the numerator is above 2^-4.9 while its error is 2^-49;
 * -0 past 60 and -120 (below 2^-160). */
K_INLINE double mish_grad2_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (near_root(&k_root2_mish_neg, x)) return root_patch(&k_root2_mish_neg, x);
    if (near_root(&k_root2_mish_pos, x)) return root_patch(&k_root2_mish_pos, x);
    if (x > 60 || x < -120) return -0.0;
    int pos = x > 0;
    double E = exp_p(-fabs(x)), E2 = E * E, E3 = E2 * E;
    double Q = pos ? fma(2, E2, fma(2, E, 1)) : fma(2, E, 2) + E2;
    double B =
        pos ? fma(2, E3, fma(2, E2, fma(-3, E, -2))) : fma(-2, E3, fma(-3, E2, fma(2, E, 2)));
    double N = fma(x, B, 2 * (1 + E) * Q);
    return (4 * (pos ? E2 : E)) * N / (Q * Q * Q);
}

#ifdef K_HAVE_VEC
/* mish on 2^-900 <= |x| <= 700: mish_value's one-division form; x past 20
 * (the scalar kernel's x) in the vector too. */
KV void mish_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    v4 a[2];
    vdd E[2], n[2], pnum[2], pden[2];
    KV_EACH(W, a[h] = v_abs(x[h]);
            redo[h] = _mm256_andnot_pd(_mm256_cmp_pd(x[h], v_set(20), _CMP_GT_OQ),
                                       v_outside(a[h], 0x1p-900, 700)););
    v4 na[2], zero[2] = {v_set(0), v_set(0)};
    KV_EACH(W, na[h] = -v_clamp(a[h], 0, 700););
    vw_exp(W, na, zero, E);
    KV_EACH(W, n[h] = v_dd_mul(E[h], v_dd_add_d(E[h], v_set(2)));
            pnum[h] = v_dd_add_d(v_dd_mul_d(E[h], v_set(2)), v_set(1));
            pden[h] = v_dd_add(pnum[h], v_dd_mul_d(v_dd_mul(E[h], E[h]), v_set(2))););
    KV_EACH(W, {
        v4 pos = _mm256_cmp_pd(x[h], v_set(0), _CMP_GT_OQ);
        vdd num = v_select(pos, pnum[h], n[h]);
        vdd den = v_select(pos, pden[h], v_dd_add_d(n[h], v_set(2)));
        r[h] = v_round(v_dd_mul_d(v_dd_div(num, den), x[h]));
        r[h] = _mm256_blendv_pd(r[h], x[h], _mm256_cmp_pd(x[h], v_set(20), _CMP_GT_OQ));
    });
}

/* mish' on |x| <= 700, x <= 40, away from the root: mish_grad's one fraction. */
KV void mish_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    v4 a[2], pos[2];
    vdd E[2], E2[2], A[2], P[2], N[2];
    KV_EACH(W, a[h] = v_abs(x[h]); pos[h] = _mm256_cmp_pd(x[h], v_set(0), _CMP_GT_OQ);
            redo[h] =
                _mm256_or_pd(_mm256_or_pd(v_outside(a[h], 0, 700), v_near(x[h], &k_root_mish)),
                             _mm256_cmp_pd(x[h], v_set(40), _CMP_GT_OQ)););
    v4 na[2], zero[2] = {v_set(0), v_set(0)};
    KV_EACH(W, na[h] = -v_clamp(a[h], 0, 700););
    vw_exp(W, na, zero, E);
    KV_EACH(W, E2[h] = v_dd_mul(E[h], E[h]););
    KV_EACH(W, {
        vdd E_2 = {v_set(2) * E[h].hi, v_set(2) * E[h].lo}, zz = {v_set(0), v_set(0)};
        A[h] =
            v_dd_add(v_dd_add_d(E_2, _mm256_and_pd(pos[h], v_set(1))), v_select(pos[h], zz, E2[h]));
        vdd E2_2 = {v_set(2) * E2[h].hi, v_set(2) * E2[h].lo};
        P[h] = v_dd_add(v_dd_add_d(E_2, _mm256_blendv_pd(v_set(2), v_set(1), pos[h])),
                        v_select(pos[h], E2_2, E2[h]));
    });
    KV_EACH(W, {
        vdd B = v_select(pos[h], E2[h], E[h]);
        N[h] = v_dd_mul_d(v_dd_mul(B, v_dd_add_d(E[h], v_set(1))), v_set(4) * x[h]);
    });
    KV_EACH(W, N[h] = v_dd_add(v_dd_mul(A[h], P[h]), N[h]););
    KV_EACH(W, r[h] = v_round(v_dd_div(N[h], v_dd_mul(P[h], P[h]))););
}

/* mish_value_f32: |x| <= 700 in the vector, x past 20 and -0 below -700 blended
 * in, NaN to the scalar kernel. */
KV void mish_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    v4 E[2];
    KV_EACH(W, redo[h] = v_isnan(x[h]); E[h] = -_mm256_min_pd(v_abs(x[h]), v_set(700)););
    vw_exp_p(W, E, E);
    KV_EACH(W, {
        v4 e = E[h], xx = x[h];
        v4 num = _mm256_fmadd_pd(v_set(2), e, v_set(1));
        v4 pv = xx * (num / _mm256_fmadd_pd(v_set(2) * e, e, num));
        v4 n = e * (e + v_set(2));
        v4 v = _mm256_blendv_pd(xx * (n / (n + v_set(2))), pv,
                                _mm256_cmp_pd(xx, v_set(0), _CMP_GT_OQ));
        v = _mm256_blendv_pd(v, xx, _mm256_cmp_pd(xx, v_set(20), _CMP_GT_OQ));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), _mm256_cmp_pd(xx, v_set(-700), _CMP_LT_OQ));
    });
}

/* mish_grad_f32: |x| <= 700 clamped (the scalar kernel's), 1 past 40, -0 below
 * -700, NaN and the root patch to the scalar kernel. */
KV void mish_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    v4 E[2];
    KV_EACH(W, redo[h] = _mm256_or_pd(v_isnan(x[h]), v_near(x[h], &k_root_mish));
            E[h] = -_mm256_min_pd(v_abs(x[h]), v_set(700)););
    vw_exp_p(W, E, E);
    KV_EACH(W, {
        v4 e = E[h], xx = x[h];
        v4 D = _mm256_fmadd_pd(v_set(2) * e, e, _mm256_fmadd_pd(v_set(2), e, v_set(1)));
        v4 pv = _mm256_fmadd_pd(_mm256_fmadd_pd(v_set(2), e, v_set(1)), D,
                                (v_set(4) * xx) * (e * e) * (v_set(1) + e)) /
                (D * D);
        v4 n2 = _mm256_fmadd_pd(e, e + v_set(2), v_set(2));
        v4 nv = e * _mm256_fmadd_pd(e + v_set(2), n2, (v_set(4) * xx) * (v_set(1) + e)) / (n2 * n2);
        v4 v = _mm256_blendv_pd(nv, pv, _mm256_cmp_pd(xx, v_set(0), _CMP_GT_OQ));
        v = _mm256_blendv_pd(v, v_set(1), _mm256_cmp_pd(xx, v_set(40), _CMP_GT_OQ));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), _mm256_cmp_pd(xx, v_set(-700), _CMP_LT_OQ));
    });
}
#endif

ACTIV_EW_LOOPS_VEC(mish_loops, activ_vec_always, mish_value, mish_grad, mish_grad2, mish_value_f32,
                   mish_grad_f32, mish_grad2_f32, mish_value_vec, mish_grad_vec, mish_value_vec_f32,
                   mish_grad_vec_f32)

const struct activ_fn activ_fn_mish = {
    .name = "mish",
    .aliases = NO_ALIASES,
    .summary = "x*tanh(softplus(x)), a smooth self-gated unit.",
    .pytorch = "torch.nn.functional.mish",
    .formula = "x*tanh(log1p(exp(x)))",
    .formula_tex = "x \\tanh(\\ln(1 + e^{x}))",
    .derivative = "tanh(log1p(exp(x))) + x*sigmoid(x)/cosh(log1p(exp(x)))**2",
    .derivative_tex = "\\tanh(\\mathrm{sp}(x)) + x\\,\\sigma(x)\\,\\mathrm{sech}^2(\\mathrm{sp}"
                      "(x))",
    .derivative2 = "sigmoid(x)/cosh(log1p(exp(x)))**2*(2 + x*sigmoid(-x) - "
                   "2*x*sigmoid(x)*tanh(log1p(exp(x))))",
    .derivative2_tex = "\\sigma(x)\\,\\mathrm{sech}^2(\\mathrm{sp}(x))\\left(2 + x\\,\\sigma(-x) - "
                       "2x\\,\\sigma(x)\\tanh(\\mathrm{sp}(x))\\right)",
    .range = "[-0.309, inf)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "tanh(softplus(x)) as n/(n+2), n = e^x(e^x+2) (in e^-x for x > 0), double-"
                "double; the derivative's root at -1.1924 by a fitted t*P(t). float32: "
                "the same fractions in plain double (below 2^-44), rounded once to float.",
    .ew = &mish_loops,
};
