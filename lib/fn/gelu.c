/*
 * fn/gelu.c - gelu(x) = x*Phi(x), exact (approximate = "none") and in
 * PyTorch's tanh approximation (approximate = "tanh").
 *
 * The exact form goes through the Mills ratio R (num/gauss.h): the tail
 * Q(a) = 1 - Phi(a) = phi(a)*R(a) keeps full relative accuracy where
 * 1 + erf(x/sqrt 2) would cancel (x < 0) and glibc's erfc is several ULP
 * off. The tanh form is x*sigmoid(w), w = 2*sqrt(2/pi)*(x + 0.044715x^3), so
 * 1 + tanh does not cancel either. Both derivatives cancel at a root near
 * -0.75, covered by fitted patches (root_patch); the tanh form's second
 * derivative at +-1.4185 too. float32 results use the
 * same forms in plain double (num/plain.h).
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vgauss.h"
#include "registry.h"

enum { GELU_APPROXIMATE };
/* the values of approximate, as the index of its choice */
enum { GELU_APPROXIMATE_NONE, GELU_APPROXIMATE_TANH };
static const char *const gelu_choices[] = {
    [GELU_APPROXIMATE_NONE] = "none", [GELU_APPROXIMATE_TANH] = "tanh", NULL};

/* 2*sqrt(2/pi) and 0.044715 (the decimal, as the formula states) in dd */
#define GELU_2K_HI 0x1.9884533d43651p+0
#define GELU_2K_LO -0x1.cbc0d30ebfd15p-54
#define GELU_C_HI  0x1.6e4e26d4801f7p-5
#define GELU_C_LO  0x1.441355475a31ap-59
#define GELU_3C_HI 0x1.12ba9d1f60179p-3
#define GELU_3C_LO 0x1.f30e7ff583a54p-57
/* 2*sqrt(2/pi)*0.044715 in dd (the product of the two dd constants, 2^-107) */
#define GELU_2KC_HI 0x1.2444f2a4d8b4bp-4
#define GELU_2KC_LO -0x1.6c843a29d1c72p-61

/*
 * gelu(x) = x*Phi(x), exact form (approximate = "none"), with the Mills
 * ratio R (num/gauss.h): Q(a) = phi(a)*R(a) is the tail 1 - Phi(a).
 *  x >= 0: x*(1 - phi(x)R(x)); x past 40.
 *  x <  0: x*phi(|x|)R(|x|), exponent kept: 1 + erf(x/sqrt 2) would cancel,
 *          and glibc's erfc is several ULP off in the tail. -0 past -40.
 */
K_INLINE double gelu_exact(double x)
{
    if (x >= 0) {
        if (x >= 40) return x; /* the Mills table ends at 40 */
        dd q = dd_mul(dde_to_dd(phi_dde(x)), mills_dd(x));
        return dd_mul_d_round(dd_add_d(dd_neg(q), 1), x, 0);
    }
    if (x <= -40) return -0.0;
    dde ph = phi_dde(-x);
    return dd_mul_d_round(dd_mul((dd){ph.hi, ph.lo}, mills_dd(-x)), x, ph.k);
}

/*
 * gelu'(x) = Phi(x) + x*phi(x) = 1 - phi(x)(R(x) - x) for x >= 0, and
 * phi(a)(R(a) - a), a = -x, for x < 0: R(a) - a cancels at the root
 * x0 = -0.7518 (fitted patch there); 1 past 40, -0 past -40.
 */
K_INLINE double gelu_exact_grad(double x)
{
    if (x >= 0) {
        if (x >= 40) return 1;
        dd g = dd_mul(dde_to_dd(phi_dde(x)), dd_add_d(mills_dd(x), -x));
        return dd_round(dd_add_d(dd_neg(g), 1));
    }
    if (x <= -40) return -0.0;
    if (near_root(&k_root_gelu, x)) return root_patch(&k_root_gelu, x);
    dde ph = phi_dde(-x);
    dd m = dd_mul((dd){ph.hi, ph.lo}, dd_add_d(mills_dd(-x), x));
    return dd_scale(m.hi, m.lo, ph.k);
}

/* w = 2*sqrt(2/pi)*x + 2*sqrt(2/pi)*0.044715*x^3 = kx + v in dd (|x| <= 30
 * here; kx and v share x's sign, so the sum does not cancel). */
