/*
 * list.h - THE list of activd's routes, in matching order:
 *
 *   R(id, path, param, methods, handler, metrics name, spare, begin)
 *
 * path is exact when param is ""; otherwise it is a prefix and param names
 * the rest as docs/openapi.json writes it (path param is the document's
 * path). The core derives the Allow header from the methods (HEAD with GET,
 * OPTIONS always); the metrics slot of a route is its row; the unit test
 * tests/unit/test_routes.c checks that docs/openapi.json has exactly these
 * paths and methods. spare and begin: http_route's hooks for a POST body.
 *
 * Expanded by routes/table.c (the table given to http_start) and by
 * tests/integration/test_service.c.
 */
#ifndef ACTIVD_ROUTE_LIST_H
#define ACTIVD_ROUTE_LIST_H

#define ROUTES(R)                                                                                  \
    R(ROUTE_EVAL, "/eval", "", M_GET | M_POST, route_eval, "eval", eval_spare, eval_begin)         \
    R(ROUTE_GRAD, "/grad", "", M_GET | M_POST, route_grad, "grad", eval_spare, NULL)               \
    R(ROUTE_HEALTHZ, "/healthz", "", M_GET, route_healthz, "healthz", NULL, NULL)                  \
    R(ROUTE_READYZ, "/readyz", "", M_GET, route_readyz, "readyz", NULL, NULL)                      \
    R(ROUTE_VERSION, "/version", "", M_GET, route_version, "version", NULL, NULL)                  \
    R(ROUTE_PROBLEM, "/problems/", "{type}", M_GET, route_problem, "problems", NULL, NULL)         \
    R(ROUTE_ACTIVATIONS, "/activations", "", M_GET, route_activations, "activations", NULL, NULL)  \
    R(ROUTE_ACTIVATION, "/activations/", "{name}", M_GET, route_activation, "activation", NULL,    \
      NULL)                                                                                        \
    R(ROUTE_PLOT, "/plot", "", M_GET, route_plot, "plot", NULL, NULL)                              \
    R(ROUTE_METRICS, "/metrics", "", M_GET, route_metrics, "metrics", NULL, NULL)                  \
    R(ROUTE_OPENAPI, "/openapi.json", "", M_GET, route_openapi, "openapi", NULL, NULL)             \
    R(ROUTE_INDEX, "/", "", M_GET, route_index, "index", NULL, NULL)                               \
    R(ROUTE_STATIC, "/static/", "{file}", M_GET, route_static, "static", NULL, NULL)

#endif
