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

#define K_SELU_SCALE 1.0507009873554804934193349852946

/* ---- float32 kernels (k_f32.h's plain-double steps) ---- */

/* ---- piecewise-linear rows: the scalar kernels' selects, branch-free ---- */

#define vok_softshrink vok_any
#define vok_hardshrink vok_any
#define vok_threshold  vok_any
#define vok_hardswish  vok_any

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

KV_PAIR(softshrink)
KV_PAIR(hardshrink)
KV_PAIR(threshold)
KV_PAIR(hardsigmoid)
KV_PAIR(hardswish)

#endif
#endif
