/*
 * activ.c - the public API over the registry: versions, status strings,
 * lookup, parameter binding and the evaluation entry points.
 */
#include <math.h>
#include <string.h>

#include "registry.h"

const char *activ_version(void)
{
    return ACTIV_VERSION_STRING;
}

unsigned activ_version_num(void)
{
    return ACTIV_VERSION_NUM;
}

const char *activ_strerror(activ_status status)
{
    switch (status) {
#define ACTIV_STATUS_CASE(name, number, sentence)                                                  \
    case name:                                                                                     \
        return sentence;
        ACTIV_STATUS_LIST(ACTIV_STATUS_CASE)
#undef ACTIV_STATUS_CASE
    }
    return "unknown status";
}

/* ---- registry access ---------------------------------------------------- */

size_t activ_count(void)
{
    return activ_registry_len;
}

const activ_fn *activ_at(size_t i)
{
    return i < activ_registry_len ? activ_registry[i] : NULL;
}

const char *activ_name(const activ_fn *f)
{
    return f ? f->name : "";
}

const char *const *activ_aliases(const activ_fn *f)
{
    static const char *const none[] = {NULL};
    return f && f->aliases ? f->aliases : none;
}

activ_kind activ_kind_of(const activ_fn *f)
{
    return f && f->rw ? ACTIV_ROWWISE : ACTIV_ELEMENTWISE;
}

const char *activ_text_of(const activ_fn *f, activ_text which)
{
    const char *s = NULL;
    if (!f) return "";
    switch (which) {
    case ACTIV_TEXT_SUMMARY:
        s = f->summary;
        break;
    case ACTIV_TEXT_FORMULA:
        s = f->formula;
        break;
    case ACTIV_TEXT_FORMULA_LATEX:
        s = f->formula_tex;
        break;
    case ACTIV_TEXT_DERIVATIVE:
        s = f->derivative;
        break;
    case ACTIV_TEXT_DERIVATIVE_LATEX:
        s = f->derivative_tex;
        break;
    case ACTIV_TEXT_RANGE:
        s = f->range;
        break;
    case ACTIV_TEXT_CONSTANTS:
        s = f->constants;
        break;
    case ACTIV_TEXT_ACCURACY:
        s = f->accuracy;
        break;
    case ACTIV_TEXT_PYTORCH:
        s = f->pytorch;
        break;
    case ACTIV_TEXT_DERIVATIVE2:
        s = f->derivative2;
        break;
    case ACTIV_TEXT_DERIVATIVE2_LATEX:
        s = f->derivative2_tex;
        break;
    }
    return s ? s : "";
}

double activ_ulp_bound(const activ_fn *f, int order)
{
    if (!f) return NAN;
    switch (order) {
    case 0:
        return f->ulp_value;
    case 1:
        return f->ulp_grad;
    case 2:
        return f->ew ? f->ulp_grad2 : NAN;
    }
    return NAN;
}

size_t activ_const_count(const activ_fn *f)
{
    return f ? f->nconsts : 0;
}

const activ_const *activ_const_at(const activ_fn *f, size_t i)
{
    return f && i < f->nconsts ? &f->consts[i] : NULL;
}

size_t activ_param_count(const activ_fn *f)
{
    return f ? f->nparams : 0;
}

const activ_param_spec *activ_param_at(const activ_fn *f, size_t i)
{
    return f && i < f->nparams ? &f->params[i] : NULL;
}

int activ_param_index(const activ_fn *f, const char *name, size_t len)
{
    if (!f || !name) return -1;
    for (size_t i = 0; i < f->nparams; i++)
        if (strlen(f->params[i].name) == len && memcmp(f->params[i].name, name, len) == 0)
            return (int)i;
    return -1;
}

size_t activ_kink_count(const activ_fn *f)
{
    return f ? f->nkinks : 0;
}

const activ_kink *activ_kink_at(const activ_fn *f, size_t i)
{
    return f && i < f->nkinks ? &f->kinks[i] : NULL;
}

size_t activ_kink_count_order(const activ_fn *f, int order)
{
    if (!f) return 0;
    return order == 1 ? f->nkinks : (order == 2 ? f->nkinks2 : 0);
}

const activ_kink *activ_kink_at_order(const activ_fn *f, int order, size_t i)
{
    if (i >= activ_kink_count_order(f, order)) return NULL;
    return order == 1 ? &f->kinks[i] : &f->kinks2[i];
}

