/* USART0 (pins 0/1, the Uno's USB serial bridge): 8N1 transmitter, polled. */
#ifndef IMU_UART_H
#define IMU_UART_H

#include <stdint.h>

void uart_init(void);
void uart_write_byte(uint8_t b);
void uart_write(const uint8_t *bytes, uint8_t count);
void uart_write_string(const char *text);
/* A string kept in flash (PSTR("...")). */
void uart_write_string_P(const char *text);

#endif
