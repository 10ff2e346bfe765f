/*
 * test_hostile.c - what a hostile client can send, against the real daemon:
 * every malformed-JSON shape, wrong types, missing and unknown fields,
 * out-of-bounds parameters, huge ranges, oversize bodies (Content-Length
 * and chunked), malformed HTTP over raw sockets, wrong methods and content
 * types. Each case asserts the exact status and problem type (and pointer
 * where one field is at fault). Last, the daemon still answers correctly
 * and its memory has not grown.
 *
 * The daemon runs with --max-body 1Mi --max-elements 100000; test_api.c
 * already covers the 413s of a 5 MiB Content-Length body and of 100001
 * elements in x, and the basic 400/422 shapes: this suite goes wider.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "rawhttp.h"
#include "testd.h"

/* Under ASan the daemon's freed memory sits in quarantine: RSS bounds are
 * only meaningful for the plain build (the test is built the same way). */
#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

#define MAX_BODY  (1u << 20)
#define MAX_ELEMS 100000

static testd D;
static long rss_start;

/* ---- helpers -------------------------------------------------------------------- */

/* A problem+json answer: status, /problems/<slug>, pointer (NULL: not
 * checked, "-": must be absent). */
static void check_problem(long got_status, const char *ctype, const char *body, size_t len,
                          long status, const char *slug, const char *pointer, const char *what)
{
    ck_assert_msg(got_status == status, "%s: status %ld, want %ld: %.300s", what, got_status,
                  status, body);
    ck_assert_msg(ctype && strcmp(ctype, "application/problem+json") == 0, "%s: Content-Type %s",
                  what, ctype ? ctype : "(none)");
    json_t *v = json_loadb(body, len, 0, NULL);
    ck_assert_msg(v != NULL, "%s: problem is not JSON: %.300s", what, body);
    char type[96];
    snprintf(type, sizeof type, "/problems/%s", slug);
    const char *t = json_string_value(json_object_get(v, "type"));
    ck_assert_msg(t && strcmp(t, type) == 0, "%s: type %s, want %s (%.300s)", what,
                  t ? t : "(none)", type, body);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), status);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "title")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "detail")));
    const char *ptr = json_string_value(json_object_get(v, "pointer"));
    if (pointer && strcmp(pointer, "-") == 0)
        ck_assert_msg(ptr == NULL, "%s: unexpected pointer %s", what, ptr);
    else if (pointer)
        ck_assert_msg(ptr && strcmp(ptr, pointer) == 0, "%s: pointer %s, want %s", what,
                      ptr ? ptr : "(none)", pointer);
    if (strcmp(slug, "malformed-json") == 0) {
        json_int_t off = json_integer_value(json_object_get(v, "offset"));
        ck_assert_msg(json_integer_value(json_object_get(v, "line")) >= 1 &&
                          json_integer_value(json_object_get(v, "column")) >= 1 && off >= 0,
                      "%s: malformed-json without line/column/offset: %s", what, body);
    }
    json_decref(v);
}

static void send_problem(const char *method, const char *path, const char *ctype, const char *body,
                         size_t len, long status, const char *slug, const char *pointer)
{
    http_resp r;
    char ct[128], what[160];
    ck_assert_int_eq(http_do(&D, method, path, ctype, body, len, NULL, &r), 0);
    snprintf(what, sizeof what, "%s %s [%.60s%s]", method, path, body ? body : "",
             body && len > 60 ? "..." : "");
    check_problem(r.status, resp_header(&r, "Content-Type", ct, sizeof ct), r.body, r.len, status,
                  slug, pointer, what);
    http_resp_free(&r);
}

/* POST a JSON body of exactly len bytes (NULs allowed) to /eval. */
static void json_problem_n(const char *body, size_t len, long status, const char *slug,
                           const char *pointer)
{
    send_problem("POST", "/eval", "application/json", body, len, status, slug, pointer);
}

static void json_problem(const char *body, long status, const char *slug, const char *pointer)
{
    json_problem_n(body, strlen(body), status, slug, pointer);
}

static void grad_problem(const char *body, long status, const char *slug, const char *pointer)
{
    send_problem("POST", "/grad", "application/json", body, strlen(body), status, slug, pointer);
}

static void get_problem(const char *path, long status, const char *slug)
{
    send_problem("GET", path, NULL, NULL, 0, status, slug, NULL);
}

static void raw_problem(const char *req, size_t len, long status, const char *slug)
{
    raw_resp r;
    char ct[128];
    ck_assert_msg(raw_exchange(D.port, req, len, &r, 10) == 0, "no answer to %.80s", req);
    check_problem(r.status, raw_header(&r, "Content-Type", ct, sizeof ct), r.body, r.body_len,
                  status, slug, NULL, req);
    raw_resp_free(&r);
}

/* A raw request libmicrohttpd itself refuses: the status (0 = the
 * connection is closed without an answer), and the connection must close. */
static void raw_refused(const char *req, size_t len, int status)
{
    int fd = raw_connect(D.port);
    ck_assert(fd >= 0);
    raw_send(fd, req, len);
    raw_resp r;
    raw_read(fd, &r, 10);
    ck_assert_msg(r.status == status, "%.60s: status %d, want %d (%.200s)", req, r.status, status,
                  r.head);
    ck_assert_msg(raw_wait_closed(fd, 10) >= 0, "%.60s: connection left open", req);
    raw_resp_free(&r);
    close(fd);
}

#define RAW(lit) lit, sizeof(lit) - 1

static void daemon_answers(void)
{
    http_resp r;
    ck_assert_int_eq(http_post_json(&D, "/eval", "{\"activation\":\"relu\",\"x\":[-1,0,2.5]}", &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"y\":[0,0,2.5]"));
    http_resp_free(&r);
}