/* ---- lookup ------------------------------------------------------------- */

/* Names are compared after folding ASCII case and dropping '-' and '_'.
 * Longer names than this cannot match any entry. */
#define NORM_MAX 48

static size_t normalise(const char *s, size_t len, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '-' || c == '_') continue;
        if (k == NORM_MAX) return NORM_MAX + 1;
        out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    return k;
}

static int same_name(const char *norm, size_t k, const char *candidate)
{
    char buf[NORM_MAX];
    size_t m = normalise(candidate, strlen(candidate), buf);
    return m == k && memcmp(buf, norm, k) == 0;
}

const activ_fn *activ_find_n(const char *name, size_t len)
{
    char norm[NORM_MAX];
    if (!name) return NULL;
    size_t k = normalise(name, len, norm);
    if (k == 0 || k > NORM_MAX) return NULL;
    for (size_t i = 0; i < activ_registry_len; i++) {
        const activ_fn *f = activ_registry[i];
        if (same_name(norm, k, f->name)) return f;
        for (const char *const *a = f->aliases; *a; a++)
            if (same_name(norm, k, *a)) return f;
    }
    return NULL;
}

const activ_fn *activ_find(const char *name)
{
    return name ? activ_find_n(name, strlen(name)) : NULL;
}

/* Optimal-string-alignment distance (Levenshtein plus adjacent swaps). */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    size_t prev2[NORM_MAX + 1] = {0}, prev[NORM_MAX + 1], cur[NORM_MAX + 1];
    for (size_t j = 0; j <= m; j++) prev[j] = j;
    for (size_t i = 1; i <= n; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t d = prev[j - 1] + cost;
            if (prev[j] + 1 < d) d = prev[j] + 1;
            if (cur[j - 1] + 1 < d) d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                prev2[j - 2] + 1 < d)
                d = prev2[j - 2] + 1;
            cur[j] = d;
        }
        memcpy(prev2, prev, sizeof prev);
        memcpy(prev, cur, sizeof cur);
    }
    return prev[m];
}

/* Score of candidate for the normalised query: edit distance, or 1 when one
 * contains the other ("leaky" -> leaky_relu); large means no match. */
static size_t match_score(const char *q, size_t k, const char *candidate)
{
    char c[NORM_MAX] = {0};
    size_t m = normalise(candidate, strlen(candidate), c);
    if (m > NORM_MAX) return (size_t)-1;
    size_t d = edit_distance(q, k, c, m);
    if (k >= 3 && m >= 3) {
        size_t shorter = k < m ? k : m;
        const char *lng = k < m ? c : q, *sht = k < m ? q : c;
        size_t lnglen = k < m ? m : k;
        for (size_t i = 0; i + shorter <= lnglen; i++)
            if (memcmp(lng + i, sht, shorter) == 0) return d < 1 ? d : 1;
    }
    size_t limit = k <= 4 ? 1 : (k <= 8 ? 2 : 3);
    return d <= limit ? d : (size_t)-1;
}

static size_t best_score(const char *q, size_t k, const activ_fn *f)
{
    size_t best = match_score(q, k, f->name);
    for (const char *const *a = f->aliases; *a; a++) {
        size_t s = match_score(q, k, *a);
        if (s < best) best = s;
    }
    return best;
}

size_t activ_suggest(const char *name, size_t len, const activ_fn **out, size_t cap)
{
    char q[NORM_MAX];
    size_t k, n = 0;
    if (!name || !out || cap == 0) return 0;
    k = normalise(name, len, q);
    if (k == 0 || k > NORM_MAX) return 0;
    /* by increasing score, registry order breaking ties (an error path:
     * recomputing the scores per pass is cheaper than storing them) */
    for (size_t s = 0; s <= 3 && n < cap; s++)
        for (size_t i = 0; i < activ_registry_len && n < cap; i++)
            if (best_score(q, k, activ_registry[i]) == s) out[n++] = activ_registry[i];
    return n;
}

/* ---- parameters --------------------------------------------------------- */

activ_status activ_params_init(activ_params *p, const activ_fn *f)
{
    if (!p || !f) return ACTIV_EINVAL;
    memset(p, 0, sizeof *p);
    p->fn = f;
    for (size_t i = 0; i < f->nparams; i++) p->v[i] = f->params[i].def;
    return ACTIV_OK;
}

