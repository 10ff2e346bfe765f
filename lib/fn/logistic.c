/*
 * fn/logistic.c - the logistic family: sigmoid, logsigmoid, softplus.
 *
 * All three come from one e = exp(-|t|) <= 1 in double-double (num/exp.h):
 * sigmoid's halves 1/(1+e) and e/(1+e) (sig_both), softplus's
 * max(t, 0) + log1p(e) and logsigmoid = -softplus(-x). Never exp of a large
 * positive number: nothing overflows, and no Inf/Inf = NaN at t = -710.
 * Tails below -700 keep e's exponent and round once into the subnormals.
 * float32 results use the same forms in plain double (num/plain.h).
 */
#include <math.h>

#include "loops.h"
#include "num/plain.h"
#include "num/vexp.h"
#include "registry.h"

/* ---- sigmoid ---------------------------------------------------------------- */

/*
 * sigmoid(t) for t = th + tl, from e = exp(-|t|) <= 1:
 *  |t| <= 700: 1/(1+e) for t >= 0, e/(1+e) for t < 0, both from sig_both
 *              (one exp, the sign a select).
 *  t > 700:    1; t < -700: e with its own exponent, rounded once into the
 *              subnormals.
 */
K_INLINE double sigmoid_dd(double th, double tl)
{
    double a = fabs(th), al = th < 0 ? -tl : tl;
    if (!(a <= 700)) return th > 0 ? 1 : dde_round(sig_neg(a, al));
    sig2 s = sig_both(a, al);
    return dd_round(th >= 0 ? s.big : s.small);
}

K_INLINE double sigmoid_value(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return sigmoid_dd(x, 0);
}

/*
 * sigmoid'(x) = s(x)*s(-x) = e/(1+e)^2, e = exp(-|x|).
 *  Symmetric; e <= 1 so (1+e)^2 never overflows and the result tracks e
 *  into the subnormals (s*(1-s) is 0 from x = 37 on: 1-s rounds to 0).
 *  |x| > 700: e itself (the factor (1+e)^-2 is 1 - 2^-1000).
 */
K_INLINE double sigmoid_grad(double x, const double *p)
{
    (void)p;
    double a = fabs(x);
    if (a != a) return x;
    if (a > 1400) return 0;
    if (a > 700) return dde_round(exp_dd(-a, 0));
    sig2 s = sig_both(a, 0);
    return dd_round(dd_mul(s.big, s.small));
}

/* float32: sigmoid(x) and sigmoid'(x) = s(x)s(-x) in plain double, one exp
 * (gf_sig). */
K_INLINE double sigmoid_value_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    double sp, sm;
    gf_sig(x, &sp, &sm);
    return sp;
}

K_INLINE double sigmoid_grad_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    double sp, sm;
    gf_sig(x, &sp, &sm);
    return sp * sm;
}

/* sigmoid''(x) = -s(x)s(-x)tanh(x/2) = -sign(x) g(|x|), g from sig_d2
 * (num/exp.h): -x/8 near 0, -e^-|x| in the tails, never s(1-s)(1-2s). */
K_INLINE double sigmoid_grad2(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return -copysign(dde_round(sig_d2(fabs(x))), x);
}

/* float32: the same with sig_d2_p (num/plain.h). */
K_INLINE double sigmoid_grad2_f32(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return -copysign(sig_d2_p(fabs(x)), x);
}

#ifdef K_HAVE_VEC
/* |x| <= 700: sig_both's halves, the sign a blend; the tails and NaN to the
 * scalar kernel. */
KV void sigmoid_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = v_outside(a, 0, 700);
        vdd big, small;
        v_sig_both(v_clamp(a, 0, 700), &big, &small);
        r[h] = _mm256_blendv_pd(v_round(small), v_round(big),
                                _mm256_cmp_pd(x[h], v_set(0), _CMP_GE_OQ));
    });
}

KV void sigmoid_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    KV_EACH(W, {
        v4 a = v_abs(x[h]);
        redo[h] = v_outside(a, 0, 700);
        vdd big, small;
        v_sig_both(v_clamp(a, 0, 700), &big, &small);
        r[h] = v_round(v_dd_mul(big, small));
    });
}

