//! Parquet against the reference implementation, Apache Arrow's pyarrow (installed by
//! `scripts/test.sh`): pyarrow reads what `vigia tracks --out x.parquet` writes, value for
//! value; and vigia reads what pyarrow writes — every compression codec, every timestamp
//! encoding, dictionary or plain, data pages v1 and v2, many row groups — into exactly the
//! flights it makes of the same trajectories as CSV.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::{root, vigia};

/// Run a Python program with pyarrow; its standard output.
fn python(program: &str, args: &[&Path]) -> String {
    let found = Command::new("python3")
        .args(["-c", "import pyarrow"])
        .output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "pyarrow is needed: python3 -m pip install pyarrow (scripts/test.sh does)"
    );
    let out = Command::new("python3")
        .arg("-c")
        .arg(program)
        .args(args)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vigia-parquet-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn fixture(name: &str) -> String {
    root()
        .join("crates/track/tests/data")
        .join(name)
        .display()
        .to_string()
}

fn tracks(input: &str, out: &Path) -> String {
    let result = vigia(&["tracks", "--stats", "--out", out.to_str().unwrap(), input]);
    let stderr = String::from_utf8_lossy(&result.stderr).to_string();
    assert!(result.status.success(), "vigia tracks {input}: {stderr}");
    stderr
}

/// Parse vigia's CSV points: one vector of cells per point.
fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(String::from).collect())
        .collect()
}

