/*
 * query_oracle.h - checks of request_from_query and request_from_binary on
 * hostile query arguments, shared by tests/fuzz/fuzz_query.c and
 * tests/unit/test_decoders.c (header-only).
 *
 * Input layout (what the fuzzer mutates):
 *   byte 0     bit 0: /grad; bit 1: binary form; bit 2: body length in 4 KiB
 *              units (reaches past the element limit)
 *   bytes 1-2  body length, little-endian (binary form only)
 *   the rest   a decoded query string: '&' (or NUL) separates arguments,
 *              the first '=' a key from its value; no '=' means a NULL value
 *              as MHD gives for "?flag"
 * Each key and value is copied to its own exact-size NUL-terminated heap
 * string, so reading past one is a sanitizer error.
 *
 * Checked: the answer is 200 or a contract error (400/413/422) with the
 * query key at fault in `parameter` where one is named; a repeated key is
 * always 400; an accepted order is /grad's, a JSON number equal to 1 or 2
 * (2 for elementwise functions only) and what was decoded, and none is
 * decoded without one; accepted x / grad_output items are exactly the JSON-number
 * texts jansson reads (or NaN/Infinity/-Infinity), with the same bits;
 * binary: the shape multiplies (without wrapping) to the element count, and
 * the element count times the value width is the body length.
 */
#ifndef ACTIVD_QUERY_ORACLE_H
#define ACTIVD_QUERY_ORACLE_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/request.h"
#include "routes/args.h"

#define QO_MAX_ARGS ARGS_MAX /* the most a request may have */

typedef struct qo_input {
    int grad, binary;
    size_t body_len;
    query_arg args[QO_MAX_ARGS];
    size_t nargs;
} qo_input;

static char *qo_dup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p) abort();
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

static void qo_parse(const uint8_t *data, size_t size, qo_input *in)
{
    memset(in, 0, sizeof *in);
    if (size < 3) return;
    in->grad = data[0] & 1;
    in->binary = (data[0] >> 1) & 1;
    in->body_len = (size_t)data[1] | (size_t)data[2] << 8;
    if (data[0] & 4) in->body_len *= 4096;
    const char *s = (const char *)data + 3, *end = (const char *)data + size;
    while (s < end && in->nargs < QO_MAX_ARGS) {
        const char *e = s;
        while (e < end && *e != '&' && *e != 0) e++;
        const char *eq = memchr(s, '=', (size_t)(e - s));
        query_arg *a = &in->args[in->nargs++];
        a->key = qo_dup(s, (size_t)((eq ? eq : e) - s));
        a->value = eq ? qo_dup(eq + 1, (size_t)(e - eq - 1)) : NULL;
        s = e + 1;
    }
}

static void qo_free(qo_input *in)
{
    for (size_t i = 0; i < in->nargs; i++) {
        free((char *)in->args[i].key);
        free((char *)in->args[i].value);
    }
}

static const char *qo_value(const qo_input *in, const char *key)
{
    for (size_t i = 0; i < in->nargs; i++)
        if (strcmp(in->args[i].key, key) == 0) return in->args[i].value ? in->args[i].value : "";
    return NULL;
}

/* One comma-separated item as the contract reads it: NaN / Infinity /
 * -Infinity, or exactly one JSON number (jansson, no surrounding space). */
