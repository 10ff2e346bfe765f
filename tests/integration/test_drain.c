/*
 * test_drain.c - SIGTERM with several requests in flight: a small JSON
 * body, a big one (a million numbers), a binary body and a /grad, each
 * half uploaded when the signal arrives. New connections are refused at
 * once; every request already started is answered in full (checked value
 * by value); the daemon then exits 0. --drain-timeout bounds the wait for
 * a client that never finishes. (test_lifecycle.c covers the single
 * half-uploaded request and /readyz turning 503.)
 */
#include <check.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checkrun.h"
#include "rawhttp.h"
#include "testd.h"

typedef struct inflight {
    const char *name;
    char *req;         /* head and body */
    size_t len, split; /* sent before SIGTERM: the head and half the body */
    int fd;
} inflight;

static void make_req(inflight *f, const char *name, const char *path, const char *ctype,
                     const char *body, size_t blen)
{
    f->name = name;
    f->req = malloc(blen + 512);
    int n = sprintf(
        f->req, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
        path, ctype, blen);
    memcpy(f->req + n, body, blen);
    f->len = (size_t)n + blen;
    f->split = (size_t)n + blen / 2;
}

enum { BIG = 1000000, BIN = 200000 };

START_TEST(sigterm_answers_everything_in_flight)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--drain-timeout", "30", NULL};
    ck_assert_int_eq(testd_start(&d, args), 0);
    double slow = test_slowdown();
    inflight f[4];

    static const char small[] = "{\"activation\":\"relu\",\"x\":[-1,0,2.5]}";
    make_req(&f[0], "small", "/eval", "application/json", small, sizeof small - 1);

    char *big = malloc((size_t)BIG * 8 + 64);
    size_t n = (size_t)sprintf(big, "{\"activation\":\"identity\",\"x\":[");
    for (int i = 0; i < BIG; i++) n += (size_t)sprintf(big + n, i ? ",%d" : "%d", i % 1000);
    n += (size_t)sprintf(big + n, "]}");
    make_req(&f[1], "big", "/eval", "application/json", big, n);
    free(big);

    double *bin = malloc(BIN * sizeof(double));
    for (int i = 0; i < BIN; i++) bin[i] = (double)(i % 7) - 3; /* little-endian host */
    make_req(&f[2], "binary", "/eval?activation=relu", "application/octet-stream",
             (const char *)bin, BIN * sizeof(double));

    static const char grad[] = "{\"activation\":\"softmax\",\"x\":[[1,2,3]],"
                               "\"grad_output\":[[1,0,0]]}";
    make_req(&f[3], "grad", "/grad", "application/json", grad, sizeof grad - 1);

    /* each sends its head and half its body */
    for (int i = 0; i < 4; i++) {
        f[i].fd = raw_connect(d.port);
        ck_assert(f[i].fd >= 0);
        ck_assert_int_eq(raw_send(f[i].fd, f[i].req, f[i].split), 0);
    }
    /* and one has sent only half its head: not received yet, so it will
     * be told 503 (and Connection: close), not dropped */
    int late = raw_connect(d.port);
    ck_assert(late >= 0);
    ck_assert_int_eq(raw_sends(late, "GET /healthz HTTP/1.1\r\nHo"), 0);
    usleep(300 * 1000);
    double t0 = raw_now();
    kill(d.pid, SIGTERM);
    /* no new connections: the listener goes at once */
    int refused = 0;
    for (int i = 0; i < 100 && !refused; i++) {
        int fd = raw_connect(d.port);
        if (fd < 0)
            refused = 1;
        else {
            close(fd);
            usleep(20 * 1000);
        }
    }
    ck_assert_msg(refused, "new connections still accepted after SIGTERM");
    usleep(300 * 1000);
    /* the clients finish their uploads; everything is answered in full */
    ck_assert_int_eq(raw_sends(late, "st: x\r\n\r\n"), 0); /* while the 4 still wait */
    usleep(100 * 1000);
    for (int i = 0; i < 4; i++)
        ck_assert_int_eq(raw_send(f[i].fd, f[i].req + f[i].split, f[i].len - f[i].split), 0);
    for (int i = 0; i < 4; i++) {
        raw_resp r;
        char conn[32];
        ck_assert_msg(raw_read(f[i].fd, &r, 30 * slow) == 0, "%s: no full answer (status %d)",
                      f[i].name, r.status);
        ck_assert_msg(r.status == 200, "%s: status %d: %.200s", f[i].name, r.status, r.body);
        ck_assert_str_eq(raw_header(&r, "Connection", conn, sizeof conn), "close");
        if (i == 0) ck_assert_ptr_nonnull(strstr(r.body, "\"y\":[0,0,2.5]"));
        if (i == 1) {
            json_t *v = json_loadb(r.body, r.body_len, 0, NULL);
            ck_assert_msg(v != NULL, "big answer is not JSON (%zu bytes)", r.body_len);
            json_t *y = json_object_get(v, "y");
            ck_assert_int_eq(json_array_size(y), BIG);
            for (size_t k = 0; k < BIG; k += 997)
                ck_assert(json_number_value(json_array_get(y, k)) == (double)(k % 1000));
            json_decref(v);
        }
        if (i == 2) {
            ck_assert_int_eq(r.body_len, BIN * sizeof(double));
            const double *y = (const double *)r.body;
            for (int k = 0; k < BIN; k++) ck_assert(y[k] == fmax(bin[k], 0));
        }
        if (i == 3) ck_assert_ptr_nonnull(strstr(r.body, "\"grad\":[["));
        raw_resp_free(&r);
        close(f[i].fd);
        free(f[i].req);
    }
    free(bin);
    raw_resp r;
    char ct[64], conn[32];
    ck_assert_int_eq(raw_read(late, &r, 10 * slow), 0);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(raw_header(&r, "Content-Type", ct, sizeof ct), "application/problem+json");
    ck_assert_ptr_nonnull(strstr(r.body, "/problems/unavailable"));
    ck_assert_str_eq(raw_header(&r, "Connection", conn, sizeof conn), "close");
    raw_resp_free(&r);
    close(late);
    double secs;
    ck_assert_int_eq(testd_stop(&d, 0, 30 * slow, &secs), 0); /* already exiting: wait */
    fprintf(stderr, "test_drain: 4 requests drained, exit 0 after %.2f s\n", raw_now() - t0);
}
END_TEST

