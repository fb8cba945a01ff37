#!/usr/bin/env python3
"""Load and abuse test of vigia on loopback: floods, hostile documents, slow clients.

Runs `vigia analyze` on a large readsb aircraft.json, then `vigia run` with an SBS listener on
127.0.0.1 and attacks it: a million invented addresses, five thousand invented border-crossers,
ten concurrent large reads, slowloris connections past the connection cap. It prints peak RSS
and request latency for each, and exits non-zero when a bound is broken (memory must be a
constant, not a multiple of the input; the service must keep answering).

    python3 scripts/abuse.py --vigia target/release/vigia        # the figures in SECURITY.md
    python3 scripts/abuse.py --quick --vigia target/debug/vigia  # the bounded run of the suite

Standard library only; nothing leaves the machine.
"""

import argparse
import concurrent.futures
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time


def rss_kb(pid, key="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=30):
    """(status, body bytes, seconds)"""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("GET", path, headers={"Host": "127.0.0.1"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body, time.monotonic() - started


def metrics(port):
    _, body, _ = get(port, "/metrics")
    out = {}
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


def drained(port, limit_s=120):
    """Wait until the pipeline has taken everything queued (a slow build takes a while)."""
    last, deadline = -1, time.monotonic() + limit_s
    while time.monotonic() < deadline:
        m = metrics(port)
        done = m.get("vigia_pipeline_records_total", 0)
        if m.get("vigia_queue_depth", 1) == 0 and done == last:
            return
        last = done
        time.sleep(1)


class Prober:
    """Samples /healthz latency in the background while an attack runs."""

    def __init__(self, port):
        self.port, self.samples, self.errors = port, [], 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop.is_set():
            try:
                status, _, took = get(self.port, "/healthz", timeout=10)
                if status == 200:
                    self.samples.append(took)
                else:
                    self.errors += 1
            except OSError:
                self.errors += 1
            time.sleep(0.05)

    def done(self):
        self.stop.set()
        self.thread.join()
        s = sorted(self.samples) or [float("nan")]
        pick = lambda q: s[min(len(s) - 1, int(q * len(s)))]
        return {"n": len(self.samples), "errors": self.errors, "p50_ms": round(pick(0.5) * 1e3, 1),
                "p99_ms": round(pick(0.99) * 1e3, 1), "max_ms": round(s[-1] * 1e3, 1)}


def sbs_position(icao, lat, lon, alt=20000):
    return (f"MSG,3,1,1,{icao:06X},1,2026/12/04,08:00:00.000,2026/12/04,08:00:00.000,,"
            f"{alt},,,{lat:.5f},{lon:.5f},,,0,0,0,0\n")


def send_lines(port, lines):
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall("".join(lines).encode())


def readsb_document(path, size):
    with open(path, "w") as f:
        f.write('{"now": 1738703700.0, "messages": 1, "aircraft": [\n')
        n, written = 0, 0
        while written < size:
            e = ('{"hex":"%06x","flight":"T%07d","alt_baro":%d,"gs":450.1,"track":90.0,"lat":%.5f,'
                 '"lon":%.5f,"seen_pos":1.0,"seen":0.5,"rssi":-20.1,"messages":100,"category":"A3"}'
                 % (random.randrange(1 << 24), n, random.randrange(40000),
                    random.uniform(15, 32), random.uniform(-118, -86)))
            f.write((",\n" if n else "") + e)
            written += len(e) + 2
            n += 1
        f.write("]}\n")
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigia", default="target/release/vigia")
    ap.add_argument("--quick", action="store_true", help="smaller inputs, for the test suite")
    args = ap.parse_args()
    quick = args.quick
    vigia = os.path.abspath(args.vigia)
    failures = []

    def check(ok, what):
        print(("  ok   " if ok else "  FAIL ") + what)
        if not ok:
            failures.append(what)

    work = tempfile.mkdtemp(prefix="vigia-abuse-")
    # 1. A large readsb aircraft.json: streamed, memory bounded by one element.
    size = (25 if quick else 250) * 1_000_000
    doc = os.path.join(work, "aircraft.json")
    n = readsb_document(doc, size)
    started = time.monotonic()
    out = subprocess.run(["/usr/bin/env", "time", "-f", "%M", vigia, "analyze", doc],
                         capture_output=True, text=True)
    peak = int(out.stderr.strip().splitlines()[-1])
    print(f"readsb aircraft.json {size / 1e6:.0f} MB ({n} aircraft): peak RSS {peak / 1024:.0f} MB, "
          f"{time.monotonic() - started:.1f} s")
    check(out.returncode == 0, "analyze reads the document")
    check(peak < 600 * 1024, f"peak RSS {peak // 1024} MB < 600 MB (was 19.9 GB for 250 MB)")
    os.remove(doc)

    # 2. The service, with an SBS listener and a file alert sink.
    api, sbs = free_port(), free_port()
    config = os.path.join(work, "vigia.toml")
    with open(config, "w") as f:
        f.write(f"""zones = "MEX,USA"
[server]
listen = "127.0.0.1:{api}"
max_connections = 256
header_timeout_s = 2.0
[store]
path = "{work}/vigia.db"
[[listeners]]
bind = "127.0.0.1:{sbs}"
format = "sbs"
id = "flood"
[[alerts.rules]]
name = "all"
[[alerts.sinks]]
kind = "file"
path = "{work}/alerts.jsonl"
""")
    service = subprocess.Popen([vigia, "run", "--config", config], stdout=subprocess.DEVNULL,
                               stderr=open(os.path.join(work, "service.log"), "w"))
    try:
        for _ in range(200):
            try:
                if get(api, "/healthz", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        base = rss_kb(service.pid)
        print(f"service up: RSS {base / 1024:.0f} MB")

        # 2a. A million invented addresses, each heard once.
        count = 100_000 if quick else 1_000_000
        probe = Prober(api)
        started = time.monotonic()
        chunk = 20_000
        for k in range(0, count, chunk):
            send_lines(sbs, [sbs_position(0x100000 + i, random.uniform(15, 32), random.uniform(-118, -86))
                             for i in range(k, min(count, k + chunk))])
        drained(api)
        m = metrics(api)
        latency = probe.done()
        high = rss_kb(service.pid, "VmHWM")
        print(f"{count} distinct addresses in {time.monotonic() - started:.1f} s: peak RSS {high / 1024:.0f} MB, "
              f"tracked {m.get('vigia_tracked_aircraft', 0):.0f}, /healthz {latency}")
        check(m.get("vigia_tracked_aircraft", 0) <= 50_000, "the aircraft table stays at its limit")
        check(high < 700 * 1024, f"peak RSS {high // 1024} MB < 700 MB (was 1.4 GB for 1 M)")
        check(latency["errors"] == 0 and latency["p99_ms"] < 2000, "the API keeps answering")

        # 2b. Five thousand invented border-crossers in about 26 s (north across 31.332 N).
        crossers = 5000
        probe = Prober(api)
        lons = [-110.9 + 2.5 * i / crossers for i in range(crossers)]
        for step in range(6):
            lat = 31.312 + 0.008 * step
            send_lines(sbs, [sbs_position(0x900000 + i, lat, lons[i]) for i in range(crossers)])
            time.sleep(5.2)
        drained(api)
        m = metrics(api)
        latency = probe.done()
        events = {k: v for k, v in m.items() if k.startswith("vigia_events_total")}
        folded = m.get("vigia_events_folded_total", 0)
        alerts = m.get("vigia_alerts_total", 0)
        held = m.get("vigia_alerts_held_total", 0)
        print(f"{crossers} invented crossers: events {events}, folded {folded:.0f}, alerts {alerts:.0f} "
              f"(held {held:.0f}), /healthz {latency}")
        entries = m.get('vigia_events_total{type="zone_entry"}', 0)
        check(entries < 1000, f"{entries:.0f} entries stored one by one (was 10 228 events)")
        check(folded > 1000, "the rest are counted into a flood")
        check(alerts < 300, f"{alerts:.0f} alerts sent (was 10 007, 7 152 dropped)")

        if not quick:
            # The flood is written once it has been quiet for a minute.
            time.sleep(62)
            m = metrics(api)
            check(m.get('vigia_events_total{type="flood"}', 0) == 1, "one flood event counts them")

        # 2c. Ten concurrent large reads.
        before = rss_kb(service.pid)
        started = time.monotonic()
        paths = ["/api/flights?limit=10000", "/api/aircraft", "/api/events?limit=10000"] * 4
        with concurrent.futures.ThreadPoolExecutor(10) as pool:
            results = list(pool.map(lambda p: get(api, p, timeout=120), paths[:10]))
        took = [r[2] for r in results]
        high = rss_kb(service.pid, "VmHWM")
        print(f"10 concurrent large reads: {sum(len(r[1]) for r in results) / 1e6:.1f} MB served, "
              f"max {max(took) * 1e3:.0f} ms, RSS {before / 1024:.0f} -> peak {high / 1024:.0f} MB")
        check(all(r[0] == 200 for r in results), "every read answered")
        check(high < 700 * 1024, f"peak RSS {high // 1024} MB < 700 MB (was 6.4 GB)")

        # 2d. Slowloris past the connection cap.
        probe = Prober(api)
        held_sockets = []
        for _ in range(300):
            try:
                s = socket.create_connection(("127.0.0.1", api), timeout=5)
                s.sendall(b"GET /api/aircraft HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                held_sockets.append(s)
            except OSError:
                pass
        time.sleep(4)
        closed = 0
        for s in held_sockets:
            s.settimeout(0.2)
            try:
                closed += s.recv(1) == b""
            except (socket.timeout, OSError):
                closed += isinstance(sys.exc_info()[1], ConnectionResetError)
            s.close()
        latency = probe.done()
        m = metrics(api)
        print(f"300 slowloris connections (cap 256, header timeout 2 s): {closed} closed by the server, "
              f"refused {m.get('vigia_http_connections_refused_total', 0):.0f}, "
              f"timed out {m.get('vigia_http_connections_timed_out_total', 0):.0f}, /healthz {latency}")
        check(closed >= 290, "slow clients are cut off")
        check(latency["errors"] == 0, "the API keeps answering past the cap (slow clients make room)")
        started = time.monotonic()
        service.terminate()
        service.wait(timeout=30)
        print(f"shutdown in {time.monotonic() - started:.1f} s")
    finally:
        if service.poll() is None:
            service.kill()
    if failures:
        print(f"{len(failures)} bound(s) broken")
        sys.exit(1)
    print("all bounds held")


if __name__ == "__main__":
    main()
