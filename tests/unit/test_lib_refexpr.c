/*
 * test_lib_refexpr.c - the reference itself: the formula parser and the MPFR
 * evaluator the accuracy tests trust (tests/common/refexpr.c), and the
 * registry's second-derivative strings, which that test takes as the truth:
 * each row's f'' must be the derivative of its own f' string.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "actgrid.h"
#include "activ.h"
#include "checkrun.h"
#include "refexpr.h"

static rx_env empty;

static rx_value eval_at(const char *src, const rx_env *env, double x)
{
    char err[128];
    rx_expr *e = rx_parse(src, err, sizeof err);
    ck_assert_msg(e != NULL, "%s: %s", src, err);
    rx_value v;
    rx_eval(e, env, x, &v);
    rx_free(e);
    return v;
}

static double d_of(const char *src, double x)
{
    rx_value v = eval_at(src, &empty, x);
    ck_assert_msg(v.status == RX_OK, "%s: status %d %s", src, v.status, v.err);
    return v.d;
}

START_TEST(syntax_errors)
{
    static const char *const bad[] = {"1 +",    "foo(1)", "x < 1 < 2", "'abc", "(1",       "1 if x",
                                      "max(1)", "1 2",    "1e",        ")",    "exp(1, 2)"};
    char err[128];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rx_expr *e = rx_parse(bad[i], err, sizeof err);
        ck_assert_msg(e == NULL, "\"%s\" parsed", bad[i]);
        ck_assert(err[0] != 0);
    }
}
END_TEST

START_TEST(correct_rounding)
{
    ck_assert(d_of("1/3", 0) == 1.0 / 3);
    ck_assert(d_of("exp(1)", 0) == M_E);
    ck_assert(d_of("sqrt(2)", 0) == M_SQRT2);
    ck_assert(d_of("log(2)", 0) == M_LN2);
    ck_assert(d_of("pi", 0) == M_PI);
    ck_assert(d_of("0.1", 0) == 0.1); /* the decimal, rounded once */
    ck_assert(d_of("2**10", 0) == 1024);
    ck_assert(d_of("-x**2", 3) == -9); /* ** binds tighter than unary minus */
    ck_assert(d_of("min(1, 2) + max(3, 4) + abs(-2.5)", 0) == 7.5);
    ck_assert(d_of("sigmoid(0) + tanh(0) + erf(0) + erfc(0) + expm1(0) + log1p(0)", 0) == 1.5);
    ck_assert(d_of("1/cosh(0)**2", 0) == 1);
    /* subnormals: 0.75 ULP rounds up, exact ties go to even */
    ck_assert(d_of("3/2**1076", 0) == 0x1p-1074);
    ck_assert(d_of("1/2**1075", 0) == 0);
    ck_assert(d_of("3/2**1075", 0) == 0x1p-1073);
    ck_assert(d_of("2**1024", 0) == INFINITY);
    rx_value v = eval_at("1/3", &empty, 0);
    ck_assert(v.f == 1.0f / 3);
    /* an exact float tie ((x+3)/6 with x = -0.5 + 2^-25) converges, to even */
    v = eval_at("(x + 3)/6", &empty, -0x1.fffffep-2);
    ck_assert_int_eq(v.status, RX_OK);
    ck_assert(v.f == 0x1.aaaaacp-2f);
    /* x - tanh(x) = x^3/3 at 1e-300 cancels 2000 bits: the loop must go there */
    v = eval_at("(x - tanh(x))/x**3", &empty, 1e-300);
    ck_assert_int_eq(v.status, RX_OK);
    ck_assert(v.d == 1.0 / 3 && v.prec >= 2048);
    ck_assert(d_of("x*exp(-x**2/2)", -38) < 0);
}
END_TEST

START_TEST(conditions_are_exact)
{
    ck_assert(d_of("1 if x > 0 else 0", 0) == 0);
    ck_assert(d_of("1 if x > 0 else 0", 0x1p-1074) == 1);
    ck_assert(d_of("1 if x/6 + 1/2 > 0 else 0", -3) == 0); /* 1/6 inexact in binary */
    ck_assert(d_of("1 if x/6 + 1/2 > 0 else 0", nextafter(-3, 0)) == 1);
    ck_assert(d_of("1 if not x > 0 and x == 0 or x > 5 else 2", 0) == 1);
    ck_assert(d_of("1 if x != 0 else 2", 0) == 2);
    ck_assert(d_of("1 if 'a' == 'a' else 2", 0) == 1);
    ck_assert(d_of("x if x >= 1 else (2 if x <= -1 else 3)", -1) == 2);
}
END_TEST

