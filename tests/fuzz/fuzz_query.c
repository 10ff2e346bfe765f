/*
 * fuzz_query.c - libFuzzer target: request_from_query (GET /eval?...) and
 * request_from_binary (POST with application/octet-stream) on hostile query
 * arguments: repeated, empty, valueless, overlong, non-numeric keys and
 * values, shapes that overflow, bodies that are not whole values. The input
 * layout and the checks are in query_oracle.h; a failure aborts with the
 * reason, and the crash file is a regression case for
 * tests/unit/test_decoders.c (which replays this corpus too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "query_oracle.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *why = qo_check(data, size);
    if (why) {
        fprintf(stderr, "query/binary decoder: %s\ninput (%zu bytes): %.*s\n", why, size, (int)size,
                (const char *)data);
        abort();
    }
    return 0;
}
