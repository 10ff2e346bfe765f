/*
 * refexpr.h - the registry's formula language, evaluated exactly with MPFR.
 *
 * The registry states every activation as plain-text Python expressions over
 * x, the parameter names and the row's constants. The tests parse exactly
 * those strings and evaluate them here as the reference, so the docs and the
 * reference cannot drift apart.
 *
 * Semantics: the exact real-number value of the expression. Decimal literals
 * are exact decimals (0.044715 is 44715/10^6, not the nearest double);
 * parameters and constants are the double values the caller bound, except
 * that a REAL parameter equal to its default with a def_text ("1/6") means
 * the exact def_text value. Comparisons are decided exactly (rationally when
 * both sides are rational, by interval arithmetic otherwise), so kink
 * conventions ("1 if x > 0 else 0") hold exactly.
 *
 * Evaluation is interval arithmetic at increasing precision (Ziv's strategy):
 * it stops when both ends of the interval round to the same double and the
 * same float and the interval is narrower than 2^-12 ULP of the double, so the
 * results are correctly rounded and the residual is good to measure errors.
 *
 * Grammar (Python precedence): A if C else B, or, and, not, comparisons
 * (< <= > >= == !=, chained), + -, * /, unary -, ** (integer exponent),
 * numbers, names, 'strings', calls exp log log1p expm1 tanh erf erfc sqrt
 * abs min max sigmoid cosh; names pi and inf.
 */
#ifndef TESTS_REFEXPR_H
#define TESTS_REFEXPR_H

#include <mpfr.h>
#include <stddef.h>

#include "activ.h"

typedef struct rx_expr rx_expr;

/* Parse src; NULL on a syntax error (message in err). Free with rx_free. */
rx_expr *rx_parse(const char *src, char *err, size_t errlen);
void rx_free(rx_expr *e);

/* What names mean during one evaluation. */
typedef struct rx_env {
    const activ_fn *fn;         /* parameters and constants of this row (may be NULL) */
    double v[ACTIV_MAX_PARAMS]; /* parameter values in spec order; CHOICE: index */
    /* extra named values (rowwise references, kink points): */
    const char *extra_name[4];
    double extra_val[4];
} rx_env;

/* Bind env to f with the values of p (activ_params). */
void rx_env_init(rx_env *env, const activ_params *p);

/* A correctly rounded result. */
typedef struct rx_value {
    int status;    /* RX_OK, RX_NAN (undefined, e.g. 0/0), RX_FAIL (no convergence/error) */
    double d;      /* exact value rounded to nearest double (+-Inf on overflow) */
    double d_res;  /* (exact - d)/d_ulp (NaN when d is infinite): in ULPs, so
                      subnormal residuals do not underflow */
    double d_ulp;  /* ULP of the exact value in double: 2^(max(e,-1022)-52) */
    float f;       /* exact value rounded to nearest float */
    double f_res;  /* (exact - f)/f_ulp */
    double f_ulp;  /* ULP of the exact value in float: 2^(max(e,-126)-23) */
    int is_bool;   /* the expression was a condition; d is 0 or 1 */
    long prec;     /* precision (bits) at which it converged */
    char err[128]; /* RX_FAIL: why */
} rx_value;

enum { RX_OK = 0, RX_NAN = 1, RX_FAIL = 2 };

/* Evaluate e at x (a double, or an MPFR number for generators). */
void rx_eval(const rx_expr *e, const rx_env *env, double x, rx_value *out);
void rx_eval_mpfr(const rx_expr *e, const rx_env *env, mpfr_srcptr x, rx_value *out);

/* Evaluate at one fixed precision into [lo, hi] (inited by the caller);
 * returns 0 when the interval is valid, -1 when undefined or undecided. */
int rx_eval_interval(const rx_expr *e, const rx_env *env, mpfr_srcptr x, mpfr_prec_t prec,
                     mpfr_t lo, mpfr_t hi);

/* An exact value computed elsewhere (the rowwise references), known to far
 * more bits than a double: its roundings and residuals as above. */
void rx_round(mpfr_srcptr v, rx_value *out);

/* Error of a computed double (float) against the exact value, in ULPs of the
 * exact value. Infinite exact results: 0 when computed is the same infinity,
 * else +Inf. */
double rx_ulp_error(const rx_value *v, double computed);
double rx_ulp_error_f(const rx_value *v, float computed);

/* Widen the MPFR exponent range to its maximum (done once by every entry
 * point; results near 2^(2^62) would otherwise overflow). */
void rx_init(void);

#endif
