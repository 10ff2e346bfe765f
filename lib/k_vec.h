/*
 * k_vec.h - four-lane (AVX2 + FMA) versions of the kernels (internal).
 *
 * The same algorithms as k_exp.h, kernels.h and (float32) k_f32.h, step for
 * step (same operations in the same order, so the same bits), on four
 * doubles at once. Each vector kernel handles its main range only and
 * returns a mask of the lanes (NaN, tails, series ranges) that the scalar
 * kernel must redo; registry.c does that and picks these loops at run time
 * when the CPU has AVX2 and FMA.
 *
 * The double-double kernels are latency-bound (long serial chains), so the
 * costly ones also come in a two-group form (vk2_/vd2_, W = 2 below): two
 * groups of four whose steps alternate (KV_EACH), and helpers in stages
 * (vx_ for exp, vm_ for the Mills ratio) so that independent chains of one
 * element (phi and R in gelu) run side by side too. Table rows are read by
 * 16-byte loads and unpacks (v_rows2), cheaper than gathers here.
 */
#ifndef ACTIV_K_VEC_H
#define ACTIV_K_VEC_H

#include "kernels.h" /* constants (k_tanhshrink_c) */
#include "num/vgauss.h"

#ifdef K_HAVE_VEC

/* The entry points registry.c's loops call, from one group function
 * gw(W, deriv, x, p, r, redo) working on W groups of four: v2 takes two
 * groups, v1 one. KVF_FORM makes the value (deriv 0) or the derivative
 * (1) pair; KVF_FORMS(k) both, vkf2_k/vkf_k and vdf2_k/vdf_k from gwf_k. */
#define KVF_FORM(v2, v1, gw, deriv)                                                                \
    KV void v2(const v4 *x, const double *p, v4 *r, v4 *redo)                                      \
    {                                                                                              \
        gw(2, deriv, x, p, r, redo);                                                               \
    }                                                                                              \
    KV v4 v1(v4 x, const double *p, v4 *redo)                                                      \
    {                                                                                              \
        v4 r;                                                                                      \
        gw(1, deriv, &x, p, &r, redo);                                                             \
        return r;                                                                                  \
    }
#define KVF_FORMS(k) KVF_FORM(vkf2_##k, vkf_##k, gwf_##k, 0) KVF_FORM(vdf2_##k, vdf_##k, gwf_##k, 1)

/* The plain pair for kernels without their own two-group form. */
#define KV_PAIR_V(k)                                                                               \
    KV void vk2_##k(const v4 *x, const double *p, v4 *r, v4 *redo)                                 \
    {                                                                                              \
        r[0] = vk_##k(x[0], p, &redo[0]);                                                          \
        r[1] = vk_##k(x[1], p, &redo[1]);                                                          \
    }
#define KV_PAIR_D(k)                                                                               \
    KV void vd2_##k(const v4 *x, const double *p, v4 *r, v4 *redo)                                 \
    {                                                                                              \
        r[0] = vd_##k(x[0], p, &redo[0]);                                                          \
        r[1] = vd_##k(x[1], p, &redo[1]);                                                          \
    }
#define KV_PAIR(k) KV_PAIR_V(k) KV_PAIR_D(k)

/* ---- kernels: main range on four lanes, *redo = lanes for the scalar kernel ---- */

/* vok_NAME(p): 1 when the vector kernel gives the scalar kernel's bits for
 * these parameters (parameter-free rows: always). */
static inline int vok_any(const double *p)
{
    (void)p;
    return 1;
}
#define vok_selu vok_any

/* elu's products alpha*e^x stay normal (so scaled and unscaled products
 * round alike) for moderate alpha. */
static inline int vok_elu(const double *p)
{
    double a = fabs(p[0]);
    return a >= 0x1p-8 && a <= 0x1p100;
}

/* elu: x for x > 0 (and NaN), alpha*expm1(x) on [-700, -2^-8]. */
KV v4 vk_elu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    v4 neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    *redo = _mm256_and_pd(neg, v_outside(x, -700, -0x1p-8));
    v4 r = v_round(v_dd_mul_d(v_expm1_neg(v_clamp(x, -700, -0x1p-8)), v_set(p[0])));
    return _mm256_blendv_pd(x, r, neg);
}

