/*
 * refexpr.c - parser and exact (MPFR interval) evaluator of the registry's
 * formula language. See refexpr.h for the semantics.
 */
#include "refexpr.h"

#include <ctype.h>
#include <float.h>
#include <gmp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- syntax tree ---------------------------------------------------------- */

enum rx_op {
    OP_NUM,
    OP_NAME,
    OP_STR,
    OP_NEG,
    OP_NOT,
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_DIV,
    OP_POW,
    OP_LT,
    OP_LE,
    OP_GT,
    OP_GE,
    OP_EQ,
    OP_NE,
    OP_AND,
    OP_OR,
    OP_IF,
    OP_CALL
};

enum rx_fn {
    F_EXP,
    F_LOG,
    F_LOG1P,
    F_EXPM1,
    F_TANH,
    F_ERF,
    F_ERFC,
    F_SQRT,
    F_ABS,
    F_MIN,
    F_MAX,
    F_SIGMOID,
    F_COSH,
    F_COUNT
};

static const struct {
    const char *name;
    int nargs;
} fn_table[F_COUNT] = {{"exp", 1}, {"log", 1},     {"log1p", 1}, {"expm1", 1}, {"tanh", 1},
                       {"erf", 1}, {"erfc", 1},    {"sqrt", 1},  {"abs", 1},   {"min", 2},
                       {"max", 2}, {"sigmoid", 1}, {"cosh", 1}};

struct rx_expr {
    enum rx_op op;
    char *text;    /* NUM literal, NAME, STR */
    int fn;        /* OP_CALL */
    rx_expr *a[3]; /* operands; OP_IF: then, cond, else */
    int ratsyn;    /* built only of + - * / **, min, max, abs, if: maybe exactly rational */
};

void rx_free(rx_expr *e)
{
    if (!e) return;
    for (int i = 0; i < 3; i++) rx_free(e->a[i]);
    free(e->text);
    free(e);
}

static rx_expr *node(enum rx_op op, rx_expr *a, rx_expr *b, rx_expr *c)
{
    rx_expr *e = calloc(1, sizeof *e);
    if (!e) abort();
    e->op = op;
    e->a[0] = a, e->a[1] = b, e->a[2] = c;
    return e;
}

/* ---- parser: recursive descent over Python's precedence -------------------- */

typedef struct parser {
    const char *s;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *p, const char *what)
{
    if (!p->failed) snprintf(p->err, p->errlen, "%s at \"%.20s\"", what, p->s);
    p->failed = 1;
}

static void skip(parser *p)
{
    while (isspace((unsigned char)*p->s)) p->s++;
}

/* Consume token tok if it is next (keywords must end at a word boundary). */
static int accept(parser *p, const char *tok)
{
    skip(p);
    size_t n = strlen(tok);
    if (strncmp(p->s, tok, n) != 0) return 0;
    if (isalpha((unsigned char)tok[0]) && (isalnum((unsigned char)p->s[n]) || p->s[n] == '_'))
        return 0;
    /* "*" must not eat the first half of "**", "<" not of "<=" */
    if ((!strcmp(tok, "*") && p->s[1] == '*') ||
        ((!strcmp(tok, "<") || !strcmp(tok, ">")) && p->s[1] == '='))
        return 0;
    p->s += n;
    return 1;
}

static rx_expr *parse_test(parser *p);

static char *dup_range(const char *a, const char *b)
{
    char *t = malloc((size_t)(b - a) + 1);
    if (!t) abort();
    memcpy(t, a, (size_t)(b - a));
    t[b - a] = 0;
    return t;
}

static rx_expr *parse_number(parser *p)
{
    const char *a = p->s;
    while (isdigit((unsigned char)*p->s) || *p->s == '.') p->s++;
    if (*p->s == 'e' || *p->s == 'E') {
        p->s++;
        if (*p->s == '+' || *p->s == '-') p->s++;
        if (!isdigit((unsigned char)*p->s)) fail(p, "bad exponent");
        while (isdigit((unsigned char)*p->s)) p->s++;
    }
    rx_expr *e = node(OP_NUM, NULL, NULL, NULL);
    e->text = dup_range(a, p->s);
    return e;
}

static rx_expr *parse_call(parser *p, char *name)
{
    int f = 0;
    while (f < F_COUNT && strcmp(fn_table[f].name, name) != 0) f++;
    free(name);
    if (f == F_COUNT) {
        fail(p, "unknown function");
        return node(OP_NUM, NULL, NULL, NULL);
    }
    rx_expr *e = node(OP_CALL, NULL, NULL, NULL);
    e->fn = f;
    for (int i = 0; i < fn_table[f].nargs; i++) {
        if (i > 0 && !accept(p, ",")) fail(p, "expected ','");
        e->a[i] = parse_test(p);
    }
    if (!accept(p, ")")) fail(p, "expected ')'");
    return e;
}

