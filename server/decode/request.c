/*
 * request.c - /eval and /grad requests from JSON, query strings and binary
 * bodies, validated against the library's registry.
 *
 * The JSON decoder walks the top-level object with jsonscan.c: number arrays
 * go straight into double buffers (the hot path); "params" and "range" are
 * validated spans handed to jansson. Errors follow one precedence: a syntax
 * error anywhere (400) beats a size limit (413), which beats the first
 * semantic error in document order (422); so scanning continues after a 422
 * is noted, to find any later syntax error.
 */
#include "core/bigmem.h"
#include "decode/request.h"

#include <float.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire/numtext.h"
#include "core/par.h"

void eval_req_free(eval_req *e)
{
    if (!e->x.lent) free(e->x.v);
    if (!e->gout.lent) free(e->gout.v);
    e->x.v = e->gout.v = NULL;
}

/* shortest text of a double, NUL-terminated, for messages */
static const char *num_str(double v, char buf[NUMTEXT_MAX + 1])
{
    buf[numtext_f64(v, buf)] = 0;
    return buf;
}

/* Where a field is: a JSON pointer below `section` (body forms) or a query
 * parameter name (query form). */
typedef struct where {
    int query;
    const char *section; /* "params", "range" or NULL (top level) */
} where;

static void locate(problem *p, const where *w, const char *name, size_t len)
{
    if (w->query) {
        snprintf(p->parameter, sizeof p->parameter, "%.*s", (int)len, name);
        return;
    }
    if (w->section) problem_pointer_key(p, w->section, strlen(w->section));
    problem_pointer_key(p, name, len);
}

/* ---- parameters ------------------------------------------------------------ */

enum raw_kind { RAW_NUMBER, RAW_STRING, RAW_BADNUM, RAW_OTHER };

/* A parameter as the client wrote it, before binding. */
typedef struct raw_param {
    const char *name;
    size_t name_len;
    enum raw_kind kind;
    double num;
    const char *str; /* RAW_STRING / RAW_BADNUM: the text */
    size_t str_len;
    const char *json_type; /* RAW_OTHER: "object", "array", ... */
} raw_param;

static void list_params(const activ_fn *fn, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < activ_param_count(fn) && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%s", i ? ", " : "", activ_param_at(fn, i)->name);
}

static void list_choices(const activ_param_spec *s, char *buf, size_t cap)
{
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; s->choices[i] && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s\"%s\"", i ? ", " : "", s->choices[i]);
}

/* The bound a rejected value broke, in words: "> 0", ">= 0", "!= 0". */
static void bound_text(const activ_param_spec *s, double v, char *buf, size_t cap)
{
    char a[NUMTEXT_MAX + 1];
    if ((s->flags & ACTIV_PARAM_NONZERO) && v == 0)
        snprintf(buf, cap, "must not be 0");
    else if (v < s->min || (v == s->min && (s->flags & ACTIV_PARAM_MIN_OPEN)))
        snprintf(buf, cap, "must be %s %s",
                 s->flags & ACTIV_PARAM_MIN_OPEN ? ">" : ">=", num_str(s->min, a));
    else
        snprintf(buf, cap, "must be %s %s",
                 s->flags & ACTIV_PARAM_MAX_OPEN ? "<" : "<=", num_str(s->max, a));
}

static int bind_one(eval_req *e, const raw_param *rp, const where *w, problem *p)
{
    const activ_fn *fn = e->fn;
    char list[256], b[NUMTEXT_MAX + 1];
    int i = activ_param_index(fn, rp->name, rp->name_len);
    if (i < 0) {
        list_params(fn, list, sizeof list);
        if (activ_param_count(fn) == 0)
            problem_set(p, P_INVALID_PARAMETER, "%s takes no parameters (got '%.*s')",
                        activ_name(fn), (int)rp->name_len, rp->name);
        else
            problem_set(p, P_INVALID_PARAMETER, "%s has no parameter '%.*s'; its parameters: %s",
                        activ_name(fn), (int)rp->name_len, rp->name, list);
        goto fail;
    }
    const activ_param_spec *s = activ_param_at(fn, (size_t)i);
    activ_status st;
    if (s->type == ACTIV_PARAM_REAL) {
        if (rp->kind == RAW_BADNUM) {
            problem_set(p, P_MALFORMED_QUERY, "parameter %s: '%.*s' is not a number", s->name,
                        (int)rp->str_len, rp->str);
            goto fail;
        }
        if (rp->kind != RAW_NUMBER) {
            problem_set(p, P_WRONG_TYPE, "parameter %s must be a number, not %s", s->name,
                        rp->kind == RAW_STRING ? "a string" : rp->json_type);
            goto fail;
        }
        st = activ_params_set(&e->params, rp->name, rp->name_len, rp->num);
        if (st == ACTIV_EPARAM_NOTFINITE) {
            problem_set(p, P_INVALID_PARAMETER, "parameter %s must be a finite number", s->name);
            goto fail;
        }
        if (st != ACTIV_OK) {
            bound_text(s, rp->num, list, sizeof list);
            problem_set(p, P_INVALID_PARAMETER, "parameter %s %s (got %s)", s->name, list,
                        num_str(rp->num, b));
            goto fail;
        }
        return 0;
    }
    list_choices(s, list, sizeof list);
    if (rp->kind != RAW_STRING && !(w->query && rp->kind == RAW_BADNUM)) {
        problem_set(p, P_WRONG_TYPE, "parameter %s must be a string, one of %s", s->name, list);
        goto fail;
    }
    st = activ_params_set_choice(&e->params, rp->name, rp->name_len, rp->str, rp->str_len);
    if (st != ACTIV_OK) {
        problem_set(p, P_INVALID_PARAMETER, "parameter %s must be one of %s (got \"%.*s\")",
                    s->name, list, (int)rp->str_len, rp->str);
        goto fail;
    }
    return 0;
fail:
    locate(p, w, rp->name, rp->name_len);
    return -1;
}