/* sigmoid_value_f32 / sigmoid_grad_f32 (deriv): NaN to the scalar kernel. */
KV void sigmoid_vec_f32(int W, int deriv, const v4 *x, v4 *r, v4 *redo)
{
    v4 sp[2], sm[2];
    KV_EACH(W, redo[h] = v_isnan(x[h]););
    vw_gf_sig(W, x, sp, sm);
    KV_EACH(W, r[h] = sp[h]; if (deriv) r[h] = sp[h] * sm[h];);
}

KV void sigmoid_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    sigmoid_vec_f32(W, 0, x, r, redo);
}

KV void sigmoid_grad_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    sigmoid_vec_f32(W, 1, x, r, redo);
}
#endif

ACTIV_EW_LOOPS_VEC(sigmoid_loops, activ_vec_always, sigmoid_value, sigmoid_grad, sigmoid_grad2,
                   sigmoid_value_f32, sigmoid_grad_f32, sigmoid_grad2_f32, sigmoid_value_vec,
                   sigmoid_grad_vec, sigmoid_value_vec_f32, sigmoid_grad_vec_f32)

const struct activ_fn activ_fn_sigmoid = {
    .name = "sigmoid",
    .aliases = NAMES("sigmod", "logistic"),
    .summary = "The logistic function: squashes any real number into (0, 1).",
    .pytorch = "torch.sigmoid",
    .formula = "1/(1 + exp(-x))",
    .formula_tex = "\\sigma(x) = \\frac{1}{1 + e^{-x}}",
    .derivative = "sigmoid(x)*sigmoid(-x)",
    .derivative_tex = "\\sigma'(x) = \\sigma(x)\\,\\sigma(-x) = \\sigma(x)(1 - \\sigma(x))",
    .derivative2 = "-sigmoid(x)*sigmoid(-x)*tanh(x/2)",
    .derivative2_tex = "\\sigma''(x) = -\\sigma(x)\\,\\sigma(-x)\\tanh(x/2)",
    .range = "(0, 1)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "one exp(-|x|) in double-double serves 1/(1+e) and e/(1+e): no overflow, no "
                "Inf/Inf at -710, tails below -700 rounded once into the subnormals; "
                "derivative e/(1+e)^2, not s*(1-s) (0 for x > 37). float32: the same in "
                "plain double (below 2^-44), rounded once to float.",
    .ew = &sigmoid_loops,
};

/* ---- softplus and logsigmoid: log(1 + e^t) ------------------------------------ */

/*
 * log(1 + e^t) for t = th + tl, exponent kept:
 *  |t| <= 700: max(t, 0) + log1p(exp(-|t|)), the sign a select, not a branch
 *              (log(1+exp(t)) itself would overflow for t > 709).
 *  t > 700:    t; t < -700: e^t itself (e - e^2/2, e < 2^-1000).
 */
K_INLINE dde softplus_core(double th, double tl)
{
    double a = fabs(th), al = th < 0 ? -tl : tl;
    if (!(a <= 700)) {
        if (th > 0) return (dde){th, tl, 0};
        if (th < -1400) return (dde){0, 0, 0};
        return exp_dd(th, tl);
    }
    dde E = exp_dd(-a, -al);
    double s = k_pow2(E.k);
    dd l = log1p_dd((dd){E.hi * s, E.lo * s});
    l = dd_add(l, th > 0 ? (dd){th, tl} : (dd){0, 0});
    return (dde){l.hi, l.lo, 0};
}

#ifdef K_HAVE_VEC
/* softplus_core for |t| <= 700: max(t, 0) + log1p(exp(-|t|)), as a dd; on W
 * groups. */
KV void vw_softplus_core(int W, const vdd *t, vdd *out)
{
    v4 a[2], al[2], shi[2], slo[2], elo[2];
    vdd E[2];
    KV_EACH(W, {
        a[h] = v_abs(t[h].hi);
        v4 neg = _mm256_cmp_pd(t[h].hi, v_set(0), _CMP_LT_OQ);
        al[h] = -_mm256_blendv_pd(t[h].lo, -t[h].lo, neg);
        a[h] = -a[h];
    });
    vw_exp(W, a, al, E);
    KV_EACH(W, {
        vdd s = v_fast_two_sum(v_set(1), E[h].hi);
        shi[h] = s.hi, slo[h] = s.lo, elo[h] = E[h].lo;
    });
    vw_log3(W, shi, slo, elo, out);
    KV_EACH(W, {
        v4 pos = _mm256_cmp_pd(t[h].hi, v_set(0), _CMP_GT_OQ);
        out[h] = v_dd_add(out[h], (vdd){_mm256_and_pd(t[h].hi, pos), _mm256_and_pd(t[h].lo, pos)});
    });
}
#endif

