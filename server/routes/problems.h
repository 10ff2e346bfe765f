/*
 * problems.h - sending problem documents (wire/problem.h), and
 * GET /problems/<slug>: the description of a type.
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

/* GET /problems/<slug>. */
enum MHD_Result route_problem(req *r);

#endif