static rx_expr *parse_atom(parser *p)
{
    skip(p);
    const char *a = p->s;
    if (isdigit((unsigned char)*a) || (*a == '.' && isdigit((unsigned char)a[1])))
        return parse_number(p);
    if (*a == '\'' || *a == '"') {
        const char *b = strchr(a + 1, *a);
        if (!b) {
            fail(p, "unterminated string");
            return node(OP_NUM, NULL, NULL, NULL);
        }
        rx_expr *e = node(OP_STR, NULL, NULL, NULL);
        e->text = dup_range(a + 1, b);
        p->s = b + 1;
        return e;
    }
    if (isalpha((unsigned char)*a) || *a == '_') {
        while (isalnum((unsigned char)*p->s) || *p->s == '_') p->s++;
        char *name = dup_range(a, p->s);
        if (accept(p, "(")) return parse_call(p, name);
        rx_expr *e = node(OP_NAME, NULL, NULL, NULL);
        e->text = name;
        return e;
    }
    if (accept(p, "(")) {
        rx_expr *e = parse_test(p);
        if (!accept(p, ")")) fail(p, "expected ')'");
        return e;
    }
    fail(p, "expected a value");
    return node(OP_NUM, NULL, NULL, NULL);
}

static rx_expr *parse_factor(parser *p);

/* power: atom ['**' factor]; binds tighter than a unary minus on its left */
static rx_expr *parse_power(parser *p)
{
    rx_expr *e = parse_atom(p);
    if (accept(p, "**")) return node(OP_POW, e, parse_factor(p), NULL);
    return e;
}

static rx_expr *parse_factor(parser *p)
{
    if (accept(p, "-")) return node(OP_NEG, parse_factor(p), NULL, NULL);
    if (accept(p, "+")) return parse_factor(p);
    return parse_power(p);
}

static rx_expr *parse_term(parser *p)
{
    rx_expr *e = parse_factor(p);
    for (;;) {
        if (accept(p, "*"))
            e = node(OP_MUL, e, parse_factor(p), NULL);
        else if (accept(p, "/"))
            e = node(OP_DIV, e, parse_factor(p), NULL);
        else
            return e;
    }
}

static rx_expr *parse_arith(parser *p)
{
    rx_expr *e = parse_term(p);
    for (;;) {
        if (accept(p, "+"))
            e = node(OP_ADD, e, parse_term(p), NULL);
        else if (accept(p, "-"))
            e = node(OP_SUB, e, parse_term(p), NULL);
        else
            return e;
    }
}

static rx_expr *parse_comparison(parser *p)
{
    static const struct {
        const char *tok;
        enum rx_op op;
    } ops[] = {{"<=", OP_LE}, {">=", OP_GE}, {"==", OP_EQ},
               {"!=", OP_NE}, {"<", OP_LT},  {">", OP_GT}};
    rx_expr *e = parse_arith(p);
    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        if (accept(p, ops[i].tok)) {
            e = node(ops[i].op, e, parse_arith(p), NULL);
            for (size_t j = 0; j < sizeof ops / sizeof ops[0]; j++)
                if (accept(p, ops[j].tok)) fail(p, "chained comparisons are not supported");
            break;
        }
    }
    return e;
}

static rx_expr *parse_not(parser *p)
{
    if (accept(p, "not")) return node(OP_NOT, parse_not(p), NULL, NULL);
    return parse_comparison(p);
}

static rx_expr *parse_and(parser *p)
{
    rx_expr *e = parse_not(p);
    while (accept(p, "and")) e = node(OP_AND, e, parse_not(p), NULL);
    return e;
}

static rx_expr *parse_or(parser *p)
{
    rx_expr *e = parse_and(p);
    while (accept(p, "or")) e = node(OP_OR, e, parse_and(p), NULL);
    return e;
}

/* test: or_test ['if' or_test 'else' test] */
static rx_expr *parse_test(parser *p)
{
    rx_expr *e = parse_or(p);
    if (accept(p, "if")) {
        rx_expr *c = parse_or(p);
        if (!accept(p, "else")) fail(p, "expected 'else'");
        return node(OP_IF, e, c, parse_test(p));
    }
    return e;
}

/* Mark the subtrees that can be evaluated exactly in rationals. */
static int mark_rational(rx_expr *e)
{
    int ok = 1;
    for (int i = 0; i < 3; i++)
        if (e->a[i] && !mark_rational(e->a[i])) ok = 0;
    switch (e->op) {
    case OP_NAME:
        ok = strcmp(e->text, "pi") != 0 && strcmp(e->text, "inf") != 0;
        break;
    case OP_CALL:
        ok = ok && (e->fn == F_MIN || e->fn == F_MAX || e->fn == F_ABS);
        break;
    case OP_STR:
        ok = 0;
        break;
    default:
        break;
    }
    return e->ratsyn = ok;
}

rx_expr *rx_parse(const char *src, char *err, size_t errlen)
{
    parser p = {src, err, errlen, 0};
    if (errlen) err[0] = 0;
    rx_expr *e = parse_test(&p);
    skip(&p);
    if (*p.s) fail(&p, "unexpected text");
    if (p.failed) {
        rx_free(e);
        return NULL;
    }
    mark_rational(e);
    return e;
}

/* ---- names ------------------------------------------------------------------ */

void rx_init(void)
{
    mpfr_set_emin(mpfr_get_emin_min());
    mpfr_set_emax(mpfr_get_emax_max());
}

void rx_env_init(rx_env *env, const activ_params *p)
{
    memset(env, 0, sizeof *env);
    env->fn = p->fn;
    for (size_t i = 0; i < activ_param_count(p->fn); i++) env->v[i] = activ_params_get(p, i);
}