START_TEST(names_and_defaults)
{
    const activ_fn *hs = activ_find("hardsigmoid");
    activ_params p;
    rx_env env;
    activ_params_init(&p, hs);
    rx_env_init(&env, &p);
    /* alpha at its default means def_text's exact 1/6 */
    ck_assert_int_eq(eval_at("alpha*6 - 1", &env, 0).status, RX_OK);
    ck_assert(eval_at("alpha*6 - 1", &env, 0).d == 0);
    ck_assert(eval_at("alpha", &env, 0).d == 1.0 / 6);
    activ_params_set(&p, "alpha", 5, 0.2);
    rx_env_init(&env, &p);
    ck_assert(eval_at("alpha*5 - 1", &env, 0).d == 0x1p-54); /* the double 0.2, not 1/5 */
    const activ_fn *gelu = activ_find("gelu");
    activ_params_init(&p, gelu);
    rx_env_init(&env, &p);
    ck_assert(eval_at("1 if approximate == 'none' else 0", &env, 0).d == 1);
    activ_params_set_choice(&p, "approximate", 11, "tanh", 4);
    rx_env_init(&env, &p);
    ck_assert(eval_at("1 if approximate == 'none' else 0", &env, 0).d == 0);
    activ_params_init(&p, activ_find("selu"));
    rx_env_init(&env, &p);
    ck_assert(eval_at("scale", &env, 0).d == 1.0507009873554804934193349852946);
    ck_assert_int_eq(eval_at("nosuchname", &env, 0).status, RX_NAN);
}
END_TEST

START_TEST(undefined_and_errors)
{
    ck_assert_int_eq(eval_at("log(-1)", &empty, 0).status, RX_NAN);
    ck_assert_int_eq(eval_at("1/x", &empty, 0).status, RX_NAN);
    ck_assert_int_eq(eval_at("sqrt(x)", &empty, -1).status, RX_NAN);
    rx_value v = eval_at("1/3", &empty, 0);
    ck_assert(fabs(rx_ulp_error(&v, 1.0 / 3)) < 0.34);
    ck_assert(fabs(rx_ulp_error(&v, nextafter(1.0 / 3, 1)) - 1) < 0.34);
    ck_assert(isinf(rx_ulp_error(&v, NAN)));
    ck_assert(rx_ulp_error_f(&v, 1.0f / 3) < 0.34);
}
END_TEST

/* ---- f'' against a second difference of f' --------------------------------- */

/* The derivative e at x at a fixed precision (the interval's midpoint);
 * 0 when undefined or undecided. */
static int mid_at(const rx_expr *e, const rx_env *env, mpfr_srcptr x, mpfr_prec_t prec,
                  mpfr_ptr out)
{
    mpfr_t lo, hi;
    mpfr_inits2(prec, lo, hi, (mpfr_ptr)0);
    int r = rx_eval_interval(e, env, x, prec, lo, hi);
    mpfr_add(out, lo, hi, MPFR_RNDN);
    mpfr_div_2ui(out, out, 1, MPFR_RNDN);
    mpfr_clears(lo, hi, (mpfr_ptr)0);
    return r == 0;
}

/* The precision for the difference at x, h = 2^-70 |x|: f'(x +- h) agree to
 * about log2|f'/(h f'')| bits, which the difference cancels; 256 more are
 * kept. 0 (skip the point) beyond RX2_MAX_PREC (only gelu's right tail, where
 * f' = 1 - phi*(...) and f'' is below 2^-3700 of it, needs more: there
 * each point costs more than all the others), or where f'' lies at the
 * bottom of MPFR's exponent range (e^(x/alpha), alpha = 1e-300: bounds,
 * not values). */
#define RX2_MAX_PREC 4096
static mpfr_prec_t diff_prec(const rx_expr *d, const rx_expr *d2, const rx_env *env, double xd)
{
    mpfr_t x, f1, f2;
    mpfr_inits2(256, x, f1, f2, (mpfr_ptr)0);
    mpfr_set_d(x, xd, MPFR_RNDN);
    long bits = 0;
    int ok = mid_at(d, env, x, 256, f1) && mid_at(d2, env, x, 256, f2);
    if (ok && !mpfr_zero_p(f1) && !mpfr_zero_p(f2))
        bits = (long)mpfr_get_exp(f1) - (long)mpfr_get_exp(f2) - ilogb(xd) + 72;
    int bottom = ok && !mpfr_zero_p(f2) && mpfr_get_exp(f2) < mpfr_get_emin() + (1L << 20);
    mpfr_clears(x, f1, f2, (mpfr_ptr)0);
    if (!ok || bottom) return 0;
    bits = (bits < 0 ? 0 : bits) + 256;
    return bits > RX2_MAX_PREC ? 0 : (mpfr_prec_t)bits;
}

/* Distance from x to the nearest kink of f or f' (their exact values). */
static double kink_distance(const activ_fn *f, const rx_env *env, double x)
{
    double best = INFINITY;
    for (int order = 1; order <= 2; order++) {
        for (size_t i = 0; i < activ_kink_count_order(f, order); i++) {
            char err[128];
            rx_expr *at = rx_parse(activ_kink_at_order(f, order, i)->at, err, sizeof err);
            ck_assert_msg(at != NULL, "%s: kink: %s", activ_name(f), err);
            rx_value v;
            rx_eval(at, env, 0, &v);
            if (v.status == RX_OK && fabs(x - v.d) < best) best = fabs(x - v.d);
            rx_free(at);
        }
    }
    return best;
}

