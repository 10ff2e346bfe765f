/*
 * test_lib_accuracy.c - every registry row against its own formula strings,
 * evaluated exactly in MPFR (tests/common/refexpr.c).
 *
 * Table-driven: a new row is tested without new code. For every elementwise
 * entry, for the default parameters, generated parameter sets and the
 * extreme ones below, over a grid of log-spaced magnitudes (subnormal to
 * DBL_MAX, both signs), dense linear grids, special points, the kernels'
 * tail cut-offs, each kink of f and of f', and each root of f, f' and f''
 * (with a dense stretch around the roots of the derivatives, where the
 * kernels switch to fitted patches), it asserts
 *   - values, first and second derivatives within the row's ULP bounds of
 *     each order (float64), and 1 ULP of the correctly rounded float for
 *     float32;
 *   - no NaN for a finite input, no 0 where the exact result is normal;
 *   - outputs inside the row's range (closed, up to rounding);
 *   - f'(kink) equals the kink's `grad` expression exactly, and f'' at each
 *     kink of f' (activ_kink_at_order(f, 2, i)) its expression;
 *   - IEEE behaviour at NaN and +-Inf (the limit, via x = +-2^1100).
 * It prints the largest error found per function; with ACTIV_MEASURED_OUT set
 * it also writes them as TSV (docs/measured-accuracy.tsv, read by gendoc).
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ.h"
#include "actgrid.h"
#include "refexpr.h"

/* What is measured: each order (value, f', f'') in each element type. */
enum { V64, D64, V32, D32, E64, E32, NKIND };
static const char *const kind_name[NKIND] = {"value f64", "deriv f64",  "value f32",
                                             "deriv f32", "deriv2 f64", "deriv2 f32"};
static const int kind_order[NKIND] = {0, 1, 0, 1, 2, 2};
static const int kind_f32[NKIND] = {0, 0, 1, 1, 0, 1};

typedef struct fn_stats {
    double max[NKIND]; /* largest error in ULPs */
    double at[NKIND];  /* where */
    size_t points;
    double seconds; /* CPU time of the row's checks */
} fn_stats;

static fn_stats stats[64];

/* Failures of one function, collected so one run shows them all. */
typedef struct report {
    char buf[4096];
    size_t len;
    int count;
} report;

