#include "config.h"

#if IMU_REPLAY

#include "replay_excerpt.h"
#include "replay_source.h"

#include <avr/pgmspace.h>

static uint16_t position;

uint8_t replay_source_next(imu_sample *sample)
{
    if (position == replay_excerpt_length) {
        if (!IMU_REPLAY_LOOP) return 0;
        position = 0;
    }
    for (uint8_t c = 0; c < IMU_CHANNELS; c++)
        sample->values[c] = (int16_t)pgm_read_word(&replay_excerpt[position][c]);
    position++;
    return 1;
}

#endif
