/*
 * problem.c - RFC 9457 problem details from one table of types.
 */
#include "wire/problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *slug;
    unsigned status;
    const char *title;
    const char *description;
} types[P_COUNT] = {
    [P_MALFORMED_JSON] = {"malformed-json", 400, "Malformed JSON",
                          "The body is not valid JSON (RFC 8259); line and column say where."},
    [P_MALFORMED_QUERY] = {"malformed-query", 400, "Malformed query string",
                           "A query-string value could not be read; parameter names it."},
    [P_NOT_FOUND] = {"not-found", 404, "Not found", "No resource at this path."},
    [P_METHOD_NOT_ALLOWED] = {"method-not-allowed", 405, "Method not allowed",
                              "The path exists but not for this method; see the Allow header."},
    [P_TOO_LARGE] = {"too-large", 413, "Request too large",
                     "The body or the number of elements exceeds the server's limits."},
    [P_UNSUPPORTED_MEDIA_TYPE] = {"unsupported-media-type", 415, "Unsupported media type",
                                  "Send application/json, or application/octet-stream for "
                                  "binary arrays."},
    [P_UNKNOWN_ACTIVATION] = {"unknown-activation", 422, "Unknown activation",
                              "No activation has this name or alias; suggestions lists close "
                              "names, GET /activations lists all."},
    [P_MISSING_FIELD] = {"missing-field", 422, "Missing field", "A required field is absent."},
    [P_UNKNOWN_FIELD] = {"unknown-field", 422, "Unknown field",
                         "The request has a field this endpoint does not define."},
    [P_WRONG_TYPE] = {"wrong-type", 422, "Wrong type",
                      "A field or element has the wrong JSON type."},
    [P_INVALID_VALUE] = {"invalid-value", 422, "Invalid value",
                         "A field has the right type but a value outside what it allows."},
    [P_NOT_RECTANGULAR] = {"not-rectangular", 422, "Array is not rectangular",
                           "Nested arrays must all have the same length at each depth."},
    [P_INVALID_PARAMETER] = {"invalid-parameter", 422, "Invalid parameter",
                             "An activation parameter is unknown, not finite, or out of its "
                             "bounds."},
    [P_SHAPE_MISMATCH] = {"shape-mismatch", 422, "Shape mismatch",
                          "grad_output must have the same shape as x."},
    [P_CONFLICTING_FIELDS] = {"conflicting-fields", 422, "Conflicting fields",
                              "Two fields that exclude each other were both given."},
    [P_UNAVAILABLE] = {"unavailable", 503, "Service unavailable",
                       "The server is starting or shutting down; retry on another replica."},
    [P_INTERNAL] = {"internal", 500, "Internal error",
                    "The server could not complete the request (out of memory)."},
};

unsigned problem_status(enum problem_type type)
{
    return types[type].status;
}

const char *problem_slug(enum problem_type type)
{
    return types[type].slug;
}

void problem_set(problem *p, enum problem_type type, const char *fmt, ...)
{
    va_list ap;
    memset(p, 0, sizeof *p);
    p->type = type;
    p->offset = -1;
    va_start(ap, fmt);
    vsnprintf(p->detail, sizeof p->detail, fmt, ap);
    va_end(ap);
}

static void pointer_append(problem *p, const char *s, size_t n)
{
    size_t len = strlen(p->pointer);
    if (len + n + 1 > sizeof p->pointer) return; /* truncated pointers are dropped */
    memcpy(p->pointer + len, s, n);
    p->pointer[len + n] = 0;
}

void problem_pointer_key(problem *p, const char *token, size_t len)
{
    pointer_append(p, "/", 1);
    for (size_t i = 0; i < len; i++) {
        if (token[i] == '~')
            pointer_append(p, "~0", 2);
        else if (token[i] == '/')
            pointer_append(p, "~1", 2);
        else
            pointer_append(p, token + i, 1);
    }
}

void problem_pointer_index(problem *p, size_t index)
{
    char buf[32];
    int n = snprintf(buf, sizeof buf, "/%zu", index);
    pointer_append(p, buf, (size_t)n);
}

static void put_member(obuf *b, const char *name, const char *value)
{
    ob_printf(b, ",\"%s\":", name);
    ob_json_str(b, value, strlen(value));
}

enum MHD_Result problem_send(req *r, const problem *p)
{
    obuf b = {0};
    ob_puts(&b, "{\"type\":");
    ob_printf(&b, "\"/problems/%s\"", types[p->type].slug);
    put_member(&b, "title", types[p->type].title);
    ob_printf(&b, ",\"status\":%u", types[p->type].status);
    put_member(&b, "detail", p->detail);
    if (p->pointer[0] || p->type == P_WRONG_TYPE) put_member(&b, "pointer", p->pointer);
    if (p->parameter[0]) put_member(&b, "parameter", p->parameter);
    if (p->line > 0)
        ob_printf(&b, ",\"line\":%d,\"column\":%d,\"offset\":%ld", p->line, p->column, p->offset);
    if (p->nsuggest) {
        ob_puts(&b, ",\"suggestions\":[");
        for (unsigned i = 0; i < p->nsuggest; i++) {
            if (i) ob_putc(&b, ',');
            ob_json_str(&b, p->suggest[i], strlen(p->suggest[i]));
        }
        ob_putc(&b, ']');
    }
    put_member(&b, "request_id", r->id);
    ob_puts(&b, "}\n");
    return http_send_obuf(r, types[p->type].status, "application/problem+json", &b);
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

enum MHD_Result problem_describe(req *r)
{
    const char *slug = r->url + strlen("/problems/");
    for (int t = 0; t < P_COUNT; t++) {
        if (strcmp(slug, types[t].slug) != 0) continue;
        obuf b = {0};
        ob_printf(&b, "{\"type\":\"/problems/%s\",\"status\":%u", types[t].slug, types[t].status);
        put_member(&b, "title", types[t].title);
        put_member(&b, "description", types[t].description);
        ob_puts(&b, "}\n");
        return http_send_json(r, 200, &b);
    }
    return problem_reply(r, P_NOT_FOUND, "no problem type '%s'", slug);
}
