/*
 * num/vexp.h - num/exp.h and num/plain.h on four lanes (internal): exp and
 * log in double-double, the two halves of the logistic function, tanh, and
 * their plain-double forms for float32 results, step for step as the scalar
 * versions (the same bits). The _st structs and their stages (vx_, px_) let
 * a kernel interleave an exp with other work on the same elements.
 */
#ifndef ACTIV_NUM_VEXP_H
#define ACTIV_NUM_VEXP_H

#include "num/exp.h"
#include "num/vec.h"

#ifdef K_HAVE_VEC

/* exp(xh + xl) for results with exponent >= -1022 (xh >= -708), as a scaled
 * dd: exp_dd's steps, then the exact scaling dde_to_dd does. */
KV vdd v_exp(v4 xh, v4 xl)
{
    v4 z = xh * v_set(0x1.71547652b82fep7);
    v4 kd = _mm256_round_pd(z, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m128i n = _mm256_cvtpd_epi32(kd);
    __m128i j = _mm_and_si128(n, _mm_set1_epi32(127));
    __m128i k = _mm_srai_epi32(_mm_sub_epi32(n, j), 7);
    v4 r = _mm256_fnmadd_pd(kd, v_set(K_LN2N_HI), xh); /* exact, as in exp_dd */
    v4 t = kd * v_set(K_LN2N_LO);
    vdd rr = v_two_sum(r, -t);
    v4 r1 = rr.hi, r2 = rr.lo + (xl - _mm256_fmsub_pd(kd, v_set(K_LN2N_LO), t));
    v4 r1s = r1 * r1;
    v4 pa = v_set(0.5) + r1 * v_set(0x1.5555555555555p-3);
    v4 pb = v_set(0x1.5555555555555p-5) + r1 * v_set(0x1.1111111111111p-7);
    v4 p = r1s * (pa + r1s * (pb + r1s * v_set(0x1.6c16c16c16c17p-10)));
    v4 T0, T1;
    v_rows2(&k_exp_tab[0][0], 2, j, 0, &T0, &T1);
    vdd s = v_two_prod(T0, r1);
    v4 lo = s.lo + T0 * (r2 + r1 * r2 + p) + T1 * (v_set(1) + r1 + p);
    vdd u = v_fast_two_sum(T0, s.hi);
    u = v_fast_two_sum(u.hi, u.lo + lo);
    __m256i e = _mm256_add_epi64(_mm256_cvtepi32_epi64(k), _mm256_set1_epi64x(1023));
    v4 scale = _mm256_castsi256_pd(_mm256_slli_epi64(e, 52));
    return (vdd){u.hi * scale, u.lo * scale};
}

KV vdd v_exp_neg(v4 a)
{
    return v_exp(-a, v_set(0));
}

/* sig_both: big = 1/(1+e), small = e*big, e = exp(-(a + al)), 0 <= a <= 700. */
KV void v_sig_both2(v4 a, v4 al, vdd *big, vdd *small)
{
    vdd e = v_exp(-a, -al);
    vdd q = v_fast_two_sum(v_set(1), e.hi);
    q.lo = q.lo + e.lo;
    v4 r = v_set(1) / q.hi;
    v4 c = _mm256_fnmadd_pd(r, q.hi, v_set(1)) - r * q.lo;
    *big = v_fast_two_sum(r, r * c);
    *small = v_dd_mul(e, *big);
}

KV void v_sig_both(v4 a, vdd *big, vdd *small)
{
    v_sig_both2(a, v_set(0), big, small);
}

/* v_exp on W groups, in stages (vx_1 .. vx_5) so that other work can be
 * interleaved with them (vw_phi_mills). */
typedef struct vexp_st {
    v4 kd[2], r1[2], r2[2], p[2], T0[2], T1[2], scale[2];
    __m128i j[2];
} vexp_st;

KV void vx_1(int W, const v4 *xh, vexp_st *X)
{
    KV_EACH(W, {
        v4 z = xh[h] * v_set(0x1.71547652b82fep7);
        X->kd[h] = _mm256_round_pd(z, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    });
    KV_EACH(W, {
        __m128i n = _mm256_cvtpd_epi32(X->kd[h]);
        X->j[h] = _mm_and_si128(n, _mm_set1_epi32(127));
        __m128i k = _mm_srai_epi32(_mm_sub_epi32(n, X->j[h]), 7);
        __m256i e = _mm256_add_epi64(_mm256_cvtepi32_epi64(k), _mm256_set1_epi64x(1023));
        X->scale[h] = _mm256_castsi256_pd(_mm256_slli_epi64(e, 52));
    });
}

KV void vx_2(int W, vexp_st *X)
{
    KV_EACH(W, v_rows2(&k_exp_tab[0][0], 2, X->j[h], 0, &X->T0[h], &X->T1[h]););
}

KV void vx_3(int W, const v4 *xh, const v4 *xl, vexp_st *X)
{
    KV_EACH(W, {
        v4 r = _mm256_fnmadd_pd(X->kd[h], v_set(K_LN2N_HI), xh[h]);
        v4 t = X->kd[h] * v_set(K_LN2N_LO);
        vdd rr = v_two_sum(r, -t);
        X->r1[h] = rr.hi;
        X->r2[h] = rr.lo + (xl[h] - _mm256_fmsub_pd(X->kd[h], v_set(K_LN2N_LO), t));
    });
}

KV void vx_4(int W, vexp_st *X)
{
    KV_EACH(W, {
        v4 r1 = X->r1[h], r1s = r1 * r1;
        v4 pa = v_set(0.5) + r1 * v_set(0x1.5555555555555p-3);
        v4 pb = v_set(0x1.5555555555555p-5) + r1 * v_set(0x1.1111111111111p-7);
        X->p[h] = r1s * (pa + r1s * (pb + r1s * v_set(0x1.6c16c16c16c17p-10)));
    });
}

KV void vx_5(int W, vexp_st *X, vdd *out)
{
    KV_EACH(W, {
        v4 T0 = X->T0[h], r1 = X->r1[h], r2 = X->r2[h], p = X->p[h];
        vdd s = v_two_prod(T0, r1);
        v4 lo = s.lo + T0 * (r2 + r1 * r2 + p) + X->T1[h] * (v_set(1) + r1 + p);
        vdd u = v_fast_two_sum(T0, s.hi);
        u = v_fast_two_sum(u.hi, u.lo + lo);
        out[h] = (vdd){u.hi * X->scale[h], u.lo * X->scale[h]};
    });
}

KV void vw_exp(int W, const v4 *xh, const v4 *xl, vdd *out)
{
    vexp_st X;
    vx_1(W, xh, &X);
    vx_2(W, &X);
    vx_3(W, xh, xl, &X);
    vx_4(W, &X);
    vx_5(W, &X, out);
}

/* expm1(x) = e^x - 1 in dd for -700 <= x <= -2^-8 (expm1_dd's exp branch). */
KV vdd v_expm1_neg(v4 x)
{
    vdd e = v_exp(x, v_set(0));
    vdd s = v_two_sum(e.hi, v_set(-1));
    return v_fast_two_sum(s.hi, s.lo + e.lo);
}

/* tanh_dd's exp branch for 2^-7 <= a <= 40 (callers clamp a): (1 - e)/(1 + e),
 * e = exp(-2a) in dd, one division. */
KV vdd v_tanh_dd(v4 a)
{
    vdd e = v_exp_neg(v_set(2) * a);
    vdd num = v_two_sum(v_set(1), -e.hi), den = v_fast_two_sum(v_set(1), e.hi);
    num.lo = num.lo - e.lo;
    den.lo = den.lo + e.lo;
    return v_dd_div(num, den);
}

/* log1p(r1 + r2), |r1| <= 2^-8: log1p_small's steps. */
KV vdd v_log1p_small(v4 r1, v4 r2)
{
    vdd sq = v_two_prod(r1, r1);
    v4 r2s = sq.hi, r4s = r2s * r2s;
    v4 a = v_set(0x1.5555555555555p-2) - r1 * v_set(0.25);
    v4 b = v_set(0.2) - r1 * v_set(0x1.5555555555555p-3);
    v4 c = v_set(0x1.2492492492492p-3) - r1 * v_set(0.125);
    v4 d = v_set(0x1.c71c71c71c71cp-4) - r1 * v_set(0.1);
    v4 poly = r1 * r2s * ((a + r2s * b) + r4s * (c + r2s * d));
    vdd l1 = v_fast_two_sum(r1, v_set(-0.5) * sq.hi);
    l1.lo = l1.lo + (v_set(-0.5) * sq.lo + poly + r2 * (v_set(1) - r1));
    return l1;
}

/* Positive normal x as 2^e * m, m in [1, 2) (e and m as doubles), and the
 * k_log_tab rows for m's top 8 bits: their entries 0 and 1 gathered into
 * L0 and L1, the rows themselves in t. The first step of log_dd3 and of
 * log1p_p. */
KV void v_log_split(v4 x, v4 *e, v4 *m, v4 *L0, v4 *L1, const double *t[4])
{
    __m256i b = _mm256_castpd_si256(x);
    __m256i eb = _mm256_srli_epi64(b, 52);
    *e = _mm256_castsi256_pd(_mm256_or_si256(eb, _mm256_set1_epi64x(0x4330000000000000LL)));
    *e = (*e - v_set(0x1p52)) - v_set(1023);
    *m = _mm256_castsi256_pd(
        _mm256_or_si256(_mm256_and_si256(b, _mm256_set1_epi64x(0x000fffffffffffffLL)),
                        _mm256_set1_epi64x(0x3ff0000000000000LL)));
    __m256i idx = _mm256_and_si256(_mm256_srli_epi64(b, 44), _mm256_set1_epi64x(255));
    t[0] = k_log_tab[_mm256_extract_epi64(idx, 0)];
    t[1] = k_log_tab[_mm256_extract_epi64(idx, 1)];
    t[2] = k_log_tab[_mm256_extract_epi64(idx, 2)];
    t[3] = k_log_tab[_mm256_extract_epi64(idx, 3)];
    v4 la = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(t[0])), _mm_loadu_pd(t[2]), 1);
    v4 lb = _mm256_insertf128_pd(_mm256_castpd128_pd256(_mm_loadu_pd(t[1])), _mm_loadu_pd(t[3]), 1);
    *L0 = _mm256_unpacklo_pd(la, lb);
    *L1 = _mm256_unpackhi_pd(la, lb);
}

