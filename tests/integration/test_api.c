/*
 * test_api.c - the /eval and /grad contract against the running daemon:
 * every form (JSON, query, binary), shape, dtype and error status.
 */
#include <check.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "activ.h"
#include "rawhttp.h"
#include "testd.h"

static testd D;

static void start(void)
{
    static const char *const args[] = {
        "--max-body", "4Mi", "--max-elements", "100000", "--log", "off", "--threads", "2", NULL};
    if (testd_start(&D, args) != 0) {
        fprintf(stderr, "cannot start activd (ACTIVD_BIN?)\n");
        exit(1);
    }
}

static void stop(void)
{
    testd_stop(&D, 15, 10, NULL);
}

/* POST JSON, expect status, return the parsed body (caller decrefs). */
static json_t *post(const char *path, const char *json, long status)
{
    http_resp r;
    ck_assert_int_eq(http_post_json(&D, path, json, &r), 0);
    ck_assert_msg(r.status == status, "%s %.200s: status %ld, want %ld: %.500s", path, json,
                  r.status, status, r.body);
    json_t *v = resp_json(&r);
    ck_assert_msg(v != NULL, "not JSON: %s", r.body);
    http_resp_free(&r);
    return v;
}

static json_t *get(const char *path, long status)
{
    http_resp r;
    ck_assert_int_eq(http_get(&D, path, &r), 0);
    ck_assert_msg(r.status == status, "GET %s: status %ld, want %ld: %s", path, r.status, status,
                  r.body);
    json_t *v = resp_json(&r);
    ck_assert_msg(v != NULL, "not JSON: %s", r.body);
    http_resp_free(&r);
    return v;
}

/* A problem+json answer: status, type slug and pointer ("" = none). */
static void expect_problem(json_t *v, long status, const char *slug, const char *pointer)
{
    char type[128];
    snprintf(type, sizeof type, "/problems/%s", slug);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), status);
    ck_assert_str_eq(json_string_value(json_object_get(v, "type")), type);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "title")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "detail")));
    if (pointer) ck_assert_str_eq(json_string_value(json_object_get(v, "pointer")), pointer);
}

static void post_problem(const char *path, const char *json, long status, const char *slug,
                         const char *pointer)
{
    json_t *v = post(path, json, status);
    expect_problem(v, status, slug, pointer);
    json_decref(v);
}

static double num_at(json_t *a, size_t i)
{
    json_t *e = json_array_get(a, i);
    ck_assert_msg(json_is_number(e), "element %zu is not a number", i);
    return json_number_value(e);
}

static double lib_eval(const char *name, double x, int grad)
{
    activ_params p;
    double y;
    activ_params_init(&p, activ_find(name));
    if (grad)
        activ_grad(&p, &x, NULL, &y, 1, 0, NULL);
    else
        activ_eval(&p, &x, &y, 1, 0, NULL);
    return y;
}

/* ---- JSON form ---------------------------------------------------------------- */

START_TEST(eval_shapes)
{
    json_t *v = post("/eval", "{\"activation\":\"relu\",\"x\":-2}", 200);
    ck_assert(json_is_number(json_object_get(v, "y")));
    ck_assert(json_number_value(json_object_get(v, "y")) == 0);
    json_decref(v);
    v = post("/eval", "{\"activation\":\"relu\",\"x\":[[-2,0.5],[3,-1]]}", 200);
    json_t *y = json_object_get(v, "y");
    ck_assert_int_eq(json_array_size(y), 2);
    ck_assert(num_at(json_array_get(y, 0), 1) == 0.5);
    ck_assert(num_at(json_array_get(y, 1), 0) == 3);
    ck_assert_str_eq(json_string_value(json_object_get(v, "activation")), "relu");
    ck_assert_str_eq(json_string_value(json_object_get(v, "dtype")), "float64");
    json_decref(v);
    v = post("/eval", "{\"activation\":\"tanh\",\"x\":[[[1],[2]],[[3],[4]]]}", 200);
    y = json_object_get(v, "y");
    ck_assert(num_at(json_array_get(json_array_get(y, 1), 1), 0) == tanh(4));
    json_decref(v);
    v = post("/eval", "{\"activation\":\"relu\",\"x\":[[],[]]}", 200);
    ck_assert_int_eq(json_array_size(json_array_get(json_object_get(v, "y"), 1)), 0);
    json_decref(v);
}
END_TEST

START_TEST(eval_shortest_and_special)
{
    http_resp r;
    ck_assert_int_eq(
        http_post_json(&D, "/eval",
                       "{\"activation\":\"identity\",\"x\":[0.1,1e-7,1e21,-0.0,\"NaN\","
                       "\"Infinity\",\"-Infinity\",5e-324]}",
                       &r),
        0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "\"y\":[0.1,1e-7,1e+21,-0,\"NaN\",\"Infinity\",\"-Infinity\","
                                 "5e-324]"),
                  "%s", r.body);
    http_resp_free(&r);
    /* the article's exp(-x)/(1+exp(-x)) form is NaN from x = -710 on */
    json_t *v =
        post("/eval", "{\"activation\":\"sigmoid\",\"x\":[\"Infinity\",\"-Infinity\",-709]}", 200);
    json_t *y = json_object_get(v, "y");
    ck_assert(num_at(y, 0) == 1 && num_at(y, 1) == 0 &&
              num_at(y, 2) == lib_eval("sigmoid", -709, 0));
    ck_assert(num_at(y, 2) > 0);
    json_decref(v);
}
END_TEST

START_TEST(eval_values_match_library)
{
    static const char *const names[] = {"sigmoid", "tanh", "gelu", "mish", "softplus", "elu"};
    static const double xs[] = {-745, -40, -1e-10, 0, 0.1, 3, 40, 709};
    char body[512];
    for (size_t f = 0; f < sizeof names / sizeof names[0]; f++) {
        for (int grad = 0; grad < 2; grad++) {
            snprintf(body, sizeof body,
                     "{\"activation\":\"%s\",\"x\":[-745,-40,-1e-10,0,0.1,3,40,709]}", names[f]);
            json_t *v = post(grad ? "/grad" : "/eval", body, 200);
            json_t *y = json_object_get(v, grad ? "grad" : "y");
            for (size_t i = 0; i < 8; i++) {
                double want = lib_eval(names[f], xs[i], grad);
                json_t *e = json_array_get(y, i);
                if (isnan(want))
                    ck_assert_str_eq(json_string_value(e), "NaN");
                else
                    ck_assert_msg(num_at(y, i) == want, "%s%s(%g): %.17g != %.17g", names[f],
                                  grad ? "'" : "", xs[i], num_at(y, i), want);
            }
            json_decref(v);
        }
    }
}
END_TEST

