/*
 * fn/relu.c - the piecewise-linear family: relu, leaky_relu, prelu,
 * hardtanh, relu6 and identity.
 *
 * Exact (or one rounding: slope*x): selects, with the kinks' derivatives
 * PyTorch autograd's (see each row's kinks). NaN in gives NaN out, tested
 * explicitly where a comparison would hide it. The four-lane forms are the
 * same selects, branch-free; float32 results are the float64 ones rounded
 * to float.
 */
#include <math.h>

#include "loops.h"
#include "num/vec.h"
#include "registry.h"

/* ---- relu ------------------------------------------------------------------------ */

/* relu(x) = max(x, 0), NaN kept; relu'(0) = 0. */
K_INLINE double relu_value(double x, const double *p)
{
    (void)p;
    return (x > 0 || x != x) ? x : 0.0;
}

K_INLINE double relu_grad(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return x > 0 ? 1 : 0;
}

#ifdef K_HAVE_VEC
KV void relu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_keep_nan(_mm256_blendv_pd(v_set(0), x[h], v_gt(x[h], 0)), x[h]);
    });
}

KV void relu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_keep_nan(_mm256_blendv_pd(v_set(0), v_set(1), v_gt(x[h], 0)), x[h]);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(relu_loops, activ_vec_always, relu_value, relu_grad, activ_grad2_zero,
                   relu_value, relu_grad, activ_grad2_zero, relu_value_vec, relu_grad_vec,
                   relu_value_vec, relu_grad_vec)

const struct activ_fn activ_fn_relu = {
    .name = "relu",
    .aliases = NO_ALIASES,
    .summary = "Rectified linear unit: the identity for positive x, 0 otherwise.",
    .pytorch = "torch.nn.functional.relu",
    .formula = "max(x, 0)",
    .formula_tex = "\\mathrm{relu}(x) = \\max(x, 0)",
    .derivative = "1 if x > 0 else 0",
    .derivative_tex = "\\mathrm{relu}'(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 "
                      "\\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "[0, inf)",
    .kinks = LIST(activ_kink, {"0", "0", "relu'(0) = 0"}),
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "relu''(0) = 0 (relu' jumps; PyTorch's threshold_backward: "
                                "zeros_like)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &relu_loops,
};

/* ---- leaky_relu and prelu: x, or slope*x for x <= 0 ------------------------------- */

/* slope'(0) = slope, as PyTorch. */
K_INLINE double leaky(double x, double slope)
{
    return x > 0 ? x : slope * x;
}

K_INLINE double leaky_grad(double x, double slope)
{
    if (x != x) return x;
    return x > 0 ? 1 : slope;
}

#ifdef K_HAVE_VEC
KV void v_leaky(int W, const v4 *x, double slope, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = _mm256_blendv_pd(v_set(slope) * x[h], x[h], v_gt(x[h], 0));
    });
}

KV void v_leaky_grad(int W, const v4 *x, double slope, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_keep_nan(_mm256_blendv_pd(v_set(slope), v_set(1), v_gt(x[h], 0)), x[h]);
    });
}
#endif

enum { LEAKY_RELU_NEGATIVE_SLOPE };

K_INLINE double leaky_relu_value(double x, const double *p)
{
    return leaky(x, p[LEAKY_RELU_NEGATIVE_SLOPE]);
}

K_INLINE double leaky_relu_grad(double x, const double *p)
{
    return leaky_grad(x, p[LEAKY_RELU_NEGATIVE_SLOPE]);
}

#ifdef K_HAVE_VEC
KV void leaky_relu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_leaky(W, x, p[LEAKY_RELU_NEGATIVE_SLOPE], r, redo);
}

KV void leaky_relu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_leaky_grad(W, x, p[LEAKY_RELU_NEGATIVE_SLOPE], r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(leaky_relu_loops, activ_vec_always, leaky_relu_value, leaky_relu_grad,
                   activ_grad2_zero, leaky_relu_value, leaky_relu_grad, activ_grad2_zero,
                   leaky_relu_value_vec, leaky_relu_grad_vec, leaky_relu_value_vec,
                   leaky_relu_grad_vec)

const struct activ_fn activ_fn_leaky_relu = {
    .name = "leaky_relu",
    .aliases = NO_ALIASES,
    .summary = "ReLU with a small slope for negative x, so the gradient never dies.",
    .pytorch = "torch.nn.functional.leaky_relu",
    .params = LIST(activ_param_spec, [LEAKY_RELU_NEGATIVE_SLOPE] = REAL(
                                         "negative_slope", 0.01, -INF, INF, 0, "slope for x <= 0")),
    .formula = "x if x > 0 else negative_slope*x",
    .formula_tex = "\\begin{cases} x & x > 0 \\\\ \\text{negative\\_slope} \\cdot x & x \\le 0 "
                   "\\end{cases}",
    .derivative = "1 if x > 0 else negative_slope",
    .derivative_tex = "\\begin{cases} 1 & x > 0 \\\\ \\text{negative\\_slope} & x \\le 0 "
                      "\\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"0", "negative_slope", "leaky_relu'(0) = negative_slope"}),
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "leaky_relu''(0) = 0 (leaky_relu' jumps; PyTorch's "
                                "leaky_relu_backward: zeros_like)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "one rounding (negative_slope*x).",
    .ew = &leaky_relu_loops,
};

/* prelu with one shared weight. */
enum { PRELU_WEIGHT };

K_INLINE double prelu_value(double x, const double *p)
{
    return leaky(x, p[PRELU_WEIGHT]);
}

K_INLINE double prelu_grad(double x, const double *p)
{
    return leaky_grad(x, p[PRELU_WEIGHT]);
}

#ifdef K_HAVE_VEC
KV void prelu_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_leaky(W, x, p[PRELU_WEIGHT], r, redo);
}