static bool qo_item(const char *s, size_t n, double *v)
{
    if (n == 3 && !memcmp(s, "NaN", 3)) return *v = NAN, true;
    if (n == 8 && !memcmp(s, "Infinity", 8)) return *v = INFINITY, true;
    if (n == 9 && !memcmp(s, "-Infinity", 9)) return *v = -INFINITY, true;
    if (n == 0 || s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') return false;
    char last = s[n - 1];
    if (last == ' ' || last == '\t' || last == '\n' || last == '\r') return false;
    json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
    bool ok = json_is_real(j);
    if (ok) *v = json_real_value(j);
    json_decref(j);
    return ok;
}

/* Does a flat list decode to exactly a's values? NULL or the reason. */
static const char *qo_list(const char *text, const js_numarray *a)
{
    size_t n = 0;
    const char *q = text;
    if (*text) {
        for (;;) {
            size_t len = strcspn(q, ",");
            double v;
            if (!qo_item(q, len, &v)) return "accepted an item jansson does not read as a number";
            if (n >= a->n) return "fewer values than items";
            if (memcmp(&v, &a->v[n], sizeof v) != 0) return "a value differs from jansson's";
            n++;
            if (!q[len]) break;
            q += len + 1;
        }
    }
    if (n != a->n || a->ndim != 1 || a->dims[0] != n) return "count or shape differs";
    return NULL;
}

static bool qo_has_bad_item(const char *text)
{
    const char *q = text;
    for (;;) {
        size_t len = strcspn(q, ",");
        double v;
        if (!qo_item(q, len, &v)) return true;
        if (!q[len]) return false;
        q += len + 1;
    }
}

static bool qo_repeated(const qo_input *in)
{
    for (size_t i = 0; i < in->nargs; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(in->args[i].key, in->args[j].key) == 0) return true;
    return false;
}

/* The order key's value (NULL: absent) against what was decoded. */
static const char *qo_order(const char *text, const eval_req *e)
{
    double v;
    if (!text) return e->order == 0 ? NULL : "order decoded from a query without one";
    if (!e->grad) return "/eval accepted order";
    if (!qo_item(text, strlen(text), &v) || (v != 1 && v != 2))
        return "accepted an order that is not the number 1 or 2";
    if (e->order != (int)v) return "order decoded differently";
    if (v == 2 && activ_kind_of(e->fn) != ACTIV_ELEMENTWISE)
        return "accepted order 2 of a rowwise function";
    return NULL;
}

static const char *qo_check_one(const qo_input *in, size_t max_elements)
{
    req_limits lim = {.max_elements = max_elements};
    eval_req e;
    problem p;
    int rc = in->binary
                 ? request_from_binary(in->args, in->nargs, in->body_len, in->grad, &lim, &e, &p)
                 : request_from_query(in->args, in->nargs, in->grad, &lim, &e, &p);
    const char *why = NULL;
    if (rc != 0) {
        unsigned st = problem_status(p.type);
        if (st != 400 && st != 413 && st != 422) return "an answer outside 400/413/422";
        if (qo_repeated(in) && p.type != P_MALFORMED_QUERY) return "a repeated key is not a 400";
        if (p.type == P_MALFORMED_QUERY && !p.parameter[0] && qo_value(in, "") == NULL)
            return "malformed-query names no parameter"; /* (an empty key names "") */
        if (!in->binary && p.type == P_MALFORMED_QUERY && !strcmp(p.parameter, "x") &&
            !qo_repeated(in) && !qo_has_bad_item(qo_value(in, "x")))
            return "malformed-query on x whose items are all numbers";
        if (p.pointer[0]) return "a pointer on a query-form problem";
        return NULL;
    }
    if (qo_repeated(in))
        why = "accepted a repeated key";
    else if (!e.fn)
        why = "accepted without an activation";
    else if (e.has_gout && !e.grad)
        why = "/eval accepted grad_output";
    else if (e.x.n > max_elements)
        why = "more elements than the limit";
    else if (in->binary) {
        size_t width = (e.f32 ? 4 : 8) * (e.has_gout ? 2 : 1), prod = 1;
        bool wrapped = false;
        for (unsigned d = 0; d < e.x.ndim; d++)
            wrapped |= __builtin_mul_overflow(prod, e.x.dims[d], &prod);
        if (e.x.v)
            why = "binary decode set values";
        else if (wrapped || prod != e.x.n)
            why = "binary shape does not multiply to the count";
        else if (e.x.n * width != in->body_len)
            why = "binary count times width is not the body";
        else if (e.x.ndim == 0)
            why = "binary tensor without dimensions";
    } else {
        const char *x = qo_value(in, "x"), *go = qo_value(in, "grad_output");
        if (x)
            why = qo_list(x, &e.x);
        else if (!e.from_range)
            why = "accepted without x or a range";
        if (!why && go) why = e.has_gout ? qo_list(go, &e.gout) : "grad_output ignored";
    }
    if (!why) why = qo_order(qo_value(in, "order"), &e);
    eval_req_free(&e);
    return why;
}

static const char *qo_check(const uint8_t *data, size_t size)
{
    qo_input in;
    qo_parse(data, size, &in);
    const char *why = qo_check_one(&in, (size_t)1 << 16);
    if (!why) why = qo_check_one(&in, 3);
    qo_free(&in);
    return why;
}

#endif
