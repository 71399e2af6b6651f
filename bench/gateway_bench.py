#!/usr/bin/env python3
"""The gateway benchmark (issue 17; docs/benchmarks.md, "Gateway"): the simulated fleet
(bench/fleet, edgelstm-fleet) publishes N nodes at RATE Hz, M samples per message, through a
local mosquitto into one `edgelstm run` with the embedded default model and an MQTT source on
`sensors/+/imu`. For each N (ascending) it runs DURATION seconds and reads, from the daemon's
status socket once its counters stop moving: samples classified against samples the fleet sent,
drops, rejections, the p99 of arrival-to-written latency (latency_us.p99); from /proc: the
daemon's CPU (utime + stime over the run, in % of one core) and memory (VmRSS at the end,
VmHWM); the fleet's and mosquitto's CPU beside it (they share the machine). A run passes when
every sample sent was classified, nothing was dropped or rejected, and p99 < 200 ms, and the
fleet kept its rate (its sends' lateness p99 under 200 ms; else the load was not offered and the
row says "fleet: sends late"); the steps stop at the first N that fails, naming why ("failed"). Then the largest passing N runs again with batching off
(1 sample per message).

--via-stdin stands in for the MQTT source until it exists: mosquitto_sub relays every payload
into the daemon's stdin source (one text stream of all nodes' lines). A backlog that waits in the
relay or the broker is outside the daemon's latency clock, so a run also fails when, at the
fleet's end, more than 200 ms of the fleet's samples were still unclassified (backlog_at_end_s).
--binary may name the JIT build's edgelstm.dll (run with dotnet).

--fleet-only measures the fleet and the broker alone: mosquitto_sub counts the messages that
arrive (one line per message, -F %t) against those sent. It needs no daemon.

Usage: bench/gateway_bench.py [--binary dist/linux-x64/edgelstm] [--fleet PATH] [--nodes 250,500,1000,...]
                              [--duration S] [--rate HZ] [--per-message M] [--qos Q] [--clients C] [--fleet-only]
"""
import argparse, json, os, signal, socket, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from scrape_memory import free_port, read_status, vmrss  # noqa: E402  (one /proc and status reader)

TICKS = os.sysconf("SC_CLK_TCK")
P99_LIMIT_US = 200_000


