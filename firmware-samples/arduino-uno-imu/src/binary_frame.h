/* The binary frame of docs/protocol.md, encoded into memory. Portable C (no AVR headers): the
 * Pico target compiles this file too.
 *
 * Little-endian throughout:
 *   offset  size  field
 *        0     2  sync word A5 5A
 *        2     1  version (1)
 *        3     1  sample format (1: int16)
 *        4     2  stream id
 *        6     1  channels (6)
 *        7     1  samples in the frame (1)
 *        8     4  sequence: index of the frame's first sample in the stream
 *       12     8  timestamp of the first sample, microseconds (0: none)
 *       20     4  sample interval, microseconds
 *       24   2*6  the sample's values, channel by channel
 *       36     4  CRC-32 (IEEE) of bytes 2..35: everything after the sync word */
#ifndef IMU_BINARY_FRAME_H
#define IMU_BINARY_FRAME_H

#include <stdint.h>

#include "imu_sample.h"

#define BINARY_FRAME_HEADER 24
#define BINARY_FRAME_SIZE (BINARY_FRAME_HEADER + 2 * IMU_CHANNELS + 4)

/* Writes the frame of one sample to frame[0..BINARY_FRAME_SIZE). */
void binary_frame_encode(const imu_sample *sample, uint16_t stream_id, uint32_t sequence,
                         uint64_t timestamp_us, uint32_t interval_us, uint8_t *frame);

#endif
