/*
 * registry.c - the one table of activations.
 *
 * Adding an activation: two scalar kernels in kernels.h, one ACTIV_EW_LOOPS
 * line and one row below. (Optionally, four-lane versions of the kernels in
 * k_vec.h and ACTIV_EW_LOOPS_VEC instead: faster where the CPU has AVX2,
 * and test_lib_api checks they give the scalar kernels' bits; and float32
 * kernels in plain double, k_f32.h, with ACTIV_EW_LOOPS_VEC_F32_*: a float
 * result needs far less than double-double.) Formulas are Python-syntax plain
 * text over x, the parameters and the constants; the unit tests evaluate exactly these strings in
 * MPFR as the reference, so they must be the function the kernels compute, kink conventions
 * included (conditions decide which branch holds at a kink).
 */
#include <math.h>

#include "k_f32.h"
#include "k_vec.h"
#include "kernels.h"
#include "registry.h"

/* The kernels' double-double steps are built on fma. Built for baseline
 * x86-64, fma() is a libm call (~3 ns); a second copy of each loop compiled
 * for CPUs with FMA (chosen once at load time by the dynamic linker, ifunc)
 * inlines it as one instruction. Elsewhere the attribute is a no-op. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define ACTIV_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define ACTIV_FMA_CLONES
#endif

/* Array loops from a scalar kernel pair. float32 computes in double and
 * rounds once. Each element is read before it is written, so the buffers may
 * alias (in place). OVF notes the first finite input that overflowed. */
#define OVF(bad, i, r, finite_in)                                                                  \
    if (__builtin_expect(isinf(r), 0) && (finite_in) && bad == n) bad = i
#define ACTIV_EW_SCALAR(k) ACTIV_EW_SCALAR_F(k, k_##k, d_##k)
/* KF, DF: the float32 rows' kernels (k_f32.h where a row has its own). */
#define ACTIV_EW_SCALAR_F(k, KF, DF)                                                               \
    ACTIV_FMA_CLONES static size_t k##_f64_s(const double *x, double *y, size_t n,                 \
                                             const double *p)                                      \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            double xi = x[i], r = k_##k(xi, p);                                                    \
            OVF(bad, i, r, isfinite(xi));                                                          \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t k##_f32_s(const float *x, float *y, size_t n, const double *p)  \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            float xi = x[i], r = (float)KF(xi, p);                                                 \
            OVF(bad, i, r, isfinite(xi));                                                          \
            y[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t k##_d64_s(const double *x, const double *go, double *g,         \
                                             size_t n, const double *p)                            \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            double xi = x[i], gi = go ? go[i] : 1.0, r = gi * d_##k(xi, p);                        \
            OVF(bad, i, r, isfinite(xi) && isfinite(gi));                                          \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }                                                                                              \
    ACTIV_FMA_CLONES static size_t k##_d32_s(const float *x, const float *go, float *g, size_t n,  \
                                             const double *p)                                      \
    {                                                                                              \
        size_t bad = n;                                                                            \
        for (size_t i = 0; i < n; i++) {                                                           \
            float xi = x[i], gi = go ? go[i] : 1.0f;                                               \
            float r = (float)((double)gi * DF(xi, p));                                             \
            OVF(bad, i, r, isfinite(xi) && isfinite(gi));                                          \
            g[i] = r;                                                                              \
        }                                                                                          \
        return bad;                                                                                \
    }

#define ACTIV_EW_LOOPS(k)                                                                          \
    ACTIV_EW_SCALAR(k)                                                                             \
    static const struct activ_ew k##_ew = {k##_f64_s, k##_f32_s, k##_d64_s, k##_d32_s};

/*
 * Rows with four-lane kernels (k_vec.h): loops that run them when the CPU
 * has AVX2 and FMA, four elements at a time, the lanes a vector kernel leaves
 * (tails, NaN, series ranges) redone by the scalar kernel from saved inputs
 * (x and y may alias), the remainder by the scalar loop; overflow (selu,
 * grad_output) reported as by the scalar loops.
 */
#ifdef K_HAVE_VEC
static int activ_has_avx2(void)
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

/* The loops take eight elements (two groups of four) at a time: the kernels'
 * dependency chains are long, and vk2_/vd2_ (k_vec.h) interleave the two
 * groups' steps so the CPU overlaps them. */
