/*
 * fuzz_request.c - libFuzzer target: request_from_json (the /eval and /grad
 * JSON decoder) on arbitrary bodies, checked against jansson's reading of
 * the same bytes (request_oracle.h): same 400-or-not verdict, same x and
 * grad_output values and shapes when it accepts, only 400/413/422 answers.
 * A difference aborts with the reason; the crash file is a regression case
 * for tests/unit/test_decoders.c (which replays this corpus too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "request_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* exactly size bytes, not NUL-terminated: ASan sees any overread */
    char *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    const char *why = oracle_request(buf, size);
    if (why) {
        fprintf(stderr, "request_from_json/jansson mismatch: %s\ninput (%zu bytes): %.*s\n", why,
                size, (int)size, buf);
        abort();
    }
    free(buf);
    return 0;
}
