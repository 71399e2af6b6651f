#include "config.h"
#include "text_line.h"
#include "text_protocol.h"
#include "uart.h"

#include <avr/pgmspace.h>

void text_protocol_write_header(void)
{
    uart_write_string_P(PSTR(TEXT_LINE_HEADER));
}

void text_protocol_write_sample(const imu_sample *sample)
{
    char line[TEXT_LINE_MAX];
    uart_write((const uint8_t *)line, text_line_format(sample, line));
}

void text_protocol_write_comment_P(const char *text)
{
    uart_write_string_P(PSTR("# "));
    uart_write_string_P(text);
    uart_write_string_P(PSTR("\r\n"));
}
