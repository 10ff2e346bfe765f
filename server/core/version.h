/* version.h - the daemon's version: the library's, they ship together. */
#ifndef ACTIVD_VERSION_H
#define ACTIVD_VERSION_H
#include "activ.h"
#define ACTIVD_VERSION ACTIV_VERSION_STRING
#endif