START_TEST(eval_params_aliases_defaults)
{
    json_t *v = post("/eval", "{\"activation\":\"LeakyReLU\",\"x\":[-2]}", 200);
    ck_assert_str_eq(json_string_value(json_object_get(v, "activation")), "leaky_relu");
    ck_assert(json_number_value(json_object_get(json_object_get(v, "params"), "negative_slope")) ==
              0.01);
    ck_assert(num_at(json_object_get(v, "y"), 0) == -0.02);
    json_decref(v);
    v = post("/eval",
             "{\"activation\":\"leaky-relu\",\"x\":[-2],\"params\":{\"negative_slope\":0.2}}", 200);
    ck_assert(num_at(json_object_get(v, "y"), 0) == -0.4);
    json_decref(v);
    v = post("/eval", "{\"activation\":\"sigmod\",\"x\":[0]}", 200);
    ck_assert_str_eq(json_string_value(json_object_get(v, "activation")), "sigmoid");
    json_decref(v);
    v = post("/eval", "{\"activation\":\"gelu\",\"x\":[1],\"params\":{\"approximate\":\"tanh\"}}",
             200);
    ck_assert_str_eq(
        json_string_value(json_object_get(json_object_get(v, "params"), "approximate")), "tanh");
    json_decref(v);
    v = post("/eval",
             "{\"activation\":\"threshold\",\"x\":[0.5,2],\"params\":{\"threshold\":1,\"value\":-"
             "7}}",
             200);
    ck_assert(num_at(json_object_get(v, "y"), 0) == -7 && num_at(json_object_get(v, "y"), 1) == 2);
    json_decref(v);
}
END_TEST

START_TEST(eval_float32)
{
    json_t *v =
        post("/eval", "{\"activation\":\"sigmoid\",\"x\":[0.1],\"dtype\":\"float32\"}", 200);
    ck_assert_str_eq(json_string_value(json_object_get(v, "dtype")), "float32");
    float want = (float)lib_eval("sigmoid", (double)0.1f, 0);
    ck_assert((float)num_at(json_object_get(v, "y"), 0) == want);
    json_decref(v);
    /* the text is the shortest that round-trips the float, not the double */
    http_resp r;
    http_post_json(&D, "/eval", "{\"activation\":\"identity\",\"x\":[0.1],\"dtype\":\"float32\"}",
                   &r);
    ck_assert_msg(strstr(r.body, "\"y\":[0.1]"), "%s", r.body);
    http_resp_free(&r);
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1,1e39],\"dtype\":\"float32\"}", 422,
                 "invalid-value", "/x/1");
}
END_TEST

START_TEST(eval_range)
{
    json_t *v = post(
        "/eval",
        "{\"activation\":\"sigmoid\",\"range\":{\"start\":-10,\"stop\":10,\"step\":0.025}}", 200);
    json_t *x = json_object_get(v, "x"), *y = json_object_get(v, "y");
    ck_assert_int_eq(json_array_size(x), 800);
    ck_assert_int_eq(json_array_size(y), 800);
    /* numpy 1.24: np.arange(-10, 10, 0.025)[[1, 400, 799]] */
    ck_assert(num_at(x, 1) == -9.975);
    ck_assert(num_at(x, 400) == 1.4210854715202004e-13);
    ck_assert(num_at(x, 799) == 9.975000000000286);
    ck_assert(num_at(y, 799) == lib_eval("sigmoid", 9.975000000000286, 0));
    json_decref(v);
    /* np.linspace(-1, 1, 7) */
    v = post("/eval", "{\"activation\":\"identity\",\"range\":{\"start\":-1,\"stop\":1,\"num\":7}}",
             200);
    static const double lin[] = {-1.0, -0.6666666666666667, -0.33333333333333337,
                                 0.0,  0.33333333333333326, 0.6666666666666665,
                                 1.0};
    for (size_t i = 0; i < 7; i++) ck_assert(num_at(json_object_get(v, "y"), i) == lin[i]);
    json_decref(v);
    post_problem("/eval", "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1}}", 422,
                 "missing-field", "/range/step");
    post_problem("/eval", "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"step\":0}}",
                 422, "invalid-value", "/range/step");
    post_problem("/eval",
                 "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"step\":1e-6}}", 413,
                 "too-large", "/range/step");
    post_problem("/eval",
                 "{\"activation\":\"relu\",\"range\":{\"start\":0,\"stop\":1,\"num\":2.5}}", 422,
                 "invalid-value", "/range/num");
    post_problem("/eval",
                 "{\"activation\":\"relu\",\"x\":[1],\"range\":{\"start\":0,\"stop\":1,\"num\":2}}",
                 422, "conflicting-fields", "/range");
}
END_TEST

START_TEST(grad_forms)
{
    json_t *v = post("/grad", "{\"activation\":\"tanh\",\"x\":[0,20]}", 200);
    json_t *g = json_object_get(v, "grad");
    ck_assert(num_at(g, 0) == 1);
    ck_assert(num_at(g, 1) > 0); /* 1 - tanh^2 would be 0 here */
    ck_assert(num_at(g, 1) == lib_eval("tanh", 20, 1));
    json_decref(v);
    v = post("/grad", "{\"activation\":\"sigmoid\",\"x\":[0,0],\"grad_output\":[2,-4]}", 200);
    g = json_object_get(v, "grad");
    ck_assert(num_at(g, 0) == 0.5 && num_at(g, 1) == -1);
    json_decref(v);
    /* softmax: the vector-Jacobian product; for x = [0, 0], y = [.5, .5]
     * and g = [1, 0]: y*(g - y.g) = [0.25, -0.25] */
    v = post("/grad", "{\"activation\":\"softmax\",\"x\":[[0,0]],\"grad_output\":[[1,0]]}", 200);
    g = json_array_get(json_object_get(v, "grad"), 0);
    ck_assert(num_at(g, 0) == 0.25 && num_at(g, 1) == -0.25);
    json_decref(v);
    post_problem("/grad", "{\"activation\":\"softmax\",\"x\":[1,2]}", 422, "missing-field",
                 "/grad_output");
    post_problem("/grad", "{\"activation\":\"relu\",\"x\":[1,2],\"grad_output\":[1]}", 422,
                 "shape-mismatch", "/grad_output");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"grad_output\":[1]}", 422,
                 "unknown-field", "/grad_output");
}
END_TEST

START_TEST(softmax_rows)
{
    json_t *v = post("/eval", "{\"activation\":\"softmax\",\"x\":[[1,2,3],[1000,1000,1000]]}", 200);
    json_t *y = json_object_get(v, "y");
    double s = 0;
    for (int i = 0; i < 3; i++) s += num_at(json_array_get(y, 0), (size_t)i);
    ck_assert(fabs(s - 1) < 1e-15);
    ck_assert(num_at(json_array_get(y, 1), 0) == num_at(json_array_get(y, 1), 2));
    json_decref(v);
}
END_TEST

/* ---- query form --------------------------------------------------------------- */

