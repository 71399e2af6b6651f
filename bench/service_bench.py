#!/usr/bin/env python3
"""Service measurements of a published `edgelstm` (docs/benchmarks.md, "Service"):

  startup   time from exec to READY=1 on a test-owned NOTIFY_SOCKET, embedded default model,
            one live TCP source on loopback (median of N runs)
  memory    VmRSS (sampled every 0.1 s from /proc, the last value before exit) and the peak
            (VmHWM: ru_maxrss of the children, whole run) over an hour-equivalent of replay:
            180,000 samples at 50 Hz (the shipped HAPT recording repeated, time column continued)
            through `run` as fast as the pipeline classifies

Usage: bench/service_bench.py BINARY [--runs N]
"""
import json, os, resource, signal, threading, socket, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDING = os.path.join(HERE, "..", "firmware-samples", "recordings", "hapt-exp03-user02.csv")
SAMPLES = 180_000


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def startup(binary, work, runs):
    config = os.path.join(work, "live.json")
    write(config, json.dumps({"sources": [{"name": "net", "type": "tcp", "port": 0}], "sinks": [{"type": "stdout"}]}))
    times = []
    for i in range(runs):
        path = os.path.join(work, f"notify{i}.sock")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)
        s.settimeout(60)
        env = dict(os.environ, NOTIFY_SOCKET=path)
        t0 = time.perf_counter()
        p = subprocess.Popen([binary, "run", "--config", config], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while s.recv(4096) != b"READY=1":
            pass
        times.append(time.perf_counter() - t0)
        p.send_signal(signal.SIGTERM)
        p.wait(60)
        s.close()
    return times


def memory(binary, work):
    rows = [l.rstrip("\n").split(",") for l in open(RECORDING)][1:]
    hour = os.path.join(work, "hour.csv")
    with open(hour, "w") as f:
        f.write("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z\n")
        for i in range(SAMPLES):
            f.write(f"{i * 0.02:.2f}," + ",".join(rows[i % len(rows)][1:7]) + "\n")
    config = os.path.join(work, "hour.json")
    write(config, json.dumps({"sources": [{"name": "hour", "type": "file", "path": hour, "maxSpeed": True}], "sinks": [{"type": "stdout"}]}))
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "run", "--config", config, "--summary"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    # VmRSS sampled while it runs (the last sample is within 0.1 s of the end); the peak (VmHWM) from
    # the kernel's rusage at exit, which holds for the whole run.
    last_rss = "?"
    out = []
    reader = threading.Thread(target=lambda: out.append(p.stdout.read()))
    reader.start()
    while p.poll() is None:
        try:
            for line in open(f"/proc/{p.pid}/status"):
                if line.startswith("VmRSS:"):
                    last_rss = line.split(":")[1].strip()
        except OSError:
            pass
        time.sleep(0.1)
    reader.join()
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the only child waited for so far: memory() runs first
    summary = json.loads(out[0].decode().strip().splitlines()[-1])
    return {"VmRSS": last_rss, "VmHWM": f"{usage.ru_maxrss} kB"}, elapsed, summary


def main():
    binary = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    with tempfile.TemporaryDirectory() as work:
        fields, elapsed, s = memory(binary, work)
        print(f"{s['samples_classified']} samples ({s['classifications']} classifications) in {elapsed:.1f} s: VmRSS at the end {fields['VmRSS']}, peak (VmHWM) {fields['VmHWM']}")
        times = startup(binary, work, runs)
        print(f"start to READY=1: median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms ({runs} runs)")


if __name__ == "__main__":
    main()
