/*
 * kernels.h - scalar kernels of the elementwise activations (internal).
 *
 * Each kernel is `double k_NAME(double x, const double *p)` (value) or
 * `double d_NAME(double x, const double *p)` (derivative); p holds the
 * parameters in the order of the registry row. registry.c turns each pair
 * into array loops for float64 and float32.
 *
 * Conventions shared by every kernel:
 *  - NaN in, NaN out, for values and derivatives (piecewise kernels test it
 *    explicitly because comparisons with NaN are false).
 *  - +-Inf in gives the IEEE limit (sigmoid(+Inf) = 1, elu'(-Inf) = 0).
 *  - At kinks the derivative is PyTorch autograd's (see the registry row).
 *  - Never -ffast-math: the stable forms below rely on exact IEEE rounding.
 */
#ifndef ACTIV_KERNELS_H
#define ACTIV_KERNELS_H

#include <math.h>

/* selu's constants as PyTorch spells them (rounded to double). */
#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* ---- logistic family ---------------------------------------------------- */

/*
 * sigmoid(x) = 1/(1+exp(-x))
 *  x >= 0: 1/(1+e), e = exp(-x) <= 1, no overflow.
 *  x <  0: e/(1+e), e = exp(x): never exp of a large positive number, so no
 *          Inf/Inf = NaN at x = -710 (the article's form), no flush to 0
 *          before e itself underflows (x < -745).
 */
static inline double k_sigmoid(double x, const double *p)
{
    (void)p;
    if (x >= 0) return 1 / (1 + exp(-x));
    double e = exp(x);
    return e / (1 + e);
}

/*
 * sigmoid'(x) = s(x)*s(-x) = e/(1+e)^2, e = exp(-|x|).
 *  Symmetric in x; e <= 1 so (1+e)^2 never overflows and the result tracks e
 *  into the subnormals (s*(1-s) is 0 from x = 37 on: 1-s rounds to 0).
 */
static inline double d_sigmoid(double x, const double *p)
{
    (void)p;
    double e = exp(-fabs(x));
    double q = 1 + e;
    return e / q / q;
}

/*
 * tanh'(x) = 1 - tanh(x)^2 = 4e/(1+e)^2, e = exp(-2|x|).
 *  1 - t^2 loses everything once t rounds to 1 (|x| > 19); the exp form keeps
 *  relative accuracy out to |x| ~ 372 where the true value leaves the
 *  subnormals. For |x| < 0.5, (1-t)(1+t) is exact enough and cheaper.
 */
static inline double d_tanh(double x, const double *p)
{
    (void)p;
    double ax = fabs(x);
    if (ax < 0.5) {
        double t = tanh(x);
        return (1 - t) * (1 + t);
    }
    double e = exp(-2 * ax);
    double q = 1 + e;
    return 4 * e / q / q;
}

static inline double k_tanh(double x, const double *p)
{
    (void)p;
    return tanh(x);
}

/*
 * logsigmoid(x) = -log(1+exp(-x)) = min(x,0) - log1p(exp(-|x|)).
 *  log1p of a number <= 1: no overflow for x -> -Inf, and for x -> +Inf the
 *  result is -exp(-x), not a flushed 0.
 */
static inline double k_logsigmoid(double x, const double *p)
{
    (void)p;
    return fmin(x, 0) - log1p(exp(-fabs(x)));
}

/* logsigmoid'(x) = sigmoid(-x). */
static inline double d_logsigmoid(double x, const double *p)
{
    return k_sigmoid(-x, p);
}

/*
 * silu(x) = x*sigmoid(x). For x < -745 sigmoid underflows while x*s(x)
 * would still be tiny: x*e/(1+e) with e = exp(x) keeps it as long as e does.
 */
static inline double k_silu(double x, const double *p)
{
    return x * k_sigmoid(x, p);
}

/* silu'(x) = s(x)*(1 + x*s(-x)). */
static inline double d_silu(double x, const double *p)
{
    return k_sigmoid(x, p) * (1 + x * k_sigmoid(-x, p));
}

/*
 * softplus(x) = log(1+exp(beta*x))/beta, and x where beta*x > threshold
 * (PyTorch's switch). Stable form max(t,0) + log1p(exp(-|t|)), t = beta*x.
 */
static inline double k_softplus(double x, const double *p)
{
    double beta = p[0], th = p[1];
    double t = beta * x;
    if (t > th) return x;
    return (fmax(t, 0) + log1p(exp(-fabs(t)))) / beta;
}

/* softplus'(x) = sigmoid(beta*x), and 1 where beta*x > threshold. */
static inline double d_softplus(double x, const double *p)
{
    double t = p[0] * x;
    if (x != x) return x;
    if (t > p[1]) return 1;
    return k_sigmoid(t, p);
}

/*
 * mish(x) = x*tanh(softplus(x)). With e = exp(x), tanh(log(1+e)) =
 * n/(n+2), n = e*(e+2); for x > 0 rewritten with e = exp(-x) as
 * (1+2e)/(1+2e+2e^2) so nothing overflows.
 */