START_TEST(query_form)
{
    json_t *v = get("/eval?activation=relu&x=-1,0,2", 200);
    json_t *y = json_object_get(v, "y");
    ck_assert(num_at(y, 0) == 0 && num_at(y, 2) == 2);
    json_decref(v);
    v = get("/eval?activation=leaky_relu&x=-1&negative_slope=0.2", 200);
    ck_assert(num_at(json_object_get(v, "y"), 0) == -0.2);
    json_decref(v);
    v = get("/grad?activation=tanh&x=0", 200);
    ck_assert(num_at(json_object_get(v, "grad"), 0) == 1);
    json_decref(v);
    v = get("/eval?activation=identity&start=0&stop=1&num=3&dtype=float32", 200);
    ck_assert_int_eq(json_array_size(json_object_get(v, "x")), 3);
    json_decref(v);
    v = get("/eval?activation=gelu&approximate=tanh&x=1", 200);
    ck_assert(num_at(json_object_get(v, "y"), 0) != lib_eval("gelu", 1, 0));
    json_decref(v);
    v = get("/eval?activation=relu&x=1,abc", 400);
    expect_problem(v, 400, "malformed-query", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(v, "parameter")), "x");
    json_decref(v);
    v = get("/eval?activation=softplus&x=1&beta=-1", 422);
    expect_problem(v, 422, "invalid-parameter", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(v, "parameter")), "beta");
    json_decref(v);
    v = get("/eval?activation=relu&x=1&x=2", 400);
    json_decref(v);
    v = get("/eval?x=1", 422);
    expect_problem(v, 422, "missing-field", NULL);
    json_decref(v);
}
END_TEST

/* ---- binary form ---------------------------------------------------------------- */

START_TEST(binary_form)
{
    double x[3] = {-1, 0, 40}, y[3];
    http_resp r;
    ck_assert_int_eq(http_do(&D, "POST", "/eval?activation=sigmoid", "application/octet-stream", x,
                             sizeof x, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, sizeof y);
    memcpy(y, r.body, sizeof y);
    for (int i = 0; i < 3; i++) ck_assert(y[i] == lib_eval("sigmoid", x[i], 0));
    char ct[64];
    ck_assert_str_eq(resp_header(&r, "Content-Type", ct, sizeof ct), "application/octet-stream");
    http_resp_free(&r);

    float xf[2] = {0.5f, -3}, yf[2];
    http_do(&D, "POST", "/grad?activation=tanh&dtype=float32", "application/octet-stream", xf,
            sizeof xf, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, sizeof yf);
    memcpy(yf, r.body, sizeof yf);
    ck_assert(yf[1] == (float)lib_eval("tanh", -3, 1));
    http_resp_free(&r);

    double xg[4] = {0, 0, 3, 5}; /* x = [0, 0], grad_output = [3, 5] */
    http_do(&D, "POST", "/grad?activation=sigmoid&grad_output=true", "application/octet-stream", xg,
            sizeof xg, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    memcpy(y, r.body, 2 * sizeof(double));
    ck_assert(y[0] == 0.75 && y[1] == 1.25);
    http_resp_free(&r);

    http_do(&D, "POST", "/eval?activation=softmax&shape=2,2", "application/octet-stream", xg,
            sizeof xg, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    memcpy(y, r.body, 2 * sizeof(double));
    ck_assert(y[0] == 0.5 && y[1] == 0.5);
    http_resp_free(&r);

    http_do(&D, "POST", "/eval?activation=relu", "application/octet-stream", x, 13, NULL, &r);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
    http_do(&D, "POST", "/eval?activation=relu&shape=2,2", "application/octet-stream", x, 24, NULL,
            &r);
    ck_assert_int_eq(r.status, 422);
    http_resp_free(&r);
}
END_TEST

/* ---- errors ------------------------------------------------------------------------ */

START_TEST(malformed_json)
{
    json_t *v = post("/eval", "{\"activation\":\"relu\",\n \"x\":[1,]}", 400);
    expect_problem(v, 400, "malformed-json", NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "line")), 2);
    ck_assert(json_integer_value(json_object_get(v, "column")) > 0);
    json_decref(v);
    static const char *const bad[] = {
        "{\"activation\":\"relu\",\"x\":[1]} x",
        "{\"activation\":\"relu\",\"x\":[1]",
        "{\"activation\":\"relu\",\"x\":[01]}",
        "{\"activation\":\"relu\",\"x\":[NaN]}",
        "{\"activation\":\"relu\",\"x\":[1e400]}",
        "{\"activation\":\"relu\",\"x\":[0x10]}",
        "{\"activation\":\"relu\",\"x\":[1],\"x\":[2]}",
        "",
        "nul",
        "{\"a\":tru}",
        /* a 422 earlier in the document does not hide a later syntax error */
        "{\"activation\":\"nope\",\"x\":[true],\"params\":{,}}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = post("/eval", bad[i], 400);
        expect_problem(v, 400, "malformed-json", NULL);
        json_decref(v);
    }
}
END_TEST

START_TEST(semantic_errors)
{
    json_t *v = post("/eval", "{\"activation\":\"sigmoyd\",\"x\":[1]}", 422);
    expect_problem(v, 422, "unknown-activation", "/activation");
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(v, "suggestions"), 0)),
                     "sigmoid");
    json_decref(v);
    post_problem("/eval", "{\"x\":[1]}", 422, "missing-field", "/activation");
    post_problem("/eval", "{\"activation\":\"relu\"}", 422, "missing-field", "/x");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"y\":2}", 422, "unknown-field",
                 "/y");
    post_problem("/eval", "{\"activation\":1,\"x\":[1]}", 422, "wrong-type", "/activation");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[[1,2],[3]]}", 422, "not-rectangular",
                 "/x/1");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1,2,true]}", 422, "wrong-type", "/x/2");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":\"abc\"}", 422, "wrong-type", "/x");
    post_problem("/eval", "[1,2]", 422, "wrong-type", "");
    post_problem("/eval", "{\"activation\":\"softplus\",\"x\":[1],\"params\":{\"beta\":0}}", 422,
                 "invalid-parameter", "/params/beta");
    post_problem("/eval", "{\"activation\":\"softplus\",\"x\":[1],\"params\":{\"gamma\":1}}", 422,
                 "invalid-parameter", "/params/gamma");
    post_problem("/eval", "{\"activation\":\"softplus\",\"x\":[1],\"params\":{\"beta\":\"2\"}}",
                 422, "wrong-type", "/params/beta");
    post_problem("/eval", "{\"activation\":\"threshold\",\"x\":[1],\"params\":{\"value\":1}}", 422,
                 "missing-field", "/params/threshold");
    post_problem("/eval",
                 "{\"activation\":\"hardtanh\",\"x\":[1],\"params\":{\"min_val\":2,\"max_val\":1}}",
                 422, "invalid-parameter", "/params/max_val");
    post_problem("/eval", "{\"activation\":\"gelu\",\"x\":[1],\"params\":{\"approximate\":\"x\"}}",
                 422, "invalid-parameter", "/params/approximate");
    post_problem("/eval", "{\"activation\":\"celu\",\"x\":[1],\"params\":{\"alpha\":0}}", 422,
                 "invalid-parameter", "/params/alpha");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"dtype\":\"float16\"}", 422,
                 "invalid-value", "/dtype");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"params\":[1]}", 422, "wrong-type",
                 "/params");
}
END_TEST

