/*
 * obuf.c - growable byte buffer.
 */
#include "core/bigmem.h"
#include "core/obuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ob_reserve(obuf *b, size_t extra)
{
    if (b->oom) return -1;
    if (b->cap - b->len >= extra) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra) {
        if (cap > (size_t)-1 / 2) goto fail;
        cap *= 2;
    }
    char *p = big_realloc(b->p, cap);
    if (!p) goto fail;
    b->p = p;
    b->cap = cap;
    return 0;
fail:
    b->oom = 1;
    return -1;
}

void ob_put(obuf *b, const void *s, size_t n)
{
    if (ob_reserve(b, n) != 0) return;
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void ob_puts(obuf *b, const char *s)
{
    ob_put(b, s, strlen(s));
}

void ob_putc(obuf *b, char c)
{
    if (ob_reserve(b, 1) != 0) return;
    b->p[b->len++] = c;
}

void ob_printf(obuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || ob_reserve(b, (size_t)n + 1) != 0) return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000;
    else
        return 0;
    if (n < len) return 0;
    unsigned cp = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = cp << 6 | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

void ob_json_str(obuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    ob_putc(b, '"');
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            ob_putc(b, '\\');
            ob_putc(b, (char)c);
            i++;
        } else if (c < 0x20 || c == 0x7F) {
            ob_printf(b, "\\u%04x", c);
            i++;
        } else {
            size_t len = utf8_len(u + i, n - i);
            if (len == 0) {
                ob_puts(b, "\\ufffd");
                i++;
            } else {
                ob_put(b, u + i, len);
                i += len;
            }
        }
    }
    ob_putc(b, '"');
}

char *ob_take(obuf *b, size_t *len)
{
    char *p = b->oom ? NULL : b->p;
    if (b->oom) free(b->p);
    if (len) *len = b->len;
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return p;
}

void ob_free(obuf *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
