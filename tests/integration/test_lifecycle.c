/*
 * test_lifecycle.c - flags, environment, startup failures and the SIGTERM
 * drain, against the real binary.
 */
#include <check.h>
#include <dirent.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "checkrun.h"
#include "rawhttp.h"
#include "testd.h"

static const char *bin(void)
{
    const char *b = getenv("ACTIVD_BIN");
    return b && *b ? b : "build/activd";
}

/* Run activd with args (and an optional env assignment), capture stdout and
 * stderr, return the exit status; the process is killed after `secs`. */
static int run(const char *const *args, const char *env, char *out, size_t cap, double secs)
{
    int fd[2];
    ck_assert_int_eq(pipe(fd), 0);
    pid_t pid = fork();
    if (pid == 0) {
        const char *argv[32] = {bin()};
        int n = 1;
        for (int i = 0; args[i]; i++) argv[n++] = args[i];
        argv[n] = NULL;
        if (env) putenv((char *)env);
        dup2(fd[1], 1);
        dup2(fd[1], 2);
        close(fd[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(fd[1]);
    size_t len = 0;
    ssize_t k;
    alarm((unsigned)secs + 1);
    while (len + 1 < cap && (k = read(fd[0], out + len, cap - len - 1)) > 0) len += (size_t)k;
    out[len] = 0;
    close(fd[0]);
    int st;
    waitpid(pid, &st, 0);
    alarm(0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

START_TEST(help_and_version)
{
    char out[8192];
    ck_assert_int_eq(run((const char *[]){"--help", NULL}, NULL, out, sizeof out, 5), 0);
    ck_assert_ptr_nonnull(strstr(out, "--max-body"));
    ck_assert_ptr_nonnull(strstr(out, "ACTIVD_PORT"));
    ck_assert_int_eq(run((const char *[]){"--version", NULL}, NULL, out, sizeof out, 5), 0);
    ck_assert_ptr_nonnull(strstr(out, "activd 1."));
}
END_TEST

/* Bad flags: one line on stderr, exit 2. */
START_TEST(bad_flags)
{
    static const char *const cases[][3] = {
        {"--bogus", NULL, NULL},       {"--port", "99999", NULL}, {"--port", "abc", NULL},
        {"--log", "xml", NULL},        {"--threads", "0", NULL},  {"--max-body", "12Q", NULL},
        {"--bind", "not-an-ip", NULL}, {"stray", NULL, NULL},     {"--port", NULL, NULL},
        {"--sched", "fifo", NULL},
    };
    char out[4096];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int st = run(cases[i], NULL, out, sizeof out, 5);
        int want = strcmp(cases[i][0], "--bind") == 0 ? 1 : 2; /* bind fails at startup */
        ck_assert_msg(st == want, "%s %s: exit %d, want %d", cases[i][0],
                      cases[i][1] ? cases[i][1] : "", st, want);
        char *nl = strchr(out, '\n');
        ck_assert_msg(nl && nl[1] == 0, "not one line: %s", out);
        ck_assert_ptr_nonnull(strstr(out, "activd: "));
    }
    ck_assert_int_eq(run((const char *[]){NULL}, "ACTIVD_PORT=nope", out, sizeof out, 5), 2);
    ck_assert_ptr_nonnull(strstr(out, "ACTIVD_PORT"));
}
END_TEST

START_TEST(port_taken)
{
    testd d;
    char out[4096], port[16];
    ck_assert_int_eq(testd_start(&d, NULL), 0);
    snprintf(port, sizeof port, "%u", d.port);
    int st = run((const char *[]){"--port", port, NULL}, NULL, out, sizeof out, 5);
    ck_assert_int_eq(st, 1);
    ck_assert_ptr_nonnull(strstr(out, "cannot listen"));
    ck_assert_ptr_nonnull(strstr(out, port));
    ck_assert_ptr_eq(strchr(out, '\n'), out + strlen(out) - 1);
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, NULL), 0);
}
END_TEST

START_TEST(env_port)
{
    char env[64], out[64];
    unsigned port = testd_free_port();
    snprintf(env, sizeof env, "ACTIVD_PORT=%u", port);
    pid_t pid = fork();
    if (pid == 0) {
        putenv(env);
        freopen("/dev/null", "w", stdout);
        freopen("/dev/null", "w", stderr);
        execl(bin(), bin(), "--log", "off", (char *)NULL);
        _exit(127);
    }
    testd d = {.pid = pid, .port = port};
    snprintf(d.base, sizeof d.base, "http://127.0.0.1:%u", port);
    http_resp r;
    int ok = 0;
    for (int i = 0; i < 200 && !ok; i++) {
        ok = http_get(&d, "/healthz", &r) == 0 && r.status == 200;
        http_resp_free(&r);
        if (!ok) usleep(20000);
    }
    ck_assert_msg(ok, "no answer on ACTIVD_PORT %u", port);
    ck_assert_int_eq(testd_stop(&d, SIGINT, 5, NULL), 0);
    (void)out;
}
END_TEST

START_TEST(sigterm_idle)
{
    testd d;
    double secs;
    ck_assert_int_eq(testd_start(&d, NULL), 0);
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, &secs), 0);
    ck_assert_msg(secs < 1.0, "idle shutdown took %.2f s", secs);
}
END_TEST

