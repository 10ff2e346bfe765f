/*
 * observe.c - access log and events.
 *
 * Lines go through one fully buffered stdout stream under a mutex, flushed
 * by a background thread every 200 ms and at shutdown: a write(2) per
 * request would cost more than the request at 100k requests/s.
 */
#include "observe.h"

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

void observe_init(const config *c)
{
    log_fmt = c->log;
    setvbuf(stdout, log_buf, _IOFBF, sizeof log_buf);
    flusher_run = 1;
    if (pthread_create(&flusher, NULL, flush_loop, NULL) != 0) flusher_run = 0;
}

void observe_shutdown(void)
{
    if (flusher_run) {
        flusher_run = 0;
        pthread_join(flusher, NULL);
    }
    pthread_mutex_lock(&log_lock);
    fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

/* ISO 8601 UTC with milliseconds. */
static void timestamp(char *buf, size_t cap)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, cap - n, ".%03dZ", (int)(tv.tv_usec / 1000));
}

/* Client bytes (the path) printed safely for both formats: anything not
 * printable ASCII, and quotes and backslashes, as \u00XX. */
static void put_escaped(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\')
            printf("\\u%04x", c);
        else
            putchar(c);
    }
}

void observe_request(const req *r, int ok)
{
    if (log_fmt == LOG_OFF) return;
    char ts[40];
    double ms = (http_now() - r->t0) * 1e3;
    const char *method = r->method == M_OTHER ? "OTHER" : r->method_name;
    timestamp(ts, sizeof ts);
    pthread_mutex_lock(&log_lock);
    if (log_fmt == LOG_JSON) {
        printf("{\"ts\":\"%s\",\"id\":\"%s\",\"method\":\"%s\",\"path\":\"", ts, r->id, method);
        put_escaped(r->url);
        printf(
            "\",\"status\":%u,\"ms\":%.3f,\"bytes_in\":%zu,\"bytes_out\":%zu,\"elements\":%zu%s}\n",
            r->status, ms, r->len, r->bytes_out, r->elements, ok ? "" : ",\"aborted\":true");
    } else {
        printf("%s %s %s ", ts, r->id, method);
        put_escaped(r->url);
        printf(" %u %.3fms in=%zu out=%zu%s\n", r->status, ms, r->len, r->bytes_out,
               ok ? "" : " aborted");
    }
    pthread_mutex_unlock(&log_lock);
}

void observe_mhd_error(const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r')) msg[--n] = 0;
    fprintf(stderr, "activd: libmicrohttpd: %s\n", msg);
}

void observe_event(const char *event, const char *detail)
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
