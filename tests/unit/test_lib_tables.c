/*
 * test_lib_tables.c - the constant tables of libactiv's kernels
 * (lib/num/tables.h), recomputed from first principles with MPFR.
 *
 *   test_lib_tables           check that lib/num/tables.h is exactly what this
 *                             generator produces, and that every polynomial
 *                             meets its error target
 *   test_lib_tables --emit    print lib/num/tables.h
 *
 * Tables: 2^(j/128) and log(1/c) in double-double for exp and log; the Mills
 * ratio R(a) = Q(a)/phi(a) of the normal distribution piecewise on [0, 40)
 * for gelu; and, for each derivative whose formula cancels at a root (silu',
 * mish', gelu' of both kinds; silu'', mish'' at both roots, gelu'' of the
 * tanh form), the root x0 in triple-double and a polynomial P with
 * f'(x0 + t) = t*P(t) (f'' likewise) near it, fitted to the registry's own
 * derivative formula of that order, so the derivative keeps its relative
 * accuracy where it crosses zero.
 */
#include <check.h>
#include <math.h>
#include <stdio.h> /* before mpfr.h, for mpfr_fprintf */
#include <mpfr.h>
#include <stdlib.h>
#include <string.h>

#include "activ.h"
#include "checkrun.h"
#include "refexpr.h"

#include "../../lib/num/tables.h"

#define PREC   320

#define NROOTS 8 /* root_specs below */

/* The generated tables, in the shape of lib/num/tables.h. */
typedef struct tables {
    double exp_tab[128][2];
    double ln2n[2];
    double log_tab[256][3];
    double ln2[2];
    double mills[MILLS_N][MILLS_DEG + 4];
    double roots[NROOTS][ROOT_DEG + 7]; /* x0[3], radius, p0h p0l p1h p1l p2.. */
    double max_err[3];                  /* log2 of the worst relative error: mills, roots */
} tables;

/* The roots: the derivative of order `order` of fn (with approximate =
 * choice) has a root in [lo, hi]; the patch covers radius around it and is
 * emitted as k_root_NAME (order 1) or k_root2_NAME (order 2). The even
 * second derivatives (silu'', gelu'' of the tanh form) are evaluated at |x|:
 * only their positive root is needed. */
static const struct {
    const char *fn, *choice, *name;
    int order;
    double lo, hi, radius;
} root_specs[NROOTS] = {{"silu", NULL, "silu", 1, -1.4, -1.1, 0x1p-6},
                        {"mish", NULL, "mish", 1, -1.4, -1.0, 0x1p-6},
                        {"gelu", "none", "gelu", 1, -0.9, -0.6, 0x1p-3},
                        {"gelu", "tanh", "gelu_tanh", 1, -0.9, -0.6, 0x1p-6},
                        {"silu", NULL, "silu", 2, 2.3, 2.5, 0x1p-6},
                        {"mish", NULL, "mish_neg", 2, -2.35, -2.15, 0x1p-6},
                        {"mish", NULL, "mish_pos", 2, 1.4, 1.6, 0x1p-6},
                        {"gelu", "tanh", "gelu_tanh", 2, 1.3, 1.5, 0x1p-6}};

/* hi and lo of an MPFR number: hi = RN(v), lo = RN(v - hi). */
static void split2(mpfr_srcptr v, double out[2])
{
    mpfr_t t;
    mpfr_init2(t, PREC);
    out[0] = mpfr_get_d(v, MPFR_RNDN);
    mpfr_sub_d(t, v, out[0], MPFR_RNDN);
    out[1] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
}

/* v rounded to `bits` significant bits (so products with small integers are exact) */
static void split_bits(mpfr_srcptr v, int bits, double out[2])
{
    mpfr_t t;
    mpfr_init2(t, bits);
    mpfr_set(t, v, MPFR_RNDN);
    out[0] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_set_prec(t, PREC);
    mpfr_sub_d(t, v, out[0], MPFR_RNDN);
    out[1] = mpfr_get_d(t, MPFR_RNDN);
    mpfr_clear(t);
}

