/*
 * problems.h - sending problem documents (wire/problem.h), the core's
 * errors as problems, and GET /problems/<slug>: the description of a type.
 */
#ifndef ACTIVD_PROBLEMS_H
#define ACTIVD_PROBLEMS_H

#include "core/http.h"
#include "wire/problem.h"

/* The answer of this request: p's document, with the request's id. */
enum MHD_Result problem_send(req *r, const problem *p);
/* One-call form for problems with no pointer. */
enum MHD_Result problem_reply(req *r, enum problem_type type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The core's fault hook (http_app.fault): its errors as problems. */
enum MHD_Result problem_fault(req *r, enum http_fault f, const char *detail);
/* Render, once before serving, what problem_fault answers when memory ran
 * out (it then allocates nothing). 0, or -1 out of memory. */
int problems_init(void);

/* GET /problems/<slug>. */
enum MHD_Result route_problem(req *r);

#endif
