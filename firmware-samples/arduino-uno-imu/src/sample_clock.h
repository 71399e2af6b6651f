/* The sample clock: Timer1 in CTC mode interrupts IMU_SAMPLE_HZ times a second. */
#ifndef IMU_SAMPLE_CLOCK_H
#define IMU_SAMPLE_CLOCK_H

#include <stdint.h>

void sample_clock_start(void);
void sample_clock_stop(void);

/* Waits until a tick is due, then returns how many ticks passed since the previous call
 * (1 unless the caller fell behind). */
uint8_t sample_clock_wait(void);

#endif
