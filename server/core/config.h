/*
 * config.h - activd's settings: one table of flags, each with an
 * environment variable (ACTIVD_<NAME>), a default and bounds; --help is
 * generated from it.
 */
#ifndef ACTIVD_CONFIG_H
#define ACTIVD_CONFIG_H

#include <stddef.h>

enum log_format { LOG_JSON = 0, LOG_TEXT = 1, LOG_OFF = 2 };
enum sched_policy { SCHED_POLICY_BATCH = 0, SCHED_POLICY_NORMAL = 1 };

#define CONFIG_MAX_ORIGINS 16

typedef struct config {
    char bind[64];
    unsigned port;
    unsigned threads;
    size_t max_body;
    size_t max_buffer; /* all request bodies held at once */
    size_t max_elements;
    unsigned timeout;         /* idle seconds before a connection is closed */
    unsigned request_timeout; /* whole-request deadline, seconds */
    unsigned drain_timeout;   /* SIGTERM: longest wait for in-flight requests */
    unsigned max_connections;
    unsigned max_connections_per_ip;
    enum log_format log;
    enum sched_policy sched;
    unsigned n_origins;
    char cors_origins[CONFIG_MAX_ORIGINS][128]; /* "*" or exact origins */
    char www_dir[256];                          /* web assets directory ("" = embedded) */
} config;

/* Outcome of config_parse. */
enum config_result { CONFIG_RUN = 0, CONFIG_EXIT_OK = 1, CONFIG_EXIT_USAGE = 2 };

/* Fill c from defaults, then the environment, then argv (flags win).
 * --help and --version print to stdout and return CONFIG_EXIT_OK; a bad flag
 * or value prints one clear line to stderr and returns CONFIG_EXIT_USAGE
 * (exit status 2). */
enum config_result config_parse(config *c, int argc, char **argv);

#endif
