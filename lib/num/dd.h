/*
 * num/dd.h - double-double arithmetic for the kernels (internal).
 *
 * A dd is an unevaluated sum hi + lo with |lo| <= ulp(hi)/2: about 106 bits.
 * The kernels compute in dd and round once at the end, which is how they stay
 * within 1 ULP where a chain of double operations would not (every rounding
 * of an intermediate costs up to half an ULP, and exp/erfc amplify the
 * rounding of their arguments). The error-free transformations need exact
 * IEEE arithmetic: never -ffast-math, and no contraction of a*b+c behind our
 * back (GCC does not contract in ISO C mode; clang is told here).
 */
#ifndef ACTIV_NUM_DD_H
#define ACTIV_NUM_DD_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#ifdef __clang__
#pragma STDC FP_CONTRACT OFF
#endif

/* Forced inlining: the array loops are compiled twice (baseline and FMA,
 * loops.h), and only code inlined into them gets the FMA instructions. */
#if defined(__GNUC__)
#define K_INLINE static inline __attribute__((always_inline))
#else
#define K_INLINE static inline
#endif

typedef struct dd {
    double hi, lo;
} dd;

/* A dd with a separate binary exponent: (hi + lo) * 2^k. Results of exp far
 * outside the double range stay exact until the one final rounding. */
typedef struct dde {
    double hi, lo;
    int k;
} dde;

/* s + e = a + b exactly (Knuth). */
K_INLINE dd two_sum(double a, double b)
{
    double s = a + b, bb = s - a;
    return (dd){s, (a - (s - bb)) + (b - bb)};
}

/* s + e = a + b exactly, when |a| >= |b| or a == 0 (Dekker). */
K_INLINE dd fast_two_sum(double a, double b)
{
    double s = a + b;
    return (dd){s, b - (s - a)};
}

/* p + e = a * b exactly (unless the product underflows). */
K_INLINE dd two_prod(double a, double b)
{
    double p = a * b;
    return (dd){p, fma(a, b, -p)};
}

K_INLINE dd dd_add(dd a, dd b)
{
    dd s = two_sum(a.hi, b.hi);
    return fast_two_sum(s.hi, s.lo + (a.lo + b.lo));
}

K_INLINE dd dd_add_d(dd a, double b)
{
    dd s = two_sum(a.hi, b);
    return fast_two_sum(s.hi, s.lo + a.lo);
}

K_INLINE dd dd_neg(dd a)
{
    return (dd){-a.hi, -a.lo};
}

