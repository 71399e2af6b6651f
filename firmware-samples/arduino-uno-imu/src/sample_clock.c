#include "config.h"
#include "sample_clock.h"

#include <avr/interrupt.h>
#include <avr/io.h>

/* The smallest prescaler whose compare value fits Timer1's 16 bits gives the finest period:
 * at 16 MHz and 50 Hz, clk/8 and OCR1A = 39999 (exactly 20 ms). */
#define CLOCK_COUNTS(prescale) (F_CPU / ((prescale) * IMU_SAMPLE_HZ))
#if CLOCK_COUNTS(1) <= 65536UL
#define CLOCK_PRESCALE_BITS _BV(CS10)
#define CLOCK_COMPARE (CLOCK_COUNTS(1) - 1)
#elif CLOCK_COUNTS(8) <= 65536UL
#define CLOCK_PRESCALE_BITS _BV(CS11)
#define CLOCK_COMPARE (CLOCK_COUNTS(8) - 1)
#elif CLOCK_COUNTS(64) <= 65536UL
#define CLOCK_PRESCALE_BITS (_BV(CS11) | _BV(CS10))
#define CLOCK_COMPARE (CLOCK_COUNTS(64) - 1)
#else
#define CLOCK_PRESCALE_BITS _BV(CS12)
#define CLOCK_COMPARE (CLOCK_COUNTS(256) - 1)
#endif

static volatile uint8_t ticks;
static uint8_t ticks_taken;

ISR(TIMER1_COMPA_vect)
{
    ticks++;
}

void sample_clock_start(void)
{
    TCCR1B = 0; /* stopped while it is set up (the Arduino core leaves it in PWM mode) */
    TCCR1A = 0;
    TCNT1 = 0;
    OCR1A = (uint16_t)CLOCK_COMPARE;
    TIFR1 = _BV(OCF1A);
    TIMSK1 = _BV(OCIE1A);
    ticks = 0;
    ticks_taken = 0;
    TCCR1B = _BV(WGM12) | CLOCK_PRESCALE_BITS; /* CTC, TOP = OCR1A */
    sei();
}

void sample_clock_stop(void)
{
    TCCR1B = 0;
    TIMSK1 = 0;
}

/* Polls rather than sleeping (SLEEP_MODE_IDLE) between ticks: QEMU 7.2's AVR emulation
 * resumes a woken SLEEP at the start of its translation block, so a sleeping wait never
 * returns there and the emulated firmware the tests run would differ from the real one. The
 * idle mode would save a few mA of an Uno that draws ~50 mA through its USB bridge anyway. */
uint8_t sample_clock_wait(void)
{
    uint8_t due;
    do {
        /* ticks is one byte: reading it is atomic, no need to block the interrupt. */
        due = (uint8_t)(ticks - ticks_taken);
    } while (due == 0);
    ticks_taken += due;
    return due;
}
