/*
 * eval_binary.c - POST /eval and /grad in the binary form: the body is the
 * array, computed in place and sent back as the answer.
 *
 * An elementwise POST /eval in this form has everything but the numbers in
 * its query string and Content-Length, and each number can be computed
 * once its bytes are in: eval_begin starts a helper that follows the
 * upload (body_progress, stored with release) and computes in place, a
 * step at a time, so little is left to compute when the body is complete
 * (docs/performance.md). Little-endian hosts only (the bytes are the
 * numbers). /grad (first or second derivative) is computed once its body
 * is in.
 */
#include "routes/eval.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "decode/request.h"
#include "routes/args.h"
#include "routes/compute.h"
#include "routes/problems.h"

#define EARLY_MIN  (256u << 10) /* bytes; smaller bodies are not worth a thread */
#define EARLY_STEP 32768        /* elements per step, bounding how long a stop waits */

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
    size_t n = w->e.x.n, width = eval_req_width(&w->e);
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
    if (content_length < EARLY_MIN || !binary_host_is_le() || !ct ||
        !http_media_is(ct, "application/octet-stream"))
        return;
    early *w = calloc(1, sizeof *w);
    arg_list args;
    problem p;
    req_limits lim = {.max_elements = r->srv->cfg.max_elements};
    if (!w || args_collect(r, &args, &p) != 0 ||
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
static enum MHD_Result answer(req *r, eval_req *e)
{
    size_t n = e->x.n, w = eval_req_width(e);
    char *x = r->body.p, *go = e->has_gout ? x + n * w : NULL;
    size_t done = r->early ? early_join(r->early) : 0;
    binary_swap(x, n * (go ? 2 : 1), w);
    if (done == 0) {
        calc_all(e, x, go, x, r->srv->cfg.threads);
    } else if (done < n) { /* elementwise, 1-D as far as computing goes */
        eval_req rest = *e;
        rest.x.n = rest.x.dims[0] = n - done;
        rest.x.ndim = 1;
        calc_all(&rest, x + done * w, NULL, x + done * w, r->srv->cfg.threads);
    }
    binary_swap(x, n, w);
    r->elements = n;
    body_take(&r->body); /* x: now owned by the response */
    char count[24];
    snprintf(count, sizeof count, "%zu", n);
    /* order is echoed only when given, as in the JSON answer */
    const char *headers[] = {"X-Activ-Dtype",
                             e->f32 ? "float32" : "float64",
                             "X-Activ-Count",
                             count,
                             e->order ? "X-Activ-Order" : NULL,
                             e->order == 2 ? "2" : "1",
                             NULL};
    return http_send(r, 200, "application/octet-stream", x, n * w, BODY_FREE, headers);
}

enum MHD_Result eval_binary(req *r, int grad)
{
    eval_req e;
    problem p;
    arg_list args;
    req_limits lim = {.max_elements = r->srv->cfg.max_elements, .threads = r->srv->cfg.threads};
    if (args_collect(r, &args, &p) != 0 ||
        request_from_binary(args.a, args.n, r->body.len, grad, &lim, &e, &p) != 0)
        return problem_send(r, &p);
    return answer(r, &e);
}