static void gen_exp_log(tables *T)
{
    mpfr_t v, c;
    mpfr_inits2(PREC, v, c, (mpfr_ptr)0);
    for (int j = 0; j < 128; j++) {
        mpfr_set_si(v, j, MPFR_RNDN);
        mpfr_div_ui(v, v, 128, MPFR_RNDN);
        mpfr_exp2(v, v, MPFR_RNDN);
        split2(v, T->exp_tab[j]);
    }
    mpfr_const_log2(v, MPFR_RNDN);
    split_bits(v, 42, T->ln2); /* e*ln2_hi exact for |e| < 2^11 */
    mpfr_div_ui(v, v, 128, MPFR_RNDN);
    split_bits(v, 34, T->ln2n); /* k*hi exact for |k| < 2^19 */
    for (int i = 0; i < 256; i++) {
        double invc = 1;
        if (i > 0) {
            mpfr_set_d(c, 1 + (i + 0.5) / 256, MPFR_RNDN);
            mpfr_ui_div(c, 1, c, MPFR_RNDN);
            invc = mpfr_get_d(c, MPFR_RNDN);
        }
        mpfr_set_d(v, invc, MPFR_RNDN);
        mpfr_log(v, v, MPFR_RNDN);
        mpfr_neg(v, v, MPFR_RNDN);
        T->log_tab[i][0] = invc;
        split2(v, &T->log_tab[i][1]);
    }
    mpfr_clears(v, c, (mpfr_ptr)0);
}

/* ---- polynomial fits ---------------------------------------------------------- */

typedef void (*real_fn)(mpfr_ptr y, mpfr_srcptr t, const void *ctx);

/* Coefficients c[0..deg] of the polynomial in t interpolating f at the
 * Chebyshev nodes of [a, b] (near-minimax), by Gaussian elimination. */
static void fit(real_fn f, const void *ctx, double a, double b, int deg, mpfr_t *c)
{
    int n = deg + 1;
    mpfr_t *m = malloc(sizeof(mpfr_t) * (size_t)(n * (n + 1))), t, y, pi;
    mpfr_inits2(PREC, t, y, pi, (mpfr_ptr)0);
    mpfr_const_pi(pi, MPFR_RNDN);
    for (int i = 0; i < n; i++) {
        /* t_i = (a+b)/2 + (b-a)/2 * cos((2i+1) pi / 2n) */
        mpfr_mul_ui(t, pi, (unsigned)(2 * i + 1), MPFR_RNDN);
        mpfr_div_ui(t, t, (unsigned)(2 * n), MPFR_RNDN);
        mpfr_cos(t, t, MPFR_RNDN);
        mpfr_mul_d(t, t, (b - a) / 2, MPFR_RNDN);
        mpfr_add_d(t, t, (a + b) / 2, MPFR_RNDN);
        f(y, t, ctx);
        for (int j = 0; j <= n; j++) mpfr_init2(m[i * (n + 1) + j], PREC);
        mpfr_set_ui(m[i * (n + 1)], 1, MPFR_RNDN);
        for (int j = 1; j < n; j++)
            mpfr_mul(m[i * (n + 1) + j], m[i * (n + 1) + j - 1], t, MPFR_RNDN);
        mpfr_set(m[i * (n + 1) + n], y, MPFR_RNDN);
    }
    for (int col = 0; col < n; col++) { /* elimination with partial pivoting */
        int piv = col;
        for (int r = col + 1; r < n; r++)
            if (mpfr_cmpabs(m[r * (n + 1) + col], m[piv * (n + 1) + col]) > 0) piv = r;
        for (int j = 0; j <= n; j++) mpfr_swap(m[col * (n + 1) + j], m[piv * (n + 1) + j]);
        for (int r = 0; r < n; r++) {
            if (r == col) continue;
            mpfr_div(t, m[r * (n + 1) + col], m[col * (n + 1) + col], MPFR_RNDN);
            for (int j = col; j <= n; j++) {
                mpfr_mul(y, t, m[col * (n + 1) + j], MPFR_RNDN);
                mpfr_sub(m[r * (n + 1) + j], m[r * (n + 1) + j], y, MPFR_RNDN);
            }
        }
    }
    for (int i = 0; i < n; i++) mpfr_div(c[i], m[i * (n + 1) + n], m[i * (n + 1) + i], MPFR_RNDN);
    for (int i = 0; i < n * (n + 1); i++) mpfr_clear(m[i]);
    free(m);
    mpfr_clears(t, y, pi, (mpfr_ptr)0);
}