K_INLINE dd gelu_w3(double x, dd *kx, dd *v)
{
    *kx = dd_mul_d((dd){GELU_2K_HI, GELU_2K_LO}, x);
    *v = dd_mul(dd_mul_d(two_prod(x, x), x), (dd){GELU_2KC_HI, GELU_2KC_LO});
    return dd_add(*kx, *v);
}

K_INLINE dd gelu_w(double x)
{
    dd kx, v;
    return gelu_w3(x, &kx, &v);
}

/*
 * gelu, approximate = "tanh": 0.5x(1 + tanh(w/2)) = x*sigmoid(w), the
 * sigmoid form avoiding 1 + tanh cancelling for x < 0; w in dd. x past 10
 * (sigmoid(w) rounds to 1), -0 past -30 (sigmoid(w) < e^-1900).
 */
K_INLINE double gelu_tanh(double x)
{
    if (x > 10) return x;
    if (x < -30) return -0.0;
    dd w = gelu_w(x);
    double a = fabs(w.hi), al = w.hi < 0 ? -w.lo : w.lo;
    if (a > 700) { /* w < -700: sigmoid(w) = e^w, exponent kept */
        dde s = sig_neg(a, al);
        return dd_mul_d_round((dd){s.hi, s.lo}, x, s.k);
    }
    sig2 s = sig_both(a, al);
    return dd_mul_d_round(w.hi >= 0 ? s.big : s.small, x, 0);
}

/*
 * Its derivative: s(w)*(1 + s(-w)*x*w'), x*w' = kx + 3v (w's own terms: 3v is
 * 2*sqrt(2/pi)*3*0.044715x^3), both halves of s from one exp for |w| <= 700.
 * The bracket cancels at the root x0 = -0.7525 (fitted patch there).
 */
K_INLINE dd gelu_xwp(dd kx, dd v)
{
    return dd_add(kx, dd_mul_d(v, 3));
}

K_INLINE double gelu_tanh_grad(double x)
{
    if (x > 10) return 1;
    if (x < -30) return -0.0;
    if (near_root(&k_root_gelu_tanh, x)) return root_patch(&k_root_gelu_tanh, x);
    dd kx, v, w = gelu_w3(x, &kx, &v), xwp = gelu_xwp(kx, v);
    double a = fabs(w.hi), al = w.hi < 0 ? -w.lo : w.lo;
    if (a > 700) { /* w < -700: s(w) = e^w (exponent kept), s(-w) = 1 */
        dde e = sig_neg(a, al);
        dd m = dd_mul((dd){e.hi, e.lo}, dd_add_d(xwp, 1));
        return dd_scale(m.hi, m.lo, e.k);
    }
    sig2 s = sig_both(a, al);
    dd sp = w.hi >= 0 ? s.big : s.small, sm = w.hi >= 0 ? s.small : s.big;
    return dd_round(dd_mul(sp, dd_add_d(dd_mul(sm, xwp), 1)));
}

K_INLINE double gelu_value(double x, const double *p)
{
    if (x != x) return x;
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh(x) : gelu_exact(x);
}

K_INLINE double gelu_grad(double x, const double *p)
{
    if (x != x) return x;
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh_grad(x) : gelu_exact_grad(x);
}

/* gelu, exact form: x*(1 - Q) (x >= 0) or x*Q (x < 0), Q = phi(a)*R(a),
 * a = |x| <= 30; x past 30, -0 past -30 (Q(30) < 2^-660). phi's exponent
 * -a^2/2 carries the rounding error l of a^2 as the factor (1 - l/2). R from
 * the Mills table in double (c0 + t*(c1 + t*(c2 + t*tail)), relative 2^-51):
 * no term cancels. */
K_INLINE double gelu_exact_f32(double x)
{
    double a = fabs(x), ph;
    if (!(a <= 30)) return x != x ? x : (x > 0 ? x : -0.0);
    double q = gf_q(a, &ph);
    return x >= 0 ? fma(-x, q, x) : x * q;
}

/* its derivative: 1 - phi*(R - a) = 1 + phi*(a - R) (x >= 0), phi*(R - a)
 * (x < 0; the root patch where R - a cancels). R - a = (Q - a*phi)/phi. */
