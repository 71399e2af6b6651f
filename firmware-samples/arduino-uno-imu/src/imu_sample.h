/* One sample: raw MPU-6050 counts in channel order acc_x, acc_y, acc_z, gyro_x, gyro_y, gyro_z.
 * Accelerometer at +-4 g: 8192 counts per g; gyroscope at +-500 deg/s: 65.5 counts per deg/s. */
#ifndef IMU_SAMPLE_H
#define IMU_SAMPLE_H

#include <stdint.h>

#include "config.h"

typedef struct {
    int16_t values[IMU_CHANNELS];
} imu_sample;

#endif
