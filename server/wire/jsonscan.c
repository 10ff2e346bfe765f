/*
 * jsonscan.c - strict JSON scanning with jansson's acceptance rules, and the
 * number-array fast path. See jsonscan.h for the contract.
 *
 * Nothing recurses: containers are tracked on an explicit bit stack (one bit
 * per level, object or array), so hostile nesting costs 256 bytes of stack,
 * and js_numarray runs as a loop over at most JS_MAX_DIMS open arrays.
 */
#include "core/bigmem.h"
#include "wire/jsonscan.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/numtext.h"

/* ---- errors ------------------------------------------------------------- */

static js_result fail(js_error *err, const js_cur *c, const char *p, const char *msg)
{
    if (err) {
        err->offset = (size_t)(p - c->base);
        size_t n = strlen(msg);
        if (n >= sizeof err->msg) n = sizeof err->msg - 1;
        memcpy(err->msg, msg, n);
        err->msg[n] = '\0';
    }
    return JS_SYNTAX;
}

/* ---- characters ----------------------------------------------------------- */

/* Bytes that stand for themselves inside a string: printable ASCII except
 * '"' and '\\'. Control characters and UTF-8 take the slow path. */
static const unsigned char str_plain[256] = {
    [0x20 ... 0x21] = 1,
    [0x23 ... 0x5B] = 1,
    [0x5D ... 0x7F] = 1,
};

static inline bool is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t';
}

static inline bool is_digit(unsigned char ch)
{
    return (unsigned)(ch - '0') < 10;
}

static inline const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws((unsigned char)*p)) p++;
    return p;
}

void js_ws(js_cur *c)
{
    c->p = skip_ws(c->p, c->end);
}

/* ---- strings -------------------------------------------------------------- */

typedef struct sink {
    char *out;
    size_t cap, len;
} sink;

static inline void put(sink *s, const char *b, size_t n)
{
    if (s->len < s->cap) {
        size_t room = s->cap - s->len;
        memcpy(s->out + s->len, b, n < room ? n : room);
    }
    s->len += n;
}

static int hex4(const char *p, const char *end)
{
    if (end - p < 4) return -1;
    int v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)p[i];
        int d = is_digit(ch)                               ? ch - '0'
                : (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f' ? (ch | 0x20) - 'a' + 10
                                                           : -1;
        if (d < 0) return -1;
        v = v << 4 | d;
    }
    return v;
}