K_INLINE double gelu_exact_grad_f32(double x)
{
    double a = fabs(x), ph;
    if (near_root(&k_root_gelu, x)) return root_patch(&k_root_gelu, x);
    if (!(a <= 30)) return x != x ? x : (x > 0 ? 1 : -0.0);
    double q = gf_q(a, &ph), g = fma(-a, ph, q); /* phi*(R - a) */
    return x >= 0 ? 1 - g : g;
}

/* gelu, tanh form: x*sigmoid(w), w = 2*sqrt(2/pi)*x*(1 + 0.044715x^2) in
 * double (3 ULP: sigmoid(w) then carries |w|*2^-51 <= 2^-44 for the w > -100
 * whose results are not below the floats); x past 10, -0 past -30. */
K_INLINE double gf_w(double x)
{
    return (x * GELU_2K_HI) * fma(GELU_C_HI, x * x, 1);
}

K_INLINE double gelu_tanh_f32(double x)
{
    if (x != x || x > 10) return x;
    if (x < -30) return -0.0;
    double sp, sm;
    gf_sig(gf_w(x), &sp, &sm);
    return x * sp;
}

/* its derivative s(w)*(1 + x*s(-w)*w'), w' = 2*sqrt(2/pi)*(1 + 3*0.044715x^2);
 * the root patch where the bracket cancels. */
K_INLINE double gelu_tanh_grad_f32(double x)
{
    if (x != x) return x;
    if (x > 10) return 1;
    if (x < -30) return -0.0;
    if (near_root(&k_root_gelu_tanh, x)) return root_patch(&k_root_gelu_tanh, x);
    double sp, sm;
    gf_sig(gf_w(x), &sp, &sm);
    double wp = GELU_2K_HI * fma(GELU_3C_HI, x * x, 1);
    return sp * fma(x * sm, wp, 1);
}

K_INLINE double gelu_value_f32(double x, const double *p)
{
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh_f32(x) : gelu_exact_f32(x);
}

K_INLINE double gelu_grad_f32(double x, const double *p)
{
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh_grad_f32(x)
                                                        : gelu_exact_grad_f32(x);
}

/*
 * gelu''(x), exact form: 2phi(x) + x phi'(x) = phi(x)(2 - x^2). phi with its
 * exponent (phi_dde: x^2/2 split exactly); 2 - x^2 exact as a dd (x^2 =
 * two_prod, and 2 - hi is exact by Sterbenz near the roots +-sqrt 2, so the
 * roots need no patch). -0 past 40 (phi < 2^-1150).
 */
K_INLINE double gelu_exact_grad2(double x)
{
    double a = fabs(x);
    if (!(a <= 40)) return a != a ? x : -0.0;
    dde ph = phi_dde(a);
    dd x2 = two_prod(a, a), b = dd_add(two_sum(2, -x2.hi), (dd){-x2.lo, 0});
    dd m = dd_mul((dd){ph.hi, ph.lo}, b);
    return dd_scale(m.hi, m.lo, ph.k);
}

/*
 * gelu''(x), tanh form (gelu = x s(w), w = 2k(x + cx^3), k = sqrt(2/pi),
 * c = 0.044715): s(w)s(-w)(2w' + xw'' - xw'^2 tanh(w/2))
 *   = 4k s(w)s(-w)(1 + 6cx^2 - kx(1 + 3cx^2)^2 tanh(w/2)), even.
 * With a = |x|, w >= 0 in dd (gelu_w3), big, small from sig_both(w):
 * s(w)s(-w) = big*small, tanh(w/2) = big - small (absolute accuracy is
 * enough: near 0 the 1 dominates). 1 + 6cx^2 = 2u - 1, u = 1 + 3cx^2.
 *  The bracket cancels at the root 1.4185: fitted patch (radius 2^-6).
 *  w > 700 (a > 20.6): e^-w with its exponent, tanh = 1; -0 past 30.
 */
