/*
 * config.c - flags and environment variables from one table.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "activ.h"
#include "core/version.h"

enum opt_type { OPT_STR, OPT_UINT, OPT_SIZE, OPT_CHOICE, OPT_ORIGIN };

struct option_spec {
    const char *name; /* flag without "--"; env var is ACTIVD_ + upper(name) */
    enum opt_type type;
    size_t offset, size; /* field in struct config */
    unsigned long long min, max;
    const char *def; /* default as text (parsed like a flag value) */
    const char *help;
    const char *const *choices; /* OPT_CHOICE: the words, stored as their index */
};

#define F(field) offsetof(config, field), sizeof(((config *)0)->field)

/* OPT_CHOICE words, in the order of their enums in config.h */
static const char *const log_words[] = {"json", "text", "off", NULL};
static const char *const sched_words[] = {"batch", "normal", NULL};

/* threads default to the number of CPUs: filled in at run time (def NULL). */
static const struct option_spec options[] = {
    {"bind", OPT_STR, F(bind), 0, 0, "127.0.0.1", "address to listen on (0.0.0.0 for all)", NULL},
    {"port", OPT_UINT, F(port), 0, 65535, "8080", "TCP port (0: any free port, printed)", NULL},
    {"threads", OPT_UINT, F(threads), 1, 256, NULL, "worker threads (default: CPUs)", NULL},
    {"max-body", OPT_SIZE, F(max_body), 64, 1ull << 32, "64Mi",
     "largest request body in bytes (k/M/G or Ki/Mi/Gi suffixes)", NULL},
    {"max-buffer", OPT_SIZE, F(max_buffer), 64, 1ull << 40, "1Gi",
     "request bodies held in memory at once, all connections together; beyond it new "
     "requests get 503",
     NULL},
    {"max-elements", OPT_SIZE, F(max_elements), 1, 1ull << 30, "16Mi",
     "most numbers in one request (x, range and grad_output each)", NULL},
    {"timeout", OPT_UINT, F(timeout), 1, 86400, "10", "idle seconds before a connection closes",
     NULL},
    {"request-timeout", OPT_UINT, F(request_timeout), 1, 86400, "30",
     "seconds a client has to send one whole request", NULL},
    {"drain-timeout", OPT_UINT, F(drain_timeout), 0, 3600, "20",
     "on SIGTERM, seconds to wait for requests in flight", NULL},
    {"max-connections", OPT_UINT, F(max_connections), 1, 1000000, "1000", "concurrent connections",
     NULL},
    {"max-connections-per-ip", OPT_UINT, F(max_connections_per_ip), 0, 1000000, "0",
     "concurrent connections from one address (0: no limit)", NULL},
    {"log", OPT_CHOICE, F(log), 0, 0, "json", "access log on stdout: json, text or off", log_words},
    {"sched", OPT_CHOICE, F(sched), 0, 0, "batch",
     "CPU scheduling policy of the threads: batch (SCHED_BATCH: no wake-up preemption) or "
     "normal",
     sched_words},
    {"cors-origin", OPT_ORIGIN, F(cors_origins), 0, 0, NULL,
     "allow browser calls from this origin (repeatable, or *)", NULL},
    {"www-dir", OPT_STR, F(www_dir), 0, 0, "",
     "serve the web page from here instead of the "
     "copy built into the binary",
     NULL},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

static int parse_size(const char *s, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)*s)) return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno) return -1;
    static const struct {
        const char *suffix;
        unsigned long long mult;
    } units[] = {{"", 1},        {"k", 1000},         {"K", 1000},       {"Ki", 1024},
                 {"M", 1000000}, {"Mi", 1024 * 1024}, {"G", 1000000000}, {"Gi", 1024ull << 20}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].suffix) == 0) {
            if (v > ~0ull / units[i].mult) return -1;
            *out = v * units[i].mult;
            return 0;
        }
    }
    return -1;
}

static void store_uint(config *c, const struct option_spec *o, unsigned long long v)
{
    char *field = (char *)c + o->offset;
    if (o->size == sizeof(unsigned)) {
        unsigned u = (unsigned)v;
        memcpy(field, &u, sizeof u);
    } else {
        size_t z = (size_t)v;
        memcpy(field, &z, sizeof z);
    }
}

