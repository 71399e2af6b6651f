// Arduino IDE entry to the same C sources the Makefile builds (src/ is compiled with the
// sketch). Options: edit the defaults in src/config.h (the IDE passes no -D flags), e.g.
// IMU_PROTOCOL or IMU_REPLAY. Board: "Arduino Uno". The sketch uses no Arduino library: the
// core's init() runs first (Timer0 for millis(), harmless here), then the firmware takes
// over Timer1, the USART and the TWI with its own register code.
#include "src/imu_firmware.h"

void setup()
{
    imu_firmware_setup();
}

void loop()
{
    imu_firmware_loop();
}