/* elu': 1 for x > 0, alpha*exp(x) on [-700, 0]. */
KV v4 vd_elu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    v4 neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    *redo =
        _mm256_or_pd(_mm256_cmp_pd(x, x, _CMP_UNORD_Q), _mm256_cmp_pd(x, v_set(-700), _CMP_LT_OQ));
    v4 r = v_round(v_dd_mul_d(v_exp(v_clamp(x, -700, 0), v_set(0)), v_set(p[0])));
    return _mm256_blendv_pd(v_set(1), r, neg);
}

#define K_SELU_SCALE 1.0507009873554804934193349852946
#define K_SELU_SA_HI (K_SELU_SCALE * 1.6732632423543772848170429916717)

/* selu: scale*x for x > 0, scale*alpha*expm1(x) on [-700, -2^-8]. */
KV v4 vk_selu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    vdd sa = v_two_prod(v_set(K_SELU_SCALE), v_set(1.6732632423543772848170429916717));
    v4 neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    *redo = _mm256_or_pd(_mm256_and_pd(neg, v_outside(x, -700, -0x1p-8)),
                         _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
    v4 r = v_round(v_dd_mul(v_expm1_neg(v_clamp(x, -700, -0x1p-8)), sa));
    return _mm256_blendv_pd(v_set(K_SELU_SCALE) * x, r, neg);
}

/* selu': scale for x > 0, scale*alpha*exp(x) on [-700, 0]. */
KV v4 vd_selu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    vdd sa = v_two_prod(v_set(K_SELU_SCALE), v_set(1.6732632423543772848170429916717));
    v4 neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    *redo =
        _mm256_or_pd(_mm256_cmp_pd(x, x, _CMP_UNORD_Q), _mm256_cmp_pd(x, v_set(-700), _CMP_LT_OQ));
    v4 r = v_round(v_dd_mul(v_exp(v_clamp(x, -700, 0), v_set(0)), sa));
    return _mm256_blendv_pd(v_set(K_SELU_SCALE), r, neg);
}

/* ---- gelu ---- */

#define KV_GELU_2K_HI  0x1.9884533d43651p+0
#define KV_GELU_2K_LO  -0x1.cbc0d30ebfd15p-54
#define KV_GELU_C_HI   0x1.6e4e26d4801f7p-5
#define KV_GELU_C_LO   0x1.441355475a31ap-59
#define KV_GELU_3C_HI  0x1.12ba9d1f60179p-3
#define KV_GELU_3C_LO  0x1.f30e7ff583a54p-57
#define KV_GELU_2KC_HI 0x1.2444f2a4d8b4bp-4
#define KV_GELU_2KC_LO -0x1.6c843a29d1c72p-61
#define GELU_2K_HI_V   KV_GELU_2K_HI
#define GELU_C_HI_V    KV_GELU_C_HI
#define GELU_3C_HI_V   KV_GELU_3C_HI

/* gelu_w3 on W groups: w = kx + v. */
KV void vw_gelu_w(int W, const v4 *x, vdd *w, vdd *kx, vdd *v)
{
    KV_EACH(W, kx[h] = v_dd_mul_d(v_const(KV_GELU_2K_HI, KV_GELU_2K_LO), x[h]);
            v[h] = v_dd_mul_d(v_two_prod(x[h], x[h]), x[h]););
    KV_EACH(W, v[h] = v_dd_mul(v[h], v_const(KV_GELU_2KC_HI, KV_GELU_2KC_LO)););
    KV_EACH(W, w[h] = v_dd_add(kx[h], v[h]););
}

/* gelu, exact form, 2^-900 <= |x| <= 30: x*(1 - phi*R) or x*phi*R. */
KV void gw_gelu_exact(int W, const v4 *x, v4 *r, v4 *redo)
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
KV void gw_gelu_exact_d(int W, const v4 *x, v4 *r, v4 *redo)
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
KV void gw_gelu_tanh_common(int W, int deriv, const v4 *x, vdd *xwp, v4 *neg, v4 *big10, v4 *bad,
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
KV void gw_gelu_tanh(int W, const v4 *x, v4 *r, v4 *redo)
{
    vdd big[2], small[2];
    v4 neg[2], big10[2];
    gw_gelu_tanh_common(W, 0, x, NULL, neg, big10, redo, big, small);
    KV_EACH(W, redo[h] =
                   _mm256_or_pd(redo[h], _mm256_cmp_pd(v_abs(x[h]), v_set(0x1p-900), _CMP_LT_OQ));
            r[h] = v_round(v_dd_mul_d(v_select(neg[h], small[h], big[h]), x[h]));
            r[h] = _mm256_blendv_pd(r[h], x[h], big10[h]););
}

/* its derivative: s(w)*(1 + s(-w)*x*w'), away from the root; 1 past 10. */
KV void gw_gelu_tanh_d(int W, const v4 *x, v4 *r, v4 *redo)
{
    vdd xwp[2], big[2], small[2];
    v4 neg[2], big10[2];
    gw_gelu_tanh_common(W, 1, x, xwp, neg, big10, redo, big, small);
    KV_EACH(W, {
        redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_gelu_tanh));
        vdd sp = v_select(neg[h], small[h], big[h]), sm = v_select(neg[h], big[h], small[h]);
        r[h] = v_round(v_dd_mul(sp, v_dd_add_d(v_dd_mul(sm, xwp[h]), v_set(1))));
        r[h] = _mm256_blendv_pd(r[h], v_set(1), big10[h]);
    });
}

