/*
 * health.h - GET /healthz (liveness), /readyz (readiness), /version.
 */
#ifndef ACTIVD_HEALTH_H
#define ACTIVD_HEALTH_H

#include "core/http.h"

enum MHD_Result route_healthz(req *r);
/* 200 only while serving; 503 while starting or draining. */
enum MHD_Result route_readyz(req *r);
enum MHD_Result route_version(req *r);

#endif
