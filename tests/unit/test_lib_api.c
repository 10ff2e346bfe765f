/*
 * test_lib_api.c - libactiv's API contract, table-driven over the registry:
 * versions, status strings, lookup and suggestions, parameter validation from
 * the specs, evaluation entry points (in place, grad_output, rows, overflow),
 * for values, first and second derivatives.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actgrid.h"
#include "activ.h"
#include "checkrun.h"

/* ---- versions and status codes ----------------------------------------------- */

START_TEST(versions)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", ACTIV_VERSION_MAJOR, ACTIV_VERSION_MINOR,
             ACTIV_VERSION_PATCH);
    ck_assert_str_eq(buf, ACTIV_VERSION_STRING);
    ck_assert_str_eq(activ_version(), ACTIV_VERSION_STRING);
    ck_assert_uint_eq(activ_version_num(), ACTIV_VERSION_NUM);
    ck_assert_uint_eq(
        ACTIV_VERSION_NUM,
        (unsigned)((ACTIV_VERSION_MAJOR << 16) | (ACTIV_VERSION_MINOR << 8) | ACTIV_VERSION_PATCH));
}
END_TEST

START_TEST(strerror_every_code)
{
    /* every code of the list has its own sentence, the list's; the codes are
     * numbered 0 .. ACTIV_STATUS_COUNT - 1; unknown codes one fixed sentence */
#define CODE(name, number, sentence) {name, number, sentence},
    static const struct {
        activ_status code;
        int number;
        const char *sentence;
    } codes[] = {ACTIV_STATUS_LIST(CODE)};
#undef CODE
    ck_assert_uint_eq(sizeof codes / sizeof codes[0], ACTIV_STATUS_COUNT);
    for (int a = 0; a < ACTIV_STATUS_COUNT; a++) {
        ck_assert_int_eq(codes[a].code, a);
        ck_assert_int_eq(codes[a].number, a);
        const char *s = activ_strerror(codes[a].code);
        ck_assert_ptr_nonnull(s);
        ck_assert_str_eq(s, codes[a].sentence);
        ck_assert_msg(strlen(s) > 3 && strcmp(s, "unknown status") != 0, "code %d", a);
        for (int b = 0; b < a; b++) ck_assert_str_ne(s, activ_strerror(codes[b].code));
    }
    ck_assert_int_eq(ACTIV_EORDER, ACTIV_STATUS_COUNT - 1);
    ck_assert_str_eq(activ_strerror((activ_status)ACTIV_STATUS_COUNT), "unknown status");
    ck_assert_str_eq(activ_strerror((activ_status)-1), "unknown status");
}
END_TEST

/* ---- the registry ------------------------------------------------------------------ */

START_TEST(registry_rows_are_complete)
{
    const activ_fn *f = activ_at((size_t)_i);
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_eq(activ_find(activ_name(f)), f);
    for (const char *const *a = activ_aliases(f); *a; a++) ck_assert_ptr_eq(activ_find(*a), f);
    int ew = activ_kind_of(f) == ACTIV_ELEMENTWISE;
    for (int t = ACTIV_TEXT_SUMMARY; t <= ACTIV_TEXT_DERIVATIVE2_LATEX; t++) {
        const char *s = activ_text_of(f, (activ_text)t);
        ck_assert_ptr_nonnull(s);
        int second = t == ACTIV_TEXT_DERIVATIVE2 || t == ACTIV_TEXT_DERIVATIVE2_LATEX;
        if (t == ACTIV_TEXT_CONSTANTS) continue;
        if (second && !ew) /* rowwise rows have no f'' */
            ck_assert_msg(!*s, "%s: text %d not empty", activ_name(f), t);
        else
            ck_assert_msg(*s, "%s: text %d empty", activ_name(f), t);
    }
    double bv = activ_ulp_bound(f, 0), bd = activ_ulp_bound(f, 1), b2 = activ_ulp_bound(f, 2);
    ck_assert(bv == 1 || bv == 2);
    ck_assert(bd == 2 || bd == 3);
    ck_assert(ew ? (b2 == 2 || b2 == 3) : isnan(b2));
    ck_assert(isnan(activ_ulp_bound(f, 3)) && isnan(activ_ulp_bound(f, -1)));
    for (size_t k = 0; k < activ_kink_count(f); k++) ck_assert_ptr_nonnull(activ_kink_at(f, k));
    ck_assert_ptr_null(activ_kink_at(f, activ_kink_count(f)));
    /* the kinks by order: order 1 is the list above, order 2 its own */
    ck_assert_uint_eq(activ_kink_count_order(f, 1), activ_kink_count(f));
    for (size_t k = 0; k < activ_kink_count(f); k++)
        ck_assert_ptr_eq(activ_kink_at_order(f, 1, k), activ_kink_at(f, k));
    for (size_t k = 0; k < activ_kink_count_order(f, 2); k++) {
        const activ_kink *kk = activ_kink_at_order(f, 2, k);
        ck_assert(kk && *kk->at && *kk->grad && *kk->note);
    }
    ck_assert_ptr_null(activ_kink_at_order(f, 2, activ_kink_count_order(f, 2)));
    if (!ew) ck_assert_uint_eq(activ_kink_count_order(f, 2), 0);
    ck_assert_uint_eq(activ_kink_count_order(f, 0) + activ_kink_count_order(f, 3), 0);
    ck_assert_ptr_null(activ_kink_at_order(f, 3, 0));
    ck_assert_ptr_null(activ_param_at(f, activ_param_count(f)));
    for (size_t k = 0; k < activ_param_count(f); k++) { /* no hole among the named indices */
        ck_assert_ptr_nonnull(activ_param_at(f, k)->name);
        ck_assert_ptr_nonnull(activ_param_at(f, k)->doc);
    }
    ck_assert_ptr_null(activ_const_at(f, activ_const_count(f)));
    ck_assert(activ_param_count(f) <= ACTIV_MAX_PARAMS);
    /* names are unique across names and aliases */
    for (size_t j = 0; j < (size_t)_i; j++)
        ck_assert_str_ne(activ_name(activ_at(j)), activ_name(f));
}
END_TEST