/* def_text strings parsed once (test code: a small cache keyed by pointer). */
static const rx_expr *def_expr(const char *text)
{
    static struct {
        const char *text;
        rx_expr *e;
    } cache[32];
    for (size_t i = 0; i < 32; i++) {
        if (cache[i].text == text) return cache[i].e;
        if (!cache[i].text) {
            char err[64];
            cache[i].text = text;
            cache[i].e = rx_parse(text, err, sizeof err);
            return cache[i].e;
        }
    }
    return rx_parse(text, NULL, 0); /* not reached with today's registry */
}

typedef struct nameval {
    enum { NV_X, NV_D, NV_DEF, NV_STR, NV_PI, NV_INF, NV_NONE } kind;
    double d;
    const rx_expr *def;
    const char *s;
} nameval;

static nameval lookup_param(const rx_env *env, const char *name)
{
    nameval nv = {NV_NONE, 0, NULL, NULL};
    int i = activ_param_index(env->fn, name, strlen(name));
    if (i < 0) return nv;
    const activ_param_spec *s = activ_param_at(env->fn, (size_t)i);
    if (s->type == ACTIV_PARAM_CHOICE) {
        nv.kind = NV_STR;
        nv.s = s->choices[(size_t)env->v[i]];
    } else if (s->def_text && env->v[i] == s->def) {
        nv.kind = NV_DEF;
        nv.def = def_expr(s->def_text);
    } else {
        nv.kind = NV_D;
        nv.d = env->v[i];
    }
    return nv;
}

static nameval lookup(const rx_env *env, const char *name)
{
    nameval nv = {NV_NONE, 0, NULL, NULL};
    if (!strcmp(name, "x")) return nv.kind = NV_X, nv;
    if (!strcmp(name, "pi")) return nv.kind = NV_PI, nv;
    if (!strcmp(name, "inf")) return nv.kind = NV_INF, nv;
    for (int i = 0; i < 4; i++)
        if (env->extra_name[i] && !strcmp(env->extra_name[i], name))
            return nv.kind = NV_D, nv.d = env->extra_val[i], nv;
    if (!env->fn) return nv;
    nv = lookup_param(env, name);
    if (nv.kind != NV_NONE) return nv;
    for (size_t i = 0; i < activ_const_count(env->fn); i++) {
        const activ_const *c = activ_const_at(env->fn, i);
        if (!strcmp(c->name, name)) return nv.kind = NV_D, nv.d = c->value, nv;
    }
    return nv;
}

/* ---- exact rational evaluation (decides comparisons such as x/6 + 1/2 > 0) ---- */

typedef struct ctx {
    const rx_env *env;
    mpfr_srcptr x;
    mpfr_prec_t prec;
} ctx;

/* Decimal literal to an exact rational. */
static void decimal_to_q(const char *t, mpq_t q)
{
    mpz_t num, den;
    mpz_inits(num, den, NULL);
    mpz_set_ui(den, 1);
    long exp10 = 0;
    int frac = 0;
    for (; *t && *t != 'e' && *t != 'E'; t++) {
        if (*t == '.') {
            frac = 1;
            continue;
        }
        mpz_mul_ui(num, num, 10);
        mpz_add_ui(num, num, (unsigned long)(*t - '0'));
        if (frac) exp10--;
    }
    if (*t) exp10 += strtol(t + 1, NULL, 10);
    mpz_t p10;
    mpz_init(p10);
    mpz_ui_pow_ui(p10, 10, (unsigned long)labs(exp10));
    if (exp10 >= 0)
        mpz_mul(num, num, p10);
    else
        mpz_set(den, p10);
    mpq_set_num(q, num);
    mpq_set_den(q, den);
    mpq_canonicalize(q);
    mpz_clears(num, den, p10, NULL);
}

static int rat(const rx_expr *e, const ctx *c, mpq_t out);

static int rat_binary(const rx_expr *e, const ctx *c, mpq_t out)
{
    mpq_t b;
    mpq_init(b);
    int ok = rat(e->a[0], c, out) && rat(e->a[1], c, b);
    if (ok) {
        switch (e->op) {
        case OP_ADD:
            mpq_add(out, out, b);
            break;
        case OP_SUB:
            mpq_sub(out, out, b);
            break;
        case OP_MUL:
            mpq_mul(out, out, b);
            break;
        case OP_DIV:
            if (mpq_sgn(b) == 0)
                ok = 0;
            else
                mpq_div(out, out, b);
            break;
        default:
            ok = 0;
        }
    }
    mpq_clear(b);
    return ok;
}

/* Exponents of ** : small non-negative integers (x**2, 2**1075). */
#define RX_MAX_POW 4096

static int rat_pow(const rx_expr *e, const ctx *c, mpq_t out)
{
    mpq_t b;
    mpq_init(b);
    int ok = rat(e->a[0], c, out) && rat(e->a[1], c, b) && mpz_cmp_ui(mpq_denref(b), 1) == 0 &&
             mpz_sgn(mpq_numref(b)) >= 0 && mpz_cmp_ui(mpq_numref(b), RX_MAX_POW) <= 0;
    if (ok) {
        unsigned long n = mpz_get_ui(mpq_numref(b));
        mpz_pow_ui(mpq_numref(out), mpq_numref(out), n);
        mpz_pow_ui(mpq_denref(out), mpq_denref(out), n);
        mpq_canonicalize(out);
    }
    mpq_clear(b);
    return ok;
}

