/*
 * request_oracle.h - the differential check of request_from_json against
 * an independent reading of the same body with jansson, shared by
 * tests/fuzz/fuzz_request.c and tests/unit/test_decoders.c (header-only so
 * each binary keeps its own main).
 *
 * jansson (JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, no duplicate check)
 * reads the body; on top of that, activd's contract rejects duplicate keys
 * in the top-level object (any key; among unknown keys, a repeat of one of
 * the first 64 distinct ones) and anywhere inside "params" and "range"
 * (they are handed to jansson with JSON_REJECT_DUPLICATES), and a raw NUL
 * byte anywhere (jansson 2.14 lets one pass after a number or a literal).
 * For one
 * body and one endpoint (/eval or /grad):
 *  (a) activd answers 400 malformed-json iff that reading rejects the body,
 *      with line/column/offset inside the body;
 *  (b) when activd accepts, the body is an object whose "x" (or "range")
 *      and "grad_output" the jansson tree gives with the same values, bit
 *      for bit, and the same shape; "activation" names the same function;
 *      "order", when there, is /grad's and the number 1 or 2 (2 only for an
 *      elementwise function), and is what activd decoded;
 *  (c) whatever activd answers is a status of the contract (400, 413, 422)
 *      with a JSON pointer into the body where it gives one.
 * oracle_request returns NULL when all agree, else what differed.
 */
#ifndef ACTIVD_REQUEST_ORACLE_H
#define ACTIVD_REQUEST_ORACLE_H

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* numarray_oracle.h's own entry point is not used here */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "numarray_oracle.h"
#include "decode/fields.h"
#include "decode/request.h"

#define REQ_ORACLE_FLAGS (JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL)

/* Walk the members of the top-level object of an already validated text,
 * with jansson reading each key and value (JSON_DISABLE_EOF_CHECK gives the
 * bytes consumed). Returns true when a key repeats, or when a "params" or
 * "range" object holds a duplicate at any depth; false otherwise (also for
 * a non-object body). */
