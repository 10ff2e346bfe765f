/*
 * test_jsonscan.c - jsonscan against jansson (2.14, JSON_DECODE_ANY |
 * JSON_DECODE_INT_AS_REAL), differentially: hostile hand-written inputs,
 * every truncation of valid documents, and random mutations, each through
 * tests/fuzz/numarray_oracle.h (the same check the libFuzzer target runs).
 * Then the parts jansson cannot judge: shapes, fault paths, limits, string
 * decoding and positions.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "../fuzz/numarray_oracle.h"
#include "wire/numtext.h"

/* ck_assert* reports every passing check to the runner (a write per call);
 * CHECK calls into Check only on failure, for loops of many thousands. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) ck_abort_msg(__VA_ARGS__);                                                    \
    } while (0)

/* Byte strings with NULs: S("a\0b") is pointer and length. */
typedef struct text {
    const char *s;
    size_t n;
} text;
#define S(lit)                                                                                     \
    {                                                                                              \
        lit, sizeof(lit) - 1                                                                       \
    }

/* Escape a buffer for failure messages. */
static const char *show(const char *s, size_t n)
{
    static char out[400];
    size_t k = 0;
    for (size_t i = 0; i < n && k < sizeof out - 8; i++) {
        unsigned char u = (unsigned char)s[i];
        if (u >= 0x20 && u < 0x7F && u != '\\')
            out[k++] = (char)u;
        else
            k += (size_t)snprintf(out + k, 8, "\\x%02x", u);
    }
    out[k] = '\0';
    return out;
}

static void agree(const char *s, size_t n)
{
    /* an exact-size heap copy: reading past the end is a sanitizer error */
    char *buf = malloc(n ? n : 1);
    memcpy(buf, s, n);
    const char *why = oracle_check(buf, n);
    CHECK(!why, "%s: [%s] (%zu bytes)", why, show(s, n), n);
    free(buf);
}

static bool jansson_accepts(const char *s, size_t n)
{
    json_error_t e;
    json_t *j = json_loadb(s, n, ORACLE_FLAGS, &e);
    json_decref(j);
    return j != NULL;
}

/* ---- hostile inputs ----------------------------------------------------- */

/* Each with what jansson does (accept 1 / reject 0), so the corpus also
 * documents the rules; the oracle then checks jsonscan does the same. */
