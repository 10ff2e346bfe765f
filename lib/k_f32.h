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

#endif