/* A client that never finishes its body: the drain waits --drain-timeout
 * (2 s), no longer, then exits 0. */
START_TEST(drain_timeout_bounds_the_wait)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--drain-timeout", "2", NULL};
    ck_assert_int_eq(testd_start(&d, args), 0);
    int fd = raw_connect(d.port);
    ck_assert(fd >= 0);
    ck_assert_int_eq(raw_sends(fd, "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: "
                                   "application/json\r\nContent-Length: 100\r\n\r\n{\"act"),
                     0);
    usleep(200 * 1000);
    double secs;
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 20 * test_slowdown(), &secs), 0);
    ck_assert_msg(secs > 1.8 && secs < 2 + 3 * test_slowdown(), "exited after %.2f s, want ~2",
                  secs);
    ck_assert(raw_wait_closed(fd, 5) >= 0);
    close(fd);
}
END_TEST

/* Idle keep-alive connections do not hold the drain: exit at once. */
START_TEST(idle_keepalive_does_not_hold_drain)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--drain-timeout", "20", NULL};
    ck_assert_int_eq(testd_start(&d, args), 0);
    int fds[10];
    for (int i = 0; i < 10; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert(fds[i] >= 0);
        raw_resp r;
        ck_assert_int_eq(raw_sends(fds[i], "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 0);
        ck_assert_int_eq(raw_read(fds[i], &r, 5), 0);
        ck_assert_int_eq(r.status, 200);
        raw_resp_free(&r);
    }
    double secs;
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 20 * test_slowdown(), &secs), 0);
    ck_assert_msg(secs < 1.5 * test_slowdown(), "drain with idle connections took %.2f s", secs);
    for (int i = 0; i < 10; i++) close(fds[i]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("drain");
    TCase *t = tcase_create("drain");
    tcase_set_timeout(t, 90 * test_slowdown());
    tcase_add_test(t, sigterm_answers_everything_in_flight);
    tcase_add_test(t, drain_timeout_bounds_the_wait);
    tcase_add_test(t, idle_keepalive_does_not_hold_drain);
    suite_add_tcase(s, t);
    return check_run(s);
}
