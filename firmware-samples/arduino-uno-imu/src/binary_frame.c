#include "binary_frame.h"
#include "crc32.h"

enum {
    SYNC_0 = 0xA5,
    SYNC_1 = 0x5A,
    VERSION = 1,
    FORMAT_INT16 = 1,
};

static uint8_t *put_le(uint8_t *out, uint32_t value, uint8_t bytes)
{
    while (bytes--) {
        *out++ = (uint8_t)value;
        value >>= 8;
    }
    return out;
}

void binary_frame_encode(const imu_sample *sample, uint16_t stream_id, uint32_t sequence,
                         uint64_t timestamp_us, uint32_t interval_us, uint8_t *frame)
{
    uint8_t *p = frame;
    *p++ = SYNC_0;
    *p++ = SYNC_1;
    *p++ = VERSION;
    *p++ = FORMAT_INT16;
    p = put_le(p, stream_id, 2);
    *p++ = IMU_CHANNELS;
    *p++ = 1;
    p = put_le(p, sequence, 4);
    p = put_le(p, (uint32_t)timestamp_us, 4);
    p = put_le(p, (uint32_t)(timestamp_us >> 32), 4);
    p = put_le(p, interval_us, 4);
    for (uint8_t c = 0; c < IMU_CHANNELS; c++) p = put_le(p, (uint16_t)sample->values[c], 2);
    put_le(p, crc32_ieee(frame + 2, (uint16_t)(p - frame - 2)), 4);
}