START_TEST(registry_iteration)
{
    ck_assert_uint_gt(activ_count(), 20);
    ck_assert_ptr_null(activ_at(activ_count()));
    ck_assert_int_eq(activ_kind_of(activ_find("softmax")), ACTIV_ROWWISE);
    ck_assert_int_eq(activ_kind_of(activ_find("relu")), ACTIV_ELEMENTWISE);
    const activ_fn *selu = activ_find("selu");
    ck_assert_uint_eq(activ_const_count(selu), 2);
    ck_assert_str_eq(activ_const_at(selu, 0)->name, "scale");
    ck_assert(activ_const_at(selu, 0)->value == 1.0507009873554804934193349852946);
    ck_assert_str_eq(activ_name(NULL), "");
    ck_assert_str_eq(activ_text_of(NULL, ACTIV_TEXT_FORMULA), "");
    ck_assert(isnan(activ_ulp_bound(NULL, 0)));
    ck_assert_uint_eq(activ_kink_count_order(NULL, 1), 0);
    ck_assert_ptr_null(activ_kink_at_order(NULL, 2, 0));
    /* the kinks of f' include points where f has none */
    ck_assert_uint_eq(activ_kink_count(activ_find("softsign")), 0);
    ck_assert_uint_eq(activ_kink_count_order(activ_find("softsign"), 2), 1);
    ck_assert_str_eq(activ_kink_at_order(activ_find("softplus"), 2, 0)->at, "threshold/beta");
}
END_TEST

START_TEST(lookup)
{
    const activ_fn *lr = activ_find("leaky_relu");
    ck_assert_ptr_nonnull(lr);
    ck_assert_ptr_eq(activ_find("LeakyReLU"), lr);
    ck_assert_ptr_eq(activ_find("leaky-relu"), lr);
    ck_assert_ptr_eq(activ_find("LEAKY__RELU"), lr);
    ck_assert_ptr_eq(activ_find_n("leaky_reluXYZ", 10), lr); /* not NUL-terminated */
    ck_assert_ptr_eq(activ_find("Sigmod"), activ_find("sigmoid"));
    ck_assert_ptr_eq(activ_find("logistic"), activ_find("sigmoid"));
    ck_assert_ptr_eq(activ_find("swish"), activ_find("silu"));
    ck_assert_ptr_eq(activ_find("linear"), activ_find("identity"));
    ck_assert_ptr_eq(activ_find("LogSoftmax"), activ_find("log_softmax"));
    ck_assert_ptr_null(activ_find("nope"));
    ck_assert_ptr_null(activ_find(""));
    ck_assert_ptr_null(activ_find("-_-"));
    ck_assert_ptr_null(activ_find(NULL));
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    ck_assert_ptr_null(activ_find(longname));
}
END_TEST

START_TEST(suggestions)
{
    const activ_fn *out[4];
    size_t n = activ_suggest("sigmoidd", 8, out, 4);
    ck_assert_uint_ge(n, 1);
    ck_assert_ptr_eq(out[0], activ_find("sigmoid"));
    n = activ_suggest("leaky", 5, out, 4);
    ck_assert_uint_ge(n, 1);
    ck_assert_ptr_eq(out[0], activ_find("leaky_relu"));
    n = activ_suggest("Gelu_", 5, out, 1);
    ck_assert_uint_eq(n, 1);
    ck_assert_ptr_eq(out[0], activ_find("gelu"));
    ck_assert_uint_eq(activ_suggest("zzzzzzzzzzzz", 12, out, 4), 0);
    ck_assert_uint_eq(activ_suggest("relu", 4, out, 0), 0);
    ck_assert_uint_eq(activ_suggest(NULL, 4, out, 4), 0);
    n = activ_suggest("relu7", 5, out, 4); /* distinct entries */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++) ck_assert_ptr_ne(out[i], out[j]);
}
END_TEST

/* ---- parameters, from the specs ------------------------------------------------------ */

static activ_status set_one(const activ_fn *f, const activ_param_spec *s, double v)
{
    activ_params p;
    activ_params_init(&p, f);
    activ_params before = p;
    activ_status st = activ_params_set(&p, s->name, strlen(s->name), v);
    if (st != ACTIV_OK) ck_assert_msg(!memcmp(&p, &before, sizeof p), "params changed on error");
    return st;
}