static int rat_name(const rx_expr *e, const ctx *c, mpq_t out)
{
    nameval nv = lookup(c->env, e->text);
    switch (nv.kind) {
    case NV_X:
        if (!mpfr_number_p(c->x)) return 0;
        mpfr_get_q(out, c->x);
        return 1;
    case NV_D:
        if (!isfinite(nv.d)) return 0;
        mpq_set_d(out, nv.d);
        return 1;
    case NV_DEF:
        return rat(nv.def, c, out);
    default:
        return 0;
    }
}

static int rat_compare(const rx_expr *e, const ctx *c, int *truth);

static int rat_call(const rx_expr *e, const ctx *c, mpq_t out)
{
    if (!rat(e->a[0], c, out)) return 0;
    if (e->fn == F_ABS) return mpq_abs(out, out), 1;
    mpq_t b;
    mpq_init(b);
    int ok = rat(e->a[1], c, b);
    if (ok && (e->fn == F_MIN ? mpq_cmp(b, out) < 0 : mpq_cmp(b, out) > 0)) mpq_set(out, b);
    mpq_clear(b);
    return ok;
}

/* A condition decided exactly: comparisons of rationals, and/or/not. */
static int rat_truth(const rx_expr *e, const ctx *c, int *truth)
{
    int a, b;
    switch (e->op) {
    case OP_NOT:
        if (!rat_truth(e->a[0], c, &a)) return 0;
        return *truth = !a, 1;
    case OP_AND:
    case OP_OR:
        if (!rat_truth(e->a[0], c, &a)) return 0;
        if ((e->op == OP_AND && !a) || (e->op == OP_OR && a)) return *truth = a, 1;
        if (!rat_truth(e->a[1], c, &b)) return 0;
        return *truth = b, 1;
    default:
        return rat_compare(e, c, truth);
    }
}

/* 1 and the exact value in out when e is a rational expression of exact
 * numbers (no transcendental functions, no pi); 0 otherwise. */
static int rat(const rx_expr *e, const ctx *c, mpq_t out)
{
    int truth;
    if (!e->ratsyn) return 0;
    switch (e->op) {
    case OP_CALL:
        return rat_call(e, c, out);
    case OP_IF:
        if (!rat_truth(e->a[1], c, &truth)) return 0;
        return rat(truth ? e->a[0] : e->a[2], c, out);
    case OP_NUM:
        decimal_to_q(e->text, out);
        return 1;
    case OP_NAME:
        return rat_name(e, c, out);
    case OP_NEG:
        if (!rat(e->a[0], c, out)) return 0;
        mpq_neg(out, out);
        return 1;
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
        return rat_binary(e, c, out);
    case OP_POW:
        return rat_pow(e, c, out);
    default:
        return 0;
    }
}

static int rat_compare(const rx_expr *e, const ctx *c, int *truth)
{
    if (e->op < OP_LT || e->op > OP_NE) return 0;
    mpq_t qa, qb;
    mpq_inits(qa, qb, NULL);
    int ok = rat(e->a[0], c, qa) && rat(e->a[1], c, qb);
    if (ok) {
        int cmp = mpq_cmp(qa, qb);
        switch (e->op) {
        case OP_LT:
            *truth = cmp < 0;
            break;
        case OP_LE:
            *truth = cmp <= 0;
            break;
        case OP_GT:
            *truth = cmp > 0;
            break;
        case OP_GE:
            *truth = cmp >= 0;
            break;
        case OP_EQ:
            *truth = cmp == 0;
            break;
        default:
            *truth = cmp != 0;
            break;
        }
    }
    mpq_clears(qa, qb, NULL);
    return ok;
}

/* ---- interval evaluation ----------------------------------------------------- */

/* The value of a node: a real interval [lo, hi], a truth value, or a string. */
typedef struct iv {
    enum { K_NUM, K_BOOL, K_STR } kind;
    mpfr_t lo, hi;
    int b;
    const char *s;
} iv;

/* ev results */
enum { EV_OK = 0, EV_NAN = -1, EV_UNDECIDED = -2 };

static void iv_init(iv *v, mpfr_prec_t prec)
{
    v->kind = K_NUM;
    mpfr_init2(v->lo, prec);
    mpfr_init2(v->hi, prec);
    v->b = 0;
    v->s = NULL;
}

static void iv_clear(iv *v)
{
    mpfr_clear(v->lo);
    mpfr_clear(v->hi);
}

static int ev(const rx_expr *e, const ctx *c, iv *out);

static int ev_name(const rx_expr *e, const ctx *c, iv *out)
{
    nameval nv = lookup(c->env, e->text);
    switch (nv.kind) {
    case NV_X:
        mpfr_set(out->lo, c->x, MPFR_RNDD);
        mpfr_set(out->hi, c->x, MPFR_RNDU);
        return EV_OK;
    case NV_D:
        mpfr_set_d(out->lo, nv.d, MPFR_RNDD);
        mpfr_set_d(out->hi, nv.d, MPFR_RNDU);
        return EV_OK;
    case NV_DEF:
        return ev(nv.def, c, out);
    case NV_STR:
        out->kind = K_STR, out->s = nv.s;
        return EV_OK;
    case NV_PI:
        mpfr_const_pi(out->lo, MPFR_RNDD);
        mpfr_const_pi(out->hi, MPFR_RNDU);
        return EV_OK;
    case NV_INF:
        mpfr_set_inf(out->lo, 1);
        mpfr_set_inf(out->hi, 1);
        return EV_OK;
    default:
        return EV_NAN; /* unknown name: the formula is wrong */
    }
}

