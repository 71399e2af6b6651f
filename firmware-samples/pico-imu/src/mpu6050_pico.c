#include "mpu6050_pico.h"

#include "hardware/gpio.h"
#include "hardware/i2c.h"
#include "pico/stdlib.h"

#define SDA_PIN 4
#define SCL_PIN 5
#define I2C_TIMEOUT_US 2000 /* a 14-byte read takes ~0.4 ms at 400 kHz */

/* Register map (MPU-6000/MPU-6050 Register Map and Descriptions, rev. 4.2), as on the Uno. */
enum {
    REG_SMPLRT_DIV = 0x19,
    REG_CONFIG = 0x1A,
    REG_GYRO_CONFIG = 0x1B,
    REG_ACCEL_CONFIG = 0x1C,
    REG_ACCEL_XOUT_H = 0x3B,
    REG_PWR_MGMT_1 = 0x6B,
    REG_WHO_AM_I = 0x75,
};

void mpu6050_bus_init(void)
{
    i2c_init(i2c0, 400 * 1000);
    gpio_set_function(SDA_PIN, GPIO_FUNC_I2C);
    gpio_set_function(SCL_PIN, GPIO_FUNC_I2C);
    /* Weak internal pull-ups to 3V3; a GY-521 board brings its own 4.7 kOhm ones. */
    gpio_pull_up(SDA_PIN);
    gpio_pull_up(SCL_PIN);
}

static bool write_register(uint8_t reg, uint8_t value)
{
    uint8_t bytes[2] = {reg, value};
    return i2c_write_timeout_us(i2c0, MPU6050_ADDRESS, bytes, 2, false, I2C_TIMEOUT_US) == 2;
}

static bool read_registers(uint8_t first, uint8_t *bytes, size_t count)
{
    /* Repeated start (nostop = true) between the register address and the read. */
    return i2c_write_timeout_us(i2c0, MPU6050_ADDRESS, &first, 1, true, I2C_TIMEOUT_US) == 1
           && i2c_read_timeout_us(i2c0, MPU6050_ADDRESS, bytes, count, false, I2C_TIMEOUT_US) == (int)count;
}

bool mpu6050_init(void)
{
    uint8_t who; /* only proves something answers: clones report 0x70, 0x72, 0x98 */
    if (!read_registers(REG_WHO_AM_I, &who, 1)) return false;
    if (!write_register(REG_PWR_MGMT_1, 0x80)) return false; /* device reset */
    sleep_ms(100);
    return write_register(REG_PWR_MGMT_1, 0x01)      /* awake, PLL with the X gyro */
           && write_register(REG_SMPLRT_DIV, 0)      /* 1 kHz: every read is fresh */
           && write_register(REG_CONFIG, 4)          /* DLPF ~20 Hz, below 25 Hz Nyquist */
           && write_register(REG_GYRO_CONFIG, 1 << 3)   /* +-500 deg/s */
           && write_register(REG_ACCEL_CONFIG, 1 << 3); /* +-4 g */
}

bool mpu6050_read(imu_sample *sample)
{
    uint8_t raw[14]; /* accel x,y,z, temperature, gyro x,y,z; big-endian */
    if (!read_registers(REG_ACCEL_XOUT_H, raw, sizeof raw)) return false;
    static const uint8_t offsets[IMU_CHANNELS] = {0, 2, 4, 8, 10, 12};
    for (int c = 0; c < IMU_CHANNELS; c++)
        sample->values[c] = (int16_t)((raw[offsets[c]] << 8) | raw[offsets[c] + 1]);
    return true;
}
