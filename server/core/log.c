/*
 * log.c - access log and events.
 *
 * Lines go through one fully buffered stdout stream under a mutex, flushed
 * by a background thread every 200 ms and at shutdown: a write(2) per
 * request would cost more than a small request itself.
 */
#include "core/log.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum log_format log_fmt = LOG_OFF;
static pthread_t flusher;
static volatile int flusher_run;
static char log_buf[1 << 16];

static void *flush_loop(void *arg)
{
    (void)arg;
    while (flusher_run) {
        usleep(200 * 1000);
        pthread_mutex_lock(&log_lock);
        fflush(stdout);
        pthread_mutex_unlock(&log_lock);
    }
    return NULL;
}

void log_init(const config *c)
{
    log_fmt = c->log;
    setvbuf(stdout, log_buf, _IOFBF, sizeof log_buf);
    flusher_run = 1;
    if (pthread_create(&flusher, NULL, flush_loop, NULL) != 0) flusher_run = 0;
}

void log_shutdown(void)
{
    if (flusher_run) {
        flusher_run = 0;
        pthread_join(flusher, NULL);
    }
    pthread_mutex_lock(&log_lock);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

/* ISO 8601 UTC with milliseconds. The date and time up to the second are
 * formatted once per second per thread: strftime per request cost more than
 * the rest of the log line. */
static void timestamp(char *buf, size_t cap)
{
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[24];
    struct timeval tv;
    gettimeofday(&tv, NULL);
    if (tv.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&tv.tv_sec, &tm);
        strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S", &tm);
        cached_sec = tv.tv_sec;
    }
    int ms = (int)(tv.tv_usec / 1000);
    size_t n = strlen(cached);
    if (cap < n + 6) return;
    memcpy(buf, cached, n);
    buf[n] = '.';
    buf[n + 1] = (char)('0' + ms / 100);
    buf[n + 2] = (char)('0' + ms / 10 % 10);
    buf[n + 3] = (char)('0' + ms % 10);
    buf[n + 4] = 'Z';
    buf[n + 5] = 0;
}

/* A log line built by hand in a fixed buffer (silently truncated at its
 * end), then written with one fwrite under the lock. */
typedef struct line {
    char b[1024];
    size_t n;
} line;

static void put(line *l, const char *s, size_t n)
{
    if (n > sizeof l->b - l->n) n = sizeof l->b - l->n;
    memcpy(l->b + l->n, s, n);
    l->n += n;
}

static void put_str(line *l, const char *s)
{
    put(l, s, strlen(s));
}

static void put_uint(line *l, unsigned long long v)
{
    char d[24];
    size_t k = sizeof d;
    do d[--k] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    put(l, d + k, sizeof d - k);
}

/* milliseconds with three decimals */
static void put_ms(line *l, double ms)
{
    unsigned long long us = (unsigned long long)(ms * 1000 + 0.5);
    char frac[3] = {(char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10), (char)('0' + us % 10)};
    put_uint(l, us / 1000);
    put(l, ".", 1);
    put(l, frac, 3);
}

/* Client bytes (the path, at most 512 of them) safe in both formats:
 * anything not printable ASCII, and quotes and backslashes, as \u00XX. */
static void put_path(line *l, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; s[i] && i < 512; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(l, e, 6);
        } else {
            put(l, s + i, 1);
        }
    }
}

void log_request(const req *r, int ok)
{
    if (log_fmt == LOG_OFF) return;
    char ts[40];
    line l = {.n = 0};
    double ms = (http_now() - r->t0) * 1e3;
    int json = log_fmt == LOG_JSON;
    timestamp(ts, sizeof ts);
    put_str(&l, json ? "{\"ts\":\"" : "");
    put_str(&l, ts);
    put_str(&l, json ? "\",\"id\":\"" : " ");
    put_str(&l, r->id);
    put_str(&l, json ? "\",\"method\":\"" : " ");
    put_str(&l, r->method == M_OTHER ? "OTHER" : r->method_name);
    put_str(&l, json ? "\",\"path\":\"" : " ");
    put_path(&l, r->url);
    put_str(&l, json ? "\",\"status\":" : " ");
    put_uint(&l, r->status);
    put_str(&l, json ? ",\"ms\":" : " ");
    put_ms(&l, ms);
    put_str(&l, json ? ",\"bytes_in\":" : "ms in=");
    put_uint(&l, r->body.len);
    put_str(&l, json ? ",\"bytes_out\":" : " out=");
    put_uint(&l, r->bytes_out);
    put_str(&l, json ? ",\"elements\":" : " elements=");
    put_uint(&l, r->elements);
    if (!ok) put_str(&l, json ? ",\"aborted\":true" : " aborted");
    if (l.n > sizeof l.b - 2) l.n = sizeof l.b - 2;
    put_str(&l, json ? "}\n" : "\n");
    pthread_mutex_lock(&log_lock);
    fwrite(l.b, 1, l.n, stdout);
    pthread_mutex_unlock(&log_lock);
}

void log_mhd_error(const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    fprintf(stderr, "activd: libmicrohttpd: %s\n", msg);
}

void log_event(const char *event, const char *detail)
{
    char ts[40];
    if (log_fmt == LOG_OFF) return;
    timestamp(ts, sizeof ts);
    pthread_mutex_lock(&log_lock);
    if (log_fmt == LOG_JSON)
        printf("{\"ts\":\"%s\",\"event\":\"%s\",\"detail\":\"%s\"}\n", ts, event, detail);
    else
        printf("%s %s %s\n", ts, event, detail);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}