/* Both operands of a binary node, as numbers. */
static int ev2(const rx_expr *e, const ctx *c, iv *a, iv *b)
{
    int r = ev(e->a[0], c, a);
    if (r != EV_OK) return r;
    r = ev(e->a[1], c, b);
    if (r != EV_OK) return r;
    return (a->kind == K_NUM && b->kind == K_NUM) ? EV_OK : EV_NAN;
}

typedef int (*mpfr_op2)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t);

/* [lo, hi] = hull of op over the four corner pairs; 0*Inf counts as 0
 * (our infinities stand for overflowed finite bounds). */
static int corners(iv *out, const iv *a, const iv *b, mpfr_op2 op)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(out->lo));
    int first = 1, bad = 0;
    mpfr_srcptr as[2] = {a->lo, a->hi}, bs[2] = {b->lo, b->hi};
    for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
            for (int up = 0; up < 2; up++) {
                if (op == mpfr_mul && (mpfr_zero_p(as[i]) || mpfr_zero_p(bs[j])))
                    mpfr_set_zero(t, 1);
                else
                    op(t, as[i], bs[j], up ? MPFR_RNDU : MPFR_RNDD);
                if (mpfr_nan_p(t)) bad = 1;
                if (!up && (first || mpfr_less_p(t, out->lo))) mpfr_set(out->lo, t, MPFR_RNDD);
                if (up && (first || mpfr_greater_p(t, out->hi))) mpfr_set(out->hi, t, MPFR_RNDU);
            }
            first = 0;
        }
    }
    mpfr_clear(t);
    return bad ? EV_UNDECIDED : EV_OK;
}

static int ev_arith(const rx_expr *e, const ctx *c, iv *out)
{
    iv a, b;
    iv_init(&a, c->prec);
    iv_init(&b, c->prec);
    int r = ev2(e, c, &a, &b);
    if (r == EV_OK) {
        switch (e->op) {
        case OP_ADD:
            mpfr_add(out->lo, a.lo, b.lo, MPFR_RNDD);
            mpfr_add(out->hi, a.hi, b.hi, MPFR_RNDU);
            if (mpfr_nan_p(out->lo) || mpfr_nan_p(out->hi)) r = EV_UNDECIDED;
            break;
        case OP_SUB:
            mpfr_sub(out->lo, a.lo, b.hi, MPFR_RNDD);
            mpfr_sub(out->hi, a.hi, b.lo, MPFR_RNDU);
            if (mpfr_nan_p(out->lo) || mpfr_nan_p(out->hi)) r = EV_UNDECIDED;
            break;
        case OP_MUL:
            r = corners(out, &a, &b, mpfr_mul);
            break;
        default: /* OP_DIV */
            if (mpfr_zero_p(b.lo) && mpfr_zero_p(b.hi))
                r = EV_NAN;
            else if (mpfr_sgn(b.lo) <= 0 && mpfr_sgn(b.hi) >= 0)
                r = EV_UNDECIDED;
            else
                r = corners(out, &a, &b, mpfr_div);
        }
    }
    iv_clear(&a);
    iv_clear(&b);
    return r;
}

static int ev_pow(const rx_expr *e, const ctx *c, iv *out)
{
    mpq_t q;
    mpq_init(q);
    int ok = rat(e->a[1], c, q) && mpz_cmp_ui(mpq_denref(q), 1) == 0 &&
             mpz_sgn(mpq_numref(q)) >= 0 && mpz_cmp_ui(mpq_numref(q), RX_MAX_POW) <= 0;
    unsigned long n = ok ? mpz_get_ui(mpq_numref(q)) : 0;
    mpq_clear(q);
    if (!ok) return EV_NAN; /* only small non-negative integer exponents */
    int r = ev(e->a[0], c, out);
    if (r != EV_OK || out->kind != K_NUM) return r != EV_OK ? r : EV_NAN;
    mpfr_t lo, hi;
    mpfr_inits2(c->prec, lo, hi, (mpfr_ptr)0);
    if (n % 2 == 1 || mpfr_sgn(out->lo) >= 0) { /* increasing */
        mpfr_pow_ui(lo, out->lo, n, MPFR_RNDD);
        mpfr_pow_ui(hi, out->hi, n, MPFR_RNDU);
    } else if (mpfr_sgn(out->hi) <= 0) { /* even power of a non-positive interval */
        mpfr_pow_ui(lo, out->hi, n, MPFR_RNDD);
        mpfr_pow_ui(hi, out->lo, n, MPFR_RNDU);
    } else {
        mpfr_set_zero(lo, 1);
        mpfr_pow_ui(hi, mpfr_cmpabs(out->lo, out->hi) > 0 ? out->lo : out->hi, n, MPFR_RNDU);
    }
    mpfr_set(out->lo, lo, MPFR_RNDD);
    mpfr_set(out->hi, hi, MPFR_RNDU);
    mpfr_clears(lo, hi, (mpfr_ptr)0);
    return EV_OK;
}

