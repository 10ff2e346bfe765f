/*
 * test_slow.c - slow and many clients: idle connections closed after
 * --timeout, a body trickled byte by byte cut off by --request-timeout
 * (test_lifecycle.c covers trickled headers), --max-connections-per-ip,
 * --max-connections, 500 stalled clients not delaying a normal request, and
 * 256 busy keep-alive clients on one worker all answered.
 *
 * Timing bounds are generous (the machine is shared) and scale with
 * ACTIV_TEST_SLOWDOWN under valgrind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "checkrun.h"
#include "rawhttp.h"
#include "testd.h"

static void start(testd *d, const char *const *args)
{
    ck_assert_msg(testd_start(d, args) == 0, "cannot start activd");
}

static void finish(testd *d)
{
    ck_assert_int_eq(testd_stop(d, 15, 10 * test_slowdown(), NULL), 0);
}

static const char partial[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Stalled: ";
static const char healthz[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

/* POST /eval with this JSON body, whole, into out (cap bytes); its length.
 * The body is the last strlen(body) bytes. */
static size_t eval_request(char *out, size_t cap, const char *body)
{
    int n = snprintf(out, cap,
                     "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\n\r\n%s",
                     strlen(body), body);
    ck_assert(n > 0 && (size_t)n < cap);
    return (size_t)n;
}

/* A connection the daemon serves: one request answered 200. */
static int served(unsigned port)
{
    raw_resp r;
    static const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    int ok =
        raw_exchange(port, req, sizeof req - 1, &r, 5 * test_slowdown()) == 0 && r.status == 200;
    raw_resp_free(&r);
    return ok;
}

/* A connection the daemon accepted at the TCP level but refuses: closed
 * without an answer. */
static int refused(unsigned port)
{
    int fd = raw_connect(port);
    if (fd < 0) return 1;
    raw_sends(fd, healthz);
    raw_resp r;
    raw_read(fd, &r, 5 * test_slowdown());
    int no = r.status == 0 && r.closed;
    raw_resp_free(&r);
    close(fd);
    return no;
}

/* --timeout 2: a connection that never sends, and one idle after a
 * keep-alive request, are both closed after about 2 s. */
START_TEST(idle_closed_after_timeout)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--timeout", "2", NULL};
    start(&d, args);
    double slow = test_slowdown();
    int silent = raw_connect(d.port);
    int kept = raw_connect(d.port);
    ck_assert(silent >= 0 && kept >= 0);
    raw_resp r;
    double t0 = raw_now();
    ck_assert_int_eq(raw_sends(kept, healthz), 0);
    ck_assert_int_eq(raw_read(kept, &r, 5 * slow), 0);
    ck_assert_int_eq(r.status, 200);
    raw_resp_free(&r);
    double t1 = raw_now();
    double a = raw_wait_closed(silent, 10 * slow) < 0 ? -1 : raw_now() - t0;
    double b = raw_wait_closed(kept, 10 * slow) < 0 ? -1 : raw_now() - t1;
    ck_assert_msg(a >= 1.5 && a < 2 + 3 * slow, "silent connection closed after %.2f s", a);
    ck_assert_msg(b >= 1.5 && b < 2 + 3 * slow, "idle keep-alive closed after %.2f s", b);
    close(silent);
    close(kept);
    finish(&d);
}
END_TEST

/* --request-timeout 2: whole headers, then the body one byte every 0.3 s.
 * MHD's idle timeout (10 s) never fires; the request deadline cuts it off
 * at ~2 s without an answer, while other clients are served. */
START_TEST(body_trickle_cut_off)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--timeout", "10", "--request-timeout",
                                       "2",     NULL};
    start(&d, args);
    double slow = test_slowdown();
    static const char body[] = "{\"activation\":\"relu\",\"x\":[1,2,3,4,5,6,7,8,9]}";
    char req[512];
    size_t n = eval_request(req, sizeof req, body);
    int fd = raw_connect(d.port);
    ck_assert(fd >= 0);
    double t0 = raw_now();
    ck_assert_int_eq(raw_send(fd, req, n - (sizeof body - 1)), 0); /* the head */
    int cut = 0;
    size_t i;
    for (i = 0; i < sizeof body - 1 && !cut; i++) {
        cut = raw_send(fd, body + i, 1) != 0;
        if (i == 2) ck_assert(served(d.port));
        raw_resp r;
        if (!cut && raw_read(fd, &r, 0.3) != 0 && r.closed) cut = 1;
        ck_assert_msg(r.status == 0, "trickled body answered %d", r.status);
        raw_resp_free(&r);
    }
    double waited = raw_now() - t0;
    ck_assert_msg(cut, "body trickled to the end (%zu bytes) without a cut-off", i);
    ck_assert_msg(waited > 1.9 && waited < 2 + 3 * slow, "cut off after %.2f s, want ~2", waited);
    close(fd);
    /* the same body sent at once on a fresh connection is answered */
    raw_resp r;
    ck_assert_int_eq(raw_exchange(d.port, req, n, &r, 5 * slow), 0);
    ck_assert_int_eq(r.status, 200);
    raw_resp_free(&r);
    finish(&d);
}
END_TEST