/* Each bound: the value itself (accepted unless open), and just beyond it. */
static void check_bound(const activ_fn *f, const activ_param_spec *s, double b, int open,
                        double outward)
{
    if (!isfinite(b)) return;
    activ_status at = set_one(f, s, b);
    if (open || ((s->flags & ACTIV_PARAM_NONZERO) && b == 0))
        ck_assert_int_eq(at, ACTIV_EPARAM_RANGE);
    else
        ck_assert_int_eq(at, ACTIV_OK);
    ck_assert_int_eq(set_one(f, s, nextafter(b, outward)), ACTIV_EPARAM_RANGE);
}

static void check_real_spec(const activ_fn *f, const activ_param_spec *s)
{
    ck_assert_int_eq(set_one(f, s, NAN), ACTIV_EPARAM_NOTFINITE);
    ck_assert_int_eq(set_one(f, s, INFINITY), ACTIV_EPARAM_NOTFINITE);
    ck_assert_int_eq(set_one(f, s, -INFINITY), ACTIV_EPARAM_NOTFINITE);
    check_bound(f, s, s->min, (s->flags & ACTIV_PARAM_MIN_OPEN) != 0, -INFINITY);
    check_bound(f, s, s->max, (s->flags & ACTIV_PARAM_MAX_OPEN) != 0, INFINITY);
    if (s->flags & ACTIV_PARAM_NONZERO) ck_assert_int_eq(set_one(f, s, 0.0), ACTIV_EPARAM_RANGE);
    if (!(s->flags & ACTIV_PARAM_REQUIRED)) ck_assert_int_eq(set_one(f, s, s->def), ACTIV_OK);
    activ_params p;
    activ_params_init(&p, f);
    ck_assert_int_eq(activ_params_set_choice(&p, s->name, strlen(s->name), "x", 1),
                     ACTIV_EPARAM_TYPE);
}

static void check_choice_spec(const activ_fn *f, const activ_param_spec *s, size_t idx)
{
    activ_params p;
    activ_params_init(&p, f);
    for (size_t c = 0; s->choices[c]; c++) {
        ck_assert_int_eq(activ_params_set_choice(&p, s->name, strlen(s->name), s->choices[c],
                                                 strlen(s->choices[c])),
                         ACTIV_OK);
        ck_assert(activ_params_get(&p, idx) == (double)c);
    }
    ck_assert_int_eq(activ_params_set_choice(&p, s->name, strlen(s->name), "bogus", 5),
                     ACTIV_EPARAM_CHOICE);
    ck_assert_int_eq(activ_params_set(&p, s->name, strlen(s->name), 1.0), ACTIV_EPARAM_TYPE);
}

START_TEST(params_from_specs)
{
    const activ_fn *f = activ_at((size_t)_i);
    activ_params p;
    ck_assert_int_eq(activ_params_init(&p, f), ACTIV_OK);
    ck_assert_int_eq(activ_params_set(&p, "no_such", 7, 1.0), ACTIV_EPARAM_UNKNOWN);
    ck_assert(isnan(activ_params_get(&p, activ_param_count(f))));
    for (size_t i = 0; i < activ_param_count(f); i++) {
        const activ_param_spec *s = activ_param_at(f, i);
        ck_assert_int_eq(activ_param_index(f, s->name, strlen(s->name)), (int)i);
        if (s->type == ACTIV_PARAM_REAL)
            check_real_spec(f, s);
        else
            check_choice_spec(f, s, i);
        if (s->flags & ACTIV_PARAM_REQUIRED) { /* missing until set */
            size_t bad = 99;
            activ_params_init(&p, f);
            ck_assert_int_eq(activ_params_check(&p, &bad), ACTIV_EPARAM_MISSING);
            ck_assert_uint_le(bad, i);
            double x = 0, y;
            ck_assert_int_eq(activ_eval(&p, &x, &y, 1, 0, NULL), ACTIV_EPARAM_MISSING);
        }
    }
}
END_TEST