/* Exact comparison: rationally when possible, else by disjoint intervals.
 * Sets *cmp to <0, 0, >0. */
static int compare(const rx_expr *e, const ctx *c, int *cmp)
{
    mpq_t qa, qb;
    mpq_inits(qa, qb, NULL);
    int ok = rat(e->a[0], c, qa) && rat(e->a[1], c, qb);
    if (ok) *cmp = mpq_cmp(qa, qb);
    mpq_clears(qa, qb, NULL);
    if (ok) return EV_OK;
    iv a, b;
    iv_init(&a, c->prec);
    iv_init(&b, c->prec);
    int r = ev(e->a[0], c, &a);
    if (r == EV_OK) r = ev(e->a[1], c, &b);
    if (r == EV_OK && a.kind == K_STR && b.kind == K_STR) {
        *cmp = strcmp(a.s, b.s);
    } else if (r == EV_OK && (a.kind != K_NUM || b.kind != K_NUM)) {
        r = EV_NAN;
    } else if (r == EV_OK) {
        if (mpfr_less_p(a.hi, b.lo))
            *cmp = -1;
        else if (mpfr_greater_p(a.lo, b.hi))
            *cmp = 1;
        else if (mpfr_equal_p(a.lo, a.hi) && mpfr_equal_p(b.lo, b.hi) && mpfr_equal_p(a.lo, b.lo))
            *cmp = 0;
        else
            r = EV_UNDECIDED;
    }
    iv_clear(&a);
    iv_clear(&b);
    return r;
}

static int ev_compare(const rx_expr *e, const ctx *c, iv *out)
{
    int cmp = 0, r = compare(e, c, &cmp);
    if (r != EV_OK) return r;
    out->kind = K_BOOL;
    switch (e->op) {
    case OP_LT:
        out->b = cmp < 0;
        break;
    case OP_LE:
        out->b = cmp <= 0;
        break;
    case OP_GT:
        out->b = cmp > 0;
        break;
    case OP_GE:
        out->b = cmp >= 0;
        break;
    case OP_EQ:
        out->b = cmp == 0;
        break;
    default:
        out->b = cmp != 0;
        break;
    }
    return EV_OK;
}

static int ev_bool(const rx_expr *e, const ctx *c, int *b)
{
    iv v;
    iv_init(&v, c->prec);
    int r = ev(e, c, &v);
    if (r == EV_OK && v.kind != K_BOOL) r = EV_NAN;
    *b = v.b;
    iv_clear(&v);
    return r;
}

/* and / or / not, with Python's short circuit */
static int ev_logic(const rx_expr *e, const ctx *c, iv *out)
{
    int a = 0, b = 0;
    int r = ev_bool(e->a[0], c, &a);
    if (r != EV_OK) return r;
    out->kind = K_BOOL;
    if (e->op == OP_NOT) return out->b = !a, EV_OK;
    if (e->op == OP_AND && !a) return out->b = 0, EV_OK;
    if (e->op == OP_OR && a) return out->b = 1, EV_OK;
    r = ev_bool(e->a[1], c, &b);
    out->b = b;
    return r;
}

static int ev_if(const rx_expr *e, const ctx *c, iv *out)
{
    int cond = 0;
    int r = ev_bool(e->a[1], c, &cond);
    if (r != EV_OK) return r;
    return ev(cond ? e->a[0] : e->a[2], c, out);
}

/* sigmoid(x) = 1/(1 + exp(-x)), rounded in direction up (1) or down (0) */
static void sigmoid_dir(mpfr_ptr r, mpfr_srcptr x, int up)
{
    mpfr_t t;
    mpfr_init2(t, mpfr_get_prec(r));
    mpfr_neg(t, x, MPFR_RNDN); /* exact */
    mpfr_exp(t, t, up ? MPFR_RNDD : MPFR_RNDU);
    mpfr_add_ui(t, t, 1, up ? MPFR_RNDD : MPFR_RNDU);
    mpfr_ui_div(r, 1, t, up ? MPFR_RNDU : MPFR_RNDD);
    mpfr_clear(t);
}

typedef int (*mpfr_op1)(mpfr_ptr, mpfr_srcptr, mpfr_rnd_t);

static int ev_monotone(int f, iv *v)
{
    static const mpfr_op1 inc[F_COUNT] = {
        [F_EXP] = mpfr_exp,   [F_LOG] = mpfr_log, [F_LOG1P] = mpfr_log1p, [F_EXPM1] = mpfr_expm1,
        [F_TANH] = mpfr_tanh, [F_ERF] = mpfr_erf, [F_SQRT] = mpfr_sqrt};
    if (f == F_SIGMOID) {
        sigmoid_dir(v->lo, v->lo, 0);
        sigmoid_dir(v->hi, v->hi, 1);
    } else if (f == F_ERFC) { /* decreasing */
        mpfr_t t;
        mpfr_init2(t, mpfr_get_prec(v->lo));
        mpfr_erfc(t, v->hi, MPFR_RNDD);
        mpfr_erfc(v->hi, v->lo, MPFR_RNDU);
        mpfr_set(v->lo, t, MPFR_RNDD);
        mpfr_clear(t);
    } else {
        inc[f](v->lo, v->lo, MPFR_RNDD);
        inc[f](v->hi, v->hi, MPFR_RNDU);
    }
    if (mpfr_nan_p(v->hi)) return EV_NAN;       /* the whole interval is outside the domain */
    if (mpfr_nan_p(v->lo)) return EV_UNDECIDED; /* straddles the domain's edge */
    return EV_OK;
}

