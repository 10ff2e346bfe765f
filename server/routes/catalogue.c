/*
 * catalogue.c - the registry as JSON.
 *
 * The registry is constant for the life of the process, so every answer is
 * built once (on first use, under pthread_once) and then sent as a static
 * buffer: no allocation or formatting per request. Numbers go through
 * numtext, like every other number activd writes; unbounded parameter
 * bounds (+-HUGE_VAL) and the ULP bound of a derivative a function does not
 * have (NaN) are written as null, since JSON has neither.
 */
#include "routes/catalogue.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ.h"
#include "wire/numtext.h"
#include "routes/problems.h"

#define PREFIX "/activations/"

typedef struct text {
    char *p;
    size_t len;
} text;

static text *entries; /* one per registry row */
static text index_doc;
static int built;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void put_str(obuf *b, const char *s)
{
    ob_json_str(b, s, strlen(s));
}

static void put_key(obuf *b, const char *key)
{
    ob_putc(b, ',');
    put_str(b, key);
    ob_putc(b, ':');
}

static void put_num(obuf *b, double v)
{
    char t[NUMTEXT_MAX];
    if (!isfinite(v))
        ob_puts(b, "null");
    else
        ob_put(b, t, numtext_f64(v, t));
}

static void put_bool(obuf *b, const char *key, int v)
{
    put_key(b, key);
    ob_puts(b, v ? "true" : "false");
}

static void put_param(obuf *b, const activ_param_spec *s)
{
    int choice = s->type == ACTIV_PARAM_CHOICE, required = (s->flags & ACTIV_PARAM_REQUIRED) != 0;
    ob_puts(b, "{\"name\":");
    put_str(b, s->name);
    put_key(b, "type");
    put_str(b, choice ? "choice" : "number");
    put_key(b, "default");
    if (required)
        ob_puts(b, "null");
    else if (choice)
        put_str(b, s->choices[(size_t)s->def]);
    else
        put_num(b, s->def);
    if (s->def_text && !choice) {
        put_key(b, "default_text");
        put_str(b, s->def_text);
    }
    put_key(b, "min");
    put_num(b, choice ? HUGE_VAL : s->min);
    put_key(b, "max");
    put_num(b, choice ? HUGE_VAL : s->max);
    put_bool(b, "min_exclusive", (s->flags & ACTIV_PARAM_MIN_OPEN) != 0);
    put_bool(b, "max_exclusive", (s->flags & ACTIV_PARAM_MAX_OPEN) != 0);
    put_bool(b, "nonzero", (s->flags & ACTIV_PARAM_NONZERO) != 0);
    put_bool(b, "required", required);
    if (choice) {
        put_key(b, "choices");
        ob_putc(b, '[');
        for (size_t i = 0; s->choices[i]; i++) {
            if (i) ob_putc(b, ',');
            put_str(b, s->choices[i]);
        }
        ob_putc(b, ']');
    }
    put_key(b, "doc");
    put_str(b, s->doc ? s->doc : "");
    ob_putc(b, '}');
}

static void put_formula(obuf *b, const char *key, const activ_fn *f, activ_text plain,
                        activ_text latex)
{
    put_key(b, key);
    ob_puts(b, "{\"text\":");
    put_str(b, activ_text_of(f, plain));
    ob_puts(b, ",\"latex\":");
    put_str(b, activ_text_of(f, latex));
    ob_putc(b, '}');
}

/* The kinks of f's derivative of this order (activ_kink_at_order), the
 * value returned there under value_key. */
static void put_kinks(obuf *b, const activ_fn *f, int order, const char *value_key)
{
    ob_putc(b, '[');
    for (size_t i = 0; i < activ_kink_count_order(f, order); i++) {
        const activ_kink *k = activ_kink_at_order(f, order, i);
        ob_puts(b, i ? ",{\"at\":" : "{\"at\":");
        put_str(b, k->at);
        put_key(b, value_key);
        put_str(b, k->grad);
        put_key(b, "note");
        put_str(b, k->note);
        ob_putc(b, '}');
    }
    ob_putc(b, ']');
}

/* f'' and the values returned where f' is not differentiable; null for a
 * rowwise function, which has no second derivative. */
static void put_second(obuf *b, const activ_fn *f)
{
    put_key(b, "second_derivative");
    if (activ_kind_of(f) == ACTIV_ROWWISE) {
        ob_puts(b, "null");
        return;
    }
    ob_puts(b, "{\"text\":");
    put_str(b, activ_text_of(f, ACTIV_TEXT_DERIVATIVE2));
    ob_puts(b, ",\"latex\":");
    put_str(b, activ_text_of(f, ACTIV_TEXT_DERIVATIVE2_LATEX));
    ob_puts(b, ",\"kinks\":");
    put_kinks(b, f, 2, "value");
    ob_putc(b, '}');
}

static void put_lists(obuf *b, const activ_fn *f)
{
    put_key(b, "params");
    ob_putc(b, '[');
    for (size_t i = 0; i < activ_param_count(f); i++) {
        if (i) ob_putc(b, ',');
        put_param(b, activ_param_at(f, i));
    }
    ob_puts(b, "],\"constants\":[");
    for (size_t i = 0; i < activ_const_count(f); i++) {
        const activ_const *c = activ_const_at(f, i);
        ob_puts(b, i ? ",{\"name\":" : "{\"name\":");
        put_str(b, c->name);
        ob_puts(b, ",\"value\":");
        put_num(b, c->value);
        ob_putc(b, '}');
    }
    ob_puts(b, "],\"kinks\":");
    put_kinks(b, f, 1, "grad");
}