static void note(report *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(report *r, const char *fmt, ...)
{
    r->count++;
    if (r->count > 12 || r->len >= sizeof r->buf - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(r->buf + r->len, sizeof r->buf - r->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        r->len += (size_t)n < sizeof r->buf - r->len ? (size_t)n : sizeof r->buf - r->len - 1;
}

/* Everything about one (function, parameter set) under test. */
typedef struct subject {
    const activ_fn *fn;
    activ_params p;
    rx_env env;
    rx_expr *formula, *deriv, *deriv2;
    rx_value lo, hi; /* range ends */
    int has_range;
    double bound[3]; /* by order */
    fn_stats *st;
    report *rep;
} subject;

static void describe_params(const subject *s, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; i < activ_param_count(s->fn) && len < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len, " %s=%.17g", activ_param_at(s->fn, i)->name,
                                s->p.v[i]);
}

static void track(subject *s, int kind, double err, double x)
{
    if (err > s->st->max[kind] || (isnan(err) && !isnan(s->st->max[kind]))) {
        s->st->max[kind] = err;
        s->st->at[kind] = x;
    }
}

/* ---- per-point checks ----------------------------------------------------------- */

static void check_value(subject *s, int kind, double x, const rx_value *ref, double got)
{
    int f32 = kind_f32[kind];
    double bound = f32 ? 1.0 : s->bound[kind_order[kind]];
    double err = f32 ? rx_ulp_error_f(ref, (float)got) : rx_ulp_error(ref, got);
    double exact = f32 ? (double)ref->f : ref->d;
    char ps[128];
    track(s, kind, err, x);
    if (err > bound || isnan(err)) {
        describe_params(s, ps, sizeof ps);
        note(s->rep, "%s%s x=%a: got %a, exact %.17g (%.3g ULP > %g)\n", kind_name[kind], ps, x,
             got, exact, err, bound);
    }
    double normal = f32 ? FLT_MIN : DBL_MIN;
    if (got == 0 && fabs(exact) >= normal) {
        describe_params(s, ps, sizeof ps);
        note(s->rep, "%s%s x=%a: flushed to 0, exact %.17g\n", kind_name[kind], ps, x, exact);
    }
}

/* Outputs must lie in the row's range, closed, up to the rounding of its ends. */
static void check_range(subject *s, double x, double y, int f32)
{
    if (!s->has_range || isnan(y)) return;
    double lo = f32 ? (double)s->lo.f : s->lo.d, hi = f32 ? (double)s->hi.f : s->hi.d;
    double lres = f32 ? s->lo.f_res : s->lo.d_res, hres = f32 ? s->hi.f_res : s->hi.d_res;
    if (lres < 0) lo = f32 ? nextafterf((float)lo, -INFINITY) : nextafter(lo, -INFINITY);
    if (hres > 0) hi = f32 ? nextafterf((float)hi, INFINITY) : nextafter(hi, INFINITY);
    if (y < lo || y > hi)
        note(s->rep, "range%s x=%a: %a outside %s\n", f32 ? " f32" : "", x, y,
             activ_text_of(s->fn, ACTIV_TEXT_RANGE));
}

/* ---- evaluation over a grid -------------------------------------------------------- */

/* The exact f, f' and f'' at every point. */
typedef struct refs {
    rx_value *v, *d, *e;
} refs;

static void reference(subject *s, const ag_list *xs, refs *r)
{
    r->v = malloc(xs->n * sizeof *r->v);
    r->d = malloc(xs->n * sizeof *r->d);
    r->e = malloc(xs->n * sizeof *r->e);
    for (size_t i = 0; i < xs->n; i++) {
        rx_eval(s->formula, &s->env, xs->v[i], &r->v[i]);
        rx_eval(s->deriv, &s->env, xs->v[i], &r->d[i]);
        rx_eval(s->deriv2, &s->env, xs->v[i], &r->e[i]);
    }
}

static void free_refs(refs *r)
{
    free(r->v);
    free(r->d);
    free(r->e);
}

static int ref_ok(subject *s, double x, const rx_value *v)
{
    if (v->status == RX_OK) return 1;
    note(s->rep, "reference failed at x=%a: status %d %s\n", x, v->status, v->err);
    return 0;
}

/* f, f' and f'' of every point through the public API, in one element
 * type: the arrays y, g and e (double or float, as dtype). */
static void compute_all(subject *s, activ_dtype dtype, const void *x, size_t n, void *y, void *g,
                        void *e)
{
    static const activ_op ops[3] = {ACTIV_VALUE, ACTIV_GRAD, ACTIV_GRAD2};
    void *out[3] = {y, g, e};
    for (int k = 0; k < 3; k++) {
        activ_status st = activ_compute(&s->p, ops[k], dtype, x, NULL, out[k], n, 0, NULL);
        ck_assert_msg(st == ACTIV_OK || st == ACTIV_ERANGE, "%s order %d: %s", activ_name(s->fn), k,
                      activ_strerror(st));
    }
}

static void run_f64(subject *s, const ag_list *xs, const refs *r)
{
    size_t n = xs->n;
    double *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g), *e = malloc(n * sizeof *e);
    compute_all(s, ACTIV_FLOAT64, xs->v, n, y, g, e);
    for (size_t i = 0; i < n; i++) {
        double x = xs->v[i];
        if (!ref_ok(s, x, &r->v[i]) || !ref_ok(s, x, &r->d[i]) || !ref_ok(s, x, &r->e[i])) continue;
        if (isnan(y[i]) || isnan(g[i]) || isnan(e[i])) note(s->rep, "NaN for finite x=%a\n", x);
        check_value(s, V64, x, &r->v[i], y[i]);
        check_value(s, D64, x, &r->d[i], g[i]);
        check_value(s, E64, x, &r->e[i], e[i]);
        check_range(s, x, y[i], 0);
    }
    free(y), free(g), free(e);
}

static void run_f32(subject *s, const ag_list *xs, const refs *r)
{
    size_t n = xs->n, m = 0;
    float *xf = malloc(n * sizeof *xf), *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g),
          *e = malloc(n * sizeof *e);
    size_t *idx = malloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++)
        if (ag_is_float(xs->v[i])) idx[m] = i, xf[m++] = (float)xs->v[i];
    compute_all(s, ACTIV_FLOAT32, xf, m, y, g, e);
    for (size_t j = 0; j < m; j++) {
        size_t i = idx[j];
        if (r->v[i].status != RX_OK || r->d[i].status != RX_OK || r->e[i].status != RX_OK) continue;
        if (isnan(y[j]) || isnan(g[j]) || isnan(e[j]))
            note(s->rep, "f32 NaN for finite x=%a\n", xs->v[i]);
        check_value(s, V32, xs->v[i], &r->v[i], y[j]);
        check_value(s, D32, xs->v[i], &r->d[i], g[j]);
        check_value(s, E32, xs->v[i], &r->e[i], e[j]);
        check_range(s, xs->v[i], y[j], 1);
    }
    free(xf), free(y), free(g), free(e), free(idx);
}