static size_t read_all(int fd, char *buf, size_t cap)
{
    size_t len = 0;
    ssize_t k;
    while (len + 1 < cap && (k = read(fd, buf + len, cap - len - 1)) > 0) len += (size_t)k;
    buf[len] = 0;
    return len;
}

/* SIGTERM with a request half uploaded: readiness turns 503 on an open
 * connection, new connections are refused, the request is answered in
 * full, then the daemon exits 0. */
START_TEST(sigterm_drains_inflight)
{
    testd d;
    static const char *const args[] = {"--log", "off", NULL};
    ck_assert_int_eq(testd_start(&d, args), 0);
    static const char body[] = "{\"activation\":\"sigmoid\",\"x\":[0,0,0,0]}";
    char head[256], buf[4096];
    snprintf(head, sizeof head,
             "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %zu\r\n\r\n",
             strlen(body));
    int busy = raw_connect(d.port), idle = raw_connect(d.port);
    ck_assert(busy >= 0 && idle >= 0);
    ck_assert(write(busy, head, strlen(head)) > 0);
    ck_assert(write(busy, body, 10) == 10); /* part of the body */
    usleep(200 * 1000);
    kill(d.pid, SIGTERM);
    usleep(200 * 1000);

    static const char ready[] = "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n";
    ck_assert(write(idle, ready, strlen(ready)) > 0);
    read_all(idle, buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 503", 12) == 0, "readyz while draining: %s", buf);
    close(idle);
    ck_assert_int_eq(raw_connect(d.port), -1); /* listener closed */

    ck_assert(write(busy, body + 10, strlen(body) - 10) > 0);
    read_all(busy, buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 200", 12) == 0, "in-flight request: %s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\"y\":[0.5,0.5,0.5,0.5]"));
    close(busy);
    ck_assert_int_eq(testd_stop(&d, 0, 5, NULL), 0); /* already exiting: wait only */
}
END_TEST

/* A client trickling one header byte every 0.3 s is cut off by
 * --request-timeout although it is never idle; a normal request on another
 * connection is served meanwhile. */
START_TEST(slow_client_cut_off)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--request-timeout", "2", NULL};
    static const char slow[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaa";
    char buf[256];
    ck_assert_int_eq(testd_start(&d, args), 0);
    int fd = raw_connect(d.port);
    ck_assert(fd >= 0);
    double t0 = raw_now();
    int cut = 0;
    for (size_t i = 0; i < sizeof slow - 1 && !cut; i++) {
        cut = write(fd, slow + i, 1) != 1;
        usleep(300 * 1000);
        if (i == 3) {
            http_resp r;
            ck_assert_int_eq(http_get(&d, "/healthz", &r), 0);
            ck_assert_int_eq(r.status, 200);
            http_resp_free(&r);
        }
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 0) == 1 && read(fd, buf, sizeof buf) <= 0) cut = 1;
    }
    double waited = raw_now() - t0;
    ck_assert_msg(cut, "trickling client was not cut off");
    ck_assert_msg(waited > 1.9 && waited < 4, "cut off after %.2f s, want ~2", waited);
    close(fd);
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, NULL), 0);
}
END_TEST

/* --max-buffer: while one upload holds most of the budget, another request
 * whose Content-Length does not fit gets 503 + Retry-After at once; when the
 * first completes, the budget is free again. */