/* Bind the client's parameters to e->fn (defaults for the rest) and check
 * them as a set. */
static int bind_params(eval_req *e, const raw_param *rp, size_t n, const where *w, problem *p)
{
    size_t bad = 0;
    activ_params_init(&e->params, e->fn);
    for (size_t i = 0; i < n; i++)
        if (bind_one(e, &rp[i], w, p) != 0) return -1;
    activ_status st = activ_params_check(&e->params, &bad);
    if (st == ACTIV_OK) return 0;
    const activ_param_spec *s = activ_param_at(e->fn, bad);
    if (st == ACTIV_EPARAM_MISSING) {
        problem_set(p, P_MISSING_FIELD, "%s needs parameter %s", activ_name(e->fn), s->name);
    } else {
        const activ_param_spec *s0 = activ_param_at(e->fn, 0);
        char a[NUMTEXT_MAX + 1], b[NUMTEXT_MAX + 1];
        problem_set(p, P_INVALID_PARAMETER, "parameter %s must be greater than %s (got %s <= %s)",
                    s->name, s0->name, num_str(e->params.v[bad], a), num_str(e->params.v[0], b));
    }
    locate(p, w, s->name, strlen(s->name));
    return -1;
}

/* ---- range ------------------------------------------------------------------ */

typedef struct raw_range {
    int has[4]; /* start, stop, step, num */
    double v[4];
} raw_range;

enum { R_START, R_STOP, R_STEP, R_NUM };
static const char *const range_keys[4] = {"start", "stop", "step", "num"};

static int range_key(const char *k, size_t len)
{
    for (int i = 0; i < 4; i++)
        if (strlen(range_keys[i]) == len && memcmp(range_keys[i], k, len) == 0) return i;
    return -1;
}

static int range_fail(problem *p, const where *w, int key)
{
    locate(p, w, range_keys[key], strlen(range_keys[key]));
    return -1;
}

/* numpy.arange(start, stop, step): len = ceil((stop-start)/step), values
 * start + i*d with d = (start+step) - start, as numpy fills them. */
static int fill_arange(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                       problem *p)
{
    double start = r->v[R_START], step = r->v[R_STEP];
    if (step == 0) {
        problem_set(p, P_INVALID_VALUE, "range step must not be 0");
        return range_fail(p, w, R_STEP);
    }
    double len = ceil((r->v[R_STOP] - start) / step);
    if (!(len > 0)) len = 0;
    if (len > (double)lim->max_elements) {
        char a[NUMTEXT_MAX + 1];
        problem_set(p, P_TOO_LARGE, "range has %s elements; the limit is %zu", num_str(len, a),
                    lim->max_elements);
        return range_fail(p, w, R_STEP);
    }
    size_t n = (size_t)len;
    e->x.v = big_malloc((n ? n : 1) * sizeof(double));
    if (!e->x.v) return problem_set(p, P_INTERNAL, "out of memory"), -1;
    double second = start + step, d = second - start;
    for (size_t i = 0; i < n; i++) e->x.v[i] = i == 0 ? start : i == 1 ? second : start + i * d;
    e->x.n = e->x.cap = n;
    e->x.ndim = 1;
    e->x.dims[0] = n;
    return 0;
}

/* numpy.linspace(start, stop, num): step = (stop-start)/(num-1), values
 * i*step + start, the last exactly stop (numpy's special cases included). */
static int fill_linspace(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                         problem *p)
{
    double num = r->v[R_NUM], start = r->v[R_START], stop = r->v[R_STOP];
    if (!(num >= 0) || num != floor(num)) {
        char a[NUMTEXT_MAX + 1];
        problem_set(p, P_INVALID_VALUE, "range num must be a whole number >= 0 (got %s)",
                    num_str(num, a));
        return range_fail(p, w, R_NUM);
    }
    if (num > (double)lim->max_elements) {
        problem_set(p, P_TOO_LARGE, "range num %.0f exceeds the limit of %zu elements", num,
                    lim->max_elements);
        return range_fail(p, w, R_NUM);
    }
    size_t n = (size_t)num;
    e->x.v = big_malloc((n ? n : 1) * sizeof(double));
    if (!e->x.v) return problem_set(p, P_INTERNAL, "out of memory"), -1;
    double delta = stop - start, div = num - 1;
    double step = div > 0 ? delta / div : NAN;
    for (size_t i = 0; i < n; i++) {
        double y = (double)i;
        if (div <= 0)
            y = y * delta;
        else if (step == 0)
            y = y / div * delta;
        else
            y = y * step;
        e->x.v[i] = y + start;
    }
    if (n > 1) e->x.v[n - 1] = stop;
    e->x.n = e->x.cap = n;
    e->x.ndim = 1;
    e->x.dims[0] = n;
    return 0;
}

static int make_range(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                      problem *p)
{
    for (int k = R_START; k <= R_STOP; k++) {
        if (!r->has[k]) {
            problem_set(p, P_MISSING_FIELD, "range needs %s", range_keys[k]);
            return range_fail(p, w, k);
        }
    }
    if (r->has[R_STEP] && r->has[R_NUM]) {
        problem_set(p, P_CONFLICTING_FIELDS,
                    "range takes step (numpy.arange) or num (numpy.linspace), not both");
        return range_fail(p, w, R_NUM);
    }
    if (!r->has[R_STEP] && !r->has[R_NUM]) {
        problem_set(p, P_MISSING_FIELD, "range needs step (numpy.arange) or num (numpy.linspace)");
        return range_fail(p, w, R_STEP);
    }
    for (int k = 0; k < 4; k++) {
        if (r->has[k] && !isfinite(r->v[k])) {
            problem_set(p, P_INVALID_VALUE, "range %s must be a finite number", range_keys[k]);
            return range_fail(p, w, k);
        }
    }
    e->from_range = 1;
    return r->has[R_STEP] ? fill_arange(e, r, lim, w, p) : fill_linspace(e, r, lim, w, p);
}

