/*
 * test_service.c - the service around the math, against the running daemon:
 * the catalogue (GET /activations, /activations/{name}), GET /plot (SVG
 * parsed with libxml2), GET /openapi.json (every route of server/routes/list.h),
 * GET /metrics, the web page's assets (embedded and --www-dir), CORS,
 * X-Request-ID and the access log (--log json / off).
 *
 * Run from the repository root (make test does): it reads server/www/ to
 * compare with what the daemon serves.
 */
#include <check.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checkrun.h"
#include "activ.h"
#include "routes/list.h"
#include "testd.h"

static testd D;

static void start(void)
{
    static const char *const args[] = {"--log", "off", "--max-elements", "100000", NULL};
    if (testd_start(&D, args) != 0) {
        fprintf(stderr, "cannot start activd (ACTIVD_BIN?)\n");
        exit(1);
    }
}

static void stop(void)
{
    testd_stop(&D, 15, 10, NULL);
}

/* ---- helpers ------------------------------------------------------------------ */

static http_resp get_as(const testd *d, const char *path, long status)
{
    http_resp r;
    ck_assert_int_eq(http_get(d, path, &r), 0);
    ck_assert_msg(r.status == status, "GET %s: status %ld, want %ld: %.300s", path, r.status,
                  status, r.body);
    return r;
}

static http_resp get(const char *path, long status)
{
    return get_as(&D, path, status);
}

static json_t *get_json(const char *path, long status)
{
    http_resp r = get(path, status);
    json_t *v = resp_json(&r);
    ck_assert_msg(v != NULL, "GET %s: not JSON: %.300s", path, r.body);
    http_resp_free(&r);
    return v;
}

static const char *header(const http_resp *r, const char *name)
{
    static char buf[1024];
    return resp_header(r, name, buf, sizeof buf);
}

/* A problem+json answer with this status, type slug and (if not NULL)
 * query parameter; returns it for more checks (caller decrefs). */
static json_t *problem(const char *path, long status, const char *slug, const char *parameter)
{
    char type[96];
    http_resp r = get(path, status);
    ck_assert_msg(header(&r, "Content-Type") &&
                      strcmp(header(&r, "Content-Type"), "application/problem+json") == 0,
                  "GET %s: Content-Type %s", path, header(&r, "Content-Type"));
    json_t *v = resp_json(&r);
    ck_assert_msg(v != NULL, "GET %s: not JSON: %.300s", path, r.body);
    snprintf(type, sizeof type, "/problems/%s", slug);
    ck_assert_msg(strcmp(json_string_value(json_object_get(v, "type")), type) == 0,
                  "GET %s: type %s, want %s", path, json_string_value(json_object_get(v, "type")),
                  type);
    ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), status);
    ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "detail")));
    if (parameter)
        ck_assert_msg(json_string_value(json_object_get(v, "parameter")) &&
                          strcmp(json_string_value(json_object_get(v, "parameter")), parameter) ==
                              0,
                      "GET %s: parameter %s, want %s: %s", path,
                      json_string_value(json_object_get(v, "parameter")), parameter, r.body);
    http_resp_free(&r);
    return v;
}

static void expect_problem(const char *path, long status, const char *slug, const char *parameter)
{
    json_decref(problem(path, status, slug, parameter));
}

static int json_has_string(json_t *array, const char *s)
{
    size_t i;
    json_t *e;
    json_array_foreach(array, i,
                       e) if (json_is_string(e) && strcmp(json_string_value(e), s) == 0) return 1;
    return 0;
}

/* ---- the catalogue ------------------------------------------------------------ */

/* A bound as the catalogue writes it: null when infinite. */
static void check_bound(json_t *v, double want, const char *what)
{
    if (isinf(want))
        ck_assert_msg(json_is_null(v), "%s should be null", what);
    else
        ck_assert_msg(json_is_number(v) && json_number_value(v) == want, "%s: %g != %g", what,
                      json_number_value(v), want);
}

static void check_param(json_t *jp, const activ_param_spec *s)
{
    ck_assert_str_eq(json_string_value(json_object_get(jp, "name")), s->name);
    int required = (s->flags & ACTIV_PARAM_REQUIRED) != 0;
    ck_assert(json_is_true(json_object_get(jp, "required")) == required);
    json_t *def = json_object_get(jp, "default");
    if (s->type == ACTIV_PARAM_CHOICE) {
        ck_assert_str_eq(json_string_value(json_object_get(jp, "type")), "choice");
        ck_assert_str_eq(json_string_value(def), s->choices[(size_t)s->def]);
        json_t *choices = json_object_get(jp, "choices");
        for (size_t i = 0; s->choices[i]; i++)
            ck_assert_str_eq(json_string_value(json_array_get(choices, i)), s->choices[i]);
        return;
    }
    ck_assert_str_eq(json_string_value(json_object_get(jp, "type")), "number");
    if (required)
        ck_assert(json_is_null(def));
    else
        ck_assert_msg(json_number_value(def) == s->def, "%s default %.17g != %.17g", s->name,
                      json_number_value(def), s->def);
    check_bound(json_object_get(jp, "min"), s->min, s->name);
    check_bound(json_object_get(jp, "max"), s->max, s->name);
    ck_assert(json_is_true(json_object_get(jp, "min_exclusive")) ==
              ((s->flags & ACTIV_PARAM_MIN_OPEN) != 0));
    ck_assert(json_is_true(json_object_get(jp, "max_exclusive")) ==
              ((s->flags & ACTIV_PARAM_MAX_OPEN) != 0));
}

static void check_text(json_t *obj, const char *key, const activ_fn *f, activ_text t)
{
    ck_assert_msg(json_string_value(json_object_get(obj, key)) &&
                      strcmp(json_string_value(json_object_get(obj, key)), activ_text_of(f, t)) ==
                          0,
                  "%s.%s differs from the registry", activ_name(f), key);
}