/* Where the kernels switch forms in their tails (700 and 1400 for the
 * exponent tails, 1455 where alpha*e^x with alpha near 2^1024 leaves the
 * subnormals, 1500 where the order-2 kernels stop), both signs, beside the
 * grid's special points. */
static const double tail_points[] = {700.5, 1100, 1400.5, 1420, 1454, 1455.5, 1499, 1501, 2000};

/* Each `at` of the kinks of f' (order 2), exactly, with neighbours (the grid
 * has those of f). */
static void push_kinks2(subject *s, ag_list *xs)
{
    for (size_t k = 0; k < activ_kink_count_order(s->fn, 2); k++) {
        char err[128];
        rx_expr *at = rx_parse(activ_kink_at_order(s->fn, 2, k)->at, err, sizeof err);
        ck_assert_msg(at, "%s: kink does not parse: %s", activ_name(s->fn), err);
        rx_value v;
        rx_eval(at, &s->env, 0, &v);
        if (v.status == RX_OK) ag_push_around(xs, v.d, 4);
        rx_free(at);
    }
}

/* 400 doubles and floats across +-0.05 of each sign change of a derivative
 * (ref, along xs): the inside and the edges of a fitted root patch. */
static void push_root_stretch(const ag_list *xs, const double *ref, ag_list *more)
{
    for (size_t i = 1; i < xs->n; i++) {
        if (!((ref[i - 1] < 0 && ref[i] > 0) || (ref[i - 1] > 0 && ref[i] < 0))) continue;
        double a = xs->v[i - 1], b = xs->v[i];
        if (!(b - a <= 1)) continue;
        for (int j = 0; j < 400; j++) {
            double t = a - 0.05 + (b - a + 0.1) * (j + 0.618) / 400;
            ag_push(more, t);
            ag_push(more, (float)t);
        }
    }
}

/* The grid, the kinks of f', the tails, then the doubles around each sign
 * change of f, f' and f''. */
static void full_grid(subject *s, double scale, ag_list *xs, refs *r)
{
    ag_grid(&s->p, scale, xs);
    push_kinks2(s, xs);
    for (size_t i = 0; i < sizeof tail_points / sizeof tail_points[0]; i++) {
        ag_push_around(xs, tail_points[i], 2);
        ag_push_around(xs, -tail_points[i], 2);
    }
    ag_unique(xs);
    reference(s, xs, r);
    double *vd = malloc(xs->n * sizeof *vd), *dd = malloc(xs->n * sizeof *dd),
           *ed = malloc(xs->n * sizeof *ed);
    for (size_t i = 0; i < xs->n; i++) vd[i] = r->v[i].d, dd[i] = r->d[i].d, ed[i] = r->e[i].d;
    ag_list more = {0};
    ag_add_roots(s->deriv, &s->env, xs, dd, &more);
    ag_add_roots(s->formula, &s->env, xs, vd, &more);
    ag_add_roots(s->deriv2, &s->env, xs, ed, &more);
    push_root_stretch(xs, dd, &more);
    push_root_stretch(xs, ed, &more);
    free(vd), free(dd), free(ed);
    if (more.n == 0) return ag_free(&more);
    for (size_t i = 0; i < xs->n; i++) ag_push(&more, xs->v[i]);
    ag_unique(&more);
    free_refs(r);
    ag_free(xs);
    *xs = more;
    reference(s, xs, r);
}

/* ---- kinks, NaN and infinities ---------------------------------------------------- */

