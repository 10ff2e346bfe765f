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

/* The out-of-memory answer: rendered once, without a request id, and sent
 * as a static buffer. */
static char *oom_doc;
static size_t oom_len;

int problems_init(void)
{
    problem p;
    obuf b = {0};
    problem_set(&p, P_INTERNAL, "out of memory");
    problem_render(&b, &p, NULL);
    oom_doc = ob_take(&b, &oom_len);
    return oom_doc ? 0 : -1;
}

enum MHD_Result problem_fault(req *r, enum http_fault f, const char *detail)
{
    static const enum problem_type type[] = {
        [HTTP_NOT_FOUND] = P_NOT_FOUND, [HTTP_METHOD_NOT_ALLOWED] = P_METHOD_NOT_ALLOWED,
        [HTTP_TOO_LARGE] = P_TOO_LARGE, [HTTP_UNAVAILABLE] = P_UNAVAILABLE,
        [HTTP_NO_MEMORY] = P_INTERNAL,
    };
    if (f == HTTP_NO_MEMORY)
        return oom_doc ? http_send(r, problem_status(type[f]), PROBLEM_MEDIA_TYPE, oom_doc, oom_len,
                                   BODY_STATIC, NULL)
                       : MHD_NO;
    return problem_reply(r, type[f], "%s", detail);
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