/*
 * softplus(x) = log(1+exp(beta*x))/beta, and x where beta*x > threshold
 * (PyTorch's switch). t = beta*x is kept exactly (two_prod): exp amplifies
 * the rounding of t by |t| (350 ULP at t = -700), and the switch compares the
 * exact product, as the formula says.
 */
enum { SOFTPLUS_BETA, SOFTPLUS_THRESHOLD };

K_INLINE int softplus_linear(const double *p, double x, dd *t)
{
    *t = two_prod(p[SOFTPLUS_BETA], x);
    return t->hi > p[SOFTPLUS_THRESHOLD] || (t->hi == p[SOFTPLUS_THRESHOLD] && t->lo > 0);
}

K_INLINE double softplus_value(double x, const double *p)
{
    dd t;
    if (x != x || softplus_linear(p, x, &t)) return x;
    if (t.hi == -INFINITY) return 0;
    dde s = softplus_core(t.hi, t.lo);
    double q = s.hi / p[SOFTPLUS_BETA];
    if (!isfinite(q)) return q; /* true overflow (tiny beta) */
    return dd_scale(q, (fma(-q, p[SOFTPLUS_BETA], s.hi) + s.lo) / p[SOFTPLUS_BETA], s.k);
}

/* softplus'(x) = sigmoid(beta*x) (with t exact), and 1 where beta*x > threshold. */
K_INLINE double softplus_grad(double x, const double *p)
{
    dd t;
    if (x != x) return x;
    if (softplus_linear(p, x, &t)) return 1;
    if (t.hi == -INFINITY) return 0;
    return sigmoid_dd(t.hi, t.lo);
}

/*
 * softplus''(x) = beta*s(t)s(-t), t = beta*x exact (two_prod, as for f'),
 * where t < threshold; 0 where t >= threshold (PyTorch's
 * softplus_double_backward masks x*beta < threshold, so 0 also at
 * t = threshold, where f' jumps). s(t)s(-t) = e/(1+e)^2 = big*small from one
 * exp for |t| <= 700, e with its exponent beyond (0 past 1500); beta joins
 * by dd_mul_d_scale (beta may be huge or tiny: up to 2^1024 it cannot lift
 * e^-1500 into the doubles).
 */
K_INLINE double softplus_grad2(double x, const double *p)
{
    double beta = p[SOFTPLUS_BETA], th = p[SOFTPLUS_THRESHOLD];
    if (x != x) return x;
    dd t = two_prod(beta, x);
    if (t.hi > th || (t.hi == th && t.lo >= 0)) return 0;
    double a = fabs(t.hi), al = t.hi < 0 ? -t.lo : t.lo;
    if (!(a <= 700)) {
        if (!(a <= 1500)) return 0;
        dde e = exp_dd(-a, -al);
        return dd_mul_d_scale((dd){e.hi, e.lo}, beta, e.k);
    }
    sig2 s = sig_both(a, al);
    return dd_mul_d_scale(dd_mul(s.big, s.small), beta, 0);
}

/* A moderate beta keeps beta*x and the quotient normal: the plain-double
 * float32 kernel and the four-lane kernels hold there; elsewhere the float64
 * kernel does. */
K_INLINE int softplus_moderate(const double *p)
{
    return p[SOFTPLUS_BETA] >= 0x1p-8 && p[SOFTPLUS_BETA] <= 0x1p100;
}

/* float32: (max(t, 0) + log1p(exp(-|t|)))/beta, t = beta*x exact for the
 * switch (softplus_linear) and carried into exp as the factor (1 - lo);
 * |t| clamped at 700 (e^-700/beta is far below the floats). */
