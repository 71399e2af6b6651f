#!/usr/bin/env python3
"""Convert a CSV recording (header; optional time and label columns) to binary frames (docs/protocol.md).

usage: make-frames.py IN.csv OUT.bin [--samples-per-frame N] [--format float32|int16] [--streams K] [--channels C]
With --streams K the recording is written K times, interleaved frame by frame, as stream ids 0..K-1.
With --channels C each sample is padded with zeros (or cut) to C channels (shape M takes 9).
"""
import argparse, csv, struct, zlib

def frame(fmt, stream, seq, ts_us, interval_us, rows):
    c, n = len(rows[0]), len(rows)
    code, pack = (2, "<%df" % (n * c)) if fmt == "float32" else (1, "<%dh" % (n * c))
    values = [v for r in rows for v in r]
    if fmt == "int16":
        values = [max(-32768, min(32767, round(v))) for v in values]
    body = struct.pack("<BBHBBIQI", 1, code, stream, c, n, seq & 0xFFFFFFFF, ts_us, interval_us) + struct.pack(pack, *values)
    return b"\xa5\x5a" + body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("input"); p.add_argument("output")
    p.add_argument("--samples-per-frame", type=int, default=8)
    p.add_argument("--format", default="float32", choices=["float32", "int16"])
    p.add_argument("--streams", type=int, default=1)
    p.add_argument("--channels", type=int, default=0)
    a = p.parse_args()
    with open(a.input, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        cols = [i for i, h in enumerate(header) if h.lower() not in ("time", "label")]
        rows = [[float(row[i]) for i in cols] for row in r if row]
    if a.channels:
        rows = [(row + [0.0] * a.channels)[: a.channels] for row in rows]
    k = a.samples_per_frame
    with open(a.output, "wb") as out:
        for start in range(0, len(rows), k):
            chunk = rows[start:start + k]
            for s in range(a.streams):
                out.write(frame(a.format, s, start, 1_000_000 + start * 20000, 20000, chunk))

if __name__ == "__main__":
    main()