static const struct {
    text t;
    int accept;
} hostile[] = {
    /* empty, whitespace, trailing garbage */
    {S(""), 0},
    {S(" "), 0},
    {S(" \t\r\n[1] \n"), 1},
    {S("[1] x"), 0},
    {S("[1]]"), 0},
    {S("[1],"), 0},
    {S("1 2"), 0},
    {S("[1]\f"), 0},
    {S("\xef\xbb\xbf[1]"), 0}, /* BOM */
    /* numbers */
    {S("01"), 0},
    {S("-01"), 0},
    {S("00"), 0},
    {S("0x10"), 0},
    {S("+1"), 0},
    {S(".5"), 0},
    {S("1."), 0},
    {S("1.e5"), 0},
    {S("1e"), 0},
    {S("1e+"), 0},
    {S("-"), 0},
    {S("-a"), 0},
    {S("--1"), 0},
    {S("1E5"), 1},
    {S("1e-5"), 1},
    {S("-0"), 1},
    {S("-0.0e-0"), 1},
    {S("[1e400]"), 0},
    {S("[-1e400]"), 0},
    {S("1.8e308"), 0},
    {S("1e308"), 1},
    {S("1e-400"), 1},
    {S("[1,2 3]"), 0},
    {S("[1 ,2]"), 1},
    {S("[1,,2]"), 0},
    {S("[,1]"), 0},
    {S("[1,]"), 0},
    {S("NaN"), 0},
    {S("Infinity"), 0},
    {S("-Infinity"), 0},
    {S("[NaN]"), 0},
    {S("[inf]"), 0},
    {S("[\"NaN\"]"), 1},
    {S("[\"nan\"]"), 1},
    {S("[1.5e3x]"), 0},
    {S("1_000"), 0},
    {S("[0000000000000000000000000000001]"), 0},
    /* literals */
    {S("true"), 1},
    {S("tru"), 0},
    {S("truee"), 0},
    {S("True"), 0},
    {S("nul"), 0},
    {S("[null]"), 1},
    {S("[false,true,null]"), 1},
    {S("[true1]"), 0},
    /* jansson quirk: one NUL after a number or literal is dropped */
    {S("1\0"), 1},
    {S("[1\0]"), 1},
    {S("[1\0\0]"), 0},
    {S("[true\0]"), 1},
    {S("null\0"), 1},
    {S("[\"a\"\0]"), 0},
    {S("[[]\0]"), 0},
    {S("[1 \0]"), 0},
    {S("{\"a\":1\0}"), 1},
    {S("{\"a\"\0:1}"), 0},
    {S("\0"), 0},
    {S("[1]\0"), 0},
    {S("[1\0,2]"), 1},
    {S("0\0"), 1},
    /* raw control characters */
    {S("\"a\x01\""), 0},
    {S("\"\t\""), 0},
    {S("\"\n\""), 0},
    {S("\"a\0b\""), 0},
    {S("\"\x1f\""), 0},
    {S("\"\x7f\""), 1},
    /* escapes */
    {S("\"\\u0000\""), 0},
    {S("{\"\\u0000\":1}"), 0},
    {S("\"\\u0001\""), 1},
    {S("\"\\x41\""), 0},
    {S("\"\\a\""), 0},
    {S("\"\\'\""), 0},
    {S("\"\\/\\b\\f\\n\\r\\t\\\"\\\\\""), 1},
    {S("\"\\u12\""), 0},
    {S("\"\\u12G4\""), 0},
    {S("\"\\U0041\""), 0},
    {S("\"\\uABCD\""), 1},
    {S("\"\\uabcd\""), 1},
    {S("\"\\"), 0},
    {S("\"\\u"), 0},
    {S("\"abc"), 0},
    /* surrogates, escaped: paired, lone, reversed */
    {S("\"\\ud83d\\ude00\""), 1},
    {S("\"\\uD83D\\uDE00\""), 1},
    {S("\"\\ud83d\""), 0},
    {S("\"\\ude00\""), 0},
    {S("\"\\ude00\\ud83d\""), 0},
    {S("\"\\ud83d\\u0041\""), 0},
    {S("\"\\ud83dx\""), 0},
    {S("\"\\ud83d\\\""), 0},
    {S("\"\\ud83d\\ud83d\""), 0},
    {S("\"\\udbff\\udfff\""), 1},
    {S("\"\\ud800\\udc00\""), 1},
    /* UTF-8: valid, truncated, overlong, surrogates raw, out of range, stray */
    {S("\"\xc3\xa9\""), 1},
    {S("\"\xe2\x82\xac\""), 1},
    {S("\"\xf0\x9f\x98\x80\""), 1},
    {S("\"\xf4\x8f\xbf\xbf\""), 1},
    {S("\"\xef\xbf\xbf\""), 1},
    {S("\"\xc3\""), 0},
    {S("\"\xe2\x82\""), 0},
    {S("\"\xf0\x9f\x98\""), 0},
    {S("\"\x80\""), 0},
    {S("\"\xbf\""), 0},
    {S("\"\xc0\x80\""), 0},
    {S("\"\xc1\xbf\""), 0},
    {S("\"\xe0\x80\x80\""), 0},
    {S("\"\xe0\x9f\xbf\""), 0},
    {S("\"\xf0\x80\x80\x80\""), 0},
    {S("\"\xf0\x8f\xbf\xbf\""), 0},
    {S("\"\xed\xa0\x80\""), 0},
    {S("\"\xed\xbf\xbf\""), 0},
    {S("\"\xed\xa0\xbd\xed\xb8\x80\""), 0},
    {S("\"\xed\x9f\xbf\""), 1},
    {S("\"\xee\x80\x80\""), 1},
    {S("\"\xf4\x90\x80\x80\""), 0},
    {S("\"\xf5\x80\x80\x80\""), 0},
    {S("\"\xf8\x88\x80\x80\x80\""), 0},
    {S("\"\xfe\""), 0},
    {S("\"\xff\""), 0},
    {S("\"\xc3\xa9\xc3\""), 0},
    {S("\"\xe2\x28\xa1\""), 0},
    {S("[1]\xff"), 0},
    {S("\xc3\xa9"), 0},
    {S("[\"\xc3\xa9\", 1]"), 1},
    /* objects: duplicate keys are accepted without JSON_REJECT_DUPLICATES */
    {S("{\"a\":1,\"a\":2}"), 1},
    {S("{}"), 1},
    {S("{\"a\"}"), 0},
    {S("{\"a\":}"), 0},
    {S("{\"a\":1,}"), 0},
    {S("{,}"), 0},
    {S("{1:2}"), 0},
    {S("{\"a\" 1}"), 0},
    {S("{\"a\":1"), 0},
    {S("{\"a\":1 \"b\":2}"), 0},
    {S("{\"a\":{\"a\":[{}]},\"a\":null}"), 1},
    {S("{'a':1}"), 0},
    {S("[{\"x\":[1,2]},[3]]"), 1},
    /* non-finite element strings, plain and escaped */
    {S("[\"N\\u0061N\"]"), 1},
    {S("[\"\\u004eaN\", \"Infinit\\u0079\"]"), 1},
    {S("\"-Infinity\""), 1},
    {S("[\"-Infinity\", \"+Infinity\"]"), 1},
    {S("[\"NaN \"]"), 1},
    {S("[\"infinity\"]"), 1},
    /* shapes: rectangular, ragged, too deep, not numbers */
    {S("[[1,2],[3,4]]"), 1},
    {S("[[1,2],[3]]"), 1},
    {S("[[1],2]"), 1},
    {S("[1,[2]]"), 1},
    {S("[[],[]]"), 1},
    {S("[[],[1]]"), 1},
    {S("[[1],[]]"), 1},
    {S("[[[]],[]]"), 1},
    {S("[[],1]"), 1},
    {S("[[1],\"NaN\"]"), 1},
    {S("[[1],\"x\"]"), 1},
    {S("[[1],{}]"), 1},
    {S("[1,\"x\"]"), 1},
    {S("[1,{\"a\":[}]"), 0}, /* a fault, then a syntax error: the syntax error wins */
    {S("[[1,2],[3]],"), 0},
    {S("[[1,2],[3],[\"\\ud800\"]]"), 0},
    {S("[1,true,[2"), 0},
    {S("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), 1}, /* 33 */
    {S("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"), 1},  /* 32 */
};

START_TEST(hostile_inputs)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        const text *t = &hostile[i].t;
        CHECK(jansson_accepts(t->s, t->n) == hostile[i].accept, "jansson %s [%s]",
              hostile[i].accept ? "rejects" : "accepts", show(t->s, t->n));
        agree(t->s, t->n);
    }
}
END_TEST