#define vok_gelu vok_any

KV v4 vk_gelu(v4 x, const double *p, v4 *redo)
{
    v4 r;
    if (p[0] != 0)
        gw_gelu_tanh(1, &x, &r, redo);
    else
        gw_gelu_exact(1, &x, &r, redo);
    return r;
}

KV v4 vd_gelu(v4 x, const double *p, v4 *redo)
{
    v4 r;
    if (p[0] != 0)
        gw_gelu_tanh_d(1, &x, &r, redo);
    else
        gw_gelu_exact_d(1, &x, &r, redo);
    return r;
}

KV void vk2_gelu(const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[0] != 0)
        gw_gelu_tanh(2, x, r, redo);
    else
        gw_gelu_exact(2, x, r, redo);
}

KV void vd2_gelu(const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[0] != 0)
        gw_gelu_tanh_d(2, x, r, redo);
    else
        gw_gelu_exact_d(2, x, r, redo);
}

/* ---- celu ---- */

#define vok_celu vok_elu

/* q = x/alpha as a dd (celu_q's steps); lanes with huge q are redone anyway. */
KV vdd v_celu_q(v4 x, v4 alpha)
{
    v4 q = x / alpha;
    return (vdd){q, _mm256_fnmadd_pd(q, alpha, x) / alpha};
}

/* celu(x) = x (x > 0), alpha*expm1(x/alpha) for 2^-8 <= |x/alpha| <= 700. */
KV v4 vk_celu(v4 x, const double *p, v4 *redo)
{
    v4 alpha = v_set(p[0]), neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    vdd q = v_celu_q(x, alpha);
    *redo = _mm256_and_pd(neg, v_outside(v_abs(q.hi), 0x1p-8, 700));
    v4 ok = _mm256_cmp_pd(v_abs(q.hi), v_set(700), _CMP_LE_OQ);
    vdd e = v_exp(v_clamp(q.hi, -700, 700), _mm256_and_pd(q.lo, ok));
    vdd em = v_two_sum(e.hi, v_set(-1));
    em.lo = em.lo + e.lo;
    return _mm256_blendv_pd(x, v_round(v_dd_mul_d(em, alpha)), neg);
}

/* celu'(x) = 1 (x > 0), exp(x/alpha) for |x/alpha| <= 660 (dd_scale's fast range). */
KV v4 vd_celu(v4 x, const double *p, v4 *redo)
{
    v4 alpha = v_set(p[0]), neg = _mm256_cmp_pd(x, v_set(0), _CMP_LE_OQ);
    vdd q = v_celu_q(x, alpha);
    *redo = _mm256_or_pd(_mm256_cmp_pd(x, x, _CMP_UNORD_Q),
                         _mm256_and_pd(neg, v_outside(v_abs(q.hi), 0, 660)));
    v4 ok = _mm256_cmp_pd(v_abs(q.hi), v_set(660), _CMP_LE_OQ);
    vdd e = v_exp(v_clamp(q.hi, -660, 660), _mm256_and_pd(q.lo, ok));
    return _mm256_blendv_pd(v_set(1), v_round(e), neg);
}

/* ---- float32 kernels (k_f32.h's plain-double steps) ---- */

/* kf_gelu_exact / df_gelu_exact: |x| <= 30 in the vector, x past 30 and
 * -0 past -30 blended in, NaN (and the root patch) to the scalar kernel. */