static void start(void)
{
    static const char *const args[] = {"--max-body", "1Mi", "--max-elements", "100000", "--log",
                                       "off",        NULL};
    if (testd_start(&D, args) != 0) {
        fprintf(stderr, "cannot start activd (ACTIVD_BIN?)\n");
        exit(1);
    }
    /* warm up: the largest bodies and answers once, so the allocator has
     * its working set before the baseline */
    char *big = malloc(MAX_BODY);
    size_t n = (size_t)sprintf(big, "{\"activation\":\"relu\",\"x\":[");
    for (int i = 0; i < MAX_ELEMS; i++) n += (size_t)sprintf(big + n, i ? ",%d" : "%d", i % 10);
    n += (size_t)sprintf(big + n, "]}");
    http_resp r;
    for (int k = 0; k < 4; k++) {
        http_post_json(&D, "/eval", big, &r);
        http_resp_free(&r);
    }
    free(big);
    rss_start = testd_rss_kb(&D);
}

static void stop(void)
{
    testd_stop(&D, 15, 10 * test_slowdown(), NULL);
}

/* ---- malformed JSON --------------------------------------------------------------- */

static const char valid[] = "{\"activation\":\"leaky_relu\",\"x\":[[-2,0.5],[3,-1e-3]],"
                            "\"params\":{\"negative_slope\":0.2},\"dtype\":\"float32\"}";

/* Every proper prefix of a valid request is malformed JSON, at or before
 * its end. */
START_TEST(truncated_at_every_byte)
{
    http_resp r;
    ck_assert_int_eq(http_post_json(&D, "/eval", valid, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    for (size_t k = 0; k < sizeof valid - 1; k++) {
        char ct[128], what[64];
        ck_assert_int_eq(http_do(&D, "POST", "/eval", "application/json", valid, k, NULL, &r), 0);
        snprintf(what, sizeof what, "prefix of %zu bytes", k);
        check_problem(r.status, resp_header(&r, "Content-Type", ct, sizeof ct), r.body, r.len, 400,
                      "malformed-json", "-", what);
        json_t *v = resp_json(&r);
        ck_assert_int_le(json_integer_value(json_object_get(v, "offset")), (json_int_t)k);
        json_decref(v);
        http_resp_free(&r);
    }
}
END_TEST

START_TEST(trailing_garbage)
{
    static const char *const tails[] = {"x", "}", " {}", ",", "]", "\"", "null", "{", "\x01"};
    char body[512];
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) {
        snprintf(body, sizeof body, "%s%s", valid, tails[i]);
        json_problem(body, 400, "malformed-json", "-");
    }
    json_problem("{\"activation\":\"relu\",\"x\":[1]}\n\n{}", 400, "malformed-json", "-");
    json_problem("{\"activation\":\"relu\",\"x\":[1] 2}", 400, "malformed-json", "-");
}
END_TEST

START_TEST(bad_literals_and_numbers)
{
    static const char *const bad[] = {
        "tru", "nul", "True", "NULL", "fals", "undefined", "t", "nulll", "truefalse",
        /* leading zeros, hex, signs, dots */
        "01", "-01", "00", "0x10", "0X1F", "+1", ".5", "1.", "1.e5", "-", "--1", "1e", "1e+", "1E-",
        "0.1.2", "1_000", "١",
        /* NaN and infinity tokens (only the strings are allowed) */
        "NaN", "-NaN", "nan", "Infinity", "-Infinity", "inf", "-inf", "Inf",
        /* overflow */
        "1e400", "-1e309", "1.8e308",
        /* bad strings */
        "'relu'", "\"\\x41\"", "\"\\u12\"", "\"\\uZZZZ\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\udc00\\ud800\"", "\"\\\"", "\"abc", "\"a\tb\"", "\"a\nb\""};
    char body[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1,%s]}", bad[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1],\"params\":{\"a\":%s}}",
                 bad[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":%s,\"x\":[1]}", bad[i]);
        json_problem(body, 400, "malformed-json", "-");
    }
    /* structural */
    static const char *const shapes[] = {"",
                                         " ",
                                         "{",
                                         "}",
                                         "[",
                                         "{\"activation\"}",
                                         "{\"activation\":}",
                                         "{\"activation\" \"relu\"}",
                                         "{\"activation\":\"relu\",}",
                                         "{,\"activation\":\"relu\"}",
                                         "{\"x\":[1,]}",
                                         "{\"x\":[,1]}",
                                         "{\"x\":[1 2]}",
                                         "{activation:\"relu\"}",
                                         "{\"x\":[1]]",
                                         "{\"x\":[[1]}",
                                         "/* c */{}",
                                         "{\"x\":[1]}//",
                                         "\xef\xbb\xbf{}"};
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
        json_problem(shapes[i], 400, "malformed-json", "-");
}
END_TEST

START_TEST(invalid_utf8)
{
    static const char *const seqs[] = {"\xff",
                                       "\xfe",
                                       "\x80",
                                       "\xc0\xaf", /* overlong '/' */
                                       "\xe0\x80\xaf",
                                       "\xc3",
                                       "\xe2\x82",
                                       "\xed\xa0\x80",     /* a surrogate */
                                       "\xf4\x90\x80\x80", /* > U+10FFFF */
                                       "\xf8\x88\x80\x80\x80",
                                       "a\xc3(b"};
    char body[256];
    for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"relu%s\",\"x\":[1]}", seqs[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1],\"k%s\":1}", seqs[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[\"%s\"]}", seqs[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":\"gelu\",\"x\":[1],\"params\":{\"a\":\"%s\"}}",
                 seqs[i]);
        json_problem(body, 400, "malformed-json", "-");
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1]}%s", seqs[i]);
        json_problem(body, 400, "malformed-json", "-");
    }
    /* valid UTF-8 that names nothing is a 422, not a 400 */
    json_problem("{\"activation\":\"r\xc3\xa9lu\",\"x\":[1]}", 422, "unknown-activation",
                 "/activation");
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"\xf0\x9f\x98\x80\":1}", 422, "unknown-field",
                 "/\xf0\x9f\x98\x80");
}
END_TEST