/* A request body that stops half way (the client never finishes) is cut
 * off by the request deadline too: no connection is held forever. */
START_TEST(stalled_body_cut_off)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--timeout", "30", "--request-timeout",
                                       "2",     NULL};
    start(&d, args);
    int fd = raw_connect(d.port);
    ck_assert(fd >= 0);
    ck_assert_int_eq(raw_sends(fd, "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   "application/json\r\nContent-Length: 1000\r\n\r\n{\"act"),
                     0);
    double w = raw_wait_closed(fd, 10 * test_slowdown());
    ck_assert_msg(w > 1.5 && w < 2 + 3 * test_slowdown(), "stalled body closed after %.2f s", w);
    close(fd);
    finish(&d);
}
END_TEST

/* --max-connections-per-ip 4: a fifth connection from 127.0.0.1 is
 * closed unanswered; once one of the four goes, a new one is served. */
START_TEST(per_ip_limit)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--max-connections-per-ip", "4", NULL};
    start(&d, args);
    usleep(300 * 1000); /* testd_start's own /healthz connection must be gone */
    int fds[4];
    for (int i = 0; i < 4; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert(fds[i] >= 0);
        ck_assert_int_eq(raw_sends(fds[i], partial), 0);
    }
    for (int i = 0; i < 4; i++) {
        raw_resp r;
        ck_assert_int_ne(raw_read(fds[i], &r, 0.1), 0);
        ck_assert_msg(!r.closed, "stalled connection %d of 4 was refused", i);
        raw_resp_free(&r);
    }
    ck_assert_msg(refused(d.port), "a fifth connection from one address was served");
    close(fds[0]);
    int ok = 0;
    for (int i = 0; i < 50 && !ok; i++) {
        usleep(100 * 1000);
        ok = served(d.port);
    }
    ck_assert_msg(ok, "no connection served after one of four closed");
    for (int i = 1; i < 4; i++) close(fds[i]);
    finish(&d);
}
END_TEST

/* --max-connections 8 with 8 stalled clients: libmicrohttpd stops
 * accepting (the listening socket leaves its poll set), so a ninth client
 * waits unanswered in the kernel's listen backlog, costing the daemon
 * nothing, and is served as soon as one of the eight goes. MHD divides the
 * limit among its pool threads (4 + 4 here with two). */
static void connection_limit(const char *threads)
{
    testd d;
    const char *const args[] = {"--log", "off", "--max-connections", "8", "--threads",
                                threads, NULL};
    start(&d, args);
    usleep(300 * 1000); /* testd_start's own /healthz connection must be gone */
    double slow = test_slowdown();
    int fds[8];
    for (int i = 0; i < 8; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert(fds[i] >= 0);
        ck_assert_int_eq(raw_sends(fds[i], partial), 0);
    }
    usleep(300 * 1000);
    int ninth = raw_connect(d.port); /* the kernel completes the handshake */
    ck_assert(ninth >= 0);
    ck_assert_int_eq(raw_sends(ninth, healthz), 0);
    raw_resp r;
    ck_assert_int_ne(raw_read(ninth, &r, 1.0), 0);
    ck_assert_msg(r.status == 0 && !r.closed, "%s threads: the ninth got %d (closed %d)", threads,
                  r.status, r.closed);
    raw_resp_free(&r);
    close(fds[0]);
    ck_assert_msg(raw_read(ninth, &r, 5 * slow) == 0 && r.status == 200,
                  "%s threads: the ninth was not served when a slot freed", threads);
    raw_resp_free(&r);
    close(ninth);
    for (int i = 1; i < 8; i++) close(fds[i]);
    finish(&d);
}

START_TEST(max_connections)
{
    connection_limit("1");
    connection_limit("2");
}
END_TEST

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Latencies of n requests on fresh connections, sorted. */
static void latencies(unsigned port, double *t, int n)
{
    static const char req[] = "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              "Content-Length: 36\r\nConnection: close\r\n\r\n"
                              "{\"activation\":\"sigmoid\",\"x\":[0,1,2]}";
    for (int i = 0; i < n; i++) {
        raw_resp r;
        double t0 = raw_now();
        ck_assert_int_eq(raw_exchange(port, req, sizeof req - 1, &r, 10), 0);
        t[i] = raw_now() - t0;
        ck_assert_int_eq(r.status, 200);
        raw_resp_free(&r);
    }
    qsort(t, (size_t)n, sizeof *t, cmp_double);
}

/* 500 clients that sent half a header and stalled (slowloris) hold 500
 * connections; a normal request is still answered in milliseconds. */