static size_t utf8_encode(uint32_t cp, char *b)
{
    if (cp < 0x80) {
        b[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (char)(0xF0 | cp >> 18);
    b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    b[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \uXXXX escape (p at the 'u'), surrogate pairs joined; jansson rejects
 * lone or reversed surrogates and \u0000 (without JSON_ALLOW_NUL). Returns
 * the code point and advances *pp, or -1. */
static int32_t unicode_escape(const char **pp, const char *end)
{
    const char *p = *pp + 1;
    int32_t cp = hex4(p, end);
    if (cp <= 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return -1;
    p += 4;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (end - p < 2 || p[0] != '\\' || p[1] != 'u') return -1;
        int32_t lo = hex4(p + 2, end);
        if (lo < 0xDC00 || lo > 0xDFFF) return -1;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    *pp = p;
    return cp;
}

/* One escape sequence (p after the backslash): advance *pp, append. */
static bool escape(const char **pp, const char *end, sink *s)
{
    const char *p = *pp;
    if (p == end) return false;
    char b[4];
    switch (*p) {
    case '"':
    case '\\':
    case '/':
        b[0] = *p;
        break;
    case 'b':
        b[0] = '\b';
        break;
    case 'f':
        b[0] = '\f';
        break;
    case 'n':
        b[0] = '\n';
        break;
    case 'r':
        b[0] = '\r';
        break;
    case 't':
        b[0] = '\t';
        break;
    case 'u': {
        int32_t cp = unicode_escape(pp, end);
        if (cp < 0) return false;
        put(s, b, utf8_encode((uint32_t)cp, b));
        return true;
    }
    default:
        return false;
    }
    put(s, b, 1);
    *pp = p + 1;
    return true;
}

/* Length of the well-formed UTF-8 sequence at p (lead byte >= 0x80), or 0:
 * no overlongs, no surrogates, nothing above U+10FFFF (as jansson's
 * utf8_check_full). */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
    unsigned char u = p[0], lo = 0x80, hi = 0xBF;
    size_t n;
    if (u >= 0xC2 && u <= 0xDF)
        n = 2;
    else if (u >= 0xE0 && u <= 0xEF)
        n = 3;
    else if (u >= 0xF0 && u <= 0xF4)
        n = 4;
    else
        return 0;
    if (u == 0xE0) lo = 0xA0;
    if (u == 0xED) hi = 0x9F;
    if (u == 0xF0) lo = 0x90;
    if (u == 0xF4) hi = 0x8F;
    if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* Scan a string whose opening quote is at p; on success return the byte
 * after the closing quote, else NULL with *why set. */
static const char *scan_string(const char *p, const char *end, sink *s, const char **why)
{
    p++;
    for (;;) {
        const char *run = p;
        while (p < end && str_plain[(unsigned char)*p]) p++;
        if (s->out)
            put(s, run, (size_t)(p - run));
        else
            s->len += (size_t)(p - run);
        if (p == end) return *why = "premature end of input", NULL;
        unsigned char ch = (unsigned char)*p;
        if (ch == '"') return p + 1;
        if (ch == '\\') {
            p++;
            if (!escape(&p, end, s)) return *why = "invalid escape", NULL;
        } else if (ch < 0x20) {
            return *why = "control character in string", NULL;
        } else {
            size_t n = utf8_seq((const unsigned char *)p, (const unsigned char *)end);
            if (!n) return *why = "invalid UTF-8", NULL;
            put(s, p, n);
            p += n;
        }
    }
}

js_result js_string(js_cur *c, char *out, size_t cap, size_t *len, js_error *err)
{
    sink s = {out, out ? cap : 0, 0};
    const char *why = NULL;
    if (c->p >= c->end || *c->p != '"') return fail(err, c, c->p, "string expected");
    const char *q = scan_string(c->p, c->end, &s, &why);
    if (!q) return fail(err, c, c->p, why);
    c->p = q;
    if (len) *len = s.len;
    return JS_OK;
}

/* ---- numbers -------------------------------------------------------------- */

enum { NUM_OK, NUM_BAD, NUM_OVERFLOW };

/* Exact powers of ten: Clinger's fast path (an exact integer <= 2^53 times
 * or divided by an exact power of ten is correctly rounded by one IEEE
 * operation). */
static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Eight ASCII digits at once (little-endian load), as fast_float does: long
 * fractions like "-3.1415926535897931" are the common case of random data. */
static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline bool all_digits8(uint64_t v)
{
    return !(((v + UINT64_C(0x4646464646464646)) | (v - UINT64_C(0x3030303030303030))) &
             UINT64_C(0x8080808080808080));
}

static inline uint64_t digits8(uint64_t v)
{
    const uint64_t mask = UINT64_C(0x000000FF000000FF);
    v -= UINT64_C(0x3030303030303030);
    v = v * 10 + (v >> 8);
    v = ((v & mask) * UINT64_C(0x000F424000000064) +
         ((v >> 16) & mask) * UINT64_C(0x0000271000000001)) >>
        32;
    return v;
}

/* Append a run of digits to w (which may wrap: the caller counts digits). */
static inline const char *digit_run(const char *p, const char *end, uint64_t *w)
{
    uint64_t x = *w;
    while (end - p >= 8 && all_digits8(load8(p))) {
        x = x * 100000000 + digits8(load8(p));
        p += 8;
    }
    while (p < end && is_digit((unsigned char)*p)) x = x * 10 + (unsigned)(*p++ - '0');
    *w = x;
    return p;
}

/* Grammar -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? and conversion.
 * Short mantissas with small exponents (the common case: "-9.975", "0.5")
 * are converted here; everything else goes to fast_float on the span. */
static inline int scan_number(const char **pp, const char *end, double *out)
{
    const char *p = *pp, *start = p;
    bool neg = p < end && *p == '-';
    p += neg;
    if (p == end || !is_digit((unsigned char)*p)) return NUM_BAD;
    uint64_t w = 0;
    const char *digits = p;
    if (*p == '0') {
        p++;
        if (p < end && is_digit((unsigned char)*p)) return NUM_BAD; /* leading zero */
    } else {
        p = digit_run(p, end, &w);
    }
    long nfrac = 0;
    if (p < end && *p == '.') {
        const char *f = ++p;
        p = digit_run(p, end, &w);
        nfrac = p - f;
        if (nfrac == 0) return NUM_BAD;
    }
    long ndig = p - digits - (nfrac > 0);
    long e = 0;
    if (p < end && (*p | 0x20) == 'e') {
        p++;
        bool eneg = p < end && (*p == '-' || *p == '+') ? *p++ == '-' : false;
        if (p == end || !is_digit((unsigned char)*p)) return NUM_BAD;
        do {
            if (e < 100000) e = e * 10 + (*p - '0'); /* saturate: only steers the fast path */
            p++;
        } while (p < end && is_digit((unsigned char)*p));
        if (eneg) e = -e;
    }
    *pp = p + (p < end && *p == '\0'); /* jansson drops a NUL right after a number */
    long q = e - nfrac;
    if (ndig > 19) /* w wrapped: fast_float reads the text itself */
        return numtext_parse(start, (size_t)(p - start), out) ? NUM_OVERFLOW : NUM_OK;
    if (w == 0 || (w <= (UINT64_C(1) << 53) && q >= -22 && q <= 22)) {
        double d = (double)w;
        d = q < 0 ? d / pow10_exact[w ? -q : 0] : d * pow10_exact[w ? q : 0];
        *out = neg ? -d : d;
        return NUM_OK;
    }
    return numtext_parse_parts(w, q, neg, start, (size_t)(p - start), out) ? NUM_OVERFLOW : NUM_OK;
}

int js_numlist(const char *p, const char *end, double *out, size_t cap, size_t *n)
{
    size_t k = 0;
    p = skip_ws(p, end);
    for (;;) {
        if (p == end || k == cap) return -1;
        const char *start = p;
        if (scan_number(&p, end, &out[k]) != NUM_OK || p == start || p[-1] == '\0') return -1;
        k++;
        p = skip_ws(p, end);
        if (p == end) break;
        if (*p != ',') return -1;
        p = skip_ws(p + 1, end);
    }
    *n = k;
    return 0;
}

js_result js_number(js_cur *c, double *out, js_error *err)
{
    const char *p = c->p;
    double v;
    int r = scan_number(&p, c->end, &v);
    if (r == NUM_BAD) return fail(err, c, c->p, "invalid number");
    if (r == NUM_OVERFLOW) return fail(err, c, c->p, "real number overflow");
    c->p = p;
    *out = v;
    return JS_OK;
}

/* ---- validating any value ------------------------------------------------- */

/* Open containers, innermost last: bit set for an object. */
typedef struct nest {
    unsigned n;
    uint64_t obj[JS_MAX_DEPTH / 64 + 1];
} nest;

static inline void nest_push(nest *st, bool obj)
{
    uint64_t bit = UINT64_C(1) << (st->n % 64);
    if (obj)
        st->obj[st->n / 64] |= bit;
    else
        st->obj[st->n / 64] &= ~bit;
    st->n++;
}

static inline bool nest_top_is_obj(const nest *st)
{
    unsigned i = st->n - 1;
    return st->obj[i / 64] >> (i % 64) & 1;
}

/* jansson quirk, matched on purpose: its lexer reads one character past a
 * number or a literal and pushes it back, and a pushed-back NUL byte is lost
 * (stream_get treats buffer[pos] == 0 as "buffer empty"). So exactly one NUL
 * right after a number or true/false/null is ignored: "[1\0]" is accepted.
 * We skip it as part of the token so accept/reject stays identical. */
static bool literal(const char **pp, const char *end)
{
    const char *p = *pp;
    const char *word = *p == 't' ? "true" : *p == 'f' ? "false" : "null";
    size_t n = strlen(word);
    if ((size_t)(end - p) < n || memcmp(p, word, n) != 0) return false;
    p += n;
    *pp = p + (p < end && *p == '\0'); /* as after a number */
    return true;
}

/* A scalar at p (not '[' / '{'): advance past it or return an error message. */
static const char *scalar(const char **pp, const char *end)
{
    const char *p = *pp;
    switch (*p) {
    case '"': {
        sink s = {NULL, 0, 0};
        const char *why = NULL;
        p = scan_string(p, end, &s, &why);
        if (!p) return why;
        break;
    }
    case 't':
    case 'f':
    case 'n':
        if (!literal(&p, end)) return "invalid token";
        break;
    default: {
        double v;
        int r = scan_number(&p, end, &v);
        if (r == NUM_BAD) return "invalid token";
        if (r == NUM_OVERFLOW) return "real number overflow";
    }
    }
    *pp = p;
    return NULL;
}

/* The validator's loop. depth is the container depth of the outermost
 * level; st holds the containers already open (js_numarray hands over its
 * arrays when it has to stop decoding); after says whether a value has just
 * been completed at c->p (else one is expected there). */
static js_result skip_run(js_cur *c, unsigned depth, nest *st, bool after, js_error *err)
{
    const char *p = c->p, *end = c->end, *why;
    if (after) goto after_value;
value:
    p = skip_ws(p, end);
    if (p == end) return fail(err, c, p, "unexpected end of input");
    if (depth + st->n + 1 > JS_MAX_DEPTH) return fail(err, c, p, "maximum parsing depth reached");
    if (*p == '[' || *p == '{') {
        bool obj = *p++ == '{';
        nest_push(st, obj);
        p = skip_ws(p, end);
        if (p < end && *p == (obj ? '}' : ']')) {
            p++;
            st->n--;
            goto after_value;
        }
        if (obj) goto key;
        goto value;
    }
    if ((why = scalar(&p, end))) return fail(err, c, p, why);
    goto after_value;
key:
    p = skip_ws(p, end);
    if (p == end || *p != '"') return fail(err, c, p, "string or '}' expected");
    if ((why = scalar(&p, end))) return fail(err, c, p, why);
    p = skip_ws(p, end);
    if (p == end || *p != ':') return fail(err, c, p, "':' expected");
    p++;
    goto value;
after_value:
    if (st->n == 0) {
        c->p = p;
        return JS_OK;
    }
    p = skip_ws(p, end);
    if (p < end && *p == ',') {
        p++;
        if (nest_top_is_obj(st)) goto key;
        goto value;
    }
    if (p < end && *p == (nest_top_is_obj(st) ? '}' : ']')) {
        p++;
        st->n--;
        goto after_value;
    }
    return fail(err, c, p, nest_top_is_obj(st) ? "'}' expected" : "']' expected");
}

js_result js_skip(js_cur *c, unsigned depth, js_error *err)
{
    nest st;
    st.n = 0;
    return skip_run(c, depth, &st, false, err);
}

/* ---- number arrays -------------------------------------------------------- */

/* The element strings that stand for non-finite numbers. The quoted forms
 * are matched first; escaped spellings ("N\u0061N") are decoded. */
static int nonfinite(const char **pp, const char *end, double *out, const char **why)
{
    const char *p = *pp;
    size_t avail = (size_t)(end - p);
    static const struct {
        const char *text;
        size_t n;
        double v;
    } names[] = {
        {"\"NaN\"", 5, NAN}, {"\"Infinity\"", 10, INFINITY}, {"\"-Infinity\"", 11, -INFINITY}};
    for (size_t i = 0; i < 3; i++)
        if (avail >= names[i].n && memcmp(p, names[i].text, names[i].n) == 0) {
            *pp = p + names[i].n;
            *out = names[i].v;
            return 1;
        }
    char buf[16];
    sink s = {buf, sizeof buf, 0};
    const char *q = scan_string(p, end, &s, why);
    if (!q) return -1;
    for (size_t i = 0; i < 3; i++)
        if (s.len == names[i].n - 2 && memcmp(buf, names[i].text + 1, s.len) == 0) {
            *pp = q;
            *out = names[i].v;
            return 1;
        }
    return 0;
}

typedef struct na {
    js_cur *c;
    js_numarray *a;
    js_error *err;
    js_fault *fault;
    unsigned depth;            /* container depth of the whole value */
    unsigned lvl;              /* arrays open */
    bool ndim_known;           /* set by the first number or empty array */
    uint32_t dims_known;       /* bit L: a->dims[L] is fixed */
    size_t count[JS_MAX_DIMS]; /* elements completed per open array */
} na;

static bool grow(js_numarray *a)
{
    size_t cap = a->cap ? a->cap * 2 : 64;
    if (a->max_elems && cap > a->max_elems) cap = a->max_elems;
    double *v = big_realloc(a->v, cap * sizeof *v);
    if (!v) return false;
    a->v = v;
    a->cap = cap;
    return true;
}

/* Record a shape fault at the path of the element being entered (at_close:
 * of the array just closed, whose index is count[lvl-1] in its parent), then
 * validate the rest of the value: a syntax error later on wins. */
static js_result na_fault(na *s, js_result kind, const char *p, bool after)
{
    s->fault->depth = s->lvl;
    for (unsigned i = 0; i < s->lvl; i++) s->fault->index[i] = s->count[i];
    nest st;
    st.n = 0;
    for (unsigned i = 0; i < s->lvl; i++) nest_push(&st, false);
    s->c->p = p;
    js_result r = skip_run(s->c, s->depth, &st, after, s->err);
    return r == JS_OK ? kind : r;
}

/* An element that is neither a number nor an array, at p: a non-finite
 * string, or a fault (after validating the rest), or a syntax error. */
static js_result na_other(na *s, const char **pp, double *v)
{
    const char *p = *pp, *why = NULL;
    if (*p == '"') {
        int r = nonfinite(pp, s->c->end, v, &why);
        if (r > 0) return JS_OK;
        if (r < 0) return fail(s->err, s->c, p, why);
    }
    return na_fault(s, JS_NOT_NUMBER, p, false);
}

/* A non-array element where the shape wants arrays (lvl < ndim): a number
 * there makes the array ragged; anything else is simply not a number. */
static js_result na_misplaced(na *s, const char *p)
{
    js_result kind = JS_NOT_NUMBER;
    if (*p == '-' || is_digit((unsigned char)*p)) kind = JS_RAGGED;
    if (*p == '"') {
        const char *q = p, *why = NULL;
        double v;
        int r = nonfinite(&q, s->c->end, &v, &why);
        if (r < 0) return fail(s->err, s->c, p, why);
        if (r > 0) kind = JS_RAGGED;
    }
    return na_fault(s, kind, p, false);
}

/* The array at level lvl-1 has just closed: check or fix its length. */
static inline bool na_close_ok(na *s)
{
    unsigned L = s->lvl - 1;
    size_t n = s->count[L];
    if (!s->ndim_known) { /* an empty innermost array fixes ndim too */
        s->ndim_known = true;
        s->a->ndim = s->lvl;
    }
    if (s->dims_known >> L & 1) return s->a->dims[L] == n;
    s->dims_known |= UINT32_C(1) << L;
    s->a->dims[L] = n;
    return true;
}

/* Numbers of the innermost array, from p (an element) up to its ']'.
 * This is the hot loop. Returns JS_OK with *pp after the ']'. */
static js_result na_leaves(na *s, const char **pp)
{
    const char *p = *pp, *end = s->c->end;
    js_numarray *a = s->a;
    size_t *count = &s->count[s->lvl - 1];
    for (;;) {
        double v;
        const char *start = p;
        if (*p == '"' || *p == '{' || *p == 't' || *p == 'f' || *p == 'n') {
            js_result r = na_other(s, &p, &v);
            if (r != JS_OK) return r;
        } else if (*p == '[') {
            return na_fault(s, s->lvl == JS_MAX_DIMS ? JS_TOO_DEEP : JS_RAGGED, p, false);
        } else {
            int r = scan_number(&p, end, &v);
            if (r == NUM_BAD) return fail(s->err, s->c, start, "invalid token");
            if (r == NUM_OVERFLOW) return fail(s->err, s->c, start, "real number overflow");
        }
        if (a->n == a->cap) {
            if (a->max_elems && a->n == a->max_elems) return JS_TOO_MANY;
            if (!grow(a)) return JS_NOMEM;
        }
        a->v[a->n++] = v;
        ++*count;
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            if (p == end) return fail(s->err, s->c, p, "unexpected end of input");
            continue;
        }
        if (p < end && *p == ']') {
            *pp = p + 1;
            return JS_OK;
        }
        return fail(s->err, s->c, p, "',' or ']' expected");
    }
}

/* The arrays from the '[' at p, as a loop over the open levels. */
static js_result na_arrays(na *s, const char *p)
{
    const char *end = s->c->end;
open:
    if (s->depth + s->lvl + 1 > JS_MAX_DEPTH)
        return fail(s->err, s->c, p, "maximum parsing depth reached");
    if (s->lvl == JS_MAX_DIMS) return na_fault(s, JS_TOO_DEEP, p, false);
    if (s->ndim_known && s->lvl >= s->a->ndim) return na_fault(s, JS_RAGGED, p, false);
    s->count[s->lvl++] = 0;
    p = skip_ws(p + 1, end);
    if (p < end && *p == ']') {
        p++;
        goto closed;
    }
element:
    if (p == end) return fail(s->err, s->c, p, "unexpected end of input");
    if (*p == '[') goto open;
    if (s->depth + s->lvl + 1 > JS_MAX_DEPTH)
        return fail(s->err, s->c, p, "maximum parsing depth reached");
    if (!s->ndim_known) { /* the first leaf fixes ndim */
        s->ndim_known = true;
        s->a->ndim = s->lvl;
    } else if (s->a->ndim != s->lvl) {
        return na_misplaced(s, p);
    }
    js_result r = na_leaves(s, &p);
    if (r != JS_OK) return r;
closed:
    if (!na_close_ok(s)) {
        s->lvl--;
        return na_fault(s, JS_RAGGED, p, true);
    }
    if (--s->lvl == 0) {
        s->c->p = p;
        return JS_OK;
    }
    s->count[s->lvl - 1]++;
    p = skip_ws(p, end);
    if (p < end && *p == ',') {
        p = skip_ws(p + 1, end);
        goto element;
    }
    if (p < end && *p == ']') {
        p++;
        goto closed;
    }
    return fail(s->err, s->c, p, "',' or ']' expected");
}

/* A bare number (or non-finite string): a tensor of ndim 0. */
static js_result na_scalar(na *s, const char *p)
{
    double v;
    const char *start = p;
    if (*p == '-' || is_digit((unsigned char)*p)) {
        int r = scan_number(&p, s->c->end, &v);
        if (r == NUM_BAD) return fail(s->err, s->c, start, "invalid token");
        if (r == NUM_OVERFLOW) return fail(s->err, s->c, start, "real number overflow");
    } else {
        js_result r = na_other(s, &p, &v);
        if (r != JS_OK) return r;
    }
    if (s->a->cap == 0 && !grow(s->a)) return JS_NOMEM;
    s->a->v[s->a->n++] = v;
    s->a->ndim = 0;
    s->c->p = p;
    return JS_OK;
}

js_result js_numarray_scan(js_cur *c, unsigned depth, js_numarray *a, js_error *err,
                           js_fault *fault)
{
    js_fault spare;
    na s = {.c = c, .a = a, .err = err, .fault = fault ? fault : &spare, .depth = depth};
    const char *p = skip_ws(c->p, c->end);
    if (p == c->end) return fail(err, c, p, "unexpected end of input");
    if (depth + 1 > JS_MAX_DEPTH) return fail(err, c, p, "maximum parsing depth reached");
    a->ndim = 0;
    if (*p == '[') return na_arrays(&s, p);
    return na_scalar(&s, p);
}

/* ---- positions -------------------------------------------------------------- */

void js_position(const char *base, size_t offset, int *line, int *column)
{
    /* jansson counts '\n' as a new line and, within a line, every byte that
     * can start a UTF-8 sequence (utf8_check_first), so continuation bytes
     * and impossible lead bytes do not advance the column. */
    int l = 1, col = 0;
    for (size_t i = 0; i < offset; i++) {
        unsigned char u = (unsigned char)base[i];
        if (u == '\n') {
            l++;
            col = 0;
        } else if (u < 0x80 || (u >= 0xC2 && u <= 0xF4)) {
            col++;
        }
    }
    *line = l;
    *column = col + 1;
}
