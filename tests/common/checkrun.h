/* checkrun.h - run a Check suite the way every test binary does. */
#ifndef ACTIV_CHECKRUN_H
#define ACTIV_CHECKRUN_H

#include <check.h>

/* Run every test of s with normal output; the exit status for main: 0 only
 * when all passed. */
int check_run(Suite *s);

#endif
