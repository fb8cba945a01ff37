//! Going dark on real data: rs1090's capture of a flight (486257) heard at 98.7 % by one
//! receiver, cut three ways for three minutes in the middle of the flight, when it is the only
//! aircraft the receiver hears. The receiver's outage (every frame cut) is not the aircraft's;
//! nor is the aircraft's own silence, when nothing else was heard then either (a receiver
//! hearing nobody cannot tell the two apart, and says so); its ADS-B cut while its all-call
//! replies (DF11) still come is a `signal_lost` of kind `adsb_off`. (`silent` with other
//! traffic still heard is shown on the simulator: `vigia-detect`'s `tests/it/dark.rs`.)

use serde_json::Value;

use super::{root, vigia};

/// Which frames of the window are cut.
#[derive(Clone, Copy)]
enum Cut {
    /// Everything: the receiver's outage.
    All,
    /// The aircraft's extended squitters, its parity-addressed replies and its all-calls.
    Aircraft,
    /// The aircraft's extended squitters only (ADS-B off).
    Squitters,
}

/// The capture as `ts,hex` lines, minus the frames `cut` names in the 180 s from the
/// middle of the capture.
fn cut_capture(cut: Cut) -> String {
    let bytes = std::fs::read(root().join("tests/data/long_flight.csv.zst")).unwrap();
    let text = String::from_utf8(zstd::decode_all(&bytes[..]).unwrap()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let ts = |l: &str| l.split(',').next().unwrap().parse::<f64>().unwrap();
    let (t0, t1) = (ts(lines[0]), ts(lines[lines.len() - 1]));
    let start = t0 + (t1 - t0) / 2.0;
    let mut out = String::new();
    for l in lines {
        let t = ts(l);
        let hex = l.split(',').nth(1).unwrap();
        // Beast: 1a, type, 6 bytes of counter, signal, then the message.
        let message = hex.get(18..).unwrap_or("");
        let df = u8::from_str_radix(message.get(0..2).unwrap_or("00"), 16).unwrap() >> 3;
        let address = message.get(2..8).unwrap_or("");
        let ours = match cut {
            Cut::All => true,
            Cut::Aircraft => {
                (matches!(df, 11 | 17 | 18) && address == "486257")
                    || matches!(df, 0 | 4 | 5 | 16 | 20 | 21)
            }
            Cut::Squitters => matches!(df, 17 | 18) && address == "486257",
        };
        if !((start..start + 180.0).contains(&t) && ours) {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

/// `vigia analyze` of a cut capture with the coverage learned from the whole one.
fn analyse(cut: Cut, dir: &std::path::Path) -> (Vec<Value>, String) {
    let coverage = dir.join("coverage.geojson");
    if !coverage.exists() {
        let out = vigia(&[
            "coverage",
            "--out",
            coverage.to_str().unwrap(),
            "tests/data/long_flight.csv.zst",
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let input = dir.join("cut.csv");
    std::fs::write(&input, cut_capture(cut)).unwrap();
    let events = dir.join("events.jsonl");
    let out = vigia(&[
        "analyze",
        "--coverage",
        coverage.to_str().unwrap(),
        "--min-coverage",
        "0.9",
        "--out",
        events.to_str().unwrap(),
        input.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    let events = std::fs::read_to_string(&events)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (events, stderr)
}

fn of_type<'a>(events: &'a [Value], t: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == t).collect()
}

#[test]
fn a_real_flight_cut_three_ways() {
    let dir = tempfile::tempdir().unwrap();
    // The whole capture learns 98.7 % coverage along the flight.
    let (events, stderr) = analyse(Cut::All, dir.path());
    let model: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("coverage.geojson")).unwrap(),
    )
    .unwrap();
    assert!(model["features"].as_array().unwrap().len() > 200);
    // The receiver delivered nothing: its outage, not the aircraft's.
    assert!(of_type(&events, "signal_lost").is_empty(), "{events:?}");
    assert!(stderr.contains("1 during a receiver's outage"), "{stderr}");

    // Everything of the aircraft cut, and it was the only one heard: the same silence.
    let (events, stderr) = analyse(Cut::Aircraft, dir.path());
    assert!(of_type(&events, "signal_lost").is_empty(), "{events:?}");
    assert!(stderr.contains("1 during a receiver's outage"), "{stderr}");

    // Only its ADS-B stopped: its all-call replies still came.
    let (events, _) = analyse(Cut::Squitters, dir.path());
    let lost = of_type(&events, "signal_lost");
    let [lost] = &lost[..] else {
        panic!("{events:?}")
    };
    assert_eq!(lost["icao24"], "486257");
    assert_eq!(lost["kind"], "adsb_off");
    assert!(lost["other_frames"].as_u64().unwrap() >= 3);
    assert!(lost["coverage_min"].as_f64().unwrap() >= 0.9);
    assert!(lost["reliability"].as_f64().unwrap() >= 0.8);
    assert!(!lost["evidence"]["positions"].as_array().unwrap().is_empty());
    let regained = of_type(&events, "signal_regained");
    let [regained] = &regained[..] else {
        panic!("{events:?}")
    };
    let gap = regained["gap_s"].as_f64().unwrap();
    assert!((180.0..200.0).contains(&gap), "{gap}");
    assert!(of_type(&events, "appeared_inside").is_empty());
}

/// `vigia run` reading the four receivers of `going-dark-sonora` as four Beast feeds (100×):
/// the going-dark events are stored with their evidence, served, alerted by a rule and
/// reported; the coverage learned is saved and served.
#[test]
fn the_live_service_finds_the_flights_going_dark() {
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let out = format!("{}/", dir.path().display());
    let mut sim = std::process::Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["sim", "going-dark-sonora", "--out", &out])
        .args(["--serve", "127.0.0.1:0", "--per-receiver", "--speed", "100"])
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let urls = super::load_gen::receiver_urls(&dir.path().join("receivers.toml"), 4);
    let alerts = dir.path().join("alerts.jsonl");
    let config = dir.path().join("vigia.toml");
    let mut text = String::new();
    for (i, url) in urls.iter().enumerate() {
        text.push_str(&format!("[[sources]]\nurl = {url:?}\nid = \"r{i}\"\n\n"));
    }
    text.push_str(&format!(
        "[[alerts.rules]]\nname = \"dark near MEX\"\n\
         types = [\"signal_lost\", \"inferred_crossing\", \"appeared_inside\"]\nzones = [\"MEX\"]\n\n\
         [[alerts.sinks]]\nkind = \"file\"\npath = {:?}\n",
        alerts.display().to_string()
    ));
    std::fs::write(&config, text).unwrap();
    let db = dir.path().join("v.db");
    let mut vigia = super::live::Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ]);
    let events = vigia.wait_json("/api/events?limit=1000", Duration::from_secs(150), |v| {
        v["events"].as_array().is_some_and(|e| {
            e.iter()
                .any(|e| e["type"] == "signal_regained" && e["icao24"] == "a0d002")
        })
    });
    let events = events["events"].as_array().unwrap();
    let find = |t: &str, icao: &str| -> Vec<&Value> {
        events
            .iter()
            .filter(|e| e["type"] == t && e["icao24"] == icao)
            .collect()
    };
    let lost = find("signal_lost", "a0d001");
    assert_eq!(lost.len(), 1, "{events:?}");
    assert_eq!(lost[0]["kind"], "silent");
    assert_eq!(find("signal_lost", "a0d002")[0]["kind"], "adsb_off");
    let crossings = find("inferred_crossing", "a0d001");
    let mut zones: Vec<&str> = crossings
        .iter()
        .map(|c| c["zone"].as_str().unwrap())
        .collect();
    zones.sort_unstable();
    assert_eq!(zones, ["MEX", "USA"], "{crossings:?}");
    assert!(crossings.iter().all(|c| c["observed"] == false));
    assert_eq!(find("appeared_inside", "a0d006").len(), 1, "{events:?}");
    // Nothing for the aircraft that vanish for ordinary reasons.
    for quiet in ["a0d003", "a0d004", "a0d005"] {
        assert!(
            !events.iter().any(|e| e["icao24"] == quiet
                && matches!(
                    e["type"].as_str(),
                    Some("signal_lost" | "appeared_inside" | "inferred_crossing")
                )),
            "{quiet}: {events:?}"
        );
    }
    // The incident report says the crossing was inferred.
    let mex = crossings.iter().find(|c| c["zone"] == "MEX").unwrap();
    let (status, page) = vigia.get(&format!("/api/events/{}/report", mex["id"]));
    assert_eq!(status, 200);
    assert!(page.contains("inferred, not observed"), "{page}");
    // The alert rule took the MEX ones.
    let deadline = Instant::now() + Duration::from_secs(20);
    let alerted = loop {
        let text = std::fs::read_to_string(&alerts).unwrap_or_default();
        if text.contains("appeared_inside") && text.contains("inferred_crossing")
            || Instant::now() > deadline
        {
            break text;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        alerted.contains("appeared_inside") && alerted.contains("inferred_crossing"),
        "{alerted}"
    );
    // The coverage model is saved and served.
    let coverage = vigia.wait_json(
        "/api/coverage?altitude=20000&min_expected=100",
        Duration::from_secs(70),
        |v| v["features"].as_array().is_some_and(|f| f.len() > 50),
    );
    assert!(coverage["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["properties"]["coverage"].as_f64().unwrap() >= 0.99));
    // Each receiver's own model: never more than the network hears, less somewhere.
    let share = |v: &Value| {
        let f = v["features"].as_array().unwrap();
        let e: f64 = f
            .iter()
            .map(|f| f["properties"]["expected"].as_f64().unwrap())
            .sum();
        let r: f64 = f
            .iter()
            .map(|f| f["properties"]["received"].as_f64().unwrap())
            .sum();
        r / e
    };
    let network = share(&vigia.json("/api/coverage"));
    for i in 0..4 {
        let own = vigia.json(&format!("/api/coverage?receiver=r{i}"));
        assert!(!own["features"].as_array().unwrap().is_empty(), "r{i}");
        assert!(
            share(&own) <= network + 1e-3,
            "r{i}: {} > {network}",
            share(&own)
        );
    }
    vigia.signal("TERM");
    assert!(vigia.wait(Duration::from_secs(20)).success());
    let _ = sim.kill();
    let _ = sim.wait();
}
