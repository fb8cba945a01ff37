//! Ground truth end to end: every bundled simulator scenario, written as frames by `vigia sim`
//! and read back by `vigia analyze`, reproduces the truth's zone events (same events, crossing
//! times within the sampling interval) and orbit maneuvers; the spoofer yields no sovereignty
//! event, only rejected positions.

use serde_json::Value;

use super::vigia;

struct Run {
    truth: Vec<Value>,
    events: Vec<Value>,
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

fn run(scenario: &str) -> Run {
    let dir = std::env::temp_dir().join(format!("vigia-scn-{}-{scenario}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (frames, truth, events) = (
        dir.join("frames.csv"),
        dir.join("truth.jsonl"),
        dir.join("events.jsonl"),
    );
    let sim = vigia(&[
        "sim",
        scenario,
        "--out",
        frames.to_str().unwrap(),
        "--truth",
        truth.to_str().unwrap(),
    ]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let analyze = vigia(&[
        "analyze",
        "--out",
        events.to_str().unwrap(),
        frames.to_str().unwrap(),
    ]);
    assert!(
        analyze.status.success(),
        "{}",
        String::from_utf8_lossy(&analyze.stderr)
    );
    let r = Run {
        truth: lines(&truth),
        events: lines(&events),
    };
    std::fs::remove_dir_all(&dir).ok();
    r
}

/// A zone event as (icao24, zone, direction, ts).
type Crossing = (String, String, String, f64);

/// Zone events of the truth and of the analysis.
fn crossings(r: &Run) -> (Vec<Crossing>, Vec<Crossing>) {
    let s = |v: &Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
    let mut truth: Vec<_> = r
        .truth
        .iter()
        .filter(|t| t["type"] == "zone_event")
        .map(|t| {
            (
                s(t, "icao24"),
                s(t, "zone"),
                s(t, "direction"),
                t["ts"].as_f64().unwrap(),
            )
        })
        .collect();
    let mut found = Vec::new();
    for e in &r.events {
        let f = |dir: &str, ts: f64| (s(e, "icao24"), s(e, "zone"), dir.to_string(), ts);
        match e["type"].as_str() {
            Some("zone_entry") => found.push(f("entry", e["ts"].as_f64().unwrap())),
            Some("zone_exit") => found.push(f("exit", e["ts"].as_f64().unwrap())),
            Some("zone_transit") => {
                found.push(f("entry", e["ts"].as_f64().unwrap()));
                found.push(f("exit", e["exit_ts"].as_f64().unwrap()));
            }
            _ => {}
        }
    }
    truth.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    found.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    (truth, found)
}

fn assert_same_crossings(r: &Run) {
    let (truth, found) = crossings(r);
    assert_eq!(truth.len(), found.len(), "truth {truth:?}\nfound {found:?}");
    for (t, f) in truth.iter().zip(&found) {
        assert_eq!((&t.0, &t.1, &t.2), (&f.0, &f.1, &f.2));
        // Positions come twice a second; the crossing is interpolated between two of them.
        assert!((t.3 - f.3).abs() <= 1.0, "{t:?} vs {f:?}");
    }
}

#[test]
fn p8_clips_the_territorial_sea_for_two_minutes() {
    let r = run("p8-baja-clip");
    assert_same_crossings(&r);
    let exit = r
        .events
        .iter()
        .find(|e| e["type"] == "zone_exit")
        .expect("exit");
    let inside = exit["time_inside_s"].as_f64().unwrap();
    assert!((90.0..150.0).contains(&inside), "{inside}");
    // The evidence is raw frames.
    let frames = &exit["evidence"]["positions"][0]["frames"];
    assert!(frames.as_array().is_some_and(|f| !f.is_empty()));
}

#[test]
fn rc135_racetrack_stays_outside() {
    let r = run("rc135-gulf");
    assert_same_crossings(&r);
    let truth_nm = r
        .truth
        .iter()
        .find(|t| t["type"] == "closest_approach" && t["zone"] == "MEX")
        .unwrap()["distance_nm"]
        .as_f64()
        .unwrap();
    let found = r
        .events
        .iter()
        .find(|e| e["type"] == "closest_approach" && e["zone"] == "MEX")
        .expect("approach");
    assert!((found["distance_nm"].as_f64().unwrap() - truth_nm).abs() < 0.5);
    let orbit = r
        .events
        .iter()
        .find(|e| e["type"] == "orbit")
        .expect("racetrack");
    assert_eq!(orbit["shape"], "racetrack");
}

#[test]
fn mq9_orbits_inside_mexico_at_two_stations() {
    let r = run("mq9-orbit-sonora");
    assert_same_crossings(&r);
    let maneuvers: Vec<&Value> = r.truth.iter().filter(|t| t["type"] == "maneuver").collect();
    let orbits: Vec<&Value> = r.events.iter().filter(|e| e["type"] == "orbit").collect();
    assert_eq!(orbits.len(), maneuvers.len());
    for m in maneuvers {
        let (start, end) = (m["start"].as_f64().unwrap(), m["end"].as_f64().unwrap());
        let (lat, lon) = (
            m["centre"][0].as_f64().unwrap(),
            m["centre"][1].as_f64().unwrap(),
        );
        assert!(
            orbits.iter().any(|o| {
                let overlap =
                    o["end"].as_f64().unwrap().min(end) - o["start"].as_f64().unwrap().max(start);
                let off_nm = 60.0
                    * (o["latitude"].as_f64().unwrap() - lat)
                        .hypot((o["longitude"].as_f64().unwrap() - lon) * lat.to_radians().cos());
                overlap > 0.6 * (end - start) && off_nm < 15.0
            }),
            "no orbit matches {m}"
        );
        // The geometry is the circle flown, fitted: the truth's centre and radius (the 6 NM
        // orbit once came out at 13.3 NM), and it ends when the aircraft leaves the circle.
        // (The truth's start includes the way to the circle; the orbit starts on it.)
        let overlap = |o: &&&Value| {
            o["end"].as_f64().unwrap().min(end) - o["start"].as_f64().unwrap().max(start)
        };
        let o = orbits
            .iter()
            .max_by(|a, b| overlap(a).total_cmp(&overlap(b)))
            .unwrap();
        let radius = m["radius_nm"].as_f64().unwrap();
        let off_nm = 60.0
            * (o["latitude"].as_f64().unwrap() - lat)
                .hypot((o["longitude"].as_f64().unwrap() - lon) * lat.to_radians().cos());
        assert!(off_nm < 0.3, "centre {off_nm} NM off: {o}");
        assert!(
            (o["radius_nm"].as_f64().unwrap() - radius).abs() < 0.05 * radius,
            "{o}"
        );
        assert!(o["residual_nm"].as_f64().unwrap() < 0.2, "{o}");
        assert!(
            (o["end"].as_f64().unwrap() - end).abs() < 120.0,
            "{o} vs {m}"
        );
        assert!(o["start"].as_f64().unwrap() >= start - 60.0, "{o} vs {m}");
        assert!(o["start"].as_f64().unwrap() - start < 900.0, "{o} vs {m}");
    }
    let flight = r.events.iter().find(|e| e["type"] == "flight").unwrap();
    assert!(flight["score"].as_f64().unwrap() >= 0.6, "{flight}");
    // It announces itself as a UAV (emitter category B6), which the score counts.
    let codes: Vec<&str> = flight["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"uav_category") && codes.contains(&"orbit"),
        "{codes:?}"
    );
    assert_eq!(flight["zones"][0]["zone"], "MEX");
    assert_eq!(flight["zones"][0]["first_seen_inside"], true);
}

#[test]
fn border_airliners_cross_at_the_right_times() {
    let r = run("border-airliners");
    assert_same_crossings(&r);
    assert!(r
        .events
        .iter()
        .filter(|e| e["type"] == "flight")
        .all(|f| f["score"].as_f64().unwrap() < 0.3));
}

#[test]
fn the_spoofer_makes_no_sovereignty_event() {
    let r = run("spoofer");
    assert!(!r.events.iter().any(|e| matches!(
        e["type"].as_str(),
        Some("zone_entry" | "zone_exit" | "zone_transit")
    )));
    let spoofed: u64 = r
        .truth
        .iter()
        .filter(|t| t["type"] == "fault" && t["kind"] != "garbage")
        .map(|t| t["frames"].as_u64().unwrap())
        .sum();
    let flight = r.events.iter().find(|e| e["type"] == "flight").unwrap();
    assert!(
        flight["rejected_positions"].as_u64().unwrap() >= spoofed / 2,
        "{flight}"
    );
}

#[test]
fn a_beast_capture_from_two_receivers_tracks_like_its_csv() {
    // The spoofer scenario has two receivers, each with its own 12 MHz counter: read as one
    // clock, the Beast file split the flight and lost 5 110 positions as out of order.
    let dir = tempfile::tempdir().unwrap();
    let (beast, csv) = (dir.path().join("s.beast"), dir.path().join("s.csv"));
    for out in [&beast, &csv] {
        let sim = vigia(&["sim", "spoofer", "--out", out.to_str().unwrap()]);
        assert!(sim.status.success());
    }
    let stats = |input: &std::path::Path| {
        let run = vigia(&[
            "tracks",
            "--stats",
            "--out",
            dir.path().join("t.geojson").to_str().unwrap(),
            input.to_str().unwrap(),
        ]);
        assert!(run.status.success());
        String::from_utf8_lossy(&run.stderr).into_owned()
    };
    let (b, c) = (stats(&beast), stats(&csv));
    let line = |s: &str, key: &str| s.lines().find(|l| l.starts_with(key)).unwrap().to_string();
    assert_eq!(line(&b, "flights:"), line(&c, "flights:"), "{b}");
    assert_eq!(line(&b, "points:"), line(&c, "points:"), "{b}");
    assert!(!b.contains("out_of_order"), "{b}");
    assert!(b.contains("2 receiver clocks in one capture"), "{b}");
}

#[test]
fn receiver_clock_times_are_never_dates_and_start_anchors_them() {
    // A Beast capture carries the receiver's counter only: the summary once printed
    // "1970-01-01 15:01:33Z" and KML wrote 1970 <when> times.
    let dir = tempfile::tempdir().unwrap();
    let beast = dir.path().join("p8.beast");
    let sim = vigia(&["sim", "p8-baja-clip", "--out", beast.to_str().unwrap()]);
    assert!(sim.status.success());
    let (md, kml, events) = (
        dir.path().join("s.md"),
        dir.path().join("t.kml"),
        dir.path().join("e.jsonl"),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["analyze", "--report", md.to_str().unwrap()];
        args.extend_from_slice(&["--out", events.to_str().unwrap()]);
        args.extend_from_slice(extra);
        args.push(beast.to_str().unwrap());
        let a = vigia(&args);
        assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
        let mut args = vec!["tracks", "--out", kml.to_str().unwrap()];
        args.extend_from_slice(extra);
        args.push(beast.to_str().unwrap());
        let t = vigia(&args);
        assert!(t.status.success(), "{}", String::from_utf8_lossy(&t.stderr));
        (
            std::fs::read_to_string(&md).unwrap(),
            std::fs::read_to_string(&kml).unwrap(),
            String::from_utf8_lossy(&a.stderr).into_owned(),
        )
    };
    let (summary, tracks, stderr) = run(&[]);
    assert!(!summary.contains("1970"), "{summary}");
    assert!(summary.contains("clock "), "{summary}");
    assert!(!tracks.contains("<when>"), "no dates in KML");
    assert!(tracks.contains("receiver clock, not a date"));
    assert!(stderr.contains("--start UNIX|ISO anchors them"), "{stderr}");
    // Anchored at the scenario's start: the entry into Mexico's territorial sea is dated.
    let (summary, tracks, stderr) = run(&["--start", "2024-05-03T19:00:00Z"]);
    assert!(summary.contains("2024-05-03 19:"), "{summary}");
    assert!(tracks.contains("<when>2024-05-03T19:"), "dated KML");
    assert!(stderr.contains("anchored"), "{stderr}");
    let bad = vigia(&["analyze", "--start", "yesterday", beast.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("neither Unix seconds nor an ISO 8601"));
}

#[test]
fn circling_that_is_not_surveillance_scores_under_the_line() {
    // A thermalling glider, a medical helicopter over a scene, training turns both ways and an
    // airliner holding: each circles for half an hour or more, none is on station.
    let dir = tempfile::tempdir().unwrap();
    let (frames, events) = (dir.path().join("h.csv"), dir.path().join("h.jsonl"));
    let sim = vigia(&["sim", "hard-negatives", "--out", frames.to_str().unwrap()]);
    assert!(sim.status.success());
    let analyze = vigia(&[
        "analyze",
        "--zones",
        "MEX",
        "--out",
        events.to_str().unwrap(),
        frames.to_str().unwrap(),
    ]);
    assert!(analyze.status.success());
    let events = lines(&events);
    let flights: Vec<&Value> = events.iter().filter(|e| e["type"] == "flight").collect();
    assert_eq!(flights.len(), 4);
    for f in &flights {
        assert!(
            f["score"].as_f64().unwrap() < 0.3,
            "{} is not surveillance-like: {f}",
            f["callsign"]
        );
    }
    // The circling is seen, and said for what it is.
    let pattern = |icao: &str| -> Vec<String> {
        events
            .iter()
            .filter(|e| e["type"] == "orbit" && e["icao24"] == icao)
            .map(|e| e["pattern"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(pattern("a1b2c3").iter().all(|p| p == "thermal") && !pattern("a1b2c3").is_empty());
    assert_eq!(pattern("a2c4e6"), ["tight_turns"], "the helicopter");
    assert_eq!(pattern("a3d5f7"), ["tight_turns"], "the training turns");
    assert_eq!(pattern("a4e6f8"), ["holding"], "the airliner");
    assert!(
        !events.iter().any(|e| e["type"] == "survey"),
        "a holding is no survey grid"
    );
}