/* ---- checks shared by all forms ----------------------------------------- */

static int find_activation(eval_req *e, const char *name, size_t len, const where *w, problem *p)
{
    e->fn = activ_find_n(name, len);
    if (e->fn) return 0;
    problem_set(p, P_UNKNOWN_ACTIVATION, "no activation called \"%.*s\"",
                (int)(len > 64 ? 64 : len), name);
    const activ_fn *s[PROBLEM_MAX_SUGGEST];
    p->nsuggest = (unsigned)activ_suggest(name, len, s, PROBLEM_MAX_SUGGEST);
    for (unsigned i = 0; i < p->nsuggest; i++) p->suggest[i] = activ_name(s[i]);
    if (p->nsuggest)
        snprintf(p->detail + strlen(p->detail), sizeof p->detail - strlen(p->detail),
                 "; did you mean %s?", p->suggest[0]);
    locate(p, w, "activation", 10);
    return -1;
}

static int set_dtype(eval_req *e, const char *s, size_t len, const where *w, problem *p)
{
    if (len == 7 && memcmp(s, "float64", 7) == 0)
        e->f32 = 0;
    else if (len == 7 && memcmp(s, "float32", 7) == 0)
        e->f32 = 1;
    else {
        problem_set(p, P_INVALID_VALUE, "dtype must be \"float64\" or \"float32\" (got \"%.*s\")",
                    (int)(len > 32 ? 32 : len), s);
        locate(p, w, "dtype", 5);
        return -1;
    }
    return 0;
}

/* float32: every finite value must stay finite when rounded to float. */
static int check_f32(const js_numarray *a, const char *field, const where *w, problem *p)
{
    for (size_t i = 0; i < a->n; i++) {
        double v = a->v[i];
        if (isfinite(v) && isinf((float)v)) {
            char b[NUMTEXT_MAX + 1];
            problem_set(p, P_INVALID_VALUE, "%s %s is out of the float32 range", field,
                        num_str(v, b));
            if (w->query) { /* the query form names the key, not a pointer */
                snprintf(p->parameter, sizeof p->parameter, "%s", field);
                return -1;
            }
            problem_pointer_key(p, field, strlen(field));
            /* the flat index as a path through the shape */
            size_t idx[JS_MAX_DIMS], rest = i;
            for (unsigned d = a->ndim; d-- > 0;) {
                idx[d] = a->dims[d] ? rest % a->dims[d] : 0;
                rest = a->dims[d] ? rest / a->dims[d] : 0;
            }
            for (unsigned d = 0; d < a->ndim; d++) problem_pointer_index(p, idx[d]);
            return -1;
        }
    }
    return 0;
}

static int same_shape(const js_numarray *a, const js_numarray *b)
{
    if (a->ndim != b->ndim) return 0;
    for (unsigned d = 0; d < a->ndim; d++)
        if (a->dims[d] != b->dims[d]) return 0;
    return 1;
}

static void shape_str(const js_numarray *a, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "[");
    for (unsigned d = 0; d < a->ndim && k < cap; d++)
        k += (size_t)snprintf(buf + k, cap - k, "%s%zu", d ? ", " : "", a->dims[d]);
    if (k < cap) snprintf(buf + k, cap - k, "]");
}

/* After fn, params and x are known: grad_output and dtype rules. */
static int final_checks(eval_req *e, const where *w, problem *p)
{
    if (e->has_gout && !e->grad) {
        problem_set(p, P_UNKNOWN_FIELD, "grad_output is only accepted by /grad");
        locate(p, w, "grad_output", 11);
        return -1;
    }
    if (e->grad && !e->has_gout && activ_kind_of(e->fn) == ACTIV_ROWWISE) {
        problem_set(p, P_MISSING_FIELD,
                    "%s has no elementwise derivative: /grad needs grad_output (the upstream "
                    "gradient) and returns the vector-Jacobian product",
                    activ_name(e->fn));
        locate(p, w, "grad_output", 11);
        return -1;
    }
    if (e->has_gout && !same_shape(&e->x, &e->gout)) {
        char a[128], b[128];
        shape_str(&e->x, a, sizeof a);
        shape_str(&e->gout, b, sizeof b);
        problem_set(p, P_SHAPE_MISMATCH, "grad_output has shape %s but x has shape %s", b, a);
        locate(p, w, "grad_output", 11);
        return -1;
    }
    /* binary bodies (v == NULL here) are float32 already */
    if (e->f32 && e->x.v &&
        (check_f32(&e->x, "x", w, p) || (e->has_gout && check_f32(&e->gout, "grad_output", w, p))))
        return -1;
    return 0;
}

/* ---- JSON bodies ------------------------------------------------------------- */

enum { K_ACTIVATION, K_X, K_RANGE, K_PARAMS, K_DTYPE, K_GRAD_OUTPUT, K_COUNT };
static const char *const top_keys[K_COUNT] = {"activation", "x",     "range",
                                              "params",     "dtype", "grad_output"};

#define MAX_RAW_PARAMS 16
/* Duplicates among unknown top-level keys are found among the first this
 * many distinct ones (the body is a 422 unknown-field anyway; the bound
 * keeps a hostile object of millions of keys linear and small). */
#define MAX_UNKNOWN_KEYS 64

