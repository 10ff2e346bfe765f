/*
 * args.c - the query string from libmicrohttpd; see args.h.
 */
#include "routes/args.h"

#include <string.h>

struct collect {
    arg_list *l;
    int overflow;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    struct collect *c = cls;
    (void)kind;
    if (c->l->n == ARGS_MAX) {
        c->overflow = 1;
        return MHD_NO;
    }
    c->l->a[c->l->n].key = key;
    c->l->a[c->l->n++].value = value;
    return MHD_YES;
}

int args_collect(req *r, arg_list *l, problem *p)
{
    struct collect c = {l, 0};
    l->n = 0;
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &c);
    if (!c.overflow) return 0;
    problem_set(p, P_MALFORMED_QUERY, "more than %d query parameters", ARGS_MAX);
    return -1;
}
