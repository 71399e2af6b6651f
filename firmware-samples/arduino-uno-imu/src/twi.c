#include "config.h"
#include "twi.h"

#include <avr/io.h>
#include <util/twi.h>

#define TWI_HZ 400000UL
/* SCL = F_CPU / (16 + 2 * TWBR * prescaler), prescaler 1. */
#define TWI_BITRATE ((F_CPU / TWI_HZ - 16UL) / 2UL)
/* Polls of TWINT before giving up: one byte takes ~23 us at 400 kHz; this allows ~1 ms. */
#define TWI_POLLS 4000U

void twi_init(void)
{
    /* No internal pull-ups: breakout boards (GY-521) pull SDA/SCL up to their own 3.3 V. */
    TWSR = 0; /* prescaler 1 */
    TWBR = (uint8_t)TWI_BITRATE;
    TWCR = _BV(TWEN);
}

/* Starts an operation and waits for it; returns the TWI status, or 0 on timeout. */
static uint8_t twi_step(uint8_t control)
{
    TWCR = control | _BV(TWINT) | _BV(TWEN);
    for (uint16_t polls = 0; polls < TWI_POLLS; polls++) {
        if (TWCR & _BV(TWINT)) return TW_STATUS;
    }
    return 0;
}

static void twi_stop(void)
{
    TWCR = _BV(TWINT) | _BV(TWEN) | _BV(TWSTO);
    for (uint16_t polls = 0; polls < TWI_POLLS && (TWCR & _BV(TWSTO)); polls++) {
    }
}

static uint8_t twi_start(uint8_t address_rw, uint8_t repeated)
{
    uint8_t status = twi_step(_BV(TWSTA));
    if (status != (repeated ? TW_REP_START : TW_START)) return 0;
    TWDR = address_rw;
    status = twi_step(0);
    return status == TW_MT_SLA_ACK || status == TW_MR_SLA_ACK;
}

static uint8_t twi_send(uint8_t b)
{
    TWDR = b;
    return twi_step(0) == TW_MT_DATA_ACK;
}

uint8_t twi_write_register(uint8_t address, uint8_t reg, uint8_t value)
{
    uint8_t ok = twi_start((uint8_t)(address << 1) | TW_WRITE, 0) && twi_send(reg) && twi_send(value);
    twi_stop();
    return ok;
}

uint8_t twi_read_registers(uint8_t address, uint8_t first_reg, uint8_t *bytes, uint8_t count)
{
    uint8_t ok = twi_start((uint8_t)(address << 1) | TW_WRITE, 0) && twi_send(first_reg)
                 && twi_start((uint8_t)(address << 1) | TW_READ, 1);
    for (uint8_t i = 0; ok && i < count; i++) {
        uint8_t last = i + 1 == count;
        /* ACK every byte but the last, which the master NACKs to end the read. */
        uint8_t status = twi_step(last ? 0 : _BV(TWEA));
        ok = status == (last ? TW_MR_DATA_NACK : TW_MR_DATA_ACK);
        bytes[i] = TWDR;
    }
    twi_stop();
    return ok;
}