/* State of one JSON decode. */
typedef struct jdec {
    js_cur c;
    const req_limits *lim;
    int room_taken; /* lim->room holds an array already */
    eval_req *e;
    int syntax; /* a syntax error was found: err holds it */
    js_error err;
    int fatal;    /* 413 / 500 during the scan: sem holds it, stop */
    int have_sem; /* first semantic error, in sem */
    problem sem;
    unsigned seen; /* bit per top_keys entry */
    char act[256];
    size_t act_len;
    char dtype[16];
    size_t dtype_len;
    json_t *params, *range;
    /* unknown top-level keys seen so far (decoded), for duplicate checks */
    struct {
        char *s;
        size_t len;
    } unknown[MAX_UNKNOWN_KEYS];
    unsigned n_unknown;
} jdec;

/* The next byte, or 0 at the end of the body (never read past it). */
static char peek(const jdec *d)
{
    return d->c.p < d->c.end ? *d->c.p : 0;
}

static void note_sem(jdec *d, const problem *p)
{
    if (!d->have_sem) d->sem = *p, d->have_sem = 1;
}

static void syntax_at(jdec *d, const char *at, const char *msg)
{
    if (d->syntax) return;
    d->syntax = 1;
    d->err.offset = (size_t)(at - d->c.base);
    snprintf(d->err.msg, sizeof d->err.msg, "%.*s", (int)sizeof d->err.msg - 1, msg);
}

static const char *json_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return "an object";
    case JSON_ARRAY:
        return "an array";
    case JSON_STRING:
        return "a string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
        return "a boolean";
    default:
        return "null";
    }
}

static const char *token_type_name(char c)
{
    switch (c) {
    case '{':
        return "an object";
    case '[':
        return "an array";
    case '"':
        return "a string";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

/* A string field (activation, dtype): decoded into buf, or a wrong-type 422
 * after validating whatever value is there. */
static void scan_string_field(jdec *d, int key, char *buf, size_t cap, size_t *len)
{
    if (peek(d) != '"') {
        char first = peek(d);
        if (js_skip(&d->c, 1, &d->err) != JS_OK) {
            d->syntax = 1;
            return;
        }
        problem p;
        problem_set(&p, P_WRONG_TYPE, "%s must be a string, not %s", top_keys[key],
                    token_type_name(first));
        problem_pointer_key(&p, top_keys[key], strlen(top_keys[key]));
        note_sem(d, &p);
        return;
    }
    if (js_string(&d->c, buf, cap, len, &d->err) != JS_OK) d->syntax = 1;
    if (*len > cap) *len = cap;
}

static void array_fault(jdec *d, int key, js_result r, const js_fault *f)
{
    problem p;
    const char *name = top_keys[key];
    if (r == JS_NOT_NUMBER)
        problem_set(&p, P_WRONG_TYPE,
                    "%s must hold numbers (or \"NaN\", \"Infinity\", \"-Infinity\") in nested "
                    "arrays",
                    name);
    else if (r == JS_RAGGED)
        problem_set(&p, P_NOT_RECTANGULAR,
                    "%s is not rectangular: this element's length or depth differs from the "
                    "first one's",
                    name);
    else
        problem_set(&p, P_INVALID_VALUE, "%s is nested deeper than %d dimensions", name,
                    JS_MAX_DIMS);
    problem_pointer_key(&p, name, strlen(name));
    for (unsigned i = 0; i < f->depth; i++) problem_pointer_index(&p, f->index[i]);
    note_sem(d, &p);
}

/* ---- one big flat array on several threads ---- */

/* A big flat array of plain numbers ([n, n, ...]) is parsed in slices cut
 * at commas, one per thread. Commas are counted per slice first, so each
 * thread writes straight into its place in one array: no copy, no more
 * memory than the serial scanner. Anything else in a slice - a nested
 * array, a string, a syntax error - abandons the attempt (the first ']'
 * found may not even be the array's), and the serial scanner reads the
 * whole value and says what the text is. */
#ifndef PAR_PARSE_BYTES            /* the fuzz build makes it tiny, so fuzzing reaches the slices */
#define PAR_PARSE_BYTES (1u << 20) /* per slice, at least */
#endif

typedef struct slices {
    unsigned n;
    const char *b[PAR_MAX_PARTS + 1]; /* slice k is [b[k], e[k]) */
    const char *e[PAR_MAX_PARTS];
    size_t count[PAR_MAX_PARTS], off[PAR_MAX_PARTS];
    int bad[PAR_MAX_PARTS];
    double *out;
} slices;

/* Commas in [p, e). SSE2 (every x86-64): compare 16 bytes with ',', add the
 * 0/-1 bytes into byte counters for up to 255 rounds, sum them with psadbw;
 * ~0.1 ns a byte. Elsewhere, one byte at a time. */
static size_t count_commas(const char *p, const char *e)
{
    size_t n = 0;
#ifdef __SSE2__
    const __m128i comma = _mm_set1_epi8(',');
    while (e - p >= 16) {
        __m128i acc = _mm_setzero_si128();
        for (int r = 0; r < 255 && e - p >= 16; r++, p += 16)
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)p), comma));
        __m128i sums = _mm_sad_epu8(acc, _mm_setzero_si128());
        n += (size_t)_mm_cvtsi128_si64(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
#endif
    for (; p < e; p++) n += *p == ',';
    return n;
}

static void count_slice(void *ctx, unsigned k)
{
    slices *s = ctx;
    s->count[k] = count_commas(s->b[k], s->e[k]) + 1;
}

static void parse_slice(void *ctx, unsigned k)
{
    slices *s = ctx;
    size_t got = 0;
    s->bad[k] = js_numlist(s->b[k], s->e[k], s->out + s->off[k], s->count[k], &got) != 0 ||
                got != s->count[k];
}

/* Cut [from, to) (the inside of the brackets) after commas into up to
 * `parts` slices of about equal length. */
static void cut_slices(slices *s, const char *from, const char *to, unsigned parts)
{
    size_t len = (size_t)(to - from);
    s->n = 0;
    s->b[0] = from;
    for (unsigned k = 1; k < parts; k++) {
        const char *at = from + len * k / parts, *c = memchr(at, ',', (size_t)(to - at));
        if (!c || c <= s->b[s->n]) break;
        s->e[s->n++] = c;
        s->b[s->n] = c + 1;
    }
    s->e[s->n++] = to;
}

