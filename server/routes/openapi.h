/*
 * openapi.h - GET /openapi.json: docs/openapi.json as built in, completed
 * from the code it describes.
 */
#ifndef ACTIVD_OPENAPI_H
#define ACTIVD_OPENAPI_H

#include "core/http.h"

enum MHD_Result route_openapi(req *r);

#endif
