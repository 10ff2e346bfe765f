/*
 * body.c - the request body's buffer; see body.h for its layout.
 */
#include "core/body.h"

#include <stdlib.h>
#include <string.h>

/* 0, or -1 when the budget cannot take `bytes` more. */
static int reserve(body *b, body_budget *g, size_t bytes)
{
    size_t before = atomic_fetch_add(&g->held, bytes);
    if (before + bytes > g->max) {
        atomic_fetch_sub(&g->held, bytes);
        return -1;
    }
    b->reserved += bytes;
    return 0;
}

enum body_result body_open(body *b, body_budget *g, size_t n, size_t spare)
{
    if (reserve(b, g, n + 1) != 0) return BODY_BUSY;
    if (spare && reserve(b, g, spare) != 0) spare = 0;
    size_t cap = n + 1 + spare;
    if (!(b->p = big_malloc(cap))) return BODY_NOMEM;
    b->cap = cap;
    big_warm_start(&b->warm, b->p, cap);
    return BODY_OK;
}

enum body_result body_append(body *b, body_budget *g, const char *data, size_t n, size_t max)
{
    if (b->too_large) return BODY_OK;
    if (n > max - b->len) {
        b->too_large = 1;
        return BODY_OK;
    }
    if (b->len + n + 1 > b->cap) { /* chunked, or more than Content-Length said */
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1) cap *= 2;
        if (reserve(b, g, cap - b->cap) != 0) return BODY_BUSY;
        big_warm_stop(&b->warm); /* it must not fault in a block that moves */
        char *p = big_realloc(b->p, cap);
        if (!p) return BODY_NOMEM;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = 0;
    big_warm_filled(&b->warm, b->len);
    return BODY_OK;
}

enum body_result body_received(body *b)
{
    big_warm_stop(&b->warm);
    if (b->p) return BODY_OK;
    if (!(b->p = malloc(1))) return BODY_NOMEM;
    b->p[0] = 0;
    b->cap = 1;
    return BODY_OK;
}

void body_free(body *b, body_budget *g)
{
    atomic_fetch_sub(&g->held, b->reserved);
    b->reserved = 0;
    big_warm_stop(&b->warm); /* an upload cut short */
    free(b->p);
    b->p = NULL;
}

void *body_spare(const body *b, size_t *room)
{
    size_t text = BODY_TEXT_END(b->len);
    *room = b->cap > text ? b->cap - text : 0;
    return *room ? b->p + text : NULL;
}

body_stretches body_free_stretches(const body *b, const void *used, size_t used_len)
{
    body_stretches s = {b->p, {0, b->cap}, {b->cap, b->cap}, 0};
    if (used) {
        s.end[0] = (size_t)((const char *)used - b->p);
        s.at[1] = s.end[0] + used_len;
    }
    return s;
}

char *body_stretch(body_stretches *s, size_t n)
{
    while (s->i < 2 && n > s->end[s->i] - s->at[s->i]) s->i++;
    if (s->i == 2) return NULL;
    char *p = s->base + s->at[s->i];
    s->at[s->i] += n;
    return p;
}

char *body_take(body *b)
{
    char *p = b->p;
    b->p = NULL;
    b->cap = 0; /* len stays: the bytes received, for the log and metrics */
    return p;
}