/* A raw NUL byte is never JSON, wherever it is (jansson 2.14 skips one
 * after a number or literal; activd does not). */
START_TEST(raw_nul)
{
    static const struct {
        const char *s;
        size_t n;
    } cases[] = {
        {RAW("{\"activation\":\"relu\",\"x\":[1\0]}")},
        {RAW("{\"activation\":\"relu\",\"x\":1\0}")},
        {RAW("{\"activation\":\"relu\",\"x\":[1],\"y\":true\0}")},
        {RAW("{\"activation\":\"relu\",\"x\":[1],\"params\":{\"a\":null\0}}")},
        {RAW("{\"activation\":\"relu\",\"x\":[1]}\0")},
        {RAW("\0{\"activation\":\"relu\",\"x\":[1]}")},
        {RAW("{\"activation\":\"re\0lu\",\"x\":[1]}")},
        {RAW("{\"activation\":\"relu\",\0\"x\":[1]}")},
        {RAW("{\"act\0ivation\":\"relu\",\"x\":[1]}")},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        json_problem_n(cases[i].s, cases[i].n, 400, "malformed-json", "-");
}
END_TEST

START_TEST(duplicate_keys)
{
    static const char *const dups[] = {
        "{\"activation\":\"relu\",\"activation\":\"relu\",\"x\":[1]}",
        "{\"activation\":\"relu\",\"x\":[1],\"x\":[1]}",
        "{\"activation\":\"relu\",\"x\":[1],\"\\u0078\":[1]}",
        "{\"activation\":\"relu\",\"x\":[1],\"y\":1,\"y\":1}",
        "{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":1,\"alpha\":2}}",
        "{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":1},\"params\":{}}",
        "{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":{\"a\":1,\"a\":1}}}",
        "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"step\":1,\"step\":1}}",
        "{\"activation\":\"relu\",\"x\":[1],\"dtype\":\"float32\",\"dtype\":\"float32\"}",
        "{\"activation\":\"relu\",\"x\":[1],\"grad_output\":[1],\"grad_output\":[1]}",
    };
    for (size_t i = 0; i < sizeof dups / sizeof dups[0]; i++)
        json_problem(dups[i], 400, "malformed-json", "-");
}
END_TEST

/* 100,000 nested arrays or objects: 400 (deeper than 2048), no stack
 * overflow, wherever the nesting is. 33 dimensions of x is a 422. */
START_TEST(deep_nesting)
{
    enum { DEPTH = 100000 };
    char *body = malloc(6 * DEPTH + 256);
    static const char *const where[] = {"{\"activation\":\"relu\",\"x\":", "{\"activation\":",
                                        "{\"activation\":\"relu\",\"x\":[1],\"y\":",
                                        "{\"activation\":\"elu\",\"x\":[1],\"params\":", ""};
    for (size_t w = 0; w < sizeof where / sizeof where[0]; w++) {
        for (int obj = 0; obj < 2; obj++) {
            size_t n = (size_t)sprintf(body, "%s", where[w]);
            for (int i = 0; i < DEPTH; i++) n += (size_t)sprintf(body + n, obj ? "{\"a\":" : "[");
            n += (size_t)sprintf(body + n, "1");
            for (int i = 0; i < DEPTH; i++) body[n++] = obj ? '}' : ']';
            if (*where[w]) body[n++] = '}';
            json_problem_n(body, n, 400, "malformed-json", "-");
            /* unclosed */
            json_problem_n(body, n / 2, 400, "malformed-json", "-");
        }
    }
    size_t n = (size_t)sprintf(body, "{\"activation\":\"relu\",\"x\":");
    for (int i = 0; i < 33; i++) body[n++] = '[';
    body[n++] = '1';
    for (int i = 0; i < 33; i++) body[n++] = ']';
    sprintf(body + n, "}");
    json_problem(body, 422, "invalid-value", NULL);
    free(body);
}
END_TEST

/* ---- wrong types, missing and unknown fields ---------------------------------------- */

START_TEST(wrong_types)
{
    static const char *const nonobj[] = {"[1,2]", "1", "\"relu\"", "null", "true", "[]"};
    for (size_t i = 0; i < sizeof nonobj / sizeof nonobj[0]; i++)
        json_problem(nonobj[i], 422, "wrong-type", "");
    static const struct {
        const char *body, *pointer;
    } cases[] = {
        {"{\"activation\":1,\"x\":[1]}", "/activation"},
        {"{\"activation\":null,\"x\":[1]}", "/activation"},
        {"{\"activation\":[\"relu\"],\"x\":[1]}", "/activation"},
        {"{\"activation\":{},\"x\":[1]}", "/activation"},
        {"{\"activation\":true,\"x\":[1]}", "/activation"},
        {"{\"activation\":\"relu\",\"x\":\"1\"}", "/x"},
        {"{\"activation\":\"relu\",\"x\":\"nan\"}", "/x"},
        {"{\"activation\":\"relu\",\"x\":null}", "/x"},
        {"{\"activation\":\"relu\",\"x\":true}", "/x"},
        {"{\"activation\":\"relu\",\"x\":{}}", "/x"},
        {"{\"activation\":\"relu\",\"x\":[1,null]}", "/x/1"},
        {"{\"activation\":\"relu\",\"x\":[[1],[\"2\"]]}", "/x/1/0"},
        {"{\"activation\":\"relu\",\"x\":[[1,2],[3,{}]]}", "/x/1/1"},
        {"{\"activation\":\"relu\",\"x\":[1],\"params\":1}", "/params"},
        {"{\"activation\":\"relu\",\"x\":[1],\"params\":\"a\"}", "/params"},
        {"{\"activation\":\"relu\",\"x\":[1],\"params\":null}", "/params"},
        {"{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":\"1\"}}", "/params/alpha"},
        {"{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":[1]}}", "/params/alpha"},
        {"{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":null}}", "/params/alpha"},
        {"{\"activation\":\"gelu\",\"x\":[1],\"params\":{\"approximate\":1}}",
         "/params/approximate"},
        {"{\"activation\":\"relu\",\"range\":[0,1,0.5]}", "/range"},
        {"{\"activation\":\"relu\",\"range\":{\"start\":\"0\",\"stop\":1,\"step\":1}}",
         "/range/start"},
        {"{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"num\":true}}", "/range/num"},
        {"{\"activation\":\"relu\",\"x\":[1],\"dtype\":32}", "/dtype"},
        {"{\"activation\":\"relu\",\"x\":[1],\"dtype\":null}", "/dtype"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        json_problem(cases[i].body, 422, "wrong-type", cases[i].pointer);
    grad_problem("{\"activation\":\"relu\",\"x\":[1],\"grad_output\":\"1\"}", 422, "wrong-type",
                 "/grad_output");
    grad_problem("{\"activation\":\"relu\",\"x\":[1,2],\"grad_output\":[1,false]}", 422,
                 "wrong-type", "/grad_output/1");
    /* ragged */
    json_problem("{\"activation\":\"relu\",\"x\":[[1,2],[3]]}", 422, "not-rectangular", "/x/1");
    json_problem("{\"activation\":\"relu\",\"x\":[[1],2]}", 422, "not-rectangular", "/x/1");
    json_problem("{\"activation\":\"relu\",\"x\":[1,[2]]}", 422, "not-rectangular", "/x/1");
    json_problem("{\"activation\":\"relu\",\"x\":[[[1]],[[2],[3]]]}", 422, "not-rectangular",
                 "/x/1");
}
END_TEST

START_TEST(missing_and_unknown_fields)
{
    json_problem("{}", 422, "missing-field", "/activation");
    json_problem("{\"x\":[1]}", 422, "missing-field", "/activation");
    json_problem("{\"activation\":\"relu\"}", 422, "missing-field", "/x");
    json_problem("{\"activation\":\"relu\",\"params\":{}}", 422, "missing-field", "/x");
    json_problem("{\"activation\":\"relu\",\"range\":{\"stop\":1,\"step\":1}}", 422,
                 "missing-field", "/range/start");
    json_problem("{\"activation\":\"relu\",\"range\":{\"start\":0,\"step\":1}}", 422,
                 "missing-field", "/range/stop");
    json_problem("{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1}}", 422,
                 "missing-field", "/range/step");
    json_problem("{\"activation\":\"threshold\",\"x\":[1],\"params\":{\"value\":0}}", 422,
                 "missing-field", "/params/threshold");
    grad_problem("{\"activation\":\"softmax\",\"x\":[[1,2]]}", 422, "missing-field",
                 "/grad_output");
    grad_problem("{\"activation\":\"log_softmax\",\"x\":[1,2]}", 422, "missing-field",
                 "/grad_output");
    /* unknown */
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"X\":[1]}", 422, "unknown-field", "/X");
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"a/b~c\":1}", 422, "unknown-field",
                 "/a~1b~0c");
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"grad_output\":[1]}", 422, "unknown-field",
                 "/grad_output");
    json_problem("{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"stp\":1}}", 422,
                 "unknown-field", "/range/stp");
    json_problem("{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpah\":1}}", 422,
                 "invalid-parameter", "/params/alpah");
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"params\":{\"alpha\":1}}", 422,
                 "invalid-parameter", "/params/alpha");
    json_problem("{\"activation\":\"\",\"x\":[1]}", 422, "unknown-activation", "/activation");
    json_problem("{\"activation\":\"relu; rm -rf /\",\"x\":[1]}", 422, "unknown-activation",
                 "/activation");
    /* conflicts */
    json_problem(
        "{\"activation\":\"relu\",\"x\":[1],\"range\":{\"start\":0,\"stop\":1,\"step\":1}}", 422,
        "conflicting-fields", "/range");
    json_problem("{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"step\":1,"
                 "\"num\":2}}",
                 422, "conflicting-fields", "/range/num");
    json_problem("{\"activation\":\"relu\",\"x\":[1],\"dtype\":\"float16\"}", 422, "invalid-value",
                 "/dtype");
    grad_problem("{\"activation\":\"relu\",\"x\":[1,2],\"grad_output\":[[1,2]]}", 422,
                 "shape-mismatch", "/grad_output");
    grad_problem("{\"activation\":\"relu\",\"x\":[1,2],\"grad_output\":[1]}", 422, "shape-mismatch",
                 "/grad_output");
    /* a 422 early does not hide a 400 later */
    json_problem("{\"activation\":1,\"x\":[true],\"y\":2,\"params\":{\"a\":01}}", 400,
                 "malformed-json", "-");
}
END_TEST