/* The derivative of order `order` at one point, float64 and float32. */
static double deriv_at(const activ_params *p, int order, double x)
{
    double g = NAN;
    activ_compute(p, order == 2 ? ACTIV_GRAD2 : ACTIV_GRAD, ACTIV_FLOAT64, &x, NULL, &g, 1, 0,
                  NULL);
    return g;
}

static float deriv_at_f(const activ_params *p, int order, float x)
{
    float g = NAN;
    activ_compute(p, order == 2 ? ACTIV_GRAD2 : ACTIV_GRAD, ACTIV_FLOAT32, &x, NULL, &g, 1, 0,
                  NULL);
    return g;
}

/* The kinks of order 1 (of f, f' there) and 2 (of f', f'' there): the
 * library, and the derivative's formula, give exactly the table's value. */
static void check_kinks(subject *s)
{
    for (int order = 1; order <= 2; order++) {
        const rx_expr *formula = order == 2 ? s->deriv2 : s->deriv;
        const char *d = order == 2 ? "f''" : "f'";
        for (size_t k = 0; k < activ_kink_count_order(s->fn, order); k++) {
            const activ_kink *kk = activ_kink_at_order(s->fn, order, k);
            char err[128];
            rx_expr *at = rx_parse(kk->at, err, sizeof err),
                    *gr = rx_parse(kk->grad, err, sizeof err);
            ck_assert_msg(at && gr, "%s: kink does not parse: %s", activ_name(s->fn), err);
            rx_value a, g, fd;
            rx_eval(at, &s->env, 0, &a);
            rx_eval(gr, &s->env, 0, &g);
            if (a.status == RX_OK && a.d_res == 0 && g.status == RX_OK) {
                double got = deriv_at(&s->p, order, a.d);
                if (got != g.d)
                    note(s->rep, "kink %s: %s(%a) = %a, convention %a\n", kk->note, d, a.d, got,
                         g.d);
                rx_eval(formula, &s->env, a.d, &fd); /* the formula must agree with the table */
                if (fd.status != RX_OK || fd.d != g.d)
                    note(s->rep, "kink %s: %s formula gives %a at %a, table %a\n", kk->note, d,
                         fd.d, a.d, g.d);
                float gotf = ag_is_float(a.d) ? deriv_at_f(&s->p, order, (float)a.d) : g.f;
                if (gotf != g.f)
                    note(s->rep, "kink %s: f32 %s(%a) = %a, convention %a\n", kk->note, d, a.d,
                         (double)gotf, (double)g.f);
            }
            rx_free(at);
            rx_free(gr);
        }
    }
}

static void check_special_inputs(subject *s)
{
    double x[3] = {NAN, INFINITY, -INFINITY}, y[3], g[3], e[3];
    float xf[3] = {NAN, INFINITY, -INFINITY}, yf[3], gf[3], ef[3];
    compute_all(s, ACTIV_FLOAT64, x, 3, y, g, e);
    compute_all(s, ACTIV_FLOAT32, xf, 3, yf, gf, ef);
    if (!isnan(y[0]) || !isnan(g[0]) || !isnan(e[0]) || !isnan(yf[0]) || !isnan(gf[0]) ||
        !isnan(ef[0]))
        note(s->rep, "NaN input: f=%a f'=%a f''=%a (f32 %a %a %a)\n", y[0], g[0], e[0],
             (double)yf[0], (double)gf[0], (double)ef[0]);
    mpfr_t big;
    mpfr_init2(big, 53);
    for (int i = 1; i < 3; i++) {
        rx_value v, d, dd; /* the limit: the exact value at +-2^1100 rounds to it */
        mpfr_set_si_2exp(big, x[i] > 0 ? 1 : -1, 1100, MPFR_RNDN);
        rx_eval_mpfr(s->formula, &s->env, big, &v);
        rx_eval_mpfr(s->deriv, &s->env, big, &d);
        rx_eval_mpfr(s->deriv2, &s->env, big, &dd);
        if (v.status != RX_OK || d.status != RX_OK || dd.status != RX_OK) {
            note(s->rep, "reference failed at %g\n", x[i]);
            continue;
        }
        if (y[i] != v.d || g[i] != d.d || yf[i] != v.f || gf[i] != d.f)
            note(s->rep, "x=%g: f=%a f'=%a (f32 %a %a), limits %a %a\n", x[i], y[i], g[i],
                 (double)yf[i], (double)gf[i], v.d, d.d);
        if (e[i] != dd.d || ef[i] != dd.f)
            note(s->rep, "x=%g: f''=%a (f32 %a), limit %a\n", x[i], e[i], (double)ef[i], dd.d);
    }
    mpfr_clear(big);
}