/* Every byte of every single-byte value in a few positions. */
START_TEST(every_byte)
{
    static const char *frames[] = {"[1,%s]", "%s", "[\"%s\"]", "{\"%s\":1}", "[1%s]", "[[1],%s]"};
    char buf[32];
    for (size_t f = 0; f < sizeof frames / sizeof frames[0]; f++)
        for (int b = 0; b < 256; b++) {
            const char *pct = strstr(frames[f], "%s");
            size_t pre = (size_t)(pct - frames[f]);
            memcpy(buf, frames[f], pre);
            buf[pre] = (char)b;
            strcpy(buf + pre + 1, pct + 2);
            agree(buf, strlen(frames[f]) - 1);
        }
}
END_TEST

/* ---- truncations and mutations of valid documents ------------------------ */

static char *plot_array(size_t *len)
{
    /* np.arange(-10, 10, 0.025) as Python's repr prints it (shortest) */
    char *s = malloc(32 * 800 + 2), *p = s;
    *p++ = '[';
    for (int i = 0; i < 800; i++) {
        double v = -10 + 0.025 * i;
        char t[NUMTEXT_MAX];
        if (i) p += sprintf(p, ", ");
        size_t n = numtext_f64(v, t);
        memcpy(p, t, n);
        p += n;
        if (!memchr(t, '.', n) && !memchr(t, 'e', n)) p += sprintf(p, ".0");
    }
    *p++ = ']';
    *len = (size_t)(p - s);
    return s;
}