/* log_dd3's steps (v_log3) on W groups. */
KV void vw_log3(int W, const v4 *hi, const v4 *lo, const v4 *lo2, vdd *out)
{
    v4 e[2], m[2], L0[2], L1[2], L2[2];
    vdd r[2], c[2];
    KV_EACH(W, {
        const double *t[4];
        v_log_split(hi[h], &e[h], &m[h], &L0[h], &L1[h], t);
        L2[h] = _mm256_setr_pd(t[0][2], t[1][2], t[2][2], t[3][2]);
    });
    KV_EACH(W, {
        vdd p = v_two_prod(m[h], L0[h]);
        r[h] = v_two_sum(p.hi - v_set(1), p.lo + lo[h] / hi[h] * p.hi);
        r[h].lo = r[h].lo + lo2[h] / hi[h] * p.hi;
    });
    KV_EACH(W, c[h] = v_dd_add((vdd){e[h] * v_set(K_LN2_HI), e[h] * v_set(K_LN2_LO)},
                               (vdd){L1[h], L2[h]}););
    KV_EACH(W, out[h] = v_dd_add(c[h], v_log1p_small(r[h].hi, r[h].lo)););
}

/* ---- plain double (num/plain.h), for float32 results ---- */

/* exp_p on W groups, |x| <= 700, in stages (px_1 .. px_3) so that other
 * work can be interleaved with them (vw_gf_q). */
