/*
 * binary.c - /eval and /grad requests whose body is the array: raw
 * little-endian float64 or float32 values, described by the query string
 * (activation, dtype, parameters, shape, grad_output=true).
 */
#include "decode/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        return dec_qfail(p, P_MALFORMED_QUERY, "shape",
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
    if (dec_query_collect(args, nargs, FORM_BINARY, &q, p) != 0 || dec_query_common(&q, e, p) != 0)
        return -1;
    if (q.gout) {
        if (strcmp(q.gout, "true") != 0 && strcmp(q.gout, "false") != 0)
            return dec_qfail(p, P_INVALID_VALUE, "grad_output",
                             "grad_output must be true or false (got '%s')", q.gout);
        e->has_gout = strcmp(q.gout, "true") == 0;
    }
    size_t width = eval_req_width(e) * (e->has_gout ? 2 : 1);
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
    return dec_final_checks(e, &w, p);
}

int binary_host_is_le(void)
{
    const unsigned one = 1;
    return *(const unsigned char *)&one == 1;
}

void binary_swap(void *values, size_t n, size_t width)
{
    if (binary_host_is_le()) return;
    char *p = values;
    for (size_t i = 0; i < n; i++, p += width)
        for (size_t a = 0, b = width - 1; a < b; a++, b--) {
            char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}