K_INLINE double gelu_tanh_grad2(double x)
{
    double a = fabs(x);
    if (near_root(&k_root2_gelu_tanh, a)) return root_patch(&k_root2_gelu_tanh, a);
    if (!(a <= 30)) return a != a ? x : -0.0;
    dd kx, v, w = gelu_w3(a, &kx, &v);
    dd u = dd_add_d(dd_mul(two_prod(a, a), (dd){GELU_3C_HI, GELU_3C_LO}), 1);
    dd g, t;
    int k = 0;
    if (w.hi > 700) {
        dde e = exp_dd(-w.hi, -w.lo);
        g = (dd){e.hi, e.lo}, t = (dd){1, 0}, k = e.k;
    } else {
        sig2 s = sig_both(w.hi, w.lo);
        g = dd_mul(s.big, s.small), t = dd_add(s.big, dd_neg(s.small));
    }
    dd ka = {0.5 * kx.hi, 0.5 * kx.lo}; /* k*a */
    dd br = dd_add(dd_add_d(dd_add(u, u), -1), dd_neg(dd_mul(dd_mul(ka, dd_mul(u, u)), t)));
    dd r = dd_mul(dd_mul(g, br), (dd){2 * GELU_2K_HI, 2 * GELU_2K_LO});
    return dd_scale(r.hi, r.lo, k);
}

K_INLINE double gelu_grad2(double x, const double *p)
{
    if (x != x) return x;
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh_grad2(x) : gelu_exact_grad2(x);
}

/* float32, exact form: phi(a)(2 - a^2), 2 - a^2 in one fma (no cancellation
 * at +-sqrt 2), phi's argument carrying a^2's rounding l as the factor
 * (1 - l/2) (as gf_q); -0 past 15 (below 2^-155). */
K_INLINE double gelu_exact_grad2_f32(double x)
{
    double a = fabs(x);
    if (!(a <= 15)) return a != a ? x : -0.0;
    double a2 = a * a, l = fma(a, a, -a2), e = exp_p(-0.5 * a2);
    return fma(e, -0.5 * l, e) * K_INV_SQRT2PI_HI * fma(-a, a, 2);
}

/* float32, tanh form: the bracket of gelu_tanh_grad2 in plain double, w
 * from gf_w (3 ULP: exp then carries |w|*2^-51 <= 2^-43.8 for the w < 143
 * whose results are floats); -0 past 12 (below 2^-171). */
K_INLINE double gelu_tanh_grad2_f32(double x)
{
    double a = fabs(x);
    if (a != a) return x;
    if (near_root(&k_root2_gelu_tanh, a)) return root_patch(&k_root2_gelu_tanh, a);
    if (a > 12) return -0.0;
    double e = exp_p(-gf_w(a)), big = 1 / (1 + e), small = e * big;
    double u = fma(GELU_3C_HI, a * a, 1), ka = 0.5 * GELU_2K_HI * a;
    double br = fma(-ka * (u * u), big - small, 2 * u - 1);
    return (2 * GELU_2K_HI) * (small * big) * br;
}

K_INLINE double gelu_grad2_f32(double x, const double *p)
{
    return p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE ? gelu_tanh_grad2_f32(x)
                                                        : gelu_exact_grad2_f32(x);
}

#ifdef K_HAVE_VEC
/* gelu_w3 on W groups: w = kx + v. */
KV void vw_gelu_w(int W, const v4 *x, vdd *w, vdd *kx, vdd *v)
{
    KV_EACH(W, kx[h] = v_dd_mul_d(v_const(GELU_2K_HI, GELU_2K_LO), x[h]);
            v[h] = v_dd_mul_d(v_two_prod(x[h], x[h]), x[h]););
    KV_EACH(W, v[h] = v_dd_mul(v[h], v_const(GELU_2KC_HI, GELU_2KC_LO)););
    KV_EACH(W, w[h] = v_dd_add(kx[h], v[h]););
}

/* gelu, exact form, 2^-900 <= |x| <= 30: x*(1 - phi*R) or x*phi*R. */
KV void gelu_exact_vec(int W, const v4 *x, v4 *r, v4 *redo)
{
    v4 a[2], ac[2];
    vdd ph[2], mr[2], q[2];
    KV_EACH(W, a[h] = v_abs(x[h]); ac[h] = v_clamp(a[h], 0, 30);
            redo[h] = v_outside(a[h], 0x1p-900, 30););
    vw_phi_mills(W, ac, ph, mr);
    KV_EACH(W, q[h] = v_dd_mul(ph[h], mr[h]););
    KV_EACH(W, {
        v4 pos = v_round(v_dd_mul_d(v_dd_add_d((vdd){-q[h].hi, -q[h].lo}, v_set(1)), x[h]));
        v4 neg = v_round(v_dd_mul_d(q[h], x[h]));
        r[h] = _mm256_blendv_pd(neg, pos, _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ));
    });
}

