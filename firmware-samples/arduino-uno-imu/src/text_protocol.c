#include "config.h"
#include "text_protocol.h"
#include "uart.h"

#include <avr/pgmspace.h>

void text_protocol_write_header(void)
{
    uart_write_string_P(PSTR("acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\r\n"));
}

/* Decimal digits of an int16 without printf (which would cost ~1.5 KB of flash). */
static void write_int16(int16_t value)
{
    char digits[6];
    uint8_t n = 0;
    uint16_t magnitude = value < 0 ? (uint16_t)(-(int32_t)value) : (uint16_t)value;
    if (value < 0) uart_write_byte('-');
    do {
        digits[n++] = (char)('0' + magnitude % 10U);
        magnitude /= 10U;
    } while (magnitude != 0);
    while (n) uart_write_byte((uint8_t)digits[--n]);
}

void text_protocol_write_sample(const imu_sample *sample)
{
    for (uint8_t c = 0; c < IMU_CHANNELS; c++) {
        if (c) uart_write_byte(',');
        write_int16(sample->values[c]);
    }
    uart_write_string_P(PSTR("\r\n"));
}

void text_protocol_write_comment_P(const char *text)
{
    uart_write_string_P(PSTR("# "));
    uart_write_string_P(text);
    uart_write_string_P(PSTR("\r\n"));
}