static activ_status check_value(const activ_param_spec *s, double v)
{
    if (!isfinite(v)) return ACTIV_EPARAM_NOTFINITE;
    if (s->flags & ACTIV_PARAM_MIN_OPEN ? !(v > s->min) : !(v >= s->min)) return ACTIV_EPARAM_RANGE;
    if (s->flags & ACTIV_PARAM_MAX_OPEN ? !(v < s->max) : !(v <= s->max)) return ACTIV_EPARAM_RANGE;
    if ((s->flags & ACTIV_PARAM_NONZERO) && v == 0) return ACTIV_EPARAM_RANGE;
    return ACTIV_OK;
}

static int param_lookup(const activ_params *p, const char *name, size_t len)
{
    if (!p || !p->fn || !name) return -1;
    return activ_param_index(p->fn, name, len);
}

activ_status activ_params_set(activ_params *p, const char *name, size_t name_len, double value)
{
    if (!p || !p->fn || !name) return ACTIV_EINVAL;
    int i = param_lookup(p, name, name_len);
    if (i < 0) return ACTIV_EPARAM_UNKNOWN;
    const activ_param_spec *s = &p->fn->params[i];
    if (s->type != ACTIV_PARAM_REAL) return ACTIV_EPARAM_TYPE;
    activ_status st = check_value(s, value);
    if (st != ACTIV_OK) return st;
    p->v[i] = value;
    p->set |= 1u << i;
    return ACTIV_OK;
}

activ_status activ_params_set_choice(activ_params *p, const char *name, size_t name_len,
                                     const char *choice, size_t choice_len)
{
    if (!p || !p->fn || !name || !choice) return ACTIV_EINVAL;
    int i = param_lookup(p, name, name_len);
    if (i < 0) return ACTIV_EPARAM_UNKNOWN;
    const activ_param_spec *s = &p->fn->params[i];
    if (s->type != ACTIV_PARAM_CHOICE) return ACTIV_EPARAM_TYPE;
    for (size_t c = 0; s->choices[c]; c++) {
        if (strlen(s->choices[c]) == choice_len && memcmp(s->choices[c], choice, choice_len) == 0) {
            p->v[i] = (double)c;
            p->set |= 1u << i;
            return ACTIV_OK;
        }
    }
    return ACTIV_EPARAM_CHOICE;
}

activ_status activ_params_check(const activ_params *p, size_t *bad_param)
{
    size_t bad = 0;
    if (!p || !p->fn) return ACTIV_EINVAL;
    const activ_fn *f = p->fn;
    for (size_t i = 0; i < f->nparams; i++) {
        if ((f->params[i].flags & ACTIV_PARAM_REQUIRED) && !(p->set & (1u << i))) {
            if (bad_param) *bad_param = i;
            return ACTIV_EPARAM_MISSING;
        }
    }
    if (f->check) {
        activ_status st = f->check(p->v, &bad);
        if (st != ACTIV_OK) {
            if (bad_param) *bad_param = bad;
            return st;
        }
    }
    return ACTIV_OK;
}

double activ_params_get(const activ_params *p, size_t i)
{
    if (!p || !p->fn || i >= p->fn->nparams) return NAN;
    return p->v[i];
}

/* ---- evaluation --------------------------------------------------------- */

/* Common argument checks, in the order activ.h states; resolves row = 0 for
 * rowwise functions. */
static activ_status prepare(const activ_params *p, activ_op op, const void *x, const void *y,
                            size_t n, size_t *row)
{
    if (!p || !p->fn || (n > 0 && (!x || !y))) return ACTIV_EINVAL;
    activ_status st = activ_params_check(p, NULL);
    if (st != ACTIV_OK) return st;
    if (p->fn->rw) {
        if (op == ACTIV_GRAD2) return ACTIV_EORDER;
        if (*row == 0) *row = n;
        if (n > 0 && n % *row != 0) return ACTIV_EROW;
    }
    return ACTIV_OK;
}

static activ_status finish(size_t first_bad, size_t n, size_t *bad)
{
    if (bad) *bad = first_bad;
    return first_bad < n ? ACTIV_ERANGE : ACTIV_OK;
}

