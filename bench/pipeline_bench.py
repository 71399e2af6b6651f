#!/usr/bin/env python3
"""Pipeline benchmarks with the shipped NativeAOT binary (called by bench/pipeline-bench.sh).

Replay throughput at --max-speed for 1, 8 and 64 concurrent streams (samples/s, and per core:
samples/s over the CPU cores the process kept busy), text and binary frames; the pipeline's
overhead as its single-stream throughput over the bare engine's steps/s (`edgelstm bench`) for
the same model; end-to-end latency pty -> JSON line. Prints a markdown table per part.
"""
import json, os, resource, statistics, subprocess, sys, tempfile, time

B = "dist/linux-x64/edgelstm"
REC = "firmware-samples/recordings/hapt-exp03-user02.csv"
RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 3

def run(args):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, wall, cpu

def main():
    w = tempfile.mkdtemp(prefix="edgelstm-pipeline-bench-")
    model = os.path.join(w, "M.elstm")
    bare = []
    for _ in range(RUNS):
        out, _, _ = run([B, "bench", "--shape", "M", "--steps", "200000", "--save-model", model, "--json"])
        bare.append(json.loads(out)["stepsPerSecond"])
    bare_sps = statistics.median(bare)
    # The shipped recording with 9 channels (6 real, 3 zero: shape M takes 9), and 10 times as long.
    rows = [l.rstrip("\n").split(",") for l in open(REC)][1:]
    def write_csv(path, repeat):
        with open(path, "w") as f:
            f.write("time,acc_x,acc_y,acc_z,gyro_x,gyro_y,gyro_z,z1,z2,z3,label\n")
            i = 0
            for _ in range(repeat):
                for r in rows:
                    f.write(f"{i * 0.02:.2f},{','.join(r[1:7])},0,0,0,{r[7]}\n"); i += 1
    short_csv, long_csv = os.path.join(w, "rec9.csv"), os.path.join(w, "long9.csv")
    write_csv(short_csv, 1); write_csv(long_csv, 10)
    for src in (short_csv, long_csv):
        subprocess.run([sys.executable, "bench/make-frames.py", src, src[:-4] + ".bin", "--channels", "9"], check=True)

    print(f"bare engine, shape M: {bare_sps:,.0f} steps/s (median of {RUNS} `edgelstm bench --shape M`)\n")
    print("| input | streams | samples | samples/s (median) | CPU cores busy | samples/s per core | ratio to bare engine (1 stream) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for fmt in ("binary", "text"):
        for n in (1, 8, 64):
            f = (long_csv if n < 64 else short_csv)
            if fmt == "binary": f = f[:-4] + ".bin"
            results = []
            for _ in range(RUNS):
                out, wall, cpu = run([B, "replay", *([f] * n), "--model", model, "--max-speed", "--summary"])
                s = json.loads(out.strip().split("\n")[-1])
                results.append((s["samples_per_second"], s["samples_classified"], cpu / s["elapsed_s"] if s["elapsed_s"] > 0 else 0, s["elapsed_s"]))
            sps = statistics.median(r[0] for r in results)
            cores = statistics.median(r[2] for r in results)
            ratio = f"{sps / bare_sps:.2f}" if n == 1 else ""
            print(f"| {fmt} | {n} | {results[0][1]:,} | {sps:,.0f} | {cores:.2f} | {sps / max(cores, 1e-9):,.0f} | {ratio} |")
    print()
    print("| pty -> JSON line (50 Hz, shape M, serial source) | samples | p50 µs | p99 µs | max µs |")
    print("|---|---:|---:|---:|---:|")
    for fmt in ("text", "binary"):
        out = subprocess.run([sys.executable, "bench/pty-latency.py", B, model, REC, "--samples", "1000", "--format", fmt, "--channels", "9"],
                             check=True, capture_output=True, text=True).stdout
        r = json.loads(out)
        print(f"| {fmt} | {r['received']}/{r['samples']} | {r['p50_us']:,} | {r['p99_us']:,} | {r['max_us']:,} |")

if __name__ == "__main__":
    main()
