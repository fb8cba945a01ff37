//! No output joins an impossible jump: on every bundled input and on a real flight with a
//! GPS-spoofed stretch, consecutive points of one flight and segment in `vigia tracks`' output
//! are physically possible, breaks are counted, and `vigia analyze` claims no crossing across
//! a break.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{root, vigia};

use vigia_track::plausibility::{distance_m, MPS_PER_KT, POSITION_SLACK_M};
use vigia_track::Category;

/// Check a `vigia tracks` points CSV; returns (points, breaks).
fn assert_plausible(csv: &str, what: &str) -> (usize, usize) {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let (id, ts, lat, lon, seg) = (
        col("flight_id"),
        col("timestamp"),
        col("latitude"),
        col("longitude"),
        col("segment"),
    );
    let mut last: HashMap<String, (u32, f64, f64, f64)> = HashMap::new();
    let (mut points, mut breaks) = (0, 0);
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        let p = (
            f[seg].parse::<u32>().unwrap(),
            f[ts].parse::<f64>().unwrap(),
            f[lat].parse::<f64>().unwrap(),
            f[lon].parse::<f64>().unwrap(),
        );
        points += 1;
        if let Some(q) = last.insert(f[id].to_string(), p) {
            if p.0 != q.0 {
                assert_eq!(p.0, q.0 + 1, "{what}: segments count up");
                breaks += 1;
                continue;
            }
            let d = distance_m(q.2, q.3, p.2, p.3);
            // The fastest an aircraft of unknown category is believed to fly (archive rows
            // and most frames carry no category), with the tracker's slack.
            let limit_kt = Category::Unknown.limits().speed_kt;
            let allowed = limit_kt * MPS_PER_KT * (p.1 - q.1) + POSITION_SLACK_M;
            assert!(
                d <= allowed,
                "{what}: flight {} segment {}: {:.1} NM in {:.1} s",
                f[id],
                p.0,
                d / 1852.0,
                p.1 - q.1
            );
        }
    }
    (points, breaks)
}

fn tracks_csv(input: &Path, dir: &Path, extra: &[&str]) -> (String, String) {
    let out = dir.join("points.csv");
    let mut args = vec!["tracks", "--stats", "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(input.to_str().unwrap());
    let run = vigia(&args);
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{}: {stderr}", input.display());
    (std::fs::read_to_string(&out).unwrap(), stderr)
}

/// The real Guatemala calibration flight with 4 minutes (rows 500–547) moved 310 NM
/// north-east, as on real GPS-spoofed flights; and the box those spoofed positions fall in.
fn spoofed_flight(dir: &Path) -> (PathBuf, PathBuf) {
    let file =
        std::fs::File::open(root().join("crates/track/tests/data/calibration_guatemala.csv.zst"))
            .unwrap();
    let text = std::io::read_to_string(zstd::Decoder::new(file).unwrap()).unwrap();
    let (dlat, dlon) = (3.65, 3.77); // 310 NM on a bearing of 45° at 14.6° N
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        if (501..549).contains(&i) {
            f[3] = format!("{:.6}", f[3].parse::<f64>().unwrap() + dlat);
            f[4] = format!("{:.6}", f[4].parse::<f64>().unwrap() + dlon);
        }
        out.push_str(&f.join(","));
        out.push('\n');
    }
    let input = dir.join("spoofed.csv");
    std::fs::write(&input, out).unwrap();
    let zone = dir.join("box.geojson");
    std::fs::write(
        &zone,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},"geometry":{"type":"Polygon","coordinates":[[[-88.0,17.0],[-85.5,17.0],[-85.5,19.5],[-88.0,19.5],[-88.0,17.0]]]}}]}"#,
    )
    .unwrap();
    (input, zone)
}

#[test]
fn a_spoofed_stretch_is_a_break_in_tracks_and_no_crossing_in_analyze() {
    let dir = tempfile::tempdir().unwrap();
    let (input, zone) = spoofed_flight(dir.path());
    let (csv, stderr) = tracks_csv(&input, dir.path(), &[]);
    let (points, breaks) = assert_plausible(&csv, "spoofed flight");
    assert!(points > 1500);
    assert_eq!(breaks, 2, "there and back");
    assert!(stderr.contains("track breaks: 2"), "{stderr}");

    let events = dir.path().join("events.jsonl");
    let run = vigia(&[
        "analyze",
        "--zones",
        zone.to_str().unwrap(),
        "--out",
        events.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let events: Vec<Value> = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let claims: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"].as_str().is_some_and(|t| t.starts_with("zone_")))
        .collect();
    assert!(
        claims.is_empty(),
        "no entry, exit or presence rests on a jump: {claims:?}"
    );
    // The record still says where the positions were.
    let flight = events.iter().find(|e| e["type"] == "flight").unwrap();
    assert!(flight.to_string().contains("BOX"), "{flight}");
}

#[test]
fn no_bundled_input_gives_an_implausible_segment() {
    let dir = tempfile::tempdir().unwrap();
    let sim = dir.path().join("spoofer.csv");
    let run = vigia(&["sim", "spoofer", "--out", sim.to_str().unwrap()]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let mut inputs: Vec<(PathBuf, Vec<&str>)> = vec![
        (
            root().join("tests/data/long_flight.csv.zst"),
            vec!["--ref", "43.7,1.36"],
        ),
        (root().join("tests/data/long_flight.csv.zst"), vec![]),
        (sim, vec![]),
    ];
    for d in ["crates/track/tests/data", "crates/feed/tests/data"] {
        for entry in std::fs::read_dir(root().join(d)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with(".md") || name.ends_with(".py") || name.starts_with("fuzz_") {
                continue;
            }
            inputs.push((path, vec![]));
        }
    }
    let mut total = 0;
    for (input, extra) in &inputs {
        let (csv, _) = tracks_csv(input, dir.path(), extra);
        total += assert_plausible(&csv, &input.display().to_string()).0;
    }
    assert!(total > 20_000, "{total} points checked");
}