/* its derivative, |x| <= 30 away from the root: 1 - phi*(R - a) or phi*(R - a). */
KV void gelu_exact_grad_vec(int W, const v4 *x, v4 *r, v4 *redo)
{
    v4 a[2], ac[2];
    vdd ph[2], mr[2], g[2];
    KV_EACH(W, a[h] = v_abs(x[h]); ac[h] = v_clamp(a[h], 0, 30);
            redo[h] = _mm256_or_pd(v_outside(a[h], 0, 30), v_near(x[h], &k_root_gelu)););
    vw_phi_mills(W, ac, ph, mr);
    KV_EACH(W, g[h] = v_dd_mul(ph[h], v_dd_add_d(mr[h], -ac[h])););
    KV_EACH(W, {
        v4 pos = v_round(v_dd_add_d((vdd){-g[h].hi, -g[h].lo}, v_set(1)));
        r[h] = _mm256_blendv_pd(v_round(g[h]), pos, _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ));
    });
}

/* The tanh form's common steps: w and sigmoid(w) (sig_both's steps) for x in
 * [-30, 10] with |w| <= 700 (both halves), the lanes past 10 and the redo
 * lanes; for the derivative (deriv) also x*w', its steps interleaved with the
 * exp's stages (independent chains side by side). */
KV void gelu_tanh_vec_common(int W, int deriv, const v4 *x, vdd *xwp, v4 *neg, v4 *big10, v4 *bad,
                             vdd *big, vdd *small)
{
    v4 xc[2], a[2], al[2], r[2];
    vdd w[2], kx[2], v[2], e[2], q[2];
    vexp_st X;
    KV_EACH(W, xc[h] = v_clamp(x[h], -30, 10);
            big10[h] = _mm256_cmp_pd(x[h], v_set(10), _CMP_GT_OQ););
    vw_gelu_w(W, xc, w, kx, v);
    KV_EACH(W, a[h] = v_abs(w[h].hi); neg[h] = _mm256_cmp_pd(w[h].hi, v_set(0), _CMP_LT_OQ);
            al[h] = _mm256_blendv_pd(w[h].lo, -w[h].lo, neg[h]);
            bad[h] = _mm256_or_pd(
                _mm256_cmp_pd(x[h], v_set(-30), _CMP_NGE_UQ),
                _mm256_andnot_pd(big10[h], _mm256_cmp_pd(a[h], v_set(700), _CMP_GT_OQ)));
            al[h] = _mm256_and_pd(al[h], _mm256_cmp_pd(a[h], v_set(700), _CMP_LE_OQ));
            a[h] = -v_clamp(a[h], 0, 700); al[h] = -al[h];); /* exp's argument -(a + al) */
    vx_1(W, a, &X);
    if (deriv) KV_EACH(W, xwp[h] = v_dd_mul_d(v[h], v_set(3)););
    vx_2(W, &X);
    vx_3(W, a, al, &X);
    if (deriv) KV_EACH(W, xwp[h] = v_dd_add(kx[h], xwp[h]););
    vx_4(W, &X);
    vx_5(W, &X, e);
    KV_EACH(W, q[h] = v_fast_two_sum(v_set(1), e[h].hi); q[h].lo = q[h].lo + e[h].lo;);
    KV_EACH(W, r[h] = v_set(1) / q[h].hi;);
    KV_EACH(W, {
        v4 c = _mm256_fnmadd_pd(r[h], q[h].hi, v_set(1)) - r[h] * q[h].lo;
        big[h] = v_fast_two_sum(r[h], r[h] * c);
    });
    KV_EACH(W, small[h] = v_dd_mul(e[h], big[h]););
}

/* gelu, tanh form: x*sigmoid(w) for x in [-30, 10] with |w| <= 700, x past
 * 10 (as the scalar kernel: no trip through it for a quarter of typical
 * inputs); x < -30, tiny |x| and NaN go to the scalar kernel. */