/* f'', its kinks (order 2) and its bound; null for a rowwise function. */
static void check_second(json_t *e, const activ_fn *f)
{
    json_t *d2 = json_object_get(e, "second_derivative");
    json_t *ulp2 = json_object_get(json_object_get(e, "ulp"), "second_derivative");
    if (activ_kind_of(f) == ACTIV_ROWWISE) {
        ck_assert_msg(json_is_null(d2) && json_is_null(ulp2),
                      "%s has no second derivative: null, null", activ_name(f));
        return;
    }
    check_text(d2, "text", f, ACTIV_TEXT_DERIVATIVE2);
    check_text(d2, "latex", f, ACTIV_TEXT_DERIVATIVE2_LATEX);
    ck_assert_msg(*json_string_value(json_object_get(d2, "text")), "%s'' is empty", activ_name(f));
    json_t *kinks = json_object_get(d2, "kinks");
    ck_assert_int_eq(json_array_size(kinks), activ_kink_count_order(f, 2));
    for (size_t i = 0; i < activ_kink_count_order(f, 2); i++) {
        json_t *k = json_array_get(kinks, i);
        const activ_kink *want = activ_kink_at_order(f, 2, i);
        ck_assert_str_eq(json_string_value(json_object_get(k, "at")), want->at);
        ck_assert_str_eq(json_string_value(json_object_get(k, "value")), want->grad);
        ck_assert_str_eq(json_string_value(json_object_get(k, "note")), want->note);
        ck_assert_int_eq(json_object_size(k), 3);
    }
    ck_assert_msg(json_is_number(ulp2) && json_number_value(ulp2) == activ_ulp_bound(f, 2),
                  "%s: ulp.second_derivative", activ_name(f));
}

static void check_entry(json_t *e, const activ_fn *f)
{
    ck_assert_str_eq(json_string_value(json_object_get(e, "name")), activ_name(f));
    json_t *aliases = json_object_get(e, "aliases");
    size_t n = 0;
    for (const char *const *a = activ_aliases(f); *a; a++, n++)
        ck_assert(json_has_string(aliases, *a));
    ck_assert_int_eq(json_array_size(aliases), n);
    ck_assert_str_eq(json_string_value(json_object_get(e, "kind")),
                     activ_kind_of(f) == ACTIV_ROWWISE ? "rowwise" : "elementwise");
    json_t *params = json_object_get(e, "params");
    ck_assert_int_eq(json_array_size(params), activ_param_count(f));
    for (size_t i = 0; i < activ_param_count(f); i++)
        check_param(json_array_get(params, i), activ_param_at(f, i));
    check_text(json_object_get(e, "formula"), "text", f, ACTIV_TEXT_FORMULA);
    check_text(json_object_get(e, "formula"), "latex", f, ACTIV_TEXT_FORMULA_LATEX);
    check_text(json_object_get(e, "derivative"), "text", f, ACTIV_TEXT_DERIVATIVE);
    check_text(json_object_get(e, "derivative"), "latex", f, ACTIV_TEXT_DERIVATIVE_LATEX);
    check_text(e, "range", f, ACTIV_TEXT_RANGE);
    check_text(e, "summary", f, ACTIV_TEXT_SUMMARY);
    json_t *kinks = json_object_get(e, "kinks");
    ck_assert_int_eq(json_array_size(kinks), activ_kink_count(f));
    for (size_t i = 0; i < activ_kink_count(f); i++) {
        json_t *k = json_array_get(kinks, i);
        ck_assert_str_eq(json_string_value(json_object_get(k, "at")), activ_kink_at(f, i)->at);
        ck_assert_str_eq(json_string_value(json_object_get(k, "grad")), activ_kink_at(f, i)->grad);
    }
    ck_assert(json_number_value(json_object_get(json_object_get(e, "ulp"), "derivative")) ==
              activ_ulp_bound(f, 1));
    check_second(e, f);
}

START_TEST(catalogue_matches_registry)
{
    json_t *cat = get_json("/activations", 200);
    json_t *list = json_object_get(cat, "activations");
    ck_assert_int_eq(json_array_size(list), activ_count());
    ck_assert_int_eq(json_integer_value(json_object_get(cat, "count")), activ_count());
    for (size_t i = 0; i < activ_count(); i++) {
        const activ_fn *f = activ_at(i);
        json_t *e = json_array_get(list, i);
        check_entry(e, f);
        char path[128];
        snprintf(path, sizeof path, "/activations/%s", activ_name(f));
        json_t *one = get_json(path, 200);
        ck_assert_msg(json_equal(one, e), "%s differs from its entry in the list", path);
        json_decref(one);
    }
    json_decref(cat);
}
END_TEST