static bool oracle_dup_keys(const char *buf, size_t len)
{
    size_t i = 0, nkeys = 0, cap = 0, nunknown = 0;
    char **keys = NULL;
    size_t *klens = NULL;
    bool dup = false;
#define OWS()                                                                                      \
    while (i < len && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')) i++
    OWS();
    if (i == len || buf[i] != '{') return false;
    i++;
    OWS();
    if (i < len && buf[i] == '}') return false;
    while (i < len && !dup) {
        json_error_t e;
        json_t *k = json_loadb(buf + i, len - i, REQ_ORACLE_FLAGS | JSON_DISABLE_EOF_CHECK, &e);
        if (!json_is_string(k)) abort(); /* validated already */
        i += (size_t)e.position;
        const char *ks = json_string_value(k);
        size_t kl = json_string_length(k);
        for (size_t j = 0; j < nkeys && !dup; j++)
            dup = klens[j] == kl && memcmp(keys[j], ks, kl) == 0;
        bool is_known = field_find(request_fields, FIELD_COUNT, ks, kl, FORM_JSON) >= 0;
        /* activd remembers the first 64 distinct unknown keys only */
        bool remember = is_known || nunknown++ < 64;
        if (remember && nkeys == cap) {
            cap = cap ? 2 * cap : 16;
            keys = realloc(keys, cap * sizeof *keys);
            klens = realloc(klens, cap * sizeof *klens);
            if (!keys || !klens) abort();
        }
        if (remember) {
            keys[nkeys] = malloc(kl ? kl : 1);
            if (!keys[nkeys]) abort();
            memcpy(keys[nkeys], ks, kl);
            klens[nkeys++] = kl;
        }
        OWS();
        if (i >= len || buf[i] != ':') abort();
        i++;
        OWS();
        size_t vstart = i;
        json_t *v = json_loadb(buf + i, len - i, REQ_ORACLE_FLAGS | JSON_DISABLE_EOF_CHECK, &e);
        if (!v) abort();
        i += (size_t)e.position;
        if (json_is_object(v) && ((kl == 6 && memcmp(ks, "params", 6) == 0) ||
                                  (kl == 5 && memcmp(ks, "range", 5) == 0))) {
            json_t *strict =
                json_loadb(buf + vstart, i - vstart, REQ_ORACLE_FLAGS | JSON_REJECT_DUPLICATES, &e);
            if (!strict) dup = true;
            json_decref(strict);
        }
        json_decref(v);
        json_decref(k);
        OWS();
        if (i < len && buf[i] == ',') {
            i++;
            OWS();
            continue;
        }
        break;
    }
#undef OWS
    for (size_t j = 0; j < nkeys; j++) free(keys[j]);
    free(keys);
    free(klens);
    return dup;
}

/* An x / grad_output value of the tree against what activd decoded. */
static const char *oracle_tensor(const json_t *j, const js_numarray *a, const char *which)
{
    static char why[96];
    oracle_walk w;
    memset(&w, 0, sizeof w);
    const char *r = NULL;
    if (!j) {
        r = "accepted a field the tree does not have";
    } else if (!oracle_value(&w, j, 0)) {
        r = "accepted a tensor the jansson walk faults";
    } else {
        w.result = JS_OK;
        r = oracle_compare(&w, JS_OK, a, &(js_fault){0});
    }
    free(w.v);
    if (!r) return NULL;
    snprintf(why, sizeof why, "%s: %s", which, r);
    return why;
}

/* The "order" of the tree (NULL: absent) against what activd decoded. */
static const char *oracle_order(const json_t *order, const eval_req *e, int grad)
{
    if (!order) return e->order == 0 ? NULL : "order decoded from a body without one";
    if (!grad) return "/eval accepted order";
    if (!json_is_number(order)) return "accepted an order that is not a number";
    double v = json_number_value(order);
    if (v != 1 && v != 2) return "accepted an order other than 1 or 2";
    if (e->order != (int)v) return "order decoded differently";
    if (v == 2 && activ_kind_of(e->fn) != ACTIV_ELEMENTWISE)
        return "accepted order 2 of a rowwise function";
    return NULL;
}

static bool oracle_status_ok(unsigned st)
{
    return st == 400 || st == 413 || st == 422;
}

/* activd accepted: the tree must say the same. */
static const char *oracle_accepted(const json_t *tree, const eval_req *e, int grad,
                                   size_t max_elements)
{
    json_t *act = json_object_get(tree, "activation");
    json_t *x = json_object_get(tree, "x");
    json_t *go = json_object_get(tree, "grad_output");
    if (!json_is_object(tree)) return "accepted a body that is not an object";
    if (!json_is_string(act)) return "accepted without a string activation";
    if (activ_find_n(json_string_value(act), json_string_length(act)) != e->fn)
        return "activation resolves differently";
    if (e->from_range ? x != NULL || !json_is_object(json_object_get(tree, "range")) : x == NULL)
        return "x / range not as in the tree";
    const char *why = e->from_range ? NULL : oracle_tensor(x, &e->x, "x");
    if (why) return why;
    if ((go != NULL) != (e->has_gout != 0)) return "grad_output presence differs";
    if (go && !grad) return "/eval accepted grad_output";
    if (go && (why = oracle_tensor(go, &e->gout, "grad_output")) != NULL) return why;
    if ((why = oracle_order(json_object_get(tree, "order"), e, grad)) != NULL) return why;
    if (e->x.n > max_elements) return "more elements than the limit";
    return NULL;
}

/* One body, one endpoint, one element limit. */
static const char *oracle_request_one(const char *buf, size_t len, int grad, size_t max_elements)
{
    json_error_t jerr;
    json_t *tree = json_loadb(buf, len, REQ_ORACLE_FLAGS, &jerr);
    /* a raw NUL is never JSON; jansson 2.14 skips one after a number or
     * literal ([1\0] reads as [1]), activd rejects it anywhere */
    bool want400 = !tree || memchr(buf, 0, len) || oracle_dup_keys(buf, len);
    /* /grad with three threads: with the fuzz build's tiny PAR_PARSE_BYTES a
     * flat x is then parsed in slices; /eval by the serial scanner */
    req_limits lim = {.max_elements = max_elements, .threads = grad ? 3 : 1};
    eval_req e;
    problem p;
    const char *why = NULL;
    int rc = request_from_json(buf, len, grad, &lim, &e, &p);
    unsigned st = rc == 0 ? 200 : problem_status(p.type);
    if (rc != 0 && !oracle_status_ok(st)) {
        why = "an answer outside 400/413/422";
    } else if (st == 413 && want400 &&
               (strcmp(p.pointer, "/x") == 0 || strcmp(p.pointer, "/grad_output") == 0)) {
        /* the element limit stops the scan of x at once, so a syntax
         * error after the limit is not seen: 413 instead of 400 */
    } else if ((st == 400) != want400) {
        why = want400 ? "jansson rejects (or duplicate key), activd does not"
                      : "jansson accepts, activd answers 400";
    } else if (st == 400) {
        if (p.type != P_MALFORMED_JSON)
            why = "400 that is not malformed-json";
        else if (p.offset < 0 || (size_t)p.offset > len || p.line < 1 || p.column < 1)
            why = "malformed-json position outside the body";
    } else if (rc != 0) {
        if (p.pointer[0] && p.pointer[0] != '/') why = "pointer is not a JSON pointer";
    } else {
        why = oracle_accepted(tree, &e, grad, max_elements);
        eval_req_free(&e);
    }
    json_decref(tree);
    return why;
}

/* The full check: both endpoints, a large and a small element limit. */
static const char *oracle_request(const char *buf, size_t len)
{
    const char *why = NULL;
    for (int grad = 0; grad < 2 && !why; grad++) {
        why = oracle_request_one(buf, len, grad, (size_t)1 << 20);
        if (!why) why = oracle_request_one(buf, len, grad, 3);
    }
    return why;
}

#endif
