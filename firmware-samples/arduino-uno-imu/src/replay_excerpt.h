/* The recording excerpt a REPLAY build streams; the data is generated into replay_excerpt.c
 * by tools/make-excerpt.py (see there for its source and scaling). */
#ifndef IMU_REPLAY_EXCERPT_H
#define IMU_REPLAY_EXCERPT_H

#include <stdint.h>

#include "config.h"

extern const uint16_t replay_excerpt_length;
/* replay_excerpt_length samples of IMU_CHANNELS int16 counts, in program memory. */
extern const int16_t replay_excerpt[][IMU_CHANNELS];

#endif
