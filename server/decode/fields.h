/*
 * fields.h - THE list of request fields of /eval and /grad: the top-level
 * keys of the JSON body and the query string, and the keys of a range.
 *
 * The JSON walker and the query decoder look keys up here, the
 * "fields: ..." of an unknown-field message is printed from here, /plot
 * refuses /eval's keys it has no use for by this list, and the fuzz
 * oracle (tests/fuzz/request_oracle.h) knows the JSON keys from it. A new
 * field is one line here and its decoding.
 */
#ifndef ACTIVD_FIELDS_H
#define ACTIVD_FIELDS_H

#include <stddef.h>

/* Where a field may appear (flags). FIELD_GRAD_ONLY: /grad defines it, and
 * /eval's messages do not list it. */
enum {
    FORM_JSON = 1,   /* a top-level key of the JSON body */
    FORM_QUERY = 2,  /* a query key of GET /eval */
    FORM_BINARY = 4, /* a query key of the binary form */
    FIELD_GRAD_ONLY = 8
};

/* F(id, name, flags), in the order messages list them. Query keys that
 * are none of these are the activation's parameters. */
#define REQUEST_FIELDS(F)                                                                          \
    F(FIELD_ACTIVATION, "activation", FORM_JSON | FORM_QUERY | FORM_BINARY)                        \
    F(FIELD_X, "x", FORM_JSON | FORM_QUERY)                                                        \
    F(FIELD_RANGE, "range", FORM_JSON)                                                             \
    F(FIELD_PARAMS, "params", FORM_JSON)                                                           \
    F(FIELD_DTYPE, "dtype", FORM_JSON | FORM_QUERY | FORM_BINARY)                                  \
    F(FIELD_GRAD_OUTPUT, "grad_output", FORM_JSON | FORM_QUERY | FORM_BINARY | FIELD_GRAD_ONLY)    \
    F(FIELD_ORDER, "order", FORM_JSON | FORM_QUERY | FORM_BINARY | FIELD_GRAD_ONLY)                \
    F(FIELD_SHAPE, "shape", FORM_BINARY)

/* The keys of "range" in a JSON body; in the query form they are
 * top-level keys. numpy.arange takes step, numpy.linspace num. */
#define RANGE_FIELDS(F)                                                                            \
    F(RANGE_START, "start", FORM_JSON | FORM_QUERY)                                                \
    F(RANGE_STOP, "stop", FORM_JSON | FORM_QUERY)                                                  \
    F(RANGE_STEP, "step", FORM_JSON | FORM_QUERY)                                                  \
    F(RANGE_NUM, "num", FORM_JSON | FORM_QUERY)

#define FIELD_ENUM(id, name, flags) id,
enum request_field { REQUEST_FIELDS(FIELD_ENUM) FIELD_COUNT };
enum range_field { RANGE_FIELDS(FIELD_ENUM) RANGE_COUNT };
#undef FIELD_ENUM

typedef struct field_spec {
    const char *name;
    size_t len;
    unsigned flags;
} field_spec;

extern const field_spec request_fields[FIELD_COUNT];
extern const field_spec range_fields[RANGE_COUNT];

/* The index in list[0..n) of the field called name[0..len) that has one
 * of the flags, or -1. */
int field_find(const field_spec *list, int n, const char *name, size_t len, unsigned flags);

/* The names in list[0..n) that have one of the flags and none of skip,
 * separated by ", ", the last by last_sep (", " or " or "), into buf. */
void field_names(char *buf, size_t cap, const field_spec *list, int n, unsigned flags,
                 unsigned skip, const char *last_sep);

#endif