static inline double mish_tsp(double x)
{
    if (x > 0) {
        double e = exp(-x);
        return (1 + 2 * e) / (1 + 2 * e + 2 * e * e);
    }
    double e = exp(x);
    double n = e * (e + 2);
    return n / (n + 2);
}

static inline double k_mish(double x, const double *p)
{
    (void)p;
    if (isinf(x)) return x > 0 ? x : -0.0;
    return x * mish_tsp(x);
}

/* mish'(x) = tsp + x*sigmoid(x)*(1 - tsp^2), tsp = tanh(softplus(x)). */
static inline double d_mish(double x, const double *p)
{
    if (isinf(x)) return x > 0 ? 1 : 0;
    double t = mish_tsp(x);
    return t + x * k_sigmoid(x, p) * (1 - t) * (1 + t);
}

/*
 * tanhshrink(x) = x - tanh(x). Cancels for small |x|; below 0.5 the Taylor
 * series x^3/3 - 2x^5/15 + 17x^7/315 - ... is used instead.
 */
static inline double k_tanhshrink(double x, const double *p)
{
    (void)p;
    double ax = fabs(x);
    if (ax < 0.5) {
        double x2 = x * x;
        /* odd Taylor coefficients of x - tanh(x) */
        double s = 0.0;
        static const double c[] = {1.0 / 3,          -2.0 / 15,          17.0 / 315,
                                   -62.0 / 2835,     1382.0 / 155925,    -21844.0 / 6081075,
                                   929569.0 / 638512875, -6404582.0 / 10854718875.0};
        for (int i = 7; i >= 0; i--) s = s * x2 + c[i];
        return x * x2 * s;
    }
    if (isinf(x)) return x;
    return x - tanh(x);
}

/* tanhshrink'(x) = tanh(x)^2. */
static inline double d_tanhshrink(double x, const double *p)
{
    (void)p;
    double t = tanh(x);
    return t * t;
}

/*
 * softsign(x) = x/(1+|x|); +-Inf gives +-1 (Inf/Inf would be NaN).
 */
static inline double k_softsign(double x, const double *p)
{
    (void)p;
    if (isinf(x)) return x > 0 ? 1 : -1;
    return x / (1 + fabs(x));
}

/* softsign'(x) = 1/(1+|x|)^2 as r*r, r = 1/(1+|x|): squaring 1+|x| first
 * would overflow at |x| ~ 1e154 while the true value is still normal. */
static inline double d_softsign(double x, const double *p)
{
    (void)p;
    double r = 1 / (1 + fabs(x));
    return r * r;
}

/* ---- exponential linear units ------------------------------------------- */

/* elu(x) = x (x > 0), alpha*expm1(x) (x <= 0): expm1, not exp(x)-1, which
 * loses every digit near 0 (elu(-1e-10)). */
static inline double k_elu(double x, const double *p)
{
    return x > 0 ? x : p[0] * expm1(x);
}

/* elu'(x) = 1 (x > 0), alpha*exp(x) (x <= 0); elu'(0) = alpha. */
static inline double d_elu(double x, const double *p)
{
    return x > 0 ? 1 : p[0] * exp(x);
}

static inline double k_selu(double x, const double *p)
{
    (void)p;
    return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * expm1(x);
}

/* selu'(0) = scale*alpha. */
static inline double d_selu(double x, const double *p)
{
    (void)p;
    return x > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * exp(x);
}

/* celu(x) = x (x > 0), alpha*expm1(x/alpha) (x <= 0). */
static inline double k_celu(double x, const double *p)
{
    return x > 0 ? x : p[0] * expm1(x / p[0]);
}

/* celu'(x) = 1 (x > 0), exp(x/alpha) (x <= 0); celu'(0) = 1. */
static inline double d_celu(double x, const double *p)
{
    return x > 0 ? 1 : exp(x / p[0]);
}

/* ---- gelu ----------------------------------------------------------------- */

#define GELU_SQRT1_2 0.70710678118654752440    /* 1/sqrt(2) */
#define GELU_INV_SQRT2PI 0.39894228040143267794 /* 1/sqrt(2*pi) */
#define GELU_K 0.79788456080286535588           /* sqrt(2/pi) */
#define GELU_C 0.044715

/*
 * gelu(x) = x*Phi(x) = 0.5*x*erfc(-x/sqrt(2)): erfc, not 1+erf, which
 * cancels for negative x. approximate = "tanh" (p[0] = 1):
 * 0.5*x*(1+tanh(u)) = x*sigmoid(2u), u = sqrt(2/pi)*(x + 0.044715*x^3),
 * the sigmoid form again avoiding 1+tanh cancelling for x < 0.
 */
static inline double k_gelu(double x, const double *p)
{
    if (p[0] != 0) {
        if (isinf(x)) return x > 0 ? x : -0.0;
        double u = GELU_K * (x + GELU_C * x * x * x);
        return x * k_sigmoid(2 * u, p);
    }
    if (x == -INFINITY) return -0.0;
    return 0.5 * x * erfc(-x * GELU_SQRT1_2);
}

