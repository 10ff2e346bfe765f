/*
 * k_f32.h - float32 kernels of the costliest rows (internal).
 *
 * A float result needs far less than the float64 kernels' double-double:
 * plain double arithmetic with a relative error below 2^-44 (a few double
 * rounding steps, exp's argument kept to 2^-53 of its size) puts the exact
 * value within 2^-20 float ULP of the computed double, so the one final
 * rounding to float stays within 0.5 + 2^-20 ULP of the exact result, the
 * subnormal floats included (their spacing 2^-149 is far above the double's
 * error). Where a formula cancels (the roots of derivatives) the float64
 * root patches are used, as in the float64 kernels. The four-lane versions
 * (k_vec.h, vkf_/vdf_) make the same operations in the same order, so both
 * paths give the same bits; registry.c uses these for the float32 rows of
 * sigmoid, tanh, tanhshrink, gelu, silu, mish, softplus and logsigmoid (values).
 */
#ifndef ACTIV_K_F32_H
#define ACTIV_K_F32_H

#include "kernels.h"
#include "num/plain.h"

/* gelu, exact form: x*(1 - Q) (x >= 0) or x*Q (x < 0), Q = phi(a)*R(a),
 * a = |x| <= 30; x past 30, -0 past -30 (Q(30) < 2^-660). phi's exponent
 * -a^2/2 carries the rounding error l of a^2 as the factor (1 - l/2). R from
 * the Mills table in double (c0 + t*(c1 + t*(c2 + t*tail)), relative 2^-51):
 * no term cancels. */
K_INLINE double kf_gelu_exact(double x)
{
    double a = fabs(x), ph;
    if (!(a <= 30)) return x != x ? x : (x > 0 ? x : -0.0);
    double q = gf_q(a, &ph);
    return x >= 0 ? fma(-x, q, x) : x * q;
}

/* its derivative: 1 - phi*(R - a) = 1 + phi*(a - R) (x >= 0), phi*(R - a)
 * (x < 0; the root patch where R - a cancels). R - a = (Q - a*phi)/phi. */
K_INLINE double df_gelu_exact(double x)
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

K_INLINE double kf_gelu_tanh(double x)
{
    if (x != x || x > 10) return x;
    if (x < -30) return -0.0;
    double sp, sm;
    gf_sig(gf_w(x), &sp, &sm);
    return x * sp;
}

/* its derivative s(w)*(1 + x*s(-w)*w'), w' = 2*sqrt(2/pi)*(1 + 3*0.044715x^2);
 * the root patch where the bracket cancels. */
K_INLINE double df_gelu_tanh(double x)
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

K_INLINE double kf_gelu(double x, const double *p)
{
    return p[0] != 0 ? kf_gelu_tanh(x) : kf_gelu_exact(x);
}

K_INLINE double df_gelu(double x, const double *p)
{
    return p[0] != 0 ? df_gelu_tanh(x) : df_gelu_exact(x);
}

#endif
