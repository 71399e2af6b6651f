/* Raspberry Pi Pico IMU firmware: samples an MPU-6050 (or the embedded excerpt) at 50 Hz from
 * a repeating hardware alarm and sends each sample in the text or binary protocol. */
#include <stdio.h>

#include "hardware/sync.h"
#include "pico/stdlib.h"

#include "binary_frame.h"
#include "config.h"
#include "imu_sample.h"
#include "text_line.h"

#if IMU_REPLAY
#include "replay_source.h"
#else
#include "mpu6050_pico.h"
#endif

#define SAMPLE_INTERVAL_US (1000000 / IMU_SAMPLE_HZ)

static volatile uint32_t ticks;

static bool on_tick(repeating_timer_t *timer)
{
    (void)timer;
    ticks++;
    return true;
}

/* Raw bytes: stdio's CR LF translation would corrupt binary frames (text lines carry their own). */
static void send(const void *bytes, size_t count)
{
    const uint8_t *p = bytes;
    while (count--) putchar_raw(*p++);
    stdio_flush();
}

static bool take_sample(imu_sample *sample)
{
#if IMU_REPLAY
    if (replay_source_next(sample)) return true;
    for (;;) __wfi(); /* end of the excerpt without IMU_REPLAY_LOOP: stop */
#else
    return mpu6050_read(sample);
#endif
}

int main(void)
{
    stdio_init_all();
#if !IMU_REPLAY
    mpu6050_bus_init();
    while (!mpu6050_init()) {
#if IMU_PROTOCOL == IMU_PROTOCOL_TEXT
        static const char message[] = "# no MPU-6050 at the I2C address; check wiring (SDA=GP4, SCL=GP5)\r\n";
        send(message, sizeof message - 1);
#endif
        sleep_ms(1000);
    }
#endif
#if IMU_PROTOCOL == IMU_PROTOCOL_TEXT && IMU_TEXT_HEADER
    send(TEXT_LINE_HEADER, sizeof TEXT_LINE_HEADER - 1);
#endif

    /* A negative delay: the period runs from one scheduled alarm to the next, not from the end
     * of the callback, so the rate does not drift. */
    repeating_timer_t timer;
    add_repeating_timer_us(-SAMPLE_INTERVAL_US, on_tick, NULL, &timer);

    uint32_t taken = 0, sample_index = 0;
    for (;;) {
        /* Any interrupt wakes WFE, and the event register latches one that came after the
         * check, so no tick is slept through. */
        while (ticks == taken) __wfe();
        uint32_t now = ticks;
#if !IMU_REPLAY
        sample_index += now - taken - 1; /* missed periods leave a gap in the sequence */
#endif
        taken = now;
        imu_sample sample;
        if (take_sample(&sample)) {
#if IMU_PROTOCOL == IMU_PROTOCOL_BINARY
            uint8_t frame[BINARY_FRAME_SIZE];
            uint64_t timestamp_us = (uint64_t)(sample_index + 1) * SAMPLE_INTERVAL_US;
            binary_frame_encode(&sample, IMU_STREAM_ID, sample_index, timestamp_us, SAMPLE_INTERVAL_US, frame);
            send(frame, sizeof frame);
#else
            char line[TEXT_LINE_MAX];
            send(line, text_line_format(&sample, line));
#endif
        }
        sample_index++;
    }
}
