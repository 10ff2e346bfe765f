/*
 * eval.c - POST/GET /eval and /grad: pick the form (JSON, query, binary),
 * decode it (request.c), compute with libactiv, write the answer.
 *
 * The answer is built once, straight into the buffer MHD sends: numbers are
 * printed by numtext (shortest round-trip) into space reserved up front for
 * the worst case, so the hot loop has no bounds checks or reallocations.
 */
#include "eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "numtext.h"
#include "request.h"

#define MAX_QUERY_ARGS 64

typedef struct arg_list {
    query_arg a[MAX_QUERY_ARGS];
    size_t n;
    int overflow;
} arg_list;

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                   const char *value)
{
    arg_list *l = cls;
    (void)kind;
    if (l->n == MAX_QUERY_ARGS) {
        l->overflow = 1;
        return MHD_NO;
    }
    l->a[l->n].key = key;
    l->a[l->n++].value = value;
    return MHD_YES;
}

static int get_args(req *r, arg_list *l, problem *p)
{
    memset(l, 0, sizeof *l);
    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, l);
    if (!l->overflow) return 0;
    problem_set(p, P_MALFORMED_QUERY, "more than %d query parameters", MAX_QUERY_ARGS);
    return -1;
}

/* ---- writing tensors ---------------------------------------------------------- */

/* Number of '[' ... ']' pairs a shape prints: 1 + d0 + d0*d1 + ... */
static size_t bracket_pairs(const js_numarray *s)
{
    size_t total = 0, arrays = 1;
    for (unsigned d = 0; d < s->ndim; d++) {
        total += arrays;
        arrays *= s->dims[d];
    }
    return total;
}

/* Write dims[d..] of v starting at element *i; space is reserved. */
static char *put_dim(char *p, const void *v, int f32, const js_numarray *s, unsigned d, size_t *i)
{
    size_t len = s->dims[d];
    *p++ = '[';
    if (d + 1 == s->ndim) {
        if (f32) {
            const float *f = (const float *)v + *i;
            for (size_t k = 0; k < len; k++) {
                p += numtext_f32(f[k], p);
                *p++ = ',';
            }
        } else {
            const double *x = (const double *)v + *i;
            for (size_t k = 0; k < len; k++) {
                p += numtext_f64(x[k], p);
                *p++ = ',';
            }
        }
        *i += len;
    } else {
        for (size_t k = 0; k < len; k++) {
            p = put_dim(p, v, f32, s, d + 1, i);
            *p++ = ',';
        }
    }
    if (len) p--; /* the last comma */
    *p++ = ']';
    return p;
}

static void put_tensor(obuf *b, const void *v, int f32, const js_numarray *s)
{
    size_t need = s->n * (NUMTEXT_MAX + 1) + bracket_pairs(s) * 3 + NUMTEXT_MAX;
    if (ob_reserve(b, need) != 0) return;
    char *p = b->p + b->len;
    if (s->ndim == 0) {
        p += f32 ? numtext_f32(*(const float *)v, p) : numtext_f64(*(const double *)v, p);
    } else {
        size_t i = 0;
        p = put_dim(p, v, f32, s, 0, &i);
    }
    b->len = (size_t)(p - b->p);
}

static void put_params(obuf *b, const eval_req *e)
{
    char num[NUMTEXT_MAX];
    ob_putc(b, '{');
    for (size_t i = 0; i < activ_param_count(e->fn); i++) {
        const activ_param_spec *s = activ_param_at(e->fn, i);
        if (i) ob_putc(b, ',');
        ob_json_str(b, s->name, strlen(s->name));
        ob_putc(b, ':');
        if (s->type == ACTIV_PARAM_CHOICE) {
            const char *c = s->choices[(size_t)e->params.v[i]];
            ob_json_str(b, c, strlen(c));
        } else {
            ob_put(b, num, numtext_f64(e->params.v[i], num));
        }
    }
    ob_putc(b, '}');
}

/* ---- computing ------------------------------------------------------------------ */

static size_t row_of(const js_numarray *x)
{
    return x->ndim ? x->dims[x->ndim - 1] : 1;
}

/* float64: y in place over x unless x must be echoed (range). */
static int compute_f64(eval_req *e, double **y)
{
    size_t n = e->x.n;
    *y = e->x.v;
    if (e->from_range && !(*y = malloc((n ? n : 1) * sizeof(double)))) return -1;
    const double *go = e->has_gout ? e->gout.v : NULL;
    if (e->grad)
        activ_grad(&e->params, e->x.v, go, *y, n, row_of(&e->x), NULL);
    else
        activ_eval(&e->params, e->x.v, *y, n, row_of(&e->x), NULL);
    return 0;
}

/* float32: x and grad_output rounded to float once, computed in double by
 * the library, rounded once more. xf keeps x (range echo), yf the result. */
static int compute_f32(eval_req *e, float **xf, float **yf)
{
    size_t n = e->x.n, cap = n ? n : 1;
    float *gf = NULL;
    *xf = malloc(cap * sizeof(float));
    *yf = malloc(cap * sizeof(float));
    if (e->has_gout) gf = malloc(cap * sizeof(float));
    if (!*xf || !*yf || (e->has_gout && !gf)) {
        free(gf);
        return -1;
    }
    for (size_t i = 0; i < n; i++) (*xf)[i] = (float)e->x.v[i];
    for (size_t i = 0; gf && i < n; i++) gf[i] = (float)e->gout.v[i];
    if (e->grad)
        activ_grad_f32(&e->params, *xf, gf, *yf, n, row_of(&e->x), NULL);
    else
        activ_eval_f32(&e->params, *xf, *yf, n, row_of(&e->x), NULL);
    free(gf);
    return 0;
}