static int parse_in_slices(jdec *d, js_numarray *a)
{
    const char *open = d->c.p, *end = d->c.end;
    unsigned threads = d->lim->threads;
    if (threads < 2 || open == end || *open != '[' || (size_t)(end - open) < 2 * PAR_PARSE_BYTES)
        return 0;
    const char *close = memchr(open + 1, ']', (size_t)(end - open - 1));
    if (!close) return 0;
    size_t len = (size_t)(close - open - 1), total = 0;
    slices s;
    memset(&s, 0, sizeof s);
    cut_slices(&s, open + 1, close, par_parts(len / PAR_PARSE_BYTES * PAR_MIN, threads));
    if (s.n < 2) return 0;
    par_run(count_slice, &s, s.n, threads);
    for (unsigned k = 0; k < s.n; k++) s.off[k] = total, total += s.count[k];
    if (d->lim->max_elements && total > d->lim->max_elements) return 0;
    int lent = !d->room_taken && d->lim->room && total <= d->lim->room_cap / sizeof(double);
    if (!(s.out = lent ? d->lim->room : big_malloc(total * sizeof(double)))) return 0;
    par_run(parse_slice, &s, s.n, threads);
    for (unsigned k = 0; k < s.n; k++) {
        if (s.bad[k]) {
            if (!lent) free(s.out);
            return 0;
        }
    }
    d->room_taken |= lent;
    a->lent = lent;
    a->v = s.out;
    a->n = a->cap = total;
    a->ndim = 1;
    a->dims[0] = total;
    d->c.p = close + 1;
    return 1;
}

static void scan_array_field(jdec *d, int key, js_numarray *a)
{
    js_fault f;
    memset(&f, 0, sizeof f);
    a->max_elems = d->lim->max_elements;
    if (parse_in_slices(d, a)) return;
    js_result r = js_numarray_scan(&d->c, 1, a, &d->err, &f);
    if (r == JS_OK) return;
    if (r == JS_SYNTAX) {
        d->syntax = 1;
    } else if (r == JS_TOO_MANY) {
        problem_set(&d->sem, P_TOO_LARGE, "%s has more than %zu elements (--max-elements)",
                    top_keys[key], d->lim->max_elements);
        problem_pointer_key(&d->sem, top_keys[key], strlen(top_keys[key]));
        d->fatal = 1;
    } else if (r == JS_NOMEM) {
        problem_set(&d->sem, P_INTERNAL, "out of memory reading %s", top_keys[key]);
        d->fatal = 1;
    } else {
        array_fault(d, key, r, &f);
    }
}

/* params / range: validate the span, then let jansson build the (small)
 * object, rejecting duplicate keys. */
static json_t *scan_object_field(jdec *d, int key)
{
    const char *start = d->c.p;
    char first = peek(d);
    if (js_skip(&d->c, 1, &d->err) != JS_OK) {
        d->syntax = 1;
        return NULL;
    }
    if (first != '{') {
        problem p;
        problem_set(&p, P_WRONG_TYPE, "%s must be an object, not %s", top_keys[key],
                    token_type_name(first));
        problem_pointer_key(&p, top_keys[key], strlen(top_keys[key]));
        note_sem(d, &p);
        return NULL;
    }
    json_error_t je;
    json_t *v = json_loadb(start, (size_t)(d->c.p - start),
                           JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &je);
    if (!v) syntax_at(d, start + (je.position > 0 ? je.position - 1 : 0), je.text);
    return v;
}

/* An unknown top-level key (decoded prefix in key[], full length klen,
 * starting at kstart): 1 if it repeats an earlier one, else remembered. */
static int unknown_key_repeats(jdec *d, const char *kstart, const char *key, size_t klen,
                               size_t cap)
{
    char *full = NULL;
    const char *k = key;
    if (klen > cap) { /* decode the whole key again from the body */
        js_cur c = {d->c.base, kstart, d->c.end};
        js_error err;
        size_t len;
        full = malloc(klen);
        if (!full || js_string(&c, full, klen, &len, &err) != JS_OK) {
            free(full);
            return 0;
        }
        k = full;
    }
    for (unsigned i = 0; i < d->n_unknown; i++) {
        if (d->unknown[i].len == klen && memcmp(d->unknown[i].s, k, klen) == 0) {
            free(full);
            return 1;
        }
    }
    if (d->n_unknown < MAX_UNKNOWN_KEYS) {
        if (!full && (full = malloc(klen ? klen : 1)) != NULL) memcpy(full, key, klen);
        if (full) {
            d->unknown[d->n_unknown].s = full;
            d->unknown[d->n_unknown++].len = klen;
            return 0;
        }
    }
    free(full);
    return 0;
}

static int lookup_key(const char *k, size_t len)
{
    for (int i = 0; i < K_COUNT; i++)
        if (strlen(top_keys[i]) == len && memcmp(top_keys[i], k, len) == 0) return i;
    return -1;
}

