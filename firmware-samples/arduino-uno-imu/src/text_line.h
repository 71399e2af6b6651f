/* The text protocol's lines, formatted into memory. Portable C (no AVR headers): the Pico
 * target compiles this file too, so both boards send the same bytes.
 * One sample per line: six decimal counts separated by commas, ended by CR LF (the Edge
 * Impulse data-forwarder convention); an optional first line names the channels. */
#ifndef IMU_TEXT_LINE_H
#define IMU_TEXT_LINE_H

#include <stdint.h>

#include "imu_sample.h"

#define TEXT_LINE_HEADER "acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\r\n"
/* "-32768," six times, less one comma, plus CR LF. */
#define TEXT_LINE_MAX (IMU_CHANNELS * 7 - 1 + 2)

/* Writes the line of one sample to line[0..TEXT_LINE_MAX); returns its length. */
uint8_t text_line_format(const imu_sample *sample, char *line);

#endif