/* Apply one value; on error print "activd: <source>: ..." and return -1. */
static int apply(config *c, const struct option_spec *o, const char *val, const char *source)
{
    char *field = (char *)c + o->offset;
    unsigned long long v;
    switch (o->type) {
    case OPT_STR:
        if (strlen(val) >= o->size) goto too_long;
        strcpy(field, val);
        return 0;
    case OPT_CHOICE:
        for (unsigned k = 0; o->choices[k]; k++)
            if (strcmp(val, o->choices[k]) == 0) {
                store_uint(c, o, k);
                return 0;
            }
        fprintf(stderr, "activd: %s: '%s' is not one of", source, val);
        for (unsigned k = 0; o->choices[k]; k++)
            fprintf(stderr, "%s %s", k ? "," : "", o->choices[k]);
        fprintf(stderr, "\n");
        return -1;
    case OPT_ORIGIN:
        for (const char *p = val; *p;) { /* comma-separated, for the env var */
            size_t len = strcspn(p, ",");
            if (c->n_origins == CONFIG_MAX_ORIGINS) {
                fprintf(stderr, "activd: %s: at most %d origins\n", source, CONFIG_MAX_ORIGINS);
                return -1;
            }
            if (len == 0 || len >= sizeof c->cors_origins[0]) goto too_long;
            memcpy(c->cors_origins[c->n_origins], p, len);
            c->cors_origins[c->n_origins++][len] = 0;
            p += len + (p[len] == ',');
        }
        return 0;
    case OPT_UINT:
    case OPT_SIZE:
        if ((o->type == OPT_UINT ? parse_size(val, &v) || strpbrk(val, "kKMGi") != NULL
                                 : parse_size(val, &v)) ||
            v < o->min || v > o->max) {
            fprintf(stderr, "activd: %s: '%s' is not %s between %llu and %llu\n", source, val,
                    o->type == OPT_SIZE ? "a size" : "a whole number", o->min, o->max);
            return -1;
        }
        store_uint(c, o, v);
        return 0;
    }
    return -1;
too_long:
    fprintf(stderr, "activd: %s: value too long or empty\n", source);
    return -1;
}

static void env_name(const struct option_spec *o, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "ACTIVD_");
    for (const char *p = o->name; *p && k + 1 < cap; p++)
        buf[k++] = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    buf[k] = 0;
}

static void usage(void)
{
    char env[64];
    printf("Usage: activd [options]\n"
           "Serve neural-network activation functions and their derivatives over HTTP.\n\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char flag[48];
        env_name(&options[i], env, sizeof env);
        snprintf(flag, sizeof flag, "--%s %s", options[i].name,
                 options[i].type == OPT_STR || options[i].type == OPT_ORIGIN ? "STR"
                 : options[i].type == OPT_CHOICE                             ? "WORD"
                                                                             : "N");
        printf("  %-30s %s\n  %-30s env %s", flag, options[i].help, "", env);
        if (options[i].def && *options[i].def) printf(", default %s", options[i].def);
        printf("\n");
    }
    printf("  %-30s %s\n  %-30s %s\n", "-h, --help", "this text", "-V, --version",
           "versions of activd and its libraries");
}

static void version(void)
{
    printf("activd %s (libactiv %s, libmicrohttpd %s, jansson %s)\n", ACTIVD_VERSION,
           activ_version(), MHD_get_version(), jansson_version_str());
}

static int set_defaults(config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (options[i].def && apply(c, &options[i], options[i].def, "default") != 0) return -1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    c->threads = cpus > 0 ? (unsigned)cpus : 1;
    return 0;
}

static int read_env(config *c)
{
    char env[64], src[80];
    for (size_t i = 0; i < N_OPTIONS; i++) {
        env_name(&options[i], env, sizeof env);
        const char *v = getenv(env);
        if (!v) continue;
        snprintf(src, sizeof src, "%s", env);
        if (apply(c, &options[i], v, src) != 0) return -1;
    }
    return 0;
}

static const struct option_spec *find_option(const char *name, size_t len)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].name) == len && memcmp(options[i].name, name, len) == 0)
            return &options[i];
    return NULL;
}

enum config_result config_parse(config *c, int argc, char **argv)
{
    if (set_defaults(c) != 0 || read_env(c) != 0) return CONFIG_EXIT_USAGE;
    int flag_origins = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val;
        char src[80];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) return usage(), CONFIG_EXIT_OK;
        if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) return version(), CONFIG_EXIT_OK;
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "activd: unexpected argument '%s' (try --help)\n", a);
            return CONFIG_EXIT_USAGE;
        }
        const char *eq = strchr(a + 2, '=');
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        const struct option_spec *o = find_option(a + 2, len);
        if (!o) {
            fprintf(stderr, "activd: unknown option '%.*s' (try --help)\n", (int)len + 2, a);
            return CONFIG_EXIT_USAGE;
        }
        if (eq) {
            val = eq + 1;
        } else if (i + 1 < argc) {
            val = argv[++i];
        } else {
            fprintf(stderr, "activd: option '--%s' needs a value\n", o->name);
            return CONFIG_EXIT_USAGE;
        }
        if (o->type == OPT_ORIGIN && flag_origins++ == 0) c->n_origins = 0; /* flags replace env */
        snprintf(src, sizeof src, "--%s", o->name);
        if (apply(c, o, val, src) != 0) return CONFIG_EXIT_USAGE;
    }
    return CONFIG_RUN;
}
