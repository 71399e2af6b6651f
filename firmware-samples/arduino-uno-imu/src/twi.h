/* TWI (I2C) master on SDA = PC4 (A4), SCL = PC5 (A5), 400 kHz, polled, with timeouts so a
 * missing or hung sensor never stalls the firmware. Every call returns 1 on success, 0 on a
 * bus error, a NACK or a timeout (the bus is then released with a STOP). */
#ifndef IMU_TWI_H
#define IMU_TWI_H

#include <stdint.h>

void twi_init(void);
uint8_t twi_write_register(uint8_t address, uint8_t reg, uint8_t value);
uint8_t twi_read_registers(uint8_t address, uint8_t first_reg, uint8_t *bytes, uint8_t count);

#endif