/* ---- one registry row ------------------------------------------------------------- */

static void subject_init(subject *s, const activ_params *p, fn_stats *st, report *rep)
{
    char err[128];
    memset(s, 0, sizeof *s);
    s->fn = p->fn;
    s->p = *p;
    rx_env_init(&s->env, p);
    s->formula = rx_parse(activ_text_of(p->fn, ACTIV_TEXT_FORMULA), err, sizeof err);
    ck_assert_msg(s->formula, "%s: formula does not parse: %s", activ_name(p->fn), err);
    s->deriv = rx_parse(activ_text_of(p->fn, ACTIV_TEXT_DERIVATIVE), err, sizeof err);
    ck_assert_msg(s->deriv, "%s: derivative does not parse: %s", activ_name(p->fn), err);
    s->deriv2 = rx_parse(activ_text_of(p->fn, ACTIV_TEXT_DERIVATIVE2), err, sizeof err);
    ck_assert_msg(s->deriv2, "%s: second derivative does not parse: %s", activ_name(p->fn), err);
    s->has_range = ag_range(activ_text_of(p->fn, ACTIV_TEXT_RANGE), &s->env, &s->lo, &s->hi) == 0;
    ck_assert_msg(s->has_range, "%s: range does not parse", activ_name(p->fn));
    for (int k = 0; k < 3; k++) s->bound[k] = activ_ulp_bound(p->fn, k);
    s->st = st;
    s->rep = rep;
}

/* Parameter values beside the generated sets: magnitudes that take the
 * kernels' rescaling paths (products with alpha or beta near the ends of
 * the doubles, 1/alpha near 2^1074) and, for elu, the tail where
 * alpha*e^x stays a double below x = -1400. */
static const struct {
    const char *fn, *param;
    double v;
} extreme_sets[] = {
    {"elu", "alpha", 1e300},
    {"elu", "alpha", 1.7e308},
    {"elu", "alpha", 1e-300},
    {"elu", "alpha", -3e300},
    {"elu", "alpha", 0x1p-1070},
    {"celu", "alpha", 1e-300},
    {"celu", "alpha", -1e-300},
    {"celu", "alpha", 3e300},
    {"celu", "alpha", -1e300},
    {"celu", "alpha", 0x1p-1074},
    {"softplus", "beta", 1e-300},
    {"softplus", "beta", 1e300},
    {"softplus", "beta", 0x1p-1060},
    {"softplus", "beta", 1.7e308},
    {"leaky_relu", "negative_slope", 1e300},
};

static size_t add_extreme_sets(const activ_fn *f, activ_params *sets, size_t n, size_t cap)
{
    for (size_t i = 0; i < sizeof extreme_sets / sizeof extreme_sets[0] && n < cap; i++) {
        if (strcmp(extreme_sets[i].fn, activ_name(f)) != 0) continue;
        const char *pn = extreme_sets[i].param;
        activ_params_init(&sets[n], f);
        ck_assert_int_eq(activ_params_set(&sets[n], pn, strlen(pn), extreme_sets[i].v), ACTIV_OK);
        ck_assert_int_eq(activ_params_check(&sets[n], NULL), ACTIV_OK);
        n++;
    }
    return n;
}

START_TEST(elementwise_row)
{
    const activ_fn *f = activ_at((size_t)_i);
    if (activ_kind_of(f) != ACTIV_ELEMENTWISE) return;
    activ_params sets[12];
    size_t nsets = add_extreme_sets(f, sets, ag_param_sets(f, sets, 4), 12);
    ck_assert_msg(nsets > 0, "%s: no valid parameter set", activ_name(f));
    report rep = {{0}, 0, 0};
    clock_t t0 = clock();
    for (size_t k = 0; k < nsets; k++) {
        subject s;
        subject_init(&s, &sets[k], &stats[_i], &rep);
        ag_list xs = {0};
        refs r;
        full_grid(&s, k == 0 ? 1.0 : 0.3, &xs, &r);
        run_f64(&s, &xs, &r);
        run_f32(&s, &xs, &r);
        check_kinks(&s);
        check_special_inputs(&s);
        stats[_i].points += xs.n;
        free_refs(&r);
        ag_free(&xs);
        rx_free(s.formula);
        rx_free(s.deriv);
        rx_free(s.deriv2);
    }
    stats[_i].seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(rep.count == 0, "%s: %d failures, first ones:\n%s", activ_name(f), rep.count,
                  rep.buf);
}
END_TEST

