/*
 * problem.c - RFC 9457 problem details from one list of types
 * (PROBLEM_TYPES), rendered into a buffer.
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
#define ROW(id, slug, status, title, description) [id] = {slug, status, title, description},
    PROBLEM_TYPES(ROW)
#undef ROW
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

int problem_find(const char *s)
{
    for (int t = 0; t < P_COUNT; t++)
        if (strcmp(s, types[t].slug) == 0) return t;
    return -1;
}

void problem_render(obuf *b, const problem *p, const char *request_id)
{
    ob_puts(b, "{\"type\":");
    ob_printf(b, "\"/problems/%s\"", types[p->type].slug);
    put_member(b, "title", types[p->type].title);
    ob_printf(b, ",\"status\":%u", types[p->type].status);
    put_member(b, "detail", p->detail);
    if (p->pointer[0] || p->type == P_WRONG_TYPE) put_member(b, "pointer", p->pointer);
    if (p->parameter[0]) put_member(b, "parameter", p->parameter);
    if (p->line > 0)
        ob_printf(b, ",\"line\":%d,\"column\":%d,\"offset\":%ld", p->line, p->column, p->offset);
    if (p->nsuggest) {
        ob_puts(b, ",\"suggestions\":[");
        for (unsigned i = 0; i < p->nsuggest; i++) {
            if (i) ob_putc(b, ',');
            ob_json_str(b, p->suggest[i], strlen(p->suggest[i]));
        }
        ob_putc(b, ']');
    }
    if (request_id) put_member(b, "request_id", request_id);
    ob_puts(b, "}\n");
}

void problem_render_type(obuf *b, enum problem_type t)
{
    ob_printf(b, "{\"type\":\"/problems/%s\",\"status\":%u", types[t].slug, types[t].status);
    put_member(b, "title", types[t].title);
    put_member(b, "description", types[t].description);
    ob_puts(b, "}\n");
}