START_TEST(catalogue_aliases_and_unknown)
{
    static const char *const cases[][2] = {{"LeakyReLU", "leaky_relu"},
                                           {"leaky-relu", "leaky_relu"},
                                           {"logistic", "sigmoid"},
                                           {"swish", "silu"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[128], where[128];
        snprintf(path, sizeof path, "/activations/%s", cases[i][0]);
        http_resp r = get(path, 200);
        json_t *v = resp_json(&r);
        ck_assert_str_eq(json_string_value(json_object_get(v, "name")), cases[i][1]);
        snprintf(where, sizeof where, "/activations/%s", cases[i][1]);
        ck_assert_str_eq(header(&r, "Content-Location"), where);
        json_decref(v);
        http_resp_free(&r);
    }
    json_t *p = problem("/activations/sigmiod", 404, "not-found", NULL);
    ck_assert(json_has_string(json_object_get(p, "suggestions"), "sigmoid"));
    json_decref(p);
    p = problem("/activations/relu7", 404, "not-found", NULL);
    ck_assert(json_has_string(json_object_get(p, "suggestions"), "relu6"));
    json_decref(p);
    /* hostile names: quotes, backslashes, bytes that are not UTF-8, very long */
    expect_problem("/activations/%22%5C%FF%FE%00x", 404, "not-found", NULL);
    char longpath[3000] = "/activations/";
    memset(longpath + 13, 'a', 2500);
    longpath[2513] = 0;
    expect_problem(longpath, 404, "not-found", NULL);
    expect_problem("/activations/", 404, "not-found", NULL);
    http_resp r;
    ck_assert_int_eq(http_do(&D, "POST", "/activations", "application/json", "{}", 2, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(header(&r, "Allow"), "GET, HEAD, OPTIONS");
    http_resp_free(&r);
}
END_TEST

/* ---- /plot ---------------------------------------------------------------------- */

typedef struct svg {
    xmlDocPtr doc;
    xmlXPathContextPtr xp;
} svg;

/* Parse strictly (no network, no entity expansion): any well-formedness
 * error fails the test. */
static svg svg_parse(const http_resp *r, const char *path)
{
    svg s;
    ck_assert_msg(strncmp(header(r, "Content-Type"), "image/svg+xml", 13) == 0, "%s: %s", path,
                  header(r, "Content-Type"));
    s.doc = xmlReadMemory(r->body, (int)r->len, "plot.svg", NULL,
                          XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(s.doc != NULL, "%s: not well-formed XML", path);
    xmlNodePtr root = xmlDocGetRootElement(s.doc);
    ck_assert_str_eq((const char *)root->name, "svg");
    ck_assert_str_eq((const char *)root->ns->href, "http://www.w3.org/2000/svg");
    s.xp = xmlXPathNewContext(s.doc);
    xmlXPathRegisterNs(s.xp, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    return s;
}

static void svg_free(svg *s)
{
    xmlXPathFreeContext(s->xp);
    xmlFreeDoc(s->doc);
}

/* The string value of an XPath expression ("" when nothing matches);
 * caller frees with xmlFree. */
static char *svg_string(const svg *s, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, s->xp);
    ck_assert_ptr_nonnull(o);
    xmlChar *v = xmlXPathCastToString(o);
    xmlXPathFreeObject(o);
    return (char *)v;
}

static double svg_number(const svg *s, const char *expr)
{
    xmlXPathObjectPtr o = xmlXPathEvalExpression(BAD_CAST expr, s->xp);
    double v = xmlXPathCastToNumber(o);
    xmlXPathFreeObject(o);
    return v;
}

/* Points of a path: one per M or L command. */
static size_t path_points(const svg *s, const char *id, size_t *moves)
{
    char expr[96];
    snprintf(expr, sizeof expr, "string(//s:path[@id='%s']/@d)", id);
    char *d = svg_string(s, expr);
    size_t n = 0, m = 0;
    for (const char *p = d; *p; p++) {
        n += *p == 'M' || *p == 'L';
        m += *p == 'M';
        ck_assert_msg(!strstr(p, "nan") && !strstr(p, "inf"), "non-finite coordinate in %s", id);
    }
    xmlFree(d);
    if (moves) *moves = m;
    return n;
}

static svg plot(const char *query)
{
    char path[512];
    snprintf(path, sizeof path, "/plot?%s", query);
    http_resp r = get(path, 200);
    svg s = svg_parse(&r, path);
    http_resp_free(&r);
    return s;
}

static void check_title(const svg *s, const char *want)
{
    char *t = svg_string(s, "string(/s:svg/s:title)");
    ck_assert_msg(strcmp(t, want) == 0, "title '%s', want '%s'", t, want);
    xmlFree(t);
}

static int svg_has_text(const svg *s, const char *text)
{
    char expr[256];
    snprintf(expr, sizeof expr, "count(//s:text[normalize-space(.)=\"%s\"])", text);
    return svg_number(s, expr) > 0;
}

START_TEST(plot_value_grad_both)
{
    svg s = plot("activation=sigmoid&what=value&start=-10&stop=10");
    check_title(&s, "y = 1/(1 + exp(-x))");
    ck_assert(svg_has_text(&s, "y = 1/(1 + exp(-x))")); /* drawn, not only the <title> */
    ck_assert_int_eq(path_points(&s, "value", NULL), 801);
    ck_assert(svg_number(&s, "count(//s:path[@id='grad'])") == 0);
    ck_assert(svg_has_text(&s, "-10") && svg_has_text(&s, "10") && svg_has_text(&s, "0"));
    ck_assert(svg_has_text(&s, "x") && svg_has_text(&s, "y")); /* axis labels */
    ck_assert(svg_number(&s, "count(//s:line)") >= 20);        /* ticks and grid */
    ck_assert(svg_number(&s, "count(//s:text)") >= 12);        /* tick labels */
    svg_free(&s);

    s = plot("activation=sigmoid&what=grad&num=50");
    check_title(&s, "y' = sigmoid(x)*sigmoid(-x)");
    ck_assert_int_eq(path_points(&s, "grad", NULL), 50);
    ck_assert(svg_number(&s, "count(//s:path[@id='value'])") == 0);
    svg_free(&s);

    s = plot("activation=logistic&what=both&start=-5&stop=5&num=1e3");
    ck_assert_int_eq(path_points(&s, "value", NULL), 1000);
    ck_assert_int_eq(path_points(&s, "grad", NULL), 1000);
    ck_assert(svg_has_text(&s, "sigmoid(x)") && svg_has_text(&s, "sigmoid'(x)")); /* legend */
    ck_assert(svg_has_text(&s, "-4") && svg_has_text(&s, "4"));
    svg_free(&s);

    /* defaults: value over [-10, 10] */
    s = plot("activation=tanh");
    check_title(&s, "y = tanh(x)");
    ck_assert_int_eq(path_points(&s, "value", NULL), 801);
    svg_free(&s);

    http_resp r = get("/plot?activation=relu", 200);
    ck_assert_str_eq(header(&r, "Content-Disposition"), "inline; filename=\"relu.svg\"");
    http_resp_free(&r);
}
END_TEST

/* The attribute of the legend line whose label is text. */
static char *legend_stroke(const svg *s, const char *label)
{
    char expr[160];
    snprintf(expr, sizeof expr, "string(//s:text[.=\"%s\"]/preceding-sibling::s:line[1]/@stroke)",
             label);
    return svg_string(s, expr);
}

/* what=grad2 alone, and all three: titles, one path each, the legend with
 * a colour per curve, and f'' itself where it is known exactly. */
START_TEST(plot_grad2_all)
{
    svg s = plot("activation=sigmoid&what=grad2&num=50");
    check_title(&s, "y'' = -sigmoid(x)*sigmoid(-x)*tanh(x/2)");
    ck_assert(svg_has_text(&s, "y'' = -sigmoid(x)*sigmoid(-x)*tanh(x/2)"));
    ck_assert(svg_has_text(&s, "y''")); /* the axis */
    ck_assert_int_eq(path_points(&s, "grad2", NULL), 50);
    ck_assert(svg_number(&s, "count(//s:path[@id='value' or @id='grad'])") == 0);
    ck_assert(svg_number(&s, "count(//s:g[@font-size='12']/s:rect)") == 0); /* no legend */
    char *desc = svg_string(&s, "string(/s:svg/s:desc)");
    ck_assert_msg(strncmp(desc, "Second derivative of sigmoid", 28) == 0, "%s", desc);
    xmlFree(desc);
    svg_free(&s);

    s = plot("activation=silu&what=all&num=300");
    char line[160];
    const activ_fn *silu = activ_find("silu");
    snprintf(line, sizeof line, "y = %s", activ_text_of(silu, ACTIV_TEXT_FORMULA));
    check_title(&s, line);
    snprintf(line, sizeof line, "y' = %s", activ_text_of(silu, ACTIV_TEXT_DERIVATIVE));
    ck_assert_msg(svg_has_text(&s, line), "no title line %s", line);
    snprintf(line, sizeof line, "y'' = %s", activ_text_of(silu, ACTIV_TEXT_DERIVATIVE2));
    ck_assert_msg(svg_has_text(&s, line), "no title line %s", line);
    ck_assert(svg_has_text(&s, "y, y', y''"));
    for (int c = 0; c < 3; c++)
        ck_assert_int_eq(path_points(&s, c == 0 ? "value" : c == 1 ? "grad" : "grad2", NULL), 300);
    char *c0 = legend_stroke(&s, "silu(x)"), *c1 = legend_stroke(&s, "silu'(x)"),
         *c2 = legend_stroke(&s, "silu''(x)");
    ck_assert_msg(*c0 && *c1 && *c2 && strcmp(c0, c1) && strcmp(c1, c2) && strcmp(c0, c2),
                  "legend colours %s %s %s", c0, c1, c2);
    char *p2 = svg_string(&s, "string(//s:path[@id='grad2']/@stroke)");
    ck_assert_str_eq(p2, c2);
    xmlFree(c0);
    xmlFree(c1);
    xmlFree(c2);
    xmlFree(p2);
    desc = svg_string(&s, "string(/s:svg/s:desc)");
    ck_assert_msg(strncmp(desc, "Value, derivative and second derivative of silu", 47) == 0, "%s",
                  desc);
    xmlFree(desc);
    svg_free(&s);

    /* hardswish'' is 1/3 on (-3, 3) and 0 elsewhere: over [-6, 6] the
     * curve has two levels only, 0 and 1/3, so two y pixel values */
    s = plot("activation=hardswish&what=grad2&start=-6&stop=6&num=13");
    char *d = svg_string(&s, "string(//s:path[@id='grad2']/@d)");
    double ys[13];
    int n = 0;
    for (const char *q = d; (q = strpbrk(q, "ML")) && n < 13; n++) {
        double x;
        ck_assert_int_eq(sscanf(q + 1, "%lf %lf", &x, &ys[n]), 2);
        q++;
    }
    ck_assert_int_eq(n, 13);
    for (int i = 0; i < 13; i++) /* x = -6 .. 6: inside (-3, 3) for i = 4 .. 8 */
        ck_assert_msg(ys[i] == (i >= 4 && i <= 8 ? ys[6] : ys[0]), "point %d at y %g", i, ys[i]);
    ck_assert(ys[6] < ys[0]); /* 1/3 above 0 */
    xmlFree(d);
    svg_free(&s);
    expect_problem("/plot?activation=sigmoid&order=2", 422, "unknown-field", "order");
}
END_TEST

START_TEST(plot_params)
{
    svg a = plot("activation=leaky_relu&what=value");
    svg b = plot("activation=leaky_relu&what=value&negative_slope=0.2");
    char *da = svg_string(&a, "string(//s:path[@id='value']/@d)");
    char *db = svg_string(&b, "string(//s:path[@id='value']/@d)");
    ck_assert_str_ne(da, db);
    ck_assert(svg_number(&b, "count(//s:text[contains(., 'negative_slope = 0.2')])") == 1);
    ck_assert(svg_number(&a, "count(//s:text[contains(., 'negative_slope = 0.01')])") == 1);
    xmlFree(da);
    xmlFree(db);
    svg_free(&a);
    svg_free(&b);

    svg s = plot("activation=gelu&approximate=tanh&what=both");
    ck_assert(svg_number(&s, "count(//s:text[contains(., 'approximate = tanh')])") == 1);
    svg_free(&s);
    s = plot("activation=threshold&threshold=1&value=-2&start=-3&stop=3");
    ck_assert(svg_number(&s, "count(//s:text[contains(., 'threshold = 1, value = -2')])") == 1);
    svg_free(&s);
    /* formulas with '<' and '&'-prone text stay well-formed */
    s = plot("activation=hardswish&what=grad");
    check_title(&s, "y' = 0 if x <= -3 else (x/3 + 0.5 if x < 3 else 1)");
    svg_free(&s);
}
END_TEST

/* Values that are infinite (or too large to place) break the line instead
 * of producing NaN coordinates. */
START_TEST(plot_non_finite_breaks_line)
{
    size_t moves;
    svg s = plot("activation=leaky_relu&negative_slope=1e308&what=both");
    size_t n = path_points(&s, "value", &moves);
    ck_assert_msg(n > 300 && n < 801, "%zu points", n);
    ck_assert_int_eq(moves, 1);
    svg_free(&s);
    /* tiny and huge ranges keep finite, distinct ticks */
    s = plot("activation=tanh&start=-1e-9&stop=1e-9");
    ck_assert_int_eq(path_points(&s, "value", NULL), 801);
    svg_free(&s);
    s = plot("activation=softplus&what=grad&start=1e11&stop=1.0000001e11&num=10");
    ck_assert_int_eq(path_points(&s, "grad", NULL), 10);
    svg_free(&s);
}
END_TEST

START_TEST(plot_errors)
{
    expect_problem("/plot", 422, "missing-field", "activation");
    expect_problem("/plot?what=both", 422, "missing-field", "activation");
    json_t *p = problem("/plot?activation=sigmiod", 422, "unknown-activation", "activation");
    ck_assert(json_has_string(json_object_get(p, "suggestions"), "sigmoid"));
    json_decref(p);
    expect_problem("/plot?activation=sigmoid&what=bogus", 422, "invalid-value", "what");
    expect_problem("/plot?activation=sigmoid&start=abc", 400, "malformed-query", "start");
    expect_problem("/plot?activation=sigmoid&start=NaN", 400, "malformed-query", "start");
    expect_problem("/plot?activation=sigmoid&stop=1e999", 400, "malformed-query", "stop");
    expect_problem("/plot?activation=sigmoid&stop=0x10", 400, "malformed-query", "stop");
    expect_problem("/plot?activation=sigmoid&start=5&stop=1", 422, "invalid-value", "stop");
    expect_problem("/plot?activation=sigmoid&start=1&stop=1", 422, "invalid-value", "stop");
    expect_problem("/plot?activation=sigmoid&start=-1e13", 422, "invalid-value", "start");
    expect_problem("/plot?activation=sigmoid&start=1e9&stop=1.0000000000001e9", 422,
                   "invalid-value", "stop");
    expect_problem("/plot?activation=sigmoid&num=1", 422, "invalid-value", "num");
    expect_problem("/plot?activation=sigmoid&num=10001", 422, "invalid-value", "num");
    expect_problem("/plot?activation=sigmoid&num=2.5", 422, "invalid-value", "num");
    expect_problem("/plot?activation=sigmoid&num=", 400, "malformed-query", "num");
    expect_problem("/plot?activation=sigmoid&format=png", 422, "invalid-value", "format");
    expect_problem("/plot?activation=sigmoid&x=1,2", 422, "unknown-field", "x");
    expect_problem("/plot?activation=sigmoid&step=0.1", 422, "unknown-field", "step");
    expect_problem("/plot?activation=sigmoid&dtype=float32", 422, "unknown-field", "dtype");
    expect_problem("/plot?activation=sigmoid&what=value&what=grad", 400, "malformed-query", "what");
    expect_problem("/plot?activation=leaky_relu&negative_slope=abc", 400, "malformed-query",
                   "negative_slope");
    expect_problem("/plot?activation=softplus&beta=0", 422, "invalid-parameter", "beta");
    expect_problem("/plot?activation=sigmoid&foo=1", 422, "invalid-parameter", "foo");
    expect_problem("/plot?activation=gelu&approximate=fast", 422, "invalid-parameter",
                   "approximate");
    expect_problem("/plot?activation=threshold", 422, "missing-field", "threshold");
    expect_problem("/plot?activation=hardtanh&min_val=2", 422, "invalid-parameter", "max_val");
    expect_problem("/plot?activation=softmax", 422, "invalid-value", "activation");
    /* more query keys than the server reads */
    char many[2048] = "/plot?activation=sigmoid";
    for (int i = 0; i < 70; i++)
        snprintf(many + strlen(many), sizeof many - strlen(many), "&k%d=1", i);
    expect_problem(many, 400, "malformed-query", NULL);
    http_resp r;
    ck_assert_int_eq(
        http_do(&D, "POST", "/plot?activation=sigmoid", "application/json", "{}", 2, NULL, &r), 0);
    ck_assert_int_eq(r.status, 405);
    http_resp_free(&r);
}
END_TEST

/* Whatever the query holds, the answer is a 2xx SVG or a JSON problem, and
 * the daemon stays up. */
START_TEST(plot_hostile_queries)
{
    static const char *const queries[] = {
        "activation=%00",
        "activation=%FF%FE&what=%00",
        "activation=sigmoid&start=-0&stop=%2B1",
        "activation=sigmoid&start=1e-400&stop=1",
        "activation=sigmoid&&&==&=",
        "activation=sigmoid&start",
        "activation=sigmoid&%E2%80%AE=1",
        "activation=sigmoid&num=99999999999999999999999",
        "activation=sigmoid&num=-0",
        "activation=leaky_relu&negative_slope=-1e308&what=both&start=-1e12&stop=1e12",
        "activation=celu&alpha=1e-300&what=both",
        "activation=hardsigmoid&alpha=1e-300&what=grad&start=-1e-12&stop=1e-12",
        "activation=sigmoid&start=-1e12&stop=-999999999999.9999",
    };
    char path[256], big[6000] = "/plot?activation=";
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        http_resp r;
        snprintf(path, sizeof path, "/plot?%s", queries[i]);
        ck_assert_int_eq(http_get(&D, path, &r), 0);
        if (r.status == 200) {
            svg s = svg_parse(&r, path);
            svg_free(&s);
        } else {
            ck_assert_msg(r.status == 400 || r.status == 422, "%s: %ld", path, r.status);
            json_t *v = resp_json(&r);
            ck_assert_msg(v != NULL, "%s: not JSON", path);
            json_decref(v);
        }
        http_resp_free(&r);
    }
    memset(big + strlen(big), 'x', 5000);
    expect_problem(big, 422, "unknown-activation", "activation");
    json_decref(get_json("/healthz", 200));
}
END_TEST

/* ---- /openapi.json ----------------------------------------------------------------- */

/* The routes as server/routes/list.h lists them: a prefix route is
 * documented as its path and its param ("/activations/" "{name}"). */
#define ROUTE_PATH(id, path, param, methods, fn, name, spare, begin) path param,
static const char *const route_paths[] = {ROUTES(ROUTE_PATH)};
#undef ROUTE_PATH

START_TEST(openapi_document)
{
    json_t *doc = get_json("/openapi.json", 200);
    ck_assert(strncmp(json_string_value(json_object_get(doc, "openapi")), "3.1", 3) == 0);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(doc, "info"), "version")),
                     ACTIV_VERSION_STRING);
    json_t *paths = json_object_get(doc, "paths");
    size_t n = sizeof route_paths / sizeof route_paths[0];
    ck_assert_uint_eq(json_object_size(paths), n);
    for (size_t i = 0; i < n; i++)
        ck_assert_msg(json_object_get(paths, route_paths[i]) != NULL,
                      "route %s is not in /openapi.json", route_paths[i]);
    /* every operation answers something and documents its errors */
    const char *key, *method;
    json_t *item, *op;
    json_object_foreach(paths, key, item) json_object_foreach(item, method, op)
    {
        if (strcmp(method, "parameters") == 0) continue;
        json_t *resp = json_object_get(op, "responses");
        ck_assert_msg(json_object_get(resp, "200") != NULL, "%s %s has no 200", method, key);
        ck_assert_msg(json_object_size(resp) >= 2, "%s %s documents no error", method, key);
    }
    json_t *schemas = json_object_get(json_object_get(doc, "components"), "schemas");
    json_t *names = json_object_get(json_object_get(schemas, "ActivationName"), "examples");
    ck_assert_int_eq(json_array_size(names), activ_count());
    for (size_t i = 0; i < activ_count(); i++)
        ck_assert(json_has_string(names, activ_name(activ_at(i))));
    json_t *types = json_object_get(
        json_object_get(json_object_get(json_object_get(schemas, "Problem"), "properties"), "type"),
        "enum");
    ck_assert(json_has_string(types, "/problems/not-found") &&
              json_has_string(types, "/problems/invalid-parameter"));
    /* each documented problem type is served */
    size_t i;
    json_t *t;
    json_array_foreach(types, i, t)
    {
        json_t *desc = get_json(json_string_value(t), 200);
        json_decref(desc);
    }
    json_decref(doc);
}
END_TEST

