/*
 * decode.h - what the decoders of request.h share: where a field is, the
 * parameter binder (params.c), ranges (range.c), the checks every form
 * ends with (checks.c), the sliced array parser (slices.c) and the query
 * keys the binary form reads too (query.c). Not for the routes.
 */
#ifndef ACTIVD_DECODE_H
#define ACTIVD_DECODE_H

#include <stddef.h>

#include "decode/fields.h"
#include "decode/request.h"
#include "wire/numtext.h"

#define MAX_RAW_PARAMS 16 /* activation parameters in one request */

/* Where a field is: a JSON pointer below `section` (body forms) or a query
 * parameter name (query form). */
typedef struct where {
    int query;
    const char *section; /* "params", "range" or NULL (top level) */
} where;

/* Name the field name[0..len) at w in p. */
void dec_locate(problem *p, const where *w, const char *name, size_t len);
void dec_locate_field(problem *p, const where *w, enum request_field f);
/* The shortest text of a double, NUL-terminated, for messages. */
const char *dec_num_str(double v, char buf[NUMTEXT_MAX + 1]);

/* ---- params.c ---- */

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

/* Bind the client's parameters to e->fn (defaults for the rest) and check
 * them as a set. 0, or -1 with p filled. */
int dec_bind_params(eval_req *e, const raw_param *rp, size_t n, const where *w, problem *p);

/* ---- range.c ---- */

typedef struct raw_range {
    int has[RANGE_COUNT];
    double v[RANGE_COUNT];
} raw_range;

/* x from a range: numpy.arange or numpy.linspace, exactly. */
int dec_make_range(eval_req *e, const raw_range *r, const req_limits *lim, const where *w,
                   problem *p);
/* Name range field k at w in p; returns -1. */
int dec_range_fail(problem *p, const where *w, int k);

/* ---- checks.c ---- */

int dec_find_activation(eval_req *e, const char *name, size_t len, const where *w, problem *p);
int dec_set_dtype(eval_req *e, const char *s, size_t len, const where *w, problem *p);
/* order: v must be 1 or 2; text is how the client wrote it, for the message. */
int dec_set_order(eval_req *e, double v, const char *text, const where *w, problem *p);
/* After fn, params and x are known: the rules of grad_output, order and
 * dtype. */
int dec_final_checks(eval_req *e, const where *w, problem *p);

/* ---- slices.c ---- */

/* A big flat array of plain numbers at open ("[n, n, ...]", the body ends
 * at end) parsed in slices on lim->threads threads into a (which must be
 * empty). Into lim->room when *room_taken is 0 and it fits (then a->lent
 * and *room_taken are set). 1 with *after past the ']', or 0 when the text
 * is anything else or too small to be worth it: then the serial scanner
 * reads the value and says what it is. */
int dec_parse_slices(const char *open, const char *end, const req_limits *lim, int *room_taken,
                     js_numarray *a, const char **after);

/* ---- query.c ---- */

/* The query keys the query and binary forms share. */
typedef struct qdec {
    const char *activation, *dtype, *x, *gout, *order, *shape;
    raw_range range;
    int has_range;
    raw_param params[MAX_RAW_PARAMS];
    size_t nparams;
} qdec;

/* A problem naming query key `key`; returns -1. */
int dec_qfail(problem *p, enum problem_type t, const char *key, const char *fmt, const char *arg);
/* Sort the args into q by the keys of the form (FORM_QUERY or FORM_BINARY). */
int dec_query_collect(const query_arg *args, size_t nargs, unsigned form, qdec *q, problem *p);
/* activation, dtype, order and parameters into e. */
int dec_query_common(const qdec *q, eval_req *e, problem *p);

#endif
