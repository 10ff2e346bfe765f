/*
 * fn/shrink.c - the thresholding family: softshrink, hardshrink and
 * threshold.
 *
 * Selects (softshrink: one rounding, x -+ lambd), with PyTorch's values at
 * the kinks, NaN passed through. The four-lane forms are the same selects,
 * branch-free; float32 results are the float64 ones rounded to float.
 */
#include <math.h>

#include "loops.h"
#include "num/vec.h"
#include "registry.h"

/* ---- softshrink and hardshrink ------------------------------------------------------- */

/* Their derivative: 1 outside [-lambd, lambd], 0 inside and at +-lambd, as
 * PyTorch. */
K_INLINE double shrink_grad(double x, double lambd)
{
    if (x != x) return x;
    return (x > lambd || x < -lambd) ? 1 : 0;
}

#ifdef K_HAVE_VEC
KV void v_shrink_grad(int W, const v4 *x, double lambd, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 l = v_set(lambd);
        v4 out =
            _mm256_or_pd(_mm256_cmp_pd(x[h], l, _CMP_GT_OQ), _mm256_cmp_pd(x[h], -l, _CMP_LT_OQ));
        r[h] = v_keep_nan(_mm256_and_pd(out, v_set(1)), x[h]);
    });
}
#endif

/* softshrink(x) = x - lambd (x > lambd), x + lambd (x < -lambd), 0 else. */
enum { SOFTSHRINK_LAMBD };

K_INLINE double softshrink_value(double x, const double *p)
{
    double l = p[SOFTSHRINK_LAMBD];
    if (x != x) return x;
    return x > l ? x - l : (x < -l ? x + l : 0.0);
}

K_INLINE double softshrink_grad(double x, const double *p)
{
    return shrink_grad(x, p[SOFTSHRINK_LAMBD]);
}

#ifdef K_HAVE_VEC
KV void softshrink_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 l = v_set(p[SOFTSHRINK_LAMBD]);
        v4 v = _mm256_blendv_pd(v_set(0), x[h] + l, _mm256_cmp_pd(x[h], -l, _CMP_LT_OQ));
        v = _mm256_blendv_pd(v, x[h] - l, _mm256_cmp_pd(x[h], l, _CMP_GT_OQ));
        r[h] = v_keep_nan(v, x[h]);
    });
}

KV void softshrink_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_shrink_grad(W, x, p[SOFTSHRINK_LAMBD], r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(softshrink_loops, activ_vec_always, softshrink_value, softshrink_grad,
                   activ_grad2_zero, softshrink_value, softshrink_grad, activ_grad2_zero,
                   softshrink_value_vec, softshrink_grad_vec, softshrink_value_vec,
                   softshrink_grad_vec)

const struct activ_fn activ_fn_softshrink = {
    .name = "softshrink",
    .aliases = NO_ALIASES,
    .summary = "Soft thresholding: shrinks x towards 0 by lambd.",
    .pytorch = "torch.nn.functional.softshrink",
    .params = LIST(activ_param_spec, [SOFTSHRINK_LAMBD] =
                                         REAL("lambd", 0.5, 0, INF, 0, "threshold, >= 0")),
    .formula = "x - lambd if x > lambd else (x + lambd if x < -lambd else 0)",
    .formula_tex = "\\begin{cases} x - \\lambda & x > \\lambda \\\\ x + \\lambda & x < "
                   "-\\lambda \\\\ 0 & \\text{otherwise} \\end{cases}",
    .derivative = "1 if x > lambd or x < -lambd else 0",
    .derivative_tex = "\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"-lambd", "0", "softshrink'(-lambd) = 0"},
                  {"lambd", "0", "softshrink'(lambd) = 0"}),
    .kinks2 =
        LIST(activ_kink,
             {"-lambd", "0", "softshrink''(-lambd) = 0 (softshrink' jumps; PyTorch: zeros_like)"},
             {"lambd", "0", "softshrink''(lambd) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "one rounding.",
    .ew = &softshrink_loops,
};

/* hardshrink(x) = x outside [-lambd, lambd], 0 inside. */
enum { HARDSHRINK_LAMBD };

K_INLINE double hardshrink_value(double x, const double *p)
{
    double l = p[HARDSHRINK_LAMBD];
    if (x != x) return x;
    return (x > l || x < -l) ? x : 0.0;
}

K_INLINE double hardshrink_grad(double x, const double *p)
{
    return shrink_grad(x, p[HARDSHRINK_LAMBD]);
}

#ifdef K_HAVE_VEC
KV void hardshrink_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 l = v_set(p[HARDSHRINK_LAMBD]);
        v4 out =
            _mm256_or_pd(_mm256_cmp_pd(x[h], l, _CMP_GT_OQ), _mm256_cmp_pd(x[h], -l, _CMP_LT_OQ));
        r[h] = v_keep_nan(_mm256_and_pd(out, x[h]), x[h]);
    });
}

