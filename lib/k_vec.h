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

#endif
#endif