/* An elementwise function's array loop for op and f32 (registry.h). */
static size_t ew_run(const struct activ_ew *ew, activ_op op, int f32, const void *x, const void *go,
                     void *out, size_t n, const double *v)
{
    switch (op) {
    case ACTIV_VALUE:
        return f32 ? ew->f32(x, out, n, v) : ew->f64(x, out, n, v);
    case ACTIV_GRAD:
        return f32 ? ew->d32(x, go, out, n, v) : ew->d64(x, go, out, n, v);
    case ACTIV_GRAD2:
        break;
    }
    return f32 ? ew->d2_32(x, go, out, n, v) : ew->d2_64(x, go, out, n, v);
}

/* A rowwise function over every row (op: value or VJP); the first overflow
 * wins. */
static size_t rw_run(const struct activ_rw *rw, activ_op op, int f32, const void *x, const void *go,
                     void *out, size_t n, size_t row, const double *v)
{
    size_t first = n, es = f32 ? sizeof(float) : sizeof(double);
    for (size_t r0 = 0; r0 < n; r0 += row) {
        const char *xr = (const char *)x + r0 * es, *gr = go ? (const char *)go + r0 * es : NULL;
        char *yr = (char *)out + r0 * es;
        size_t b;
        if (op == ACTIV_VALUE)
            b = f32 ? rw->f32((const float *)xr, (float *)yr, row, v)
                    : rw->f64((const double *)xr, (double *)yr, row, v);
        else
            b = f32 ? rw->vjp32((const float *)xr, (const float *)gr, (float *)yr, row, v)
                    : rw->vjp64((const double *)xr, (const double *)gr, (double *)yr, row, v);
        if (b < row && first == n) first = r0 + b;
    }
    return first;
}

/* Every entry point is this, with its op and dtype (inlined into each, the
 * constants folded). */
static inline activ_status compute(const activ_params *p, activ_op op, activ_dtype dtype,
                                   const void *x, const void *go, void *out, size_t n, size_t row,
                                   size_t *bad)
{
    if ((unsigned)op > ACTIV_GRAD2 || (unsigned)dtype > ACTIV_FLOAT32) return ACTIV_EINVAL;
    activ_status st = prepare(p, op, x, out, n, &row);
    if (st != ACTIV_OK) return st;
    int f32 = dtype == ACTIV_FLOAT32;
    size_t first;
    if (p->fn->ew) {
        first = ew_run(p->fn->ew, op, f32, x, op == ACTIV_VALUE ? NULL : go, out, n, p->v);
    } else {
        if (op == ACTIV_GRAD && !go) return ACTIV_EGRAD_OUTPUT;
        first = rw_run(p->fn->rw, op, f32, x, go, out, n, row, p->v);
    }
    return finish(first, n, bad);
}

activ_status activ_compute(const activ_params *p, activ_op op, activ_dtype dtype, const void *x,
                           const void *grad_output, void *out, size_t n, size_t row, size_t *bad)
{
    return compute(p, op, dtype, x, grad_output, out, n, row, bad);
}

activ_status activ_eval(const activ_params *p, const double *x, double *y, size_t n, size_t row,
                        size_t *bad)
{
    return compute(p, ACTIV_VALUE, ACTIV_FLOAT64, x, NULL, y, n, row, bad);
}

activ_status activ_eval_f32(const activ_params *p, const float *x, float *y, size_t n, size_t row,
                            size_t *bad)
{
    return compute(p, ACTIV_VALUE, ACTIV_FLOAT32, x, NULL, y, n, row, bad);
}

activ_status activ_grad(const activ_params *p, const double *x, const double *grad_output,
                        double *g, size_t n, size_t row, size_t *bad)
{
    return compute(p, ACTIV_GRAD, ACTIV_FLOAT64, x, grad_output, g, n, row, bad);
}

activ_status activ_grad_f32(const activ_params *p, const float *x, const float *grad_output,
                            float *g, size_t n, size_t row, size_t *bad)
{
    return compute(p, ACTIV_GRAD, ACTIV_FLOAT32, x, grad_output, g, n, row, bad);
}

activ_status activ_grad2(const activ_params *p, const double *x, const double *grad_output,
                         double *g, size_t n, size_t row, size_t *bad)
{
    return compute(p, ACTIV_GRAD2, ACTIV_FLOAT64, x, grad_output, g, n, row, bad);
}

activ_status activ_grad2_f32(const activ_params *p, const float *x, const float *grad_output,
                             float *g, size_t n, size_t row, size_t *bad)
{
    return compute(p, ACTIV_GRAD2, ACTIV_FLOAT32, x, grad_output, g, n, row, bad);
}