def cpu_seconds(pid):
    """utime + stime of a process so far, in seconds (/proc/PID/stat fields 14 and 15)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def vmhwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return -1


def start_broker(work):
    port = free_port()
    conf = os.path.join(work, "mosquitto.conf")
    with open(conf, "w") as f:
        # No persistence; queues unbounded, so a slow subscriber shows as latency and in the
        # daemon's counters, not as messages the broker threw away.
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                "max_queued_messages 0\nmax_queued_bytes 0\nlog_dest stderr\nlog_type error\nlog_type warning\n")
    broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=open(os.path.join(work, "mosquitto.log"), "w"))
    deadline = time.time() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return broker, port
        except OSError:
            assert time.time() < deadline and broker.poll() is None, "mosquitto did not start (see mosquitto.log)"
            time.sleep(0.05)


def fleet_command(a, port, nodes, per_message):
    return [a.fleet, "--nodes", str(nodes), "--rate", str(a.rate), "--per-message", str(per_message), "--port", str(port),
            "--qos", str(a.qos), "--duration", str(a.duration), "--clients", str(a.clients)]


def run_fleet(a, port, nodes, per_message, watch):
    """Runs the fleet to its end; returns its report and the CPU (% of one core over the run) of the
    fleet and of each process in watch = {name: pid}."""
    before = {name: cpu_seconds(pid) for name, pid in watch.items()}
    children = os.times()
    t0 = time.time()
    fleet = subprocess.Popen(fleet_command(a, port, nodes, per_message), stdout=subprocess.PIPE, stderr=sys.stderr, text=True)
    try:
        out, _ = fleet.communicate(timeout=a.duration + 90)  # the fleet gives up 10 s late, then drains up to 30 s
    except subprocess.TimeoutExpired:
        fleet.kill()
        raise
    wall = time.time() - t0
    after = os.times()  # the fleet is the one child reaped meanwhile
    cpu = {name: round(100 * (cpu_seconds(pid) - before[name]) / wall, 1) for name, pid in watch.items()}
    cpu["fleet"] = round(100 * (after.children_user + after.children_system - children.children_user - children.children_system) / wall, 1)
    return json.loads(out.strip().splitlines()[-1]), cpu


def settle(status_path, key="samples_classified", quiet=2.0, limit=60):
    """The status once its counter has not moved for `quiet` seconds."""
    last, since, deadline = None, time.time(), time.time() + limit
    while time.time() < deadline:
        s = read_status(status_path)
        if s[key] != last:
            last, since = s[key], time.time()
        elif time.time() - since >= quiet:
            return s
        time.sleep(0.25)
    return read_status(status_path)


def daemon_step(a, work, port, nodes, per_message, batch_lanes=None):
    lanes = a.batch_lanes if batch_lanes is None else batch_lanes
    status_path = os.path.join(work, f"status-{nodes}-{per_message}-{lanes}.sock")
    config = os.path.join(work, f"gateway-{nodes}-{per_message}.json")
    source = {"name": "nodes", "type": "mqtt", "format": "text", "topics": ["sensors/+/imu"], "qos": a.qos,
              # A client id per run: a run that fell behind leaves its persistent session's queue in the broker, which
              # the next run would otherwise receive (and count) as its own.
              "mqtt": {"host": "127.0.0.1", "port": port, "clientId": f"gateway-{nodes}-{per_message}-{lanes}"}}
    relay = None
    if a.via_stdin:
        # Stand-in until the MQTT source exists: mosquitto_sub relays every payload into the
        # daemon's stdin, one text stream of all nodes' lines (same samples, same parsing and
        # classifying per sample; one session instead of one per node).
        source = {"name": "nodes", "type": "stdin", "format": "text"}
        relay = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", "sensors/+/imu", "-q", str(a.qos), "-N"],
                                 stdout=subprocess.PIPE, stderr=sys.stderr)
    with open(config, "w") as f:
        # Every sample's decision is written (emit every hop), so latency_us counts each sample, not only changes of label.
        json.dump({"sources": [source], "streams": [{"match": "*", "events": {"emit": "hop", "hop": 1}}],
                   "sinks": [{"type": "stdout"}], "pipeline": {"batchLanes": lanes}, "service": {"statusSocket": status_path}}, f)
    command = (["dotnet", a.binary] if a.binary.endswith(".dll") else [a.binary]) + ["run", "--config", config]
    daemon = subprocess.Popen(command, stdin=relay.stdout if relay else subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=open(os.path.join(work, f"daemon-{nodes}-{per_message}.log"), "w"))
    try:
        deadline = time.time() + 30
        while not os.path.exists(status_path):
            assert time.time() < deadline and daemon.poll() is None, f"the daemon did not start (see {work}/daemon-*.log)"
            time.sleep(0.05)
        time.sleep(1)  # subscribed
        watch = {"daemon": daemon.pid, "mosquitto": a.broker_pid} | ({"relay": relay.pid} if relay else {})
        report, cpu = run_fleet(a, port, nodes, per_message, watch)
        at_end = read_status(status_path)["samples_classified"]
        s = settle(status_path)
        dropped = s["dropped"]["input"] + s["dropped"]["at_stop"]
        row = {
            "nodes": nodes, "per_message": per_message, "rate_hz": a.rate, "qos": a.qos, "seconds": report["seconds"],
            "source": "stdin relay" if relay else "mqtt", "batch_lanes": lanes,
            "batched_mean": round(s["batched"]["samples"] / s["batched"]["calls"], 1) if s.get("batched", {}).get("calls") else 0,
            "samples_sent": report["samples"], "samples_classified": s["samples_classified"], "dropped": dropped,
            # The source's messages received and acknowledged against the fleet's: a shortfall in received with
            # received == acknowledged is held upstream (the broker), not in the daemon.
            "messages_sent": report["messages"], "messages_received": sum(m["received"] for m in s.get("mqtt_sources", [])),
            "messages_acknowledged": sum(m["acknowledged"] for m in s.get("mqtt_sources", [])),
            "rejected": s["rejected_total"], "p99_ms": round(s["latency_us"]["p99"] / 1000, 1),
            "p50_ms": round(s["latency_us"]["p50"] / 1000, 1), "max_ms": round(s["latency_us"]["max"] / 1000, 1),
            # Samples sent but not yet classified when the fleet ended, in seconds of the fleet's
            # output: a backlog queued before the daemon's clock starts (in the broker, a relay).
            "backlog_at_end_s": round(max(0, report["samples"] - at_end) / (nodes * a.rate), 3),
            "daemon_cpu_pct": cpu["daemon"], "daemon_rss_kb": vmrss(daemon.pid), "daemon_hwm_kb": vmhwm(daemon.pid),
            "mosquitto_cpu_pct": cpu["mosquitto"], "relay_cpu_pct": cpu.get("relay"),
            "fleet_cpu_pct": cpu["fleet"], "fleet_lateness_p99_ms": report["lateness_ms"]["p99"], "fleet_failed": report["messages_failed"],
        }
        row["failed"] = [why for why, bad in [
            ("samples lost", row["samples_classified"] != row["samples_sent"]), ("dropped", dropped > 0), ("rejected", row["rejected"] > 0),
            ("p99 >= 200 ms", s["latency_us"]["p99"] >= P99_LIMIT_US), ("backlog >= 200 ms", row["backlog_at_end_s"] >= 0.2)] if bad] + fleet_failures(report)
        row["pass"] = not row["failed"]
        return row
    finally:
        if relay:
            relay.terminate()
            relay.wait(30)
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)


def fleet_only_step(a, work, port, nodes, per_message):
    # Into a file, not a pipe: a full pipe would stall the subscriber and fill the broker's queue.
    topics = os.path.join(work, f"sub-{nodes}-{per_message}.txt")
    sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t", "sensors/+/imu", "-q", str(a.qos), "-F", "%t"],
                           stdout=open(topics, "wb"), stderr=sys.stderr)
    try:
        time.sleep(1)  # subscribed
        report, cpu = run_fleet(a, port, nodes, per_message, {"mosquitto": a.broker_pid, "mosquitto_sub": sub.pid})
        # The broker's queue to the subscriber drains: wait until the count has not moved for 2 s.
        size, since = -1, time.time()
        while time.time() - since < 2:
            if os.path.getsize(topics) != size:
                size, since = os.path.getsize(topics), time.time()
            time.sleep(0.25)
    finally:
        sub.send_signal(signal.SIGINT)
    sub.wait(30)
    with open(topics, "rb") as f:
        received = f.read().count(b"\n")
    row = {
        "nodes": nodes, "per_message": per_message, "rate_hz": a.rate, "qos": a.qos, "seconds": report["seconds"],
        "messages_sent": report["messages"], "messages_received": received, "samples_sent": report["samples"],
        "mosquitto_cpu_pct": cpu["mosquitto"], "mosquitto_sub_cpu_pct": cpu["mosquitto_sub"],
        "fleet_cpu_pct": cpu["fleet"],
        "fleet_lateness_p50_ms": report["lateness_ms"]["p50"], "fleet_lateness_p99_ms": report["lateness_ms"]["p99"],
        "fleet_lateness_max_ms": report["lateness_ms"]["max"], "fleet_failed": report["messages_failed"],
    }
    row["failed"] = (["messages lost"] if received != report["messages"] else []) + fleet_failures(report)
    row["pass"] = not row["failed"]
    return row


def fleet_failures(report):
    """Why the fleet itself did not offer the load it was asked for: publishes that failed, or sends
    late by 200 ms and more at the 99th percentile (the machine could not keep the fleet's rate)."""
    return ([f"fleet: {report['messages_failed']} publishes failed"] if report["messages_failed"] else []) + \
           ([f"fleet: {report['messages_unsent']} messages not sent in time"] if report["messages_unsent"] else []) + \
           ([f"fleet: sends late (p99 {report['lateness_ms']['p99']} ms)"] if report["lateness_ms"]["p99"] >= 200 else [])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "dist", "linux-x64", "edgelstm"))
    ap.add_argument("--fleet", default=os.path.join(HERE, "fleet", "bin", "Release", "net10.0", "edgelstm-fleet"))
    ap.add_argument("--nodes", default="250,500,1000,1500,2000,3000,4000")
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--rate", type=float, default=50)
    ap.add_argument("--per-message", type=int, default=10)
    ap.add_argument("--qos", type=int, default=1, choices=[0, 1])
    ap.add_argument("--clients", type=int, default=0, help="MQTT connections of the fleet; 0 = one per node")
    ap.add_argument("--fleet-only", action="store_true", help="no daemon: mosquitto_sub counts what arrives")
    ap.add_argument("--batch-lanes", type=int, default=64, help="pipeline.batchLanes of the daemon (0: every stream steps alone)")
    ap.add_argument("--via-stdin", action="store_true", help="the daemon reads a mosquitto_sub relay on stdin (until the MQTT source exists)")
    a = ap.parse_args()
    if not a.fleet_only and not os.path.exists(a.binary):
        sys.exit(f"gateway_bench: {a.binary} missing: run ./publish.sh linux-x64 (or give --binary)")
    if not os.path.exists(a.fleet):
        sys.exit(f"gateway_bench: {a.fleet} missing: dotnet build bench/fleet -c Release")
    work = tempfile.mkdtemp(prefix="edgelstm-gateway")
    broker, port = start_broker(work)
    a.broker_pid = broker.pid
    step = fleet_only_step if a.fleet_only else daemon_step
    best = None
    try:
        for n in (int(x) for x in a.nodes.split(",")):
            row = step(a, work, port, n, a.per_message)
            print(json.dumps(row), flush=True)
            if not row["pass"]:
                break
            best = row
        if best is not None and not a.fleet_only and a.batch_lanes != 0:
            # The same run with the daemon's batched stepping off (pipeline.batchLanes 0).
            row = step(a, work, port, best["nodes"], a.per_message, batch_lanes=0)
            row["batching"] = "off"
            print(json.dumps(row), flush=True)
    finally:
        broker.terminate()
        broker.wait(30)
    print(json.dumps({"largest_passing_nodes": best["nodes"] if best else 0, "mode": "fleet-only" if a.fleet_only else "daemon",
                      "work": work}), flush=True)


if __name__ == "__main__":
    main()