START_TEST(out_of_bounds_params)
{
    static const struct {
        const char *act, *params, *pointer;
    } cases[] = {
        {"softplus", "{\"beta\":0}", "/params/beta"},
        {"softplus", "{\"beta\":-1}", "/params/beta"},
        {"softplus", "{\"beta\":-1e308}", "/params/beta"},
        {"softplus", "{\"beta\":-4.9e-324}", "/params/beta"},
        {"celu", "{\"alpha\":0}", "/params/alpha"},
        {"celu", "{\"alpha\":-0}", "/params/alpha"},
        {"softshrink", "{\"lambd\":-0.5}", "/params/lambd"},
        {"hardshrink", "{\"lambd\":-1e-300}", "/params/lambd"},
        {"hardtanh", "{\"min_val\":1,\"max_val\":1}", "/params/max_val"},
        {"hardtanh", "{\"min_val\":2,\"max_val\":-2}", "/params/max_val"},
        {"gelu", "{\"approximate\":\"TANH\"}", "/params/approximate"},
        {"gelu", "{\"approximate\":\"\"}", "/params/approximate"},
        {"elu", "{\"alpha\":\"Infinity\"}", "/params/alpha"}, /* a string, not a number */
    };
    char body[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"%s\",\"x\":[1],\"params\":%s}", cases[i].act,
                 cases[i].params);
        http_resp r;
        ck_assert_int_eq(http_post_json(&D, "/eval", body, &r), 0);
        json_t *v = resp_json(&r);
        const char *type = json_string_value(json_object_get(v, "type"));
        ck_assert_msg(r.status == 422 && type &&
                          (!strcmp(type, "/problems/invalid-parameter") ||
                           !strcmp(type, "/problems/wrong-type")),
                      "%s: %ld %s", body, r.status, r.body);
        ck_assert_str_eq(json_string_value(json_object_get(v, "pointer")), cases[i].pointer);
        json_decref(v);
        http_resp_free(&r);
    }
    /* too many parameters */
    size_t n = (size_t)sprintf(body, "{\"activation\":\"elu\",\"x\":[1],\"params\":{");
    for (int i = 0; i < 17; i++) n += (size_t)sprintf(body + n, "%s\"p%d\":1", i ? "," : "", i);
    sprintf(body + n, "}}");
    json_problem(body, 422, "invalid-parameter", NULL);
    /* the query form names the key */
    get_problem("/eval?activation=softplus&x=1&beta=0", 422, "invalid-parameter");
    get_problem("/eval?activation=softplus&x=1&beta=NaN", 422, "invalid-parameter");
    get_problem("/eval?activation=softplus&x=1&beta=abc", 400, "malformed-query");
    get_problem("/eval?activation=hardtanh&x=1&min_val=3", 422, "invalid-parameter");
}
END_TEST