K_INLINE double softplus_value_f32(double x, const double *p)
{
    if (!softplus_moderate(p)) return softplus_value(x, p);
    dd t;
    if (x != x || softplus_linear(p, x, &t)) return x;
    double a = fabs(t.hi), al = t.hi < 0 ? -t.lo : t.lo;
    if (!(a <= 700)) a = 700, al = 0;
    double E = exp_p(-a);
    double L = log1p_p(fma(E, -al, E));
    return (t.hi > 0 ? t.hi + L : L) / p[SOFTPLUS_BETA];
}

/* float32: beta*s(t)s(-t) in plain double, t = beta*x rounded (|t| <= 200
 * here: exp's argument is then off by 2^-45 of itself), the switch on the
 * exact product; other betas take the float64 kernel (as the value). */
K_INLINE double softplus_grad2_f32(double x, const double *p)
{
    if (!softplus_moderate(p)) return softplus_grad2(x, p);
    double beta = p[SOFTPLUS_BETA], th = p[SOFTPLUS_THRESHOLD];
    if (x != x) return x;
    dd t = two_prod(beta, x);
    if (t.hi > th || (t.hi == th && t.lo >= 0)) return 0;
    double a = fabs(t.hi), e = exp_p(-(a < 200 ? a : 200)), big = 1 / (1 + e);
    return beta * (e * big * big);
}

#ifdef K_HAVE_VEC
static inline int softplus_vec_ok(const double *p)
{
    return softplus_moderate(p);
}

/* softplus_linear on four lanes: t = beta*x exactly, and the lanes where
 * the exact t is above the threshold. */
KV v4 v_softplus_linear(const double *p, v4 x, vdd *t)
{
    *t = v_two_prod(v_set(p[SOFTPLUS_BETA]), x);
    v4 th = v_set(p[SOFTPLUS_THRESHOLD]);
    return _mm256_or_pd(_mm256_cmp_pd(t->hi, th, _CMP_GT_OQ),
                        _mm256_and_pd(_mm256_cmp_pd(t->hi, th, _CMP_EQ_OQ),
                                      _mm256_cmp_pd(t->lo, v_set(0), _CMP_GT_OQ)));
}

/* softplus_core(beta*x)/beta below the threshold, x above it; |t| > 700 and
 * quotients outside dd_scale's fast range to the scalar kernel. */
KV void softplus_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    vdd t[2], s[2];
    v4 lin[2], ok[2];
    KV_EACH(W, {
        lin[h] = v_softplus_linear(p, x[h], &t[h]);
        ok[h] = _mm256_cmp_pd(v_abs(t[h].hi), v_set(700), _CMP_LE_OQ);
        t[h].hi = _mm256_and_pd(t[h].hi, ok[h]), t[h].lo = _mm256_and_pd(t[h].lo, ok[h]);
    });
    vw_softplus_core(W, t, s);
    KV_EACH(W, {
        v4 beta = v_set(p[SOFTPLUS_BETA]), q = s[h].hi / beta;
        v4 rr = q + (_mm256_fnmadd_pd(q, beta, s[h].hi) + s[h].lo) / beta;
        v4 tiny = v_outside(v_abs(q), 0x1p-960, 0x1p960); /* dd_scale's slow path */
        v4 not_ok = _mm256_xor_pd(ok[h], _mm256_castsi256_pd(_mm256_set1_epi64x(-1)));
        redo[h] = _mm256_andnot_pd(lin[h], _mm256_or_pd(not_ok, tiny));
        r[h] = _mm256_blendv_pd(rr, x[h], lin[h]);
    });
}

/* softplus'(x) = sigmoid(beta*x) with beta*x exact, 1 past the threshold. */
KV void softplus_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        vdd t;
        v4 lin = v_softplus_linear(p, x[h], &t);
        v4 a = v_abs(t.hi), neg = _mm256_cmp_pd(t.hi, v_set(0), _CMP_LT_OQ);
        v4 al = _mm256_blendv_pd(t.lo, -t.lo, neg);
        redo[h] = _mm256_andnot_pd(lin, v_outside(a, 0, 700));
        v4 inrange = _mm256_cmp_pd(a, v_set(700), _CMP_LE_OQ);
        al = _mm256_and_pd(al, inrange); /* masked lanes: no NaN from huge t.lo */
        vdd big, small;
        v_sig_both2(v_clamp(a, 0, 700), al, &big, &small);
        v4 rv = _mm256_blendv_pd(v_round(big), v_round(small), neg);
        r[h] = _mm256_blendv_pd(rv, v_set(1), lin);
    });
}

