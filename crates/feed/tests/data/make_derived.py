#!/usr/bin/env python3
"""Regenerate the derived fixtures in this folder from the copied real ones (see README.md).

Run from this folder: python3 make_derived.py. Reads only files in this folder; deterministic.
"""
import datetime
import json

UTC = datetime.timezone.utc


def beast_frames(data):
    """(mlat, signal, message) for each frame of a clean Beast capture."""
    lengths = {0x31: 2, 0x32: 7, 0x33: 14}
    i, out = 0, []
    while i < len(data):
        assert data[i] == 0x1A, i
        n = lengths[data[i + 1]]
        j, payload = i + 2, []
        while len(payload) < 7 + n:
            if data[j] == 0x1A:
                assert data[j + 1] == 0x1A
                j += 1
            payload.append(data[j])
            j += 1
        out.append((int.from_bytes(bytes(payload[:6]), "big"), payload[6], bytes(payload[7:])))
        i = j
    return out


def avr():
    frames = beast_frames(open("sample_dump1090.bin", "rb").read())
    with open("sample_dump1090.avr", "w", newline="\n") as f:
        for k, (mlat, signal, message) in enumerate(frames):
            hexmsg = message.hex().upper()
            if k % 3 == 0:
                f.write(f"@{mlat:012X}{hexmsg};\n")
            elif k % 3 == 1:
                f.write(f"<{mlat:012X}{signal:02X}{hexmsg};\n")
            else:
                f.write(f"*{hexmsg};\n")


def sbs_time(t):
    d = datetime.datetime.fromtimestamp(t, UTC)
    return d.strftime("%Y/%m/%d"), d.strftime("%H:%M:%S.") + f"{d.microsecond // 1000:03d}"


def sbs():
    doc = json.load(open("trace_full_ac671b.json"))
    hexid = doc["icao"].upper()
    lines = []
    for point in doc["trace"][:300]:
        t = doc["timestamp"] + point[0]
        date, clock = sbs_time(t)
        head = f"MSG,{{}},1,1,{hexid},1,{date},{clock},{date},{clock}"
        ground = point[3] == "ground"
        alt = "" if ground or point[3] is None else str(point[3])
        details = point[8] or {}
        if details.get("flight"):
            lines.append(head.format(1) + f",{details['flight'].strip()},,,,,,,,,,,0")
        lines.append(head.format(3) + f",,{alt},,,{point[1]},{point[2]},,,0,0,0,{-1 if ground else 0}")
        if point[4] is not None:
            vrate = "" if point[7] is None else str(point[7])
            lines.append(head.format(4) + f",,,{point[4]},{point[5]},,,{vrate},,0,0,0,{-1 if ground else 0}")
        if details.get("squawk"):
            lines.append(head.format(6) + f",,,,,,,,{details['squawk']},0,0,0,{-1 if ground else 0}")
    lines.insert(1, "SEL,,496,2286,AC671B,27215,2025/02/04,21:13:42.619,2025/02/04,21:13:42.619,DAL1812")
    lines.insert(3, "STA,,5,179,AC671B,10103,2025/02/04,21:13:42.619,2025/02/04,21:13:42.619,RM")
    with open("trace_ac671b.sbs", "w", newline="\r\n") as f:
        f.write("\n".join(lines) + "\n")


def aircraft_json():
    doc = json.load(open("trace_full_ac671b.json"))
    with_details = [p for p in doc["trace"] if p[8] and p[8].get("flight")]
    point = with_details[0]
    now = round(doc["timestamp"] + point[0] + 0.5, 1)
    details = point[8]
    entries = [
        {
            "hex": doc["icao"], "type": details["type"], "flight": details["flight"],
            "alt_baro": point[3], "alt_geom": details["alt_geom"], "gs": point[4], "track": point[5],
            "baro_rate": point[7], "squawk": details["squawk"], "category": "A3",
            "lat": point[1], "lon": point[2], "seen_pos": 0.5, "seen": 0.1, "rssi": -18.2,
        },
        {"hex": "~0b206f", "type": "tisb_other", "alt_baro": "ground", "seen": 12.3, "rssi": -30.0},
        {"hex": "0d0a1b", "flight": "AMX123  ", "alt_baro": 37000, "geom_rate": -64, "seen": 4.0},
    ]
    with open("aircraft.json", "w") as f:
        json.dump({"now": now, "messages": 123456, "aircraft": entries}, f, indent=1)
        f.write("\n")


def opensky_csv():
    rows = [line.rstrip("\r\n").split(",") for line in open("calibration_guatemala_head.csv", newline="")]
    header, rows = rows[0], rows[1:51]
    col = {name: i for i, name in enumerate(header)}
    out = ["time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact"]
    for r in rows:
        t = float(r[col["timestamp"]])
        iso = datetime.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
        velocity = float(r[col["groundspeed"]]) * 1852 / 3600
        vertrate = float(r[col["vertical_rate"]]) * 0.3048 / 60
        baro = float(r[col["altitude"]]) * 0.3048
        out.append(",".join([
            iso, r[col["icao24"]], r[col["latitude"]], r[col["longitude"]], f"{velocity:.4f}",
            r[col["track"]], f"{vertrate:.4f}", r[col["callsign"]].ljust(8), "False", "False", "False",
            r[col["squawk"]], f"{baro:.2f}", "", f"{t:.1f}", f"{t:.1f}",
        ]))
    with open("calibration_guatemala_opensky.csv", "w", newline="\n") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    avr()
    sbs()
    aircraft_json()
    opensky_csv()