/* Ranges that would allocate the machine: 413 before any allocation. */
START_TEST(huge_ranges)
{
    static const struct {
        const char *range, *pointer;
        long status;
        const char *slug;
    } cases[] = {
        {"{\"start\":0,\"stop\":1,\"step\":1e-300}", "/range/step", 413, "too-large"},
        {"{\"start\":-1e308,\"stop\":1e308,\"step\":1}", "/range/step", 413, "too-large"},
        {"{\"start\":0,\"stop\":1e308,\"step\":4.9e-324}", "/range/step", 413, "too-large"},
        {"{\"start\":0,\"stop\":100001,\"step\":1}", "/range/step", 413, "too-large"},
        {"{\"start\":0,\"stop\":1,\"num\":1e300}", "/range/num", 413, "too-large"},
        {"{\"start\":0,\"stop\":1,\"num\":100001}", "/range/num", 413, "too-large"},
        {"{\"start\":0,\"stop\":1,\"num\":1.5}", "/range/num", 422, "invalid-value"},
        {"{\"start\":0,\"stop\":1,\"num\":-1}", "/range/num", 422, "invalid-value"},
        {"{\"start\":0,\"stop\":1,\"step\":0}", "/range/step", 422, "invalid-value"},
        {"{\"start\":0,\"stop\":1,\"step\":-0}", "/range/step", 422, "invalid-value"},
        {"{\"start\":\"-Infinity\",\"stop\":1,\"step\":1}", "/range/start", 422, "wrong-type"},
    };
    char body[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"range\":%s}", cases[i].range);
        json_problem(body, cases[i].status, cases[i].slug, cases[i].pointer);
    }
    /* empty and exactly-at-the-limit ranges are fine */
    http_resp r;
    http_post_json(&D, "/eval",
                   "{\"activation\":\"relu\",\"range\":{\"start\":1,\"stop\":0,\"step\":1}}", &r);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    http_post_json(&D, "/eval",
                   "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"num\":100000}}",
                   &r);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    get_problem("/eval?activation=relu&start=0&stop=1&step=1e-300", 413, "too-large");
    get_problem("/eval?activation=relu&start=0&stop=1&num=1e18", 413, "too-large");
    get_problem("/grad?activation=relu&start=0&stop=1&step=1e-9", 413, "too-large");
}
END_TEST

/* ---- oversize bodies -------------------------------------------------------------------- */

/* Headers only, announcing a body over --max-body: the 413 problem arrives
 * without a byte of body sent, and the connection is closed. */
START_TEST(content_length_413_before_body)
{
    static const char *const lengths[] = {"1048577", "1000000000", "18446744073709551615"};
    for (size_t i = 0; i < sizeof lengths / sizeof lengths[0]; i++) {
        char req[256];
        snprintf(req, sizeof req,
                 "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 "Content-Length: %s\r\n\r\n",
                 lengths[i]);
        int fd = raw_connect(D.port);
        ck_assert(fd >= 0);
        ck_assert_int_eq(raw_sends(fd, req), 0);
        raw_resp r;
        char ct[128], conn[64];
        ck_assert_msg(raw_read(fd, &r, 5 * test_slowdown()) == 0, "no 413 for %s", lengths[i]);
        check_problem(r.status, raw_header(&r, "Content-Type", ct, sizeof ct), r.body, r.body_len,
                      413, "too-large", "-", lengths[i]);
        ck_assert_str_eq(raw_header(&r, "Connection", conn, sizeof conn), "close");
        ck_assert(raw_wait_closed(fd, 5 * test_slowdown()) >= 0);
        raw_resp_free(&r);
        close(fd);
    }
    /* with Expect: 100-continue the client is told 413, never to go on */
    int fd = raw_connect(D.port);
    ck_assert(fd >= 0);
    ck_assert_int_eq(raw_sends(fd, "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   "application/json\r\nExpect: 100-continue\r\n"
                                   "Content-Length: 5000000\r\n\r\n"),
                     0);
    raw_resp r;
    ck_assert_int_eq(raw_read(fd, &r, 5 * test_slowdown()), 0);
    ck_assert_msg(r.status == 413, "Expect: 100-continue over the limit: %d %s", r.status, r.head);
    raw_resp_free(&r);
    close(fd);
    /* exactly at the limit is read (and is not JSON) */
    char *body = malloc(MAX_BODY + 8);
    memset(body, ' ', MAX_BODY + 8);
    json_problem_n(body, MAX_BODY, 400, "malformed-json", "-");
    /* binary bodies too */
    send_problem("POST", "/eval?activation=relu", "application/octet-stream", body, MAX_BODY + 8,
                 413, "too-large", "-");
    free(body);
}
END_TEST

