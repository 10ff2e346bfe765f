/*
 * numarray_oracle.h - the differential check of jsonscan against jansson,
 * shared by tests/unit/test_jsonscan.c and tests/fuzz/fuzz_numarray.c
 * (header-only so each binary keeps its own main).
 *
 * For one input text:
 *  (a) js_ws + js_skip + js_ws to the end accepts iff json_loadb with
 *      JSON_DECODE_ANY|JSON_DECODE_INT_AS_REAL accepts;
 *  (b) js_numarray agrees with a walk of jansson's tree that applies the
 *      same shape rules in document order: the same values bit for bit and
 *      the same shape, or the same fault at the same path, or JS_TOO_MANY at
 *      the same element; when jansson rejects, JS_SYNTAX (or JS_TOO_MANY if
 *      the scan stopped before reaching the error).
 * oracle_check returns NULL when all agree, else what differed.
 */
#ifndef ACTIVD_NUMARRAY_ORACLE_H
#define ACTIVD_NUMARRAY_ORACLE_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "wire/jsonscan.h"

#define ORACLE_FLAGS (JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)

/* The expected outcome, built from jansson's tree. */
typedef struct oracle_walk {
    js_result result;
    js_fault fault;
    bool ndim_known;
    unsigned ndim;
    unsigned dims_known;
    size_t dims[JS_MAX_DIMS];
    size_t count[JS_MAX_DIMS];
    double *v;
    size_t n, cap, max_elems;
} oracle_walk;

static void oracle_fault(oracle_walk *w, js_result kind, unsigned lvl)
{
    w->result = kind;
    w->fault.depth = lvl;
    for (unsigned i = 0; i < lvl; i++) w->fault.index[i] = w->count[i];
}

/* A number, or a string naming a non-finite one: its value. */
static bool oracle_leaf(const json_t *j, double *v)
{
    if (json_is_real(j)) return *v = json_real_value(j), true;
    if (!json_is_string(j)) return false;
    const char *s = json_string_value(j);
    size_t n = json_string_length(j);
    if (n == 3 && !memcmp(s, "NaN", 3)) return *v = NAN, true;
    if (n == 8 && !memcmp(s, "Infinity", 8)) return *v = INFINITY, true;
    if (n == 9 && !memcmp(s, "-Infinity", 9)) return *v = -INFINITY, true;
    return false;
}

static bool oracle_store(oracle_walk *w, double v)
{
    if (w->max_elems && w->n == w->max_elems) return w->result = JS_TOO_MANY, false;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->v = realloc(w->v, w->cap * sizeof *w->v);
        if (!w->v) abort();
    }
    w->v[w->n++] = v;
    return true;
}

/* Mirrors js_numarray's rules: the first number or empty array fixes ndim,
 * the first array closed at each level fixes that dimension. Recursion is
 * fine here: at most JS_MAX_DIMS + 1 levels are entered. */
static bool oracle_value(oracle_walk *w, const json_t *j, unsigned lvl)
{
    double v;
    if (json_is_array(j)) {
        if (lvl == JS_MAX_DIMS) return oracle_fault(w, JS_TOO_DEEP, lvl), false;
        if (w->ndim_known && lvl >= w->ndim) return oracle_fault(w, JS_RAGGED, lvl), false;
        size_t n = json_array_size(j);
        w->count[lvl] = 0;
        for (size_t i = 0; i < n; i++, w->count[lvl]++)
            if (!oracle_value(w, json_array_get(j, i), lvl + 1)) return false;
        if (!w->ndim_known) w->ndim_known = true, w->ndim = lvl + 1;
        if (w->dims_known >> lvl & 1) {
            if (w->dims[lvl] != n) return oracle_fault(w, JS_RAGGED, lvl), false;
        } else {
            w->dims_known |= 1u << lvl;
            w->dims[lvl] = n;
        }
        return true;
    }
    if (!oracle_leaf(j, &v)) return oracle_fault(w, JS_NOT_NUMBER, lvl), false;
    if (!w->ndim_known)
        w->ndim_known = true, w->ndim = lvl;
    else if (w->ndim != lvl)
        return oracle_fault(w, JS_RAGGED, lvl), false;
    return oracle_store(w, v);
}

static bool oracle_same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static const char *oracle_compare(const oracle_walk *w, js_result r, const js_numarray *a,
                                  const js_fault *f)
{
    if (r != w->result) return "js_numarray result differs from the jansson walk";
    if (r == JS_NOT_NUMBER || r == JS_RAGGED || r == JS_TOO_DEEP) {
        if (f->depth != w->fault.depth) return "fault path depth differs";
        for (unsigned i = 0; i < f->depth; i++)
            if (f->index[i] != w->fault.index[i]) return "fault path differs";
    }
    if (r != JS_OK) return NULL;
    if (a->n != w->n) return "element count differs";
    if (a->ndim != w->ndim) return "ndim differs";
    size_t prod = 1;
    for (unsigned i = 0; i < a->ndim; i++) {
        if (a->dims[i] != w->dims[i]) return "dims differ";
        prod *= a->dims[i];
    }
    if (prod != a->n) return "dims do not multiply to n";
    for (size_t i = 0; i < a->n; i++)
        if (!oracle_same_bits(a->v[i], w->v[i])) return "a value differs";
    return NULL;
}

/* (a): js_skip accepts exactly what jansson accepts. */
static const char *oracle_skip(const char *buf, size_t len, bool jansson_ok)
{
    js_cur c = {buf, buf, buf + len};
    js_error err;
    js_ws(&c);
    js_result r = js_skip(&c, 0, &err);
    if (r == JS_OK) js_ws(&c);
    bool ok = r == JS_OK && c.p == c.end;
    if (r != JS_OK && r != JS_SYNTAX) return "js_skip returned neither OK nor SYNTAX";
    if (r == JS_SYNTAX && err.offset > len) return "js_skip error offset past the end";
    if (ok != jansson_ok)
        return jansson_ok ? "jansson accepts, js_skip rejects" : "jansson rejects, js_skip accepts";
    return NULL;
}

/* (b) for one element limit. */
static const char *oracle_numarray(const char *buf, size_t len, const json_t *tree,
                                   size_t max_elems)
{
    js_cur c = {buf, buf, buf + len};
    js_error err;
    js_fault fault;
    js_numarray a;
    memset(&a, 0, sizeof a);
    a.max_elems = max_elems;
    js_ws(&c);
    js_result r = js_numarray(&c, 0, &a, &err, &fault);
    if ((r == JS_OK || r == JS_NOT_NUMBER || r == JS_RAGGED || r == JS_TOO_DEEP)) {
        js_ws(&c);
        if (c.p != c.end) r = JS_SYNTAX; /* trailing text: the document is not JSON */
    }
    const char *why = NULL;
    if (!tree) {
        if (r != JS_SYNTAX && r != JS_TOO_MANY) why = "jansson rejects, js_numarray does not";
    } else {
        oracle_walk w;
        memset(&w, 0, sizeof w);
        w.max_elems = max_elems;
        if (oracle_value(&w, tree, 0)) w.result = JS_OK;
        why = oracle_compare(&w, r, &a, &fault);
        free(w.v);
    }
    free(a.v);
    return why;
}

static const char *oracle_check(const char *buf, size_t len)
{
    json_error_t jerr;
    json_t *tree = json_loadb(buf, len, ORACLE_FLAGS, &jerr);
    const char *why = oracle_skip(buf, len, tree != NULL);
    if (!why) why = oracle_numarray(buf, len, tree, 0);
    if (!why) why = oracle_numarray(buf, len, tree, 5);
    json_decref(tree);
    return why;
}

#endif
