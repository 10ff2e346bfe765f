/*
 * loops.h - the array loops of the elementwise functions, from their kernels
 * (internal). A family file (lib/fn/) instantiates them once per function,
 * naming every kernel:
 *
 *   ACTIV_EW_LOOPS(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)
 *   ACTIV_EW_LOOPS_VEC(name, vec_ok, value, grad, grad2, value_f32, grad_f32,
 *                      grad2_f32, value_vec, grad_vec, value_vec_f32,
 *                      grad_vec_f32)
 *
 * Each defines `static const struct activ_ew name` (registry.h) and the
 * loops it points to; the loops' own names are made here from `name` and
 * are reachable only through that struct.
 *
 * Kernels (a function without a float32 form of its own passes its float64
 * kernels for the float32 ones):
 *  - value, grad, grad2: float64 scalar, double k(double x, const double *p):
 *    f, f' and f''.
 *  - value_f32, grad_f32, grad2_f32: the same for float32 results
 *    (num/plain.h's plain double is enough there); the argument is the
 *    float, the result is rounded to float once.
 *  - value_vec, grad_vec, value_vec_f32, grad_vec_f32: four-lane forms,
 *    KV void k(int W, const v4 *x, const double *p, v4 *r, v4 *redo) on W
 *    groups of four (num/vec.h's KV_EACH); they give the scalar kernel's bits
 *    on their main range and set redo[h] for the lanes the scalar kernel
 *    must do instead (NaN, tails, series ranges).
 *  - vec_ok(p): 1 when the four-lane kernels give the scalar kernels' bits
 *    for these parameters (activ_vec_always when there are none).
 * The vector loops run when the CPU has AVX2 and FMA (checked at run time),
 * four elements at a time, the redo lanes done by the scalar kernel from
 * saved inputs (so x and y may alias), the remainder by the scalar loop.
 * test_lib_api checks that every path gives the same bits. The second
 * derivatives have scalar loops only (grad_output and the overflow report
 * as for f').
 *
 * Conventions every kernel keeps:
 *  - NaN in, NaN out, for values and derivatives (piecewise kernels test it
 *    explicitly because comparisons with NaN are false).
 *  - +-Inf in gives the IEEE limit (sigmoid(+Inf) = 1, elu'(-Inf) = 0).
 *  - At kinks the derivatives are PyTorch autograd's (see the row's kinks
 *    and kinks2).
 *  - Never -ffast-math: the stable forms rely on exact IEEE rounding.
 *  - Smooth kernels compute in double-double (num/dd.h, num/exp.h) and round
 *    once: within 1 ULP for values and 2 for derivatives, including tails
 *    whose exponent is below DBL_MIN (carried separately in a dde until the
 *    final rounding, so subnormal results are rounded once). The float32
 *    forms need far less (num/plain.h).
 *  - Each kernel's comment states its formula and the ranges it splits on,
 *    and why.
 */
#ifndef ACTIV_LOOPS_H
#define ACTIV_LOOPS_H

#include <math.h>

#include "num/vec.h"
#include "registry.h"

/* The kernels' double-double steps are built on fma. Built for baseline
 * x86-64, fma() is a libm call (docs/performance.md); a second copy of each
 * loop compiled for CPUs with FMA (chosen once at load time by the dynamic
 * linker, ifunc) inlines it as one instruction. Elsewhere the attribute is a
 * no-op. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ACTIV_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define ACTIV_FMA_CLONES
#endif

/* vec_ok for functions without parameters. */
static inline int activ_vec_always(const double *p)
{
    (void)p;
    return 1;
}

/* The grad2 kernel of the functions whose f' is piecewise constant (relu,
 * hardtanh, the shrinks, ...): f'' = 0, NaN kept, and 0 also at the jumps of
 * f', PyTorch's convention (the double backward of threshold_backward,
 * leaky_relu_backward, hardtanh_backward, softshrink_backward,
 * hardshrink_backward and _prelu_kernel_backward is `zeros_like`); each
 * row's kinks2 lists its jumps. One kernel for float64 and float32. */
static inline double activ_grad2_zero(double x, const double *p)
{
    (void)p;
    return x != x ? x : 0;
}

/* ---- scalar loops ----------------------------------------------------------- */

/* float32 computes in double and rounds once. Each element is read before it
 * is written, so the buffers may alias (in place). OVF notes the first finite
 * input that overflowed. */
#define OVF(bad, i, r, finite_in)                                                                  \
    if (__builtin_expect(isinf(r), 0) && (finite_in) && bad == n) bad = i

/* The derivative loops of one order: go * k(x) in float64 (d64) and
 * float32 (d32, k32 on the float's double, one rounding). */
#define ACTIV_EW_DERIV_S(d64, d32, k64, k32)                                                       \
    ACTIV_FMA_CLONES static size_t d64(const double *x, const double *go, double *g, size_t n,     \
                                       const double *p)                                            \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            double xi = x[i], gi = go ? go[i] : 1.0, r = gi * k64(xi, p);                          \
            OVF(bad, i, r, isfinite(xi) && isfinite(gi));                                          \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t d32(const float *x, const float *go, float *g, size_t n,        \
                                       const double *p)                                            \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            float xi = x[i], gi = go ? go[i] : 1.0f;                                               \
            float r = (float)((double)gi * k32(xi, p));                                            \
            OVF(bad, i, r, isfinite(xi) && isfinite(gi));                                          \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }

