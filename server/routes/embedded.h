/*
 * embedded.h - files compiled into the binary by mk/web.mk (mk/embed.sh
 * turns each into a byte array in a generated C file under build/).
 */
#ifndef ACTIVD_EMBEDDED_H
#define ACTIVD_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
    const char *name; /* base name, "app.js"; NULL ends a table */
    const unsigned char *data;
    size_t len; /* data[len] is a NUL, not counted */
} embedded_file;

/* server/www/: the web page. */
extern const embedded_file embedded_www[];
/* docs/openapi.json: the template of GET /openapi.json. */
extern const embedded_file embedded_openapi[];

#endif
