/*
 * jsonscan.h - a strict JSON scanner for request bodies, with a fast path
 * for arrays of numbers.
 *
 * The JSON request decoder (decode/json.c) walks the top-level object with
 * these primitives: number arrays ("x", "grad_output") go through
 * js_numarray straight into a double buffer; small values ("params",
 * "range") are validated with js_skip and handed to jansson as an exact span.
 *
 * Strictness is jansson's (2.14, flags JSON_DECODE_ANY|JSON_DECODE_INT_AS_REAL),
 * byte for byte: what jansson rejects, these reject; what it accepts, these
 * accept with the same values. tests/unit/test_jsonscan.c and
 * tests/fuzz/fuzz_numarray.c check that differentially. In particular:
 * RFC 8259 grammar only; whitespace is space, tab, CR, LF; numbers
 * -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and a magnitude that
 * overflows a double is an error ("real number overflow"), underflow is not;
 * strings must be valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF), no
 * raw control characters, only the JSON escapes, \u escapes with surrogates
 * correctly paired, and no \u0000; nesting deeper than JS_MAX_DEPTH (2048,
 * jansson's limit) is an error.
 *
 * Nothing here allocates except js_numarray growing the caller's buffer.
 */
#ifndef ACTIVD_JSONSCAN_H
#define ACTIVD_JSONSCAN_H

#include <stddef.h>

#define JS_MAX_DEPTH 2048 /* as jansson's JSON_PARSER_MAX_DEPTH */
#define JS_MAX_DIMS  32   /* deepest number array accepted as a tensor */

/* Position in the body: base is the start (for offsets), p the next byte. */
typedef struct js_cur {
    const char *base, *p, *end;
} js_cur;

/* A syntax error: 400. offset is where it was detected (bytes from base). */
typedef struct js_error {
    size_t offset;
    char msg[96];
} js_error;

typedef enum js_result {
    JS_OK = 0,
    JS_SYNTAX,     /* not JSON: see js_error */
    JS_NOT_NUMBER, /* an element is valid JSON but not a number (nor "NaN", "Infinity",
                      "-Infinity"): see js_fault */
    JS_RAGGED,     /* nested arrays are not rectangular: see js_fault */
    JS_TOO_DEEP,   /* more than JS_MAX_DIMS nested arrays: see js_fault */
    JS_TOO_MANY,   /* more than max_elems numbers: scanning stopped there */
    JS_NOMEM       /* realloc failed: scanning stopped there */
} js_result;

/* Where a JS_NOT_NUMBER / JS_RAGGED / JS_TOO_DEEP fault is, below the array:
 * index[0..depth) is the JSON-pointer path ([3, 1] for x[3][1]). */
typedef struct js_fault {
    unsigned depth;
    size_t index[JS_MAX_DIMS + 1];
} js_fault;

/* A decoded number array: values row-major, shape in dims[0..ndim).
 * ndim 0 is a bare number (n == 1). v is owned by the caller: zero the
 * struct, set max_elems (0: no limit), call js_numarray, free(v) after. */
typedef struct js_numarray {
    double *v; /* owned, unless lent */
    int lent;  /* v is in memory the caller of the decoder owns (req_limits.room) */
    size_t n, cap;
    unsigned ndim;
    size_t dims[JS_MAX_DIMS];
    size_t max_elems;
} js_numarray;

/* Skip JSON whitespace. */
void js_ws(js_cur *c);

/* A string token at c->p (which must be '"'). Decodes it into out (UTF-8,
 * escapes resolved) up to cap bytes and sets *len to the full decoded length
 * (*len > cap means out holds a truncated prefix). out may be NULL (cap 0)
 * to validate only. JS_OK or JS_SYNTAX. */
js_result js_string(js_cur *c, char *out, size_t cap, size_t *len, js_error *err);

/* A number token at c->p: grammar checked, converted with numtext_parse.
 * JS_OK or JS_SYNTAX (bad grammar, or overflow). */
js_result js_number(js_cur *c, double *out, js_error *err);

/* Validate one value of any type at c->p (after whitespace) and move past
 * it. depth is the nesting depth of the value's container (0 at top level).
 * JS_OK or JS_SYNTAX. */
js_result js_skip(js_cur *c, unsigned depth, js_error *err);

/* A number, a "NaN"/"Infinity"/"-Infinity" string, or rectangular nested
 * arrays of those, at c->p (after whitespace), appended to a (which must
 * start empty: n == 0). depth: as js_skip.
 *
 * On JS_NOT_NUMBER, JS_RAGGED and JS_TOO_DEEP the rest of the value is still
 * validated and c is left after it, so that a syntax error anywhere in the
 * value wins (JS_SYNTAX is returned instead). JS_TOO_MANY and JS_NOMEM stop
 * at once: c is then undefined. */
js_result js_numarray_scan(js_cur *c, unsigned depth, js_numarray *a, js_error *err,
                           js_fault *fault);

/* C has one namespace for typedefs and functions, so the type js_numarray and
 * a function js_numarray cannot both exist. The function is js_numarray_scan;
 * this function-like macro keeps the call spelling js_numarray(...) working
 * (it expands only when followed by '(', so the type name is untouched). */
#define js_numarray(c, depth, a, err, fault) js_numarray_scan(c, depth, a, err, fault)

/* A flat list of numbers "n, n, ..., n" filling [p, end) exactly (JSON
 * whitespace allowed around the commas and at both ends), into out[0..*n),
 * at most cap. 0, or -1 for anything else: then the caller falls back to
 * js_numarray_scan on the whole value, which decides what the text is. Used
 * to parse slices of one big array on several threads. */
int js_numlist(const char *p, const char *end, double *out, size_t cap, size_t *n);

/* 1-based line and column (in characters, as jansson counts them) of a byte
 * offset, for error messages. */
void js_position(const char *base, size_t offset, int *line, int *column);

#endif
