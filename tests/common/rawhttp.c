/*
 * rawhttp.c - see rawhttp.h.
 */
#include "rawhttp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

double raw_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

double test_slowdown(void)
{
    const char *s = getenv("ACTIV_TEST_SLOWDOWN");
    double f = s ? atof(s) : 1;
    return f >= 1 ? f : 1;
}

int raw_connect(unsigned port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = {10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

int raw_send(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t k = send(fd, p, len, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return -1;
        p += k;
        len -= (size_t)k;
    }
    return 0;
}

int raw_sends(int fd, const char *s)
{
    return raw_send(fd, s, strlen(s));
}

/* Read what is there within the deadline; >0 bytes, 0 closed, -1 timeout. */
static ssize_t read_some(int fd, char *buf, size_t cap, double deadline)
{
    for (;;) {
        double left = deadline - raw_now();
        if (left <= 0) return -1;
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, (int)(left * 1000) + 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) continue;
        ssize_t k = recv(fd, buf, cap, 0);
        if (k < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        return k < 0 ? 0 : k; /* a reset counts as closed */
    }
}

int raw_read(int fd, raw_resp *r, double timeout)
{
    double t0 = raw_now(), deadline = t0 + timeout;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    memset(r, 0, sizeof *r);
    char *end = NULL;
    size_t need = 0;
    int rc = -1;
    for (;;) {
        if (len + 2048 > cap) buf = realloc(buf, cap *= 2);
        if (!end) {
            buf[len] = 0;
            end = strstr(buf, "\r\n\r\n");
            if (end) {
                size_t hlen = (size_t)(end - buf) + 4;
                r->head = malloc(hlen + 1);
                memcpy(r->head, buf, hlen);
                r->head[hlen] = 0;
                sscanf(buf, "HTTP/%*d.%*d %d", &r->status);
                char cl[32];
                need = hlen + (raw_header(r, "Content-Length", cl, sizeof cl)
                                   ? (size_t)strtoull(cl, NULL, 10)
                                   : 0);
            }
        }
        if (end && len >= need) {
            size_t hlen = strlen(r->head);
            r->body_len = need - hlen;
            r->body = malloc(r->body_len + 1);
            memcpy(r->body, buf + hlen, r->body_len);
            r->body[r->body_len] = 0;
            rc = 0;
            break;
        }
        ssize_t k = read_some(fd, buf + len, cap - len - 1, deadline);
        if (k == 0) r->closed = 1;
        if (k <= 0) break;
        len += (size_t)k;
    }
    if (!r->head && len) { /* something that is not a whole header block */
        r->head = malloc(len + 1);
        memcpy(r->head, buf, len);
        r->head[len] = 0;
        sscanf(buf, "HTTP/%*d.%*d %d", &r->status);
    }
    if (!r->head) r->head = calloc(1, 1);
    if (!r->body) r->body = calloc(1, 1);
    r->seconds = raw_now() - t0;
    free(buf);
    return rc;
}

double raw_wait_closed(int fd, double timeout)
{
    double t0 = raw_now();
    char buf[4096];
    for (;;) {
        ssize_t k = read_some(fd, buf, sizeof buf, t0 + timeout);
        if (k == 0) return raw_now() - t0;
        if (k < 0) return -1;
    }
}

void raw_resp_free(raw_resp *r)
{
    free(r->head);
    free(r->body);
    r->head = r->body = NULL;
}

int raw_exchange(unsigned port, const void *req, size_t len, raw_resp *r, double timeout)
{
    int fd = raw_connect(port);
    if (fd < 0) {
        memset(r, 0, sizeof *r);
        r->head = calloc(1, 1);
        r->body = calloc(1, 1);
        return -1;
    }
    raw_send(fd, req, len); /* the server may close early: read what it said */
    int rc = raw_read(fd, r, timeout);
    close(fd);
    return rc;
}

const char *raw_header(const raw_resp *r, const char *name, char *buf, size_t cap)
{
    size_t n = strlen(name);
    const char *line = r->head ? strstr(r->head, "\r\n") : NULL;
    while (line && line[2] && !(line[2] == '\r' && line[3] == '\n')) {
        line += 2;
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
        line = eol;
    }
    return NULL;
}
