/*
 * problem.h - error answers as RFC 9457 problem details
 * (application/problem+json).
 *
 * Every error activd sends has a type from one table (problem.c): a
 * relative URI "/problems/<slug>" that the daemon itself serves with a
 * description, the status, a fixed title, and a detail sentence naming the
 * field. Extension members: "pointer" (RFC 6901, into the JSON body),
 * "parameter" (a query-string key), "line"/"column"/"offset" (malformed
 * JSON), "suggestions" (close activation names), "request_id".
 */
#ifndef ACTIVD_PROBLEM_H
#define ACTIVD_PROBLEM_H

#include "core/http.h"

enum problem_type {
    P_MALFORMED_JSON,
    P_MALFORMED_QUERY,
    P_NOT_FOUND,
    P_METHOD_NOT_ALLOWED,
    P_TOO_LARGE,
    P_UNSUPPORTED_MEDIA_TYPE,
    P_UNKNOWN_ACTIVATION,
    P_MISSING_FIELD,
    P_UNKNOWN_FIELD,
    P_WRONG_TYPE,
    P_INVALID_VALUE,
    P_NOT_RECTANGULAR,
    P_INVALID_PARAMETER,
    P_SHAPE_MISMATCH,
    P_CONFLICTING_FIELDS,
    P_UNAVAILABLE,
    P_INTERNAL,
    P_COUNT
};

#define PROBLEM_MAX_SUGGEST 5

typedef struct problem {
    enum problem_type type;
    char detail[512];
    char pointer[512];   /* "" when none */
    char parameter[128]; /* "" when none */
    int line, column;    /* > 0 for malformed JSON */
    long offset;         /* >= 0 with line/column */
    const char *suggest[PROBLEM_MAX_SUGGEST];
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

enum MHD_Result problem_send(req *r, const problem *p);
/* One-call form for problems with no pointer. */
enum MHD_Result problem_reply(req *r, enum problem_type type, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* GET /problems/<slug>: the description of a problem type. */
enum MHD_Result problem_describe(req *r);

#endif