KV void hardshrink_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_shrink_grad(W, x, p[HARDSHRINK_LAMBD], r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(hardshrink_loops, activ_vec_always, hardshrink_value, hardshrink_grad,
                   activ_grad2_zero, hardshrink_value, hardshrink_grad, activ_grad2_zero,
                   hardshrink_value_vec, hardshrink_grad_vec, hardshrink_value_vec,
                   hardshrink_grad_vec)

const struct activ_fn activ_fn_hardshrink = {
    .name = "hardshrink",
    .aliases = NO_ALIASES,
    .summary = "Hard thresholding: 0 inside [-lambd, lambd], x outside.",
    .pytorch = "torch.nn.functional.hardshrink",
    .params = LIST(activ_param_spec, [HARDSHRINK_LAMBD] =
                                         REAL("lambd", 0.5, 0, INF, 0, "threshold, >= 0")),
    .formula = "x if x > lambd or x < -lambd else 0",
    .formula_tex = "\\begin{cases} x & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                   "\\end{cases}",
    .derivative = "1 if x > lambd or x < -lambd else 0",
    .derivative_tex = "\\begin{cases} 1 & |x| > \\lambda \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"-lambd", "0", "hardshrink'(-lambd) = 0"},
                  {"lambd", "0", "hardshrink'(lambd) = 0"}),
    .kinks2 =
        LIST(activ_kink,
             {"-lambd", "0", "hardshrink''(-lambd) = 0 (hardshrink' jumps; PyTorch: zeros_like)"},
             {"lambd", "0", "hardshrink''(lambd) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &hardshrink_loops,
};

/* ---- threshold ----------------------------------------------------------------------- */

/* threshold(x) = x (x > threshold), value (x <= threshold); written as
 * PyTorch does (x <= th ? value : x) so NaN passes through. */
enum { THRESHOLD_THRESHOLD, THRESHOLD_VALUE };

K_INLINE double threshold_value(double x, const double *p)
{
    return x <= p[THRESHOLD_THRESHOLD] ? p[THRESHOLD_VALUE] : x;
}

K_INLINE double threshold_grad(double x, const double *p)
{
    if (x != x) return x;
    return x > p[THRESHOLD_THRESHOLD] ? 1 : 0;
}

#ifdef K_HAVE_VEC
KV void threshold_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = _mm256_blendv_pd(x[h], v_set(p[THRESHOLD_VALUE]),
                                _mm256_cmp_pd(x[h], v_set(p[THRESHOLD_THRESHOLD]), _CMP_LE_OQ));
    });
}

KV void threshold_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_keep_nan(_mm256_and_pd(v_gt(x[h], p[THRESHOLD_THRESHOLD]), v_set(1)), x[h]);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(threshold_loops, activ_vec_always, threshold_value, threshold_grad,
                   activ_grad2_zero, threshold_value, threshold_grad, activ_grad2_zero,
                   threshold_value_vec, threshold_grad_vec, threshold_value_vec, threshold_grad_vec)

const struct activ_fn activ_fn_threshold = {
    .name = "threshold",
    .aliases = NO_ALIASES,
    .summary = "x above threshold, a fixed value at or below it.",
    .pytorch = "torch.nn.functional.threshold",
    .params = LIST(activ_param_spec,
                   [THRESHOLD_THRESHOLD] =
                       REAL("threshold", 0, -INF, INF, ACTIV_PARAM_REQUIRED, "the cut, required"),
                   [THRESHOLD_VALUE] = REAL("value", 0, -INF, INF, ACTIV_PARAM_REQUIRED,
                                            "output at or below threshold, required")),
    .formula = "x if x > threshold else value",
    .formula_tex = "\\begin{cases} x & x > \\text{threshold} \\\\ \\text{value} & "
                   "\\text{otherwise} \\end{cases}",
    .derivative = "1 if x > threshold else 0",
    .derivative_tex = "\\begin{cases} 1 & x > \\text{threshold} \\\\ 0 & \\text{otherwise} "
                      "\\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"threshold", "0", "threshold'(threshold) = 0"}),
    .kinks2 = LIST(activ_kink, {"threshold", "0",
                                "threshold''(threshold) = 0 (threshold' jumps; PyTorch's "
                                "threshold_backward: zeros_like)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &threshold_loops,
};
