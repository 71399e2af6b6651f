/* The two AVR program-memory accessors the shared replay sources use, for a CPU that reads
 * constants in flash like any other memory (RP2040 execute-in-place). */
#ifndef PICO_IMU_COMPAT_PGMSPACE_H
#define PICO_IMU_COMPAT_PGMSPACE_H

#include <stdint.h>

#define PROGMEM
#define pgm_read_word(address) (*(const uint16_t *)(address))

#endif
