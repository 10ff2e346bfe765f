/*
 * problems.c - problem documents as answers; see problems.h.
 */
#include "routes/problems.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum MHD_Result problem_send(req *r, const problem *p)
{
    obuf b = {0};
    problem_render(&b, p, r->id);
    return http_send_obuf(r, problem_status(p->type), PROBLEM_MEDIA_TYPE, &b);
}

enum MHD_Result problem_reply(req *r, enum problem_type type, const char *fmt, ...)
{
    problem p;
    va_list ap;
    problem_set(&p, type, "%s", "");
    va_start(ap, fmt);
    vsnprintf(p.detail, sizeof p.detail, fmt, ap);
    va_end(ap);
    return problem_send(r, &p);
}

enum MHD_Result route_problem(req *r)
{
    const char *slug = r->url + strlen("/problems/");
    int t = problem_find(slug);
    if (t < 0) return problem_reply(r, P_NOT_FOUND, "no problem type '%s'", slug);
    obuf b = {0};
    problem_render_type(&b, (enum problem_type)t);
    return http_send_json(r, 200, &b);
}
