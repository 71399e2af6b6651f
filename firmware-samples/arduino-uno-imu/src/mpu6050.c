#include "config.h"
#include "mpu6050.h"
#include "twi.h"

#include <util/delay.h>

/* Register map (MPU-6000/MPU-6050 Register Map and Descriptions, rev. 4.2). */
enum {
    REG_SMPLRT_DIV = 0x19,   /* sample rate = gyro output rate / (1 + div) */
    REG_CONFIG = 0x1A,       /* DLPF_CFG in bits 2:0 */
    REG_GYRO_CONFIG = 0x1B,  /* FS_SEL in bits 4:3 */
    REG_ACCEL_CONFIG = 0x1C, /* AFS_SEL in bits 4:3 */
    REG_ACCEL_XOUT_H = 0x3B, /* accel x,y,z, temperature, gyro x,y,z: 14 bytes, big-endian */
    REG_PWR_MGMT_1 = 0x6B,
    REG_WHO_AM_I = 0x75,
};

enum {
    PWR_DEVICE_RESET = 0x80,
    PWR_CLOCK_PLL_GYRO_X = 0x01, /* SLEEP bit clear: awake; the PLL is steadier than the 8 MHz RC */
    DLPF_CFG_20HZ = 4,
    GYRO_FS_500DPS = 1 << 3,
    ACCEL_FS_4G = 1 << 3,
};

uint8_t mpu6050_init(void)
{
    /* WHO_AM_I only proves that something answers at the address: clones report other
     * identities (0x70, 0x72, 0x98) with the same register map. */
    uint8_t who;
    if (!twi_read_registers(MPU6050_ADDRESS, REG_WHO_AM_I, &who, 1)) return 0;
    if (!twi_write_register(MPU6050_ADDRESS, REG_PWR_MGMT_1, PWR_DEVICE_RESET)) return 0;
    _delay_ms(100); /* the reset takes up to 100 ms and leaves the sensor asleep */
    return twi_write_register(MPU6050_ADDRESS, REG_PWR_MGMT_1, PWR_CLOCK_PLL_GYRO_X)
           && twi_write_register(MPU6050_ADDRESS, REG_SMPLRT_DIV, 0)
           && twi_write_register(MPU6050_ADDRESS, REG_CONFIG, DLPF_CFG_20HZ)
           && twi_write_register(MPU6050_ADDRESS, REG_GYRO_CONFIG, GYRO_FS_500DPS)
           && twi_write_register(MPU6050_ADDRESS, REG_ACCEL_CONFIG, ACCEL_FS_4G);
}

uint8_t mpu6050_read(imu_sample *sample)
{
    uint8_t raw[14];
    if (!twi_read_registers(MPU6050_ADDRESS, REG_ACCEL_XOUT_H, raw, sizeof raw)) return 0;
    /* raw[6..7] is the temperature, which the stream does not carry. */
    static const uint8_t offsets[IMU_CHANNELS] = {0, 2, 4, 8, 10, 12};
    for (uint8_t c = 0; c < IMU_CHANNELS; c++) {
        uint8_t o = offsets[c];
        sample->values[c] = (int16_t)(((uint16_t)raw[o] << 8) | raw[o + 1]);
    }
    return 1;
}