static void put_entry(obuf *b, const activ_fn *f)
{
    const char *name = activ_name(f);
    ob_puts(b, "{\"name\":");
    put_str(b, name);
    put_key(b, "aliases");
    ob_putc(b, '[');
    for (const char *const *a = activ_aliases(f); *a; a++) {
        if (a != activ_aliases(f)) ob_putc(b, ',');
        put_str(b, *a);
    }
    ob_putc(b, ']');
    put_key(b, "kind");
    put_str(b, activ_kind_of(f) == ACTIV_ROWWISE ? "rowwise" : "elementwise");
    put_key(b, "summary");
    put_str(b, activ_text_of(f, ACTIV_TEXT_SUMMARY));
    put_lists(b, f);
    put_formula(b, "formula", f, ACTIV_TEXT_FORMULA, ACTIV_TEXT_FORMULA_LATEX);
    put_formula(b, "derivative", f, ACTIV_TEXT_DERIVATIVE, ACTIV_TEXT_DERIVATIVE_LATEX);
    put_second(b, f);
    put_key(b, "range");
    put_str(b, activ_text_of(f, ACTIV_TEXT_RANGE));
    put_key(b, "constants_text");
    put_str(b, activ_text_of(f, ACTIV_TEXT_CONSTANTS));
    put_key(b, "accuracy");
    put_str(b, activ_text_of(f, ACTIV_TEXT_ACCURACY));
    put_key(b, "ulp");
    ob_puts(b, "{\"value\":");
    put_num(b, activ_ulp_bound(f, 0));
    ob_puts(b, ",\"derivative\":");
    put_num(b, activ_ulp_bound(f, 1));
    ob_puts(b, ",\"second_derivative\":");
    put_num(b, activ_ulp_bound(f, 2));
    ob_putc(b, '}');
    put_key(b, "pytorch");
    put_str(b, activ_text_of(f, ACTIV_TEXT_PYTORCH));
    /* Names are [a-z0-9_], so they need no escaping inside these URLs. */
    ob_printf(b, ",\"links\":{\"self\":\"/activations/%s\",\"plot\":\"/plot?activation=%s\"}}",
              name, name);
}

static int take(obuf *b, text *t)
{
    t->p = ob_take(b, &t->len);
    return t->p ? 0 : -1;
}

/* Runs once. On out-of-memory `built` stays 0 and every request gets a 500;
 * the buffers live until exit (reachable, so not reported as leaks). */
static void build(void)
{
    size_t n = activ_count();
    obuf all = {0};
    entries = calloc(n ? n : 1, sizeof *entries);
    if (!entries) return;
    ob_printf(&all, "{\"count\":%zu,\"activations\":[", n);
    for (size_t i = 0; i < n; i++) {
        obuf one = {0};
        put_entry(&one, activ_at(i));
        if (one.oom) {
            ob_free(&one);
            break;
        }
        if (i) ob_putc(&all, ',');
        ob_put(&all, one.p, one.len);
        ob_puts(&one, "\n");
        if (take(&one, &entries[i]) != 0) break;
    }
    ob_puts(&all, "]}\n");
    if (take(&all, &index_doc) != 0) return;
    built = index_doc.p != NULL && (n == 0 || entries[n - 1].p != NULL);
}

static enum MHD_Result send_text(req *r, const text *t, const char *const *headers)
{
    return http_send(r, 200, "application/json", t->p, t->len, BODY_STATIC, headers);
}

enum MHD_Result route_activations(req *r)
{
    pthread_once(&once, build);
    if (!built) return problem_reply(r, P_INTERNAL, "out of memory building the catalogue");
    return send_text(r, &index_doc, NULL);
}

enum MHD_Result route_activation(req *r)
{
    const char *name = r->url + strlen(PREFIX);
    size_t len = strlen(name);
    pthread_once(&once, build);
    if (!built) return problem_reply(r, P_INTERNAL, "out of memory building the catalogue");
    const activ_fn *f = activ_find_n(name, len);
    if (f) {
        size_t i = 0;
        while (activ_at(i) != f) i++;
        char where[128];
        snprintf(where, sizeof where, PREFIX "%s", activ_name(f));
        const char *headers[] = {"Content-Location", where, NULL};
        return send_text(r, &entries[i], headers);
    }
    problem p;
    const activ_fn *near[PROBLEM_MAX_SUGGEST];
    problem_set(&p, P_NOT_FOUND, "no activation called \"%.*s\" (GET /activations lists all)",
                (int)(len > 64 ? 64 : len), name);
    /* edit distance is quadratic: long names get no suggestions */
    p.nsuggest = len <= 64 ? (unsigned)activ_suggest(name, len, near, PROBLEM_MAX_SUGGEST) : 0;
    for (unsigned i = 0; i < p.nsuggest; i++) p.suggest[i] = activ_name(near[i]);
    return problem_send(r, &p);
}