K_INLINE dd dd_mul(dd a, dd b)
{
    dd p = two_prod(a.hi, b.hi);
    return fast_two_sum(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

K_INLINE dd dd_mul_d(dd a, double b)
{
    dd p = two_prod(a.hi, b);
    return fast_two_sum(p.hi, p.lo + a.lo * b);
}

/* a / b for |b.hi| >= 2^-1000, with one division: q = a.hi*(1/b.hi) may be an ULP off, but its
 * remainder a - q*b is exact (fma) and small, so q + remainder/b is a/b to
 * about 2^-104; the remainder's quotient needs only the approximate 1/b.hi. */
K_INLINE dd dd_div(dd a, dd b)
{
    double inv = 1 / b.hi, q = a.hi * inv;
    double r = fma(-q, b.hi, a.hi) + (a.lo - q * b.lo);
    return fast_two_sum(q, r * inv);
}

/* a / b for any b (a true division: 1/b may overflow where a/b does not). */
K_INLINE dd dd_div_d(dd a, double b)
{
    double q = a.hi / b;
    double r = fma(-q, b, a.hi) + a.lo;
    return fast_two_sum(q, r / b);
}

K_INLINE dd dd_recip(dd b)
{
    return dd_div((dd){1, 0}, b);
}

K_INLINE double dd_round(dd a)
{
    return a.hi + a.lo;
}

K_INLINE double k_asdouble(uint64_t b)
{
    double d;
    memcpy(&d, &b, sizeof d);
    return d;
}

K_INLINE uint64_t k_asuint64(double d)
{
    uint64_t b;
    memcpy(&b, &d, sizeof b);
    return b;
}

/* 2^k for -1022 <= k <= 1023, exactly. */
K_INLINE double k_pow2(int k)
{
    return k_asdouble((uint64_t)(k + 1023) << 52);
}

/* Round (hi + lo)*2^k with one rounding where the result is subnormal:
 * F = (hi + lo)*2^(k+1074) is the result in units of the smallest subnormal;
 * round hi's part to an integer, then let lo decide the last step. */
K_INLINE double dd_scale_subnormal(double hi, double lo, int k)
{
    double s = fabs(hi), sl = hi < 0 ? -lo : lo;
    int e = k + 1074; /* >= -60 here, so the scaling below is exact */
    double f = e >= 0 ? s * k_pow2(e > 1023 ? 1023 : e) : s / k_pow2(-e);
    double fl = e >= 0 ? sl * k_pow2(e > 1023 ? 1023 : e) : sl / k_pow2(-e);
    if (f >= 0x1p52) /* normal after all */
        return copysign(((s + sl) * k_pow2(k + 600)) * 0x1p-600, hi);
    double r = (f + 0x1p52) - 0x1p52; /* nearest integer, ties to even */
    double d = (f - r) + fl;
    if (d > 0.5) r += 1;
    if (d < -0.5) r -= 1;
    return copysign(r * 0x1p-1074, hi);
}

/* dd_scale for any hi: normalise hi to [0.5, 1) first (frexp; off the fast
 * path), so the decision normal/subnormal/overflow is made on the result. */
static inline double dd_scale_slow(double hi, double lo, int k)
{
    if (hi == 0 || !isfinite(hi)) return hi + lo;
    int eh;
    double m = frexp(hi, &eh), ml = ldexp(lo, -eh);
    k += eh;
    if (k > 960) return ((m + ml) * k_pow2(k - 960 > 1023 ? 1023 : k - 960)) * 0x1p960;
    if (k >= -960) return (m + ml) * k_pow2(k);
    if (k < -1200) return copysign(0.0, hi);
    return dd_scale_subnormal(m, ml, k);
}

/* (hi + lo)*2^k rounded once to a double, IEEE overflow to +-Inf included. */
K_INLINE double dd_scale(double hi, double lo, int k)
{
    double a = fabs(hi);
    if (k >= -960 && k <= 960 && a >= 0x1p-60 && a <= 0x1p60) return (hi + lo) * k_pow2(k);
    return dd_scale_slow(hi, lo, k);
}

K_INLINE double dde_round(dde a)
{
    return dd_scale(a.hi, a.lo, a.k);
}

/* q*x*2^k rounded once, also where the product is subnormal: a tiny x is
 * scaled up first, so the product's low part does not underflow (that would
 * round twice: half an ULP more). */
K_INLINE double dd_mul_d_round(dd q, double x, int k)
{
    if (fabs(x) < 0x1p-900) {
        dd m = dd_mul_d(q, x * 0x1p200);
        return dd_scale(m.hi, m.lo, k - 200);
    }
    dd m = dd_mul_d(q, x);
    return dd_scale(m.hi, m.lo, k);
}

/* m*b*2^k rounded once, for finite m and b of any magnitude: where m.hi or b
 * is far from 1 (elu's alpha or softplus's beta may be 1e-300 or 1e308, and
 * m a tail near 2^-1000) their exponents join k first (frexp), so the
 * mantissa product neither overflows nor loses bits to the subnormals. */
K_INLINE double dd_mul_d_scale(dd m, double b, int k)
{
    double am = fabs(m.hi), ab = fabs(b);
    if (!(am >= 0x1p-400 && am <= 0x1p400 && ab >= 0x1p-400 && ab <= 0x1p400)) {
        int em, eb;
        double f = frexp(m.hi, &em);
        m = (dd){f, ldexp(m.lo, -em)};
        b = frexp(b, &eb);
        k += em + eb;
    }
    dd r = dd_mul_d(m, b);
    return dd_scale(r.hi, r.lo, k);
}

/* m/b*2^k rounded once, m.hi in [1, 2) (an exp_dd mantissa), b finite and
 * nonzero: b's exponent joins k where 1/b alone would overflow or lose bits
 * (celu's 1/alpha with alpha = 2^-1074). */
K_INLINE double dd_div_d_scale(dd m, double b, int k)
{
    if (!(fabs(b) >= 0x1p-400 && fabs(b) <= 0x1p400)) {
        int eb;
        b = frexp(b, &eb);
        k -= eb;
    }
    dd r = dd_div_d(m, b);
    return dd_scale(r.hi, r.lo, k);
}

/* The dd value of a dde: exact for k >= -1022; rounded (lo dropped) where
 * the value is subnormal; 0 below. */
K_INLINE dd dde_to_dd(dde a)
{
    if (a.k >= -1022) return (dd){a.hi * k_pow2(a.k), a.lo * k_pow2(a.k)};
    if (a.k < -1140) return (dd){0, 0};
    return (dd){(a.hi * k_pow2(a.k + 200)) * 0x1p-200, 0};
}

/* Exact sign of a*b + c - d (a*b above 2^-969 so its error is exact):
 * for hardsigmoid's conditions, where rounding fma(a, b, c) to 0 or 1 would
 * decide a kink wrongly. Summed as a floating-point expansion (Shewchuk):
 * its largest nonzero component has the sign of the sum. */
K_INLINE int k_sign4(double a, double b, double c, double d)
{
    dd p = two_prod(a, b);
    double v[4] = {p.lo, p.hi, c, -d}, e[4];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        double q = v[i];
        int m = 0;
        for (int j = 0; j < n; j++) {
            dd s = two_sum(q, e[j]);
            if (s.lo != 0) e[m++] = s.lo;
            q = s.hi;
        }
        if (q != 0) e[m++] = q;
        n = m;
    }
    return n == 0 ? 0 : (e[n - 1] > 0 ? 1 : -1);
}

#endif
