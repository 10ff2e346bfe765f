/*
 * num/exp.h - exp, expm1, log, tanh and sigmoid in double-double (internal).
 *
 * glibc's exp is within 0.51 ULP, but sigmoid(x) = e/(1+e) passes that error
 * on whole and then rounds again (1.01 ULP), and exp(t) multiplies the
 * rounding error of its argument t by |t| (softplus(-700) would be 350 ULP
 * off with t = beta*x rounded). So the kernels use these versions: relative
 * error about 2^-66, arguments given as double-doubles, results as dd with a
 * separate exponent so tails far below DBL_MIN round only once.
 */
#ifndef ACTIV_NUM_EXP_H
#define ACTIV_NUM_EXP_H

#include "num/dd.h"
#include "num/tables.h"

#define K_EXP_SHIFT 0x1.8p52 /* adding it rounds to an integer */

/*
 * e^(xh + xl) = (hi + lo)*2^k, |xh| <= 1500, |xl| <= ulp(xh).
 * x = n*ln2/128 + r, |r| <= ln2/256: e^x = 2^(n/128) * e^r with 2^(j/128)
 * from the table (dd) and e^r - 1 = r + r^2/2 + ... + r^6/720 (truncation
 * 2^-71; r^2/2 onwards is below 2^-18 so its rounding costs 2^-70).
 * n*K_LN2N_HI is exact (34-bit constant, |n| < 2^19: |x| < 2839) and
 * cancels exactly against x (Sterbenz). The tails of products with a huge
 * parameter (alpha*e^x with alpha near 2^1024) reach x = -1455.
 */
K_INLINE dde exp_dd(double xh, double xl)
{
    double z = xh * 0x1.71547652b82fep7; /* 128/ln2 */
    double kd = (z + K_EXP_SHIFT) - K_EXP_SHIFT;
    int n = (int)kd, j = n & 127;
    double r = xh - kd * K_LN2N_HI;
    double t = kd * K_LN2N_LO;
    dd rr = two_sum(r, -t);
    double r1 = rr.hi, r2 = rr.lo + (xl - fma(kd, K_LN2N_LO, -t));
    double r1s = r1 * r1; /* p = r^2/2 + ... + r^6/720, Estrin's scheme */
    double pa = 0.5 + r1 * 0x1.5555555555555p-3,
           pb = 0x1.5555555555555p-5 + r1 * 0x1.1111111111111p-7;
    double p = r1s * (pa + r1s * (pb + r1s * 0x1.6c16c16c16c17p-10));
    const double *T = k_exp_tab[j];
    dd s = two_prod(T[0], r1);
    double lo = s.lo + T[0] * (r2 + r1 * r2 + p) + T[1] * (1 + r1 + p);
    dd u = fast_two_sum(T[0], s.hi);
    u = fast_two_sum(u.hi, u.lo + lo);
    return (dde){u.hi, u.lo, (n - j) / 128};
}

/*
 * e^x - 1 for |x| <= 1100.
 *  |x| < 2^-8: Taylor x + x^2/2 + x^3/6 + ... + x^8/8! (truncation 2^-71
 *              relative); x^2 exact, the rest below 2^-18 relative.
 *  otherwise:  exp_dd(x) - 1 in dd; for |x| >= 2^-8 the cancellation costs
 *              at most 8 bits of exp_dd's 66.
 */
K_INLINE dd expm1_dd(double x)
{
    if (fabs(x) < 0x1p-8) {
        dd x2 = two_prod(x, x);
        double p = x2.hi * x *
                   (0x1.5555555555555p-3 +
                    x * (0x1.5555555555555p-5 +
                         x * (0x1.1111111111111p-7 +
                              x * (0x1.6c16c16c16c17p-10 +
                                   x * (0x1.a01a01a01a01ap-13 + x * 0x1.a01a01a01a01ap-16)))));
        dd s = fast_two_sum(x, 0.5 * x2.hi);
        return fast_two_sum(s.hi, s.lo + (0.5 * x2.lo + p));
    }
    if (x < -800) return (dd){-1, 0};
    dd e = dde_to_dd(exp_dd(x, 0));
    dd s = two_sum(e.hi, -1);
    return fast_two_sum(s.hi, s.lo + e.lo);
}