/* |(f'(x+h) - f'(x-h))/2h - f''(x)| / |f''(x)| at prec bits; -1 if the
 * reference is undecided at a point. */
static double second_difference(const rx_expr *d, const rx_expr *d2, const rx_env *env, double xd,
                                mpfr_prec_t prec)
{
    mpfr_t x, h, xp, xm, fp, fm, ref;
    mpfr_inits2(prec, x, h, xp, xm, fp, fm, ref, (mpfr_ptr)0);
    mpfr_set_d(x, xd, MPFR_RNDN);
    mpfr_set_d(h, fabs(xd), MPFR_RNDN);
    mpfr_div_2ui(h, h, 70, MPFR_RNDN);
    mpfr_add(xp, x, h, MPFR_RNDN);
    mpfr_sub(xm, x, h, MPFR_RNDN);
    double rel = -1;
    if (mid_at(d, env, xp, prec, fp) && mid_at(d, env, xm, prec, fm) &&
        mid_at(d2, env, x, prec, ref)) {
        mpfr_sub(fp, fp, fm, MPFR_RNDN);
        mpfr_div(fp, fp, h, MPFR_RNDN);
        mpfr_div_2ui(fp, fp, 1, MPFR_RNDN);
        mpfr_sub(fp, fp, ref, MPFR_RNDN);
        if (mpfr_zero_p(ref)) /* the ratio in MPFR: the tails are far below DBL_MIN */
            rel = mpfr_zero_p(fp) ? 0 : INFINITY;
        else if (mpfr_zero_p(fp))
            rel = 0;
        else
            mpfr_div(fp, fp, ref, MPFR_RNDN), rel = fabs(mpfr_get_d(fp, MPFR_RNDN));
    }
    mpfr_clears(x, h, xp, xm, fp, fm, ref, (mpfr_ptr)0);
    return rel;
}

/* Every elementwise row, for its default and generated parameters: at 400
 * points over [-60, 60] and at special magnitudes (tiny, the roots of the
 * derivatives, the exponent tails), away from the kinks, f'' equals the
 * central second difference of f' (h = 2^-70 |x|, so its own error is
 * about 2^-140) to 2^-50. A wrong term of f'' is off by O(1). */
START_TEST(derivative2_is_the_derivative_of_derivative)
{
    const activ_fn *f = activ_at((size_t)_i);
    if (activ_kind_of(f) != ACTIV_ELEMENTWISE) return;
    static const double extra[] = {1e-300, 3e-200, 1e-30,  1e-10, 1e-5, 0.01,  0.3, 1.4185,
                                   1.4906, 2.2564, 2.3994, 100,   300,  699.5, 701};
    char err[128];
    rx_expr *d = rx_parse(activ_text_of(f, ACTIV_TEXT_DERIVATIVE), err, sizeof err);
    rx_expr *d2 = rx_parse(activ_text_of(f, ACTIV_TEXT_DERIVATIVE2), err, sizeof err);
    ck_assert_msg(d && d2, "%s: %s", activ_name(f), err);
    activ_params sets[4];
    size_t nsets = ag_param_sets(f, sets, 4), checked = 0;
    for (size_t k = 0; k < nsets; k++) {
        rx_env env;
        rx_env_init(&env, &sets[k]);
        ag_list xs = {0};
        for (int i = 0; i < 400; i++) ag_push(&xs, -60 + 120 * (i + 0.3819660112501051) / 400);
        for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
            ag_push(&xs, extra[i]), ag_push(&xs, -extra[i]);
        for (size_t i = 0; i < xs.n; i++) {
            double x = xs.v[i];
            mpfr_prec_t prec = diff_prec(d, d2, &env, x);
            if (prec == 0 || kink_distance(f, &env, x) <= ldexp(fabs(x), -67)) continue;
            double rel = second_difference(d, d2, &env, x, prec);
            ck_assert_msg(rel >= 0 && rel <= 0x1p-50,
                          "%s (parameter set %zu) x=%a: f'' and the second difference of f' "
                          "differ by %g",
                          activ_name(f), k, x, rel);
            checked++;
        }
        ag_free(&xs);
    }
    ck_assert_uint_gt(checked, 400); /* the check ran */
    rx_free(d);
    rx_free(d2);
}
END_TEST

int main(void)
{
    rx_init();
    Suite *s = suite_create("libactiv reference");
    TCase *tc = tcase_create("refexpr");
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, correct_rounding);
    tcase_add_test(tc, conditions_are_exact);
    tcase_add_test(tc, names_and_defaults);
    tcase_add_test(tc, undefined_and_errors);
    suite_add_tcase(s, tc);
    TCase *t2 = tcase_create("registry");
    tcase_set_timeout(t2, 120);
    tcase_add_loop_test(t2, derivative2_is_the_derivative_of_derivative, 0, (int)activ_count());
    suite_add_tcase(s, t2);
    return check_run(s);
}