static void ev_abs(iv *v)
{
    if (mpfr_sgn(v->lo) >= 0) return;
    if (mpfr_sgn(v->hi) <= 0) {
        mpfr_swap(v->lo, v->hi);
        mpfr_neg(v->lo, v->lo, MPFR_RNDD);
        mpfr_neg(v->hi, v->hi, MPFR_RNDU);
        return;
    }
    mpfr_neg(v->lo, v->lo, MPFR_RNDU);
    mpfr_max(v->hi, v->lo, v->hi, MPFR_RNDU);
    mpfr_set_zero(v->lo, 1);
}

static int ev_call(const rx_expr *e, const ctx *c, iv *out)
{
    if (e->fn == F_MIN || e->fn == F_MAX) {
        iv a, b;
        iv_init(&a, c->prec);
        iv_init(&b, c->prec);
        int r = ev2(e, c, &a, &b);
        if (r == EV_OK) {
            int (*mm)(mpfr_ptr, mpfr_srcptr, mpfr_srcptr, mpfr_rnd_t) =
                e->fn == F_MIN ? mpfr_min : mpfr_max;
            mm(out->lo, a.lo, b.lo, MPFR_RNDD);
            mm(out->hi, a.hi, b.hi, MPFR_RNDU);
        }
        iv_clear(&a);
        iv_clear(&b);
        return r;
    }
    int r = ev(e->a[0], c, out);
    if (r != EV_OK) return r;
    if (out->kind != K_NUM) return EV_NAN;
    if (e->fn == F_ABS) return ev_abs(out), EV_OK;
    if (e->fn == F_COSH) { /* cosh(|x|) is increasing */
        ev_abs(out);
        mpfr_cosh(out->lo, out->lo, MPFR_RNDD);
        mpfr_cosh(out->hi, out->hi, MPFR_RNDU);
        return EV_OK;
    }
    return ev_monotone(e->fn, out);
}

/* A rational subtree is evaluated exactly and rounded outwards: exact ties
 * such as (x + 3)/6 landing on a float midpoint then converge. */
static int ev_rational(const rx_expr *e, const ctx *c, iv *out)
{
    if (!e->ratsyn || e->op == OP_NUM || e->op == OP_NAME) return 0;
    if (e->op >= OP_LT && e->op <= OP_OR) return 0; /* conditions are not numbers */
    mpq_t q;
    mpq_init(q);
    int ok = rat(e, c, q);
    if (ok) {
        mpfr_set_q(out->lo, q, MPFR_RNDD);
        mpfr_set_q(out->hi, q, MPFR_RNDU);
    }
    mpq_clear(q);
    return ok;
}

static int ev(const rx_expr *e, const ctx *c, iv *out)
{
    out->kind = K_NUM;
    if (ev_rational(e, c, out)) return EV_OK;
    switch (e->op) {
    case OP_NUM:
        mpfr_set_str(out->lo, e->text, 10, MPFR_RNDD);
        mpfr_set_str(out->hi, e->text, 10, MPFR_RNDU);
        return EV_OK;
    case OP_NAME:
        return ev_name(e, c, out);
    case OP_STR:
        out->kind = K_STR, out->s = e->text;
        return EV_OK;
    case OP_NEG: {
        int r = ev(e->a[0], c, out);
        if (r != EV_OK || out->kind != K_NUM) return r != EV_OK ? r : EV_NAN;
        mpfr_swap(out->lo, out->hi);
        mpfr_neg(out->lo, out->lo, MPFR_RNDD);
        mpfr_neg(out->hi, out->hi, MPFR_RNDU);
        return EV_OK;
    }
    case OP_ADD:
    case OP_SUB:
    case OP_MUL:
    case OP_DIV:
        return ev_arith(e, c, out);
    case OP_POW:
        return ev_pow(e, c, out);
    case OP_LT:
    case OP_LE:
    case OP_GT:
    case OP_GE:
    case OP_EQ:
    case OP_NE:
        return ev_compare(e, c, out);
    case OP_AND:
    case OP_OR:
    case OP_NOT:
        return ev_logic(e, c, out);
    case OP_IF:
        return ev_if(e, c, out);
    case OP_CALL:
        return ev_call(e, c, out);
    }
    return EV_NAN;
}

int rx_eval_interval(const rx_expr *e, const rx_env *env, mpfr_srcptr x, mpfr_prec_t prec,
                     mpfr_t lo, mpfr_t hi)
{
    ctx c = {env, x, prec};
    iv v;
    iv_init(&v, prec);
    int r = ev(e, &c, &v);
    if (r == EV_OK && v.kind == K_BOOL) {
        mpfr_set_ui(v.lo, (unsigned)v.b, MPFR_RNDN);
        mpfr_set_ui(v.hi, (unsigned)v.b, MPFR_RNDN);
    } else if (r == EV_OK && v.kind != K_NUM) {
        r = EV_NAN;
    }
    if (r == EV_OK && (mpfr_nan_p(v.lo) || mpfr_nan_p(v.hi))) r = EV_UNDECIDED;
    mpfr_set(lo, v.lo, MPFR_RNDD);
    mpfr_set(hi, v.hi, MPFR_RNDU);
    iv_clear(&v);
    return r;
}