START_TEST(param_relations)
{
    const activ_fn *ht = activ_find("hardtanh");
    activ_params p;
    size_t bad = 99;
    activ_params_init(&p, ht);
    ck_assert_int_eq(activ_params_set(&p, "min_val", 7, 1.0), ACTIV_OK);
    ck_assert_int_eq(activ_params_check(&p, &bad), ACTIV_EPARAM_ORDER); /* 1 >= max 1 */
    ck_assert_uint_eq(bad, 1);
    ck_assert_int_eq(activ_params_set(&p, "max_val", 7, 2.0), ACTIV_OK);
    ck_assert_int_eq(activ_params_check(&p, &bad), ACTIV_OK);
    ck_assert_int_eq(activ_params_init(NULL, ht), ACTIV_EINVAL);
    ck_assert_int_eq(activ_params_init(&p, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_params_check(NULL, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_params_set(NULL, "a", 1, 1), ACTIV_EINVAL);
}
END_TEST

/* ---- evaluation -------------------------------------------------------------------------- */

/* Parameters valid for any row: defaults plus the required ones. */
static void bind(activ_params *p, const activ_fn *f)
{
    activ_params_init(p, f);
    for (size_t i = 0; i < activ_param_count(f); i++) {
        const activ_param_spec *s = activ_param_at(f, i);
        if (s->flags & ACTIV_PARAM_REQUIRED) activ_params_set(p, s->name, strlen(s->name), 0.25);
    }
    ck_assert_int_eq(activ_params_check(p, NULL), ACTIV_OK);
}

#define NX 64
static void inputs(double *x, float *xf, double *go, float *gof)
{
    for (int i = 0; i < NX; i++) {
        x[i] = (i - 30) * 0.37 + (i % 5) * 1e-3;
        go[i] = 1.5 - (i % 7) * 0.5;
        xf[i] = (float)x[i], gof[i] = (float)go[i];
    }
}

/* op of an elementwise row over (x, go) into its own buffer, then in place
 * over x and over go: the same bits (activ_compute: every entry point is it,
 * compute_is_every_entry_point below). */
static void check_aliasing(const activ_params *p, activ_op op, activ_dtype dt, const void *x,
                           const void *go)
{
    size_t bytes = NX * (dt == ACTIV_FLOAT32 ? sizeof(float) : sizeof(double));
    double ref[NX], buf[NX]; /* room for NX doubles or floats */
    ck_assert_int_eq(activ_compute(p, op, dt, x, go, ref, NX, 0, NULL), ACTIV_OK);
    memcpy(buf, x, bytes);
    ck_assert_int_eq(activ_compute(p, op, dt, buf, go, buf, NX, 0, NULL), ACTIV_OK);
    ck_assert(!memcmp(buf, ref, bytes));
    memcpy(buf, go, bytes);
    ck_assert_int_eq(activ_compute(p, op, dt, x, buf, buf, NX, 0, NULL), ACTIV_OK);
    ck_assert(!memcmp(buf, ref, bytes));
}

START_TEST(in_place_and_vjp)
{
    const activ_fn *f = activ_at((size_t)_i);
    activ_params p;
    bind(&p, f);
    double x[NX], go[NX], y[NX], g[NX], g1[NX], buf[NX];
    float xf[NX], gof[NX], yf[NX], bf[NX];
    inputs(x, xf, go, gof);
    size_t row = activ_kind_of(f) == ACTIV_ROWWISE ? 16 : 0;
    ck_assert_int_eq(activ_eval(&p, x, y, NX, row, NULL), ACTIV_OK);
    memcpy(buf, x, sizeof buf);
    ck_assert_int_eq(activ_eval(&p, buf, buf, NX, row, NULL), ACTIV_OK);
    ck_assert(!memcmp(buf, y, sizeof y));
    ck_assert_int_eq(activ_eval_f32(&p, xf, yf, NX, row, NULL), ACTIV_OK);
    memcpy(bf, xf, sizeof bf);
    ck_assert_int_eq(activ_eval_f32(&p, bf, bf, NX, row, NULL), ACTIV_OK);
    ck_assert(!memcmp(bf, yf, sizeof yf));
    /* grad with grad_output, and aliased with x and with grad_output */
    ck_assert_int_eq(activ_grad(&p, x, go, g, NX, row, NULL), ACTIV_OK);
    memcpy(buf, x, sizeof buf);
    ck_assert_int_eq(activ_grad(&p, buf, go, buf, NX, row, NULL), ACTIV_OK);
    ck_assert(!memcmp(buf, g, sizeof g));
    memcpy(buf, go, sizeof buf);
    ck_assert_int_eq(activ_grad(&p, x, buf, buf, NX, row, NULL), ACTIV_OK);
    ck_assert(!memcmp(buf, g, sizeof g));
    if (activ_kind_of(f) == ACTIV_ROWWISE) {
        ck_assert_int_eq(activ_grad(&p, x, NULL, g1, NX, row, NULL), ACTIV_EGRAD_OUTPUT);
        ck_assert_int_eq(activ_grad_f32(&p, xf, NULL, yf, NX, row, NULL), ACTIV_EGRAD_OUTPUT);
        ck_assert_int_eq(activ_eval(&p, x, y, NX, 7, NULL), ACTIV_EROW);
        ck_assert_int_eq(activ_eval(&p, x, y, NX, 0, NULL), ACTIV_OK); /* one row */
        /* no second derivative, with or without grad_output, before the row
         * length is looked at; nothing written */
        memcpy(buf, x, sizeof buf);
        ck_assert_int_eq(activ_grad2(&p, x, go, buf, NX, row, NULL), ACTIV_EORDER);
        ck_assert_int_eq(activ_grad2(&p, x, NULL, buf, NX, 7, NULL), ACTIV_EORDER);
        ck_assert_int_eq(activ_grad2_f32(&p, xf, gof, bf, NX, row, NULL), ACTIV_EORDER);
        ck_assert_int_eq(activ_compute(&p, ACTIV_GRAD2, ACTIV_FLOAT64, x, go, buf, NX, 0, NULL),
                         ACTIV_EORDER);
        ck_assert(!memcmp(buf, x, sizeof buf));
        return;
    }
    /* elementwise: the VJP is go * f'(x), and go * f''(x) */
    ck_assert_int_eq(activ_grad(&p, x, NULL, g1, NX, 0, NULL), ACTIV_OK);
    for (int i = 0; i < NX; i++) ck_assert(g[i] == go[i] * g1[i]);
    double h[NX], h1[NX];
    float hf[NX], hf1[NX];
    ck_assert_int_eq(activ_grad2(&p, x, go, h, NX, 0, NULL), ACTIV_OK);
    ck_assert_int_eq(activ_grad2(&p, x, NULL, h1, NX, 0, NULL), ACTIV_OK);
    for (int i = 0; i < NX; i++) ck_assert(h[i] == go[i] * h1[i]);
    memcpy(buf, x, sizeof buf); /* x, grad_output and the output one buffer */
    ck_assert_int_eq(activ_grad2(&p, buf, buf, buf, NX, 0, NULL), ACTIV_OK);
    for (int i = 0; i < NX; i++) ck_assert(buf[i] == x[i] * h1[i]);
    ck_assert_int_eq(activ_grad2_f32(&p, xf, gof, hf, NX, 0, NULL), ACTIV_OK);
    ck_assert_int_eq(activ_grad2_f32(&p, xf, NULL, hf1, NX, 0, NULL), ACTIV_OK);
    for (int i = 0; i < NX; i++) /* one rounding of go*f'': the same where go scales exactly */
        if (fabsf(gof[i]) != 1.5f) ck_assert(hf[i] == gof[i] * hf1[i]);
    check_aliasing(&p, ACTIV_GRAD2, ACTIV_FLOAT64, x, go);
    check_aliasing(&p, ACTIV_GRAD2, ACTIV_FLOAT32, xf, gof);
}
END_TEST

/* activ_compute with each op and dtype gives the bits (and status, and bad
 * index) of the fixed-op entry points, which are written on it. */
START_TEST(compute_is_every_entry_point)
{
    const activ_fn *f = activ_at((size_t)_i);
    activ_params p;
    bind(&p, f);
    double x[NX], go[NX], a[NX], b[NX];
    float xf[NX], gof[NX], af[NX], bf[NX];
    inputs(x, xf, go, gof);
    size_t row = activ_kind_of(f) == ACTIV_ROWWISE ? 16 : 0;
    for (int op = ACTIV_VALUE; op <= ACTIV_GRAD2; op++) {
        for (int with_go = 0; with_go < 2; with_go++) {
            const double *g64 = with_go ? go : NULL;
            const float *g32 = with_go ? gof : NULL;
            size_t bad1 = 7, bad2 = 8;
            activ_status s1, s2, t1, t2;
            memset(a, 0, sizeof a), memset(b, 0, sizeof b);
            memset(af, 0, sizeof af), memset(bf, 0, sizeof bf);
            s1 = activ_compute(&p, (activ_op)op, ACTIV_FLOAT64, x, g64, a, NX, row, &bad1);
            t1 = activ_compute(&p, (activ_op)op, ACTIV_FLOAT32, xf, g32, af, NX, row, NULL);
            if (op == ACTIV_VALUE) {
                s2 = activ_eval(&p, x, b, NX, row, &bad2);
                t2 = activ_eval_f32(&p, xf, bf, NX, row, NULL);
            } else if (op == ACTIV_GRAD) {
                s2 = activ_grad(&p, x, g64, b, NX, row, &bad2);
                t2 = activ_grad_f32(&p, xf, g32, bf, NX, row, NULL);
            } else {
                s2 = activ_grad2(&p, x, g64, b, NX, row, &bad2);
                t2 = activ_grad2_f32(&p, xf, g32, bf, NX, row, NULL);
            }
            ck_assert_int_eq(s1, s2);
            ck_assert_int_eq(t1, t2);
            if (s1 == ACTIV_OK) ck_assert_uint_eq(bad1, bad2);
            ck_assert(!memcmp(a, b, sizeof a) && !memcmp(af, bf, sizeof af));
        }
    }
}
END_TEST

START_TEST(argument_errors)
{
    activ_params p;
    bind(&p, activ_find("relu"));
    double x = 1, y;
    size_t bad = 99;
    ck_assert_int_eq(activ_eval(NULL, &x, &y, 1, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_eval(&p, NULL, &y, 1, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_eval(&p, &x, NULL, 1, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_eval(&p, NULL, NULL, 0, 0, &bad), ACTIV_OK);
    ck_assert_uint_eq(bad, 0);
    ck_assert_int_eq(activ_grad(&p, &x, NULL, NULL, 1, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_eval_f32(NULL, NULL, NULL, 0, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_grad2(&p, NULL, NULL, &y, 1, 0, NULL), ACTIV_EINVAL);
    ck_assert_int_eq(activ_grad2_f32(NULL, NULL, NULL, NULL, 0, 0, NULL), ACTIV_EINVAL);
    /* op and dtype outside their enums; nothing written */
    y = 5;
    ck_assert_int_eq(activ_compute(&p, (activ_op)3, ACTIV_FLOAT64, &x, NULL, &y, 1, 0, NULL),
                     ACTIV_EINVAL);
    ck_assert_int_eq(activ_compute(&p, (activ_op)-1, ACTIV_FLOAT64, &x, NULL, &y, 1, 0, NULL),
                     ACTIV_EINVAL);
    ck_assert_int_eq(activ_compute(&p, ACTIV_VALUE, (activ_dtype)2, &x, NULL, &y, 1, 0, NULL),
                     ACTIV_EINVAL);
    ck_assert_int_eq(activ_compute(&p, ACTIV_GRAD2, (activ_dtype)-1, &x, NULL, &y, 1, 0, NULL),
                     ACTIV_EINVAL);
    ck_assert(y == 5);
    ck_assert_int_eq(activ_compute(NULL, ACTIV_GRAD2, ACTIV_FLOAT64, &x, NULL, &y, 1, 0, NULL),
                     ACTIV_EINVAL);
    ck_assert_int_eq(activ_compute(&p, ACTIV_GRAD2, ACTIV_FLOAT64, &x, NULL, &y, 1, 0, &bad),
                     ACTIV_OK);
    ck_assert(y == 0 && bad == 1); /* relu''(1) = 0 */
    /* grad_output is not read for values */
    ck_assert_int_eq(activ_compute(&p, ACTIV_VALUE, ACTIV_FLOAT64, &x, &x, &y, 1, 0, NULL),
                     ACTIV_OK);
    ck_assert(y == 1);
}
END_TEST

/* A finite input whose exact result overflows: ERANGE, the first index, and
 * every output still written. */
START_TEST(overflow_reports_first_index)
{
    activ_params p;
    bind(&p, activ_find("selu"));
    double x[4] = {1, DBL_MAX, -1, DBL_MAX}, y[4] = {0};
    size_t bad = 99;
    ck_assert_int_eq(activ_eval(&p, x, y, 4, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 1);
    ck_assert(isinf(y[1]) && isinf(y[3]) && y[2] < 0 && y[0] > 1);
    /* the four-lane loop (8 elements) and the scalar loop (3) both report it */
    float xf[8] = {0, 1, 2, 3, 4, FLT_MAX, 6, FLT_MAX}, yf[8];
    ck_assert_int_eq(activ_eval_f32(&p, xf, yf, 8, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 5);
    ck_assert_int_eq(activ_eval_f32(&p, xf + 3, yf, 3, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 2);
    double ones[4] = {1, 1, 1, 1}, go[4] = {1, 1, DBL_MAX, 1}, g[4];
    ck_assert_int_eq(activ_grad(&p, ones, go, g, 4, 0, &bad), ACTIV_ERANGE); /* scale*DBL_MAX */
    ck_assert_uint_eq(bad, 2);
    /* infinite inputs are not overflow */
    double xi[2] = {INFINITY, 1};
    ck_assert_int_eq(activ_eval(&p, xi, y, 2, 0, &bad), ACTIV_OK);
    ck_assert_uint_eq(bad, 2);
    /* rowwise: the log_softmax of -DBL_MAX next to DBL_MAX is -Inf, truly */
    /* second derivatives: grad_output*f'' overflows (selu'' = 1.76 e^x), and a
     * true overflow of f'' itself (celu'' = e^(x/alpha)/alpha, alpha < 0) */
    double x2[5] = {-0.1, -0.1, -0.1, -0.1, -0.1}, go2[5] = {1, 1, 1, DBL_MAX, DBL_MAX}, g2[5];
    ck_assert_int_eq(activ_grad2(&p, x2, go2, g2, 5, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 3);
    ck_assert(isinf(g2[3]) && isinf(g2[4]) && g2[0] > 0);
    float xf2[3] = {-0.1f, -0.1f, -0.1f}, gof2[3] = {1, FLT_MAX, 1}, gf2[3];
    ck_assert_int_eq(activ_grad2_f32(&p, xf2, gof2, gf2, 3, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 1);
    ck_assert_int_eq(activ_grad2_f32(&p, xf2, NULL, gf2, 3, 0, &bad), ACTIV_OK);
    ck_assert_uint_eq(bad, 3);
    activ_params_init(&p, activ_find("celu"));
    ck_assert_int_eq(activ_params_set(&p, "alpha", 5, -1.0), ACTIV_OK);
    double xc[3] = {-1, -1500, -INFINITY}, gc[3];
    ck_assert_int_eq(activ_grad2(&p, xc, NULL, gc, 3, 0, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 1); /* the infinite input's -Inf is the limit, not an overflow */
    ck_assert(gc[0] < 0 && gc[1] == -INFINITY && gc[2] == -INFINITY);
    bind(&p, activ_find("log_softmax"));
    double r[4] = {0, 1, DBL_MAX, -DBL_MAX}, ry[4];
    ck_assert_int_eq(activ_eval(&p, r, ry, 4, 2, &bad), ACTIV_ERANGE);
    ck_assert_uint_eq(bad, 3);
    /* softmax's VJP sums D = sum go_j exp(x_j - m); where that overflows the
     * dot product is still finite (here DBL_MAX) and so is every output (0) */
    bind(&p, activ_find("softmax"));
    double z[9] = {0}, big[9], zg[9];
    for (int i = 0; i < 9; i++) big[i] = DBL_MAX;
    ck_assert_int_eq(activ_grad(&p, z, big, zg, 9, 9, &bad), ACTIV_OK);
    for (int i = 0; i < 9; i++) ck_assert(zg[i] == 0);
}
END_TEST

/* The library has several paths for one row (four-lane kernels where the CPU
 * has them, the scalar kernel for the rest of an array and for the lanes a
 * vector kernel hands back): every element must get the same bits whichever
 * path computes it. One at a time forces the scalar path. */
static void paths_agree_for(const activ_params *pp);

START_TEST(paths_agree)
{
    const activ_fn *f = activ_at((size_t)_i);
    if (activ_kind_of(f) != ACTIV_ELEMENTWISE) return;
    activ_params sets[4];
    size_t n = ag_param_sets(f, sets, 4); /* defaults and generated parameters */
    for (size_t k = 0; k < n; k++) paths_agree_for(&sets[k]);
}
END_TEST

static void paths_agree_for(const activ_params *pp)
{
    const activ_fn *f = pp->fn;
    activ_params p = *pp;
    enum { M = 4003 };
    static double x[M], go[M], y[M], g[M], h[M];
    static float xf[M], gof[M], yf[M], gf[M], hf[M];
    static const double special[] = {0,         -0.0, 1e-300, -1e-300, 0x1p-1074, 38.5,
                                     -700.5,    745,  -745,   1e300,   -1e300,    INFINITY,
                                     -INFINITY, NAN,  0x1p-8, 0x1p-28};
    for (int i = 0; i < M; i++) {
        x[i] =
            i < 16 ? special[i] : (i % 2 ? -1 : 1) * pow(10, (i % 97) / 8.0 - 6) * (1 + i * 1e-4);
        go[i] = 1 + (i % 5) * 0.25;
        xf[i] = (float)x[i], gof[i] = (float)go[i];
    }
    activ_eval(&p, x, y, M, 0, NULL);
    activ_grad(&p, x, go, g, M, 0, NULL);
    activ_eval_f32(&p, xf, yf, M, 0, NULL);
    activ_grad_f32(&p, xf, gof, gf, M, 0, NULL);
    activ_grad2(&p, x, go, h, M, 0, NULL);
    activ_grad2_f32(&p, xf, gof, hf, M, 0, NULL);
    for (int i = 0; i < M; i++) {
        double y1, g1, h1;
        float yf1, gf1, hf1;
        activ_eval(&p, &x[i], &y1, 1, 0, NULL);
        activ_grad(&p, &x[i], &go[i], &g1, 1, 0, NULL);
        activ_eval_f32(&p, &xf[i], &yf1, 1, 0, NULL);
        activ_grad_f32(&p, &xf[i], &gof[i], &gf1, 1, 0, NULL);
        activ_grad2(&p, &x[i], &go[i], &h1, 1, 0, NULL);
        activ_grad2_f32(&p, &xf[i], &gof[i], &hf1, 1, 0, NULL);
        ck_assert_msg(!memcmp(&h1, &h[i], sizeof h1) && !memcmp(&hf1, &hf[i], sizeof hf1),
                      "%s x=%a: f'' batch %a (f32 %a), alone %a (f32 %a)", activ_name(f), x[i],
                      h[i], (double)hf[i], h1, (double)hf1);
        ck_assert_msg(!memcmp(&y1, &y[i], sizeof y1) && !memcmp(&g1, &g[i], sizeof g1),
                      "%s x=%a: batch %a %a, alone %a %a", activ_name(f), x[i], y[i], g[i], y1, g1);
        ck_assert_msg(!memcmp(&yf1, &yf[i], sizeof yf1) && !memcmp(&gf1, &gf[i], sizeof gf1),
                      "%s f32 x=%a: batch %a %a, alone %a %a", activ_name(f), x[i], (double)yf[i],
                      (double)gf[i], (double)yf1, (double)gf1);
    }
}

/* float32 VJPs of the rowwise rows where g_i cancels to 2^-27 of go_i (the
 * float32 paths take a cheap form only where it provably suffices, within
 * 0.5 + 2^-13 float ULP): the float64 VJP (2 double ULPs) rounded to float,
 * which is the correctly rounded result for these rows (no exact value lies
 * within 2^-28 of a midpoint). Without the double-double retry the cheap
 * form is 1 ULP off here. */
START_TEST(f32_vjp_near_cancellation)
{
    enum { R = 64 };
    const char *names[2] = {"log_softmax", "softmax"};
    for (int k = 0; k < 2; k++) {
        activ_params p;
        bind(&p, activ_find(names[k]));
        float xf[R], gof[R], gf[R];
        double x[R], y[R], go[R], g[R];
        for (int i = 0; i < R; i++) x[i] = xf[i] = (float)(3 * sin(i + 1.0));
        ck_assert_int_eq(activ_eval(&p, x, y, R, R, NULL), ACTIV_OK);
        for (int i = 0; i < R; i++) { /* log_softmax: go_i ~ softmax_i*sum(go) */
            double v = k == 0 ? exp(y[i]) * R : 1 + i * 0x1p-20;
            go[i] = gof[i] = (float)v;
        }
        ck_assert_int_eq(activ_grad(&p, x, go, g, R, R, NULL), ACTIV_OK);
        ck_assert_int_eq(activ_grad_f32(&p, xf, gof, gf, R, R, NULL), ACTIV_OK);
        for (int i = 0; i < R; i++) {
            ck_assert_msg(gf[i] == (float)g[i], "%s f32 VJP [%d]: %a, float64 %a", names[k], i,
                          (double)gf[i], g[i]);
        }
    }
}
END_TEST

/* Extreme but valid parameters: finite exact results stay finite. */
START_TEST(extreme_parameters)
{
    activ_params p;
    activ_params_init(&p, activ_find("elu"));
    ck_assert_int_eq(activ_params_set(&p, "alpha", 5, 1e308), ACTIV_OK);
    double x[2] = {-0.1, -1e-300}, y[2], g[2];
    ck_assert_int_eq(activ_grad(&p, x, NULL, g, 2, 0, NULL), ACTIV_OK);
    ck_assert(fabs(g[0] / (1e308 * exp(-0.1)) - 1) < 1e-15 && g[1] == 1e308);
    ck_assert_int_eq(activ_eval(&p, x, y, 2, 0, NULL), ACTIV_OK);
    ck_assert(fabs(y[0] / (1e308 * expm1(-0.1)) - 1) < 1e-15);
    /* alpha*e^x stays a (subnormal) double below x = -1400 when alpha is
     * huge: elu' and elu'' must not flush it to 0 */
    ck_assert_int_eq(activ_params_set(&p, "alpha", 5, 1e300), ACTIV_OK);
    double xt[2] = {-1401, -1454}, gt[2], g2t[2];
    ck_assert_int_eq(activ_grad(&p, xt, NULL, gt, 2, 0, NULL), ACTIV_OK);
    ck_assert_int_eq(activ_grad2(&p, xt, NULL, g2t, 2, 0, NULL), ACTIV_OK);
    for (int i = 0; i < 2; i++) {
        double want = (double)(1e300L * expl((long double)xt[i]));
        ck_assert_msg(gt[i] == want && g2t[i] == want, "elu' and elu''(%g) = %a %a, exact %a",
                      xt[i], gt[i], g2t[i], want);
    }
    ck_assert(gt[0] > 2e-309 && gt[1] == 0); /* e^-1454*1e300 is below the subnormals */
    /* celu with a huge negative alpha overflows truly: -Inf, not NaN */
    activ_params_init(&p, activ_find("celu"));
    ck_assert_int_eq(activ_params_set(&p, "alpha", 5, -1e300), ACTIV_OK);
    double xc = -3e302, yc;
    size_t bc = 9;
    ck_assert_int_eq(activ_eval(&p, &xc, &yc, 1, 0, &bc), ACTIV_ERANGE);
    ck_assert(yc == -INFINITY && bc == 0);
    activ_params_init(&p, activ_find("softplus"));
    ck_assert_int_eq(activ_params_set(&p, "beta", 4, 1e-310), ACTIV_OK); /* subnormal beta */
    size_t bad = 9;
    ck_assert_int_eq(activ_eval(&p, x, y, 1, 0, &bad), ACTIV_ERANGE); /* log(2)/1e-310 */
    ck_assert_uint_eq(bad, 0);
}
END_TEST

/* No global mutable state: concurrent evaluation gives the same bits. */
static void *worker(void *arg)
{
    double *out = arg, x[NX], go[NX];
    float xf[NX], gof[NX];
    inputs(x, xf, go, gof);
    for (int rep = 0; rep < 20; rep++) {
        for (size_t i = 0; i < activ_count(); i++) {
            activ_params p;
            bind(&p, activ_at(i));
            activ_eval(&p, x, out + i * NX, NX, 0, NULL);
        }
    }
    return NULL;
}

START_TEST(thread_safety)
{
    size_t n = activ_count() * NX;
    double *a = calloc(n, sizeof *a), *b = calloc(n, sizeof *b);
    pthread_t t1, t2;
    pthread_create(&t1, NULL, worker, a);
    pthread_create(&t2, NULL, worker, b);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    ck_assert(!memcmp(a, b, n * sizeof *a));
    free(a);
    free(b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("libactiv api");
    TCase *tc = tcase_create("api");
    int n = (int)activ_count();
    tcase_add_test(tc, versions);
    tcase_add_test(tc, strerror_every_code);
    tcase_add_loop_test(tc, registry_rows_are_complete, 0, n);
    tcase_add_test(tc, registry_iteration);
    tcase_add_test(tc, lookup);
    tcase_add_test(tc, suggestions);
    tcase_add_loop_test(tc, params_from_specs, 0, n);
    tcase_add_test(tc, param_relations);
    tcase_add_loop_test(tc, in_place_and_vjp, 0, n);
    tcase_add_loop_test(tc, compute_is_every_entry_point, 0, n);
    tcase_add_test(tc, argument_errors);
    tcase_add_test(tc, overflow_reports_first_index);
    tcase_add_loop_test(tc, paths_agree, 0, n);
    tcase_add_test(tc, f32_vjp_near_cancellation);
    tcase_add_test(tc, extreme_parameters);
    tcase_add_test(tc, thread_safety);
    suite_add_tcase(s, tc);
    return check_run(s);
}