static enum MHD_Result answer(req *r, eval_req *e)
{
    obuf b = {0};
    double *y = NULL;
    float *xf = NULL, *yf = NULL;
    int rc = e->f32 ? compute_f32(e, &xf, &yf) : compute_f64(e, &y);
    enum MHD_Result ret;
    if (rc != 0) {
        ret = problem_reply(r, P_INTERNAL, "out of memory for %zu elements", e->x.n);
        goto out;
    }
    r->elements = e->x.n;
    ob_puts(&b, "{\"activation\":");
    ob_json_str(&b, activ_name(e->fn), strlen(activ_name(e->fn)));
    ob_puts(&b, ",\"params\":");
    put_params(&b, e);
    ob_puts(&b, e->f32 ? ",\"dtype\":\"float32\"" : ",\"dtype\":\"float64\"");
    if (e->from_range) {
        ob_puts(&b, ",\"x\":");
        put_tensor(&b, e->f32 ? (const void *)xf : e->x.v, e->f32, &e->x);
    }
    ob_puts(&b, e->grad ? ",\"grad\":" : ",\"y\":");
    put_tensor(&b, e->f32 ? (const void *)yf : y, e->f32, &e->x);
    ob_puts(&b, "}\n");
    ret = http_send_json(r, 200, &b);
out:
    if (y != e->x.v) free(y);
    free(xf);
    free(yf);
    return ret;
}

/* ---- binary form ------------------------------------------------------------------ */

static int host_is_le(void)
{
    const unsigned one = 1;
    return *(const unsigned char *)&one == 1;
}

static void swap_bytes(char *p, size_t n, size_t width)
{
    for (size_t i = 0; i < n; i++, p += width)
        for (size_t a = 0, b = width - 1; a < b; a++, b--) {
            char t = p[a];
            p[a] = p[b];
            p[b] = t;
        }
}

/* The body is the array: computed in place and sent back as the response,
 * whose buffer MHD then frees. */
static enum MHD_Result answer_binary(req *r, eval_req *e)
{
    size_t n = e->x.n, w = e->f32 ? 4 : 8, row = row_of(&e->x);
    char *x = r->body, *go = e->has_gout ? r->body + n * w : NULL;
    if (!host_is_le()) swap_bytes(r->body, n * (go ? 2 : 1), w);
    if (e->f32) {
        if (e->grad)
            activ_grad_f32(&e->params, (float *)x, (float *)go, (float *)x, n, row, NULL);
        else
            activ_eval_f32(&e->params, (float *)x, (float *)x, n, row, NULL);
    } else {
        if (e->grad)
            activ_grad(&e->params, (double *)x, (double *)go, (double *)x, n, row, NULL);
        else
            activ_eval(&e->params, (double *)x, (double *)x, n, row, NULL);
    }
    if (!host_is_le()) swap_bytes(x, n, w);
    r->elements = n;
    r->body = NULL; /* now owned by the response */
    char count[24];
    snprintf(count, sizeof count, "%zu", n);
    const char *headers[] = {"X-Activ-Dtype", e->f32 ? "float32" : "float64", "X-Activ-Count",
                             count, NULL};
    return http_send(r, 200, "application/octet-stream", x, n * w, BODY_FREE, headers);
}

/* ---- the route ----------------------------------------------------------------------- */

/* The media type of Content-Type without parameters, compared
 * case-insensitively; "" when the header is absent. */
static int media_is(const char *ct, const char *type)
{
    size_t n = strlen(type);
    if (strncasecmp(ct, type, n) != 0) return 0;
    ct += n;
    while (*ct == ' ' || *ct == '\t') ct++;
    return *ct == 0 || *ct == ';';
}

static enum MHD_Result handle(req *r, int grad)
{
    eval_req e;
    problem p;
    arg_list args;
    req_limits lim = {r->srv->cfg.max_elements};
    enum MHD_Result ret;
    if (r->method != M_POST) {
        if (get_args(r, &args, &p) != 0 ||
            request_from_query(args.a, args.n, grad, &lim, &e, &p) != 0)
            return problem_send(r, &p);
        ret = answer(r, &e);
        eval_req_free(&e);
        return ret;
    }
    const char *ct = http_header(r, "Content-Type");
    if (ct && media_is(ct, "application/octet-stream")) {
        if (get_args(r, &args, &p) != 0 ||
            request_from_binary(args.a, args.n, r->len, grad, &lim, &e, &p) != 0)
            return problem_send(r, &p);
        return answer_binary(r, &e);
    }
    if (ct && !media_is(ct, "application/json"))
        return problem_reply(r, P_UNSUPPORTED_MEDIA_TYPE,
                             "Content-Type %.64s is not supported: send application/json (curl: "
                             "--json or -H 'Content-Type: application/json') or "
                             "application/octet-stream",
                             ct);
    if (request_from_json(r->body, r->len, grad, &lim, &e, &p) != 0) return problem_send(r, &p);
    /* decoded: the text is no longer needed, and for a 1e6-number request it
     * is the largest buffer alive while the answer is printed */
    free(r->body);
    r->body = NULL;
    ret = answer(r, &e);
    eval_req_free(&e);
    return ret;
}

enum MHD_Result route_eval(req *r)
{
    return handle(r, 0);
}

enum MHD_Result route_grad(req *r)
{
    return handle(r, 1);
}
