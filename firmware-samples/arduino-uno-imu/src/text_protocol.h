/* The text protocol over the UART (lines formatted by text_line.c). */
#ifndef IMU_TEXT_PROTOCOL_H
#define IMU_TEXT_PROTOCOL_H

#include "imu_sample.h"

void text_protocol_write_header(void);
void text_protocol_write_sample(const imu_sample *sample);
/* A line the daemon skips as a comment ("# " + text), for diagnostics on a terminal. */
void text_protocol_write_comment_P(const char *text);

#endif