START_TEST(stalled_500_do_not_delay)
{
    enum { STALLED = 500, N = 40 };
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    if (rl.rlim_cur < STALLED + 64 && rl.rlim_max >= STALLED + 64) {
        rl.rlim_cur = STALLED + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    testd d;
    static const char *const args[] = {"--log", "off", NULL}; /* --max-connections 1000 */
    start(&d, args);
    double base[N], loaded[N], slow = test_slowdown();
    latencies(d.port, base, N);
    static int fds[STALLED];
    for (int i = 0; i < STALLED; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert_msg(fds[i] >= 0, "stalled client %d could not connect", i);
        ck_assert_int_eq(raw_sends(fds[i], partial), 0);
    }
    usleep(300 * 1000);
    latencies(d.port, loaded, N);
    fprintf(stderr,
            "test_slow: /eval latency median %.2f ms, max %.2f ms; with %d stalled clients "
            "median %.2f ms, max %.2f ms\n",
            base[N / 2] * 1e3, base[N - 1] * 1e3, STALLED, loaded[N / 2] * 1e3,
            loaded[N - 1] * 1e3);
    ck_assert_msg(loaded[N / 2] < 0.02 * slow, "median %.1f ms with stalled clients",
                  loaded[N / 2] * 1e3);
    ck_assert_msg(loaded[N - 3] < 0.2 * slow, "95th percentile %.1f ms with stalled clients",
                  loaded[N - 3] * 1e3);
    /* the stalled ones are still held (not answered, not dropped) */
    int open = 0;
    for (int i = 0; i < STALLED; i++) {
        raw_resp r;
        if (raw_read(fds[i], &r, 0.001) != 0 && !r.closed) open++;
        raw_resp_free(&r);
        close(fds[i]);
    }
    ck_assert_int_eq(open, STALLED);
    finish(&d);
}
END_TEST

/* 256 keep-alive clients, each with one request in flight and a new one as
 * soon as its answer is in, on one worker thread (--threads 1). With
 * MHD_USE_EPOLL, libmicrohttpd 0.9.75 drains epoll in batches of 128 and
 * blocks in the next epoll_wait with events it already took unprocessed:
 * 256 ready connections stalled until the idle timeout (found by the soak).
 * Every request must be answered, and quickly. */
START_TEST(busy_256_keepalive)
{
    enum { N = 256, ROUNDS = 12 };
    char req[256], busy[256], body[96];
    size_t req_len = eval_request(req, sizeof req, "{\"activation\":\"sigmoid\",\"x\":[0,1,2]}");
    testd d;
    static const char *const args[] = {"--log", "off", "--threads", "1", "--timeout", "30", NULL};
    start(&d, args);
    static int fds[N];
    for (int i = 0; i < N; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert_msg(fds[i] >= 0, "client %d could not connect", i);
    }
    /* a million points (fewer under valgrind): ~0.2 s of printing */
    snprintf(body, sizeof body,
             "{\"activation\":\"sigmoid\",\"range\":{\"start\":0,\"stop\":1,\"num\":%d}}",
             (int)(1000000 / test_slowdown()));
    size_t busy_len = eval_request(busy, sizeof busy, body);
    double worst = 0;
    for (int round = 0; round < ROUNDS; round++) {
        /* most rounds: the worker is busy printing two million numbers while
         * all N requests arrive, so it finds all N ready at once */
        int b = round % 4 == 3 ? -1 : raw_connect(d.port);
        if (b >= 0) {
            ck_assert_int_eq(raw_send(b, busy, busy_len), 0);
            usleep(10 * 1000);
        }
        for (int i = 0; i < N; i++) ck_assert_int_eq(raw_send(fds[i], req, req_len), 0);
        for (int i = 0; i < N; i++) {
            raw_resp r;
            int rc = raw_read(fds[i], &r, 5 * test_slowdown());
            ck_assert_msg(rc == 0 && r.status == 200, "round %d client %d: status %d%s", round, i,
                          r.status, r.closed ? " (closed)" : "");
            if (r.seconds > worst) worst = r.seconds;
            raw_resp_free(&r);
        }
        if (b >= 0) close(b); /* its answer unread */
    }
    fprintf(stderr, "test_slow: %d rounds of %d keep-alive requests, longest wait %.1f ms\n",
            ROUNDS, N, worst * 1e3);
    ck_assert_msg(worst < 2.0 * test_slowdown(), "a request waited %.2f s", worst);
    for (int i = 0; i < N; i++) close(fds[i]);
    finish(&d);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("slow");
    TCase *t = tcase_create("slow");
    tcase_set_timeout(t, 60 * test_slowdown());
    tcase_add_test(t, idle_closed_after_timeout);
    tcase_add_test(t, body_trickle_cut_off);
    tcase_add_test(t, stalled_body_cut_off);
    tcase_add_test(t, per_ip_limit);
    tcase_add_test(t, max_connections);
    tcase_add_test(t, stalled_500_do_not_delay);
    tcase_add_test(t, busy_256_keepalive);
    suite_add_tcase(s, t);
    return check_run(s);
}
