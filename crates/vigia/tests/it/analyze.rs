//! `vigia analyze` end to end on real data.

use serde_json::Value;

use super::vigia;

fn events(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("events written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn the_real_corpus_gives_two_flights_and_the_same_bytes_every_time() {
    let dir = std::env::temp_dir().join(format!("vigia-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b, report) = (
        dir.join("a.jsonl"),
        dir.join("b.jsonl"),
        dir.join("summary.md"),
    );
    for out in [&a, &b] {
        let run = vigia(&[
            "analyze",
            "--out",
            out.to_str().unwrap(),
            "--report",
            report.to_str().unwrap(),
            "tests/data/long_flight.csv.zst",
        ]);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    let bytes = std::fs::read(&a).unwrap();
    assert_eq!(bytes, std::fs::read(&b).unwrap(), "byte-identical output");
    let ev = events(&a);
    // A gate-to-gate KLM flight and a short CCM track, near Toulouse: far from MEX/USA.
    let flights: Vec<&Value> = ev.iter().filter(|e| e["type"] == "flight").collect();
    assert_eq!(flights.len(), 2);
    assert!(flights
        .iter()
        .any(|f| f["callsign"] == "KLM1302" && f["country"] == "The Netherlands"));
    assert!(
        ev.iter().all(|e| e["type"] == "flight"),
        "no zone events over France"
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(md.contains("## Zone events") && md.contains("None."));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_real_calibration_flight_orbits_and_stays_out_of_mexico() {
    let out = std::env::temp_dir().join(format!("vigia-gtm-{}.jsonl", std::process::id()));
    let run = vigia(&[
        "analyze",
        "--zones",
        "GTM,MEX",
        "--out",
        out.to_str().unwrap(),
        "crates/track/tests/data/calibration_guatemala.csv.zst",
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let ev = events(&out);
    let orbit = ev.iter().find(|e| e["type"] == "orbit").expect("an orbit");
    assert!(orbit["duration_s"].as_f64().unwrap() > 2.0 * 3600.0);
    assert!(orbit["turns"].as_f64().unwrap() >= 3.5);
    // It flew around Guatemala City, inside GTM the whole time: no entry claimed.
    assert!(!ev
        .iter()
        .any(|e| e["type"] == "zone_entry" || e["type"] == "zone_exit"));
    let approach = ev
        .iter()
        .find(|e| e["type"] == "closest_approach" && e["zone"] == "MEX")
        .expect("closest approach to Mexico");
    let nm = approach["distance_nm"].as_f64().unwrap();
    assert!((30.0..50.0).contains(&nm), "{nm}");
    // Evidence: the archive rows the approach rests on.
    assert_eq!(approach["evidence"]["positions"][0]["method"], "report");
    let flight = ev.iter().find(|e| e["type"] == "flight").unwrap();
    assert!(flight["score"].as_f64().unwrap() >= 0.5);
    assert_eq!(flight["reasons"][0]["code"], "orbit");
    assert_eq!(flight["zones"][0]["zone"], "GTM");
    assert_eq!(flight["zones"][0]["first_seen_inside"], true);
    std::fs::remove_file(&out).ok();
}

#[test]
fn an_unknown_zone_is_a_clear_error() {
    let run = vigia(&[
        "analyze",
        "--zones",
        "XYZ",
        "tests/data/long_flight.csv.zst",
    ]);
    assert!(!run.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&run.stderr));
}

/// `--threads 2` and 3 read, parse and decode in pieces on every thread: events, summary and
/// tracks must be the same bytes as on one thread — on the real corpus and on a scenario full of zone events
/// (the MQ-9's orbits in Mexico and the airliners crossing the border, as a Beast capture with
/// two receivers' copies, plus a trajectory CSV of the same sky).
#[test]
fn two_threads_give_the_same_bytes_as_one() {
    let dir = std::env::temp_dir().join(format!("vigia-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scenario = dir.join("mq9.beast");
    let sim = vigia(&[
        "sim",
        "mq9-orbit-sonora",
        "--out",
        scenario.to_str().unwrap(),
    ]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let border = dir.join("border.csv");
    let sim = vigia(&["sim", "border-airliners", "--out", border.to_str().unwrap()]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    let inputs: [&[&str]; 2] = [
        &["tests/data/long_flight.csv.zst"],
        &[
            scenario.to_str().unwrap(),
            border.to_str().unwrap(),
            "--start",
            "2024-05-01T12:00:00Z",
        ],
    ];
    for (k, input) in inputs.iter().enumerate() {
        let mut outputs = Vec::new();
        for threads in ["1", "2", "3"] {
            let (events, report, tracks) = (
                dir.join(format!("{k}-{threads}.jsonl")),
                dir.join(format!("{k}-{threads}.md")),
                dir.join(format!("{k}-{threads}.csv")),
            );
            let mut args = vec![
                "analyze",
                "--threads",
                threads,
                "--out",
                events.to_str().unwrap(),
                "--report",
                report.to_str().unwrap(),
            ];
            args.extend_from_slice(input);
            let run = vigia(&args);
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            let mut args = vec![
                "tracks",
                "--threads",
                threads,
                "--out",
                tracks.to_str().unwrap(),
            ];
            args.extend_from_slice(input);
            let run = vigia(&args);
            assert!(
                run.status.success(),
                "{}",
                String::from_utf8_lossy(&run.stderr)
            );
            // The summary's run time line differs between any two runs; the rest must not.
            let summary: String = std::fs::read_to_string(&report)
                .unwrap()
                .lines()
                .filter(|l| !l.contains("records/s"))
                .collect::<Vec<_>>()
                .join("\n");
            outputs.push((
                std::fs::read(&events).unwrap(),
                summary,
                std::fs::read(&tracks).unwrap(),
            ));
        }
        let ev = events(&dir.join(format!("{k}-1.jsonl")));
        assert!(!ev.is_empty(), "input {k} gives events");
        if k == 1 {
            assert!(
                ev.iter()
                    .any(|e| e["type"] == "zone_entry" || e["type"] == "presence"),
                "the scenario gives zone events"
            );
        }
        for (k2, other) in outputs.iter().enumerate().skip(1) {
            let threads = k2 + 1;
            assert_eq!(
                outputs[0].0, other.0,
                "input {k}: events differ with {threads} threads"
            );
            assert_eq!(
                outputs[0].1, other.1,
                "input {k}: summary differs with {threads} threads"
            );
            assert_eq!(
                outputs[0].2, other.2,
                "input {k}: tracks differ with {threads} threads"
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