START_TEST(buffer_budget)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--max-buffer", "1Mi", NULL};
    enum { LEN = 700000 };
    char *body = malloc(LEN), head[256], buf[4096];
    static const char req[] = "{\"activation\":\"relu\",\"x\":[-1,2]}";
    memset(body, ' ', LEN);
    memcpy(body, req, strlen(req));
    snprintf(head, sizeof head,
             "POST /eval HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
             "Content-Length: %d\r\n\r\n",
             LEN);
    ck_assert_int_eq(testd_start(&d, args), 0);
    int a = raw_connect(d.port), b = raw_connect(d.port);
    ck_assert(a >= 0 && b >= 0);
    ck_assert(write(a, head, strlen(head)) > 0 && write(a, body, 1000) == 1000);
    usleep(200 * 1000);
    ck_assert(write(b, head, strlen(head)) > 0);
    read_all(b, buf, sizeof buf);
    ck_assert_msg(strncmp(buf, "HTTP/1.1 503", 12) == 0, "over budget: %s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "Retry-After: 1"));
    ck_assert_ptr_nonnull(strstr(buf, "max-buffer"));
    close(b);
    size_t sent = 1000;
    while (sent < LEN) {
        ssize_t k = write(a, body + sent, LEN - sent);
        ck_assert(k > 0);
        sent += (size_t)k;
    }
    shutdown(a, SHUT_WR);
    read_all(a, buf, sizeof buf);
    ck_assert_msg(strstr(buf, "\"y\":[0,2]") != NULL, "first upload: %s", buf);
    close(a);
    http_resp r;
    ck_assert_int_eq(http_do(&d, "POST", "/eval", "application/json", body, LEN, NULL, &r), 0);
    ck_assert_int_eq(r.status, 200);
    http_resp_free(&r);
    free(body);
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, NULL), 0);
}
END_TEST

/* The scheduling policy of every thread of pid (/proc/PID/task/TID/stat
 * field 41), or -1 if they differ or cannot be read. */
static int threads_policy(pid_t pid)
{
    char path[64], line[1024];
    int policy = -2, threads = 0;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *dir = opendir(path);
    if (!dir) return -1;
    for (struct dirent *e; (e = readdir(dir)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/%d/task/%.16s/stat", (int)pid, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f) continue;
        size_t n = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[n] = 0;
        const char *p = strrchr(line, ')'); /* the command name may hold spaces */
        int field = 2, v = -1;
        for (; p && *p && field < 41; p++)
            if (*p == ' ') field++;
        if (!p || sscanf(p, "%d", &v) != 1) v = -1;
        policy = policy == -2 || policy == v ? v : -1;
        threads++;
    }
    closedir(dir);
    return threads > 1 ? policy : -1;
}

/* --sched: every thread (the workers inherit it) runs SCHED_BATCH by
 * default and SCHED_OTHER with --sched normal. */
START_TEST(sched_policy)
{
    static const char *const normal[] = {"--log", "off", "--sched", "normal", NULL};
    static const char *const dflt[] = {"--log", "off", NULL};
    const char *const *cases[] = {dflt, normal};
    const int want[] = {SCHED_BATCH, SCHED_OTHER};
    for (int i = 0; i < 2; i++) {
        testd d;
        ck_assert_int_eq(testd_start(&d, cases[i]), 0);
        int got = threads_policy(d.pid);
        ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, NULL), 0);
        ck_assert_msg(got == want[i], "case %d: threads' policy %d, want %d", i, got, want[i]);
    }
}
END_TEST

/* Connections opened all at once are spread evenly over the worker threads
 * (least-connections acceptor), as /metrics shows. */
START_TEST(connections_balanced)
{
    testd d;
    static const char *const args[] = {"--log", "off", "--threads", "4", NULL};
    static const char get[] = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    char buf[4096];
    int fds[11];
    ck_assert_int_eq(testd_start(&d, args), 0);
    for (int i = 0; i < 11; i++) {
        fds[i] = raw_connect(d.port);
        ck_assert(fds[i] >= 0 && write(fds[i], get, strlen(get)) > 0);
    }
    for (int i = 0; i < 11; i++) ck_assert(read(fds[i], buf, sizeof buf) > 0); /* kept alive */
    http_resp r;
    ck_assert_int_eq(http_get(&d, "/metrics", &r), 0);
    unsigned lo = ~0u, hi = 0, sum = 0, k, workers = 0;
    for (const char *p = r.body; (p = strstr(p, "activd_open_connections{worker=")) != NULL; p++) {
        ck_assert(sscanf(strchr(p, '}') + 1, " %u", &k) == 1);
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
        sum += k;
        workers++;
    }
    http_resp_free(&r);
    ck_assert_uint_eq(workers, 4);
    ck_assert_uint_eq(sum, 12); /* the 11 and the scrape's own */
    ck_assert_msg(hi - lo <= 1, "unbalanced: %u to %u per worker", lo, hi);
    for (int i = 0; i < 11; i++) close(fds[i]);
    ck_assert_int_eq(testd_stop(&d, SIGTERM, 5, NULL), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lifecycle");
    TCase *t = tcase_create("lifecycle");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, help_and_version);
    tcase_add_test(t, bad_flags);
    tcase_add_test(t, port_taken);
    tcase_add_test(t, env_port);
    tcase_add_test(t, sigterm_idle);
    tcase_add_test(t, sigterm_drains_inflight);
    tcase_add_test(t, slow_client_cut_off);
    tcase_add_test(t, buffer_budget);
    tcase_add_test(t, connections_balanced);
    tcase_add_test(t, sched_policy);
    suite_add_tcase(s, t);
    return check_run(s);
}