KV void gwf_gelu_exact(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
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

/* kf_gelu_tanh / df_gelu_tanh: x in [-30, 10] in the vector, x (or 1) past
 * 10 and -0 past -30 blended in, NaN (and the root patch) to the scalar kernel. */
KV void gwf_gelu_tanh(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 xc[2], w[2], e[2], sp[2], sm[2];
    KV_EACH(W, {
        xc[h] = v_clamp(x[h], -30, 10);
        redo[h] = v_isnan(x[h]);
        if (deriv) redo[h] = _mm256_or_pd(redo[h], v_near(x[h], &k_root_gelu_tanh));
        w[h] = (xc[h] * v_set(GELU_2K_HI_V)) *
               _mm256_fmadd_pd(v_set(GELU_C_HI_V), xc[h] * xc[h], v_set(1));
        e[h] = -_mm256_min_pd(v_abs(w[h]), v_set(700));
    });
    vw_exp_p(W, e, e);
    KV_EACH(W, {
        v4 big = v_set(1) / (v_set(1) + e[h]), small = e[h] * big;
        v4 pos = _mm256_cmp_pd(w[h], v_set(0), _CMP_GE_OQ);
        sp[h] = _mm256_blendv_pd(small, big, pos);
        sm[h] = _mm256_blendv_pd(big, small, pos);
    });
    KV_EACH(W, {
        v4 v;
        if (deriv) {
            v4 wp =
                v_set(GELU_2K_HI_V) * _mm256_fmadd_pd(v_set(GELU_3C_HI_V), xc[h] * xc[h], v_set(1));
            v = sp[h] * _mm256_fmadd_pd(xc[h] * sm[h], wp, v_set(1));
        } else {
            v = x[h] * sp[h];
        }
        v = _mm256_blendv_pd(v, deriv ? v_set(1) : x[h],
                             _mm256_cmp_pd(x[h], v_set(10), _CMP_GT_OQ));
        r[h] = _mm256_blendv_pd(v, v_set(-0.0), _mm256_cmp_pd(x[h], v_set(-30), _CMP_LT_OQ));
    });
}

#define vokf_gelu vok_any

/* approximate = "tanh" (p[0] != 0) or "none" */
KV void gwf_gelu(int W, int deriv, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    if (p[0] != 0)
        gwf_gelu_tanh(W, deriv, x, r, redo);
    else
        gwf_gelu_exact(W, deriv, x, r, redo);
}
KVF_FORMS(gelu)

/* ---- piecewise-linear rows: the scalar kernels' selects, branch-free ---- */

#define vok_relu       vok_any
#define vok_leaky_relu vok_any
#define vok_prelu      vok_any
#define vok_relu6      vok_any
#define vok_hardtanh   vok_any
#define vok_softshrink vok_any
#define vok_hardshrink vok_any
#define vok_threshold  vok_any
#define vok_hardswish  vok_any

KV v4 vk_relu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    return v_keep_nan(_mm256_blendv_pd(v_set(0), x, v_gt(x, 0)), x);
}

KV v4 vd_relu(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    return v_keep_nan(_mm256_blendv_pd(v_set(0), v_set(1), v_gt(x, 0)), x);
}

KV v4 vk_leaky_relu(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    return _mm256_blendv_pd(v_set(p[0]) * x, x, v_gt(x, 0));
}

KV v4 vd_leaky_relu(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    return v_keep_nan(_mm256_blendv_pd(v_set(p[0]), v_set(1), v_gt(x, 0)), x);
}

#define vk_prelu vk_leaky_relu
#define vd_prelu vd_leaky_relu

/* clamp(x, lo, hi) as k_hardtanh: lo where x < lo, else hi where x > hi. */
KV v4 v_hardtanh(v4 x, double lo, double hi)
{
    v4 r = _mm256_blendv_pd(x, v_set(hi), v_gt(x, hi));
    return v_keep_nan(_mm256_blendv_pd(r, v_set(lo), v_lt(x, lo)), x);
}

KV v4 vk_hardtanh(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    return v_hardtanh(x, p[0], p[1]);
}

KV v4 vd_hardtanh(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    v4 in = _mm256_and_pd(v_gt(x, p[0]), v_lt(x, p[1]));
    return v_keep_nan(_mm256_and_pd(in, v_set(1)), x);
}

/* relu6(-0.0) = +0: a zero result is +0. */
KV v4 vk_relu6(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    v4 r = v_hardtanh(x, 0, 6);
    return _mm256_blendv_pd(r, v_set(0), _mm256_cmp_pd(r, v_set(0), _CMP_EQ_OQ));
}

KV v4 vd_relu6(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    v4 in = _mm256_and_pd(v_gt(x, 0), v_lt(x, 6));
    return v_keep_nan(_mm256_and_pd(in, v_set(1)), x);
}

