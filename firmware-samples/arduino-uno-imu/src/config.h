/*
 * Build options of the Arduino Uno IMU firmware (the Pico target shares them). Every option can be set from the Makefile
 * (make IMU_PROTOCOL=IMU_PROTOCOL_BINARY ...) or by editing the defaults below, which is how
 * the Arduino IDE build chooses them (the IDE passes no -D flags).
 */
#ifndef IMU_CONFIG_H
#define IMU_CONFIG_H

#if defined(__AVR__) && !defined(F_CPU)
#define F_CPU 16000000UL /* the Uno's crystal */
#endif

/* Wire protocol: text lines (Edge Impulse data-forwarder convention) or binary frames
 * (docs/protocol.md). */
#define IMU_PROTOCOL_TEXT 1
#define IMU_PROTOCOL_BINARY 2
#ifndef IMU_PROTOCOL
#define IMU_PROTOCOL IMU_PROTOCOL_TEXT
#endif

/* 1: stream the excerpt embedded in flash (src/replay_excerpt.c) instead of reading the
 * sensor; for tests and demos without hardware. */
#ifndef IMU_REPLAY
#define IMU_REPLAY 0
#endif

/* What a REPLAY build does after the last sample of the excerpt: 0 stops streaming (the
 * stream is then exactly the excerpt, what tests compare), 1 starts over (demos). */
#ifndef IMU_REPLAY_LOOP
#define IMU_REPLAY_LOOP 0
#endif

/* The text protocol's first line names the channels (acc_x,...,gyro_z); 0 leaves it out for
 * readers that take positional columns only. */
#ifndef IMU_TEXT_HEADER
#define IMU_TEXT_HEADER 1
#endif

#ifndef IMU_BAUD
#define IMU_BAUD 115200UL /* 8N1 */
#endif

/* Samples per second, paced by Timer1; the recording and the models are at 50 Hz. */
#ifndef IMU_SAMPLE_HZ
#define IMU_SAMPLE_HZ 50UL
#endif

/* Binary frames: the stream id the daemon reports beside the source name. */
#ifndef IMU_STREAM_ID
#define IMU_STREAM_ID 1
#endif

#define IMU_CHANNELS 6 /* acc_x, acc_y, acc_z, gyro_x, gyro_y, gyro_z */

#if IMU_PROTOCOL != IMU_PROTOCOL_TEXT && IMU_PROTOCOL != IMU_PROTOCOL_BINARY
#error "IMU_PROTOCOL must be IMU_PROTOCOL_TEXT or IMU_PROTOCOL_BINARY"
#endif
#if IMU_SAMPLE_HZ < 1 || IMU_SAMPLE_HZ > 1000
#error "IMU_SAMPLE_HZ must be 1..1000"
#endif

#endif