/* One "key": value member of the top-level object. */
static void scan_member(jdec *d)
{
    char key[64];
    size_t klen;
    const char *kstart = d->c.p;
    if (peek(d) != '"') {
        syntax_at(d, d->c.p, "string or '}' expected");
        return;
    }
    if (js_string(&d->c, key, sizeof key, &klen, &d->err) != JS_OK) {
        d->syntax = 1;
        return;
    }
    js_ws(&d->c);
    if (peek(d) != ':') {
        syntax_at(d, d->c.p, "':' expected");
        return;
    }
    d->c.p++;
    js_ws(&d->c);
    int k = klen <= sizeof key ? lookup_key(key, klen) : -1;
    if (k >= 0 && (d->seen & (1u << k))) {
        syntax_at(d, kstart, "duplicate object key");
        return;
    }
    if (k >= 0) d->seen |= 1u << k;
    switch (k) {
    case K_ACTIVATION:
        scan_string_field(d, k, d->act, sizeof d->act, &d->act_len);
        break;
    case K_DTYPE:
        scan_string_field(d, k, d->dtype, sizeof d->dtype, &d->dtype_len);
        break;
    case K_X:
        scan_array_field(d, k, &d->e->x);
        break;
    case K_GRAD_OUTPUT:
        d->e->has_gout = 1;
        scan_array_field(d, k, &d->e->gout);
        break;
    case K_PARAMS:
        d->params = scan_object_field(d, k);
        break;
    case K_RANGE:
        d->range = scan_object_field(d, k);
        break;
    default: {
        if (unknown_key_repeats(d, kstart, key, klen, sizeof key)) {
            syntax_at(d, kstart, "duplicate object key");
            return;
        }
        if (js_skip(&d->c, 1, &d->err) != JS_OK) {
            d->syntax = 1;
            return;
        }
        problem p;
        problem_set(&p, P_UNKNOWN_FIELD,
                    "unknown field \"%.*s\"; fields: activation, x, range, params, dtype%s",
                    (int)(klen > 64 ? 64 : klen), key, d->e->grad ? ", grad_output" : "");
        problem_pointer_key(&p, key, klen > sizeof key ? sizeof key : klen);
        note_sem(d, &p);
    }
    }
}

/* The whole document: an object whose members scan_member reads. */
static void scan_document(jdec *d)
{
    js_cur *c = &d->c;
    js_ws(c);
    if (c->p == c->end || *c->p != '{') {
        const char *start = c->p;
        if (c->p == c->end) {
            syntax_at(d, c->p, "'[' or '{' expected near end of file");
            return;
        }
        if (js_skip(c, 0, &d->err) != JS_OK) {
            d->syntax = 1;
            return;
        }
        js_ws(c);
        if (c->p != c->end) {
            syntax_at(d, c->p, "end of file expected");
            return;
        }
        problem p;
        problem_set(&p, P_WRONG_TYPE, "the body must be a JSON object, not %s",
                    token_type_name(*start));
        note_sem(d, &p);
        return;
    }
    c->p++;
    js_ws(c);
    if (c->p < c->end && *c->p == '}') {
        c->p++;
    } else {
        for (;;) {
            scan_member(d);
            if (d->syntax || d->fatal) return;
            js_ws(c);
            if (c->p < c->end && *c->p == ',') {
                c->p++;
                js_ws(c);
                continue;
            }
            if (c->p < c->end && *c->p == '}') {
                c->p++;
                break;
            }
            {
                syntax_at(d, c->p, "',' or '}' expected");
                return;
            }
        }
    }
    js_ws(c);
    if (c->p != c->end) syntax_at(d, c->p, "end of file expected");
}

static int json_params(jdec *d, problem *p)
{
    raw_param rp[MAX_RAW_PARAMS];
    size_t n = 0;
    const char *k;
    json_t *v;
    where w = {0, "params"};
    json_object_foreach(d->params, k, v)
    {
        if (n == MAX_RAW_PARAMS) {
            problem_set(p, P_INVALID_PARAMETER, "too many parameters");
            problem_pointer_key(p, "params", 6);
            return -1;
        }
        raw_param *r = &rp[n++];
        memset(r, 0, sizeof *r);
        r->name = k;
        r->name_len = strlen(k);
        if (json_is_number(v))
            r->kind = RAW_NUMBER, r->num = json_number_value(v);
        else if (json_is_string(v))
            r->kind = RAW_STRING, r->str = json_string_value(v), r->str_len = json_string_length(v);
        else
            r->kind = RAW_OTHER, r->json_type = json_type_name(v);
    }
    return bind_params(d->e, rp, n, &w, p);
}

static int json_range(jdec *d, problem *p)
{
    raw_range r;
    const char *k;
    json_t *v;
    where w = {0, "range"};
    memset(&r, 0, sizeof r);
    json_object_foreach(d->range, k, v)
    {
        int i = range_key(k, strlen(k));
        if (i < 0) {
            problem_set(p, P_UNKNOWN_FIELD,
                        "range has no field \"%s\"; fields: start, stop, "
                        "step or num",
                        k);
            locate(p, &w, k, strlen(k));
            return -1;
        }
        if (!json_is_number(v)) {
            problem_set(p, P_WRONG_TYPE, "range %s must be a number, not %s", k, json_type_name(v));
            return range_fail(p, &w, i);
        }
        r.has[i] = 1;
        r.v[i] = json_number_value(v);
    }
    return make_range(d->e, &r, d->lim, &w, p);
}

/* Checks after a clean scan, in the order a user fixes things. */
static int json_semantics(jdec *d, problem *p)
{
    eval_req *e = d->e;
    where w = {0, NULL};
    if (d->have_sem) return *p = d->sem, -1;
    if (!(d->seen & (1u << K_ACTIVATION))) {
        problem_set(p, P_MISSING_FIELD, "activation is required (see GET /activations)");
        return locate(p, &w, "activation", 10), -1;
    }
    if (find_activation(e, d->act, d->act_len, &w, p) != 0) return -1;
    if ((d->seen & (1u << K_DTYPE)) && set_dtype(e, d->dtype, d->dtype_len, &w, p) != 0) return -1;
    int has_x = d->seen & (1u << K_X), has_range = d->seen & (1u << K_RANGE);
    if (has_x && has_range) {
        problem_set(p, P_CONFLICTING_FIELDS, "give x or range, not both");
        return locate(p, &w, "range", 5), -1;
    }
    if (!has_x && !has_range) {
        problem_set(p, P_MISSING_FIELD,
                    "x (numbers) or range ({start, stop, step|num}) is "
                    "required");
        return locate(p, &w, "x", 1), -1;
    }
    if (d->params ? json_params(d, p) != 0 : bind_params(e, NULL, 0, &w, p) != 0) return -1;
    if (has_range && json_range(d, p) != 0) return -1;
    return final_checks(e, &w, p);
}