/*
 * log(hi + lo) for a normal hi > 0. hi = 2^e * m, m in [1, 2); the table's
 * invc ~ 1/m (exactly 1 for the first interval) gives r = m*invc - 1 exactly
 * (two_prod), |r| <= 2^-8, and log(hi) = e*ln2 - log(invc) + log1p(r) with
 * log1p(r) = r - r^2/2 + r^3/3 - ... (r^2 exact, truncation after r^10/10
 * 2^-73 relative). lo enters as log1p(lo/hi) ~ lo/hi. Near 1 everything but
 * log1p(r) is 0, so the result keeps relative accuracy (log1p(1e-300) too).
 */
/* log1p(r1 + r2) for |r1| <= 2^-8, |r2| <= ulp(r1). */
K_INLINE dd log1p_small(double r1, double r2)
{
    dd sq = two_prod(r1, r1);
    /* r^3*(1/3 - r/4 + r^2/5 - ... - r^7/10), Estrin's scheme */
    double r2s = sq.hi, r4s = r2s * r2s;
    double a = 0x1.5555555555555p-2 - r1 * 0.25, b = 0.2 - r1 * 0x1.5555555555555p-3;
    double c = 0x1.2492492492492p-3 - r1 * 0.125, d = 0x1.c71c71c71c71cp-4 - r1 * 0.1;
    double poly = r1 * r2s * ((a + r2s * b) + r4s * (c + r2s * d));
    dd l1 = fast_two_sum(r1, -0.5 * sq.hi);
    l1.lo += -0.5 * sq.lo + poly + r2 * (1 - r1);
    return l1;
}

/* log(hi + lo + lo2): lo2 joins the reduced argument directly, so a third
 * component smaller than an ULP of hi + lo still counts (log1p_dd). */
