/*
 * health.c - the small routes a load balancer and an operator ask:
 * liveness, readiness, versions.
 */
#include "routes/health.h"

#include <jansson.h>

#include "core/version.h"
#include "routes/problems.h"

enum MHD_Result route_healthz(req *r)
{
    static const char ok[] = "{\"status\":\"ok\"}\n";
    return http_send(r, 200, "application/json", (void *)ok, sizeof ok - 1, BODY_STATIC, NULL);
}

/* 503 while starting or draining, so load balancers stop sending before
 * the listener closes. */
enum MHD_Result route_readyz(req *r)
{
    static const char ready[] = "{\"status\":\"ready\"}\n";
    if (atomic_load(&r->srv->state) == STATE_READY)
        return http_send(r, 200, "application/json", (void *)ready, sizeof ready - 1, BODY_STATIC,
                         NULL);
    return problem_reply(r, P_UNAVAILABLE, "not ready: %s",
                         atomic_load(&r->srv->state) == STATE_DRAINING ? "draining" : "starting");
}

enum MHD_Result route_version(req *r)
{
    obuf b = {0};
    ob_printf(&b,
              "{\"activd\":\"%s\",\"libactiv\":\"%s\",\"libactiv_version_num\":%u,"
              "\"libmicrohttpd\":\"%s\",\"jansson\":\"%s\",\"activations\":%zu}\n",
              ACTIVD_VERSION, activ_version(), activ_version_num(), MHD_get_version(),
              jansson_version_str(), activ_count());
    return http_send_json(r, 200, &b);
}
