/*
 * json.c - /eval and /grad requests from a JSON body.
 *
 * The decoder walks the top-level object with jsonscan's primitives: number
 * arrays go straight into double buffers (the hot path; a big flat one in
 * slices on several threads, slices.c); "params" and "range" are validated
 * spans handed to jansson. Errors follow one precedence: a syntax error
 * anywhere (400) beats a size limit (413), which beats the first semantic
 * error in document order (422); so scanning continues after a 422 is
 * noted, to find any later syntax error.
 */
#include "decode/decode.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    unsigned seen; /* bit per request field */
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

/* A value of the wrong type for field key: validated and skipped, and a
 * wrong-type 422 "<key> must be <want>, not <what it is>" noted. */
static void wrong_type(jdec *d, int key, const char *want)
{
    char first = peek(d);
    if (js_skip(&d->c, 1, &d->err) != JS_OK) {
        d->syntax = 1;
        return;
    }
    problem p;
    problem_set(&p, P_WRONG_TYPE, "%s must be %s, not %s", request_fields[key].name, want,
                token_type_name(first));
    problem_pointer_key(&p, request_fields[key].name, request_fields[key].len);
    note_sem(d, &p);
}

/* A string field (activation, dtype): decoded into buf, or a wrong-type 422
 * after validating whatever value is there. */
static void scan_string_field(jdec *d, int key, char *buf, size_t cap, size_t *len)
{
    if (peek(d) != '"') {
        wrong_type(d, key, "a string");
        return;
    }
    if (js_string(&d->c, buf, cap, len, &d->err) != JS_OK) d->syntax = 1;
    if (*len > cap) *len = cap;
}

/* order: a number, 1 or 2; a 422 noted where it is, in document order. */
static void scan_order_field(jdec *d, int key)
{
    char first = peek(d), text[NUMTEXT_MAX + 1];
    double v;
    problem p;
    if (first != '-' && (first < '0' || first > '9')) {
        wrong_type(d, key, "the number 1 or 2");
        return;
    }
    if (js_number(&d->c, &v, &d->err) != JS_OK) {
        d->syntax = 1;
        return;
    }
    if (dec_set_order(d->e, v, dec_num_str(v, text), &(where){0, NULL}, &p) != 0) note_sem(d, &p);
}

static void array_fault(jdec *d, int key, js_result r, const js_fault *f)
{
    problem p;
    const char *name = request_fields[key].name;
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

static void scan_array_field(jdec *d, int key, js_numarray *a)
{
    js_fault f;
    memset(&f, 0, sizeof f);
    a->max_elems = d->lim->max_elements;
    if (dec_parse_slices(d->c.p, d->c.end, d->lim, &d->room_taken, a, &d->c.p)) return;
    js_result r = js_numarray_scan(&d->c, 1, a, &d->err, &f);
    if (r == JS_OK) return;
    if (r == JS_SYNTAX) {
        d->syntax = 1;
    } else if (r == JS_TOO_MANY) {
        problem_set(&d->sem, P_TOO_LARGE, "%s has more than %zu elements (--max-elements)",
                    request_fields[key].name, d->lim->max_elements);
        problem_pointer_key(&d->sem, request_fields[key].name, request_fields[key].len);
        d->fatal = 1;
    } else if (r == JS_NOMEM) {
        problem_set(&d->sem, P_INTERNAL, "out of memory reading %s", request_fields[key].name);
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
    if (peek(d) != '{') {
        wrong_type(d, key, "an object");
        return NULL;
    }
    if (js_skip(&d->c, 1, &d->err) != JS_OK) {
        d->syntax = 1;
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
    int k = klen <= sizeof key ? field_find(request_fields, FIELD_COUNT, key, klen, FORM_JSON) : -1;
    if (k >= 0 && (d->seen & (1u << k))) {
        syntax_at(d, kstart, "duplicate object key");
        return;
    }
    if (k >= 0) d->seen |= 1u << k;
    switch (k) {
    case FIELD_ACTIVATION:
        scan_string_field(d, k, d->act, sizeof d->act, &d->act_len);
        break;
    case FIELD_DTYPE:
        scan_string_field(d, k, d->dtype, sizeof d->dtype, &d->dtype_len);
        break;
    case FIELD_X:
        scan_array_field(d, k, &d->e->x);
        break;
    case FIELD_GRAD_OUTPUT:
        d->e->has_gout = 1;
        scan_array_field(d, k, &d->e->gout);
        break;
    case FIELD_ORDER:
        scan_order_field(d, k);
        break;
    case FIELD_PARAMS:
        d->params = scan_object_field(d, k);
        break;
    case FIELD_RANGE:
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
        char names[128];
        field_names(names, sizeof names, request_fields, FIELD_COUNT, FORM_JSON,
                    d->e->grad ? 0 : FIELD_GRAD_ONLY, ", ");
        problem_set(&p, P_UNKNOWN_FIELD, "unknown field \"%.*s\"; fields: %s",
                    (int)(klen > 64 ? 64 : klen), key, names);
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
            dec_locate_field(p, &(where){0, NULL}, FIELD_PARAMS);
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
    return dec_bind_params(d->e, rp, n, &w, p);
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
        int i = field_find(range_fields, RANGE_COUNT, k, strlen(k), FORM_JSON);
        if (i < 0) {
            char names[64];
            field_names(names, sizeof names, range_fields, RANGE_COUNT, FORM_JSON, 0, " or ");
            problem_set(p, P_UNKNOWN_FIELD, "range has no field \"%s\"; fields: %s", k, names);
            dec_locate(p, &w, k, strlen(k));
            return -1;
        }
        if (!json_is_number(v)) {
            problem_set(p, P_WRONG_TYPE, "range %s must be a number, not %s", k, json_type_name(v));
            return dec_range_fail(p, &w, i);
        }
        r.has[i] = 1;
        r.v[i] = json_number_value(v);
    }
    return dec_make_range(d->e, &r, d->lim, &w, p);
}

/* Checks after a clean scan, in the order a user fixes things. */
static int json_semantics(jdec *d, problem *p)
{
    eval_req *e = d->e;
    where w = {0, NULL};
    if (d->have_sem) return *p = d->sem, -1;
    if (!(d->seen & (1u << FIELD_ACTIVATION))) {
        problem_set(p, P_MISSING_FIELD, "activation is required (see GET /activations)");
        return dec_locate_field(p, &w, FIELD_ACTIVATION), -1;
    }
    if (dec_find_activation(e, d->act, d->act_len, &w, p) != 0) return -1;
    if ((d->seen & (1u << FIELD_DTYPE)) && dec_set_dtype(e, d->dtype, d->dtype_len, &w, p) != 0)
        return -1;
    int has_x = d->seen & (1u << FIELD_X), has_range = d->seen & (1u << FIELD_RANGE);
    if (has_x && has_range) {
        problem_set(p, P_CONFLICTING_FIELDS, "give x or range, not both");
        return dec_locate_field(p, &w, FIELD_RANGE), -1;
    }
    if (!has_x && !has_range) {
        problem_set(p, P_MISSING_FIELD,
                    "x (numbers) or range ({start, stop, step|num}) is "
                    "required");
        return dec_locate_field(p, &w, FIELD_X), -1;
    }
    if (d->params ? json_params(d, p) != 0 : dec_bind_params(e, NULL, 0, &w, p) != 0) return -1;
    if (has_range && json_range(d, p) != 0) return -1;
    return dec_final_checks(e, &w, p);
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