/* Round the coefficients the way the kernels store them: the first ndd as
 * double-doubles (hi, lo), the rest as doubles. */
static void store(mpfr_t *c, int deg, int ndd, double *out)
{
    for (int i = 0; i < ndd; i++) split2(c[i], out + 2 * i);
    for (int i = ndd; i <= deg; i++) out[i + ndd] = mpfr_get_d(c[i], MPFR_RNDN);
}

/* log2 of the largest relative error of the stored polynomial (evaluated
 * exactly) against f on [a, b], sampled. scale_t: compare t*P(t) with f*t. */
static double fit_error(real_fn f, const void *ctx, double a, double b, int deg, int ndd,
                        const double *s)
{
    mpfr_t t, y, p, q;
    mpfr_inits2(PREC, t, y, p, q, (mpfr_ptr)0);
    double worst = -1000;
    for (int i = 0; i <= 24; i++) {
        mpfr_set_d(t, a + (b - a) * (i + 0.37 * (i % 3)) / 25.0, MPFR_RNDN);
        f(y, t, ctx);
        mpfr_set_d(p, s[deg + ndd], MPFR_RNDN);
        for (int k = deg - 1; k >= 0; k--) {
            mpfr_mul(p, p, t, MPFR_RNDN);
            mpfr_add_d(p, p, k >= ndd ? s[k + ndd] : s[2 * k], MPFR_RNDN);
            if (k < ndd) mpfr_add_d(p, p, s[2 * k + 1], MPFR_RNDN);
        }
        mpfr_sub(q, p, y, MPFR_RNDN);
        mpfr_div(q, q, y, MPFR_RNDN);
        double e = log2(fabs(mpfr_get_d(q, MPFR_RNDN)));
        if (e > worst) worst = e;
    }
    mpfr_clears(t, y, p, q, (mpfr_ptr)0);
    return worst;
}

/* ---- the Mills ratio R(a) = Q(a)/phi(a) = sqrt(pi/2)*erfc(a/sqrt 2)*exp(a^2/2) ---- */

