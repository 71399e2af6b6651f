/* Entry point of the avr-gcc (Makefile) build. The Arduino IDE, which defines ARDUINO, brings
 * its own main() that calls setup() and loop() of arduino-uno-imu.ino instead. */
#ifndef ARDUINO

#include "imu_firmware.h"

int main(void)
{
    imu_firmware_setup();
    for (;;) imu_firmware_loop();
}

#endif