#define ACTIV_EW_SCALAR(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)                  \
    ACTIV_FMA_CLONES static size_t name##_f64_s(const double *x, double *y, size_t n,              \
                                                const double *p)                                   \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            double xi = x[i], r = value(xi, p);                                                    \
            OVF(bad, i, r, isfinite(xi));                                                          \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t name##_f32_s(const float *x, float *y, size_t n,                \
                                                const double *p)                                   \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            float xi = x[i], r = (float)value_f32(xi, p);                                          \
            OVF(bad, i, r, isfinite(xi));                                                          \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_EW_DERIV_S(name##_d64_s, name##_d32_s, grad, grad_f32)                                   \
    ACTIV_EW_DERIV_S(name##_d2_64, name##_d2_32, grad2, grad2_f32)

#define ACTIV_EW_LOOPS(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)                   \
    ACTIV_EW_SCALAR(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)                      \
    static const struct activ_ew name = {name##_f64_s, name##_f32_s, name##_d64_s,                 \
                                         name##_d32_s, name##_d2_64, name##_d2_32};

/* ---- four-lane loops -------------------------------------------------------------- */
#ifdef K_HAVE_VEC
static inline int activ_has_avx2(void)
{
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

/* Redo the lanes in mask m of r with the scalar kernel SK; go may be NULL. */
#define VEC_REDO(r, m, xv, gov, SK)                                                                \
    do {                                                                                           \
        double xs_[4], gs_[4], rs_[4];                                                             \
        _mm256_storeu_pd(xs_, xv);                                                                 \
        _mm256_storeu_pd(gs_, gov);                                                                \
        _mm256_storeu_pd(rs_, r);                                                                  \
        for (int l_ = 0; l_ < 4; l_++)                                                             \
            if (m >> l_ & 1) rs_[l_] = gs_[l_] * SK(xs_[l_], p);                                   \
        r = _mm256_loadu_pd(rs_);                                                                  \
    } while (0)

/* First lane where a finite input (and grad_output) gave an infinite result. */
#define VEC_OVF(bad, i, r, xv, gv)                                                                 \
    do {                                                                                           \
        v4 inf_ = v_set(INFINITY);                                                                 \
        v4 o_ = _mm256_and_pd(_mm256_cmp_pd(v_abs(r), inf_, _CMP_EQ_OQ),                           \
                              _mm256_and_pd(_mm256_cmp_pd(v_abs(xv), inf_, _CMP_LT_OQ),            \
                                            _mm256_cmp_pd(v_abs(gv), inf_, _CMP_LT_OQ)));          \
        int om_ = _mm256_movemask_pd(o_);                                                          \
        if (__builtin_expect(om_ != 0, 0) && bad == n) bad = i + (size_t)__builtin_ctz(om_);       \
    } while (0)

#define VEC_TAIL(bad, i, n, call)                                                                  \
    do {                                                                                           \
        size_t b_ = call;                                                                          \
        return bad < n ? bad : (b_ < n - i ? i + b_ : n);                                          \
    } while (0)

/* Loads and stores of four elements, float32 through double. */
#define VLD_double(p)         _mm256_loadu_pd(p)
#define VLD_float(p)          _mm256_cvtps_pd(_mm_loadu_ps(p))
#define VST_double(p, r, ovf) (_mm256_storeu_pd(p, r), ovf = r)
#define VST_float(p, r, ovf)                                                                       \
    do {                                                                                           \
        __m128 rf_ = _mm256_cvtpd_ps(r); /* overflow may happen here, in float */                  \
        ovf = _mm256_cvtps_pd(rf_);                                                                \
        _mm_storeu_ps(p, rf_);                                                                     \
    } while (0)

/* One group of four: the scalar kernel SK for the lanes handed back, the
 * overflow check, the store. */
#define VEC_FINISH(T, out, i, r, redo, xv, gv, SK)                                                 \
    do {                                                                                           \
        int m_ = _mm256_movemask_pd(redo);                                                         \
        v4 ov_;                                                                                    \
        if (m_) VEC_REDO(r, m_, xv, gv, SK);                                                       \
        VST_##T(out + (i), r, ov_);                                                                \
        VEC_OVF(bad, (i), ov_, xv, gv);                                                            \
    } while (0)

/* The loops take eight elements (two groups of four, W = 2) at a time: the
 * kernels' dependency chains are long, and KV_EACH interleaves the two
 * groups' steps so the CPU overlaps them; then four (W = 1). */
#define ACTIV_EW_VEC_VALUE_T(name, T, SUF, VK, SK)                                                 \
    KV_FN static size_t name##_##SUF##_v(const T *x, T *y, size_t n, const double *p)              \
    {                                                                                              \
        size_t i = 0, bad = n;                                                                     \
        for (; i + 8 <= n; i += 8) {                                                               \
            v4 xv[2] = {VLD_##T(x + i), VLD_##T(x + i + 4)}, redo[2], r[2];                        \
            VK(2, xv, p, r, redo);                                                                 \
            VEC_FINISH(T, y, i, r[0], redo[0], xv[0], v_set(1), SK);                               \
            VEC_FINISH(T, y, i + 4, r[1], redo[1], xv[1], v_set(1), SK);                           \
        }                                                                                          \
        for (; i + 4 <= n; i += 4) {                                                               \
            v4 xv = VLD_##T(x + i), redo, r;                                                       \
            VK(1, &xv, p, &r, &redo);                                                              \
            VEC_FINISH(T, y, i, r, redo, xv, v_set(1), SK);                                        \
        }                                                                                          \
        VEC_TAIL(bad, i, n, name##_##SUF##_s(x + i, y + i, n - i, p));                             \
    }

#define ACTIV_EW_VEC_DERIV_T(name, T, SUF, VD, SD)                                                 \
    KV_FN static size_t name##_##SUF##_v(const T *x, const T *go, T *g, size_t n, const double *p) \
    {                                                                                              \
        size_t i = 0, bad = n;                                                                     \
        for (; i + 8 <= n; i += 8) {                                                               \
            v4 xv[2] = {VLD_##T(x + i), VLD_##T(x + i + 4)}, redo[2], r[2];                        \
            v4 gv0 = go ? VLD_##T(go + i) : v_set(1), gv1 = go ? VLD_##T(go + i + 4) : v_set(1);   \
            VD(2, xv, p, r, redo);                                                                 \
            r[0] = gv0 * r[0], r[1] = gv1 * r[1];                                                  \
            VEC_FINISH(T, g, i, r[0], redo[0], xv[0], gv0, SD);                                    \
            VEC_FINISH(T, g, i + 4, r[1], redo[1], xv[1], gv1, SD);                                \
        }                                                                                          \
        for (; i + 4 <= n; i += 4) {                                                               \
            v4 xv = VLD_##T(x + i), gv = go ? VLD_##T(go + i) : v_set(1), redo, r;                 \
            VD(1, &xv, p, &r, &redo);                                                              \
            r = gv * r;                                                                            \
            VEC_FINISH(T, g, i, r, redo, xv, gv, SD);                                              \
        }                                                                                          \
        VEC_TAIL(bad, i, n, name##_##SUF##_s(x + i, go ? go + i : NULL, g + i, n - i, p));         \
    }

/* The entry points: the four-lane loop when it applies, else the scalar one. */
#define ACTIV_EW_PICK(name, vec_ok)                                                                \
    static size_t name##_f64(const double *x, double *y, size_t n, const double *p)                \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vec_ok(p) ? name##_f64_v(x, y, n, p)                  \
                                                       : name##_f64_s(x, y, n, p);                 \
    }                                                                                              \
    static size_t name##_f32(const float *x, float *y, size_t n, const double *p)                  \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vec_ok(p) ? name##_f32_v(x, y, n, p)                  \
                                                       : name##_f32_s(x, y, n, p);                 \
    }                                                                                              \
    static size_t name##_d64(const double *x, const double *go, double *g, size_t n,               \
                             const double *p)                                                      \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vec_ok(p) ? name##_d64_v(x, go, g, n, p)              \
                                                       : name##_d64_s(x, go, g, n, p);             \
    }                                                                                              \
    static size_t name##_d32(const float *x, const float *go, float *g, size_t n, const double *p) \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vec_ok(p) ? name##_d32_v(x, go, g, n, p)              \
                                                       : name##_d32_s(x, go, g, n, p);             \
    }

#define ACTIV_EW_LOOPS_VEC(name, vec_ok, value, grad, grad2, value_f32, grad_f32, grad2_f32,       \
                           value_vec, grad_vec, value_vec_f32, grad_vec_f32)                       \
    ACTIV_EW_SCALAR(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)                      \
    ACTIV_EW_VEC_VALUE_T(name, double, f64, value_vec, value)                                      \
    ACTIV_EW_VEC_VALUE_T(name, float, f32, value_vec_f32, value_f32)                               \
    ACTIV_EW_VEC_DERIV_T(name, double, d64, grad_vec, grad)                                        \
    ACTIV_EW_VEC_DERIV_T(name, float, d32, grad_vec_f32, grad_f32)                                 \
    ACTIV_EW_PICK(name, vec_ok)                                                                    \
    static const struct activ_ew name = {name##_f64, name##_f32,   name##_d64,                     \
                                         name##_d32, name##_d2_64, name##_d2_32};
#else
#define ACTIV_EW_LOOPS_VEC(name, vec_ok, value, grad, grad2, value_f32, grad_f32, grad2_f32,       \
                           value_vec, grad_vec, value_vec_f32, grad_vec_f32)                       \
    ACTIV_EW_LOOPS(name, value, grad, grad2, value_f32, grad_f32, grad2_f32)
#endif

#endif