typedef struct vexpp_st {
    v4 kd[2], r[2], T0[2], T1[2], scale[2];
    __m128i j[2];
} vexpp_st;

KV void px_1(int W, const v4 *x, vexpp_st *X)
{
    KV_EACH(W, {
        X->kd[h] = _mm256_round_pd(x[h] * v_set(0x1.71547652b82fep7),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        __m128i n = _mm256_cvtpd_epi32(X->kd[h]);
        X->j[h] = _mm_and_si128(n, _mm_set1_epi32(127));
        __m128i k = _mm_srai_epi32(_mm_sub_epi32(n, X->j[h]), 7);
        __m256i e = _mm256_add_epi64(_mm256_cvtepi32_epi64(k), _mm256_set1_epi64x(1023));
        X->scale[h] = _mm256_castsi256_pd(_mm256_slli_epi64(e, 52));
    });
}

KV void px_2(int W, const v4 *x, vexpp_st *X)
{
    KV_EACH(W, v_rows2(&k_exp_tab[0][0], 2, X->j[h], 0, &X->T0[h], &X->T1[h]););
    KV_EACH(W, {
        X->r[h] = _mm256_fnmadd_pd(X->kd[h], v_set(K_LN2N_HI), x[h]);
        X->r[h] = _mm256_fnmadd_pd(X->kd[h], v_set(K_LN2N_LO), X->r[h]);
    });
}

KV void px_3(int W, vexpp_st *X, v4 *out)
{
    KV_EACH(W, {
        v4 r = X->r[h];
        v4 q = _mm256_fmadd_pd(r, v_set(0x1.1111111111111p-7), v_set(0x1.5555555555555p-5));
        q = _mm256_fmadd_pd(r, q, v_set(0x1.5555555555555p-3));
        q = _mm256_fmadd_pd(r, q, v_set(0.5));
        v4 p = _mm256_fmadd_pd(r * r, q, r);
        out[h] = _mm256_fmadd_pd(X->T0[h], p, X->T0[h]) * X->scale[h];
    });
}

KV void vw_exp_p(int W, const v4 *x, v4 *out)
{
    vexpp_st X;
    px_1(W, x, &X);
    px_2(W, x, &X);
    px_3(W, &X, out);
}

/* log1p_p on W groups, 0 <= E <= 1. */
KV void vw_log1p_p(int W, const v4 *E, v4 *out)
{
    v4 s[2], c[2], e[2], m[2], L0[2], L1[2];
    KV_EACH(W, {
        s[h] = v_set(1) + E[h];
        c[h] = (v_set(1) - s[h]) + E[h];
        const double *t[4];
        v_log_split(s[h], &e[h], &m[h], &L0[h], &L1[h], t);
    });
    KV_EACH(W, {
        v4 r = _mm256_fmadd_pd(m[h], L0[h], v_set(-1));
        v4 q = _mm256_fmadd_pd(r, v_set(-0x1.5555555555555p-3), v_set(0x1.999999999999ap-3));
        q = _mm256_fmadd_pd(r, q, v_set(-0.25));
        q = _mm256_fmadd_pd(r, q, v_set(0x1.5555555555555p-2));
        q = _mm256_fmadd_pd(r, q, v_set(-0.5));
        out[h] = _mm256_fmadd_pd(e[h], v_set(0x1.62e42fefa39efp-1), L1[h]) +
                 (_mm256_fmadd_pd(r * r, q, r) + c[h] / s[h]);
    });
}

/* gf_sig on W groups: sigmoid(w) and sigmoid(-w), |w| clamped at 700. */
KV void vw_gf_sig(int W, const v4 *w, v4 *sp, v4 *sm)
{
    v4 e[2];
    KV_EACH(W, e[h] = -_mm256_min_pd(v_abs(w[h]), v_set(700)););
    vw_exp_p(W, e, e);
    KV_EACH(W, {
        v4 big = v_set(1) / (v_set(1) + e[h]), small = e[h] * big;
        v4 pos = _mm256_cmp_pd(w[h], v_set(0), _CMP_GE_OQ);
        sp[h] = _mm256_blendv_pd(small, big, pos);
        sm[h] = _mm256_blendv_pd(big, small, pos);
    });
}

/* tanh_p on W groups (a >= 0): the series below 2^-7, else (1-e)/(1+e). */
KV void vw_tanh_p(int W, const v4 *a, v4 *out)
{
    v4 e[2];
    KV_EACH(W, e[h] = v_set(-2) * _mm256_min_pd(a[h], v_set(40)););
    vw_exp_p(W, e, e);
    KV_EACH(W, {
        v4 a2 = a[h] * a[h];
        v4 q = _mm256_fmadd_pd(a2, v_set(-0x1.ba1ba1ba1ba1cp-5), v_set(0x1.1111111111111p-3));
        q = _mm256_fmadd_pd(a2, q, v_set(-0x1.5555555555555p-2));
        v4 ser = _mm256_fmadd_pd(a[h] * a2, q, a[h]);
        out[h] = _mm256_blendv_pd((v_set(1) - e[h]) / (v_set(1) + e[h]), ser, v_lt(a[h], 0x1p-7));
    });
}

#endif
#endif