K_INLINE dd log_dd3(double hi, double lo, double lo2)
{
    uint64_t b = k_asuint64(hi);
    int e = (int)(b >> 52) - 1023;
    double m = k_asdouble((b & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);
    const double *L = k_log_tab[(b >> 44) & 255];
    dd p = two_prod(m, L[0]);
    dd r = two_sum(p.hi - 1, p.lo + lo / hi * p.hi);
    r.lo += lo2 / hi * p.hi;
    dd c = dd_add((dd){e * K_LN2_HI, e * K_LN2_LO}, (dd){L[1], L[2]});
    return dd_add(c, log1p_small(r.hi, r.lo));
}

K_INLINE dd log_dd(double hi, double lo)
{
    return log_dd3(hi, lo, 0);
}

/* log(1 + y) for y >= 0 given as a dd: 1 + y.hi exactly as s.hi + s.lo, and
 * y.lo as the third part, so it is not rounded away when y < 2^-53. */
K_INLINE dd log1p_dd(dd y)
{
    dd s = fast_two_sum(1, y.hi);
    return log_dd3(s.hi, s.lo, y.lo);
}

/*
 * tanh(a), a >= 0.
 *  a < 2^-7: a*(1 - a^2/3 + 2a^4/15 - 17a^6/315 + 62a^8/2835), truncation
 *            2^-70; the correction is below 2^-15 of a, so rounding it costs
 *            2^-68.
 *  else:     (1 - e)/(1 + e), e = exp(-2a) in dd: 1 - e keeps 60 of exp's 66
 *            bits at a = 2^-7 and more beyond; one division.
 *  a > 40:   1 - 2e.
 */
K_INLINE dd tanh_dd(double a)
{
    if (a < 0x1p-7) {
        double a2 = a * a;
        double p = a2 * (-0x1.5555555555555p-2 +
                         a2 * (0x1.1111111111111p-3 +
                               a2 * (-0x1.ba1ba1ba1ba1cp-5 + a2 * 0x1.664f4882c10fap-6)));
        return fast_two_sum(a, a * p);
    }
    if (a > 40) return (dd){1, -2 * exp(-2 * a)};
    dde E = exp_dd(-2 * a, 0);
    double s = k_pow2(E.k);
    dd e = {E.hi * s, E.lo * s};
    dd num = two_sum(1, -e.hi), den = fast_two_sum(1, e.hi);
    num.lo -= e.lo;
    den.lo += e.lo;
    return dd_div(num, den);
}

/*
 * The two halves of the logistic function at t = th + tl:
 *   sig_pos(|t|) = 1/(1 + e), sig_neg(|t|) = e/(1 + e), e = exp(-|t|) <= 1.
 * sig_neg keeps an exponent: below t = -700 it is e itself (e/(1+e) = e(1-e)
 * and e < 2^-1000), rounded once however far down it goes.
 */
K_INLINE dd sig_pos(double ah, double al)
{
    if (ah > 40) return (dd){1, -exp(-ah)}; /* 1/(1+e) = 1 - e + e^2, e^2 < 2^-115 */
    dd e = dde_to_dd(exp_dd(-ah, -al));
    return dd_recip(dd_add_d(e, 1));
}

/*
 * Both halves at once for |t| = ah + al <= 700, from one exp and without a
 * branch on the sign of t (random signs would mispredict half the time):
 * big = 1/(1+e) by one division and an fma correction, small = e*big.
 */
typedef struct sig2 {
    dd big, small;
} sig2;

K_INLINE sig2 sig_both(double ah, double al)
{
    dde E = exp_dd(-ah, -al);
    double s = k_pow2(E.k); /* E.k >= -1011 here */
    dd e = {E.hi * s, E.lo * s};
    dd q = fast_two_sum(1, e.hi);
    q.lo += e.lo;
    double r = 1 / q.hi;
    double c = fma(-r, q.hi, 1) - r * q.lo;
    dd big = fast_two_sum(r, r * c);
    return (sig2){big, dd_mul(e, big)};
}

/*
 * g(a) = e(1-e)/(1+e)^3, e = exp(-a), a >= 0, exponent kept: sigmoid''(x) =
 * -s(x)s(-x)tanh(x/2) = -sign(x) g(|x|), and tanh''(x) = -8 sign(x) g(2|x|).
 * Never s(1-s)(1-2s) (PyTorch's form), which is 0 from |x| = 37 on.
 *  a < 2^-30: a/8 (the next term, a^3/24, is 2^-61 of it), the exponent
 *             apart so a subnormal a is not rounded by the division;
 *  a < 2^-8:  E - 1 from expm1 (1 - exp(-a) would cancel): -em*E/(2+em)^3;
 *  a <= 700:  small*big*(big - small) from sig_both (one exp, one division);
 *             big - small = tanh(a/2) keeps 58 of exp's 66 bits at 2^-8;
 *  a > 700:   e itself ((1-e)/(1+e)^3 = 1 - 4e, e < 2^-1000); 0 past 1400.
 */
K_INLINE dde sig_d2(double a)
{
    if (a < 0x1p-30) return (dde){a, 0, -3};
    if (a < 0x1p-8) {
        dd em = expm1_dd(-a), r = dd_recip(dd_add_d(em, 2));
        dd g = dd_mul(dd_mul(dd_neg(em), dd_add_d(em, 1)), dd_mul(dd_mul(r, r), r));
        return (dde){g.hi, g.lo, 0};
    }
    if (!(a <= 700)) return a > 1400 ? (dde){0, 0, 0} : exp_dd(-a, 0);
    sig2 s = sig_both(a, 0);
    dd g = dd_mul(dd_mul(s.big, s.small), dd_add(s.big, dd_neg(s.small)));
    return (dde){g.hi, g.lo, 0};
}

K_INLINE dde sig_neg(double ah, double al)
{
    if (ah > 1400) return (dde){0, 0, 0};
    dde e = exp_dd(-ah, -al);
    if (ah > 700) return e;
    dd d = dde_to_dd(e);
    dd s = dd_div(d, dd_add_d(d, 1));
    return (dde){s.hi, s.lo, 0};
}

#endif
