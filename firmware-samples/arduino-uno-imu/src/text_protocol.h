/* The text protocol: one sample per line, decimal counts separated by commas, CR LF at the
 * end (Edge Impulse data-forwarder convention); an optional first line names the channels. */
#ifndef IMU_TEXT_PROTOCOL_H
#define IMU_TEXT_PROTOCOL_H

#include "imu_sample.h"

void text_protocol_write_header(void);
void text_protocol_write_sample(const imu_sample *sample);
/* A line the daemon skips as a comment ("# " + text), for diagnostics on a terminal. */
void text_protocol_write_comment_P(const char *text);

#endif
