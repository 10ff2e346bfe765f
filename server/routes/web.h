/*
 * web.h - documents activd serves: the single-page app (GET / and
 * /static/<file>, built into the binary or read from --www-dir) and its
 * OpenAPI description (GET /openapi.json).
 */
#ifndef ACTIVD_WEB_H
#define ACTIVD_WEB_H

#include "core/http.h"

enum MHD_Result route_index(req *r);
enum MHD_Result route_static(req *r);
enum MHD_Result route_openapi(req *r);

#endif
