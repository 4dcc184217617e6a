/* demo_movement.c: being written (movement area). */
#include "lib/prelude.h"