/* ---- rowwise rows (softmax, log_softmax): their own MPFR reference -------------- */

#define RPREC 2048 /* the VJP's g_i - dot may cancel; 2048 bits see through it */

/* Exact softmax (log = 0) or log_softmax (log = 1) of row x, and the VJP with
 * go, each rounded with rx_round. */
static void row_reference(const double *x, const double *go, size_t n, int log, rx_value *y,
                          rx_value *g)
{
    mpfr_t m, t, e, s, dot, sg, v;
    mpfr_inits2(RPREC, m, t, e, s, dot, sg, v, (mpfr_ptr)0);
    mpfr_set_d(m, x[0], MPFR_RNDN);
    for (size_t i = 1; i < n; i++)
        if (mpfr_cmp_d(m, x[i]) < 0) mpfr_set_d(m, x[i], MPFR_RNDN);
    mpfr_set_si(t, -1, MPFR_RNDN); /* s - 1, for log1p */
    mpfr_set_zero(dot, 1);
    mpfr_set_zero(sg, 1);
    for (size_t i = 0; i < n; i++) {
        mpfr_d_sub(e, x[i], m, MPFR_RNDN);
        mpfr_exp(e, e, MPFR_RNDN);
        mpfr_add(t, t, e, MPFR_RNDN);
    }
    mpfr_add_ui(s, t, 1, MPFR_RNDN);
    mpfr_log1p(t, t, MPFR_RNDN); /* log(s) */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            mpfr_d_sub(e, x[i], m, MPFR_RNDN);
            mpfr_exp(v, e, MPFR_RNDN);
            mpfr_div(v, v, s, MPFR_RNDN); /* softmax_i */
            if (pass == 0) {
                mpfr_mul_d(e, v, go[i], MPFR_RNDN);
                mpfr_add(dot, dot, e, MPFR_RNDN);
                mpfr_add_d(sg, sg, go[i], MPFR_RNDN);
                continue;
            }
            if (log) {
                mpfr_d_sub(e, x[i], m, MPFR_RNDN);
                mpfr_sub(e, e, t, MPFR_RNDN);
                rx_round(e, &y[i]);
                mpfr_mul(v, v, sg, MPFR_RNDN);
                mpfr_d_sub(v, go[i], v, MPFR_RNDN);
            } else {
                rx_round(v, &y[i]);
                mpfr_d_sub(e, go[i], dot, MPFR_RNDN);
                mpfr_mul(v, v, e, MPFR_RNDN);
            }
            rx_round(v, &g[i]);
        }
    }
    mpfr_clears(m, t, e, s, dot, sg, v, (mpfr_ptr)0);
}

/* The VJP's documented fallback when g_i - sum cancels: absolute error
 * 2^-60 * (scale of the terms). */
static double vjp_scale(const double *x, const double *go, size_t n, int log, size_t i,
                        const rx_value *y)
{
    double sum = 0, yi = log ? exp(y[i].d) : y[i].d;
    for (size_t j = 0; j < n; j++) {
        double yj = log ? exp(y[j].d) : y[j].d;
        sum += fabs(go[j]) * (log ? 1 : yj);
    }
    (void)x;
    return 0x1p-60 * (log ? fabs(go[i]) + yi * sum : yi * (fabs(go[i]) + sum)) * 2;
}

typedef struct row_case {
    double *x, *go;
    size_t n;
} row_case;

static double unit_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (double)(*state >> 8) / (double)(1u << 24);
}