static inline double d_gelu(double x, const double *p)
{
    if (x != x) return x;
    if (isinf(x)) return x > 0 ? 1 : 0;
    if (p[0] != 0) {
        double u = GELU_K * (x + GELU_C * x * x * x);
        double du = GELU_K * (1 + 3 * GELU_C * x * x);
        double s = k_sigmoid(2 * u, p), sm = k_sigmoid(-2 * u, p);
        return s + x * 2 * s * sm * du;
    }
    return 0.5 * erfc(-x * GELU_SQRT1_2) + x * GELU_INV_SQRT2PI * exp(-0.5 * x * x);
}

/* ---- piecewise linear --------------------------------------------------- */

/* relu(x) = max(x, 0), NaN kept; relu'(0) = 0. */
static inline double k_relu(double x, const double *p)
{
    (void)p;
    return (x > 0 || x != x) ? x : 0.0;
}

static inline double d_relu(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    return x > 0 ? 1 : 0;
}

static inline double k_leaky_relu(double x, const double *p)
{
    return x > 0 ? x : p[0] * x;
}

/* leaky_relu'(0) = negative_slope. */
static inline double d_leaky_relu(double x, const double *p)
{
    if (x != x) return x;
    return x > 0 ? 1 : p[0];
}

/* prelu with one shared weight: same shape as leaky_relu; prelu'(0) = weight. */
#define k_prelu k_leaky_relu
#define d_prelu d_leaky_relu

/* hardtanh(x) = clamp(x, min_val, max_val); 0 derivative at both bounds. */
static inline double k_hardtanh(double x, const double *p)
{
    if (x != x) return x;
    return x < p[0] ? p[0] : (x > p[1] ? p[1] : x);
}

static inline double d_hardtanh(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] && x < p[1]) ? 1 : 0;
}

static const double relu6_bounds[2] = {0, 6};

static inline double k_relu6(double x, const double *p)
{
    (void)p;
    double r = k_hardtanh(x, relu6_bounds);
    return r == 0 ? 0.0 : r; /* relu6(-0.0) = +0 */
}

static inline double d_relu6(double x, const double *p)
{
    (void)p;
    return d_hardtanh(x, relu6_bounds);
}

/*
 * hardsigmoid(x) = clamp(alpha*x + beta, 0, 1).
 *  At the defaults (alpha exactly 1/6, beta 1/2) this is PyTorch's
 *  relu6(x+3)/6: x+3 is exact near the lower kink (Sterbenz) and the one
 *  division rounds once, so the kinks sit exactly at -3 and 3.
 *  Otherwise fma(alpha, x, beta) rounds alpha*x+beta once.
 *  Derivative alpha inside, 0 where alpha*x+beta is <= 0 or >= 1.
 */
static inline double hardsigmoid_t(double x, const double *p)
{
    if (p[0] == 1.0 / 6 && p[1] == 0.5) return (x + 3) / 6;
    return fma(p[0], x, p[1]);
}

static inline double k_hardsigmoid(double x, const double *p)
{
    if (x != x) return x;
    double t = hardsigmoid_t(x, p);
    return t <= 0 ? 0.0 : (t >= 1 ? 1.0 : t);
}

static inline double d_hardsigmoid(double x, const double *p)
{
    if (x != x) return x;
    double t = hardsigmoid_t(x, p);
    return (t > 0 && t < 1) ? p[0] : 0;
}

/*
 * hardswish(x) = x*relu6(x+3)/6: 0 for x <= -3, x for x >= 3 (so no
 * overflow of x*6 at 1e308), x*(x+3)/6 between.
 * hardswish'(x) = 0 (x <= -3), x/3 + 1/2 (-3 < x < 3), 1 (x >= 3).
 */
static inline double k_hardswish(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0.0;
    if (x >= 3) return x;
    return x * (x + 3) / 6;
}

static inline double d_hardswish(double x, const double *p)
{
    (void)p;
    if (x != x) return x;
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return x / 3 + 0.5;
}

/* softshrink(x) = x - lambd (x > lambd), x + lambd (x < -lambd), 0 else. */
static inline double k_softshrink(double x, const double *p)
{
    if (x != x) return x;
    return x > p[0] ? x - p[0] : (x < -p[0] ? x + p[0] : 0.0);
}

/* 0 at +-lambd, as PyTorch. Shared by softshrink and hardshrink. */
static inline double d_softshrink(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] || x < -p[0]) ? 1 : 0;
}

static inline double k_hardshrink(double x, const double *p)
{
    if (x != x) return x;
    return (x > p[0] || x < -p[0]) ? x : 0.0;
}

#define d_hardshrink d_softshrink

/* threshold(x) = x (x > threshold), value (x <= threshold); written as
 * PyTorch does (x <= th ? value : x) so NaN passes through. */
static inline double k_threshold(double x, const double *p)
{
    return x <= p[0] ? p[1] : x;
}

static inline double d_threshold(double x, const double *p)
{
    if (x != x) return x;
    return x > p[0] ? 1 : 0;
}

static inline double k_identity(double x, const double *p)
{
    (void)p;
    return x;
}

static inline double d_identity(double x, const double *p)
{
    (void)p;
    return x != x ? x : 1;
}

#endif