int request_from_json(const char *body, size_t len, int grad, const req_limits *lim, eval_req *e,
                      problem *p)
{
    jdec d;
    int rc = -1;
    memset(&d, 0, sizeof d);
    memset(e, 0, sizeof *e);
    e->grad = grad;
    d.c.base = d.c.p = body;
    d.c.end = body + len;
    d.lim = lim;
    d.e = e;
    scan_document(&d);
    /* A raw NUL is never JSON, but jansson 2.14 (and so jsonscan, which
     * matches it byte for byte) lets one pass right after a number or a
     * literal: [1\0] reads as [1]. One memchr over the body closes that. */
    const char *nul = memchr(body, 0, len);
    if (nul && (!d.syntax || (size_t)(nul - body) < d.err.offset)) {
        d.syntax = 0;
        syntax_at(&d, nul, "NUL byte in the body");
    }
    if (d.syntax) {
        problem_set(p, P_MALFORMED_JSON, "%s", d.err.msg);
        js_position(body, d.err.offset, &p->line, &p->column);
        p->offset = (long)d.err.offset;
        goto out;
    }
    if (d.fatal) {
        *p = d.sem;
        goto out;
    }
    rc = json_semantics(&d, p);
out:
    for (unsigned i = 0; i < d.n_unknown; i++) free(d.unknown[i].s);
    json_decref(d.params);
    json_decref(d.range);
    if (rc != 0) eval_req_free(e);
    return rc;
}

/* ---- query strings ------------------------------------------------------------ */

/* A query value as a number: the JSON grammar (so "1e3" but not "0x10" or
 * " 1"), or NaN / Infinity / -Infinity. */
static int query_number(const char *s, size_t len, double *out)
{
    if ((len == 3 && memcmp(s, "NaN", 3) == 0)) return *out = NAN, 0;
    if (len == 8 && memcmp(s, "Infinity", 8) == 0) return *out = INFINITY, 0;
    if (len == 9 && memcmp(s, "-Infinity", 9) == 0) return *out = -INFINITY, 0;
    js_cur c = {s, s, s + len};
    js_error err;
    if (len == 0 || js_number(&c, out, &err) != JS_OK || c.p != c.end) return -1;
    return 0;
}

/* x=1,2,3: a flat list. */
static int query_list(const char *key, const char *s, const req_limits *lim, js_numarray *a,
                      problem *p)
{
    size_t n = 1;
    for (const char *q = s; *q; q++) n += *q == ',';
    if (!*s) n = 0;
    if (n > lim->max_elements) {
        problem_set(p, P_TOO_LARGE, "%s has %zu elements; the limit is %zu", key, n,
                    lim->max_elements);
        snprintf(p->parameter, sizeof p->parameter, "%s", key);
        return -1;
    }
    a->v = malloc((n ? n : 1) * sizeof(double));
    if (!a->v) return problem_set(p, P_INTERNAL, "out of memory"), -1;
    const char *q = s;
    for (size_t i = 0; i < n; i++) {
        size_t len = strcspn(q, ",");
        if (query_number(q, len, &a->v[i]) != 0) {
            problem_set(p, P_MALFORMED_QUERY, "%s[%zu]: '%.*s' is not a number", key, i,
                        (int)(len > 40 ? 40 : len), q);
            snprintf(p->parameter, sizeof p->parameter, "%s", key);
            return -1;
        }
        q += len + 1;
    }
    a->n = a->cap = n;
    a->ndim = 1;
    a->dims[0] = n;
    return 0;
}

/* What the query and binary forms share: activation, dtype, parameters. */
typedef struct qdec {
    const char *activation, *dtype, *x, *gout, *shape;
    raw_range range;
    int has_range;
    raw_param params[MAX_RAW_PARAMS];
    size_t nparams;
} qdec;

static int qfail(problem *p, enum problem_type t, const char *key, const char *fmt, const char *arg)
{
    problem_set(p, t, fmt, arg);
    snprintf(p->parameter, sizeof p->parameter, "%s", key);
    return -1;
}

/* Sort the args into q; binary forbids x and range, allows shape. */
static int query_collect(const query_arg *args, size_t nargs, int binary, qdec *q, problem *p)
{
    memset(q, 0, sizeof *q);
    /* a repeated key is a 400 even after what would be a 422 */
    for (size_t i = 0; i < nargs; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(args[j].key, args[i].key) == 0)
                return qfail(p, P_MALFORMED_QUERY, args[i].key,
                             "query parameter '%s' is given twice", args[i].key);
    for (size_t i = 0; i < nargs; i++) {
        const char *k = args[i].key, *v = args[i].value ? args[i].value : "";
        int r = range_key(k, strlen(k));
        if (strcmp(k, "activation") == 0)
            q->activation = v;
        else if (strcmp(k, "dtype") == 0)
            q->dtype = v;
        else if (!binary && strcmp(k, "x") == 0)
            q->x = v;
        else if (strcmp(k, "grad_output") == 0)
            q->gout = v;
        else if (binary && strcmp(k, "shape") == 0)
            q->shape = v;
        else if (!binary && r >= 0) {
            if (query_number(v, strlen(v), &q->range.v[r]) != 0)
                return qfail(p, P_MALFORMED_QUERY, k, "%s is not a number", k);
            q->range.has[r] = 1;
            q->has_range = 1;
        } else {
            if (q->nparams == MAX_RAW_PARAMS)
                return qfail(p, P_INVALID_PARAMETER, k, "too many parameters (at %s)", k);
            raw_param *rp = &q->params[q->nparams++];
            memset(rp, 0, sizeof *rp);
            rp->name = k;
            rp->name_len = strlen(k);
            rp->str = v;
            rp->str_len = strlen(v);
            rp->kind = query_number(v, strlen(v), &rp->num) == 0 ? RAW_NUMBER : RAW_BADNUM;
        }
    }
    return 0;
}

