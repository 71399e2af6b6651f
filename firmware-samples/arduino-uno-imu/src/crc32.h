/* CRC-32 of IEEE 802.3 (reflected polynomial 0xEDB88320, initial value and final XOR
 * 0xFFFFFFFF; the CRC of "123456789" is 0xCBF43926), as zlib and .NET's
 * System.IO.Hashing.Crc32 compute it. Portable C. */
#ifndef IMU_CRC32_H
#define IMU_CRC32_H

#include <stdint.h>

uint32_t crc32_ieee(const uint8_t *bytes, uint16_t count);

#endif
