/*
 * test_decoders.c - the request decoders (server/decode/) on hostile input:
 * every seed and find of the libFuzzer targets replayed through the same
 * oracles (tests/fuzz/request_oracle.h, query_oracle.h), and the cases
 * fuzzing found, as named regressions.
 */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkrun.h"
#include "../fuzz/query_oracle.h"
#include "../fuzz/request_oracle.h"

/* Each file of a corpus directory through check(); returns the count. */
static size_t replay(const char *dir, const char *(*check)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    ck_assert_msg(d != NULL, "no corpus %s (run from the repository root)", dir);
    struct dirent *de;
    size_t n = 0;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        uint8_t *buf = malloc(len ? (size_t)len : 1); /* exact size: overreads are caught */
        ck_assert_int_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        const char *why = check(buf, (size_t)len);
        ck_assert_msg(why == NULL, "%s: %s", path, why);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

static const char *check_request(const uint8_t *data, size_t size)
{
    return oracle_request((const char *)data, size);
}

START_TEST(request_corpus)
{
    ck_assert(replay("tests/fuzz/corpus/request", check_request) > 10);
}
END_TEST

START_TEST(query_corpus)
{
    ck_assert(replay("tests/fuzz/corpus/query", qo_check) > 10);
}
END_TEST

/* Decode a JSON body for /eval; the problem type, or -1 when accepted. */
static int json_verdict(const char *body, problem *p)
{
    req_limits lim = {.max_elements = 1000};
    eval_req e;
    if (request_from_json(body, strlen(body), 0, &lim, &e, p) == 0) {
        eval_req_free(&e);
        return -1;
    }
    return (int)p->type;
}

/* fuzz_request found: a repeated unknown top-level key was a 422
 * unknown-field, while the contract (and jansson) make any duplicate key
 * malformed JSON. */
START_TEST(duplicate_unknown_keys)
{
    problem p;
    ck_assert_int_eq(json_verdict("{\"activation\":\"relu\",\"x\":[1],\"y\":1,\"y\":2}", &p),
                     P_MALFORMED_JSON);
    ck_assert_int_eq(p.offset, 35); /* the second "y" */
    ck_assert_int_eq(json_verdict("{\"y\":1,\"\\u0079\":2}", &p), P_MALFORMED_JSON);
    ck_assert_int_eq(json_verdict("{\"y\":1,\"z\":2}", &p), P_UNKNOWN_FIELD);
    /* keys longer than the decoder's key buffer are compared in full */
    char body[1024];
    char k1[200], k2[200];
    memset(k1, 'k', 150);
    k1[150] = 0;
    memcpy(k2, k1, 151);
    k2[149] = 'j';
    snprintf(body, sizeof body, "{\"%s\":1,\"%s\":2}", k1, k2);
    ck_assert_int_eq(json_verdict(body, &p), P_UNKNOWN_FIELD);
    snprintf(body, sizeof body, "{\"%s\":1,\"%s\":2,\"%s\":3}", k1, k2, k1);
    ck_assert_int_eq(json_verdict(body, &p), P_MALFORMED_JSON);
    /* known keys, params and range as before */
    ck_assert_int_eq(json_verdict("{\"x\":[1],\"x\":[1]}", &p), P_MALFORMED_JSON);
    ck_assert_int_eq(
        json_verdict("{\"activation\":\"elu\",\"x\":[1],\"params\":{\"alpha\":1,\"alpha\":1}}", &p),
        P_MALFORMED_JSON);
}
END_TEST

/* Only the first 64 distinct unknown keys are remembered (bounded work on
 * an object of millions of keys): a repeat after that is the 422 the first
 * unknown key earned. */
START_TEST(duplicate_unknown_keys_bound)
{
    char body[4096];
    size_t n = (size_t)sprintf(body, "{");
    for (int i = 0; i < 70; i++) n += (size_t)sprintf(body + n, "\"k%d\":0,", i);
    sprintf(body + n, "\"k3\":1}");
    problem p;
    ck_assert_int_eq(json_verdict(body, &p), P_MALFORMED_JSON);
    sprintf(body + n, "\"k66\":1}");
    ck_assert_int_eq(json_verdict(body, &p), P_UNKNOWN_FIELD);
}
END_TEST

/* fuzz_request found: a raw NUL right after a number or literal was
 * skipped ([1\0] read as [1], 200), as jansson 2.14 and so jsonscan do. A
 * NUL byte is never JSON: 400 at its offset, wherever it is. */
START_TEST(raw_nul)
{
    static const struct {
        const char *s;
        size_t n;
        long at;
    } cases[] = {
        {"{\"activation\":\"relu\",\"x\":[1\0]}", 30, 27},
        {"{\"activation\":\"relu\",\"x\":1\0}", 28, 26},
        {"{\"activation\":\"relu\",\"x\":[1],\"y\":true\0}", 39, 37},
        {"{\"activation\":\"relu\",\"x\":[1],\"params\":{\"a\":null\0}}", 49, 47},
        {"{\"activation\":\"relu\",\"x\":[1]}\0", 30, 29},
        {"{\"activation\":\"re\0lu\",\"x\":[1]}", 30, 14}, /* in a string: control char */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *buf = malloc(cases[i].n);
        memcpy(buf, cases[i].s, cases[i].n);
        req_limits lim = {.max_elements = 1000};
        eval_req e;
        problem p;
        int rc = request_from_json(buf, cases[i].n, 0, &lim, &e, &p);
        ck_assert_msg(rc != 0 && p.type == P_MALFORMED_JSON, "case %zu accepted", i);
        ck_assert_msg(p.offset == cases[i].at, "case %zu: offset %ld, want %ld", i, p.offset,
                      cases[i].at);
        free(buf);
    }
}
END_TEST

static int binary_verdict(const char *shape, size_t body_len, problem *p)
{
    query_arg args[] = {{"activation", "softmax"}, {"shape", shape}};
    req_limits lim = {.max_elements = 1u << 20};
    eval_req e;
    if (request_from_binary(args, 2, body_len, 0, &lim, &e, p) == 0) {
        eval_req_free(&e);
        return -1;
    }
    return (int)p->type;
}

/* fuzz_query found: a binary shape whose product wraps around 2^64 matched
 * the element count (3 x 12297829382473034411 = 1 mod 2^64); softmax then
 * got a row longer than the body, libactiv refused it (ACTIV_EROW) and the
 * answer was the input echoed back with 200. */
START_TEST(binary_shape_overflow)
{
    problem p;
    ck_assert_int_eq(binary_verdict("3,12297829382473034411", 8, &p), P_SHAPE_MISMATCH);
    ck_assert_str_eq(p.parameter, "shape");
    ck_assert_int_eq(binary_verdict("4294967296,4294967296", 0, &p), P_SHAPE_MISMATCH);
    ck_assert_int_eq(binary_verdict("18446744073709551615,18446744073709551615", 8, &p),
                     P_SHAPE_MISMATCH);
    ck_assert_int_eq(binary_verdict("0,18446744073709551615", 0, &p), -1); /* empty is fine */
    ck_assert_int_eq(binary_verdict("3,1", 24, &p), -1);
}
END_TEST

/* fuzz_query found: with more than 16 parameters before it, a repeated key
 * was answered 422 (too many parameters) instead of the documented 400. */
START_TEST(repeated_key_after_many_params)
{
    query_arg args[20];
    char names[18][8];
    args[0] = (query_arg){"activation", "relu"};
    for (int i = 0; i < 18; i++) {
        snprintf(names[i], sizeof names[i], "p%d", i);
        args[1 + i] = (query_arg){names[i], "1"};
    }
    args[19] = (query_arg){"p3", "2"};
    req_limits lim = {.max_elements = 1000};
    eval_req e;
    problem p;
    ck_assert_int_ne(request_from_query(args, 20, 0, &lim, &e, &p), 0);
    ck_assert_int_eq(p.type, P_MALFORMED_QUERY);
    ck_assert_str_eq(p.parameter, "p3");
    ck_assert_int_ne(request_from_binary(args, 20, 8, 0, &lim, &e, &p), 0);
    ck_assert_int_eq(p.type, P_MALFORMED_QUERY);
}
END_TEST

/* fuzz_query found: a float32 overflow in the query form came with a JSON
 * pointer (/x/2) instead of the query key (parameter "x"). */
START_TEST(query_f32_overflow_names_the_key)
{
    query_arg args[] = {{"activation", "relu"}, {"x", "1,2,1e39"}, {"dtype", "float32"}};
    req_limits lim = {.max_elements = 1000};
    eval_req e;
    problem p;
    ck_assert_int_ne(request_from_query(args, 3, 0, &lim, &e, &p), 0);
    ck_assert_int_eq(p.type, P_INVALID_VALUE);
    ck_assert_str_eq(p.parameter, "x");
    ck_assert_str_eq(p.pointer, "");
    static const char body[] = "{\"activation\":\"relu\",\"x\":[1,2,1e39],\"dtype\":\"float32\"}";
    ck_assert_int_ne(request_from_json(body, sizeof body - 1, 0, &lim, &e, &p), 0);
    ck_assert_str_eq(p.pointer, "/x/2");
    ck_assert_str_eq(p.parameter, "");
}
END_TEST

/* A big flat x is parsed in slices on several threads (decode/slices.c,
 * dec_parse_slices); whatever the text, the answer must be exactly the
 * serial scanner's: same verdict, problem, pointer, position and values. */
static char *big_body(size_t n, const char *tail)
{
    size_t cap = n * 24 + strlen(tail) + 64, len = 0;
    char *b = malloc(cap);
    len += (size_t)sprintf(b, "{\"activation\":\"relu\",\"x\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(b + len, "%s%.17g", i ? (i % 7 ? "," : " ,\n\t") : "",
                               (double)i * 1.000001 - 1e5);
    sprintf(b + len, "%s", tail);
    return b;
}

static void same_as_serial(const char *body, const char *label)
{
    req_limits serial = {.max_elements = 1u << 24, .threads = 1};
    req_limits sliced = {.max_elements = 1u << 24, .threads = 4};
    eval_req a, b;
    problem pa, pb;
    int ra = request_from_json(body, strlen(body), 0, &serial, &a, &pa);
    int rb = request_from_json(body, strlen(body), 0, &sliced, &b, &pb);
    ck_assert_msg(ra == rb, "%s: serial %d, sliced %d", label, ra, rb);
    if (ra == 0) {
        ck_assert_uint_eq(a.x.n, b.x.n);
        ck_assert_uint_eq(a.x.ndim, b.x.ndim);
        ck_assert_msg(memcmp(a.x.v, b.x.v, a.x.n * sizeof(double)) == 0, "%s: values", label);
        eval_req_free(&a);
        eval_req_free(&b);
        return;
    }
    ck_assert_msg(pa.type == pb.type && strcmp(pa.detail, pb.detail) == 0 &&
                      strcmp(pa.pointer, pb.pointer) == 0 && pa.offset == pb.offset,
                  "%s: serial %s %s @%ld, sliced %s %s @%ld", label, problem_slug(pa.type),
                  pa.pointer, pa.offset, problem_slug(pb.type), pb.pointer, pb.offset);
}

START_TEST(sliced_parse_is_serial_parse)
{
    static const struct {
        const char *tail, *label;
    } cases[] = {
        {"]}", "valid"},
        {"]} ", "valid, trailing space"},
        {",]}", "trailing comma"},
        {",01]}", "leading zero"},
        {",\"NaN\",1]}", "NaN string (allowed, but not by the slices)"},
        {",[1]]}", "nested array"},
        {",\"a]b\"]}", "bracket in a string"},
        {",1e400]}", "overflow"},
        {",true]}", "literal"},
        {"", "truncated"},
        {"]", "unclosed object"},
        {",1]]}", "extra bracket"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *body = big_body(150000, cases[i].tail); /* ~3.5 MB: at least two slices */
        same_as_serial(body, cases[i].label);
        free(body);
    }
    char *body = big_body(150000, "]}");
    memcpy(strchr(body, '[') + 1000000, ",,", 2); /* a hole in the middle of a slice */
    same_as_serial(body, "empty element");
    free(body);
}
END_TEST

/* req_limits.room: a sliced array goes into the caller's room when it fits
 * (marked lent, so eval_req_free leaves it), into its own memory when not;
 * the values are the serial parse's either way. */
START_TEST(sliced_parse_into_room)
{
    enum { N = 150000 };
    char *body = big_body(N, "]}");
    req_limits serial = {.max_elements = 1u << 24, .threads = 1};
    eval_req want, got;
    problem p;
    ck_assert_int_eq(request_from_json(body, strlen(body), 0, &serial, &want, &p), 0);
    double *room = malloc(N * sizeof(double));
    const size_t caps[] = {N * sizeof(double), N * sizeof(double) - 1};
    for (int c = 0; c < 2; c++) {
        req_limits lim = {
            .max_elements = 1u << 24, .threads = 4, .room = room, .room_cap = caps[c]};
        memset(room, 0, N * sizeof(double));
        ck_assert_int_eq(request_from_json(body, strlen(body), 0, &lim, &got, &p), 0);
        ck_assert_int_eq(got.x.lent, c == 0);
        ck_assert(c == 0 ? got.x.v == room : got.x.v != room);
        ck_assert_uint_eq(got.x.n, N);
        ck_assert(memcmp(got.x.v, want.x.v, N * sizeof(double)) == 0);
        eval_req_free(&got); /* frees only what is not lent (ASan, valgrind) */
    }
    free(room);
    eval_req_free(&want);
    free(body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("decoders");
    TCase *t = tcase_create("decoders");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, request_corpus);
    tcase_add_test(t, query_corpus);
    tcase_add_test(t, duplicate_unknown_keys);
    tcase_add_test(t, duplicate_unknown_keys_bound);
    tcase_add_test(t, raw_nul);
    tcase_add_test(t, binary_shape_overflow);
    tcase_add_test(t, repeated_key_after_many_params);
    tcase_add_test(t, query_f32_overflow_names_the_key);
    tcase_add_test(t, sliced_parse_is_serial_parse);
    tcase_add_test(t, sliced_parse_into_room);
    suite_add_tcase(s, t);
    return check_run(s);
}