KV void gelu_tanh_vec(int W, const v4 *x, v4 *r, v4 *redo)
{
    vdd big[2], small[2];
    v4 neg[2], big10[2];
    gelu_tanh_vec_common(W, 0, x, NULL, neg, big10, redo, big, small);
    KV_EACH(W, redo[h] =
                   _mm256_or_pd(redo[h], _mm256_cmp_pd(v_abs(x[h]), v_set(0x1p-900), _CMP_LT_OQ));
            r[h] = v_round(v_dd_mul_d(v_select(neg[h], small[h], big[h]), x[h]));
            r[h] = _mm256_blendv_pd(r[h], x[h], big10[h]););
}

/* its derivative: s(w)*(1 + s(-w)*x*w'), away from the root; 1 past 10. */
KV void gelu_tanh_grad_vec(int W, const v4 *x, v4 *r, v4 *redo)
{
    vdd xwp[2], big[2], small[2];
    v4 neg[2], big10[2];
    gelu_tanh_vec_common(W, 1, x, xwp, neg, big10, redo, big, small);
    KV_EACH(W, {
        redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_gelu_tanh));
        vdd sp = v_select(neg[h], small[h], big[h]), sm = v_select(neg[h], big[h], small[h]);
        r[h] = v_round(v_dd_mul(sp, v_dd_add_d(v_dd_mul(sm, xwp[h]), v_set(1))));
        r[h] = _mm256_blendv_pd(r[h], v_set(1), big10[h]);
    });
}

/* gelu_exact_f32 / gelu_exact_grad_f32: |x| <= 30 in the vector, x past 30 and
 * -0 past -30 blended in, NaN (and the root patch) to the scalar kernel. */
KV void gelu_exact_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 a[2], q[2], ph[2];
    KV_EACH(W, a[h] = v_clamp(v_abs(x[h]), 0, 30); redo[h] = v_isnan(x[h]);
            if (deriv) redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_gelu)););
    vw_gf_q(W, a, q, ph);
    KV_EACH(W, {
        v4 pos = _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ), v;
        if (deriv) {
            v4 g = _mm256_fnmadd_pd(a[h], ph[h], q[h]);
            v = _mm256_blendv_pd(g, v_set(1) - g, pos);
        } else {
            v = _mm256_blendv_pd(x[h] * q[h], _mm256_fnmadd_pd(x[h], q[h], x[h]), pos);
        }
        v = _mm256_blendv_pd(v, deriv ? v_set(1) : x[h],
                             _mm256_cmp_pd(x[h], v_set(30), _CMP_GT_OQ));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), _mm256_cmp_pd(x[h], v_set(-30), _CMP_LT_OQ));
    });
}

/* gelu_tanh_f32 / gelu_tanh_grad_f32: x in [-30, 10] in the vector, x (or 1) past
 * 10 and -0 past -30 blended in, NaN (and the root patch) to the scalar kernel. */
KV void gelu_tanh_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 xc[2], w[2], sp[2], sm[2];
    KV_EACH(W, {
        xc[h] = v_clamp(x[h], -30, 10);
        redo[h] = v_isnan(x[h]);
        if (deriv) redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_gelu_tanh));
        w[h] = (xc[h] * v_set(GELU_2K_HI)) *
               _mm256_fmadd_pd(v_set(GELU_C_HI), xc[h] * xc[h], v_set(1));
    });
    vw_gf_sig(W, w, sp, sm);
    KV_EACH(W, {
        v4 v;
        if (deriv) {
            v4 wp = v_set(GELU_2K_HI) * _mm256_fmadd_pd(v_set(GELU_3C_HI), xc[h] * xc[h], v_set(1));
            v = sp[h] * _mm256_fmadd_pd(xc[h] * sm[h], wp, v_set(1));
        } else {
            v = x[h] * sp[h];
        }
        v = _mm256_blendv_pd(v, deriv ? v_set(1) : x[h],
                             _mm256_cmp_pd(x[h], v_set(10), _CMP_GT_OQ));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), _mm256_cmp_pd(x[h], v_set(-30), _CMP_LT_OQ));
    });
}

KV void gelu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE)
        gelu_tanh_vec(W, x, r, redo);
    else
        gelu_exact_vec(W, x, r, redo);
}

