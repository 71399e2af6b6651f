#include "config.h"
#include "uart.h"

#include <avr/io.h>
#include <avr/pgmspace.h>

/* Double speed (U2X0) because 115200 baud from 16 MHz is 2.1 % off with it and 3.5 % off
 * without; UBRR rounded to the nearest divisor, as the Arduino core does. */
#define UART_UBRR ((F_CPU + 4UL * IMU_BAUD) / (8UL * IMU_BAUD) - 1UL)
#if UART_UBRR > 4095
#error "IMU_BAUD too low for UBRR0"
#endif

void uart_init(void)
{
    UBRR0 = (uint16_t)UART_UBRR;
    UCSR0A = _BV(U2X0);
    UCSR0C = _BV(UCSZ01) | _BV(UCSZ00); /* 8 data bits, no parity, 1 stop bit */
    UCSR0B = _BV(TXEN0);
}

/* Polled: at 115200 baud a sample (at most 44 text bytes or one 40-byte frame) takes under
 * 4 ms of the 20 ms between samples, and the main loop has nothing else to do. */
void uart_write_byte(uint8_t b)
{
    loop_until_bit_is_set(UCSR0A, UDRE0);
    UDR0 = b;
}

void uart_write(const uint8_t *bytes, uint8_t count)
{
    while (count--) uart_write_byte(*bytes++);
}

void uart_write_string(const char *text)
{
    while (*text) uart_write_byte((uint8_t)*text++);
}

void uart_write_string_P(const char *text)
{
    char c;
    while ((c = (char)pgm_read_byte(text++)) != 0) uart_write_byte((uint8_t)c);
}