/* Chunked bodies have no Content-Length. libmicrohttpd 0.9.75 cannot queue
 * a response before the upload is complete (MHD_queue_response refuses it
 * mid-body), so the daemon closes the connection as soon as the body
 * crosses --max-body: the client's writes fail long before it has sent
 * everything (without the cut all 256 MiB would go through), and the
 * daemon's memory does not grow. */
START_TEST(chunked_over_limit_closed)
{
    long rss0 = testd_rss_kb(&D);
    for (int round = 0; round < 3; round++) {
        int fd = raw_connect(D.port);
        ck_assert(fd >= 0);
        ck_assert_int_eq(raw_sends(fd, "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                       "application/json\r\nTransfer-Encoding: chunked\r\n\r\n"),
                         0);
        static char chunk[8192 + 16];
        size_t n = (size_t)sprintf(chunk, "2000\r\n");
        memset(chunk + n, ' ', 8192);
        memcpy(chunk + n + 8192, "\r\n", 2);
        size_t sent = 0;
        double t0 = raw_now();
        /* offer 256 MiB; the daemon must cut us off after 1 MiB (what the
         * socket buffers took before the cut counts as sent: loopback
         * buffers can grow to tens of MiB, hence the wide bound) */
        while (sent < (256u << 20) && raw_send(fd, chunk, n + 8194) == 0) sent += 8192;
        double secs = raw_now() - t0;
        ck_assert_msg(sent < (64u << 20), "sent %zu bytes of an over-limit chunked body", sent);
        ck_assert_msg(secs < 5 * test_slowdown(), "cut off after %.2f s", secs);
        ck_assert(raw_wait_closed(fd, 5 * test_slowdown()) >= 0);
        close(fd);
    }
    long rss1 = testd_rss_kb(&D);
    if (!SANITIZED && test_slowdown() == 1)
        ck_assert_msg(rss1 - rss0 < 8 * 1024, "RSS grew from %ld to %ld kB", rss0, rss1);
    /* a chunked body within the limit is answered */
    static const char ok[] = "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                             "5\r\n{\"act\r\n"
                             "18\r\nivation\":\"relu\",\"x\":[2]}\r\n0\r\n\r\n";
    raw_resp r;
    ck_assert_int_eq(raw_exchange(D.port, ok, sizeof ok - 1, &r, 10), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "\"y\":[2]"));
    raw_resp_free(&r);
}
END_TEST

START_TEST(too_many_elements)
{
    /* grad_output over the limit, x not */
    size_t cap = 16 * MAX_ELEMS + 256;
    char *body = malloc(cap);
    size_t n = (size_t)sprintf(body, "{\"activation\":\"relu\",\"x\":[1],\"grad_output\":[");
    for (int i = 0; i <= MAX_ELEMS; i++) n += (size_t)sprintf(body + n, i ? ",1" : "1");
    sprintf(body + n, "]}");
    grad_problem(body, 413, "too-large", "/grad_output");
    /* a 2-D x over the limit */
    n = (size_t)sprintf(body, "{\"activation\":\"relu\",\"x\":[");
    for (int i = 0; i <= MAX_ELEMS / 2; i++) n += (size_t)sprintf(body + n, i ? ",[1,2]" : "[1,2]");
    sprintf(body + n, "]}");
    json_problem(body, 413, "too-large", "/x");
    /* binary: 100001 float32 values fit in the body limit but not the element limit */
    memset(body, 0, 4 * (MAX_ELEMS + 1));
    send_problem("POST", "/eval?activation=relu&dtype=float32", "application/octet-stream", body,
                 4 * (MAX_ELEMS + 1), 413, "too-large", "-");
    /* query: 100001 items */
    n = (size_t)sprintf(body, "/eval?activation=relu&x=");
    for (int i = 0; i <= MAX_ELEMS; i++) n += (size_t)sprintf(body + n, i ? ",0" : "0");
    raw_resp r;
    char *req = malloc(n + 128);
    int k = sprintf(req, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", body);
    raw_exchange(D.port, req, (size_t)k, &r, 10);
    ck_assert_int_eq(r.status, 414); /* 200 KB of URL: refused by libmicrohttpd first */
    raw_resp_free(&r);
    free(req);
    free(body);
}
END_TEST

/* ---- malformed HTTP ----------------------------------------------------------------------- */

START_TEST(malformed_request_lines)
{
    raw_refused(RAW("GARBAGE\r\n\r\n"), 0);
    raw_refused(RAW("GET\r\n\r\n"), 0);
    raw_refused(RAW("\r\n\r\n\r\n\r\n"), 0);
    raw_refused(RAW("GET /healthz\r\n\r\n"), 400); /* HTTP/0.9 */
    raw_refused(RAW("GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
    raw_refused(RAW("GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n"), 400);
    raw_refused(RAW("GET /healthz HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n"), 400);
    raw_refused(RAW("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), 0); /* a TLS hello */
    /* lenient but harmless: libmicrohttpd answers these */
    raw_resp r;
    ck_assert_int_eq(raw_exchange(D.port, RAW("GET /healthz HTTP/1.0\r\n\r\n"), &r, 10), 0);
    ck_assert_int_eq(r.status, 200);
    raw_resp_free(&r);
    ck_assert_int_eq(raw_exchange(D.port, RAW("GET /healthz HTTP/1.1\nHost: x\n\n"), &r, 10), 0);
    ck_assert_int_eq(r.status, 200);
    raw_resp_free(&r);
    /* paths that are not ours */
    raw_problem(RAW("GET /heal\0thz HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "not-found");
    raw_problem(RAW("GET http://x/healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "not-found");
    raw_problem(RAW("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "not-found");
    raw_problem(RAW("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "not-found");
    raw_problem(RAW("GET /static/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), 404, "not-found");
    raw_problem(RAW("GET /eval?activation=relu&x=%zz HTTP/1.1\r\nHost: x\r\n\r\n"), 400,
                "malformed-query");
}
END_TEST

START_TEST(bad_content_length)
{
    /* libmicrohttpd refuses these itself: 400 (or 413), then closes */
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n"), 400);
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"), 400);
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n{}xxx"), 400);
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 2 2\r\n\r\n{}"), 400);
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 0x10\r\n\r\n"), 400);
    raw_refused(
        RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
        413);
    /* two different lengths: a smuggling attempt; closed without an answer */
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: "
                    "3\r\n\r\n{}x"),
                0);
    raw_refused(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\ncontent-length: "
                    "2\r\n\r\n{}x"),
                0);
    /* the same length twice is one length */
    raw_problem(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: "
                    "2\r\nConnection: close\r\n\r\n{}"),
                422, "missing-field");
    /* a body shorter than announced waits; then the request deadline (not
     * tested here: test_slow.c) */
}
END_TEST

START_TEST(bad_chunked)
{
    static const char head[] =
        "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    static const char *const bodies[] = {"zz\r\n{}\r\n0\r\n\r\n", "-5\r\n{}\r\n0\r\n\r\n",
                                         "2\r\n{}xx\r\n0\r\n\r\n", " \r\n{}\r\n0\r\n\r\n",
                                         "0x2\r\n{}\r\n0\r\n\r\n"};
    char req[512];
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        int n = snprintf(req, sizeof req, "%s%s", head, bodies[i]);
        raw_refused(req, (size_t)n, 400);
    }
    int n = snprintf(req, sizeof req, "%sffffffffffffffffff\r\n{}\r\n0\r\n\r\n", head);
    raw_refused(req, (size_t)n, 413);
    /* a chunk size within the limit but more than is sent: the upload just
     * never completes (the request deadline ends it) */
}
END_TEST

START_TEST(huge_headers_and_urls)
{
    size_t big = 200 * 1024;
    char *req = malloc(big + 256);
    /* one 200 KB header */
    int n = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(req + n, 'a', big);
    n += (int)big;
    n += sprintf(req + n, "\r\n\r\n");
    raw_refused(req, (size_t)n, 431);
    /* 200 KB URL */
    n = sprintf(req, "GET /eval?activation=relu&x=");
    memset(req + n, '1', big);
    n += (int)big;
    n += sprintf(req + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
    raw_refused(req, (size_t)n, 414);
    /* 200 KB path */
    n = sprintf(req, "GET /");
    memset(req + n, 'a', big);
    n += (int)big;
    n += sprintf(req + n, " HTTP/1.1\r\nHost: x\r\n\r\n");
    raw_refused(req, (size_t)n, 414);
    /* thousands of small headers */
    n = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 5000; i++) n += sprintf(req + n, "X-%d: y\r\n", i);
    n += sprintf(req + n, "\r\n");
    raw_refused(req, (size_t)n, 431);
    /* 8 KB of headers are fine */
    n = sprintf(req, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Mid: ");
    memset(req + n, 'b', 8000);
    n += 8000;
    n += sprintf(req + n, "\r\n\r\n");
    raw_resp r;
    ck_assert_int_eq(raw_exchange(D.port, req, (size_t)n, &r, 10), 0);
    ck_assert_int_eq(r.status, 200);
    raw_resp_free(&r);
    free(req);
    /* 65 query keys */
    char path[2048];
    n = sprintf(path, "/eval?activation=relu&x=1");
    for (int i = 0; i < 64; i++) n += sprintf(path + n, "&k%d=1", i);
    get_problem(path, 400, "malformed-query");
    get_problem("/eval?activation=relu&x=1&x=2", 400, "malformed-query");
    get_problem("/eval?activation=relu&activation=relu&x=2", 400, "malformed-query");
    get_problem("/eval?activation=relu&x=1,,2", 400, "malformed-query");
    get_problem("/eval?activation=relu&x=0x10", 400, "malformed-query");
    get_problem("/eval?activation=relu&x=%201", 400, "malformed-query");
    get_problem("/eval?activation=relu&x=1e400", 400, "malformed-query");
    get_problem("/eval?activation=relu&x=nan", 400, "malformed-query");
    get_problem("/eval?activation=relu", 422, "missing-field");
    get_problem("/eval?x=1", 422, "missing-field");
    get_problem("/eval?activation=relu&x=1&start=0", 422, "conflicting-fields");
}
END_TEST

START_TEST(methods_and_content_types)
{
    static const char *const methods[] = {"PUT", "DELETE", "PATCH", "BREW", "TRACE", "CONNECT"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        char req[256], allow[128];
        int n = snprintf(req, sizeof req,
                         "%s /eval HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", methods[i]);
        raw_resp r;
        ck_assert_int_eq(raw_exchange(D.port, req, (size_t)n, &r, 10), 0);
        char ct[128];
        check_problem(r.status, raw_header(&r, "Content-Type", ct, sizeof ct), r.body, r.body_len,
                      405, "method-not-allowed", "-", methods[i]);
        ck_assert_ptr_nonnull(raw_header(&r, "Allow", allow, sizeof allow));
        ck_assert_ptr_nonnull(strstr(allow, "POST"));
        raw_resp_free(&r);
    }
    send_problem("POST", "/healthz", "application/json", "{}", 2, 405, "method-not-allowed", "-");
    send_problem("PUT", "/nowhere", NULL, NULL, 0, 404, "not-found", "-");
    static const char *const types[] = {"text/plain",
                                        "application/x-www-form-urlencoded",
                                        "multipart/form-data; boundary=x",
                                        "application/jsonx",
                                        "application/json-patch+json",
                                        "application/octet-streamy",
                                        "json",
                                        "*/*"};
    static const char body[] = "{\"activation\":\"relu\",\"x\":[1]}";
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        send_problem("POST", "/eval", types[i], body, sizeof body - 1, 415,
                     "unsupported-media-type", "-");
    raw_problem(RAW("POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: \r\nContent-Length: "
                    "2\r\nConnection: close\r\n\r\n{}"),
                415, "unsupported-media-type");
    /* accepted spellings */
    static const char *const ok[] = {"application/json", "APPLICATION/JSON",
                                     "application/json; charset=utf-8", "application/json ;x=y"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        http_resp r;
        http_do(&D, "POST", "/eval", ok[i], body, sizeof body - 1, NULL, &r);
        ck_assert_msg(r.status == 200, "%s: %ld", ok[i], r.status);
        http_resp_free(&r);
    }
    /* JSON sent as binary: not whole values (or a softmax shape): 422 */
    send_problem("POST", "/eval?activation=relu", "application/octet-stream", body, sizeof body - 1,
                 422, "invalid-value", "-");
    send_problem("POST", "/eval", "application/octet-stream", "12345678", 8, 422, "missing-field",
                 "-");
    send_problem("POST", "/eval?activation=relu&shape=2,2", "application/octet-stream", "12345678",
                 8, 422, "shape-mismatch", "-");
    send_problem("POST", "/eval?activation=softmax&shape=3,12297829382473034411",
                 "application/octet-stream", "12345678", 8, 422, "shape-mismatch", "-");
    send_problem("POST", "/eval?activation=relu&shape=1,x", "application/octet-stream", "12345678",
                 8, 400, "malformed-query", "-");
    send_problem("POST", "/grad?activation=relu&grad_output=yes", "application/octet-stream",
                 "1234567812345678", 16, 422, "invalid-value", "-");
}
END_TEST

/* Empty tensors: nothing to compute, the shape comes back (the kernels get
 * no NULL + 0 pointer arithmetic: a UBSan error before routes/compute.c's calc_range guard). */
START_TEST(empty_tensors)
{
    static const struct {
        const char *path, *body, *want;
    } cases[] = {
        {"/eval", "{\"activation\":\"relu\",\"x\":[]}", "\"y\":[]}"},
        {"/eval", "{\"activation\":\"relu\",\"x\":[[]]}", "\"y\":[[]]}"},
        {"/eval", "{\"activation\":\"softmax\",\"x\":[[],[]]}", "\"y\":[[],[]]}"},
        {"/eval", "{\"activation\":\"relu\",\"x\":[],\"dtype\":\"float32\"}", "\"y\":[]}"},
        {"/grad", "{\"activation\":\"tanh\",\"x\":[],\"grad_output\":[]}", "\"grad\":[]}"},
        {"/grad", "{\"activation\":\"log_softmax\",\"x\":[[]],\"grad_output\":[[]]}",
         "\"grad\":[[]]}"},
        {"/eval", "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"num\":0}}",
         "\"x\":[],\"y\":[]}"},
        {"/eval?activation=relu&x=", NULL, "\"y\":[]}"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_resp r;
        if (cases[i].body)
            ck_assert_int_eq(http_post_json(&D, cases[i].path, cases[i].body, &r), 0);
        else
            ck_assert_int_eq(http_get(&D, cases[i].path, &r), 0);
        ck_assert_msg(r.status == 200 && strstr(r.body, cases[i].want), "%s %s: %ld %s",
                      cases[i].path, cases[i].body ? cases[i].body : "", r.status, r.body);
        http_resp_free(&r);
    }
    http_resp r;
    ck_assert_int_eq(http_do(&D, "POST", "/eval?activation=sigmoid", "application/octet-stream", "",
                             0, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, 0);
    http_resp_free(&r);
}
END_TEST

/* ---- afterwards ------------------------------------------------------------------------- */

START_TEST(still_serving_and_no_growth)
{
    daemon_answers();
    http_resp r;
    ck_assert_int_eq(http_get(&D, "/readyz", &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    long rss_end = testd_rss_kb(&D);
    fprintf(stderr, "test_hostile: RSS %ld kB after warm-up, %ld kB after the suite\n", rss_start,
            rss_end);
    if (!SANITIZED && test_slowdown() == 1 && rss_start > 0) /* valgrind's RSS is its own */
        ck_assert_msg(rss_end - rss_start < 16 * 1024, "RSS grew from %ld to %ld kB", rss_start,
                      rss_end);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hostile");
    TCase *t = tcase_create("hostile");
    tcase_add_unchecked_fixture(t, start, stop);
    tcase_set_timeout(t, 120 * test_slowdown());
    tcase_add_test(t, truncated_at_every_byte);
    tcase_add_test(t, trailing_garbage);
    tcase_add_test(t, bad_literals_and_numbers);
    tcase_add_test(t, invalid_utf8);
    tcase_add_test(t, raw_nul);
    tcase_add_test(t, duplicate_keys);
    tcase_add_test(t, deep_nesting);
    tcase_add_test(t, wrong_types);
    tcase_add_test(t, missing_and_unknown_fields);
    tcase_add_test(t, out_of_bounds_params);
    tcase_add_test(t, huge_ranges);
    tcase_add_test(t, content_length_413_before_body);
    tcase_add_test(t, chunked_over_limit_closed);
    tcase_add_test(t, too_many_elements);
    tcase_add_test(t, malformed_request_lines);
    tcase_add_test(t, bad_content_length);
    tcase_add_test(t, bad_chunked);
    tcase_add_test(t, huge_headers_and_urls);
    tcase_add_test(t, methods_and_content_types);
    tcase_add_test(t, empty_tensors);
    tcase_add_test(t, still_serving_and_no_growth);
    suite_add_tcase(s, t);
    return check_run(s);
}
