/*
 * obuf.h - a growable byte buffer for building response bodies.
 *
 * Allocation failure is sticky (oom set, later writes ignored) so builders
 * can write freely and check once at the end.
 */
#ifndef ACTIVD_OBUF_H
#define ACTIVD_OBUF_H

#include <stddef.h>

typedef struct obuf {
    char *p; /* owned; NULL until the first write */
    size_t len, cap;
    int oom;
} obuf;

/* Make room for extra more bytes; 0 or -1 (oom). */
int ob_reserve(obuf *b, size_t extra);
void ob_put(obuf *b, const void *s, size_t n);
void ob_puts(obuf *b, const char *s);
void ob_putc(obuf *b, char c);
void ob_printf(obuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s[0..n) as a JSON string, quotes included. Invalid UTF-8 bytes become
 * U+FFFD, so the output is always valid JSON even for raw client bytes. */
void ob_json_str(obuf *b, const char *s, size_t n);
/* Hand the buffer over (caller frees); b is reset. NULL on oom. */
char *ob_take(obuf *b, size_t *len);
void ob_free(obuf *b);

#endif
