/* The firmware's two entry points: main.c calls them for the avr-gcc build, the sketch
 * (arduino-uno-imu.ino) calls them from setup() and loop() in the Arduino IDE. */
#ifndef IMU_FIRMWARE_H
#define IMU_FIRMWARE_H

#ifdef __cplusplus
extern "C" {
#endif

void imu_firmware_setup(void);
/* Waits for the next sample tick, takes the sample and sends it. */
void imu_firmware_loop(void);

#ifdef __cplusplus
}
#endif

#endif