/* ---- /metrics ---------------------------------------------------------------------- */

/* The value of the sample whose name{labels} is exactly `series`; -1 if
 * absent. Also checks every line is a comment or `series value`. */
static double metric(const char *text, const char *series)
{
    double found = -1;
    size_t n = strlen(series);
    for (const char *line = text; *line;) {
        const char *eol = strchr(line, '\n');
        ck_assert_msg(eol != NULL, "metrics text does not end in a newline");
        if (*line != '#') {
            const char *sp = memchr(line, ' ', (size_t)(eol - line));
            char *end;
            ck_assert_msg(sp != NULL, "bad metrics line: %.*s", (int)(eol - line), line);
            double v = strtod(sp + 1, &end);
            ck_assert_msg(end == eol, "bad metrics value: %.*s", (int)(eol - line), line);
            if ((size_t)(sp - line) == n && strncmp(line, series, n) == 0) found = v;
        }
        line = eol + 1;
    }
    return found;
}

static char *scrape(void)
{
    http_resp r = get("/metrics", 200);
    ck_assert(strncmp(header(&r, "Content-Type"), "text/plain; version=0.0.4", 25) == 0);
    free(r.headers);
    return r.body;
}

/* _bucket lines of a route: le ascending, counts never decreasing, +Inf
 * equal to _count. */
