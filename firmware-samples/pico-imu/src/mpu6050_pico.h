/* The MPU-6050 on I2C0 (SDA = GP4, SCL = GP5), configured as on the Uno: +-4 g (8192 LSB/g),
 * +-500 deg/s (65.5 LSB/(deg/s)), DLPF 4 (~20 Hz), 1 kHz internal rate. */
#ifndef PICO_IMU_MPU6050_H
#define PICO_IMU_MPU6050_H

#include <stdbool.h>

#include "imu_sample.h"

#define MPU6050_ADDRESS 0x68 /* AD0 low; 0x69 with AD0 at 3V3 */

void mpu6050_bus_init(void);
bool mpu6050_init(void);
bool mpu6050_read(imu_sample *sample);

#endif
