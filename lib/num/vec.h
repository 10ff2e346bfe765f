/*
 * num/vec.h - four lanes of double (AVX2 + FMA) for the vector kernels
 * (internal): double-double on four lanes (vdd), comparisons and selects,
 * table rows, and KV_EACH, which runs a kernel's steps on W groups of four.
 *
 * Every vector kernel mirrors a scalar one step for step (the same
 * operations in the same order, so the same bits) for its main range, and
 * hands the other lanes (NaN, tails, series ranges) back to the scalar
 * kernel through a mask (loops.h redoes them). The double-double kernels are
 * latency-bound (long serial chains), so they work on W = 1 or 2 groups at
 * once, their steps alternating (KV_EACH), and the costly helpers come in
 * stages (num/vexp.h's vx_ for exp, num/vgauss.h's vm_ for the Mills ratio)
 * so that independent chains of one element (phi and R in gelu) run side by
 * side too. Table rows are read by 16-byte loads and unpacks (v_rows2),
 * cheaper than gathers here.
 */
#ifndef ACTIV_NUM_VEC_H
#define ACTIV_NUM_VEC_H

#if defined(__x86_64__) && defined(__GNUC__)
#define K_HAVE_VEC 1

#include <immintrin.h>

#include "num/dd.h" /* also for clang's FP_CONTRACT OFF: the same roundings as the scalar code */
#include "num/tables.h"

#define KV    static inline __attribute__((always_inline, target("avx2,fma")))
#define KV_FN __attribute__((target("avx2,fma")))

typedef __m256d v4;
typedef struct vdd {
    v4 hi, lo;
} vdd;

KV v4 v_set(double a)
{
    return _mm256_set1_pd(a);
}

KV vdd v_two_sum(v4 a, v4 b)
{
    v4 s = a + b, bb = s - a;
    return (vdd){s, (a - (s - bb)) + (b - bb)};
}

KV vdd v_fast_two_sum(v4 a, v4 b)
{
    v4 s = a + b;
    return (vdd){s, b - (s - a)};
}

KV vdd v_two_prod(v4 a, v4 b)
{
    v4 p = a * b;
    return (vdd){p, _mm256_fmsub_pd(a, b, p)};
}

KV vdd v_dd_mul(vdd a, vdd b)
{
    vdd p = v_two_prod(a.hi, b.hi);
    return v_fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

KV vdd v_dd_div(vdd a, vdd b)
{
    v4 inv = v_set(1) / b.hi, q = a.hi * inv;
    v4 r = _mm256_fnmadd_pd(q, b.hi, a.hi) + (a.lo - q * b.lo);
    return v_fast_two_sum(q, r * inv);
}

KV v4 v_round(vdd a)
{
    return a.hi + a.lo;
}

KV v4 v_abs(v4 x)
{
    return _mm256_andnot_pd(v_set(-0.0), x);
}

/* Two neighbouring columns c, c+1 of a table with rows of `stride` doubles,
 * at the rows idx[0..3]: one 16-byte load per row and two unpacks, cheaper
 * than two gathers (the same numbers, so the same bits). */
KV void v_rows2(const double *tab, int stride, __m128i idx, int c, v4 *c0, v4 *c1)
{
    const double *r0 = tab + _mm_extract_epi32(idx, 0) * stride + c;
    const double *r1 = tab + _mm_extract_epi32(idx, 1) * stride + c;
    const double *r2 = tab + _mm_extract_epi32(idx, 2) * stride + c;
    const double *r3 = tab + _mm_extract_epi32(idx, 3) * stride + c;
    v4 a = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(r0)), _mm_loadu_pd(r2), 1);
    v4 b = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(r1)), _mm_loadu_pd(r3), 1);
    *c0 = _mm256_unpacklo_pd(a, b);
    *c1 = _mm256_unpackhi_pd(a, b);
}

KV vdd v_dd_add(vdd a, vdd b)
{
    vdd s = v_two_sum(a.hi, b.hi);
    return v_fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}

KV vdd v_dd_add_d(vdd a, v4 b)
{
    vdd s = v_two_sum(a.hi, b);
    return v_fast_two_sum(s.hi, s.lo + a.lo);
}

KV vdd v_dd_mul_d(vdd a, v4 b)
{
    vdd p = v_two_prod(a.hi, b);
    return v_fast_two_sum(p.hi, p.lo + a.lo * b);
}

KV vdd v_select(v4 mask, vdd yes, vdd no)
{
    return (vdd){_mm256_blendv_pd(no.hi, yes.hi, mask), _mm256_blendv_pd(no.lo, yes.lo, mask)};
}

/* Lanes outside [lo, hi] (NaN included) go back to the scalar kernel. */
KV v4 v_outside(v4 a, double lo, double hi)
{
    return _mm256_or_pd(_mm256_cmp_pd(a, v_set(lo), _CMP_NGE_UQ),
                        _mm256_cmp_pd(a, v_set(hi), _CMP_NLE_UQ));
}

/* Lanes where a > b, a < b (false for NaN). */
KV v4 v_gt(v4 a, double b)
{
    return _mm256_cmp_pd(a, v_set(b), _CMP_GT_OQ);
}

KV v4 v_lt(v4 a, double b)
{
    return _mm256_cmp_pd(a, v_set(b), _CMP_LT_OQ);
}

/* Clamp into [lo, hi] so masked lanes compute harmless numbers. */
KV v4 v_clamp(v4 a, double lo, double hi)
{
    return _mm256_min_pd(_mm256_max_pd(a, v_set(lo)), v_set(hi));
}

/* Lanes near a derivative's root (num/gauss.h's near_root). */
KV v4 v_near(v4 x, const struct k_root *R)
{
    return _mm256_cmp_pd(v_abs(x - v_set(R->x0[0])), v_set(R->radius), _CMP_LT_OQ);
}

/* Two groups of four at once (loops.h's eight-element loop): KV_EACH(W,
 * steps) runs the steps for group h = 0 and, when W is 2, again for h = 1,
 * one step after the other. The kernels' double-double chains are long and
 * serial; two independent chains side by side let the CPU overlap them
 * (docs/performance.md), and each group gets exactly the operations of one. */
#define KV_EACH(W, ...)                                                                            \
    do {                                                                                           \
        {                                                                                          \
            const int h = 0;                                                                       \
            __VA_ARGS__                                                                            \
        }                                                                                          \
        if ((W) > 1) {                                                                             \
            const int h = 1;                                                                       \
            __VA_ARGS__                                                                            \
        }                                                                                          \
    } while (0)

KV vdd v_const(double hi, double lo)
{
    return (vdd){v_set(hi), v_set(lo)};
}

/* Lanes where x is NaN. */
KV v4 v_isnan(v4 x)
{
    return _mm256_cmp_pd(x, x, _CMP_UNORD_Q);
}

/* Lanes where x is NaN keep x itself (the scalar kernels return x). */
KV v4 v_keep_nan(v4 r, v4 x)
{
    return _mm256_blendv_pd(r, x, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
}

/* (a.hi + a.lo)/b as dd_div_d's steps. */
KV vdd v_dd_div_d(vdd a, v4 b)
{
    v4 q = a.hi / b;
    v4 r = _mm256_fnmadd_pd(q, b, a.hi) + a.lo;
    return v_fast_two_sum(q, r / b);
}

#endif
#endif