START_TEST(http_errors)
{
    http_resp r;
    char buf[128];
    ck_assert_int_eq(http_get(&D, "/nope", &r), 0);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(resp_header(&r, "Content-Type", buf, sizeof buf), "application/problem+json");
    http_resp_free(&r);
    http_do(&D, "DELETE", "/eval", NULL, NULL, 0, NULL, &r);
    ck_assert_int_eq(r.status, 405);
    ck_assert_ptr_nonnull(strstr(resp_header(&r, "Allow", buf, sizeof buf), "POST"));
    http_resp_free(&r);
    http_do(&D, "POST", "/healthz", "application/json", "{}", 2, NULL, &r);
    ck_assert_int_eq(r.status, 405);
    http_resp_free(&r);
    http_do(&D, "POST", "/eval", "text/plain", "{}", 2, NULL, &r);
    ck_assert_int_eq(r.status, 415);
    http_resp_free(&r);
    http_do(&D, "POST", "/eval", "application/json; charset=utf-8",
            "{\"activation\":\"relu\",\"x\":[1]}", 29, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    /* limits of this daemon: 4 MiB body, 100000 elements */
    size_t big = 5u << 20;
    char *body = malloc(big);
    memset(body, ' ', big);
    http_do(&D, "POST", "/eval", "application/json", body, big, NULL, &r);
    ck_assert_int_eq(r.status, 413);
    http_resp_free(&r);
    strcpy(body, "{\"activation\":\"relu\",\"x\":[");
    size_t n = strlen(body);
    for (int i = 0; i < 100001; i++) n += (size_t)sprintf(body + n, i ? ",1" : "1");
    body[n] = 0;
    strcat(body, "]}");
    http_post_json(&D, "/eval", body, &r);
    ck_assert_int_eq(r.status, 413);
    http_resp_free(&r);
    free(body);
}
END_TEST

START_TEST(small_routes)
{
    json_t *v = get("/healthz", 200);
    ck_assert_str_eq(json_string_value(json_object_get(v, "status")), "ok");
    json_decref(v);
    v = get("/readyz", 200);
    json_decref(v);
    v = get("/version", 200);
    ck_assert_str_eq(json_string_value(json_object_get(v, "libactiv")), activ_version());
    json_decref(v);
    v = get("/problems/unknown-activation", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), 422);
    json_decref(v);
    http_resp r;
    char buf[128];
    http_do(&D, "HEAD", "/healthz", NULL, NULL, 0, NULL, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, 0);
    http_resp_free(&r);
    http_do(&D, "OPTIONS", "/eval", NULL, NULL, 0, NULL, &r);
    ck_assert_int_eq(r.status, 204);
    ck_assert_ptr_nonnull(resp_header(&r, "Allow", buf, sizeof buf));
    http_resp_free(&r);
}
END_TEST

START_TEST(request_id)
{
    http_resp r;
    char buf[128];
    static const char *const hdr[] = {"X-Request-ID: trace-42", NULL};
    http_do(&D, "GET", "/healthz", NULL, NULL, 0, hdr, &r);
    ck_assert_str_eq(resp_header(&r, "X-Request-ID", buf, sizeof buf), "trace-42");
    http_resp_free(&r);
    http_get(&D, "/healthz", &r);
    ck_assert_int_eq(strlen(resp_header(&r, "X-Request-ID", buf, sizeof buf)), 16);
    http_resp_free(&r);
    static const char *const evil[] = {"X-Request-ID: a\"b", NULL};
    http_do(&D, "GET", "/healthz", NULL, NULL, 0, evil, &r);
    ck_assert_str_ne(resp_header(&r, "X-Request-ID", buf, sizeof buf), "a\"b");
    http_resp_free(&r);
}
END_TEST

/* Big answers are computed and printed in parts on several threads; the
 * parts must join into the same nested text. 3 x 200 x 125 = 75000 elements,
 * more than two parts' worth. */
START_TEST(big_nested_parts)
{
    enum { A = 3, B = 200, C = 125 };
    size_t cap = (size_t)A * B * C * 16 + 64, len = 0;
    char *body = malloc(cap);
    len += (size_t)sprintf(body, "{\"activation\":\"identity\",\"x\":[");
    for (int i = 0; i < A; i++) {
        body[len++] = '[';
        for (int j = 0; j < B; j++) {
            body[len++] = '[';
            for (int k = 0; k < C; k++)
                len += (size_t)sprintf(body + len, "%s%d.5", k ? "," : "", (i * B + j) * C + k);
            len += (size_t)sprintf(body + len, "]%s", j + 1 < B ? "," : "");
        }
        len += (size_t)sprintf(body + len, "]%s", i + 1 < A ? "," : "");
    }
    len += (size_t)sprintf(body + len, "]}");
    json_t *v = post("/eval", body, 200);
    json_t *y = json_object_get(v, "y");
    ck_assert_int_eq(json_array_size(y), A);
    for (int i = 0; i < A; i++) {
        json_t *yi = json_array_get(y, (size_t)i);
        ck_assert_int_eq(json_array_size(yi), B);
        for (int j = 0; j < B; j++) {
            json_t *yij = json_array_get(yi, (size_t)j);
            ck_assert_int_eq(json_array_size(yij), C);
            for (int k = 0; k < C; k++)
                ck_assert(num_at(yij, (size_t)k) == (i * B + j) * C + k + 0.5);
        }
    }
    json_decref(v);
    free(body);
}
END_TEST

/* A big JSON answer is printed into the request body's buffer, as many
 * parts as fit there: here both parts, then (numbers padded less) only the
 * first. The answer must be the same numbers either way. */
START_TEST(big_answer_in_body)
{
    enum { N = 90000 };
    static const int pad[] = {40, 20}; /* bytes per number in the request */
    for (int c = 0; c < 2; c++) {
        size_t cap = (size_t)N * (pad[c] + 2) + 64, len = 0;
        char *body = malloc(cap);
        len += (size_t)sprintf(body, "{\"activation\":\"identity\",\"x\":[");
        for (int i = 0; i < N; i++)
            len += (size_t)sprintf(body + len, "%s%*.2f", i ? "," : "", pad[c] - 1, i + 0.25);
        sprintf(body + len, "]}");
        json_t *v = post("/eval", body, 200);
        json_t *y = json_object_get(v, "y");
        ck_assert_int_eq(json_array_size(y), N);
        for (int i = 0; i < N; i++)
            ck_assert_msg(num_at(y, (size_t)i) == i + 0.25, "pad %d: y[%d] = %.17g", pad[c], i,
                          num_at(y, (size_t)i));
        json_decref(v);
        free(body);
    }
}
END_TEST

/* Big float64 elementwise answers are computed by the threads that print
 * them, part by part: every value must still be the library's. */
START_TEST(big_parts_computed)
{
    enum { N = 90000 };
    size_t cap = (size_t)N * 24 + 64, len = 0;
    char *body = malloc(cap);
    len += (size_t)sprintf(body, "{\"activation\":\"gelu\",\"x\":[");
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(body + len, "%s%.17g", i ? "," : "", (i - N / 2) * 1e-4);
    sprintf(body + len, "]}");
    for (int grad = 0; grad < 2; grad++) {
        json_t *v = post(grad ? "/grad" : "/eval", body, 200);
        json_t *y = json_object_get(v, grad ? "grad" : "y");
        ck_assert_int_eq(json_array_size(y), N);
        for (int i = 0; i < N; i++) {
            double want = lib_eval("gelu", (i - N / 2) * 1e-4, grad);
            ck_assert_msg(num_at(y, (size_t)i) == want, "%s[%d] = %.17g, want %.17g",
                          grad ? "grad" : "y", i, num_at(y, (size_t)i), want);
        }
        json_decref(v);
    }
    free(body);
}
END_TEST

