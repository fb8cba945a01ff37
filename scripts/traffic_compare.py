#!/usr/bin/env python3
"""vigia beside `traffic` (the Python trajectory library analysts use) on one question:
which flights entered Mexico's sovereign airspace (land + 12 NM territorial sea), and when.

Input: the 40 real airliner flights of traffic's own quickstart sample (France, 2021, one
position a second: crates/track/tests/data/airliners_quickstart_40.csv.zst), shifted whole
by a fixed offset in latitude and longitude so that the sky they fill straddles the
Mexico-United States border (the same shifted file for both tools). The polygon is vigia's
bundled MEX (data/boundaries/MEX.maritime.geojson.zst).

- traffic: the CSV read with pandas (Unix times to datetimes) into a Traffic, then per flight `Flight.clip(polygon)` (shapely underneath);
  the entry is the first timestamp of the clipped part (traffic keeps the samples inside).
- vigia: `vigia analyze --zones MEX` (whole process), its zone_entry and zone_presence events.

Prints both times and their ratio, and checks the two agree on which flights entered and on
the entry times to within the sampling interval (2 s: one sample each side). Run with
scripts/traffic_compare.sh, which installs traffic in a virtual environment first.
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import time

import pandas as pd
import zstandard

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
VIGIA = os.environ.get("VIGIA", os.path.join(ROOT, "target/release/vigia"))
# The sample's centre (Paris, about 48.75N 2.4E) moved onto the border at Nogales.
SHIFT_LAT = 31.33 - 48.75
SHIFT_LON = -110.9 - 2.4
TOLERANCE_S = 2.0


def read_zst(path):
    with open(path, "rb") as f:
        return zstandard.ZstdDecompressor().stream_reader(f).read()


def shifted_sample(out_path):
    raw = read_zst(os.path.join(ROOT, "crates/track/tests/data/airliners_quickstart_40.csv.zst"))
    df = pd.read_csv(io.BytesIO(raw), dtype={"icao24": str, "squawk": str})
    df["latitude"] += SHIFT_LAT
    df["longitude"] += SHIFT_LON
    df.to_csv(out_path, index=False)
    return len(df), df["icao24"].nunique()


def mexico():
    from shapely.geometry import shape

    gj = json.loads(read_zst(os.path.join(ROOT, "data/boundaries/MEX.maritime.geojson.zst")))
    features = gj["features"] if gj.get("type") == "FeatureCollection" else [gj]
    geoms = [shape(f["geometry"]) for f in features]
    from shapely.ops import unary_union

    return unary_union(geoms)


def with_traffic(path, polygon):
    """(seconds, {icao24: first entry ts}) for traffic: load, then clip each flight."""
    t0 = time.perf_counter()
    from traffic.core import Traffic

    t_import = time.perf_counter() - t0
    t0 = time.perf_counter()
    df = pd.read_csv(path, dtype={"icao24": str, "squawk": str})
    df["timestamp"] = pd.to_datetime(df["timestamp"], unit="s", utc=True)
    traffic = Traffic(df)
    clipped = []
    for flight in traffic:
        inside = flight.clip(polygon)
        if inside is not None and len(inside.data) > 0:
            clipped.append((flight, inside))
    elapsed = time.perf_counter() - t0
    # Entry times, not timed: `clip` keeps the samples strictly after the entry (so a flight
    # already inside loses its first sample); the entry itself is the first time of the
    # intersection of the flight's (lon, lat, t) line with the polygon — what `clip` computes
    # before cutting — interpolated between the samples either side of the boundary.
    from shapely.geometry import LineString

    entries, first_kept = {}, {}
    for flight, inside in clipped:
        line = LineString(list(flight.xy_time))
        cut = line.intersection(polygon)
        geoms = getattr(cut, "geoms", [cut])
        ts = min(c[2] for g in geoms for c in g.coords)
        key = flight.icao24
        entries[key] = min(entries.get(key, ts), ts)
        kept = pd.Timestamp(inside.data["timestamp"].min()).timestamp()
        first_kept[key] = min(first_kept.get(key, kept), kept)
    return elapsed, t_import, entries, first_kept


def with_vigia(path):
    """(seconds, {icao24: first entry ts}) for vigia analyze --zones MEX, whole process."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "events.jsonl")
        t0 = time.perf_counter()
        subprocess.run(
            [VIGIA, "analyze", "--zones", "MEX", "--out", out, path],
            check=True,
            stderr=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - t0
        entries = {}
        with open(out) as f:
            for line in f:
                e = json.loads(line)
                if e.get("type") not in ("zone_entry", "zone_presence") or e.get("zone") != "MEX":
                    continue
                key = e["icao24"]
                entries[key] = min(entries.get(key, e["ts"]), e["ts"])
    return elapsed, entries


def main():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "airliners_shifted.csv")
        rows, aircraft = shifted_sample(path)
        polygon = mexico()
        print(f"input: {rows} positions of {aircraft} real flights shifted to the MEX/USA border")
        runs = int(os.environ.get("RUNS", "3"))
        tv = min((with_vigia(path) for _ in range(runs)), key=lambda r: r[0])
        traffic_runs = [with_traffic(path, polygon) for _ in range(runs)]
        tt = min(traffic_runs, key=lambda r: r[0])
        tt = (tt[0], traffic_runs[0][1], tt[2], tt[3])
        (t_vigia, e_vigia), (t_traffic, t_import, e_traffic, kept) = tv, tt
        print(f"traffic: {t_traffic:.3f} s (load + clip per flight, best of {runs}; importing traffic, {t_import:.2f} s, not counted)")
        print(f"vigia:   {t_vigia:.3f} s (whole process, best of {runs}: read, track, zones, events)")
        print(f"ratio:   vigia {t_traffic / t_vigia:.1f}x faster")
        both = sorted(set(e_vigia) & set(e_traffic))
        only_v = sorted(set(e_vigia) - set(e_traffic))
        only_t = sorted(set(e_traffic) - set(e_vigia))
        print(f"entered MEX: traffic {len(e_traffic)}, vigia {len(e_vigia)}, both {len(both)}")
        worst = 0.0
        for k in both:
            diff = e_vigia[k] - e_traffic[k]
            worst = max(worst, abs(diff))
            print(
                f"  {k}: traffic {e_traffic[k]:.1f} (first sample kept by clip {kept[k]:.0f})"
                f"  vigia {e_vigia[k]:.1f}  ({diff:+.1f} s)"
            )
        for k in only_v:
            print(f"  {k}: vigia only ({e_vigia[k]:.1f})")
        for k in only_t:
            print(f"  {k}: traffic only ({e_traffic[k]:.1f})")
        agree = not only_v and not only_t and worst <= TOLERANCE_S
        print(f"agreement: {'yes' if agree else 'NO'} (worst entry-time difference {worst:.1f} s)")
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
