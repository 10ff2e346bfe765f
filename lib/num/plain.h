/*
 * num/plain.h - exp, log1p, the logistic halves, tanh and the Gaussian tail
 * in plain double, for float32 results (internal).
 *
 * A float result needs far less than the float64 kernels' double-double:
 * plain double arithmetic with a relative error below 2^-44 (a few double
 * rounding steps, exp's argument kept to 2^-53 of its size) puts the exact
 * value within 2^-20 float ULP of the computed double, so the one final
 * rounding to float stays within 0.5 + 2^-20 ULP of the exact result, the
 * subnormal floats included (their spacing 2^-149 is far above the double's
 * error). Where a formula cancels (the roots of derivatives) the float32
 * kernels use the float64 root patches (num/gauss.h). The four-lane versions
 * (num/vexp.h, num/vgauss.h) make the same operations in the same order, so
 * both paths give the same bits.
 */
#ifndef ACTIV_NUM_PLAIN_H
#define ACTIV_NUM_PLAIN_H

#include "num/gauss.h"

/*
 * e^x in plain double for |x| <= 700: x = n*ln2/128 + r, |r| <= ln2/256 (the
 * reduction in two fma steps, error 2^-53 of r), e^r - 1 = r + r^2/2 + ...
 * + r^5/120 (truncation 2^-60), e^x = 2^(n/128)*(1 + p), the table's high
 * part only (its low part is 2^-53): relative error below 2^-51.
 */
K_INLINE double exp_p(double x)
{
    double z = x * 0x1.71547652b82fep7;
    double kd = (z + K_EXP_SHIFT) - K_EXP_SHIFT; /* round to nearest, as vroundpd */
    int n = (int)kd, j = n & 127;
    double r = fma(-kd, K_LN2N_HI, x);
    r = fma(-kd, K_LN2N_LO, r);
    double q = fma(r, 0x1.1111111111111p-7, 0x1.5555555555555p-5);
    q = fma(r, q, 0x1.5555555555555p-3);
    q = fma(r, q, 0.5);
    double p = fma(r * r, q, r), t = k_exp_tab[j][0];
    return fma(t, p, t) * k_pow2((n - j) / 128);
}

/*
 * log1p(E) for 0 <= E <= 1 in plain double: s = 1 + E and its rounding
 * c = (1 - s) + E exactly (Fast2Sum), log(s) = e*ln2 - log(invc) + log1p(r)
 * with the log table's invc ~ 1/m (exactly 1 next to 1, so tiny E keeps its
 * relative accuracy), r = m*invc - 1 in one fma, |r| < 2^-8, log1p(r) to the
 * r^6 term (truncation 2^-51 relative), plus c/s: relative error below 2^-48.
 */
K_INLINE double log1p_p(double E)
{
    double s = 1 + E, c = (1 - s) + E;
    uint64_t b = k_asuint64(s);
    double e = (double)((int)(b >> 52) - 1023); /* 0, or 1 for s = 2 */
    double m = k_asdouble((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const double *L = k_log_tab[(b >> 44) & 255];
    double r = fma(m, L[0], -1);
    double q = fma(r, -0x1.5555555555555p-3, 0x1.999999999999ap-3);
    q = fma(r, q, -0.25);
    q = fma(r, q, 0x1.5555555555555p-2);
    q = fma(r, q, -0.5);
    return fma(e, 0x1.62e42fefa39efp-1, L[1]) + (fma(r * r, q, r) + c / s);
}

/* Q(a) = phi(a)*R(a), the upper tail of N(0,1), and phi(a) in *ph, for
 * 0 <= a <= 30. phi's exponent -a^2/2 carries the rounding error l of a^2 as
 * the factor (1 - l/2). R from the Mills table in double (c0 + t*(c1 + t*(c2
 * + t*tail)), relative 2^-51): no term cancels. */
K_INLINE double gf_q(double a, double *ph)
{
    double a2 = a * a, l = fma(a, a, -a2);
    double e = exp_p(-0.5 * a2);
    e = fma(e, -0.5 * l, e);
    *ph = e * K_INV_SQRT2PI_HI;
    int i = (int)(a * MILLS_STEP);
    double t = a - (double)i / MILLS_STEP;
    const double *c = k_mills_tab[i];
    double R = fma(t, fma(t, fma(t, mills_tail(c + 6, t), c[4]), c[2]), c[0]);
    return *ph * R;
}

/* sigmoid(w) and sigmoid(-w) from one e = exp(-|w|), |w| clamped at 700
 * (e^-700: every product with it is below the floats). */
K_INLINE void gf_sig(double w, double *sp, double *sm)
{
    double a = fabs(w), e = exp_p(-(a < 700 ? a : 700));
    double big = 1 / (1 + e), small = e * big;
    *sp = w >= 0 ? big : small;
    *sm = w >= 0 ? small : big;
}

/*
 * tanh(a), a >= 0, in double: a*(1 - a^2/3 + 2a^4/15 - 17a^6/315) below
 * 2^-7 (truncation 2^-61; (1 - e)/(1 + e) would lose the bits of a to the
 * cancellation), else (1 - e)/(1 + e), e = exp(-2a), a clamped at 40 (tanh
 * rounds to 1 there): at a = 2^-7 the cancellation costs 6 of exp_p's 51 bits.
 */
K_INLINE double tanh_p(double a)
{
    if (a < 0x1p-7) {
        double a2 = a * a;
        double q = fma(a2, -0x1.ba1ba1ba1ba1cp-5, 0x1.1111111111111p-3);
        q = fma(a2, q, -0x1.5555555555555p-2);
        return fma(a * a2, q, a);
    }
    double e = exp_p(-2 * (a < 40 ? a : 40));
    return (1 - e) / (1 + e);
}

/*
 * g(a) = e(1-e)/(1+e)^3 (num/exp.h's sig_d2) in plain double: a/8 below
 * 2^-20 (a^3/24 is 2^-41.6 of it, and a float a/8 is exact); tanh(a/2)
 * from tanh_p's series below 2^-6 (big - small would keep only 2^-52/a of
 * it), else big - small (2^-45 relative from 2^-6 on); a clamped at 120
 * (g < 2^-170, far below the floats).
 */
K_INLINE double sig_d2_p(double a)
{
    if (a < 0x1p-20) return a * 0.125;
    double e = exp_p(-(a < 120 ? a : 120)), big = 1 / (1 + e), small = e * big;
    double t = a < 0x1p-6 ? tanh_p(0.5 * a) : big - small;
    return small * big * t;
}

#endif