/* softplus_value_f32: x where linear, NaN to the scalar kernel. */
KV void softplus_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    v4 a[2], al[2], E[2], L[2], lin[2];
    vdd t[2];
    KV_EACH(W, {
        lin[h] = v_softplus_linear(p, x[h], &t[h]);
        redo[h] = v_isnan(x[h]);
        a[h] = v_abs(t[h].hi);
        v4 in = _mm256_cmp_pd(a[h], v_set(700), _CMP_LE_OQ);
        al[h] = _mm256_blendv_pd(t[h].lo, -t[h].lo, v_lt(t[h].hi, 0));
        al[h] = _mm256_and_pd(al[h], in);
        a[h] = -_mm256_blendv_pd(v_set(700), a[h], in);
    });
    vw_exp_p(W, a, E);
    KV_EACH(W, E[h] = _mm256_fmadd_pd(E[h], -al[h], E[h]););
    vw_log1p_p(W, E, L);
    KV_EACH(W, {
        v4 v = _mm256_blendv_pd(L[h], t[h].hi + L[h], v_gt(t[h].hi, 0)) / v_set(p[SOFTPLUS_BETA]);
        r[h] = _mm256_blendv_pd(v, x[h], lin[h]);
    });
}
#endif

/* The float32 derivative is the float64 one: sigmoid(beta*x) rounded to float. */
ACTIV_EW_LOOPS_VEC(softplus_loops, softplus_vec_ok, softplus_value, softplus_grad, softplus_grad2,
                   softplus_value_f32, softplus_grad, softplus_grad2_f32, softplus_value_vec,
                   softplus_grad_vec, softplus_value_vec_f32, softplus_grad_vec)

const struct activ_fn activ_fn_softplus = {
    .name = "softplus",
    .aliases = NO_ALIASES,
    .summary = "Smooth approximation of relu; the identity where beta*x > threshold.",
    .pytorch = "torch.nn.functional.softplus",
    .params =
        LIST(activ_param_spec,
             [SOFTPLUS_BETA] = REAL("beta", 1, 0, INF, ACTIV_PARAM_MIN_OPEN, "sharpness, > 0"),
             [SOFTPLUS_THRESHOLD] = REAL("threshold", 20, -INF, INF, 0,
                                         "above beta*x > threshold the identity is used")),
    .formula = "log1p(exp(beta*x))/beta if beta*x <= threshold else x",
    .formula_tex = "\\begin{cases} \\frac{1}{\\beta}\\ln(1 + e^{\\beta x}) & \\beta x \\le "
                   "\\text{threshold} \\\\ x & \\text{otherwise} \\end{cases}",
    .derivative = "sigmoid(beta*x) if beta*x <= threshold else 1",
    .derivative_tex = "\\begin{cases} \\sigma(\\beta x) & \\beta x \\le \\text{threshold} "
                      "\\\\ 1 & \\text{otherwise} \\end{cases}",
    .derivative2 = "beta*sigmoid(beta*x)*sigmoid(-beta*x) if beta*x < threshold else 0",
    .derivative2_tex =
        "\\begin{cases} \\beta\\,\\sigma(\\beta x)\\,\\sigma(-\\beta x) & \\beta x < "
        "\\text{threshold} \\\\ 0 & \\text{otherwise} \\end{cases}",
    .range = "(min(0, threshold/beta), inf)",
    .kinks2 = LIST(activ_kink, {"threshold/beta", "0",
                                "0 where beta*x = threshold (softplus' jumps there; PyTorch's "
                                "softplus_double_backward masks x*beta < threshold)"}),
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "max(t,0) + log1p(exp(-|t|)) with t = beta*x exact (exp multiplies its "
                "rounding by |t|) and the switch on the exact product; log and exp in "
                "double-double. float32 value: the same in plain double (log1p from the log "
                "table, below 2^-44), rounded once to float.",
    .ew = &softplus_loops,
};

/* logsigmoid(x) = -log(1 + exp(-x)) = -softplus(-x): the result is -exp(x)
 * (not a flushed 0) for large x, and x (not -Inf) for very negative x. */
K_INLINE double logsigmoid_value(double x, const double *p)
{
    (void)p;
    if (x != x || x == -INFINITY) return x;
    dde s = softplus_core(-x, 0);
    return -dde_round(s);
}

