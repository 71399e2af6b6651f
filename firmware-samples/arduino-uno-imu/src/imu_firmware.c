#include "config.h"
#include "imu_firmware.h"
#include "imu_sample.h"
#include "sample_clock.h"
#include "uart.h"

#include <avr/interrupt.h>
#include <avr/io.h>
#include <avr/sleep.h>

#if IMU_REPLAY
#include "replay_source.h"
#else
#include "mpu6050.h"
#include "twi.h"
#include <avr/pgmspace.h>
#include <util/delay.h>
#endif

#if IMU_PROTOCOL == IMU_PROTOCOL_BINARY
#include "binary_protocol.h"
#else
#include "text_protocol.h"
#endif

/* Index of the sample being sent, counted in sample periods since streaming began: a
 * sensor sample that was missed or could not be taken leaves a gap in the binary frames'
 * sequence numbers. */
static uint32_t sample_index;

static void send(const imu_sample *sample)
{
#if IMU_PROTOCOL == IMU_PROTOCOL_BINARY
    binary_protocol_write_sample(sample, sample_index);
#else
    text_protocol_write_sample(sample);
#endif
}

#if IMU_REPLAY

static void halt(void)
{
    sample_clock_stop();
    cli();
    set_sleep_mode(SLEEP_MODE_PWR_DOWN);
    sleep_enable();
    for (;;) sleep_cpu(); /* interrupts off: nothing wakes it but a reset */
}

static uint8_t take_sample(imu_sample *sample)
{
    if (!replay_source_next(sample)) halt();
    return 1;
}

static void start_source(void) {}

#else

#define LED_BIT PB5 /* the Uno's on-board LED (pin 13): lit while the sensor does not answer */

static uint8_t sensor_ok;

static void report_sensor(uint8_t ok)
{
    if (ok) PORTB &= (uint8_t)~_BV(LED_BIT);
    else PORTB |= _BV(LED_BIT);
#if IMU_PROTOCOL == IMU_PROTOCOL_TEXT
    if (!ok && sensor_ok) text_protocol_write_comment_P(PSTR("MPU-6050 lost"));
    if (ok && !sensor_ok) text_protocol_write_comment_P(PSTR("MPU-6050 ready"));
#endif
    sensor_ok = ok;
}

static void start_source(void)
{
    DDRB |= _BV(LED_BIT);
    twi_init();
    while (!mpu6050_init()) {
        PORTB |= _BV(LED_BIT);
#if IMU_PROTOCOL == IMU_PROTOCOL_TEXT
        text_protocol_write_comment_P(PSTR("no MPU-6050 at the TWI address; check wiring (SDA=A4, SCL=A5)"));
#endif
        _delay_ms(1000);
    }
    PORTB &= (uint8_t)~_BV(LED_BIT);
    sensor_ok = 1;
}

static uint8_t take_sample(imu_sample *sample)
{
    if (sensor_ok || (uint8_t)(sample_index % IMU_SAMPLE_HZ) == 0) {
        /* After a failure, try to bring the sensor back once a second. */
        uint8_t ok = sensor_ok ? mpu6050_read(sample) : mpu6050_init() && mpu6050_read(sample);
        report_sensor(ok);
    }
    return sensor_ok;
}

#endif

void imu_firmware_setup(void)
{
    uart_init();
    start_source();
#if IMU_PROTOCOL == IMU_PROTOCOL_TEXT && IMU_TEXT_HEADER
    text_protocol_write_header();
#endif
    sample_index = 0;
    sample_clock_start();
}

void imu_firmware_loop(void)
{
    uint8_t due = sample_clock_wait();
#if IMU_REPLAY
    (void)due; /* a replay sends every sample of the excerpt in turn, late or not */
#else
    sample_index += due - 1; /* ticks missed while the previous sample was sent leave a gap */
#endif
    imu_sample sample;
    if (take_sample(&sample)) send(&sample);
    sample_index++;
}