/* Rows that stress the shift, the sums and the tails. */
static void make_row(int kind, size_t n, unsigned seed, row_case *rc, int f32)
{
    unsigned st = seed;
    rc->n = n;
    rc->x = malloc(n * sizeof *rc->x);
    rc->go = malloc(n * sizeof *rc->go);
    for (size_t i = 0; i < n; i++) {
        double u = unit_rand(&st), v = unit_rand(&st);
        switch (kind) {
        case 0:
            rc->x[i] = 80 * u - 40;
            break; /* ordinary */
        case 1:    /* wide: every magnitude of the format */
            rc->x[i] = (u < 0.5 ? -1 : 1) * (f32 ? pow(10, 70 * v - 35) : pow(10, 600 * v - 300));
            break;
        case 2:
            rc->x[i] = i == 0 ? 700 : -700 * u;
            break; /* one dominates */
        case 3:
            rc->x[i] = i % 3 == 0 ? 5 : 5 - 3 * u;
            break; /* repeated maximum */
        default:
            rc->x[i] = 1e6 + u;
            break; /* large offset */
        }
        rc->go[i] = (v - 0.5) * (kind == 1 ? pow(10, 20 * u - 10) : 1);
        if (f32) rc->x[i] = (float)rc->x[i], rc->go[i] = (float)rc->go[i];
    }
}

static void check_row(const activ_fn *f, const row_case *rc, fn_stats *st, report *rep)
{
    int log = strcmp(activ_name(f), "log_softmax") == 0;
    size_t n = rc->n;
    rx_value *y = malloc(n * sizeof *y), *g = malloc(n * sizeof *g);
    double *out = malloc(n * sizeof *out), *gout = malloc(n * sizeof *gout);
    float *xf = malloc(n * sizeof *xf), *gof = malloc(n * sizeof *gof),
          *of = malloc(n * sizeof *of), *gf = malloc(n * sizeof *gf);
    row_reference(rc->x, rc->go, n, log, y, g);
    activ_params p;
    activ_params_init(&p, f);
    activ_eval(&p, rc->x, out, n, n, NULL);
    activ_grad(&p, rc->x, rc->go, gout, n, n, NULL);
    int is_f32 = 1;
    for (size_t i = 0; i < n; i++) {
        is_f32 &= ag_is_float(rc->x[i]) && ag_is_float(rc->go[i]);
        xf[i] = (float)rc->x[i], gof[i] = (float)rc->go[i];
    }
    activ_eval_f32(&p, xf, of, n, n, NULL);
    activ_grad_f32(&p, xf, gof, gf, n, n, NULL);
    double bv = activ_ulp_bound(f, 0), bg = activ_ulp_bound(f, 1);
    for (size_t i = 0; i < n; i++) {
        double ev = rx_ulp_error(&y[i], out[i]), eg = rx_ulp_error(&g[i], gout[i]);
        /* ill-conditioned: the documented absolute allowance exceeds 3 ULP;
         * there the absolute bound is asserted instead of the ULP bound */
        double abs_ok = vjp_scale(rc->x, rc->go, n, log, i, y);
        int cancels = abs_ok > 3 * g[i].d_ulp;
        if (cancels && !(fabs(gout[i] - g[i].d) <= abs_ok + g[i].d_ulp))
            note(rep, "vjp n=%zu x[%zu]=%a: got %a, exact %.17g beyond 2^-60 of the terms\n", n, i,
                 rc->x[i], gout[i], g[i].d);
        if (ev > st->max[V64]) st->max[V64] = ev, st->at[V64] = rc->x[i];
        if (!cancels && eg > st->max[D64]) st->max[D64] = eg, st->at[D64] = rc->x[i];
        if (!(ev <= bv))
            note(rep, "value n=%zu x[%zu]=%a: got %a, exact %.17g (%.3g ULP)\n", n, i, rc->x[i],
                 out[i], y[i].d, ev);
        if (!(eg <= bg) && !cancels)
            note(rep, "vjp n=%zu x[%zu]=%a go=%a: got %a, exact %.17g (%.3g ULP)\n", n, i, rc->x[i],
                 rc->go[i], gout[i], g[i].d, eg);
        if (!is_f32) continue;
        double fv = rx_ulp_error_f(&y[i], of[i]), fg = rx_ulp_error_f(&g[i], gf[i]);
        int fcancels = abs_ok > 0.5 * g[i].f_ulp;
        if (fv > st->max[V32]) st->max[V32] = fv, st->at[V32] = rc->x[i];
        if (!fcancels && fg > st->max[D32]) st->max[D32] = fg, st->at[D32] = rc->x[i];
        if (!(fv <= 1) || (!(fg <= 1) && !fcancels))
            note(rep, "f32 n=%zu x[%zu]=%a: got %a %a, exact %.9g %.9g (%.3g %.3g ULP)\n", n, i,
                 rc->x[i], (double)of[i], (double)gf[i], (double)y[i].f, (double)g[i].f, fv, fg);
    }
    st->points += n;
    free(y), free(g), free(out), free(gout), free(xf), free(gof), free(of), free(gf);
}