static const char *valid_docs[] = {
    "[-10.0, -9.975, -9.95, 1e-7, 5e-324, -0.0, 1.7976931348623157e308]",
    "[[1, 2.5, -3e2], [\"NaN\", \"Infinity\", \"-Infinity\"]]",
    "[[[1,2],[3,4]],[[5,6],[7,8]]]",
    "{\"activation\": \"relu\", \"x\": [[-2, 0.5], [3, -1]], \"p\": {\"a\": true}}",
    "[\"N\\u0061N\", \"\\u0049nfinity\", 12345678901234567890, 0.30000000000000004]",
    "{\"s\": \"h\\u00e9llo \\ud83d\\ude00 \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\", \"t\": [false]}",
    "[[], [], []]",
    "  [ 1 , [ 2 ] , { } , [ ] , \"x\" ]  ",
    "-1.5e-300",
    "\"Infinity\"",
    "[1\0, 2]",
    "[0.1, 0.2, 0.30000000000000004, 123456789012345678901234567890.123456789e-10]",
};

START_TEST(truncations)
{
    size_t plen;
    char *plot = plot_array(&plen);
    agree(plot, plen);
    for (size_t i = 0; i <= plen; i++) agree(plot, i);
    free(plot);
    for (size_t d = 0; d < sizeof valid_docs / sizeof valid_docs[0]; d++) {
        size_t n = strlen(valid_docs[d]);
        if (d == 10) n = 8; /* the one with a NUL inside */
        for (size_t i = 0; i <= n; i++) agree(valid_docs[d], i);
    }
}
END_TEST

static uint64_t rng = 0x243F6A8885A308D3ull;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Bytes a mutation is likely to make interesting. */
static char mutant_byte(void)
{
    static const char pool[] = "[]{},:\"\\ \t\n\r0123456789-+.eEtrufalsenNIy/bu";
    uint64_t r = rnd() % 8;
    if (r == 0) return (char)(rnd() & 0xFF);
    if (r == 1) return (char)(0x80 | (rnd() & 0x7F));
    return pool[rnd() % (sizeof pool - 1)];
}

static size_t mutate(char *s, size_t n, size_t cap)
{
    int k = 1 + (int)(rnd() % 4);
    while (k--) {
        size_t at = n ? (size_t)(rnd() % n) : 0;
        switch (rnd() % 5) {
        case 0:
            if (n) s[at] = mutant_byte();
            break;
        case 1: /* delete */
            if (n) memmove(s + at, s + at + 1, n - at - 1), n--;
            break;
        case 2: /* insert */
            if (n < cap) memmove(s + at + 1, s + at, n - at), s[at] = mutant_byte(), n++;
            break;
        case 3: { /* duplicate a span */
            size_t len = 1 + (size_t)(rnd() % 12);
            if (at + len <= n && n + len <= cap) {
                memmove(s + at + 2 * len, s + at + len, n - at - len);
                memcpy(s + at + len, s + at, len);
                n += len;
            }
            break;
        }
        default: /* truncate */
            n = at;
        }
    }
    return n;
}

START_TEST(mutations)
{
    char buf[512];
    size_t ndocs = sizeof valid_docs / sizeof valid_docs[0];
    for (int i = 0; i < 300000; i++) {
        const char *d = valid_docs[(size_t)i % ndocs];
        size_t n = (size_t)i % ndocs == 10 ? 8 : strlen(d);
        memcpy(buf, d, n);
        n = mutate(buf, n, sizeof buf);
        agree(buf, n);
    }
}
END_TEST

/* ---- nesting ------------------------------------------------------------- */

/* n '[' then an optional middle then n ']'. */
static char *nested(size_t n, const char *mid, size_t *len)
{
    size_t m = strlen(mid);
    char *s = malloc(2 * n + m + 1);
    memset(s, '[', n);
    memcpy(s + n, mid, m);
    memset(s + n + m, ']', n);
    *len = 2 * n + m;
    return s;
}

START_TEST(deep_nesting)
{
    static const size_t depths[] = {31, 32, 33, 2046, 2047, 2048, 2049, 2050, 100000};
    static const char *mids[] = {"", "1", "{}", "{\"a\":1}", "\"x\""};
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++)
        for (size_t m = 0; m < sizeof mids / sizeof mids[0]; m++) {
            size_t len;
            char *s = nested(depths[i], mids[m], &len);
            agree(s, len);
            free(s);
        }
    /* jansson's limit counts every value, scalars too: 2048 empty arrays pass,
     * 2048 arrays around a number do not */
    size_t len;
    char *s = nested(2048, "", &len);
    ck_assert(jansson_accepts(s, len));
    free(s);
    s = nested(2048, "1", &len);
    ck_assert(!jansson_accepts(s, len));
    free(s);
}
END_TEST

