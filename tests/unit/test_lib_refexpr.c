/*
 * test_lib_refexpr.c - the reference itself: the formula parser and the MPFR
 * evaluator the accuracy tests trust (tests/common/refexpr.c).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    return check_run(s);
}
