/*
 * eval.c - POST/GET /eval and /grad: pick the form (JSON, query, binary),
 * decode it (decode/), compute (compute.c), write the JSON answer; the
 * binary form is eval_binary.c's.
 *
 * The answer is built once, straight into the buffer MHD sends: numbers are
 * printed by numtext (shortest round-trip) into space reserved up front for
 * the worst case, so the hot loop has no bounds checks or reallocations.
 */
#include "routes/eval.h"

#include <stdlib.h>
#include <string.h>

#include "core/par.h"
#include "decode/request.h"
#include "routes/args.h"
#include "routes/compute.h"
#include "routes/problems.h"
#include "wire/numtext.h"
#include "wire/tensor.h"

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
    if (content_length < SPARE_MIN || (ct && !http_media_is(ct, "application/json"))) return 0;
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

/* ---- answering ------------------------------------------------------------------ */

static void put_head(obuf *b, const eval_req *e)
{
    ob_puts(b, "{\"activation\":");
    ob_json_str(b, activ_name(e->fn), strlen(activ_name(e->fn)));
    ob_puts(b, ",\"params\":");
    put_params(b, e);
    ob_puts(b, e->f32 ? ",\"dtype\":\"float32\"" : ",\"dtype\":\"float64\"");
    /* echoed only when given, so answers without it stay as they were */
    if (e->order) ob_puts(b, e->order == 2 ? ",\"order\":2" : ",\"order\":1");
}

static const char *result_key(const eval_req *e)
{
    return e->grad ? ",\"grad\":" : ",\"y\":";
}

/* Small answers: one buffer. */
static enum MHD_Result answer_one(req *r, const eval_req *e, const calc_result *res)
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

static enum MHD_Result answer_parts(req *r, const eval_req *e, const calc_result *res,
                                    unsigned parts, const calc *fused)
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
        calc_print_parts(res->vals[t], e->f32, &e->x, &pc->b[pc->n], parts, t == 1 ? fused : NULL,
                         r->srv->cfg.threads);
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
    calc_result res;
    enum MHD_Result ret;
    unsigned threads = r->srv->cfg.threads, parts = e->x.ndim ? par_parts(e->x.n, threads) : 1;
    int fuse = parts > 1 && !e->f32 && !e->from_range && activ_kind_of(e->fn) == ACTIV_ELEMENTWISE;
    calc fused = {e, e->x.v, e->has_gout ? e->gout.v : NULL, e->x.v, 1, parts};
    if (calc_result_make(e, threads, fuse, &res) != 0) {
        ret = problem_reply(r, P_INTERNAL, "out of memory for %zu elements", e->x.n);
    } else {
        r->elements = e->x.n;
        ret = parts > 1 ? answer_parts(r, e, &res, parts, fuse ? &fused : NULL)
                        : answer_one(r, e, &res);
    }
    calc_result_free(&res);
    return ret;
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
        if (args_collect(r, &args, &p) != 0 ||
            request_from_query(args.a, args.n, grad, &lim, &e, &p) != 0)
            return problem_send(r, &p);
        ret = answer(r, &e);
        eval_req_free(&e);
        return ret;
    }
    const char *ct = http_header(r, "Content-Type");
    if (ct && http_media_is(ct, "application/octet-stream")) return eval_binary(r, grad);
    if (ct && !http_media_is(ct, "application/json"))
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