static void mills(mpfr_ptr y, mpfr_srcptr t, const void *ctx)
{
    double left = *(const double *)ctx;
    mpfr_t a, u;
    mpfr_inits2(PREC, a, u, (mpfr_ptr)0);
    mpfr_add_d(a, t, left, MPFR_RNDN);
    mpfr_sqr(u, a, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_exp(u, u, MPFR_RNDN);
    mpfr_sqrt_ui(y, 2, MPFR_RNDN);
    mpfr_div(y, a, y, MPFR_RNDN);
    mpfr_erfc(y, y, MPFR_RNDN);
    mpfr_mul(y, y, u, MPFR_RNDN);
    mpfr_const_pi(u, MPFR_RNDN);
    mpfr_div_2ui(u, u, 1, MPFR_RNDN);
    mpfr_sqrt(u, u, MPFR_RNDN);
    mpfr_mul(y, y, u, MPFR_RNDN);
    mpfr_clears(a, u, (mpfr_ptr)0);
}

static void gen_mills(tables *T)
{
    mpfr_t c[MILLS_DEG + 1];
    for (int i = 0; i <= MILLS_DEG; i++) mpfr_init2(c[i], PREC);
    T->max_err[0] = -1000;
    for (int i = 0; i < MILLS_N; i++) {
        double left = (double)i / MILLS_STEP, w = 1.0 / MILLS_STEP;
        fit(mills, &left, 0, w, MILLS_DEG, c);
        store(c, MILLS_DEG, 3, T->mills[i]);
        double e = fit_error(mills, &left, 0, w, MILLS_DEG, 3, T->mills[i]);
        if (e > T->max_err[0]) T->max_err[0] = e;
    }
    for (int i = 0; i <= MILLS_DEG; i++) mpfr_clear(c[i]);
}

/* ---- roots of derivatives -------------------------------------------------------- */

typedef struct root_ctx {
    rx_expr *deriv;
    rx_env env;
    mpfr_t x0;
} root_ctx;

/* The derivative at high precision (the interval midpoint; PREC bits are
 * plenty). */
static void deriv_at(mpfr_ptr y, mpfr_srcptr x, const root_ctx *rc)
{
    mpfr_t lo, hi;
    mpfr_inits2(PREC, lo, hi, (mpfr_ptr)0);
    if (rx_eval_interval(rc->deriv, &rc->env, x, PREC, lo, hi) != 0) {
        mpfr_fprintf(stderr, "derivative undefined at %Rg\n", x);
        abort();
    }
    mpfr_add(y, lo, hi, MPFR_RNDN);
    mpfr_div_2ui(y, y, 1, MPFR_RNDN);
    mpfr_clears(lo, hi, (mpfr_ptr)0);
}

/* P(t) = f'(x0 + t)/t (f'' likewise) */
static void root_quotient(mpfr_ptr y, mpfr_srcptr t, const void *ctx)
{
    const root_ctx *rc = ctx;
    mpfr_t x;
    mpfr_init2(x, PREC);
    mpfr_add(x, rc->x0, t, MPFR_RNDN);
    deriv_at(y, x, rc);
    mpfr_div(y, y, t, MPFR_RNDN);
    mpfr_clear(x);
}

static void find_root(root_ctx *rc, double lo, double hi)
{
    mpfr_t a, b, m, y;
    mpfr_inits2(PREC, a, b, m, y, (mpfr_ptr)0);
    mpfr_set_d(a, lo, MPFR_RNDN);
    mpfr_set_d(b, hi, MPFR_RNDN);
    deriv_at(y, a, rc);
    int sa = mpfr_sgn(y);
    deriv_at(y, b, rc);
    if (sa * mpfr_sgn(y) >= 0) {
        fprintf(stderr, "no sign change in [%g, %g]\n", lo, hi);
        abort();
    }
    for (int i = 0; i < 60; i++) { /* bisection to 2^-60, then secant steps */
        mpfr_add(m, a, b, MPFR_RNDN);
        mpfr_div_2ui(m, m, 1, MPFR_RNDN);
        deriv_at(y, m, rc);
        if (mpfr_sgn(y) == sa)
            mpfr_set(a, m, MPFR_RNDN);
        else
            mpfr_set(b, m, MPFR_RNDN);
    }
    mpfr_t ya, yb;
    mpfr_inits2(PREC, ya, yb, (mpfr_ptr)0);
    deriv_at(ya, a, rc);
    deriv_at(yb, b, rc);
    for (int i = 0; i < 12 && !mpfr_equal_p(a, b) && !mpfr_equal_p(ya, yb); i++) {
        /* m = b - yb*(b - a)/(yb - ya) */
        mpfr_sub(m, b, a, MPFR_RNDN);
        mpfr_sub(y, yb, ya, MPFR_RNDN);
        mpfr_div(m, m, y, MPFR_RNDN);
        mpfr_mul(m, m, yb, MPFR_RNDN);
        mpfr_sub(m, b, m, MPFR_RNDN);
        mpfr_swap(a, b);
        mpfr_swap(ya, yb);
        mpfr_set(b, m, MPFR_RNDN);
        deriv_at(yb, b, rc);
    }
    mpfr_set(rc->x0, b, MPFR_RNDN);
    mpfr_clears(a, b, m, y, ya, yb, (mpfr_ptr)0);
}

static void gen_root(tables *T, int k)
{
    root_ctx rc;
    char err[128];
    const activ_fn *f = activ_find(root_specs[k].fn);
    activ_params p;
    activ_params_init(&p, f);
    if (root_specs[k].choice)
        activ_params_set_choice(&p, "approximate", 11, root_specs[k].choice,
                                strlen(root_specs[k].choice));
    rx_env_init(&rc.env, &p);
    activ_text text = root_specs[k].order == 2 ? ACTIV_TEXT_DERIVATIVE2 : ACTIV_TEXT_DERIVATIVE;
    rc.deriv = rx_parse(activ_text_of(f, text), err, sizeof err);
    if (!rc.deriv) {
        fprintf(stderr, "%s: %s\n", root_specs[k].fn, err);
        abort();
    }
    mpfr_init2(rc.x0, PREC);
    find_root(&rc, root_specs[k].lo, root_specs[k].hi);
    double *out = T->roots[k], r = root_specs[k].radius;
    mpfr_t t, c[ROOT_DEG + 1];
    mpfr_init2(t, PREC);
    split2(rc.x0, out);
    mpfr_sub_d(t, rc.x0, out[0], MPFR_RNDN);
    mpfr_sub_d(t, t, out[1], MPFR_RNDN);
    out[2] = mpfr_get_d(t, MPFR_RNDN);
    out[3] = r;
    for (int i = 0; i <= ROOT_DEG; i++) mpfr_init2(c[i], PREC);
    fit(root_quotient, &rc, -r, r, ROOT_DEG, c);
    store(c, ROOT_DEG, 2, out + 4);
    double e = fit_error(root_quotient, &rc, -r, r, ROOT_DEG, 2, out + 4);
    if (getenv("TABLES_VERBOSE")) {
        mpfr_fprintf(stderr, "%s (order %d): x0 = %.30Rg, fit 2^%.1f\n", root_specs[k].name,
                     root_specs[k].order, rc.x0, e);
    }
    if (e > T->max_err[1]) T->max_err[1] = e;
    for (int i = 0; i <= ROOT_DEG; i++) mpfr_clear(c[i]);
    mpfr_clears(t, rc.x0, (mpfr_ptr)0);
    rx_free(rc.deriv);
}

static void generate(tables *T)
{
    rx_init();
    memset(T, 0, sizeof *T);
    gen_exp_log(T);
    gen_mills(T);
    T->max_err[1] = -1000;
    for (int k = 0; k < NROOTS; k++) gen_root(T, k);
}

/* ---- emit ------------------------------------------------------------------------- */

static void emit_row(const double *v, int n)
{
    printf("    {");
    for (int i = 0; i < n; i++) printf("%s%a", i ? ", " : "", v[i]);
    printf("},\n");
}

static void emit(const tables *T)
{
    printf("/*\n * num/tables.h - constant tables of the kernels (internal). GENERATED by\n"
           " * `build/tests/unit/test_lib_tables --emit` from MPFR; do not edit. The\n"
           " * unit test recomputes every entry and fails if this file differs.\n */\n"
           "#ifndef ACTIV_NUM_TABLES_H\n#define ACTIV_NUM_TABLES_H\n\n/* clang-format off */\n");
    printf("/* ln2 with 42 significant bits + rest; ln2/128 with 34 + rest */\n");
    printf("#define K_LN2_HI %a\n#define K_LN2_LO %a\n", T->ln2[0], T->ln2[1]);
    printf("#define K_LN2N_HI %a\n#define K_LN2N_LO %a\n\n", T->ln2n[0], T->ln2n[1]);
    printf("/* 2^(j/128) = hi + lo */\nstatic const double k_exp_tab[128][2] = {\n");
    for (int j = 0; j < 128; j++) emit_row(T->exp_tab[j], 2);
    printf("};\n\n/* m in [1 + i/256, 1 + (i+1)/256): invc ~ 1/m, -log(invc) = hi + lo */\n");
    printf("static const double k_log_tab[256][3] = {\n");
    for (int i = 0; i < 256; i++) emit_row(T->log_tab[i], 3);
    printf("};\n\n/* Mills ratio R(a) on [i/%d, (i+1)/%d): polynomial in t = a - i/%d;\n"
           " * c0 hi lo, c1 hi lo, c2 hi lo, c3 .. c%d */\n",
           MILLS_STEP, MILLS_STEP, MILLS_STEP, MILLS_DEG);
    printf("#define MILLS_STEP %d\n#define MILLS_N %d\n#define MILLS_DEG %d\n", MILLS_STEP, MILLS_N,
           MILLS_DEG);
    printf("static const double k_mills_tab[MILLS_N][MILLS_DEG + 4] = {\n");
    for (int i = 0; i < MILLS_N; i++) emit_row(T->mills[i], MILLS_DEG + 4);
    printf("};\n\n/* Roots of f': x0 = x0[0] + x0[1] + x0[2]; for |x - x0| < radius,\n"
           " * f'(x) = t*P(t), t = x - x0, P: c0 hi lo, c1 hi lo, c2 .. c%d */\n",
           ROOT_DEG);
    printf("#define ROOT_DEG %d\n", ROOT_DEG);
    printf("struct k_root {\n    double x0[3], radius, c[ROOT_DEG + 3];\n};\n");
    for (int k = 0; k < NROOTS; k++) {
        const double *r = T->roots[k];
        if (k > 0 && root_specs[k].order != root_specs[k - 1].order)
            printf("/* Roots of f'': the same form, f''(x) = t*P(t) */\n");
        printf("static const struct k_root k_root%s_%s = {{%a, %a, %a}, %a, {\n",
               root_specs[k].order == 2 ? "2" : "", root_specs[k].name, r[0], r[1], r[2], r[3]);
        for (int i = 0; i < ROOT_DEG + 3; i++) printf("%s%a", i ? ", " : "    ", r[4 + i]);
        printf("}};\n");
    }
    printf("/* clang-format on */\n\n#endif\n");
}

/* ---- check ------------------------------------------------------------------------- */

static tables generated;

static int same(const double *a, const double *b, size_t n)
{
    return memcmp(a, b, n * sizeof *a) == 0;
}

START_TEST(tables_match_generator)
{
    ck_assert_msg(same(&generated.exp_tab[0][0], &k_exp_tab[0][0], 256), "k_exp_tab is stale");
    ck_assert_msg(same(&generated.log_tab[0][0], &k_log_tab[0][0], 768), "k_log_tab is stale");
    ck_assert(generated.ln2[0] == K_LN2_HI && generated.ln2[1] == K_LN2_LO);
    ck_assert(generated.ln2n[0] == K_LN2N_HI && generated.ln2n[1] == K_LN2N_LO);
    ck_assert_msg(same(&generated.mills[0][0], &k_mills_tab[0][0], MILLS_N * (MILLS_DEG + 4)),
                  "k_mills_tab is stale");
    const struct k_root *roots[NROOTS] = {&k_root_silu,      &k_root_mish,      &k_root_gelu,
                                          &k_root_gelu_tanh, &k_root2_silu,     &k_root2_mish_neg,
                                          &k_root2_mish_pos, &k_root2_gelu_tanh};
    for (int k = 0; k < NROOTS; k++)
        ck_assert_msg(same(generated.roots[k], roots[k]->x0, ROOT_DEG + 7),
                      "root %s (order %d) is stale", root_specs[k].name, root_specs[k].order);
}
END_TEST

START_TEST(polynomials_meet_target)
{
    /* relative error of the stored polynomials, rounding of coefficients
     * included: far below the kernels' half-ULP budget */
    ck_assert_msg(generated.max_err[0] < -60, "Mills ratio fit: 2^%.1f", generated.max_err[0]);
    ck_assert_msg(generated.max_err[1] < -62, "root fits: 2^%.1f", generated.max_err[1]);
}
END_TEST

int main(int argc, char **argv)
{
    generate(&generated);
    if (argc > 1 && !strcmp(argv[1], "--emit")) {
        emit(&generated);
        fprintf(stderr, "fit errors: mills 2^%.1f, roots 2^%.1f\n", generated.max_err[0],
                generated.max_err[1]);
        return 0;
    }
    Suite *s = suite_create("libactiv tables");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, tables_match_generator);
    tcase_add_test(tc, polynomials_meet_target);
    suite_add_tcase(s, tc);
    return check_run(s);
}
