/*
 * prelude.h: included first in every translation unit by the build (-include). It pulls in the C
 * library headers that declare the banned functions, then banned.h, so that a later use of one in
 * tiengmo's own code fails to compile while the library's own declarations stay intact.
 */
#ifndef TIENGMO_PRELUDE_H
#define TIENGMO_PRELUDE_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "banned.h"
#endif
