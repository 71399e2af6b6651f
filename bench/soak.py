#!/usr/bin/env python3
"""Soak test of a running `edgelstm run` (issue 14): a TCP source fed as fast as the daemon takes
it (text lines, or binary frames of N samples), `edgelstm status` and GET /metrics read every
second, the daemon's RSS sampled every 10 s. At the end the sender closes, the daemon is stopped
with SIGTERM, and the accounting invariant is checked on its --summary.

    python3 bench/soak.py dist/linux-x64/edgelstm --format text --minutes 10
    python3 bench/soak.py dist/linux-x64/edgelstm --format binary --samples-per-frame 7 --minutes 10

Prints one Markdown table row per RSS sample and a closing line; exit 1 if the invariant fails.
Loopback only; the sender and the pollers stop by themselves at the end of the run.
"""
import argparse
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORDING = os.path.join(ROOT, "firmware-samples", "recordings", "hapt-exp03-user02.csv")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rows():
    with open(RECORDING) as f:
        next(f)
        return [[float(v) for v in line.split(",")[1:7]] for line in f]


def text_payload(data):
    return "".join(",".join(repr(v) for v in r) + "\n" for r in data).encode()


def frame(seq, samples):
    """One frame of docs/protocol.md: float32, stream 1, 6 channels, 20 ms apart."""
    payload = b"".join(struct.pack("<6f", *r) for r in samples)
    head = struct.pack("<BBHBBIQI", 1, 2, 1, 6, len(samples), seq, 1_000_000 + seq * 20_000, 20_000)
    body = head + payload
    return b"\xa5\x5a" + body + struct.pack("<I", zlib.crc32(body))


def binary_payload(data, per_frame):
    out, seq = [], 0
    for i in range(0, len(data) - per_frame + 1, per_frame):
        out.append(frame(seq, data[i:i + per_frame]))
        seq += per_frame
    return b"".join(out)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("binary")
    p.add_argument("--format", choices=["text", "binary"], default="text")
    p.add_argument("--samples-per-frame", type=int, default=7)
    p.add_argument("--minutes", type=float, default=10)
    p.add_argument("--sample-every", type=float, default=10)
    a = p.parse_args()

    work = tempfile.mkdtemp(prefix="edgelstm-soak-")
    port, metrics = free_port(), free_port()
    status_socket = os.path.join(work, "status.sock")
    config = os.path.join(work, "soak.json")
    with open(config, "w") as f:
        json.dump({
            "sources": [{"name": "soak", "type": "tcp", "port": port, "format": a.format}],
            "sinks": [{"type": "stdout"}],
            "service": {"statusSocket": status_socket, "metrics": {"enabled": True, "port": metrics}},
        }, f)
    data = rows()
    chunk = text_payload(data) if a.format == "text" else binary_payload(data, a.samples_per_frame)
    out = open(os.path.join(work, "stdout.jsonl"), "wb")
    daemon = subprocess.Popen([a.binary, "run", "--config", config, "--summary"], stdout=out, stderr=subprocess.PIPE)
    deadline = time.time() + 30
    while not os.path.exists(status_socket):
        if time.time() > deadline or daemon.poll() is not None:
            sys.exit(f"the daemon did not start: {daemon.stderr.read().decode()}")
        time.sleep(0.1)

    stop = threading.Event()
    sent = [0]
    polls = [0, 0]

    def sender():
        with socket.create_connection(("127.0.0.1", port)) as s:
            while not stop.is_set():
                s.sendall(chunk)
                sent[0] += len(chunk)

    def poller():
        while not stop.is_set():
            urllib.request.urlopen(f"http://127.0.0.1:{metrics}/metrics", timeout=10).read()
            polls[0] += 1
            subprocess.run([a.binary, "status", "--socket", status_socket], capture_output=True, timeout=10)
            polls[1] += 1
            stop.wait(1)

    def status():
        r = subprocess.run([a.binary, "status", "--socket", status_socket], capture_output=True, timeout=10)
        return json.loads(r.stdout)

    threads = [threading.Thread(target=sender), threading.Thread(target=poller)]
    for t in threads:
        t.start()
    start = time.time()
    print(f"| t (s) | RSS (MB) | samples classified | samples/s since last |")
    print(f"|---:|---:|---:|---:|")
    last_t, last_n = start, 0
    while time.time() - start < a.minutes * 60:
        time.sleep(a.sample_every)
        now, n = time.time(), status()["samples_classified"]
        print(f"| {now - start:.0f} | {rss_mb(daemon.pid):.1f} | {n:,} | {(n - last_n) / (now - last_t):,.0f} |", flush=True)
        last_t, last_n = now, n
    stop.set()
    for t in threads:
        t.join()
    # Everything sent was read and classified before the stop?
    deadline = time.time() + 60
    while True:
        s = status()
        if s["bytes_received"] == sent[0] and s["samples_classified"] + s["dropped"]["input"] == s["samples_decoded"]:
            break
        if time.time() > deadline:
            break
        time.sleep(0.5)
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(60)
    out.close()
    with open(os.path.join(work, "stdout.jsonl"), "rb") as f:
        summary = json.loads(f.read().decode().strip().split("\n")[-1])
    c = summary
    checks = {
        "bytes_received = bytes sent": c["bytes_received"] == sent[0],
        "bytes_received = decoded + rejected + garbage": c["bytes_received"] == c["bytes_decoded"] + c["bytes_rejected"] + c["garbage_bytes"],
        "samples_decoded = samples_accepted": c["samples_decoded"] == c["samples_accepted"],
        "accepted = classified + dropped": c["samples_accepted"] == c["samples_classified"] + c["dropped"]["input"] + c["dropped"]["at_stop"],
    }
    print(f"\n{a.format}{'' if a.format == 'text' else f' ({a.samples_per_frame} per frame)'}: {a.minutes:g} min, "
          f"{c['bytes_received']:,} bytes, {c['samples_classified']:,} samples classified "
          f"({c['samples_classified'] / (a.minutes * 60):,.0f}/s), rejected {c['rejected_total']}, dropped {c['dropped']}, "
          f"{polls[0]} /metrics and {polls[1]} status reads, exit {daemon.returncode}")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    sys.exit(0 if all(checks.values()) and daemon.returncode == 0 else 1)


if __name__ == "__main__":
    main()