/* The depth argument: a value inside a container of depth d. */
START_TEST(depth_argument)
{
    size_t len;
    char *s = nested(2047, "", &len);
    js_cur c = {s, s, s + len};
    js_error err;
    ck_assert_int_eq(js_skip(&c, 1, &err), JS_OK); /* 2047 + 1 = 2048: fine */
    c.p = s;
    ck_assert_int_eq(js_skip(&c, 2, &err), JS_SYNTAX);
    ck_assert_str_eq(err.msg, "maximum parsing depth reached");
    free(s);
    static const char one[] = "1";
    c = (js_cur){one, one, one + 1};
    js_numarray a = {0};
    ck_assert_int_eq(js_numarray(&c, JS_MAX_DEPTH - 1, &a, &err, NULL), JS_OK);
    c.p = c.base;
    a.n = 0;
    ck_assert_int_eq(js_numarray(&c, JS_MAX_DEPTH, &a, &err, NULL), JS_SYNTAX);
    free(a.v);
}
END_TEST

/* ---- number arrays: values, shapes, faults, limits ----------------------- */

typedef struct scan {
    js_result r;
    js_numarray a;
    js_fault f;
    js_error err;
    size_t stop; /* where the cursor was left */
} scan;

static scan run(const char *s, size_t max_elems)
{
    scan out;
    memset(&out, 0, sizeof out);
    out.a.max_elems = max_elems;
    js_cur c = {s, s, s + strlen(s)};
    out.r = js_numarray(&c, 0, &out.a, &out.err, &out.f);
    out.stop = (size_t)(c.p - s);
    return out;
}

/* Only the result (and message), the buffer freed. */
static js_result result_of(const char *s, char *msg)
{
    scan x = run(s, 0);
    free(x.a.v);
    if (msg) strcpy(msg, x.err.msg);
    return x.r;
}

static void expect_shape(const char *s, unsigned ndim, const size_t *dims)
{
    scan x = run(s, 0);
    ck_assert_msg(x.r == JS_OK, "%s: %d", s, x.r);
    ck_assert_uint_eq(x.a.ndim, ndim);
    for (unsigned i = 0; i < ndim; i++) ck_assert_uint_eq(x.a.dims[i], dims[i]);
    ck_assert_uint_eq(x.stop, strlen(s));
    free(x.a.v);
}

static void expect_fault(const char *s, js_result r, unsigned depth, const size_t *path)
{
    scan x = run(s, 0);
    ck_assert_msg(x.r == r, "%s: got %d want %d", s, x.r, r);
    ck_assert_uint_eq(x.f.depth, depth);
    for (unsigned i = 0; i < depth; i++) ck_assert_uint_eq(x.f.index[i], path[i]);
    ck_assert_msg(x.stop == strlen(s), "%s: cursor not after the value", s); /* validated */
    free(x.a.v);
}

START_TEST(shapes)
{
    expect_shape("[]", 1, (size_t[]){0});
    expect_shape("[[]]", 2, (size_t[]){1, 0});
    expect_shape("[[],[]]", 2, (size_t[]){2, 0});
    expect_shape("[[[]]]", 3, (size_t[]){1, 1, 0});
    expect_shape("7", 0, NULL);
    expect_shape("\"NaN\"", 0, NULL);
    expect_shape("[1,2,3]", 1, (size_t[]){3});
    expect_shape("[[1,2,3],[4,5,6]]", 2, (size_t[]){2, 3});
    expect_shape("[[[1],[2]],[[3],[4]],[[5],[6]]]", 3, (size_t[]){3, 2, 1});
    expect_shape(" [ [ 1 ] , [ 2 ] ]", 2, (size_t[]){2, 1});
}
END_TEST