/* ---- Ziv loop -------------------------------------------------------------- */

/* ULP of the real number m in a format with p bits and minimum normal
 * exponent emin: 2^(max(floor(log2|m|), emin) - p + 1). */
static double ulp_of(mpfr_srcptr m, int p, int emin)
{
    long e = mpfr_zero_p(m) ? emin : (long)mpfr_get_exp(m) - 1;
    if (e < emin) e = emin;
    if (e > 2000) e = 2000;
    return ldexp(1.0, (int)e - p + 1);
}

/* Fill out when [lo, hi] pins down both roundings and the residual.
 * hard: the interval is far narrower than an ULP but straddles a rounding
 * boundary, as x - tanh(x) does at x = 2^53 + 1 (the exact value is below
 * the midpoint by e^-2^54): take the rounding of the interval's middle. */
static int converged(mpfr_srcptr lo, mpfr_srcptr hi, rx_value *out, int hard)
{
    double dl = mpfr_get_d(lo, MPFR_RNDN), dh = mpfr_get_d(hi, MPFR_RNDN);
    float fl = mpfr_get_flt(lo, MPFR_RNDN), fh = mpfr_get_flt(hi, MPFR_RNDN);
    if (!hard && (dl != dh || fl != fh)) return 0;
    mpfr_prec_t prec = mpfr_get_prec(lo) + 2;
    mpfr_t mid, w;
    mpfr_inits2(prec, mid, w, (mpfr_ptr)0);
    mpfr_add(mid, lo, hi, MPFR_RNDN); /* exact with 2 more bits (unless Inf) */
    mpfr_div_2ui(mid, mid, 1, MPFR_RNDN);
    mpfr_sub(w, hi, lo, MPFR_RNDU);
    out->d = hard ? mpfr_get_d(mid, MPFR_RNDN) : dh;
    out->f = hard ? mpfr_get_flt(mid, MPFR_RNDN) : fh;
    dh = out->d, fh = out->f;
    out->d_ulp = ulp_of(mid, 53, -1022);
    out->f_ulp = ulp_of(mid, 24, -126);
    int ulp_exp = ilogb(out->d_ulp); /* 2^-1086 underflows a double: compare in MPFR */
    int ok = isinf(dh) || mpfr_cmp_ui_2exp(w, 1, ulp_exp - 12) <= 0;
    if (ok) {
        mpfr_sub_d(w, mid, dh, MPFR_RNDN);
        mpfr_div_d(w, w, out->d_ulp, MPFR_RNDN);
        out->d_res = isinf(dh) ? NAN : mpfr_get_d(w, MPFR_RNDN);
        mpfr_sub_d(w, mid, (double)fh, MPFR_RNDN);
        mpfr_div_d(w, w, out->f_ulp, MPFR_RNDN);
        out->f_res = isinf(fh) ? NAN : mpfr_get_d(w, MPFR_RNDN);
    }
    mpfr_clears(mid, w, (mpfr_ptr)0);
    return ok;
}

void rx_eval_mpfr(const rx_expr *e, const rx_env *env, mpfr_srcptr x, rx_value *out)
{
    memset(out, 0, sizeof *out);
    rx_init();
    for (mpfr_prec_t prec = 128; prec <= 65536; prec *= 2) {
        mpfr_t lo, hi;
        mpfr_inits2(prec, lo, hi, (mpfr_ptr)0);
        int r = rx_eval_interval(e, env, x, prec, lo, hi);
        int done = r == EV_NAN || (r == EV_OK && converged(lo, hi, out, 0)) ||
                   (r == EV_OK && prec >= 2048 && converged(lo, hi, out, 1));
        mpfr_clears(lo, hi, (mpfr_ptr)0);
        if (r == EV_NAN) {
            out->status = RX_NAN;
            out->d = NAN;
            out->f = NAN;
            return;
        }
        if (done) {
            out->status = RX_OK;
            out->prec = prec;
            return;
        }
    }
    out->status = RX_FAIL;
    snprintf(out->err, sizeof out->err, "no convergence at 65536 bits");
}

void rx_round(mpfr_srcptr v, rx_value *out)
{
    memset(out, 0, sizeof *out);
    out->status = converged(v, v, out, 1) ? RX_OK : RX_FAIL;
    out->prec = mpfr_get_prec(v);
}

void rx_eval(const rx_expr *e, const rx_env *env, double x, rx_value *out)
{
    mpfr_t mx;
    mpfr_init2(mx, 53);
    mpfr_set_d(mx, x, MPFR_RNDN);
    rx_eval_mpfr(e, env, mx, out);
    mpfr_clear(mx);
}

double rx_ulp_error(const rx_value *v, double c)
{
    if (isnan(c)) return INFINITY;
    if (isinf(v->d)) return c == v->d ? 0 : INFINITY;
    if (isinf(c)) return INFINITY;
    return fabs((c - v->d) / v->d_ulp - v->d_res);
}

double rx_ulp_error_f(const rx_value *v, float c)
{
    if (isnan(c)) return INFINITY;
    if (isinf(v->f)) return c == v->f ? 0 : INFINITY;
    if (isinf(c)) return INFINITY;
    return fabs(((double)c - (double)v->f) / v->f_ulp - v->f_res);
}
