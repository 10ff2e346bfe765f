/*
 * num/gauss.h - the normal distribution for gelu, and polynomial patches at
 * the roots of derivatives (internal).
 */
#ifndef ACTIV_NUM_GAUSS_H
#define ACTIV_NUM_GAUSS_H

#include "num/exp.h"

#define K_INV_SQRT2PI_HI 0x1.9884533d43651p-2 /* 1/sqrt(2 pi) */
#define K_INV_SQRT2PI_LO -0x1.cbc0d30ebfd15p-56

/*
 * Mills ratio R(a) = Q(a)/phi(a), Q the upper tail of N(0,1), 0 <= a < 40 (callers
 * guarantee the range: the table ends there):
 * smooth and between 1.25 and 1/a, so a polynomial per interval of width 1/4
 * (degree 14, fitted with MPFR; c0..c2 kept as dd) gives it to 2^-61. With
 * it, the tail Q(a) = phi(a)*R(a) keeps full relative accuracy where erfc
 * alone (glibc: several ULP) or 1 - Phi (cancellation) would not.
 */
/* c3 + c4 t + ... + c14 t^11 by Estrin's scheme: 4 dependent steps instead
 * of Horner's 11 (the terms are below 2^-4 of c0, so the different rounding
 * order costs nothing measurable). */
#if MILLS_DEG != 14
#error "mills_tail is written for degree 14"
#endif
K_INLINE double mills_tail(const double *c, double t)
{
    double t2 = t * t, t4 = t2 * t2, t8 = t4 * t4;
    double p0 = c[0] + c[1] * t, p1 = c[2] + c[3] * t, p2 = c[4] + c[5] * t;
    double p3 = c[6] + c[7] * t, p4 = c[8] + c[9] * t, p5 = c[10] + c[11] * t;
    double q0 = p0 + p1 * t2, q1 = p2 + p3 * t2, q2 = p4 + p5 * t2;
    return (q0 + q1 * t4) + q2 * t8;
}

K_INLINE dd mills_dd(double a)
{
    int i = (int)(a * MILLS_STEP);
    double t = a - (double)i / MILLS_STEP; /* exact */
    const double *c = k_mills_tab[i];      /* c0 hi lo, c1 hi lo, c2 hi lo, c3 .. */
    double q = mills_tail(c + 6, t);
    dd u = two_sum(c[4], t * q);
    u.lo += c[5];
    dd v = dd_add((dd){c[2], c[3]}, dd_mul_d(u, t));
    return dd_add((dd){c[0], c[1]}, dd_mul_d(v, t));
}

/*
 * phi(a) = exp(-a^2/2)/sqrt(2 pi), exponent kept. a^2/2 is split exactly
 * (two_prod): rounded, its error at a = 38 (2^-44) would cost exp 2^9 ULP.
 */
K_INLINE dde phi_dde(double a)
{
    dd a2 = two_prod(a, a);
    dde e = exp_dd(-0.5 * a2.hi, -0.5 * a2.lo);
    dd m = dd_mul((dd){e.hi, e.lo}, (dd){K_INV_SQRT2PI_HI, K_INV_SQRT2PI_LO});
    return (dde){m.hi, m.lo, e.k};
}

/*
 * Near a simple root x0 of f', f'(x) = t*P(t) with t = x - x0: computing t
 * exactly (x0 in triple-double, x - x0[0] exact by Sterbenz) and P from the
 * fitted polynomial keeps the relative accuracy that the direct formula
 * loses to cancellation (its terms are 2^52 times larger than f' next to x0).
 */
K_INLINE int near_root(const struct k_root *R, double x)
{
    return fabs(x - R->x0[0]) < R->radius;
}

K_INLINE double root_patch(const struct k_root *R, double x)
{
    dd t = two_sum(x - R->x0[0], -R->x0[1]);
    t.lo -= R->x0[2];
    const double *c = R->c; /* c0 hi lo, c1 hi lo, c2 .. */
    double q = c[ROOT_DEG + 2];
    for (int k = ROOT_DEG - 1; k >= 2; k--) q = q * t.hi + c[k + 2];
    dd w = two_sum(c[2], t.hi * q);
    w.lo += c[3];
    dd v = dd_add((dd){c[0], c[1]}, dd_mul(t, w));
    return dd_round(dd_mul(t, v));
}

#endif