START_TEST(faults)
{
    expect_fault("[[1,2],[3]]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[1,2],[3,4,5]]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[1],2]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[1,[2]]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[],[1]]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[1],[]]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[[1,2]],[[3,4]],[[5,6],[7,8]]]", JS_RAGGED, 1, (size_t[]){2});
    expect_fault("[[1],\"Infinity\"]", JS_RAGGED, 1, (size_t[]){1});
    expect_fault("[[1,2],[3,\"x\"]]", JS_NOT_NUMBER, 2, (size_t[]){1, 1});
    expect_fault("[[1],{\"a\":[]}]", JS_NOT_NUMBER, 1, (size_t[]){1});
    expect_fault("[1,2,null]", JS_NOT_NUMBER, 1, (size_t[]){2});
    expect_fault("{\"x\":1}", JS_NOT_NUMBER, 0, NULL);
    expect_fault("\"nan\"", JS_NOT_NUMBER, 0, NULL);
    expect_fault("true", JS_NOT_NUMBER, 0, NULL);
    /* the first fault in document order is the one reported */
    expect_fault("[[1,\"x\"],[2]]", JS_NOT_NUMBER, 2, (size_t[]){0, 1});
    size_t len;
    char *s = nested(33, "1", &len);
    s[len] = '\0';
    size_t zeros[JS_MAX_DIMS] = {0};
    expect_fault(s, JS_TOO_DEEP, 32, zeros);
    free(s);
    /* a fault, then a syntax error later in the value: the syntax error wins */
    ck_assert_int_eq(result_of("[[1],2,[}]", NULL), JS_SYNTAX);
    ck_assert_int_eq(result_of("[[1,2],[3],\"\\ud800\"]", NULL), JS_SYNTAX);
}
END_TEST

START_TEST(values)
{
    scan x = run("[-10.0, -9.975, 1e-400, -0, \"N\\u0061N\", \"-Infinity\", 5e-324, 0.1]", 0);
    ck_assert_int_eq(x.r, JS_OK);
    ck_assert_uint_eq(x.a.n, 8);
    ck_assert(x.a.v[0] == -10.0 && x.a.v[1] == -9.975 && x.a.v[2] == 0 && !signbit(x.a.v[2]));
    ck_assert(x.a.v[3] == 0 && signbit(x.a.v[3]));
    ck_assert(isnan(x.a.v[4]) && x.a.v[5] == -INFINITY && x.a.v[6] == 5e-324 && x.a.v[7] == 0.1);
    free(x.a.v);
    char msg[sizeof x.err.msg];
    ck_assert_int_eq(result_of("[1e309]", msg), JS_SYNTAX);
    ck_assert_str_eq(msg, "real number overflow");
}
END_TEST

START_TEST(limits)
{
    scan x = run("[1,2,3]", 3);
    ck_assert_int_eq(x.r, JS_OK);
    free(x.a.v);
    x = run("[1,2,3,4,garbage", 3);
    ck_assert_int_eq(x.r, JS_TOO_MANY); /* stops at the 4th number, before the garbage */
    ck_assert_uint_eq(x.a.n, 3);
    free(x.a.v);
    x = run("[[1,2],[3,4]]", 3);
    ck_assert_int_eq(x.r, JS_TOO_MANY);
    free(x.a.v);
    /* a large array grows the caller's buffer by doubling */
    size_t n = 100000, len = 0;
    char *s = malloc(n * 4 + 2);
    s[len++] = '[';
    for (size_t i = 0; i < n; i++) len += (size_t)sprintf(s + len, i ? ",%zu" : "%zu", i % 100);
    s[len++] = ']';
    s[len] = '\0';
    x = run(s, 0);
    ck_assert_int_eq(x.r, JS_OK);
    ck_assert_uint_eq(x.a.n, n);
    ck_assert(x.a.cap >= n && x.a.cap < 2 * n + 64);
    for (size_t i = 0; i < n; i++) CHECK(x.a.v[i] == (double)(i % 100), "value %zu", i);
    free(x.a.v);
    free(s);
}
END_TEST

/* ---- strings, numbers, positions -------------------------------------------- */