static void check_histogram(const char *text, const char *route)
{
    char series[160], prefix[128];
    snprintf(prefix, sizeof prefix, "activd_request_duration_seconds_bucket{route=\"%s\",le=\"",
             route);
    double last_le = -1, last = 0;
    int buckets = 0;
    for (const char *p = strstr(text, prefix); p; p = strstr(p + 1, prefix)) {
        const char *le = p + strlen(prefix);
        double v = strtod(strchr(le, ' ') + 1, NULL);
        double bound = strncmp(le, "+Inf", 4) == 0 ? INFINITY : strtod(le, NULL);
        ck_assert_msg(bound > last_le && v >= last, "%s: bucket le=%g not cumulative", route,
                      bound);
        last_le = bound, last = v, buckets++;
    }
    ck_assert_msg(buckets >= 10 && isinf(last_le), "%s: %d buckets", route, buckets);
    snprintf(series, sizeof series, "activd_request_duration_seconds_count{route=\"%s\"}", route);
    ck_assert(metric(text, series) == last);
    snprintf(series, sizeof series, "activd_request_duration_seconds_sum{route=\"%s\"}", route);
    ck_assert(metric(text, series) > 0);
}

START_TEST(metrics_counters)
{
    static const char plot_ok[] = "activd_requests_total{route=\"plot\",status=\"2xx\"}";
    static const char plot_bad[] = "activd_requests_total{route=\"plot\",status=\"4xx\"}";
    static const char healthz[] = "activd_requests_total{route=\"healthz\",status=\"2xx\"}";
    static const char none[] = "activd_requests_total{route=\"none\",status=\"4xx\"}";
    json_decref(get_json("/healthz", 200));
    char *before = scrape();
    for (int i = 0; i < 3; i++) json_decref(get_json("/healthz", 200));
    http_resp r = get("/plot?activation=relu&num=100", 200);
    http_resp_free(&r);
    expect_problem("/plot?activation=relu&num=1", 422, "invalid-value", "num");
    expect_problem("/no/such/path", 404, "not-found", NULL);
    static const char body[] = "{\"activation\":\"relu\",\"x\":[1,2,3]}";
    ck_assert_int_eq(http_post_json(&D, "/eval", body, &r), 0);
    http_resp_free(&r);
    /* requests are counted when MHD reports them complete, which can come
     * a moment after the client has the answer (seen under valgrind) */
    char *after = NULL;
    for (int i = 0; i < 200; i++) {
        free(after);
        after = scrape();
        if (metric(after, "activd_elements_total") >= metric(before, "activd_elements_total") + 103)
            break;
        usleep(10 * 1000);
    }
    ck_assert(metric(after, healthz) == metric(before, healthz) + 3);
    ck_assert(metric(after, plot_ok) == fmax(metric(before, plot_ok), 0) + 1);
    ck_assert(metric(after, plot_bad) == fmax(metric(before, plot_bad), 0) + 1);
    ck_assert(metric(after, none) == fmax(metric(before, none), 0) + 1);
    ck_assert(metric(after, "activd_elements_total") ==
              metric(before, "activd_elements_total") + 103);
    ck_assert(metric(after, "activd_bytes_in_total") ==
              metric(before, "activd_bytes_in_total") + strlen(body));
    ck_assert(metric(after, "activd_bytes_out_total") > metric(before, "activd_bytes_out_total"));
    ck_assert(metric(after, "activd_in_flight_requests") >= 1);
    char build[160];
    snprintf(build, sizeof build, "activd_build_info{version=\"%s\",libactiv=\"%s\",",
             ACTIV_VERSION_STRING, ACTIV_VERSION_STRING);
    ck_assert_msg(strstr(after, build) != NULL, "no %s", build);
    check_histogram(after, "healthz");
    check_histogram(after, "plot");
    check_histogram(after, "eval");
    ck_assert(strstr(after, "# TYPE activd_request_duration_seconds histogram\n") != NULL);
    ck_assert(strstr(after, "# TYPE activd_requests_total counter\n") != NULL);
    free(before);
    free(after);
}
END_TEST

