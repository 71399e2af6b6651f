/* Samples from the excerpt in flash, in order, one per call. */
#ifndef IMU_REPLAY_SOURCE_H
#define IMU_REPLAY_SOURCE_H

#include <stdint.h>

#include "imu_sample.h"

/* Copies the next sample; returns 0 once the excerpt is exhausted (after it the source
 * starts over if IMU_REPLAY_LOOP is set, else it stays exhausted). */
uint8_t replay_source_next(imu_sample *sample);

#endif