START_TEST(strings)
{
    const char *s = "\"a\\n\\u00e9\\ud83d\\ude00\\/\xe2\x82\xac\" tail";
    js_cur c = {s, s, s + strlen(s)};
    char out[64];
    size_t len;
    js_error err;
    ck_assert_int_eq(js_string(&c, out, sizeof out, &len, &err), JS_OK);
    ck_assert_uint_eq(len, 12);
    ck_assert(memcmp(out, "a\n\xc3\xa9\xf0\x9f\x98\x80/\xe2\x82\xac", 12) == 0);
    ck_assert_str_eq(c.p, " tail");
    /* truncated output: the full length is still reported */
    c.p = s;
    ck_assert_int_eq(js_string(&c, out, 3, &len, &err), JS_OK);
    ck_assert_uint_eq(len, 12);
    ck_assert(memcmp(out, "a\n\xc3", 3) == 0);
    /* validate only */
    c.p = s;
    ck_assert_int_eq(js_string(&c, NULL, 0, &len, &err), JS_OK);
    ck_assert_uint_eq(len, 12);
    const char *bad = "\"\\ud800\"";
    c = (js_cur){bad, bad, bad + strlen(bad)};
    ck_assert_int_eq(js_string(&c, out, sizeof out, &len, &err), JS_SYNTAX);
    ck_assert_ptr_eq(c.p, bad); /* not moved on error */
}
END_TEST

START_TEST(numbers)
{
    static const char *t[] = {"0",
                              "-0",
                              "1.5",
                              "-9.975",
                              "123456789012345678",
                              "1e22",
                              "1e23",
                              "9007199254740993",
                              "2.2250738585072011e-308",
                              "0.1e-5",
                              "1E+2"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        js_cur c = {t[i], t[i], t[i] + strlen(t[i])};
        double v, want = strtod(t[i], NULL);
        js_error err;
        ck_assert_int_eq(js_number(&c, &v, &err), JS_OK);
        ck_assert(memcmp(&v, &want, sizeof v) == 0);
        ck_assert_ptr_eq(c.p, c.end);
    }
    /* the 17-digit fast path and fast_float's agree with strtod on random input */
    char s[64];
    for (int i = 0; i < 300000; i++) {
        uint64_t b = rnd();
        double d;
        memcpy(&d, &b, sizeof d);
        if (!isfinite(d)) continue;
        int n = i % 2
                    ? snprintf(s, sizeof s, "%.17g", d)
                    : snprintf(s, sizeof s, "%.*f", (int)(b % 6), (double)(int64_t)(b % 20000) / 7);
        js_cur c = {s, s, s + n};
        double v, want = strtod(s, NULL);
        js_error err;
        CHECK(js_number(&c, &v, &err) == JS_OK && memcmp(&v, &want, sizeof v) == 0, "%s", s);
    }
}
END_TEST

START_TEST(positions)
{
    int line, col;
    const char *s = "[1,\n  \xc3\xa9x]";
    js_position(s, 0, &line, &col);
    ck_assert(line == 1 && col == 1);
    js_position(s, 3, &line, &col); /* the newline itself ends line 1 */
    ck_assert(line == 1 && col == 4);
    js_position(s, 8, &line, &col); /* 'x': after 2 spaces and one 2-byte char */
    ck_assert(line == 2 && col == 4);
    /* jansson reports the same line and column for an error at a character */
    const char *bad = "[1,\n  2,\n x]";
    json_error_t je;
    ck_assert_ptr_null(json_loadb(bad, strlen(bad), ORACLE_FLAGS, &je));
    js_cur c = {bad, bad, bad + strlen(bad)};
    js_numarray a = {0};
    js_error err;
    js_fault f;
    ck_assert_int_eq(js_numarray(&c, 0, &a, &err, &f), JS_SYNTAX);
    js_position(bad, err.offset, &line, &col);
    ck_assert_int_eq(line, je.line);
    ck_assert_int_eq(col, je.column);
    free(a.v);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("jsonscan");
    TCase *tc = tcase_create("differential");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hostile_inputs);
    tcase_add_test(tc, every_byte);
    tcase_add_test(tc, truncations);
    tcase_add_test(tc, mutations);
    tcase_add_test(tc, deep_nesting);
    suite_add_tcase(s, tc);
    tc = tcase_create("semantics");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, depth_argument);
    tcase_add_test(tc, shapes);
    tcase_add_test(tc, faults);
    tcase_add_test(tc, values);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, strings);
    tcase_add_test(tc, numbers);
    tcase_add_test(tc, positions);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return check_run(suite());
}