#define ACTIV_EW_VEC_VALUE_T(k, T, SUF, VK2, VK, SK)                                               \
    KV_FN static size_t k##_##SUF##_v(const T *x, T *y, size_t n, const double *p)                 \
    {                                                                                              \
        size_t i = 0, bad = n;                                                                     \
        for (; i + 8 <= n; i += 8) {                                                               \
            v4 xv[2] = {VLD_##T(x + i), VLD_##T(x + i + 4)}, redo[2], r[2];                        \
            VK2(xv, p, r, redo);                                                                   \
            VEC_FINISH(T, y, i, r[0], redo[0], xv[0], v_set(1), SK);                               \
            VEC_FINISH(T, y, i + 4, r[1], redo[1], xv[1], v_set(1), SK);                           \
        }                                                                                          \
        for (; i + 4 <= n; i += 4) {                                                               \
            v4 xv = VLD_##T(x + i), redo, r = VK(xv, p, &redo);                                    \
            VEC_FINISH(T, y, i, r, redo, xv, v_set(1), SK);                                        \
        }                                                                                          \
        VEC_TAIL(bad, i, n, k##_##SUF##_s(x + i, y + i, n - i, p));                                \
    }

#define ACTIV_EW_VEC_VALUE(k) ACTIV_EW_VEC_VALUE_F(k, vk2_##k, vk_##k, k_##k)
#define ACTIV_EW_VEC_VALUE_F(k, VKF2, VKF, KF)                                                     \
    ACTIV_EW_VEC_VALUE_T(k, double, f64, vk2_##k, vk_##k, k_##k)                                   \
    ACTIV_EW_VEC_VALUE_T(k, float, f32, VKF2, VKF, KF)                                             \
    static size_t k##_f64(const double *x, double *y, size_t n, const double *p)                   \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vok_##k(p) ? k##_f64_v(x, y, n, p)                    \
                                                        : k##_f64_s(x, y, n, p);                   \
    }                                                                                              \
    static size_t k##_f32(const float *x, float *y, size_t n, const double *p)                     \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vok_##k(p) ? k##_f32_v(x, y, n, p)                    \
                                                        : k##_f32_s(x, y, n, p);                   \
    }

#define ACTIV_EW_VEC_DERIV_T(k, T, SUF, VD2, VD, SD)                                               \
    KV_FN static size_t k##_##SUF##_v(const T *x, const T *go, T *g, size_t n, const double *p)    \
    {                                                                                              \
        size_t i = 0, bad = n;                                                                     \
        for (; i + 8 <= n; i += 8) {                                                               \
            v4 xv[2] = {VLD_##T(x + i), VLD_##T(x + i + 4)}, redo[2], r[2];                        \
            v4 gv0 = go ? VLD_##T(go + i) : v_set(1), gv1 = go ? VLD_##T(go + i + 4) : v_set(1);   \
            VD2(xv, p, r, redo);                                                                   \
            r[0] = gv0 * r[0], r[1] = gv1 * r[1];                                                  \
            VEC_FINISH(T, g, i, r[0], redo[0], xv[0], gv0, SD);                                    \
            VEC_FINISH(T, g, i + 4, r[1], redo[1], xv[1], gv1, SD);                                \
        }                                                                                          \
        for (; i + 4 <= n; i += 4) {                                                               \
            v4 xv = VLD_##T(x + i), gv = go ? VLD_##T(go + i) : v_set(1), redo;                    \
            v4 r = gv * VD(xv, p, &redo);                                                          \
            VEC_FINISH(T, g, i, r, redo, xv, gv, SD);                                              \
        }                                                                                          \
        VEC_TAIL(bad, i, n, k##_##SUF##_s(x + i, go ? go + i : NULL, g + i, n - i, p));            \
    }

#define ACTIV_EW_VEC_DERIV(k) ACTIV_EW_VEC_DERIV_F(k, vd2_##k, vd_##k, d_##k)
#define ACTIV_EW_VEC_DERIV_F(k, VDF2, VDF, DF)                                                     \
    ACTIV_EW_VEC_DERIV_T(k, double, d64, vd2_##k, vd_##k, d_##k)                                   \
    ACTIV_EW_VEC_DERIV_T(k, float, d32, VDF2, VDF, DF)                                             \
    static size_t k##_d64(const double *x, const double *go, double *g, size_t n, const double *p) \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vok_##k(p) ? k##_d64_v(x, go, g, n, p)                \
                                                        : k##_d64_s(x, go, g, n, p);               \
    }                                                                                              \
    static size_t k##_d32(const float *x, const float *go, float *g, size_t n, const double *p)    \
    {                                                                                              \
        return n >= 4 && activ_has_avx2() && vok_##k(p) ? k##_d32_v(x, go, g, n, p)                \
                                                        : k##_d32_s(x, go, g, n, p);               \
    }

/* value and derivative vectorised / value only */
#define ACTIV_EW_LOOPS_VEC(k)                                                                      \
    ACTIV_EW_SCALAR(k)                                                                             \
    ACTIV_EW_VEC_VALUE(k)                                                                          \
    ACTIV_EW_VEC_DERIV(k)                                                                          \
    static const struct activ_ew k##_ew = {k##_f64, k##_f32, k##_d64, k##_d32};
/* ... with float32 kernels of their own (k_f32.h) for the value and the
 * derivative (_VD), the derivative only (_D) or the value only (_V) */
#define ACTIV_EW_LOOPS_VEC_F32_VD(k)                                                               \
    ACTIV_EW_SCALAR_F(k, kf_##k, df_##k)                                                           \
    ACTIV_EW_VEC_VALUE_F(k, vkf2_##k, vkf_##k, kf_##k)                                             \
    ACTIV_EW_VEC_DERIV_F(k, vdf2_##k, vdf_##k, df_##k)                                             \
    static const struct activ_ew k##_ew = {k##_f64, k##_f32, k##_d64, k##_d32};
#define ACTIV_EW_LOOPS_VEC_F32_V(k)                                                                \
    ACTIV_EW_SCALAR_F(k, kf_##k, d_##k)                                                            \
    ACTIV_EW_VEC_VALUE_F(k, vkf2_##k, vkf_##k, kf_##k)                                             \
    ACTIV_EW_VEC_DERIV(k)                                                                          \
    static const struct activ_ew k##_ew = {k##_f64, k##_f32, k##_d64, k##_d32};
#define ACTIV_EW_LOOPS_VEC_F32_D(k)                                                                \
    ACTIV_EW_SCALAR_F(k, k_##k, df_##k)                                                            \
    ACTIV_EW_VEC_VALUE(k)                                                                          \
    ACTIV_EW_VEC_DERIV_F(k, vdf2_##k, vdf_##k, df_##k)                                             \
    static const struct activ_ew k##_ew = {k##_f64, k##_f32, k##_d64, k##_d32};
#define ACTIV_EW_LOOPS_VEC_VALUE(k)                                                                \
    ACTIV_EW_SCALAR(k)                                                                             \
    ACTIV_EW_VEC_VALUE(k)                                                                          \
    static const struct activ_ew k##_ew = {k##_f64, k##_f32, k##_d64_s, k##_d32_s};
#define ACTIV_EW_LOOPS_VEC_DERIV(k)                                                                \
    ACTIV_EW_SCALAR(k)                                                                             \
    ACTIV_EW_VEC_DERIV(k)                                                                          \
    static const struct activ_ew k##_ew = {k##_f64_s, k##_f32_s, k##_d64, k##_d32};
#else
#define ACTIV_EW_LOOPS_VEC_F32_VD(k)                                                               \
    ACTIV_EW_SCALAR_F(k, kf_##k, df_##k)                                                           \
    static const struct activ_ew k##_ew = {k##_f64_s, k##_f32_s, k##_d64_s, k##_d32_s};
#define ACTIV_EW_LOOPS_VEC_F32_V(k)                                                                \
    ACTIV_EW_SCALAR_F(k, kf_##k, d_##k)                                                            \
    static const struct activ_ew k##_ew = {k##_f64_s, k##_f32_s, k##_d64_s, k##_d32_s};
#define ACTIV_EW_LOOPS_VEC_F32_D(k)                                                                \
    ACTIV_EW_SCALAR_F(k, k_##k, df_##k)                                                            \
    static const struct activ_ew k##_ew = {k##_f64_s, k##_f32_s, k##_d64_s, k##_d32_s};
#define ACTIV_EW_LOOPS_VEC(k)       ACTIV_EW_LOOPS(k)
#define ACTIV_EW_LOOPS_VEC_VALUE(k) ACTIV_EW_LOOPS(k)
#define ACTIV_EW_LOOPS_VEC_DERIV(k) ACTIV_EW_LOOPS(k)
#endif

ACTIV_EW_LOOPS_VEC(hardsigmoid)
ACTIV_EW_LOOPS_VEC(hardswish)
ACTIV_EW_LOOPS_VEC(softshrink)
ACTIV_EW_LOOPS_VEC(hardshrink)
ACTIV_EW_LOOPS_VEC(threshold)

/* rowwise kernels live in rowwise.c */
extern const struct activ_rw activ_softmax_rw, activ_log_softmax_rw;

const struct activ_fn activ_fn_hardsigmoid = {
    .name = "hardsigmoid",
    .aliases = NO_ALIASES,
    .summary = "Piecewise-linear sigmoid: clamp(alpha*x + beta, 0, 1); ONNX uses alpha 0.2.",
    .pytorch = "torch.nn.functional.hardsigmoid",
    .params = LIST(activ_param_spec,
                   {"alpha", ACTIV_PARAM_REAL, 1.0 / 6, 0, INF, ACTIV_PARAM_MIN_OPEN, NULL, "1/6",
                    "slope, > 0 (PyTorch 1/6, ONNX 0.2)"},
                   {"beta", ACTIV_PARAM_REAL, 0.5, -INF, INF, 0, NULL, "1/2", "offset"}),
    .formula = "min(max(alpha*x + beta, 0), 1)",
    .formula_tex = "\\min(\\max(\\alpha x + \\beta, 0), 1)",
    .derivative = "alpha if alpha*x + beta > 0 and alpha*x + beta < 1 else 0",
    .derivative_tex = "\\begin{cases} \\alpha & 0 < \\alpha x + \\beta < 1 \\\\ 0 & "
                      "\\text{otherwise} \\end{cases}",
    .range = "[0, 1]",
    .kinks = LIST(activ_kink, {"-beta/alpha", "0", "0 where alpha*x + beta = 0 (x = -3)"},
                  {"(1 - beta)/alpha", "0", "0 where alpha*x + beta = 1 (x = 3)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "defaults: relu6(x+3)/6 with exact 1/6, as PyTorch, rounded once; otherwise "
                "one fma, the kinks decided by the exact sign of alpha*x + beta (- 1).",
    .ew = &hardsigmoid_ew,
};

const struct activ_fn activ_fn_hardswish = {
    .name = "hardswish",
    .aliases = NO_ALIASES,
    .summary = "x*hardsigmoid(x) (MobileNetV3).",
    .pytorch = "torch.nn.functional.hardswish",
    .formula = "x*min(max(x + 3, 0), 6)/6",
    .formula_tex = "x \\frac{\\min(\\max(x + 3, 0), 6)}{6}",
    .derivative = "0 if x <= -3 else (x/3 + 0.5 if x < 3 else 1)",
    .derivative_tex = "\\begin{cases} 0 & x \\le -3 \\\\ x/3 + 1/2 & -3 < x < 3 \\\\ 1 & x "
                      "\\ge 3 \\end{cases}",
    .range = "[-0.375, inf)",
    .kinks = LIST(activ_kink, {"-3", "0", "hardswish'(-3) = 0"}, {"3", "1", "hardswish'(3) = 1"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "x itself for x >= 3, so hardswish(1e308) does not overflow; x*(x+3)/6 "
                "rounded once.",
    .ew = &hardswish_ew,
};

const struct activ_fn activ_fn_softshrink = {
    .name = "softshrink",
    .aliases = NO_ALIASES,
    .summary = "Soft thresholding: shrinks x towards 0 by lambd.",
    .pytorch = "torch.nn.functional.softshrink",
    .params = LIST(activ_param_spec, REAL("lambd", 0.5, 0, INF, 0, "threshold, >= 0")),
    .formula = "x - lambd if x > lambd else (x + lambd if x < -lambd else 0)",
    .formula_tex = "\\begin{cases} x - \\lambda & x > \\lambda \\\\ x + \\lambda & x < "
                   "-\\lambda \\\\ 0 & \\text{otherwise} \\end{cases}",
    .derivative = "1 if x > lambd or x < -lambd else 0",
    .derivative_tex = "\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"-lambd", "0", "softshrink'(-lambd) = 0"},
                  {"lambd", "0", "softshrink'(lambd) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "one rounding.",
    .ew = &softshrink_ew,
};

const struct activ_fn activ_fn_hardshrink = {
    .name = "hardshrink",
    .aliases = NO_ALIASES,
    .summary = "Hard thresholding: 0 inside [-lambd, lambd], x outside.",
    .pytorch = "torch.nn.functional.hardshrink",
    .params = LIST(activ_param_spec, REAL("lambd", 0.5, 0, INF, 0, "threshold, >= 0")),
    .formula = "x if x > lambd or x < -lambd else 0",
    .formula_tex = "\\begin{cases} x & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                   "\\end{cases}",
    .derivative = "1 if x > lambd or x < -lambd else 0",
    .derivative_tex = "\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"-lambd", "0", "hardshrink'(-lambd) = 0"},
                  {"lambd", "0", "hardshrink'(lambd) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "exact.",
    .ew = &hardshrink_ew,
};

const struct activ_fn activ_fn_threshold = {
    .name = "threshold",
    .aliases = NO_ALIASES,
    .summary = "x above threshold, a fixed value at or below it.",
    .pytorch = "torch.nn.functional.threshold",
    .params = LIST(activ_param_spec,
                   REAL("threshold", 0, -INF, INF, ACTIV_PARAM_REQUIRED, "the cut, required"),
                   REAL("value", 0, -INF, INF, ACTIV_PARAM_REQUIRED,
                        "output at or below threshold, required")),
    .formula = "x if x > threshold else value",
    .formula_tex = "\\begin{cases} x & x > \\text{threshold} \\\\ \\text{value} & "
                   "\\text{otherwise} \\end{cases}",
    .derivative = "1 if x > threshold else 0",
    .derivative_tex = "\\begin{cases} 1 & x > \\text{threshold} \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"threshold", "0", "threshold'(threshold) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "exact.",
    .ew = &threshold_ew,
};

const struct activ_fn activ_fn_softmax = {
    .name = "softmax",
    .aliases = NO_ALIASES,
    .summary = "Normalised exponentials over the last axis: a probability vector per row.",
    .pytorch = "torch.nn.functional.softmax(x, dim=-1)",
    .formula = "exp(x_i)/sum(exp(x_j))",
    .formula_tex = "\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}",
    .derivative = "y_i*(g_i - sum(g_j*y_j))",
    .derivative_tex = "(J^\\top g)_i = y_i \\left(g_i - \\sum_j g_j y_j\\right)",
    .range = "[0, 1]",
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "shifted by the row maximum, x_i - m exact, exp and sums in double-double, "
                "one rounding per output; the VJP's dot product as D/s, D = sum(g_j*e^(x_j-m)) "
                "summed beside s. VJP only: within 2 ULP unless g_i - sum(g_j*y_j) "
                "cancels; then the error is at most 2^-60*y_i*(|g_i| + sum|g_j*y_j|). "
                "float32: values from exps in plain double (2^-49); the VJP's difference "
                "in double-double, times y_i in plain double.",
    .rw = &activ_softmax_rw,
};

const struct activ_fn activ_fn_log_softmax = {
    .name = "log_softmax",
    .aliases = NO_ALIASES,
    .summary = "log(softmax(x)) over the last axis, without forming softmax.",
    .pytorch = "torch.nn.functional.log_softmax(x, dim=-1)",
    .formula = "x_i - log(sum(exp(x_j)))",
    .formula_tex = "x_i - \\ln \\sum_j e^{x_j}",
    .derivative = "g_i - exp(y_i)*sum(g_j)",
    .derivative_tex = "(J^\\top g)_i = g_i - e^{y_i} \\sum_j g_j",
    .range = "(-inf, 0]",
    .ulp_value = 1,
    .ulp_grad = 2,
    .accuracy = "(x_i - m) - log1p(sum of the other terms), both <= 0 so nothing cancels; "
                "double-double throughout. VJP g_i - e^(x_i-m)*K, K = sum(g_j)/s: within 2 "
                "ULP unless it cancels; then the error is at most "
                "2^-60*(|g_i| + softmax_i*sum|g_j|). float32 VJP: in plain double where the "
                "difference keeps 2^-12 of its terms (error below 2^-37), else in "
                "double-double.",
    .rw = &activ_log_softmax_rw,
};

/* The rows, defined in their families' files (lib/fn/). */
#define ACTIV_FN(row) extern const struct activ_fn row;
#include "fn/list.h"
#undef ACTIV_FN

/* The table, in catalogue order: one entry per line of fn/list.h. */
#define ACTIV_FN(row) &row,
const struct activ_fn *const activ_registry[] = {
#include "fn/list.h"
};
#undef ACTIV_FN

const size_t activ_registry_len = sizeof activ_registry / sizeof activ_registry[0];