KV v4 vk_softshrink(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    v4 l = v_set(p[0]);
    v4 r = _mm256_blendv_pd(v_set(0), x + l, _mm256_cmp_pd(x, -l, _CMP_LT_OQ));
    r = _mm256_blendv_pd(r, x - l, _mm256_cmp_pd(x, l, _CMP_GT_OQ));
    return v_keep_nan(r, x);
}

KV v4 vd_softshrink(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    v4 l = v_set(p[0]);
    v4 out = _mm256_or_pd(_mm256_cmp_pd(x, l, _CMP_GT_OQ), _mm256_cmp_pd(x, -l, _CMP_LT_OQ));
    return v_keep_nan(_mm256_and_pd(out, v_set(1)), x);
}

KV v4 vk_hardshrink(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    v4 l = v_set(p[0]);
    v4 out = _mm256_or_pd(_mm256_cmp_pd(x, l, _CMP_GT_OQ), _mm256_cmp_pd(x, -l, _CMP_LT_OQ));
    return v_keep_nan(_mm256_and_pd(out, x), x);
}

#define vd_hardshrink vd_softshrink

/* threshold: x <= th ? value : x (NaN: x) */
KV v4 vk_threshold(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    return _mm256_blendv_pd(x, v_set(p[1]), _mm256_cmp_pd(x, v_set(p[0]), _CMP_LE_OQ));
}

KV v4 vd_threshold(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    return v_keep_nan(_mm256_and_pd(v_gt(x, p[0]), v_set(1)), x);
}

/* hardsigmoid at the default parameters (k_hardsigmoid's (x + 3)/6 in dd);
 * other parameters stay with the scalar kernel (vok). */
static inline int vok_hardsigmoid(const double *p)
{
    return p[0] == 1.0 / 6 && p[1] == 0.5;
}

KV v4 vk_hardsigmoid(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    v4 r = v_round(v_dd_div_d(v_two_sum(x, v_set(3)), v_set(6)));
    r = _mm256_blendv_pd(r, v_set(1), _mm256_cmp_pd(x, v_set(3), _CMP_GE_OQ));
    r = _mm256_blendv_pd(r, v_set(0), _mm256_cmp_pd(x, v_set(-3), _CMP_LE_OQ));
    return v_keep_nan(r, x);
}

KV v4 vd_hardsigmoid(v4 x, const double *p, v4 *redo)
{
    *redo = v_set(0);
    v4 in = _mm256_and_pd(v_gt(x, -3), v_lt(x, 3));
    return v_keep_nan(_mm256_and_pd(in, v_set(p[0])), x);
}

/* hardswish: x*(x + 3)/6 in dd between -3 and 3 (products whose size leaves
 * dd_scale's fast range, |x| below 2^-59, to the scalar kernel). */
KV v4 vk_hardswish(v4 x, const double *p, v4 *redo)
{
    (void)p;
    vdd m = v_dd_mul_d(v_dd_div_d(v_two_sum(x, v_set(3)), v_set(6)), x);
    v4 mid = _mm256_and_pd(v_gt(x, -3), v_lt(x, 3));
    *redo = _mm256_and_pd(mid, v_outside(v_abs(m.hi), 0x1p-60, 0x1p60));
    v4 r = _mm256_blendv_pd(x, v_round(m), v_lt(x, 3));
    r = _mm256_blendv_pd(r, v_set(0), _mm256_cmp_pd(x, v_set(-3), _CMP_LE_OQ));
    return v_keep_nan(r, x);
}

KV v4 vd_hardswish(v4 x, const double *p, v4 *redo)
{
    (void)p;
    *redo = v_set(0);
    v4 r = v_round(v_dd_div_d(v_two_sum(x, v_set(1.5)), v_set(3)));
    r = _mm256_blendv_pd(r, v_set(1), _mm256_cmp_pd(x, v_set(3), _CMP_GE_OQ));
    r = _mm256_blendv_pd(r, v_set(0), _mm256_cmp_pd(x, v_set(-3), _CMP_LE_OQ));
    return v_keep_nan(r, x);
}

KV_PAIR(elu)
KV_PAIR(selu)
KV_PAIR(celu)
KV_PAIR(relu)
KV_PAIR(leaky_relu)
KV_PAIR(prelu)
KV_PAIR(relu6)
KV_PAIR(hardtanh)
KV_PAIR(softshrink)
KV_PAIR(hardshrink)
KV_PAIR(threshold)
KV_PAIR(hardsigmoid)
KV_PAIR(hardswish)

#endif
#endif
