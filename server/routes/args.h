/*
 * args.h - a request's query string as the decoders take it: the
 * key=value pairs libmicrohttpd decoded, in order, at most ARGS_MAX.
 */
#ifndef ACTIVD_ARGS_H
#define ACTIVD_ARGS_H

#include "core/http.h"
#include "decode/request.h"

#define ARGS_MAX 64 /* more is a 400: a bound on the decoders' quadratic duplicate check */

typedef struct arg_list {
    query_arg a[ARGS_MAX]; /* strings owned by MHD, valid during the request */
    size_t n;
} arg_list;

/* The query arguments of r into l; a value is NULL for "?key" without '='.
 * 0, or -1 with a malformed-query problem in p when there are too many. */
int args_collect(req *r, arg_list *l, problem *p);

#endif
