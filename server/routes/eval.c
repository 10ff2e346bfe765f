/*
 * eval.c - POST/GET /eval and /grad: pick the form (JSON, query, binary),
 * decode it (request.c), compute with libactiv, write the answer.
 *
 * The answer is built once, straight into the buffer MHD sends: numbers are
 * printed by numtext (shortest round-trip) into space reserved up front for
 * the worst case, so the hot loop has no bounds checks or reallocations.
 */
#include "core/bigmem.h"
#include "routes/eval.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "wire/numtext.h"
#include "wire/tensor.h"
#include "core/par.h"
#include "decode/request.h"
#include "routes/problems.h"

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

/* Spare room behind a big JSON body, in the same buffer and faulted in with
 * it while it arrives (big_warm): the decoder puts the array it parses in
 * slices there (req_limits.room) and the answer is printed over the dead
 * text and into the rest (answer_parts), so a 1e6-number request touches no
 * fresh memory after the upload. 3/4 of the body fits a 17-digit array (8
 * of ~20 bytes a number) and the part of its answer (~26 bytes a number)
 * that the text does not hold. Only JSON (a binary body is computed in
 * place) from the size the decoder parses in slices on. */
#define SPARE_MIN (2u << 20)
size_t eval_spare(req *r, size_t content_length)
{
    const char *ct = http_header(r, "Content-Type");
    if (content_length < SPARE_MIN || (ct && !media_is(ct, "application/json"))) return 0;
    return content_length / 4 * 3;
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

/* y = f(x) or f'(x) (times go) over e's shape, in parts on several threads
 * for big arrays. For a rowwise function (softmax) parts are whole rows, so
 * rows are never split; elementwise ones are cut anywhere (cut at rows, a
 * 1-D array was one row and ran on one thread). The arrays are float or
 * double as e->f32 says. */
typedef struct calc {
    const eval_req *e;
    const void *x, *go;
    void *y;
    size_t row;
    unsigned parts;
} calc;

static void calc_range(const calc *c, size_t a, size_t b)
{
    const eval_req *e = c->e;
    size_t w = e->f32 ? sizeof(float) : sizeof(double);
    if (a == b) return; /* nothing (x may be NULL for []; NULL + 0 is UB) */
    const void *x = (const char *)c->x + a * w, *go = c->go ? (const char *)c->go + a * w : NULL;
    void *y = (char *)c->y + a * w;
    if (e->f32 && e->grad)
        activ_grad_f32(&e->params, x, go, y, b - a, c->row, NULL);
    else if (e->f32)
        activ_eval_f32(&e->params, x, y, b - a, c->row, NULL);
    else if (e->grad)
        activ_grad(&e->params, x, go, y, b - a, c->row, NULL);
    else
        activ_eval(&e->params, x, y, b - a, c->row, NULL);
}

static void calc_part(void *ctx, unsigned k)
{
    const calc *c = ctx;
    size_t a, b;
    par_slice(c->e->x.n, c->row, c->parts, k, &a, &b);
    calc_range(c, a, b);
}

/* The tensor in `parts` slices printed on several threads, slice k into
 * out[k]; with `fused`, each slice is computed first by the thread that
 * prints it (elementwise, in place), so there is one fork-join instead of
 * two and the numbers are still in cache. */
typedef struct fmt_job {
    const void *v;
    int f32;
    const js_numarray *s;
    obuf *out;
    unsigned parts;
    const calc *fused;
} fmt_job;

static void format_part(void *ctx, unsigned k)
{
    fmt_job *j = ctx;
    size_t a, b;
    par_slice(j->s->n, 1, j->parts, k, &a, &b);
    if (j->fused) calc_range(j->fused, a, b);
    obuf *o = &j->out[k];
    if (ob_reserve(o, tensor_room(j->s, a, b)) != 0) return;
    o->len = (size_t)(tensor_elems(o->p, j->v, j->f32, j->s, a, b) - o->p);
}

static void calculate(const eval_req *e, const void *x, const void *go, void *y, unsigned threads)
{
    size_t row = activ_kind_of(e->fn) == ACTIV_ROWWISE ? row_of(&e->x) : 1;
    calc c = {e, x, go, y, row, par_parts(e->x.n, threads)};
    par_run(calc_part, &c, c.parts, threads);
}

/* The values to answer with: vals[0] is x (echoed for ranges), vals[1] the
 * result, both float or double as e->f32 says. float64 results overwrite x
 * unless x is echoed. */
typedef struct result {
    const void *vals[2];
    void *owned[3];
} result;

/* With defer (float64 in place only), the values are left for the printing
 * threads to compute (fmt_job.fused). */
static int compute(eval_req *e, unsigned threads, int defer, result *res)
{
    size_t n = e->x.n, cap = n ? n : 1;
    memset(res, 0, sizeof *res);
    if (!e->f32) {
        double *y = e->x.v;
        if (e->from_range && !(y = res->owned[0] = big_malloc(cap * sizeof(double)))) return -1;
        if (!defer) calculate(e, e->x.v, e->has_gout ? e->gout.v : NULL, y, threads);
        res->vals[0] = e->x.v;
        res->vals[1] = y;
        return 0;
    }
    /* float32: x and grad_output rounded to float once, computed in double
     * by the library, rounded once more */
    float *xf = res->owned[0] = big_malloc(cap * sizeof(float));
    float *yf = res->owned[1] = big_malloc(cap * sizeof(float));
    float *gf = e->has_gout ? res->owned[2] = big_malloc(cap * sizeof(float)) : NULL;
    if (!xf || !yf || (e->has_gout && !gf)) return -1;
    for (size_t i = 0; i < n; i++) xf[i] = (float)e->x.v[i];
    for (size_t i = 0; gf && i < n; i++) gf[i] = (float)e->gout.v[i];
    calculate(e, xf, gf, yf, threads);
    res->vals[0] = xf;
    res->vals[1] = yf;
    return 0;
}

static void result_free(result *res)
{
    for (int i = 0; i < 3; i++) free(res->owned[i]);
}

/* ---- answering ------------------------------------------------------------------ */

static void put_head(obuf *b, const eval_req *e)
{
    ob_puts(b, "{\"activation\":");
    ob_json_str(b, activ_name(e->fn), strlen(activ_name(e->fn)));
    ob_puts(b, ",\"params\":");
    put_params(b, e);
    ob_puts(b, e->f32 ? ",\"dtype\":\"float32\"" : ",\"dtype\":\"float64\"");
}

static const char *result_key(const eval_req *e)
{
    return e->grad ? ",\"grad\":" : ",\"y\":";
}

/* Small answers: one buffer. */
static enum MHD_Result answer_one(req *r, const eval_req *e, const result *res)
{
    obuf b = {0};
    put_head(&b, e);
    if (e->from_range) {
        ob_puts(&b, ",\"x\":");
        tensor_put(&b, res->vals[0], e->f32, &e->x);
    }
    ob_puts(&b, result_key(e));
    tensor_put(&b, res->vals[1], e->f32, &e->x);
    ob_puts(&b, "}\n");
    return http_send_json(r, 200, &b);
}

/* Big answers: head, the tensors printed in parts on several threads, tail,
 * sent as one gathered response without copying the parts together. */
typedef struct pieces {
    unsigned n;
    obuf b[2 * PAR_MAX_PARTS + 3];
    char *arena;                      /* the request body's buffer, owned */
    char lent[2 * PAR_MAX_PARTS + 3]; /* b[i].p points into the arena */
} pieces;

static void pieces_free(void *cls)
{
    pieces *p = cls;
    for (unsigned i = 0; i < p->n; i++)
        if (!p->lent[i]) ob_free(&p->b[i]);
    free(p->arena);
    free(p);
}

/* The decoded body's buffer takes as many of the parts at b[first..] as
 * fit (core/body.h says why). */
static void lend_arena(pieces *pc, body_stretches *f, const js_numarray *s, unsigned first,
                       unsigned parts)
{
    for (unsigned k = 0; k < parts; k++) {
        size_t a, b;
        par_slice(s->n, 1, parts, k, &a, &b);
        size_t room = tensor_room(s, a, b);
        char *p = body_stretch(f, room);
        if (!p) return;
        pc->b[first + k] = (obuf){.p = p, .cap = room};
        pc->lent[first + k] = 1;
    }
}

static enum MHD_Result answer_parts(req *r, const eval_req *e, const result *res, unsigned parts,
                                    const calc *fused)
{
    pieces *pc = calloc(1, sizeof *pc);
    if (!pc) return problem_reply(r, P_INTERNAL, "out of memory");
    /* decoded JSON text, or a query's empty body; never binary */
    const js_numarray *in = e->x.lent ? &e->x : e->gout.lent ? &e->gout : NULL;
    body_stretches f =
        body_free_stretches(&r->body, in ? in->v : NULL, in ? in->n * sizeof(double) : 0);
    pc->arena = body_take(&r->body);
    put_head(&pc->b[pc->n++], e);
    for (int t = e->from_range ? 0 : 1; t < 2; t++) {
        ob_puts(&pc->b[pc->n - 1], t == 0 ? ",\"x\":" : result_key(e));
        lend_arena(pc, &f, &e->x, pc->n, parts);
        fmt_job j = {res->vals[t], e->f32, &e->x, &pc->b[pc->n], parts, t == 1 ? fused : NULL};
        par_run(format_part, &j, parts, r->srv->cfg.threads);
        pc->n += parts;
        pc->n++; /* the piece after: between x and y, or the tail */
    }
    ob_puts(&pc->b[pc->n - 1], "}\n");
    struct MHD_IoVec iov[2 * PAR_MAX_PARTS + 3];
    for (unsigned i = 0; i < pc->n; i++) {
        if (pc->b[i].oom || !pc->b[i].p) {
            pieces_free(pc);
            return problem_reply(r, P_INTERNAL, "out of memory printing %zu numbers", e->x.n);
        }
        iov[i].iov_base = pc->b[i].p;
        iov[i].iov_len = pc->b[i].len;
    }
    return http_send_iov(r, 200, "application/json", iov, pc->n, pieces_free, pc);
}

static enum MHD_Result answer(req *r, eval_req *e)
{
    result res;
    enum MHD_Result ret;
    unsigned threads = r->srv->cfg.threads, parts = e->x.ndim ? par_parts(e->x.n, threads) : 1;
    int fuse = parts > 1 && !e->f32 && !e->from_range && activ_kind_of(e->fn) == ACTIV_ELEMENTWISE;
    calc fused = {e, e->x.v, e->has_gout ? e->gout.v : NULL, e->x.v, 1, parts};
    if (compute(e, threads, fuse, &res) != 0) {
        ret = problem_reply(r, P_INTERNAL, "out of memory for %zu elements", e->x.n);
    } else {
        r->elements = e->x.n;
        ret = parts > 1 ? answer_parts(r, e, &res, parts, fuse ? &fused : NULL)
                        : answer_one(r, e, &res);
    }
    result_free(&res);
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

/* ---- binary: computing while the body arrives ----------------------------------- */

/* An elementwise POST /eval in the binary form has everything but the
 * numbers in its query string and Content-Length, and each number can be
 * computed once its bytes are in. A helper follows the upload (the body's
 * big_warm.filled, stored with release) and computes in place, a step at a
 * time: the 1e6-float64 request spent 3.8-5.4 ms computing after its 6-10 ms
 * upload. Little-endian hosts only (the bytes are the numbers). */
#define EARLY_MIN  (256u << 10) /* bytes; smaller bodies are not worth a thread */
#define EARLY_STEP 32768        /* elements per step: ~0.15 ms, how long a stop may wait */

typedef struct early {
    eval_req e;
    calc c;
    const atomic_size_t *filled;
    atomic_int stop;
    size_t done; /* elements computed; read after the join */
    int joined;
    pthread_t thread;
} early;

static void *early_run(void *arg)
{
    early *w = arg;
    size_t n = w->e.x.n, width = w->e.f32 ? sizeof(float) : sizeof(double);
    while (w->done < n && !atomic_load(&w->stop)) {
        size_t ready = atomic_load_explicit(w->filled, memory_order_acquire) / width;
        if (ready > n) ready = n;
        if (ready - w->done < EARLY_STEP && ready < n) {
            nanosleep(&(struct timespec){0, 50000}, NULL);
            continue;
        }
        size_t to = ready - w->done > EARLY_STEP ? w->done + EARLY_STEP : ready;
        calc_range(&w->c, w->done, to);
        w->done = to;
    }
    return NULL;
}

/* Stop and join (once); the elements done. */
static size_t early_join(early *w)
{
    if (!w->joined) {
        atomic_store(&w->stop, 1);
        pthread_join(w->thread, NULL);
        w->joined = 1;
    }
    return w->done;
}

static void early_end(void *p)
{
    early *w = p;
    early_join(w);
    eval_req_free(&w->e);
    free(w);
}

void eval_begin(req *r, size_t content_length)
{
    const char *ct = http_header(r, "Content-Type");
    if (content_length < EARLY_MIN || !host_is_le() || !ct ||
        !media_is(ct, "application/octet-stream"))
        return;
    early *w = calloc(1, sizeof *w);
    arg_list args;
    problem p;
    req_limits lim = {.max_elements = r->srv->cfg.max_elements};
    if (!w || get_args(r, &args, &p) != 0 ||
        request_from_binary(args.a, args.n, content_length, 0, &lim, &w->e, &p) != 0) {
        free(w);
        return; /* the route answers the error once the body is in */
    }
    if (activ_kind_of(w->e.fn) != ACTIV_ELEMENTWISE || w->e.has_gout) goto drop;
    w->c = (calc){&w->e, r->body.p, NULL, r->body.p, 1, 0};
    w->filled = body_progress(&r->body);
    if (pthread_create(&w->thread, NULL, early_run, w) != 0) goto drop;
    r->early = w;
    r->early_end = early_end;
    return;
drop:
    eval_req_free(&w->e);
    free(w);
}

/* The body is the array: computed in place (the part the early helper has
 * not done) and sent back as the response, whose buffer MHD then frees. */
static enum MHD_Result answer_binary(req *r, eval_req *e)
{
    size_t n = e->x.n, w = e->f32 ? 4 : 8;
    char *x = r->body.p, *go = e->has_gout ? x + n * w : NULL;
    size_t done = r->early ? early_join(r->early) : 0;
    if (!host_is_le()) swap_bytes(x, n * (go ? 2 : 1), w);
    if (done == 0) {
        calculate(e, x, go, x, r->srv->cfg.threads);
    } else if (done < n) { /* elementwise, 1-D as far as computing goes */
        eval_req rest = *e;
        rest.x.n = rest.x.dims[0] = n - done;
        rest.x.ndim = 1;
        calculate(&rest, x + done * w, NULL, x + done * w, r->srv->cfg.threads);
    }
    if (!host_is_le()) swap_bytes(x, n, w);
    r->elements = n;
    body_take(&r->body); /* x: now owned by the response */
    char count[24];
    snprintf(count, sizeof count, "%zu", n);
    const char *headers[] = {"X-Activ-Dtype", e->f32 ? "float32" : "float64", "X-Activ-Count",
                             count, NULL};
    return http_send(r, 200, "application/octet-stream", x, n * w, BODY_FREE, headers);
}

/* ---- the route ----------------------------------------------------------------------- */

static enum MHD_Result handle(req *r, int grad)
{
    eval_req e;
    problem p;
    arg_list args;
    req_limits lim = {.max_elements = r->srv->cfg.max_elements, .threads = r->srv->cfg.threads};
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
            request_from_binary(args.a, args.n, r->body.len, grad, &lim, &e, &p) != 0)
            return problem_send(r, &p);
        return answer_binary(r, &e);
    }
    if (ct && !media_is(ct, "application/json"))
        return problem_reply(r, P_UNSUPPORTED_MEDIA_TYPE,
                             "Content-Type %.64s is not supported: send application/json (curl: "
                             "--json or -H 'Content-Type: application/json') or "
                             "application/octet-stream",
                             ct);
    lim.room = body_spare(&r->body, &lim.room_cap); /* eval_spare */
    if (request_from_json(r->body.p, r->body.len, grad, &lim, &e, &p) != 0)
        return problem_send(r, &p);
    ret = answer(r, &e); /* a big answer is printed into the body's buffer */
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
