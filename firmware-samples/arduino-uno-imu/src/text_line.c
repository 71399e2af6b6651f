#include "text_line.h"

/* Decimal digits of an int16 without printf (which would cost ~1.5 KB of AVR flash). */
static uint8_t format_int16(int16_t value, char *out)
{
    char digits[5];
    uint8_t n = 0, length = 0;
    uint16_t magnitude = value < 0 ? (uint16_t)(-(int32_t)value) : (uint16_t)value;
    if (value < 0) out[length++] = '-';
    do {
        digits[n++] = (char)('0' + magnitude % 10U);
        magnitude /= 10U;
    } while (magnitude != 0);
    while (n) out[length++] = digits[--n];
    return length;
}

uint8_t text_line_format(const imu_sample *sample, char *line)
{
    uint8_t length = 0;
    for (uint8_t c = 0; c < IMU_CHANNELS; c++) {
        if (c) line[length++] = ',';
        length += format_int16(sample->values[c], line + length);
    }
    line[length++] = '\r';
    line[length++] = '\n';
    return length;
}
