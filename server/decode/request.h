/*
 * request.h - decoding /eval and /grad requests into an eval_req.
 *
 * Three forms, one result, one file each (the fields: decode/fields.h):
 *   json.c     {"activation", "x" | "range", "params", "dtype", "grad_output", "order"}
 *   query.c    GET /eval?activation=relu&x=-1,0,2&negative_slope=0.2
 *   binary.c   POST /eval?activation=... with an application/octet-stream
 *              body of little-endian float64/float32 values
 * and what they share: params.c (binding parameters), range.c (numpy's
 * arange and linspace), checks.c, slices.c (a big array on several threads).
 * Each decoder is a pure function of its input (no MHD), so the unit tests
 * drive them directly. On failure they fill a problem (status, detail,
 * pointer) and return -1.
 */
#ifndef ACTIVD_REQUEST_H
#define ACTIVD_REQUEST_H

#include <stddef.h>

#include "activ.h"
#include "wire/jsonscan.h"
#include "wire/problem.h"

typedef struct eval_req {
    int grad; /* /grad rather than /eval */
    const activ_fn *fn;
    activ_params params;
    int f32;          /* dtype float32 */
    int from_range;   /* x was generated from "range": echo it in the answer */
    js_numarray x;    /* values (double even for float32) and shape */
    int has_gout;     /* grad_output given */
    js_numarray gout; /* same shape as x */
    int order;        /* /grad's derivative, 1 or 2, as given; 0 when not given (1,
                         and the answer does not echo it) */
} eval_req;

/* What the library computes for e. */
static inline activ_op eval_req_op(const eval_req *e)
{
    return !e->grad ? ACTIV_VALUE : e->order == 2 ? ACTIV_GRAD2 : ACTIV_GRAD;
}

/* Bytes of one value of e's dtype, as computed and as the binary form
 * carries it. */
static inline size_t eval_req_width(const eval_req *e)
{
    return e->f32 ? sizeof(float) : sizeof(double);
}

static inline activ_dtype eval_req_dtype(const eval_req *e)
{
    return e->f32 ? ACTIV_FLOAT32 : ACTIV_FLOAT64;
}

/* Limits a decoder enforces (from the config). */
typedef struct req_limits {
    size_t max_elements;
    unsigned threads; /* for parsing one big array in slices; 0 or 1: serially */
    /* Memory the caller owns where one array parsed in slices may go
     * instead of a fresh allocation (the body buffer's spare room, already
     * faulted in); the array is then marked lent. NULL: always allocate. */
    double *room;
    size_t room_cap; /* bytes */
} req_limits;

/* One key=value of a query string, as MHD decoded it (value may be NULL). */
typedef struct query_arg {
    const char *key, *value;
} query_arg;

int request_from_json(const char *body, size_t len, int grad, const req_limits *lim, eval_req *e,
                      problem *p);
int request_from_query(const query_arg *args, size_t nargs, int grad, const req_limits *lim,
                       eval_req *e, problem *p);
/* Binary: the query args (activation, dtype, params, optional shape=2,3,
 * order=2 and grad_output=true, meaning the body is x followed by
 * grad_output) for a body of body_len bytes. Sets everything but the
 * values: e->x.v stays NULL, e->x.n/ndim/dims give the shape; the caller
 * computes over the body in place. */
int request_from_binary(const query_arg *args, size_t nargs, size_t body_len, int grad,
                        const req_limits *lim, eval_req *e, problem *p);

/* The binary form's values are little-endian. On a big-endian host,
 * binary_swap turns n values of `width` bytes between that order and the
 * host's, in place (its own inverse); on a little-endian one it does
 * nothing, and the body's bytes are the numbers as they arrive. */
int binary_host_is_le(void);
void binary_swap(void *values, size_t n, size_t width);

/* Free what a decoder allocated (safe on a zeroed or failed eval_req). */
void eval_req_free(eval_req *e);

#endif
