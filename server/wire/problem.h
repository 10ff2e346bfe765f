/*
 * problem.h - error answers as RFC 9457 problem details
 * (application/problem+json): the types, and a problem rendered into a
 * buffer. Sending one is the routes' business (routes/problems.h).
 *
 * Every error activd sends has a type from PROBLEM_TYPES: a relative URI
 * "/problems/<slug>" that the daemon itself serves with the description,
 * the status, a fixed title, and a detail sentence naming the field.
 * Extension members: "pointer" (RFC 6901, into the JSON body),
 * "parameter" (a query-string key), "line"/"column"/"offset" (malformed
 * JSON), "suggestions" (close activation names), "request_id".
 */
#ifndef ACTIVD_PROBLEM_H
#define ACTIVD_PROBLEM_H

#include "core/obuf.h"

/* THE list of problem types: P(id, slug, status, title, description).
 * GET /problems/<slug>, /openapi.json's enum of types and the tests follow
 * it; a new type is one line here. */
#define PROBLEM_TYPES(P)                                                                           \
    P(P_MALFORMED_JSON, "malformed-json", 400, "Malformed JSON",                                   \
      "The body is not valid JSON (RFC 8259); line and column say where.")                         \
    P(P_MALFORMED_QUERY, "malformed-query", 400, "Malformed query string",                         \
      "A query-string value could not be read; parameter names it.")                               \
    P(P_NOT_FOUND, "not-found", 404, "Not found", "No resource at this path.")                     \
    P(P_METHOD_NOT_ALLOWED, "method-not-allowed", 405, "Method not allowed",                       \
      "The path exists but not for this method; see the Allow header.")                            \
    P(P_TOO_LARGE, "too-large", 413, "Request too large",                                          \
      "The body or the number of elements exceeds the server's limits.")                           \
    P(P_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", 415, "Unsupported media type",           \
      "Send application/json, or application/octet-stream for binary arrays.")                     \
    P(P_UNKNOWN_ACTIVATION, "unknown-activation", 422, "Unknown activation",                       \
      "No activation has this name or alias; suggestions lists close names, GET /activations "     \
      "lists all.")                                                                                \
    P(P_MISSING_FIELD, "missing-field", 422, "Missing field", "A required field is absent.")       \
    P(P_UNKNOWN_FIELD, "unknown-field", 422, "Unknown field",                                      \
      "The request has a field this endpoint does not define.")                                    \
    P(P_WRONG_TYPE, "wrong-type", 422, "Wrong type",                                               \
      "A field or element has the wrong JSON type.")                                               \
    P(P_INVALID_VALUE, "invalid-value", 422, "Invalid value",                                      \
      "A field has the right type but a value outside what it allows.")                            \
    P(P_NOT_RECTANGULAR, "not-rectangular", 422, "Array is not rectangular",                       \
      "Nested arrays must all have the same length at each depth.")                                \
    P(P_INVALID_PARAMETER, "invalid-parameter", 422, "Invalid parameter",                          \
      "An activation parameter is unknown, not finite, or out of its bounds.")                     \
    P(P_SHAPE_MISMATCH, "shape-mismatch", 422, "Shape mismatch",                                   \
      "grad_output must have the same shape as x.")                                                \
    P(P_CONFLICTING_FIELDS, "conflicting-fields", 422, "Conflicting fields",                       \
      "Two fields that exclude each other were both given.")                                       \
    P(P_UNAVAILABLE, "unavailable", 503, "Service unavailable",                                    \
      "The server is starting or shutting down; retry on another replica.")                        \
    P(P_INTERNAL, "internal", 500, "Internal error",                                               \
      "The server could not complete the request (out of memory).")

#define PROBLEM_ENUM(id, slug, status, title, description) id,
enum problem_type { PROBLEM_TYPES(PROBLEM_ENUM) P_COUNT };
#undef PROBLEM_ENUM

#define PROBLEM_MAX_SUGGEST 5
#define PROBLEM_MEDIA_TYPE  "application/problem+json"

typedef struct problem {
    enum problem_type type;
    char detail[512];
    char pointer[512];                        /* "" when none */
    char parameter[128];                      /* "" when none */
    int line, column;                         /* > 0 for malformed JSON */
    long offset;                              /* >= 0 with line/column */
    const char *suggest[PROBLEM_MAX_SUGGEST]; /* static strings (registry names) */
    unsigned nsuggest;
} problem;

/* Start a problem of a type with a printf-style detail. */
void problem_set(problem *p, enum problem_type type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Append to the pointer: a token is escaped per RFC 6901 (~ -> ~0, / -> ~1). */
void problem_pointer_key(problem *p, const char *token, size_t len);
void problem_pointer_index(problem *p, size_t index);

unsigned problem_status(enum problem_type type);
const char *problem_slug(enum problem_type type);
/* The type whose slug is s, or -1. */
int problem_find(const char *s);

/* The problem document of p, for the request with this id, into b (b->oom
 * tells whether it ran out of memory). */
void problem_render(obuf *b, const problem *p, const char *request_id);
/* The description of a type (GET /problems/<slug>) into b. */
void problem_render_type(obuf *b, enum problem_type type);

#endif