/* A big elementwise binary /eval is computed while it arrives (eval_begin);
 * every value must be computed exactly once, float64 and float32, and a
 * rowwise function (not computed early) must still be right. */
START_TEST(big_binary_early)
{
    enum { N = 100000 }; /* 800 and 400 KB: over EARLY_MIN */
    double *x = malloc(N * sizeof *x);
    float *xf = malloc(N * sizeof *xf);
    for (int i = 0; i < N; i++) x[i] = (i - N / 2) * 1e-4, xf[i] = (float)x[i];
    /* the first 3/4 of the body, a pause for the helper to compute it, the
     * rest: each value must have been computed once */
    char head[256];
    snprintf(head, sizeof head,
             "POST /eval?activation=selu HTTP/1.1\r\nHost: x\r\nContent-Type: "
             "application/octet-stream\r\nContent-Length: %zu\r\n\r\n",
             N * sizeof *x);
    int fd = raw_connect(D.port);
    size_t cut = N / 4 * 3 * sizeof *x;
    ck_assert(fd >= 0 && raw_sends(fd, head) == 0 && raw_send(fd, x, cut) == 0);
    usleep(200000);
    ck_assert_int_eq(raw_send(fd, (char *)x + cut, N * sizeof *x - cut), 0);
    raw_resp rr;
    ck_assert_int_eq(raw_read(fd, &rr, 10), 0);
    close(fd);
    ck_assert_int_eq(rr.status, 200);
    ck_assert_uint_eq(rr.body_len, N * sizeof *x);
    for (int i = 0; i < N; i++) {
        double y;
        memcpy(&y, rr.body + i * sizeof y, sizeof y);
        ck_assert_msg(y == lib_eval("selu", x[i], 0), "selu(%.17g) = %.17g", x[i], y);
    }
    raw_resp_free(&rr);
    http_resp r;
    ck_assert_int_eq(http_do(&D, "POST", "/eval?activation=sigmoid&dtype=float32",
                             "application/octet-stream", xf, N * sizeof *xf, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    for (int i = 0; i < N; i++) {
        float y;
        memcpy(&y, r.body + i * sizeof y, sizeof y);
        activ_params p;
        float want;
        activ_params_init(&p, activ_find("sigmoid"));
        activ_eval_f32(&p, &xf[i], &want, 1, 0, NULL);
        ck_assert_msg(y == want, "sigmoid(%.9g) = %.9g, want %.9g", xf[i], y, want);
    }
    http_resp_free(&r);
    ck_assert_int_eq(http_do(&D, "POST", "/eval?activation=softmax&shape=500,200",
                             "application/octet-stream", x, N * sizeof *x, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    double sum = 0, y;
    for (int i = 0; i < 200; i++) memcpy(&y, r.body + i * sizeof y, sizeof y), sum += y;
    ck_assert_msg(sum > 0.999999 && sum < 1.000001, "softmax row 0 sums to %.17g", sum);
    http_resp_free(&r);
    free(x);
    free(xf);
}
END_TEST

/* ---- second derivatives: /grad with order 2 ------------------------------------ */

/* The inputs every order-2 check sends: tails, subnormals, zeros of both
 * signs, the kinks of f' at default parameters (0, +-0.5, +-1, 1.5, +-3,
 * 6, 20), NaN and infinities. */
static const double G2_X[] = {-745, -40, -20,    -6,     -3,       -1.5,      -1,   -0.5, -1e-10,
                              -0.0, 0,   5e-324, 1e-300, 0.5,      1,         1.5,  3,    6,
                              20,   40,  709,    NAN,    INFINITY, -INFINITY, 1e300};
#define G2_N     (sizeof G2_X / sizeof G2_X[0])
#define G2_F32_N (G2_N - 1) /* float32 stops before 1e300, beyond its range */
static const double G2_GO[] = {2, -0.5, 0.25, 3, -1e10};

static double g2_gout(size_t i)
{
    return G2_GO[i % (sizeof G2_GO / sizeof G2_GO[0])];
}

/* A number as JSON text: NaN and infinities as the API's strings. */
static int put_json_num(char *b, double v)
{
    if (isnan(v)) return sprintf(b, "\"NaN\"");
    if (isinf(v)) return sprintf(b, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return sprintf(b, "%.17g", v);
}

static size_t put_json_list(char *b, const double *v, size_t n)
{
    size_t k = (size_t)sprintf(b, "[");
    for (size_t i = 0; i < n; i++) {
        if (i) b[k++] = ',';
        k += (size_t)put_json_num(b + k, v[i]);
    }
    return k + (size_t)sprintf(b + k, "]");
}

/* POST JSON, 200, the body read with every number a double ("-0" stays
 * negative). */
static json_t *post_reals(const char *path, const char *json)
{
    http_resp r;
    ck_assert_int_eq(http_post_json(&D, path, json, &r), 0);
    ck_assert_msg(r.status == 200, "%s %.300s: status %ld: %.500s", path, json, r.status, r.body);
    json_t *v = json_loadb(r.body, r.len, JSON_DECODE_INT_AS_REAL, NULL);
    ck_assert_msg(v != NULL, "not JSON: %s", r.body);
    http_resp_free(&r);
    return v;
}

/* The answer's element i holds exactly want; a float32 answer is the
 * shortest text of a float, read as a double and rounded to float once. */
static void same_bits(json_t *a, size_t i, double want, int f32, const char *what)
{
    json_t *e = json_array_get(a, i);
    if (isnan(want) || isinf(want)) {
        const char *s = json_string_value(e);
        const char *w = isnan(want) ? "NaN" : want > 0 ? "Infinity" : "-Infinity";
        ck_assert_msg(s && strcmp(s, w) == 0, "%s[%zu]: want %s", what, i, w);
        return;
    }
    ck_assert_msg(json_is_real(e), "%s[%zu] is not a number", what, i);
    double got = f32 ? (float)json_real_value(e) : json_real_value(e);
    ck_assert_msg(got == want && signbit(got) == signbit(want), "%s[%zu] = %.17g, want %.17g", what,
                  i, got, want);
}

/* activ_grad2(_f32) of x (and go) with p: out[i] as a double. */
static void lib_grad2(const activ_params *p, int f32, const double *x, const double *go,
                      double *out, size_t n)
{
    if (!f32) {
        ck_assert_int_eq(activ_grad2(p, x, go, out, n, 0, NULL) & ~ACTIV_ERANGE, ACTIV_OK);
        return;
    }
    float *xf = malloc(n * sizeof *xf), *gf = go ? malloc(n * sizeof *gf) : NULL,
          *of = malloc(n * sizeof *of);
    for (size_t i = 0; i < n; i++) {
        xf[i] = (float)x[i];
        if (gf) gf[i] = (float)go[i];
    }
    ck_assert_int_eq(activ_grad2_f32(p, xf, gf, of, n, 0, NULL) & ~ACTIV_ERANGE, ACTIV_OK);
    for (size_t i = 0; i < n; i++) out[i] = of[i];
    free(xf);
    free(gf);
    free(of);
}

/* fn's parameters: the defaults, required ones 1; their JSON into js. */
static void g2_params(const activ_fn *fn, activ_params *p, char *js, size_t cap)
{
    size_t k = (size_t)snprintf(js, cap, "{");
    activ_params_init(p, fn);
    for (size_t i = 0; i < activ_param_count(fn); i++) {
        const activ_param_spec *s = activ_param_at(fn, i);
        if (!(s->flags & ACTIV_PARAM_REQUIRED)) continue;
        activ_params_set(p, s->name, strlen(s->name), 1);
        k += (size_t)snprintf(js + k, cap - k, "%s\"%s\":1", k > 1 ? "," : "", s->name);
    }
    snprintf(js + k, cap - k, "}");
    ck_assert_int_eq(activ_params_check(p, NULL), ACTIV_OK);
}

/* Every elementwise activation, float64 and float32, with and without
 * grad_output: the JSON answer holds activ_grad2's bits, and echoes order. */
START_TEST(grad2_json_matches_library)
{
    double go[G2_N], want[G2_N];
    for (size_t i = 0; i < G2_N; i++) go[i] = g2_gout(i);
    char *body = malloc(8192), params[256];
    for (size_t f = 0; f < activ_count(); f++) {
        const activ_fn *fn = activ_at(f);
        if (activ_kind_of(fn) != ACTIV_ELEMENTWISE) continue;
        activ_params p;
        g2_params(fn, &p, params, sizeof params);
        for (int f32 = 0; f32 < 2; f32++) {
            size_t n = f32 ? G2_F32_N : G2_N;
            for (int with_go = 0; with_go < 2; with_go++) {
                size_t k = (size_t)sprintf(
                    body, "{\"activation\":\"%s\",\"params\":%s,\"x\":", activ_name(fn), params);
                k += put_json_list(body + k, G2_X, n);
                if (with_go) {
                    k += (size_t)sprintf(body + k, ",\"grad_output\":");
                    k += put_json_list(body + k, go, n);
                }
                sprintf(body + k, ",\"dtype\":\"%s\",\"order\":2}", f32 ? "float32" : "float64");
                json_t *v = post_reals("/grad", body);
                ck_assert(json_real_value(json_object_get(v, "order")) == 2);
                lib_grad2(&p, f32, G2_X, with_go ? go : NULL, want, n);
                json_t *g = json_object_get(v, "grad");
                ck_assert_int_eq(json_array_size(g), n);
                char what[96];
                snprintf(what, sizeof what, "%s'' %s%s", activ_name(fn),
                         f32 ? "float32" : "float64", with_go ? " * grad_output" : "");
                for (size_t i = 0; i < n; i++) same_bits(g, i, want[i], f32, what);
                json_decref(v);
            }
        }
    }
    free(body);
}
END_TEST

/* Parameters reach f'': softplus's kink at threshold/beta and gelu's tanh
 * form; a 2-D x keeps its shape. */
START_TEST(grad2_params_and_shape)
{
    json_t *v = post_reals("/grad", "{\"activation\":\"softplus\",\"x\":[[1.4,1.5],[1.6,-1]],"
                                    "\"params\":{\"beta\":2,\"threshold\":3},\"order\":2}");
    json_t *g = json_object_get(v, "grad");
    ck_assert_int_eq(json_array_size(g), 2);
    activ_params p;
    activ_params_init(&p, activ_find("softplus"));
    activ_params_set(&p, "beta", 4, 2);
    activ_params_set(&p, "threshold", 9, 3);
    double x[4] = {1.4, 1.5, 1.6, -1}, want[4];
    activ_grad2(&p, x, NULL, want, 4, 0, NULL);
    ck_assert(want[0] > 0 && want[1] == 0 && want[2] == 0); /* 0 at and past the kink */
    for (size_t i = 0; i < 4; i++)
        same_bits(json_array_get(g, i / 2), i % 2, want[i], 0, "softplus''");
    json_decref(v);
    v = post_reals("/grad", "{\"activation\":\"gelu\",\"x\":[0.5],\"params\":{\"approximate\":"
                            "\"tanh\"},\"order\":2}");
    activ_params_init(&p, activ_find("gelu"));
    activ_params_set_choice(&p, "approximate", 11, "tanh", 4);
    double half = 0.5;
    activ_grad2(&p, &half, NULL, want, 1, 0, NULL);
    activ_params_init(&p, activ_find("gelu"));
    activ_grad2(&p, &half, NULL, want + 1, 1, 0, NULL);
    ck_assert(want[0] != want[1]); /* so the answer shows which form was used */
    same_bits(json_object_get(v, "grad"), 0, want[0], 0, "gelu'' tanh");
    json_decref(v);
}
END_TEST

/* Without order, or with order 1, the answer is f' as before; order is
 * echoed only when given. */
START_TEST(grad2_order_echo)
{
    http_resp r;
    ck_assert_int_eq(http_post_json(&D, "/grad", "{\"activation\":\"tanh\",\"x\":[0.5]}", &r), 0);
    ck_assert_msg(strcmp(r.body, "{\"activation\":\"tanh\",\"params\":{},\"dtype\":\"float64\","
                                 "\"grad\":[0.7864477329659274]}\n") == 0,
                  "%s", r.body);
    http_resp_free(&r);
    json_t *v = post_reals("/grad", "{\"activation\":\"tanh\",\"x\":[0.5],\"order\":1.0}");
    ck_assert(json_real_value(json_object_get(v, "order")) == 1);
    same_bits(json_object_get(v, "grad"), 0, lib_eval("tanh", 0.5, 1), 0, "tanh' (order 1)");
    json_decref(v);
    json_t *q = get("/grad?activation=tanh&x=0.5&order=1", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(q, "order")), 1);
    json_decref(q);
    q = get("/grad?activation=tanh&x=0.5", 200);
    ck_assert_ptr_null(json_object_get(q, "order"));
    json_decref(q);
    /* softmax keeps its VJP at order 1 */
    v = post_reals(
        "/grad", "{\"activation\":\"softmax\",\"x\":[[0,0]],\"grad_output\":[[1,0]],\"order\":1}");
    same_bits(json_array_get(json_object_get(v, "grad"), 0), 0, 0.25, 0, "softmax VJP");
    json_decref(v);
}
END_TEST

/* The query form: order=2 (grad_output too), float32, a range. */
START_TEST(grad2_query)
{
    double x[3] = {-1, 0.5, 3}, go[3] = {2, -3, 0.5}, want[3];
    activ_params p;
    activ_params_init(&p, activ_find("silu"));
    for (int f32 = 0; f32 < 2; f32++) {
        for (int with_go = 0; with_go < 2; with_go++) {
            char path[256];
            snprintf(path, sizeof path, "/grad?activation=silu&x=-1,0.5,3&order=2%s%s",
                     with_go ? "&grad_output=2,-3,0.5" : "", f32 ? "&dtype=float32" : "");
            http_resp r;
            ck_assert_int_eq(http_get(&D, path, &r), 0);
            ck_assert_int_eq(r.status, 200);
            json_t *v = json_loadb(r.body, r.len, JSON_DECODE_INT_AS_REAL, NULL);
            http_resp_free(&r);
            ck_assert(json_real_value(json_object_get(v, "order")) == 2);
            lib_grad2(&p, f32, x, with_go ? go : NULL, want, 3);
            for (size_t i = 0; i < 3; i++)
                same_bits(json_object_get(v, "grad"), i, want[i], f32, path);
            json_decref(v);
        }
    }
    /* np.linspace(-3, 3, 7): the grid comes back beside f'' */
    json_t *v = get("/grad?activation=hardswish&start=-3&stop=3&num=7&order=2", 200);
    json_t *g = json_object_get(v, "grad");
    ck_assert_int_eq(json_array_size(json_object_get(v, "x")), 7);
    /* hardswish'' is 1/3 inside (-3, 3) and 0 at the kinks */
    ck_assert(num_at(g, 0) == 0 && num_at(g, 6) == 0 && num_at(g, 3) == 1.0 / 3);
    json_decref(v);
}
END_TEST

/* The binary form: order=2 in the query, float64 and float32, with
 * grad_output=true; the answer says X-Activ-Order: 2. */
START_TEST(grad2_binary)
{
    double x[4] = {-2, -0.0, 0.75, 30}, xg[8], want[4], y[4];
    memcpy(xg, x, sizeof x);
    for (int i = 0; i < 4; i++) xg[4 + i] = g2_gout((size_t)i);
    activ_params p;
    activ_params_init(&p, activ_find("mish"));
    http_resp r;
    char hdr[32];
    ck_assert_int_eq(http_do(&D, "POST", "/grad?activation=mish&order=2",
                             "application/octet-stream", x, sizeof x, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, sizeof y);
    ck_assert_str_eq(resp_header(&r, "X-Activ-Order", hdr, sizeof hdr), "2");
    memcpy(y, r.body, sizeof y);
    http_resp_free(&r);
    lib_grad2(&p, 0, x, NULL, want, 4);
    for (int i = 0; i < 4; i++) ck_assert(memcmp(&y[i], &want[i], sizeof y[i]) == 0);

    ck_assert_int_eq(http_do(&D, "POST", "/grad?activation=mish&order=2&grad_output=true",
                             "application/octet-stream", xg, sizeof xg, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    memcpy(y, r.body, sizeof y);
    http_resp_free(&r);
    lib_grad2(&p, 0, x, xg + 4, want, 4);
    for (int i = 0; i < 4; i++) ck_assert(memcmp(&y[i], &want[i], sizeof y[i]) == 0);

    float xf[8], yf[4];
    for (int i = 0; i < 8; i++) xf[i] = (float)xg[i];
    ck_assert_int_eq(http_do(&D, "POST",
                             "/grad?activation=mish&order=2&grad_output=true&dtype=float32",
                             "application/octet-stream", xf, sizeof xf, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, sizeof yf);
    memcpy(yf, r.body, sizeof yf);
    http_resp_free(&r);
    lib_grad2(&p, 1, x, xg + 4, want, 4);
    for (int i = 0; i < 4; i++) ck_assert_msg(yf[i] == (float)want[i], "float32 mish''[%d]", i);

    /* without order: no X-Activ-Order, f' as before */
    ck_assert_int_eq(http_do(&D, "POST", "/grad?activation=mish", "application/octet-stream", x,
                             sizeof x, NULL, &r),
                     0);
    ck_assert_ptr_null(resp_header(&r, "X-Activ-Order", hdr, sizeof hdr));
    memcpy(y, r.body, sizeof y);
    ck_assert(y[2] == lib_eval("mish", 0.75, 1));
    http_resp_free(&r);
}
END_TEST

/* Big arrays go through the parts: computed by the printing threads
 * (float64 JSON), computed first then printed (float32, a range), and in
 * place over a binary body. Every value must be activ_grad2's. */
START_TEST(grad2_big_parts)
{
    enum { N = 90000 };
    double *x = malloc(N * sizeof *x), *go = malloc(N * sizeof *go),
           *want = malloc(N * sizeof *want);
    for (int i = 0; i < N; i++) x[i] = (i - N / 2) * 1e-4, go[i] = (double)(i % 7) - 3;
    activ_params p;
    activ_params_init(&p, activ_find("gelu"));
    char *body = malloc((size_t)N * 32 + 64);
    for (int f32 = 0; f32 < 2; f32++) {
        size_t k =
            (size_t)sprintf(body, "{\"activation\":\"gelu\",\"order\":2,\"dtype\":\"%s\",\"x\":[",
                            f32 ? "float32" : "float64");
        for (int i = 0; i < N; i++) k += (size_t)sprintf(body + k, "%s%.17g", i ? "," : "", x[i]);
        sprintf(body + k, "]}");
        json_t *v = post_reals("/grad", body);
        json_t *g = json_object_get(v, "grad");
        ck_assert_int_eq(json_array_size(g), N);
        lib_grad2(&p, f32, x, NULL, want, N);
        for (int i = 0; i < N; i++) same_bits(g, (size_t)i, want[i], f32, "big gelu''");
        json_decref(v);
    }
    /* with grad_output (small integers keep the body under --max-body) */
    size_t k = (size_t)sprintf(body, "{\"activation\":\"gelu\",\"order\":2,\"grad_output\":[");
    for (int i = 0; i < N; i++) k += (size_t)sprintf(body + k, "%s%g", i ? "," : "", go[i]);
    k += (size_t)sprintf(body + k, "],\"x\":[");
    for (int i = 0; i < N; i++) k += (size_t)sprintf(body + k, "%s%.17g", i ? "," : "", x[i]);
    sprintf(body + k, "]}");
    json_t *v = post_reals("/grad", body);
    lib_grad2(&p, 0, x, go, want, N);
    for (int i = 0; i < N; i++)
        same_bits(json_object_get(v, "grad"), (size_t)i, want[i], 0, "go*gelu''");
    json_decref(v);
    /* a range over the parts: x echoed, f'' beside it */
    v = post_reals("/grad", "{\"activation\":\"tanh\",\"order\":2,"
                            "\"range\":{\"start\":-10,\"stop\":10,\"num\":90000}}");
    json_t *gx = json_object_get(v, "x"), *g = json_object_get(v, "grad");
    ck_assert_int_eq(json_array_size(g), N);
    activ_params_init(&p, activ_find("tanh"));
    for (int i = 0; i < N; i++) {
        double xi = json_real_value(json_array_get(gx, (size_t)i)), w;
        activ_grad2(&p, &xi, NULL, &w, 1, 0, NULL);
        same_bits(g, (size_t)i, w, 0, "range tanh''");
    }
    json_decref(v);
    /* binary, in place */
    activ_params_init(&p, activ_find("gelu"));
    http_resp r;
    ck_assert_int_eq(http_do(&D, "POST", "/grad?activation=gelu&order=2",
                             "application/octet-stream", x, N * sizeof *x, NULL, &r),
                     0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, N * sizeof *x);
    lib_grad2(&p, 0, x, NULL, want, N);
    ck_assert(memcmp(r.body, want, N * sizeof *want) == 0);
    http_resp_free(&r);
    free(body);
    free(x);
    free(go);
    free(want);
}
END_TEST

/* Every bad order: a 422 naming the field, in each form. */
START_TEST(grad2_bad_order)
{
    static const char *const invalid[] = {"0",     "3",  "1.5",   "-1", "-0", "2.0000000000000004",
                                          "1e308", "-2", "1e-320"};
    static const char *const wrong[] = {"\"2\"", "true", "false", "null", "[2]", "{\"order\":2}"};
    char body[256];
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1],\"order\":%s}", invalid[i]);
        post_problem("/grad", body, 422, "invalid-value", "/order");
    }
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        snprintf(body, sizeof body, "{\"activation\":\"relu\",\"x\":[1],\"order\":%s}", wrong[i]);
        post_problem("/grad", body, 422, "wrong-type", "/order");
    }
    /* not JSON at all: NaN, a bare word, 1e400 */
    post_problem("/grad", "{\"activation\":\"relu\",\"x\":[1],\"order\":NaN}", 400,
                 "malformed-json", NULL);
    post_problem("/grad", "{\"activation\":\"relu\",\"x\":[1],\"order\":1e400}", 400,
                 "malformed-json", NULL);
    post_problem("/grad", "{\"activation\":\"relu\",\"x\":[1],\"order\":2,\"order\":2}", 400,
                 "malformed-json", NULL);
    /* a bad order is reported where it is, before a later fault */
    post_problem("/grad", "{\"activation\":\"relu\",\"order\":5,\"x\":[true]}", 422,
                 "invalid-value", "/order");
    /* /eval has no order, whatever its value */
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"order\":2}", 422, "unknown-field",
                 "/order");
    post_problem("/eval", "{\"activation\":\"relu\",\"x\":[1],\"order\":1}", 422, "unknown-field",
                 "/order");
    static const char *const query[] = {"0",        "3", "1.5", "abc",  "NaN",
                                        "Infinity", "",  "2,2", "%202", "0x2"};
    for (size_t i = 0; i < sizeof query / sizeof query[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "/grad?activation=relu&x=1&order=%s", query[i]);
        json_t *v = get(path, 422);
        expect_problem(v, 422, "invalid-value", NULL);
        ck_assert_str_eq(json_string_value(json_object_get(v, "parameter")), "order");
        json_decref(v);
        http_resp r;
        double one = 1;
        snprintf(path, sizeof path, "/grad?activation=relu&order=%s", query[i]);
        http_do(&D, "POST", path, "application/octet-stream", &one, sizeof one, NULL, &r);
        ck_assert_msg(r.status == 422 && strstr(r.body, "\"parameter\":\"order\""), "%s: %s", path,
                      r.body);
        http_resp_free(&r);
    }
    json_t *v = get("/eval?activation=relu&x=1&order=2", 422);
    expect_problem(v, 422, "unknown-field", NULL);
    ck_assert_str_eq(json_string_value(json_object_get(v, "parameter")), "order");
    json_decref(v);
    /* an unknown field's message lists order for /grad only */
    v = post("/grad", "{\"activation\":\"relu\",\"x\":[1],\"ordre\":2}", 422);
    ck_assert(strstr(json_string_value(json_object_get(v, "detail")), "grad_output, order"));
    json_decref(v);
    v = post("/eval", "{\"activation\":\"relu\",\"x\":[1],\"ordre\":2}", 422);
    ck_assert(!strstr(json_string_value(json_object_get(v, "detail")), "order"));
    json_decref(v);
}
END_TEST

/* softmax and log_softmax have no second derivative: a 422 on /order that
 * says so, with or without grad_output, in every form. */
START_TEST(grad2_rowwise)
{
    static const char *const bodies[] = {
        "{\"activation\":\"softmax\",\"x\":[[1,2]],\"order\":2}",
        "{\"activation\":\"softmax\",\"x\":[[1,2]],\"grad_output\":[[1,0]],\"order\":2}",
        "{\"activation\":\"log_softmax\",\"order\":2,\"x\":[[1,2]],\"grad_output\":[[1,0]]}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        json_t *v = post("/grad", bodies[i], 422);
        expect_problem(v, 422, "invalid-value", "/order");
        ck_assert_msg(
            strstr(json_string_value(json_object_get(v, "detail")), "no second derivative"), "%s",
            json_string_value(json_object_get(v, "detail")));
        json_decref(v);
    }
    json_t *v = get("/grad?activation=softmax&x=1,2&grad_output=1,0&order=2", 422);
    ck_assert_str_eq(json_string_value(json_object_get(v, "parameter")), "order");
    ck_assert(strstr(json_string_value(json_object_get(v, "detail")), "no second derivative"));
    json_decref(v);
    double xg[4] = {1, 2, 1, 0};
    http_resp r;
    http_do(&D, "POST", "/grad?activation=log_softmax&order=2&grad_output=true",
            "application/octet-stream", xg, sizeof xg, NULL, &r);
    ck_assert_msg(r.status == 422 && strstr(r.body, "\"parameter\":\"order\"") &&
                      strstr(r.body, "no second derivative"),
                  "%s", r.body);
    http_resp_free(&r);
}
END_TEST

static Suite *api_suite(void)
{
    Suite *s = suite_create("api");
    TCase *t = tcase_create("api");
    tcase_add_unchecked_fixture(t, start, stop);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, eval_shapes);
    tcase_add_test(t, eval_shortest_and_special);
    tcase_add_test(t, eval_values_match_library);
    tcase_add_test(t, eval_params_aliases_defaults);
    tcase_add_test(t, eval_float32);
    tcase_add_test(t, eval_range);
    tcase_add_test(t, grad_forms);
    tcase_add_test(t, softmax_rows);
    tcase_add_test(t, query_form);
    tcase_add_test(t, binary_form);
    tcase_add_test(t, malformed_json);
    tcase_add_test(t, semantic_errors);
    tcase_add_test(t, http_errors);
    tcase_add_test(t, small_routes);
    tcase_add_test(t, request_id);
    tcase_add_test(t, big_nested_parts);
    tcase_add_test(t, big_answer_in_body);
    tcase_add_test(t, big_parts_computed);
    tcase_add_test(t, big_binary_early);
    tcase_add_test(t, grad2_json_matches_library);
    tcase_add_test(t, grad2_params_and_shape);
    tcase_add_test(t, grad2_order_echo);
    tcase_add_test(t, grad2_query);
    tcase_add_test(t, grad2_binary);
    tcase_add_test(t, grad2_big_parts);
    tcase_add_test(t, grad2_bad_order);
    tcase_add_test(t, grad2_rowwise);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return check_run(api_suite());
}
