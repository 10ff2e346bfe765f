/*
 * openapi.c - GET /openapi.json: docs/openapi.json (compiled in) completed
 * from the code it describes, so the served document cannot drift from it:
 *
 *   info.version                          the daemon's version
 *   components.schemas.ActivationName     examples: every registry name
 *   components.schemas.Problem.type       enum: every problem type of problem.c
 *
 * Built once on first use; the text then lives until exit.
 */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ.h"
#include "routes/embedded.h"
#include "routes/problems.h"
#include "core/version.h"
#include "routes/openapi.h"

static char *doc;
static size_t doc_len;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static json_t *schema(json_t *root, const char *name)
{
    return json_object_get(json_object_get(json_object_get(root, "components"), "schemas"), name);
}

static int complete(json_t *root)
{
    json_t *names = json_array(), *slugs = json_array();
    char type[96];
    for (size_t i = 0; i < activ_count(); i++)
        json_array_append_new(names, json_string(activ_name(activ_at(i))));
    for (int t = 0; t < P_COUNT; t++) {
        snprintf(type, sizeof type, "/problems/%s", problem_slug((enum problem_type)t));
        json_array_append_new(slugs, json_string(type));
    }
    json_t *an = schema(root, "ActivationName");
    json_t *ptype = json_object_get(json_object_get(schema(root, "Problem"), "properties"), "type");
    if (!json_is_object(an) || !json_is_object(ptype) ||
        json_object_set_new(json_object_get(root, "info"), "version", json_string(ACTIVD_VERSION)))
        an = NULL;
    if (an) json_object_set(an, "examples", names);
    if (an) json_object_set(ptype, "enum", slugs);
    json_decref(names);
    json_decref(slugs);
    return an ? 0 : -1;
}

static void build(void)
{
    const embedded_file *f = &embedded_openapi[0];
    json_error_t err;
    json_t *root = f->name ? json_loadb((const char *)f->data, f->len, 0, &err) : NULL;
    if (!root) {
        fprintf(stderr, "activd: the built-in openapi.json does not parse: %s (line %d)\n",
                f->name ? err.text : "missing", f->name ? err.line : 0);
        return;
    }
    /* precision 15: the template's hand-written reals print as written */
    if (complete(root) == 0) doc = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    if (doc) doc_len = strlen(doc);
    json_decref(root);
}

enum MHD_Result route_openapi(req *r)
{
    pthread_once(&once, build);
    if (!doc) return problem_reply(r, P_INTERNAL, "the OpenAPI document is not available");
    return http_send(r, 200, "application/json", doc, doc_len, BODY_STATIC, NULL);
}