/* ---- the web page ------------------------------------------------------------------ */

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    char *buf = malloc((1 << 20) + 1);
    *len = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void expect_asset(const testd *d, const char *path, const char *file, const char *type)
{
    size_t len;
    char *want = read_file(file, &len);
    http_resp r = get_as(d, path, 200);
    ck_assert_msg(strncmp(header(&r, "Content-Type"), type, strlen(type)) == 0, "%s: %s", path,
                  header(&r, "Content-Type"));
    ck_assert_msg(r.len == len && memcmp(r.body, want, len) == 0, "%s differs from %s", path, file);
    ck_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    http_resp_free(&r);
    free(want);
}

START_TEST(web_page_embedded)
{
    expect_asset(&D, "/", "server/www/index.html", "text/html; charset=utf-8");
    expect_asset(&D, "/static/index.html", "server/www/index.html", "text/html");
    expect_asset(&D, "/static/app.js", "server/www/app.js", "text/javascript");
    expect_asset(&D, "/static/style.css", "server/www/style.css", "text/css");
    http_resp r = get("/", 200);
    ck_assert(strstr(r.body, "src=\"/static/app.js\"") != NULL);
    ck_assert(strstr(header(&r, "Content-Security-Policy"), "default-src 'self'") != NULL);
    http_resp_free(&r);
    ck_assert_int_eq(http_do(&D, "HEAD", "/", NULL, NULL, 0, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(r.len, 0);
    http_resp_free(&r);
    expect_problem("/static/nope.js", 404, "not-found", NULL);
    expect_problem("/static/..%2F..%2Fetc%2Fpasswd", 404, "not-found", NULL);
    expect_problem("/static/.hidden", 404, "not-found", NULL);
    expect_problem("/static/a%00b", 404, "not-found", NULL);
}
END_TEST

START_TEST(web_page_from_www_dir)
{
    char dir[] = "/tmp/activd-www-XXXXXX", path[128];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/index.html", dir);
    FILE *f = fopen(path, "w");
    fputs("<!doctype html><title>from the directory</title>\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/extra.js", dir);
    f = fopen(path, "w");
    fputs("console.log(1);\n", f);
    fclose(f);
    const char *const args[] = {"--log", "off", "--www-dir", dir, NULL};
    testd w;
    ck_assert_int_eq(testd_start(&w, args), 0);
    http_resp r = get_as(&w, "/", 200);
    ck_assert(strstr(r.body, "from the directory") != NULL);
    http_resp_free(&r);
    r = get_as(&w, "/static/extra.js", 200);
    ck_assert_str_eq(r.body, "console.log(1);\n");
    ck_assert(strncmp(header(&r, "Content-Type"), "text/javascript", 15) == 0);
    http_resp_free(&r);
    r = get_as(&w, "/static/app.js", 404); /* not in the directory: no fallback */
    http_resp_free(&r);
    r = get_as(&w, "/static/..%2Findex.html", 404);
    http_resp_free(&r);
    testd_stop(&w, 15, 10, NULL);
    unlink(path);
    snprintf(path, sizeof path, "%s/index.html", dir);
    unlink(path);
    rmdir(dir);
}
END_TEST

/* ---- CORS and request ids --------------------------------------------------------- */

static http_resp call(const testd *d, const char *method, const char *path,
                      const char *const *headers)
{
    http_resp r;
    ck_assert_int_eq(http_do(d, method, path, NULL, NULL, 0, headers, &r), 0);
    return r;
}

START_TEST(cors)
{
    const char *const args[] = {"--log",
                                "off",
                                "--cors-origin",
                                "https://app.example",
                                "--cors-origin",
                                "https://two.example",
                                NULL};
    testd c;
    ck_assert_int_eq(testd_start(&c, args), 0);
    const char *const preflight[] = {
        "Origin: https://app.example", "Access-Control-Request-Method: POST",
        "Access-Control-Request-Headers: content-type, x-request-id", NULL};
    http_resp r = call(&c, "OPTIONS", "/eval", preflight);
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Origin"), "https://app.example");
    ck_assert_str_eq(header(&r, "Vary"), "Origin");
    ck_assert(strstr(header(&r, "Access-Control-Allow-Methods"), "POST") != NULL);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Headers"), "content-type, x-request-id");
    ck_assert_ptr_nonnull(header(&r, "Access-Control-Max-Age"));
    http_resp_free(&r);
    r = call(&c, "OPTIONS", "/plot", preflight);
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Methods"), "GET, HEAD, OPTIONS");
    http_resp_free(&r);
    /* a simple request from an allowed origin, the second one listed */
    const char *const simple[] = {"Origin: https://two.example", NULL};
    r = call(&c, "GET", "/activations/relu", simple);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Origin"), "https://two.example");
    ck_assert(strstr(header(&r, "Access-Control-Expose-Headers"), "X-Request-ID") != NULL);
    http_resp_free(&r);
    /* errors carry CORS headers too, so the page can read the problem */
    r = call(&c, "GET", "/plot?activation=nope", simple);
    ck_assert_int_eq(r.status, 422);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Origin"), "https://two.example");
    http_resp_free(&r);
    const char *const other[] = {"Origin: https://evil.example",
                                 "Access-Control-Request-Method: POST", NULL};
    r = call(&c, "OPTIONS", "/eval", other);
    ck_assert_ptr_null(header(&r, "Access-Control-Allow-Origin"));
    http_resp_free(&r);
    r = call(&c, "GET", "/healthz", NULL);
    ck_assert_ptr_null(header(&r, "Access-Control-Allow-Origin"));
    http_resp_free(&r);
    testd_stop(&c, 15, 10, NULL);

    const char *const star[] = {"--log", "off", "--cors-origin", "*", NULL};
    ck_assert_int_eq(testd_start(&c, star), 0);
    r = call(&c, "GET", "/activations/relu", other);
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Origin"), "*");
    ck_assert_ptr_null(header(&r, "Vary"));
    http_resp_free(&r);
    testd_stop(&c, 15, 10, NULL);

    /* without --cors-origin (the main daemon): no CORS headers at all */
    r = call(&D, "OPTIONS", "/eval", preflight);
    ck_assert_int_eq(r.status, 204);
    ck_assert_str_eq(header(&r, "Allow"), "GET, HEAD, POST, OPTIONS");
    ck_assert_ptr_null(header(&r, "Access-Control-Allow-Origin"));
    http_resp_free(&r);
}
END_TEST

START_TEST(request_ids)
{
    const char *const given[] = {"X-Request-ID: trace-42.a:b", NULL};
    http_resp r = call(&D, "GET", "/plot?activation=nope", given);
    ck_assert_str_eq(header(&r, "X-Request-ID"), "trace-42.a:b");
    json_t *v = resp_json(&r);
    ck_assert_str_eq(json_string_value(json_object_get(v, "request_id")), "trace-42.a:b");
    json_decref(v);
    http_resp_free(&r);
    r = call(&D, "GET", "/activations", NULL);
    char first[80];
    snprintf(first, sizeof first, "%s", header(&r, "X-Request-ID"));
    ck_assert_int_ge(strlen(first), 8);
    http_resp_free(&r);
    r = call(&D, "GET", "/metrics", NULL);
    ck_assert_str_ne(header(&r, "X-Request-ID"), first); /* generated ids differ */
    http_resp_free(&r);
    const char *const bad[] = {"X-Request-ID: <script>", NULL};
    r = call(&D, "GET", "/", bad);
    ck_assert_str_ne(header(&r, "X-Request-ID"), "<script>");
    http_resp_free(&r);
}
END_TEST

/* ---- the access log ---------------------------------------------------------------- */

/* Lines of the daemon's output; its stderr lines start with "activd:". */
static char *log_text(const testd *d)
{
    size_t len;
    char *text = read_file(d->log_path, &len);
    text[len] = 0;
    return text;
}

START_TEST(access_log_json)
{
    const char *const args[] = {"--log", "json", NULL};
    testd d;
    ck_assert_int_eq(testd_start(&d, args), 0);
    static const char *const paths[] = {"/activations/relu", "/plot?activation=sigmoid",
                                        "/activations/%22q%5C%C3%A9%01", "/nope"};
    static const long status[] = {200, 200, 404, 404};
    for (int i = 0; i < 4; i++) {
        char id[64];
        snprintf(id, sizeof id, "X-Request-ID: log-test-%d", i);
        const char *const h[] = {id, NULL};
        http_resp r = call(&d, "GET", paths[i], h);
        ck_assert_int_eq(r.status, status[i]);
        http_resp_free(&r);
    }
    ck_assert_int_eq(testd_stop(&d, 15, 10, NULL), 0); /* flushes the log */
    char *text = log_text(&d);
    int seen = 0, lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (strncmp(line, "activd:", 7) == 0) continue; /* stderr */
        json_error_t err;
        json_t *v = json_loads(line, 0, &err);
        ck_assert_msg(v != NULL, "log line is not JSON (%s): %s", err.text, line);
        lines++;
        const char *id = json_string_value(json_object_get(v, "id"));
        if (id && strncmp(id, "log-test-", 9) == 0) {
            int i = id[9] - '0';
            ck_assert_int_eq(json_integer_value(json_object_get(v, "status")), status[i]);
            ck_assert_str_eq(json_string_value(json_object_get(v, "method")), "GET");
            ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "path")));
            ck_assert_ptr_nonnull(json_string_value(json_object_get(v, "ts")));
            ck_assert(json_is_number(json_object_get(v, "ms")));
            seen |= 1 << i;
        }
        json_decref(v);
    }
    ck_assert_msg(seen == 15, "access lines seen: %x", seen);
    ck_assert_int_ge(lines, 4);
    free(text);
    unlink(d.log_path);
}
END_TEST