/* activation, dtype and parameters: common to query and binary forms. A
 * CHOICE parameter's text arrives as RAW_BADNUM or RAW_NUMBER: strings. */
static int query_common(const qdec *q, eval_req *e, problem *p)
{
    where w = {1, NULL};
    raw_param rp[MAX_RAW_PARAMS];
    if (!q->activation)
        return qfail(p, P_MISSING_FIELD, "activation", "%s is required (see GET /activations)",
                     "activation");
    if (find_activation(e, q->activation, strlen(q->activation), &w, p) != 0) return -1;
    if (q->dtype && set_dtype(e, q->dtype, strlen(q->dtype), &w, p) != 0) return -1;
    for (size_t i = 0; i < q->nparams; i++) {
        rp[i] = q->params[i];
        int idx = activ_param_index(e->fn, rp[i].name, rp[i].name_len);
        if (idx >= 0 && activ_param_at(e->fn, (size_t)idx)->type == ACTIV_PARAM_CHOICE)
            rp[i].kind = RAW_STRING;
    }
    return bind_params(e, rp, q->nparams, &w, p);
}

int request_from_query(const query_arg *args, size_t nargs, int grad, const req_limits *lim,
                       eval_req *e, problem *p)
{
    qdec q;
    where w = {1, NULL};
    memset(e, 0, sizeof *e);
    e->grad = grad;
    if (query_collect(args, nargs, 0, &q, p) != 0 || query_common(&q, e, p) != 0) goto fail;
    if (q.x && q.has_range) {
        qfail(p, P_CONFLICTING_FIELDS, "x", "give %s or start/stop/step|num, not both", "x");
        goto fail;
    }
    if (!q.x && !q.has_range) {
        qfail(p, P_MISSING_FIELD, "x",
              "%s (comma-separated numbers) or start, stop and step|num "
              "is required",
              "x");
        goto fail;
    }
    if (q.x ? query_list("x", q.x, lim, &e->x, p) != 0 : make_range(e, &q.range, lim, &w, p) != 0)
        goto fail;
    if (q.gout) {
        e->has_gout = 1;
        if (query_list("grad_output", q.gout, lim, &e->gout, p) != 0) goto fail;
    }
    if (final_checks(e, &w, p) == 0) return 0;
fail:
    eval_req_free(e);
    return -1;
}

/* ---- binary bodies ------------------------------------------------------------- */

static int parse_shape(const char *s, eval_req *e, problem *p)
{
    unsigned nd = 0;
    const char *q = s;
    while (*q) {
        char *end;
        if (*q < '0' || *q > '9' || nd == JS_MAX_DIMS) break;
        unsigned long long v = strtoull(q, &end, 10);
        e->x.dims[nd++] = (size_t)v;
        q = end;
        if (*q == ',')
            q++;
        else if (*q)
            break;
    }
    if (*q || nd == 0 || q[-1] == ',')
        return qfail(p, P_MALFORMED_QUERY, "shape",
                     "shape must be comma-separated sizes such as 2,3 (got '%s')", s);
    e->x.ndim = nd;
    return 0;
}

int request_from_binary(const query_arg *args, size_t nargs, size_t body_len, int grad,
                        const req_limits *lim, eval_req *e, problem *p)
{
    qdec q;
    where w = {1, NULL};
    memset(e, 0, sizeof *e);
    e->grad = grad;
    if (query_collect(args, nargs, 1, &q, p) != 0 || query_common(&q, e, p) != 0) return -1;
    if (q.gout) {
        if (strcmp(q.gout, "true") != 0 && strcmp(q.gout, "false") != 0)
            return qfail(p, P_INVALID_VALUE, "grad_output",
                         "grad_output must be true or false (got '%s')", q.gout);
        e->has_gout = strcmp(q.gout, "true") == 0;
    }
    size_t width = (e->f32 ? 4 : 8) * (e->has_gout ? 2 : 1);
    if (body_len % width != 0) {
        problem_set(p, P_INVALID_VALUE, "body of %zu bytes is not a whole number of %s values%s",
                    body_len, e->f32 ? "float32" : "float64",
                    e->has_gout ? " (x then grad_output)" : "");
        return -1;
    }
    size_t n = body_len / width;
    if (n > lim->max_elements) {
        problem_set(p, P_TOO_LARGE, "body holds %zu elements; the limit is %zu", n,
                    lim->max_elements);
        return -1;
    }
    if (q.shape) {
        if (parse_shape(q.shape, e, p) != 0) return -1;
        size_t prod = 1;
        int wrapped = 0; /* 3,12297829382473034411 must not "multiply" to 1 */
        for (unsigned d = 0; d < e->x.ndim; d++)
            wrapped |= __builtin_mul_overflow(prod, e->x.dims[d], &prod);
        if (wrapped || prod != n) {
            if (wrapped)
                problem_set(p, P_SHAPE_MISMATCH,
                            "shape %s has more elements than any body but the body holds %zu",
                            q.shape, n);
            else
                problem_set(p, P_SHAPE_MISMATCH, "shape %s has %zu elements but the body holds %zu",
                            q.shape, prod, n);
            snprintf(p->parameter, sizeof p->parameter, "shape");
            return -1;
        }
    } else {
        e->x.ndim = 1;
        e->x.dims[0] = n;
    }
    e->x.n = n;
    if (e->has_gout) e->gout = e->x, e->gout.v = NULL;
    return final_checks(e, &w, p);
}
