#!/usr/bin/env python3
"""Resident memory of a published `edgelstm run` under scrapes (docs/benchmarks.md, "Service"):
an idle service (one TCP source, embedded default model, metrics on, a status socket) answering
GET /metrics over loopback and the status socket, each RATE times a second, for MINUTES;
VmRSS from /proc/PID/status printed every 30 s and at the end.

Usage: bench/scrape_memory.py BINARY [--minutes M] [--rate R] [--only metrics|status]
"""
import argparse, json, os, socket, subprocess, tempfile, time


def vmrss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape_metrics(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(f"GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    assert data.startswith(b"HTTP/1.1 200"), data[:80]


def read_status(path):
    """The status socket's JSON object (what `edgelstm status --socket PATH` prints)."""
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(10)
        s.connect(path)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    return json.loads(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--minutes", type=float, default=5)
    ap.add_argument("--rate", type=float, default=1)
    ap.add_argument("--only", choices=["metrics", "status"])
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="edgelstm-scrape")
    port, status = free_port(), os.path.join(work, "status.sock")
    config = os.path.join(work, "scrape.json")
    with open(config, "w") as f:
        json.dump({"sources": [{"name": "net", "type": "tcp", "port": 0}], "sinks": [{"type": "stdout"}],
                   "service": {"statusSocket": status, "metrics": {"enabled": True, "port": port}}}, f)
    p = subprocess.Popen([a.binary, "run", "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not os.path.exists(status):
            assert time.time() < deadline and p.poll() is None, "the service did not start"
            time.sleep(0.05)
        time.sleep(1)
        start, calls, next_print = time.time(), 0, 0.0
        print(f"t=0 s VmRSS {vmrss(p.pid)} kB", flush=True)
        while (elapsed := time.time() - start) < a.minutes * 60:
            if a.only != "status": scrape_metrics(port)
            if a.only != "metrics": read_status(status)
            calls += 1
            if elapsed >= next_print + 30:
                next_print += 30
                print(f"t={next_print:.0f} s VmRSS {vmrss(p.pid)} kB ({calls} rounds)", flush=True)
            time.sleep(max(0.0, start + calls / a.rate - time.time()))
        print(f"end t={time.time() - start:.0f} s VmRSS {vmrss(p.pid)} kB after {calls} rounds of {a.only or 'metrics + status'}", flush=True)
    finally:
        p.terminate()
        p.wait(30)


if __name__ == "__main__":
    main()