/* logsigmoid'(x) = sigmoid(-x). */
K_INLINE double logsigmoid_grad(double x, const double *p)
{
    return sigmoid_value(-x, p);
}

/* logsigmoid''(x) = -s(x)s(-x) = -sigmoid'(x): -e^-|x| in both tails
 * (PyTorch's (z - 1)z, z = sigmoid(x), is 0 from x = 37 on). The float32
 * form is -sigmoid_grad_f32. */
K_INLINE double logsigmoid_grad2(double x, const double *p)
{
    return x != x ? x : -sigmoid_grad(x, p);
}

K_INLINE double logsigmoid_grad2_f32(double x, const double *p)
{
    return x != x ? x : -sigmoid_grad_f32(x, p);
}

/* float32: -(max(-x, 0) + log1p(exp(-|x|))) in plain double, |x| clamped at
 * 700. */
K_INLINE double logsigmoid_value_f32(double x, const double *p)
{
    (void)p;
    if (x != x || x == -INFINITY) return x;
    double a = fabs(x), E = exp_p(-(a < 700 ? a : 700)), L = log1p_p(E);
    return -(x < 0 ? L - x : L);
}

#ifdef K_HAVE_VEC
/* -softplus_core(-x), |x| <= 700. */
KV void logsigmoid_value_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    vdd t[2], s[2];
    KV_EACH(W, redo[h] = v_outside(v_abs(x[h]), 0, 700);
            t[h] = (vdd){-v_clamp(x[h], -700, 700), v_set(0)};);
    vw_softplus_core(W, t, s);
    KV_EACH(W, r[h] = -v_round(s[h]););
}

KV void logsigmoid_grad_vec(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    KV_EACH(W, {
        v4 nx = -x[h];
        sigmoid_value_vec(1, &nx, p, &r[h], &redo[h]);
    });
}

/* logsigmoid_value_f32: NaN and -Inf to the scalar kernel. */
KV void logsigmoid_value_vec_f32(int W, const v4 *x, const double *p, v4 *r, v4 *redo)
{
    (void)p;
    v4 E[2], L[2];
    KV_EACH(W, redo[h] = _mm256_cmp_pd(x[h], v_set(-INFINITY), _CMP_NGT_UQ);
            E[h] = -_mm256_min_pd(v_abs(x[h]), v_set(700)););
    vw_exp_p(W, E, E);
    vw_log1p_p(W, E, L);
    KV_EACH(W, r[h] = -_mm256_blendv_pd(L[h], L[h] - x[h], v_lt(x[h], 0)););
}
#endif

/* The float32 derivative is the float64 one: sigmoid(-x) rounded to float. */
ACTIV_EW_LOOPS_VEC(logsigmoid_loops, activ_vec_always, logsigmoid_value, logsigmoid_grad,
                   logsigmoid_grad2, logsigmoid_value_f32, logsigmoid_grad, logsigmoid_grad2_f32,
                   logsigmoid_value_vec, logsigmoid_grad_vec, logsigmoid_value_vec_f32,
                   logsigmoid_grad_vec)

const struct activ_fn activ_fn_logsigmoid = {
    .name = "logsigmoid",
    .aliases = NO_ALIASES,
    .summary = "log(sigmoid(x)), the log-likelihood of the logistic.",
    .pytorch = "torch.nn.functional.logsigmoid",
    .formula = "min(x, 0) - log1p(exp(-abs(x)))",
    .formula_tex = "\\ln \\sigma(x) = -\\ln(1 + e^{-x})",
    .derivative = "sigmoid(-x)",
    .derivative_tex = "\\sigma(-x)",
    .derivative2 = "-sigmoid(x)*sigmoid(-x)",
    .derivative2_tex = "-\\sigma(x)\\,\\sigma(-x)",
    .range = "(-inf, 0)",
    .ulp_value = 1,
    .ulp_grad = 2,
    .ulp_grad2 = 2,
    .accuracy = "min(x,0) - log1p(exp(-|x|)) in double-double: -exp(x) for large x, not a "
                "flushed 0. float32 value: the same in plain double (below 2^-44), rounded "
                "once to float.",
    .ew = &logsigmoid_loops,
};