START_TEST(access_log_off)
{
    const char *const args[] = {"--log", "off", NULL};
    testd d;
    ck_assert_int_eq(testd_start(&d, args), 0);
    http_resp r = call(&d, "GET", "/plot?activation=relu", NULL);
    http_resp_free(&r);
    r = call(&d, "GET", "/nope", NULL);
    http_resp_free(&r);
    ck_assert_int_eq(testd_stop(&d, 15, 10, NULL), 0);
    char *text = log_text(&d);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        ck_assert_msg(strncmp(line, "activd:", 7) == 0, "--log off printed: %s", line);
    free(text);
    unlink(d.log_path);
}
END_TEST

static Suite *service_suite(void)
{
    Suite *s = suite_create("service");
    TCase *t = tcase_create("service");
    tcase_add_unchecked_fixture(t, start, stop);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, catalogue_matches_registry);
    tcase_add_test(t, catalogue_aliases_and_unknown);
    tcase_add_test(t, plot_value_grad_both);
    tcase_add_test(t, plot_grad2_all);
    tcase_add_test(t, plot_params);
    tcase_add_test(t, plot_non_finite_breaks_line);
    tcase_add_test(t, plot_errors);
    tcase_add_test(t, plot_hostile_queries);
    tcase_add_test(t, openapi_document);
    tcase_add_test(t, metrics_counters);
    tcase_add_test(t, web_page_embedded);
    tcase_add_test(t, web_page_from_www_dir);
    tcase_add_test(t, cors);
    tcase_add_test(t, request_ids);
    tcase_add_test(t, access_log_json);
    tcase_add_test(t, access_log_off);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    xmlInitParser();
    int status = check_run(service_suite());
    xmlCleanupParser();
    return status;
}
