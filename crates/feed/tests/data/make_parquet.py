#!/usr/bin/env python3
"""Write the Parquet fixtures in this folder with Apache Arrow's own writer (pyarrow), from the
CSV fixtures here (see README.md). The tests read each Parquet file with vigia and compare it
with vigia's reading of the CSV it came from.

Run from this folder: python3 make_parquet.py (needs `pip install pyarrow`; written with
pyarrow 26.0.1). Reads only files in this folder.
"""
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as csv
import pyarrow.parquet as pq

STRINGS = {"icao24": pa.string(), "callsign": pa.string(), "squawk": pa.string()}

# traffic-style: what `traffic`'s Flight.to_parquet writes through pandas: a UTC datetime64[ns]
# timestamp, Snappy, dictionary-encoded strings; two row groups (the reader must cross them).
traffic = csv.read_csv(
    "calibration_guatemala_head.csv",
    convert_options=csv.ConvertOptions(column_types=STRINGS | {"onground": pa.bool_()}),
)
seconds = traffic.column("timestamp")
nanos = pc.cast(pc.multiply(seconds, 1e9), pa.int64())
traffic = traffic.set_column(
    0, "timestamp", pc.cast(nanos, pa.timestamp("ns", tz="UTC"))
)
pq.write_table(
    traffic,
    "calibration_guatemala_traffic.parquet",
    compression="snappy",
    row_group_size=128,
)

# OpenSky state vectors (as the Impala shell / pyopensky give them): `time` in whole seconds as
# an integer, metres and metres per second, zstd, nulls in geoaltitude and squawk.
opensky = csv.read_csv(
    "calibration_guatemala_opensky.csv",
    convert_options=csv.ConvertOptions(
        column_types=STRINGS | {"time": pa.timestamp("s", tz="UTC")}
    ),
)
opensky = opensky.set_column(
    opensky.schema.get_field_index("time"),
    "time",
    pc.cast(pc.cast(opensky.column("time"), pa.int64()), pa.int64()),
)
pq.write_table(opensky, "calibration_guatemala_opensky.parquet", compression="zstd")

# The same with the legacy INT96 time (Spark, Impala), gzip, no dictionary, data page v2.
opensky = opensky.set_column(
    opensky.schema.get_field_index("time"),
    "time",
    pc.cast(opensky.column("time"), pa.timestamp("s", tz="UTC")),
)
pq.write_table(
    opensky,
    "calibration_guatemala_opensky_int96.parquet",
    compression="gzip",
    use_dictionary=False,
    data_page_version="2.0",
    use_deprecated_int96_timestamps=True,
)
