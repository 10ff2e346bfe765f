/*
 * checks.c - what every form of request checks alike: the activation, the
 * dtype, and the rules once fn, params and x are known (grad_output, its
 * shape, order, float32 range); freeing an eval_req; naming the field at
 * fault.
 */
#include "decode/decode.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void eval_req_free(eval_req *e)
{
    if (!e->x.lent) free(e->x.v);
    if (!e->gout.lent) free(e->gout.v);
    e->x.v = e->gout.v = NULL;
}

const char *dec_num_str(double v, char buf[NUMTEXT_MAX + 1])
{
    buf[numtext_f64(v, buf)] = 0;
    return buf;
}

void dec_locate(problem *p, const where *w, const char *name, size_t len)
{
    if (w->query) {
        snprintf(p->parameter, sizeof p->parameter, "%.*s", (int)len, name);
        return;
    }
    if (w->section) problem_pointer_key(p, w->section, strlen(w->section));
    problem_pointer_key(p, name, len);
}

void dec_locate_field(problem *p, const where *w, enum request_field f)
{
    dec_locate(p, w, request_fields[f].name, request_fields[f].len);
}

int dec_find_activation(eval_req *e, const char *name, size_t len, const where *w, problem *p)
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
    dec_locate_field(p, w, FIELD_ACTIVATION);
    return -1;
}

int dec_set_dtype(eval_req *e, const char *s, size_t len, const where *w, problem *p)
{
    if (len == 7 && memcmp(s, "float64", 7) == 0)
        e->f32 = 0;
    else if (len == 7 && memcmp(s, "float32", 7) == 0)
        e->f32 = 1;
    else {
        problem_set(p, P_INVALID_VALUE, "dtype must be \"float64\" or \"float32\" (got \"%.*s\")",
                    (int)(len > 32 ? 32 : len), s);
        dec_locate_field(p, w, FIELD_DTYPE);
        return -1;
    }
    return 0;
}

/* A number, not its spelling: 1.0 and 2e0 are 1 and 2, as in JSON. */
int dec_set_order(eval_req *e, double v, const char *text, const where *w, problem *p)
{
    if (v == 1 || v == 2) {
        e->order = (int)v;
        return 0;
    }
    problem_set(p, P_INVALID_VALUE, "order must be 1 (f') or 2 (f'') (got %.40s)", text);
    dec_locate_field(p, w, FIELD_ORDER);
    return -1;
}

/* float32: every finite value must stay finite when rounded to float. */
static int check_f32(const js_numarray *a, const char *field, const where *w, problem *p)
{
    for (size_t i = 0; i < a->n; i++) {
        double v = a->v[i];
        if (isfinite(v) && isinf((float)v)) {
            char b[NUMTEXT_MAX + 1];
            problem_set(p, P_INVALID_VALUE, "%s %s is out of the float32 range", field,
                        dec_num_str(v, b));
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

int dec_final_checks(eval_req *e, const where *w, problem *p)
{
    if (!e->grad && (e->has_gout || e->order)) {
        enum request_field f = e->has_gout ? FIELD_GRAD_OUTPUT : FIELD_ORDER;
        problem_set(p, P_UNKNOWN_FIELD, "%s is only accepted by /grad", request_fields[f].name);
        dec_locate_field(p, w, f);
        return -1;
    }
    /* the library's ACTIV_EORDER, said before the grad_output a rowwise
     * function needs, which would not help */
    if (e->order == 2 && activ_kind_of(e->fn) == ACTIV_ROWWISE) {
        problem_set(p, P_INVALID_VALUE,
                    "%s works on whole rows and has no second derivative here: order 2 is for "
                    "the elementwise activations",
                    activ_name(e->fn));
        dec_locate_field(p, w, FIELD_ORDER);
        return -1;
    }
    if (e->grad && !e->has_gout && activ_kind_of(e->fn) == ACTIV_ROWWISE) {
        problem_set(p, P_MISSING_FIELD,
                    "%s has no elementwise derivative: /grad needs grad_output (the upstream "
                    "gradient) and returns the vector-Jacobian product",
                    activ_name(e->fn));
        dec_locate_field(p, w, FIELD_GRAD_OUTPUT);
        return -1;
    }
    if (e->has_gout && !same_shape(&e->x, &e->gout)) {
        char a[128], b[128];
        shape_str(&e->x, a, sizeof a);
        shape_str(&e->gout, b, sizeof b);
        problem_set(p, P_SHAPE_MISMATCH, "grad_output has shape %s but x has shape %s", b, a);
        dec_locate_field(p, w, FIELD_GRAD_OUTPUT);
        return -1;
    }
    /* binary bodies (v == NULL here) are float32 already */
    if (e->f32 && e->x.v &&
        (check_f32(&e->x, "x", w, p) || (e->has_gout && check_f32(&e->gout, "grad_output", w, p))))
        return -1;
    return 0;
}
