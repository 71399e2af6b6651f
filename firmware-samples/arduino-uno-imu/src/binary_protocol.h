/* The binary protocol over the UART: one frame (binary_frame.h) per sample. */
#ifndef IMU_BINARY_PROTOCOL_H
#define IMU_BINARY_PROTOCOL_H

#include <stdint.h>

#include "imu_sample.h"

/* Sends the sample taken at sample period sample_index (0-based) since streaming began. */
void binary_protocol_write_sample(const imu_sample *sample, uint32_t sample_index);

#endif
