/*
 * testd.c - run activd and call it over HTTP with libcurl.
 */
#include "testd.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

unsigned testd_free_port(void)
{
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0) close(fd);
        return 0;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static const char *activd_bin(void)
{
    const char *b = getenv("ACTIVD_BIN");
    return b && *b ? b : "build/activd";
}

int testd_start(testd *d, const char *const *extra_args)
{
    const char *argv[64];
    char port[16];
    int n = 0;
    memset(d, 0, sizeof d[0]);
    d->port = testd_free_port();
    if (!d->port) return -1;
    snprintf(port, sizeof port, "%u", d->port);
    snprintf(d->base, sizeof d->base, "http://127.0.0.1:%u", d->port);
    snprintf(d->log_path, sizeof d->log_path, "/tmp/activd-test-%u.log", d->port);
    argv[n++] = activd_bin();
    argv[n++] = "--bind";
    argv[n++] = "127.0.0.1";
    argv[n++] = "--port";
    argv[n++] = port;
    for (int i = 0; extra_args && extra_args[i] && n < 62; i++) argv[n++] = extra_args[i];
    argv[n] = NULL;
    d->pid = fork();
    if (d->pid < 0) return -1;
    if (d->pid == 0) {
        int fd = open(d->log_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    for (double t0 = now(); now() - t0 < 10;) {
        http_resp r;
        if (http_get(d, "/healthz", &r) == 0 && r.status == 200) {
            http_resp_free(&r);
            return 0;
        }
        http_resp_free(&r);
        int st;
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) return d->pid = 0, -1;
        usleep(20 * 1000);
    }
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    d->pid = 0;
    return -1;
}

int testd_stop(testd *d, int sig, double timeout, double *seconds)
{
    int st;
    if (d->pid <= 0) return -1;
    double t0 = now();
    kill(d->pid, sig);
    while (now() - t0 < timeout) {
        if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
            if (seconds) *seconds = now() - t0;
            d->pid = 0;
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        usleep(5 * 1000);
    }
    kill(d->pid, SIGKILL);
    waitpid(d->pid, NULL, 0);
    d->pid = 0;
    return -1;
}

typedef struct sink {
    char *p;
    size_t len, cap;
} sink;

static size_t sink_write(char *data, size_t size, size_t nmemb, void *userp)
{
    sink *s = userp;
    size_t n = size * nmemb;
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n + 1) cap *= 2;
        char *p = realloc(s->p, cap);
        if (!p) return 0;
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->len, data, n);
    s->len += n;
    s->p[s->len] = 0;
    return n;
}

int http_do(const testd *d, const char *method, const char *path, const char *ctype,
            const void *body, size_t len, const char *const *extra, http_resp *out)
{
    char url[8192], ct[256];
    sink b = {0}, h = {0};
    struct curl_slist *hdrs = NULL;
    memset(out, 0, sizeof *out);
    CURL *c = curl_easy_init();
    if (!c) return -1;
    snprintf(url, sizeof url, "%s%s", d->base, path);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0) curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    }
    /* no Content-Type unless asked for: curl would add a form type */
    snprintf(ct, sizeof ct, "Content-Type:%s%s", ctype ? " " : "", ctype ? ctype : "");
    hdrs = curl_slist_append(hdrs, ct);
    hdrs = curl_slist_append(hdrs, "Expect:");
    for (int i = 0; extra && extra[i]; i++) hdrs = curl_slist_append(hdrs, extra[i]);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, sink_write);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    int rc = (int)curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME, &out->seconds);
    out->body = b.p ? b.p : calloc(1, 1);
    out->len = b.len;
    out->headers = h.p ? h.p : calloc(1, 1);
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(c);
    return rc;
}

int http_post_json(const testd *d, const char *path, const char *json, http_resp *out)
{
    return http_do(d, "POST", path, "application/json", json, strlen(json), NULL, out);
}

int http_get(const testd *d, const char *path, http_resp *out)
{
    return http_do(d, "GET", path, NULL, NULL, 0, NULL, out);
}

const char *resp_header(const http_resp *r, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *eol = strstr(line, "\r\n");
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        if (len > n && line[n] == ':' && strncasecmp(line, name, n) == 0) {
            const char *v = line + n + 1;
            while (*v == ' ') v++;
            size_t vl = (size_t)(line + len - v);
            if (vl >= cap) vl = cap - 1;
            memcpy(buf, v, vl);
            buf[vl] = 0;
            return buf;
        }
        line = eol ? eol + 2 : NULL;
    }
    return NULL;
}

json_t *resp_json(const http_resp *r)
{
    return json_loadb(r->body, r->len, 0, NULL);
}

void http_resp_free(http_resp *r)
{
    free(r->body);
    free(r->headers);
    r->body = r->headers = NULL;
}

long testd_rss_kb(const testd *d)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)d->pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1) break;
    fclose(f);
    return kb;
}