#[test]
fn pyarrow_reads_the_points_vigia_writes() {
    let dir = temp_dir("out");
    let parquet = dir.join("vancouver.parquet");
    let csv = dir.join("vancouver.csv");
    let input = fixture("calibration_vancouver.csv.zst");
    tracks(&input, &parquet);
    tracks(&input, &csv);
    // pyarrow's view of the file: the schema, then every row as CSV cells formatted as vigia
    // formats its CSV (times to the millisecond, degrees to 1e-6, other numbers as shortest).
    let program = r#"
import sys, pyarrow.parquet as pq
f = pq.ParquetFile(sys.argv[1])
print(f.schema_arrow.to_string(show_schema_metadata=False).replace("\n", "|"))
print(f.metadata.created_by)
def num(v):
    return "" if v is None else (str(int(v)) if float(v).is_integer() else repr(v))
for r in f.read().to_pylist():
    ts = r["timestamp"].timestamp()
    cells = [r["flight_id"], r["icao24"], r["callsign"] or "", "%.3f" % ts,
             "%.6f" % r["latitude"], "%.6f" % r["longitude"]]
    cells += [num(r[k]) for k in ("altitude", "groundspeed", "track", "vertical_rate")]
    cells.append("" if r["onground"] is None else str(r["onground"]).lower())
    cells.append(str(r["segment"]))
    cells.append(r["source"])
    cells.append(num(r["mlat_error_m"]))
    print(",".join(cells))
"#;
    let seen = python(program, &[&parquet]);
    let mut lines = seen.lines();
    assert_eq!(
        lines.next().unwrap(),
        "flight_id: string not null|icao24: string not null|callsign: string|timestamp: timestamp[us, tz=UTC] not null|latitude: double not null|longitude: double not null|altitude: double|groundspeed: double|track: double|vertical_rate: double|onground: bool|segment: uint32 not null|source: string not null|mlat_error_m: double"
    );
    assert!(lines.next().unwrap().starts_with("vigia "));
    let from_parquet: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let from_csv = csv_rows(&csv);
    assert_eq!(from_parquet.len(), 1876);
    assert_eq!(from_parquet.len(), from_csv.len());
    for (k, (p, c)) in from_parquet.iter().zip(&from_csv).enumerate() {
        assert_eq!(p[..6], c[..6], "row {k}");
        for i in 6..10 {
            // vigia's CSV prints f32 values; the Parquet holds the same f32 widened to f64
            let (a, b): (f64, f64) = (
                p[i].parse().unwrap_or(f64::NAN),
                c[i].parse().unwrap_or(f64::NAN),
            );
            assert!(
                (a.is_nan() && b.is_nan()) || (a - b).abs() <= 1e-6 * b.abs().max(1.0),
                "row {k} column {i}: {} vs {}",
                p[i],
                c[i]
            );
        }
        assert_eq!(p[10], c[10], "row {k}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn vigia_reads_every_encoding_pyarrow_writes_as_it_reads_the_csv() {
    let dir = temp_dir("in");
    let csv = dir.join("airliners.csv");
    let bytes =
        zstd::decode_all(std::fs::File::open(fixture("airliners_quickstart_40.csv.zst")).unwrap())
            .unwrap();
    std::fs::write(&csv, bytes).unwrap();
    // Each variant: (file, compression, time encoding, dictionary, data page version).
    let program = r#"
import sys, os, pyarrow as pa, pyarrow.csv as csv, pyarrow.compute as pc, pyarrow.parquet as pq
src, out = sys.argv[1], sys.argv[2]
t = csv.read_csv(src, convert_options=csv.ConvertOptions(
    column_types={"icao24": pa.string(), "callsign": pa.string(), "squawk": pa.string()}))
secs = t.column("timestamp")
def with_time(unit):
    if unit == "float":
        return t
    if unit == "int":
        return t.set_column(0, "timestamp", pc.cast(secs, pa.int64()))
    scale = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
    ints = pc.cast(pc.multiply(secs, scale), pa.int64())
    return t.set_column(0, "timestamp", pc.cast(ints, pa.timestamp(unit, tz="UTC")))
variants = [
    ("none", "float", True, "1.0"), ("snappy", "ns", True, "1.0"), ("gzip", "us", False, "2.0"),
    ("zstd", "ms", True, "2.0"), ("lz4", "int", False, "1.0"), ("snappy", "s", True, "2.0"),
    ("zstd", "int96", False, "1.0"),
]
for compression, unit, dictionary, page in variants:
    name = f"{compression}-{unit}-{'dict' if dictionary else 'plain'}-v{page}.parquet"
    table = with_time("ns" if unit == "int96" else unit)
    pq.write_table(table, os.path.join(out, name), compression=compression,
                   use_dictionary=dictionary, data_page_version=page, row_group_size=5000,
                   use_deprecated_int96_timestamps=(unit == "int96"))
    print(name)
pq.write_table(with_time("us"), os.path.join(out, "brotli.parquet"), compression="brotli")
"#;
    let written = python(program, &[&csv, &dir]);
    let names: Vec<&str> = written.lines().collect();
    assert_eq!(names.len(), 7);

    let reference = dir.join("reference.csv");
    let reference_stats = tracks(csv.to_str().unwrap(), &reference);
    let reference_points = std::fs::read(&reference).unwrap();
    assert!(
        reference_stats.contains("records: 54271 read, 0 malformed"),
        "{reference_stats}"
    );
    for name in names {
        let out = dir.join(format!("{name}.csv"));
        let stats = tracks(dir.join(name).to_str().unwrap(), &out);
        assert_eq!(stats, reference_stats, "{name}");
        assert!(
            std::fs::read(&out).unwrap() == reference_points,
            "{name}: points differ from the CSV's"
        );
    }

    // Rejected positions cite their Parquet row where the CSV run cites its line (the header
    // is line 1, so row r is line r + 1).
    let rejected = |input: &Path, name: &str| {
        let out = dir.join(name);
        let result = vigia(&[
            "tracks",
            "--out",
            dir.join("ignored.csv").to_str().unwrap(),
            "--rejected",
            out.to_str().unwrap(),
            input.to_str().unwrap(),
        ]);
        assert!(result.status.success());
        std::fs::read_to_string(out).unwrap()
    };
    let from_csv = rejected(&csv, "rejected-csv.csv");
    let from_parquet = rejected(
        &dir.join("zstd-ms-dict-v2.0.parquet"),
        "rejected-parquet.csv",
    );
    assert!(from_csv.lines().count() > 10, "{from_csv}");
    assert_eq!(from_csv.lines().count(), from_parquet.lines().count());
    for (c, p) in from_csv.lines().zip(from_parquet.lines()).skip(1) {
        let (c_rest, c_line) = c.rsplit_once(':').unwrap();
        let (p_rest, p_row) = p.rsplit_once(" row ").unwrap();
        assert_eq!(
            c_line.parse::<u64>().unwrap(),
            p_row.parse::<u64>().unwrap() + 1
        );
        assert!(c_rest.ends_with("airliners.csv"), "{c}");
        assert!(p_rest.ends_with("zstd-ms-dict-v2.0.parquet"), "{p}");
        assert_eq!(
            c_rest.trim_end_matches(csv.to_str().unwrap()),
            p_rest.trim_end_matches(dir.join("zstd-ms-dict-v2.0.parquet").to_str().unwrap())
        );
    }

    // Brotli is not built in: one clear error naming the file, not a crash.
    let brotli = dir.join("brotli.parquet");
    let result = vigia(&[
        "tracks",
        "--out",
        dir.join("b.csv").to_str().unwrap(),
        brotli.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(!result.status.success());
    assert!(
        stderr.contains("brotli.parquet: row 1: 54271 rows unreadable and skipped")
            && stderr.to_lowercase().contains("brotli"),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A claim resting on an archive row must lead back to that row. The P-8 scenario's frames go
/// through `vigia tracks --out .parquet`; `vigia analyze` on that Parquet file finds the same
/// entry and exit of Mexico's territorial sea as on the frames (within the positions' spacing),
/// and every position it cites as evidence names a row of the file that holds exactly that
/// aircraft, time and place.
#[test]
fn events_from_a_parquet_archive_cite_rows_that_hold_their_evidence() {
    let dir = temp_dir("evidence");
    let beast = dir.join("p8.beast");
    let parquet = dir.join("p8.parquet");
    let sim = vigia(&["sim", "p8-baja-clip", "--out", beast.to_str().unwrap()]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    tracks(beast.to_str().unwrap(), &parquet);

    let analyze = |input: &Path| -> Vec<serde_json::Value> {
        let out = vigia(&["analyze", "--zones", "MEX", input.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|e| e["type"] == "zone_entry" || e["type"] == "zone_exit")
            .collect()
    };
    let from_frames = analyze(&beast);
    let from_rows = analyze(&parquet);
    assert_eq!(from_frames.len(), 2, "{from_frames:?}");
    assert_eq!(from_rows.len(), from_frames.len(), "{from_rows:?}");
    for (r, f) in from_rows.iter().zip(&from_frames) {
        assert_eq!(r["type"], f["type"]);
        let (rt, ft) = (r["ts"].as_f64().unwrap(), f["ts"].as_f64().unwrap());
        assert!((rt - ft).abs() < 1.0, "{rt} vs {ft}");
    }

    // every cited row, read back from the file, is the cited position
    let rows: Vec<vigia_feed::StateVector> = vigia_feed::open(&parquet, None)
        .unwrap()
        .map(|item| match item.unwrap() {
            vigia_feed::Record::State(s) => *s,
            vigia_feed::Record::Frame(_) => unreachable!(),
        })
        .collect();
    for event in &from_rows {
        let positions = event["evidence"]["positions"].as_array().unwrap();
        assert_eq!(positions.len(), 2, "{event}");
        for p in positions {
            assert_eq!(p["method"], "report");
            assert_eq!(p["source"]["file"], parquet.to_str().unwrap());
            let row = p["source"]["row"].as_u64().unwrap() as usize;
            let held = &rows[row - 1];
            assert_eq!(held.icao24.to_string(), event["icao24"]);
            assert!((held.ts.unwrap() - p["ts"].as_f64().unwrap()).abs() < 1e-6);
            assert!((held.latitude.unwrap() - p["latitude"].as_f64().unwrap()).abs() < 1e-6);
            assert!((held.longitude.unwrap() - p["longitude"].as_f64().unwrap()).abs() < 1e-6);
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
