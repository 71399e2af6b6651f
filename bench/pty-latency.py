#!/usr/bin/env python3
"""End-to-end latency: a sample written into a socat pty -> its JSON line on edgelstm's stdout.

usage: pty-latency.py EDGELSTM MODEL RECORDING [--samples N] [--rate HZ] [--format text|binary]
Starts socat and `edgelstm run` on a serial source (emit every sample), writes N samples of the
recording at HZ into the pty, timestamps each write and each JSON line (t identifies the sample),
and prints p50/p99/max in microseconds as one JSON object.
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time, csv, struct, zlib

def frame(stream, seq, values):
    body = struct.pack("<BBHBBIQI", 1, 2, stream, len(values), 1, seq, 0, 0) + struct.pack("<%df" % len(values), *values)
    return b"\xa5\x5a" + body + struct.pack("<I", zlib.crc32(body) & 0xFFFFFFFF)

def main():
    p = argparse.ArgumentParser()
    p.add_argument("edgelstm"); p.add_argument("model"); p.add_argument("recording")
    p.add_argument("--samples", type=int, default=1500)
    p.add_argument("--rate", type=float, default=50)
    p.add_argument("--format", default="text", choices=["text", "binary"])
    p.add_argument("--channels", type=int, default=0)
    a = p.parse_args()
    d = tempfile.mkdtemp(prefix="edgelstm-latency-")
    dev, feed = os.path.join(d, "tty"), os.path.join(d, "feed")
    socat = subprocess.Popen(["socat", f"pty,raw,echo=0,link={dev}", f"pty,raw,echo=0,link={feed}"], stderr=subprocess.DEVNULL)
    while not (os.path.exists(dev) and os.path.exists(feed)):
        time.sleep(0.01)
    cfg = os.path.join(d, "cfg.json")
    with open(cfg, "w") as f:
        json.dump({"models": {"m": {"path": os.path.abspath(a.model)}},
                   "sources": [{"name": "imu", "type": "serial", "path": dev, "format": a.format}],
                   "streams": [{"match": "*", "model": "m", "events": {"emit": "hop", "hop": 1}}],
                   "pipeline": {"inputFullMode": "wait"}}, f)
    daemon = subprocess.Popen([a.edgelstm, "run", "--config", cfg], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    arrived = {}
    def reader():
        for line in daemon.stdout:
            now = time.perf_counter_ns()
            try:
                arrived[json.loads(line)["t"]] = now
            except (ValueError, KeyError):
                pass
    th = threading.Thread(target=reader, daemon=True); th.start()
    time.sleep(1.5)
    with open(a.recording, newline="") as f:
        r = csv.reader(f); header = next(r)
        cols = [i for i, h in enumerate(header) if h.lower() not in ("time", "label")]
        rows = [[float(row[i]) for i in cols] for row in r if row][: a.samples]
    if a.channels:
        rows = [(row + [0.0] * a.channels)[: a.channels] for row in rows]
    written = []
    fd = os.open(feed, os.O_WRONLY)
    start = time.perf_counter()
    for i, row in enumerate(rows):
        due = start + i / a.rate - time.perf_counter()
        if due > 0:
            time.sleep(due)
        data = frame(0, i, row) if a.format == "binary" else (",".join(repr(v) for v in row) + "\n").encode()
        written.append(time.perf_counter_ns())
        os.write(fd, data)
    deadline = time.time() + 10
    while len(arrived) < len(rows) and time.time() < deadline:
        time.sleep(0.05)
    daemon.terminate(); daemon.wait(10); os.close(fd); socat.terminate(); socat.wait(10)
    lat = sorted((arrived[t] - written[t]) / 1000 for t in range(len(rows)) if t in arrived)
    q = lambda x: lat[min(len(lat) - 1, int(x * len(lat)))]
    print(json.dumps({"format": a.format, "samples": len(rows), "received": len(lat), "rate_hz": a.rate,
                      "p50_us": round(q(0.5)), "p99_us": round(q(0.99)), "max_us": round(lat[-1])}))

if __name__ == "__main__":
    main()
