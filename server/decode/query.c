/*
 * query.c - /eval and /grad requests from a query string
 * (GET /eval?activation=relu&x=-1,0,2&negative_slope=0.2), and the keys
 * the binary form shares with it (binary.c).
 */
#include "decode/decode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int dec_qfail(problem *p, enum problem_type t, const char *key, const char *fmt, const char *arg)
{
    problem_set(p, t, fmt, arg);
    snprintf(p->parameter, sizeof p->parameter, "%s", key);
    return -1;
}

/* A repeated key is a 400 even after what would be a 422, so it is looked
 * for first. */
int dec_query_collect(const query_arg *args, size_t nargs, unsigned form, qdec *q, problem *p)
{
    memset(q, 0, sizeof *q);
    for (size_t i = 0; i < nargs; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(args[j].key, args[i].key) == 0)
                return dec_qfail(p, P_MALFORMED_QUERY, args[i].key,
                                 "query parameter '%s' is given twice", args[i].key);
    for (size_t i = 0; i < nargs; i++) {
        const char *k = args[i].key, *v = args[i].value ? args[i].value : "";
        size_t klen = strlen(k);
        int r = field_find(range_fields, RANGE_COUNT, k, klen, form);
        switch (field_find(request_fields, FIELD_COUNT, k, klen, form)) {
        case FIELD_ACTIVATION:
            q->activation = v;
            break;
        case FIELD_DTYPE:
            q->dtype = v;
            break;
        case FIELD_X:
            q->x = v;
            break;
        case FIELD_GRAD_OUTPUT:
            q->gout = v;
            break;
        case FIELD_ORDER:
            q->order = v;
            break;
        case FIELD_SHAPE:
            q->shape = v;
            break;
        default:
            if (r >= 0) {
                if (query_number(v, strlen(v), &q->range.v[r]) != 0)
                    return dec_qfail(p, P_MALFORMED_QUERY, k, "%s is not a number", k);
                q->range.has[r] = 1;
                q->has_range = 1;
                break;
            }
            if (q->nparams == MAX_RAW_PARAMS)
                return dec_qfail(p, P_INVALID_PARAMETER, k, "too many parameters (at %s)", k);
            raw_param *rp = &q->params[q->nparams++];
            memset(rp, 0, sizeof *rp);
            rp->name = k;
            rp->name_len = klen;
            rp->str = v;
            rp->str_len = strlen(v);
            rp->kind = query_number(v, strlen(v), &rp->num) == 0 ? RAW_NUMBER : RAW_BADNUM;
        }
    }
    return 0;
}

/* A CHOICE parameter's text arrives as RAW_BADNUM or RAW_NUMBER: strings. */
int dec_query_common(const qdec *q, eval_req *e, problem *p)
{
    where w = {1, NULL};
    raw_param rp[MAX_RAW_PARAMS];
    if (!q->activation)
        return dec_qfail(p, P_MISSING_FIELD, "activation", "%s is required (see GET /activations)",
                         "activation");
    if (dec_find_activation(e, q->activation, strlen(q->activation), &w, p) != 0) return -1;
    if (q->dtype && dec_set_dtype(e, q->dtype, strlen(q->dtype), &w, p) != 0) return -1;
    if (q->order) {
        double v;
        char text[48];
        if (query_number(q->order, strlen(q->order), &v) != 0) v = 0; /* not a number: refused */
        snprintf(text, sizeof text, "'%.40s'", q->order);
        if (dec_set_order(e, v, text, &w, p) != 0) return -1;
    }
    for (size_t i = 0; i < q->nparams; i++) {
        rp[i] = q->params[i];
        int idx = activ_param_index(e->fn, rp[i].name, rp[i].name_len);
        if (idx >= 0 && activ_param_at(e->fn, (size_t)idx)->type == ACTIV_PARAM_CHOICE)
            rp[i].kind = RAW_STRING;
    }
    return dec_bind_params(e, rp, q->nparams, &w, p);
}

int request_from_query(const query_arg *args, size_t nargs, int grad, const req_limits *lim,
                       eval_req *e, problem *p)
{
    qdec q;
    where w = {1, NULL};
    memset(e, 0, sizeof *e);
    e->grad = grad;
    if (dec_query_collect(args, nargs, FORM_QUERY, &q, p) != 0 || dec_query_common(&q, e, p) != 0)
        goto fail;
    if (q.x && q.has_range) {
        dec_qfail(p, P_CONFLICTING_FIELDS, "x", "give %s or start/stop/step|num, not both", "x");
        goto fail;
    }
    if (!q.x && !q.has_range) {
        dec_qfail(p, P_MISSING_FIELD, "x",
                  "%s (comma-separated numbers) or start, stop and step|num "
                  "is required",
                  "x");
        goto fail;
    }
    if (q.x ? query_list("x", q.x, lim, &e->x, p) != 0
            : dec_make_range(e, &q.range, lim, &w, p) != 0)
        goto fail;
    if (q.gout) {
        e->has_gout = 1;
        if (query_list("grad_output", q.gout, lim, &e->gout, p) != 0) goto fail;
    }
    if (dec_final_checks(e, &w, p) == 0) return 0;
fail:
    eval_req_free(e);
    return -1;
}
