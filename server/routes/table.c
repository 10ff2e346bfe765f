/*
 * routes.c - the route table, and the small routes: health, readiness,
 * version, problem-type descriptions.
 */
#include <jansson.h>
#include <string.h>

#include "routes/catalogue.h"
#include "routes/eval.h"
#include "routes/metrics.h"
#include "routes/plot.h"
#include "routes/problems.h"
#include "core/version.h"
#include "routes/web.h"

static enum MHD_Result route_healthz(req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}\n";
    return http_send(r, 200, "application/json", (void *)ok, sizeof ok - 1, BODY_STATIC, NULL);
}

/* 200 only while serving; 503 while starting or draining, so load
 * balancers stop sending before the listener closes. */
static enum MHD_Result route_readyz(req *r)
{
    static const char ready[] = "{\"status\":\"ready\"}\n";
    if (atomic_load(&r->srv->state) == STATE_READY)
        return http_send(r, 200, "application/json", (void *)ready, sizeof ready - 1, BODY_STATIC,
                         NULL);
    return problem_reply(r, P_UNAVAILABLE, "not ready: %s",
                         atomic_load(&r->srv->state) == STATE_DRAINING ? "draining" : "starting");
}

static enum MHD_Result route_version(req *r)
{
    obuf b = {0};
    ob_printf(&b,
              "{\"activd\":\"%s\",\"libactiv\":\"%s\",\"libactiv_version_num\":%u,"
              "\"libmicrohttpd\":\"%s\",\"jansson\":\"%s\",\"activations\":%zu}\n",
              ACTIVD_VERSION, activ_version(), activ_version_num(), MHD_get_version(),
              jansson_version_str(), activ_count());
    return http_send_json(r, 200, &b);
}

const struct route http_routes[] = {
    {"/eval", 0, M_GET | M_POST, "GET, HEAD, POST, OPTIONS", route_eval, "eval", eval_spare,
     eval_begin},
    {"/grad", 0, M_GET | M_POST, "GET, HEAD, POST, OPTIONS", route_grad, "grad", eval_spare, NULL},
    {"/healthz", 0, M_GET, "GET, HEAD, OPTIONS", route_healthz, "healthz", NULL, NULL},
    {"/readyz", 0, M_GET, "GET, HEAD, OPTIONS", route_readyz, "readyz", NULL, NULL},
    {"/version", 0, M_GET, "GET, HEAD, OPTIONS", route_version, "version", NULL, NULL},
    {"/problems/", 1, M_GET, "GET, HEAD, OPTIONS", route_problem, "problems", NULL, NULL},
    {"/activations", 0, M_GET, "GET, HEAD, OPTIONS", route_activations, "activations", NULL, NULL},
    {"/activations/", 1, M_GET, "GET, HEAD, OPTIONS", route_activation, "activation", NULL, NULL},
    {"/plot", 0, M_GET, "GET, HEAD, OPTIONS", route_plot, "plot", NULL, NULL},
    {"/metrics", 0, M_GET, "GET, HEAD, OPTIONS", route_metrics, "metrics", NULL, NULL},
    {"/openapi.json", 0, M_GET, "GET, HEAD, OPTIONS", route_openapi, "openapi", NULL, NULL},
    {"/", 0, M_GET, "GET, HEAD, OPTIONS", route_index, "index", NULL, NULL},
    {"/static/", 1, M_GET, "GET, HEAD, OPTIONS", route_static, "static", NULL, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL},
};