KV void gelu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE)
        gelu_tanh_grad_vec(W, x, r, redo);
    else
        gelu_exact_grad_vec(W, x, r, redo);
}

/* float32: the value (deriv 0) or the derivative (1) */
KV void gelu_vec_f32(int W, int deriv, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[GELU_APPROXIMATE] != GELU_APPROXIMATE_NONE)
        gelu_tanh_vec_f32(W, deriv, x, r, redo);
    else
        gelu_exact_vec_f32(W, deriv, x, r, redo);
}

KV void gelu_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    gelu_vec_f32(W, 0, x, p, r, redo);
}

KV void gelu_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    gelu_vec_f32(W, 1, x, p, r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(gelu_loops, activ_vec_always, gelu_value, gelu_grad, gelu_grad2, gelu_value_f32,
                   gelu_grad_f32, gelu_grad2_f32, gelu_value_vec, gelu_grad_vec, gelu_value_vec_f32,
                   gelu_grad_vec_f32)

/* The tanh form's w, as the formula strings write it. */
#define GELU_W_TEXT "2*sqrt(2/pi)*(x + 0.044715*x**3)"

const struct activ_fn activ_fn_gelu = {
    .name = "gelu",
    .aliases = NO_ALIASES,
    .summary = "Gaussian error linear unit: x weighted by the standard normal CDF.",
    .pytorch = "torch.nn.functional.gelu",
    .params = LIST(activ_param_spec, [GELU_APPROXIMATE] =
                                         {"approximate", ACTIV_PARAM_CHOICE, GELU_APPROXIMATE_NONE,
                                          0, 1, 0, gelu_choices, "\"none\"",
                                          "\"none\" (exact, erf) or \"tanh\" (approximation)"}),
    .formula = "0.5*x*erfc(-x/sqrt(2)) if approximate == 'none' else "
               "x*sigmoid(2*sqrt(2/pi)*(x + 0.044715*x**3))",
    .formula_tex = "x\\,\\Phi(x) = \\frac{x}{2}\\left(1 + \\mathrm{erf}\\frac{x}{\\sqrt 2}"
                   "\\right) \\;\\text{or}\\; \\frac{x}{2}\\left(1 + \\tanh\\left("
                   "\\sqrt{2/\\pi}(x + 0.044715x^3)\\right)\\right)",
    .derivative = "0.5*erfc(-x/sqrt(2)) + x*exp(-x**2/2)/sqrt(2*pi) if approximate == "
                  "'none' else sigmoid(2*sqrt(2/pi)*(x + 0.044715*x**3))*(1 + "
                  "x*sigmoid(-2*sqrt(2/pi)*(x + 0.044715*x**3))*2*sqrt(2/pi)*(1 + "
                  "3*0.044715*x**2))",
    .derivative_tex = "\\Phi(x) + x\\,\\varphi(x)",
    .derivative2 = "(2 - x**2)*exp(-x**2/2)/sqrt(2*pi) if approximate == 'none' else "
                   "4*sqrt(2/pi)*sigmoid(" GELU_W_TEXT ")*sigmoid(-" GELU_W_TEXT ")*(1 + "
                   "6*0.044715*x**2 - sqrt(2/pi)*x*(1 + 3*0.044715*x**2)**2*tanh(sqrt(2/pi)*(x + "
                   "0.044715*x**3)))",
    .derivative2_tex =
        "(2 - x^2)\\,\\varphi(x) \\;\\text{or}\\; 4k\\,\\sigma(w)\\,\\sigma(-w)\\left("
        "1 + 6cx^2 - kx(1 + 3cx^2)^2\\tanh\\frac{w}{2}\\right),\\ w = 2k(x + "
        "cx^3),\\ k = \\sqrt{2/\\pi},\\ c = 0.044715",
    .range = "[-0.1701, inf)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "x*phi(x)*R(x) with R the Mills ratio (piecewise polynomial, 2^-61): not "
                "1 + erf, which cancels for x < 0, nor glibc's erfc (several ULP); x^2/2 "
                "split exactly. tanh form as x*sigmoid(w), w in double-double. Both "
                "derivatives switch to a fitted t*P(t) at their root near -0.75. float32: "
                "the same forms in plain double (relative error below 2^-44), rounded "
                "once to float.",
    .ew = &gelu_loops,
};
