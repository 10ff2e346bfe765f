/*
 * web.c - GET / and /static/<file>: the web page's assets.
 *
 * By default they come from the copy compiled into the binary (one file to
 * deploy, nothing to find at run time). --www-dir serves them from a
 * directory instead, read on every request, so the page can be edited and
 * reloaded without rebuilding the daemon.
 */
#include "routes/web.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "routes/embedded.h"
#include "routes/problems.h"

#define STATIC_PREFIX "/static/"
#define MAX_FILE      (16u << 20)

static const struct {
    const char *ext, *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {NULL, NULL},
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    for (int i = 0; dot && types[i].ext; i++)
        if (strcmp(dot, types[i].ext) == 0) return types[i].type;
    return "application/octet-stream";
}

/* Only plain file names: no '/', no leading '.', so no way out of the
 * directory and no dot-files. */
static int name_ok(const char *s)
{
    size_t n = 0;
    if (s[0] == '.' || s[0] == 0) return 0;
    for (; s[n]; n++) {
        char c = s[n];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return 0;
    }
    return n <= 128;
}

/* The page only talks to this origin; the policy makes injected markup
 * inert even if a bug ever let some through. */
static enum MHD_Result send_file(req *r, const char *name, void *body, size_t len,
                                 enum body_owner own)
{
    const char *type = type_of(name);
    const char *headers[] = {
        "Cache-Control",
        "no-cache",
        "X-Content-Type-Options",
        "nosniff",
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
        NULL};
    if (strncmp(type, "text/html", 9) != 0) headers[4] = NULL;
    return http_send(r, 200, type, body, len, own, headers);
}

static enum MHD_Result not_found(req *r, const char *name)
{
    return problem_reply(r, P_NOT_FOUND, "no file '%.128s' in the web page's assets", name);
}

static enum MHD_Result serve_embedded(req *r, const char *name)
{
    for (const embedded_file *f = embedded_www; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return send_file(r, name, (void *)f->data, f->len, BODY_STATIC);
    return not_found(r, name);
}

/* Read a whole regular file; NULL if absent, not regular or too large. */
static char *read_file(const char *path, size_t *len)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    char *buf = NULL;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > MAX_FILE) goto out;
    size_t n = (size_t)st.st_size, got = 0;
    buf = malloc(n ? n : 1);
    while (buf && got < n) {
        ssize_t k = read(fd, buf + got, n - got);
        if (k <= 0) {
            free(buf);
            buf = NULL;
            break;
        }
        got += (size_t)k;
    }
    *len = got;
out:
    close(fd);
    return buf;
}

static enum MHD_Result serve_dir(req *r, const char *name)
{
    char path[512];
    size_t len = 0;
    snprintf(path, sizeof path, "%s/%s", r->srv->cfg.www_dir, name);
    char *body = read_file(path, &len);
    if (!body) return not_found(r, name);
    return send_file(r, name, body, len, BODY_FREE);
}

static enum MHD_Result serve(req *r, const char *name)
{
    if (!name_ok(name)) return not_found(r, name);
    return r->srv->cfg.www_dir[0] ? serve_dir(r, name) : serve_embedded(r, name);
}

enum MHD_Result route_index(req *r)
{
    return serve(r, "index.html");
}

enum MHD_Result route_static(req *r)
{
    return serve(r, r->url + strlen(STATIC_PREFIX));
}
