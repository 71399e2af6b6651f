#include "config.h"

#if IMU_PROTOCOL == IMU_PROTOCOL_BINARY

#include "binary_frame.h"
#include "binary_protocol.h"
#include "uart.h"

#define SAMPLE_INTERVAL_US (1000000UL / IMU_SAMPLE_HZ)

void binary_protocol_write_sample(const imu_sample *sample, uint32_t sample_index)
{
    uint8_t frame[BINARY_FRAME_SIZE];
    /* Timer1's first tick comes one interval after the clock starts, so sample n is taken
     * (n + 1) intervals in: never 0, which the protocol reserves for "no timestamp". */
    uint64_t timestamp_us = (uint64_t)(sample_index + 1) * SAMPLE_INTERVAL_US;
    binary_frame_encode(sample, IMU_STREAM_ID, sample_index, timestamp_us, SAMPLE_INTERVAL_US, frame);
    uart_write(frame, BINARY_FRAME_SIZE);
}

#endif
