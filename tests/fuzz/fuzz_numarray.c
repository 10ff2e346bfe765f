/*
 * fuzz_numarray.c - libFuzzer target: jsonscan (js_skip, js_numarray) must
 * accept, reject and decode exactly as jansson does (numarray_oracle.h).
 * Any difference aborts with the reason and the input, so a crash file is
 * a ready regression case for tests/unit/test_jsonscan.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "numarray_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A private copy of exactly size bytes, so ASan catches any read past
     * the end (request bodies are not NUL-terminated either). */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    const char *why = oracle_check(buf, size);
    if (why) {
        fprintf(stderr, "jsonscan/jansson mismatch: %s\ninput (%zu bytes): %.*s\n", why, size,
                (int)size, buf);
        abort();
    }
    free(buf);
    return 0;
}