START_TEST(rowwise_row)
{
    const activ_fn *f = activ_at((size_t)_i);
    if (activ_kind_of(f) != ACTIV_ROWWISE) return;
    static const size_t lens[] = {1, 2, 3, 10, 257};
    report rep = {{0}, 0, 0};
    clock_t t0 = clock();
    for (int kind = 0; kind < 5; kind++) {
        for (size_t l = 0; l < sizeof lens / sizeof lens[0]; l++) {
            for (int f32 = 0; f32 < 2; f32++) {
                row_case rc;
                make_row(kind, lens[l], (unsigned)(kind * 131 + l * 7 + f32), &rc, f32);
                check_row(f, &rc, &stats[_i], &rep);
                free(rc.x), free(rc.go);
            }
        }
    }
    stats[_i].seconds = (double)(clock() - t0) / CLOCKS_PER_SEC;
    ck_assert_msg(rep.count == 0, "%s: %d failures, first ones:\n%s", activ_name(f), rep.count,
                  rep.buf);
}
END_TEST

/* ---- the measured table -------------------------------------------------------------- */

/* One row of the table: the six maxima (f'' "-" for rowwise rows, which have
 * none), text or TSV. */
static void print_table(FILE *out, int tsv)
{
    if (!tsv)
        fprintf(out, "%-12s %9s %9s %9s %9s %10s %10s  (max ULP; bounds f64 f/f'/f'')\n",
                "function", kind_name[V64], kind_name[D64], kind_name[V32], kind_name[D32],
                kind_name[E64], kind_name[E32]);
    for (size_t i = 0; i < activ_count(); i++) {
        const activ_fn *f = activ_at(i);
        if (stats[i].points == 0) continue;
        const double *m = stats[i].max;
        char e64[16] = "-", e32[16] = "-";
        if (activ_kind_of(f) == ACTIV_ELEMENTWISE) {
            snprintf(e64, sizeof e64, "%.3f", m[E64]);
            snprintf(e32, sizeof e32, "%.3f", m[E32]);
        }
        if (tsv)
            fprintf(out, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%s\t%s\t%zu\n", activ_name(f), m[V64], m[D64],
                    m[V32], m[D32], e64, e32, stats[i].points);
        else
            fprintf(
                out, "%-12s %9.3f %9.3f %9.3f %9.3f %10s %10s  (%g/%g/%g, %zu points, %.1f s)\n",
                activ_name(f), m[V64], m[D64], m[V32], m[D32], e64, e32, activ_ulp_bound(f, 0),
                activ_ulp_bound(f, 1), activ_ulp_bound(f, 2), stats[i].points, stats[i].seconds);
        if (!tsv && getenv("ACTIV_VERBOSE"))
            fprintf(out, "%12s at x = %a %a %a %a %a %a\n", "", stats[i].at[V64], stats[i].at[D64],
                    stats[i].at[V32], stats[i].at[D32], stats[i].at[E64], stats[i].at[E32]);
    }
}

int main(void)
{
    rx_init();
    Suite *s = suite_create("libactiv accuracy");
    TCase *tc = tcase_create("rows");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, elementwise_row, 0, (int)activ_count());
    tcase_add_loop_test(tc, rowwise_row, 0, (int)activ_count());
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_NOFORK); /* keep the statistics in this process */
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    print_table(stdout, 0);
    const char *path = getenv("ACTIV_MEASURED_OUT");
    if (path) {
        FILE *f = fopen(path, "w");
        if (!f) return perror(path), 1;
        fprintf(f, "# function\tvalue_f64\tderiv_f64\tvalue_f32\tderiv_f32\tderiv2_f64\t"
                   "deriv2_f32\tpoints\n");
        print_table(f, 1);
        fclose(f);
    }
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
