/* InvenSense MPU-6050 accelerometer and gyroscope on the TWI bus.
 * Configured for +-4 g (8192 LSB/g) and +-500 deg/s (65.5 LSB/(deg/s)), digital low-pass
 * filter 4 (accelerometer 21 Hz, gyroscope 20 Hz bandwidth: below the 25 Hz Nyquist limit of
 * 50 Hz sampling), internal sample rate 1 kHz so every read returns a fresh value. */
#ifndef IMU_MPU6050_H
#define IMU_MPU6050_H

#include <stdint.h>

#include "imu_sample.h"

/* AD0 low (the GY-521 default): 0x68; AD0 tied to VCC: 0x69. */
#ifndef MPU6050_ADDRESS
#define MPU6050_ADDRESS 0x68
#endif

/* Resets, wakes and configures the sensor; 1 on success, 0 if it does not answer. */
uint8_t mpu6050_init(void);
/* Reads one sample (burst read of the 14 data registers); 1 on success. */
uint8_t mpu6050_read(imu_sample *sample);

#endif