KV void prelu_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v_leaky_grad(W, x, p[PRELU_WEIGHT], r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(prelu_loops, activ_vec_always, prelu_value, prelu_grad, activ_grad2_zero,
                   prelu_value, prelu_grad, activ_grad2_zero, prelu_value_vec, prelu_grad_vec,
                   prelu_value_vec, prelu_grad_vec)

const struct activ_fn activ_fn_prelu = {
    .name = "prelu",
    .aliases = NO_ALIASES,
    .summary = "Parametric ReLU with one shared weight for x <= 0.",
    .pytorch = "torch.nn.functional.prelu",
    .params = LIST(activ_param_spec, [PRELU_WEIGHT] =
                                         REAL("weight", 0.25, -INF, INF, 0, "slope for x <= 0")),
    .formula = "x if x > 0 else weight*x",
    .formula_tex = "\\begin{cases} x & x > 0 \\\\ w x & x \\le 0 \\end{cases}",
    .derivative = "1 if x > 0 else weight",
    .derivative_tex = "\\begin{cases} 1 & x > 0 \\\\ w & x \\le 0 \\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .kinks = LIST(activ_kink, {"0", "weight", "prelu'(0) = weight"}),
    .kinks2 = LIST(activ_kink, {"0", "0",
                                "prelu''(0) = 0 (prelu' jumps; PyTorch's _prelu_kernel_backward: "
                                "zeros_like in x)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "one rounding (weight*x).",
    .ew = &prelu_loops,
};

/* ---- hardtanh and relu6: clamp(x, lo, hi) ------------------------------------------ */

/* clamp(x, lo, hi), NaN kept; 0 derivative at both bounds. */
K_INLINE double hardtanh_clamp(double x, double lo, double hi)
{
    if (x != x) return x;
    return x < lo ? lo : (x > hi ? hi : x);
}

K_INLINE double hardtanh_clamp_grad(double x, double lo, double hi)
{
    if (x != x) return x;
    return (x > lo && x < hi) ? 1 : 0;
}

#ifdef K_HAVE_VEC
/* hardtanh_clamp: lo where x < lo, else hi where x > hi. */
KV v4 v_hardtanh(v4 x, double lo, double hi)
{
    v4 r = _mm256_blendv_pd(x, v_set(hi), v_gt(x, hi));
    return v_keep_nan(_mm256_blendv_pd(r, v_set(lo), v_lt(x, lo)), x);
}

KV v4 v_hardtanh_grad(v4 x, double lo, double hi)
{
    v4 in = _mm256_and_pd(v_gt(x, lo), v_lt(x, hi));
    return v_keep_nan(_mm256_and_pd(in, v_set(1)), x);
}
#endif

enum { HARDTANH_MIN_VAL, HARDTANH_MAX_VAL };

K_INLINE double hardtanh_value(double x, const double *p)
{
    return hardtanh_clamp(x, p[HARDTANH_MIN_VAL], p[HARDTANH_MAX_VAL]);
}

K_INLINE double hardtanh_grad(double x, const double *p)
{
    return hardtanh_clamp_grad(x, p[HARDTANH_MIN_VAL], p[HARDTANH_MAX_VAL]);
}

#ifdef K_HAVE_VEC
KV void hardtanh_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_hardtanh(x[h], p[HARDTANH_MIN_VAL], p[HARDTANH_MAX_VAL]);
    });
}

KV void hardtanh_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_hardtanh_grad(x[h], p[HARDTANH_MIN_VAL], p[HARDTANH_MAX_VAL]);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(hardtanh_loops, activ_vec_always, hardtanh_value, hardtanh_grad,
                   activ_grad2_zero, hardtanh_value, hardtanh_grad, activ_grad2_zero,
                   hardtanh_value_vec, hardtanh_grad_vec, hardtanh_value_vec, hardtanh_grad_vec)

/* min_val < max_val (PyTorch asserts the same). */
static activ_status hardtanh_check(const double *v, size_t *bad)
{
    if (v[HARDTANH_MIN_VAL] < v[HARDTANH_MAX_VAL]) return ACTIV_OK;
    *bad = HARDTANH_MAX_VAL;
    return ACTIV_EPARAM_ORDER;
}

const struct activ_fn activ_fn_hardtanh = {
    .name = "hardtanh",
    .aliases = NO_ALIASES,
    .summary = "tanh's piecewise-linear cousin: clamp(x, min_val, max_val).",
    .pytorch = "torch.nn.functional.hardtanh",
    .params = LIST(
        activ_param_spec, [HARDTANH_MIN_VAL] = REAL("min_val", -1, -INF, INF, 0, "lower bound"),
        [HARDTANH_MAX_VAL] = REAL("max_val", 1, -INF, INF, 0, "upper bound, > min_val")),
    .check = hardtanh_check,
    .formula = "min(max(x, min_val), max_val)",
    .formula_tex = "\\min(\\max(x, \\text{min\\_val}), \\text{max\\_val})",
    .derivative = "1 if x > min_val and x < max_val else 0",
    .derivative_tex = "\\begin{cases} 1 & \\text{min\\_val} < x < \\text{max\\_val} \\\\ 0 & "
                      "\\text{otherwise} \\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "[min_val, max_val]",
    .kinks = LIST(activ_kink, {"min_val", "0", "hardtanh'(min_val) = 0"},
                  {"max_val", "0", "hardtanh'(max_val) = 0"}),
    .kinks2 = LIST(activ_kink,
                   {"min_val", "0",
                    "hardtanh''(min_val) = 0 (hardtanh' jumps; PyTorch's hardtanh_backward: "
                    "zeros_like)"},
                   {"max_val", "0", "hardtanh''(max_val) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &hardtanh_loops,
};

/* relu6(x) = clamp(x, 0, 6); relu6(-0.0) = +0. */
K_INLINE double relu6_value(double x, const double *p)
{
    (void)p;
    double r = hardtanh_clamp(x, 0, 6);
    return r == 0 ? 0.0 : r;
}

K_INLINE double relu6_grad(double x, const double *p)
{
    (void)p;
    return hardtanh_clamp_grad(x, 0, 6);
}

#ifdef K_HAVE_VEC
/* a zero result is +0 */
KV void relu6_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        v4 c = v_hardtanh(x[h], 0, 6);
        r[h] = _mm256_blendv_pd(c, v_set(0), _mm256_cmp_pd(c, v_set(0), _CMP_EQ_OQ));
    });
}

KV void relu6_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        redo[h] = v_set(0);
        r[h] = v_hardtanh_grad(x[h], 0, 6);
    });
}
#endif

ACTIV_EW_LOOPS_VEC(relu6_loops, activ_vec_always, relu6_value, relu6_grad, activ_grad2_zero,
                   relu6_value, relu6_grad, activ_grad2_zero, relu6_value_vec, relu6_grad_vec,
                   relu6_value_vec, relu6_grad_vec)

const struct activ_fn activ_fn_relu6 = {
    .name = "relu6",
    .aliases = NO_ALIASES,
    .summary = "ReLU capped at 6 (MobileNet).",
    .pytorch = "torch.nn.functional.relu6",
    .formula = "min(max(x, 0), 6)",
    .formula_tex = "\\min(\\max(x, 0), 6)",
    .derivative = "1 if x > 0 and x < 6 else 0",
    .derivative_tex = "\\begin{cases} 1 & 0 < x < 6 \\\\ 0 & \\text{otherwise} \\end{cases}",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "[0, 6]",
    .kinks = LIST(activ_kink, {"0", "0", "relu6'(0) = 0"}, {"6", "0", "relu6'(6) = 0"}),
    .kinks2 = LIST(activ_kink,
                   {"0", "0",
                    "relu6''(0) = 0 (relu6' jumps; F.relu6 is hardtanh(x, 0, 6), whose "
                    "hardtanh_backward has zeros_like)"},
                   {"6", "0", "relu6''(6) = 0"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &relu6_loops,
};

/* ---- identity ------------------------------------------------------------------------ */

K_INLINE double identity_value(double x, const double *p)
{
    (void)p;
    return x;
}

K_INLINE double identity_grad(double x, const double *p)
{
    (void)p;
    return x != x ? x : 1;
}

ACTIV_EW_LOOPS(identity_loops, identity_value, identity_grad, activ_grad2_zero, identity_value,
               identity_grad, activ_grad2_zero)

const struct activ_fn activ_fn_identity = {
    .name = "identity",
    .aliases = NAMES("linear"),
    .summary = "The identity, for output layers and comparisons.",
    .pytorch = "torch.nn.Identity",
    .formula = "x",
    .formula_tex = "x",
    .derivative = "1",
    .derivative_tex = "1",
    .derivative2 = "0",
    .derivative2_tex = "0",
    .range = "(-inf, inf)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "exact.",
    .ew = &identity_loops,
};
