//! A receiver network end to end: `vigia sim mq9-dark-sonora --out DIR/` writes six receivers'
//! Beast captures (free-running 12 MHz counters, drifting, 80 ns of jitter), the receivers
//! file and the truth; `vigia analyze --receivers` and `vigia tracks --receivers` merge the
//! captures, synchronise the clocks from the airliners' ADS-B and locate the drone, whose
//! ADS-B is off, from its Mode S replies alone. Then the network lies: a receiver announced
//! at a wrong position must be caught and must not move the drone.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde_json::Value;

use super::vigia;

const DRONE: &str = "ae5421";

fn lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("written")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

/// `vigia sim mq9-dark-sonora --out DIR/ EXTRA` into a fresh temporary `DIR` named `name`.
fn simulate_network(name: &str, extra: &[&str]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = format!("{}/", dir.display());
    let mut args = vec!["sim", "mq9-dark-sonora", "--out", &out];
    args.extend_from_slice(extra);
    let sim = vigia(&args);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    dir
}

/// The simulated network's directory (made once for all tests).
fn network() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| simulate_network("vigia-network", &[]))
}

fn start(dir: &Path) -> String {
    let truth = lines(&dir.join("truth.jsonl"));
    truth[0]["start"].as_f64().unwrap().to_string()
}

#[test]
fn the_dark_drone_is_located_by_multilateration_alone() {
    let dir = network();
    for r in [
        "ajo",
        "sells",
        "nogales",
        "sierra-vista",
        "douglas",
        "lordsburg",
    ] {
        assert!(dir.join(format!("{r}.beast")).is_file(), "{r}'s capture");
    }
    let events_path = dir.join("events.jsonl");
    let csv = dir.join("points.csv");
    let receivers = dir.join("receivers.toml");
    let start = start(dir);
    let analyze = vigia(&[
        "analyze",
        "--receivers",
        receivers.to_str().unwrap(),
        "--start",
        &start,
        "--out",
        events_path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&analyze.stderr);
    assert!(analyze.status.success(), "{stderr}");
    assert!(stderr.contains("6 receivers synchronised"), "{stderr}");
    assert!(!stderr.contains("NOT aligned"), "{stderr}");

    let truth = lines(&dir.join("truth.jsonl"));
    let orbit = truth
        .iter()
        .find(|t| t["type"] == "maneuver" && t["icao24"] == DRONE)
        .expect("the truth's orbit");
    let events = lines(&events_path);
    let drone: Vec<&Value> = events.iter().filter(|e| e["icao24"] == DRONE).collect();

    // Present in Mexico, on MLAT positions, clear of the boundary by far more than their error.
    let presence = drone
        .iter()
        .find(|e| e["type"] == "zone_presence" && e["zone"] == "MEX")
        .expect("present in MEX");
    assert_eq!(presence["position_source"], "mlat");
    assert_eq!(presence["mlat"]["confidence"], "observed", "{presence}");
    let cited = &presence["evidence"]["positions"][0];
    assert_eq!(cited["method"], "mlat");
    let heard = cited["receivers"].as_array().unwrap();
    assert!(heard.len() >= 3, "{cited}");
    assert!(heard.iter().all(|r| r["ticks"].as_u64().is_some()));
    assert!(cited["error_95"]["semi_major_m"].as_f64().unwrap() < 1_000.0);
    assert!(cited["solution"]["latitude"].as_f64().is_some());
    // Never placed in the United States, never said to cross.
    assert!(
        !drone
            .iter()
            .any(|e| e["zone"] == "USA" && e["type"] != "closest_approach"),
        "{drone:?}"
    );
    assert!(!drone
        .iter()
        .any(|e| e["type"] == "zone_entry" || e["type"] == "zone_exit"));

    // Its orbit, found from MLAT positions: one station, where and as large as it was flown.
    let orbits: Vec<&&Value> = drone.iter().filter(|e| e["type"] == "orbit").collect();
    assert_eq!(orbits.len(), 1, "{orbits:?}");
    let o = orbits[0];
    assert_eq!(o["pattern"], "station");
    assert_eq!(o["zone"], "MEX");
    let radius = o["radius_nm"].as_f64().unwrap();
    assert!(
        (radius - orbit["radius_nm"].as_f64().unwrap()).abs() < 0.3,
        "{o}"
    );
    let centre = orbit["centre"].as_array().unwrap();
    let dlat = o["latitude"].as_f64().unwrap() - centre[0].as_f64().unwrap();
    let dlon = o["longitude"].as_f64().unwrap() - centre[1].as_f64().unwrap();
    assert!(dlat.abs() < 0.005 && dlon.abs() < 0.005, "{o}");
    let flight = drone.iter().find(|e| e["type"] == "flight").unwrap();
    assert!(flight["score"].as_f64().unwrap() >= 0.3, "{flight}");

    // `vigia tracks` writes the MLAT points with their source and error; against the truth the
    // filtered positions are within a few hundred metres.
    let tracks = vigia(&[
        "tracks",
        "--receivers",
        receivers.to_str().unwrap(),
        "--start",
        &start,
        "--out",
        csv.to_str().unwrap(),
    ]);
    assert!(
        tracks.status.success(),
        "{}",
        String::from_utf8_lossy(&tracks.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = text.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (icao, ts, lat, lon, source, error) = (
        col("icao24"),
        col("timestamp"),
        col("latitude"),
        col("longitude"),
        col("source"),
        col("mlat_error_m"),
    );
    let samples: Vec<(f64, f64, f64)> = truth
        .iter()
        .filter(|t| t["type"] == "sample" && t["icao24"] == DRONE)
        .map(|t| {
            (
                t["ts"].as_f64().unwrap(),
                t["lat"].as_f64().unwrap(),
                t["lon"].as_f64().unwrap(),
            )
        })
        .collect();
    assert!(!samples.is_empty());
    let mut errors_m = Vec::new();
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        if cells[icao] != DRONE {
            assert_ne!(
                cells[source], "mlat",
                "ADS-B aircraft keep their own positions"
            );
            continue;
        }
        assert_eq!(cells[source], "mlat", "{row}");
        assert!(cells[error].parse::<f64>().unwrap() > 0.0, "{row}");
        let t: f64 = cells[ts].parse().unwrap();
        let i = samples.partition_point(|s| s.0 < t).min(samples.len() - 1);
        let s = samples[i];
        let (la, lo): (f64, f64) = (cells[lat].parse().unwrap(), cells[lon].parse().unwrap());
        let dn = (la - s.1).to_radians() * 6_371_000.0;
        let de = (lo - s.2).to_radians() * 6_371_000.0 * la.to_radians().cos();
        // The truth is sampled each second: the drone moves up to 85 m between samples.
        errors_m.push(dn.hypot(de));
    }
    errors_m.sort_by(f64::total_cmp);
    assert!(errors_m.len() > 5_000, "{} MLAT points", errors_m.len());
    let median = errors_m[errors_m.len() / 2];
    let p95 = errors_m[errors_m.len() * 95 / 100];
    assert!(
        median < 150.0 && p95 < 400.0,
        "median {median:.0} m, p95 {p95:.0} m"
    );
}

#[test]
fn a_receiver_at_a_wrong_position_is_caught_and_moves_nothing() {
    let dir = network();
    // Nogales announced 3 km north of where it is: every reply it hears is off by up to 10 µs.
    let lied = dir.join("lied.toml");
    let text = std::fs::read_to_string(dir.join("receivers.toml")).unwrap();
    let text = text.replace("lat = 31.34\nlon = -110.94", "lat = 31.367\nlon = -110.94");
    assert!(text.contains("31.367"));
    std::fs::write(&lied, text).unwrap();
    let events_path = dir.join("lied.jsonl");
    let analyze = vigia(&[
        "analyze",
        "--receivers",
        lied.to_str().unwrap(),
        "--start",
        &start(dir),
        "--zones",
        "MEX,USA",
        "--out",
        events_path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&analyze.stderr);
    assert!(analyze.status.success(), "{stderr}");
    let nogales = stderr
        .lines()
        .find(|l| l.contains("receiver nogales"))
        .expect("nogales' line");
    assert!(nogales.contains("inconsistent with the others"), "{stderr}");
    let events = lines(&events_path);
    assert!(
        !events
            .iter()
            .any(|e| e["icao24"] == DRONE && e["zone"] == "USA" && e["type"] != "closest_approach"),
        "the lie moved the drone"
    );
}

#[test]
fn bad_receivers_files_are_refused_with_the_file_and_the_receiver() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.toml");
    std::fs::write(
        &path,
        "[[receiver]]\nid = \"a\"\nlat = 31.0\nlon = -110.0\n[[receiver]]\nid = \"a\"\nlat = 32.0\nlon = -111.0\n",
    )
    .unwrap();
    let out = vigia(&["analyze", "--receivers", path.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("r.toml: receiver 2 (\"a\"): two receivers share this id"),
        "{stderr}"
    );
}

/// `vigia ARGS` in the background, its output discarded (the simulator serving or pushing).
fn spawn_quiet(args: &[&str]) -> std::process::Child {
    std::process::Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(args)
        .current_dir(super::root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// The drone's presence event, once the live service has stored it (within 2 minutes).
fn drone_presence(vigia: &super::live::Vigia) -> Value {
    let presence = vigia.wait_json(
        "/api/events?type=zone_presence",
        std::time::Duration::from_secs(120),
        |v| {
            v["events"]
                .as_array()
                .is_some_and(|e| e.iter().any(|e| e["icao24"] == DRONE))
        },
    );
    presence["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["icao24"] == DRONE)
        .unwrap_or_else(|| panic!("no presence of the drone: {presence}"))
        .clone()
}

/// The six receivers served as six Beast feeds at 20× (`--serve 127.0.0.1:0 --per-receiver`),
/// once the receivers file in `dir` names where each is served: (the simulator, that file).
fn serve_six_feeds(dir: &Path) -> (std::process::Child, PathBuf) {
    let out = format!("{}/", dir.display());
    let sim = spawn_quiet(&[
        "sim",
        "mq9-dark-sonora",
        "--out",
        &out,
        "--serve",
        "127.0.0.1:0",
        "--per-receiver",
        "--speed",
        "20",
    ]);
    let receivers = dir.join("receivers.toml");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !std::fs::read_to_string(&receivers).is_ok_and(|t| t.matches("connect =").count() == 6) {
        assert!(
            std::time::Instant::now() < deadline,
            "the simulator did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    (sim, receivers)
}

/// The drone on the live map within `within`, inside Mexico where the simulator flies it.
pub(super) fn assert_drone_on_map(vigia: &super::live::Vigia, within: std::time::Duration) {
    let aircraft = vigia.wait_json("/api/aircraft", within, |v| {
        v["aircraft"]
            .as_array()
            .is_some_and(|a| a.iter().any(|a| a["icao24"] == DRONE))
    });
    let drone = aircraft["aircraft"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["icao24"] == DRONE)
        .expect("the drone on the live map")
        .clone();
    assert!(
        (drone["lat"].as_f64().unwrap() - 30.6).abs() < 0.4,
        "{drone}"
    );
    assert!(
        (drone["lon"].as_f64().unwrap() + 110.5).abs() < 0.4,
        "{drone}"
    );
}

#[test]
fn vigia_run_locates_the_dark_drone_live_from_six_receiver_feeds() {
    // The six receivers served as six Beast feeds (one port each, paced on one clock at 20×),
    // the receivers file naming where each is served; `vigia run --receivers` connects to all.
    let dir = tempfile::tempdir().unwrap();
    let (mut sim, receivers) = serve_six_feeds(dir.path());
    let db = dir.path().join("v.db");
    let mut vigia = super::live::Vigia::start(&[
        "--receivers",
        receivers.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ]);
    let event = drone_presence(&vigia);
    assert_eq!(event["zone"], "MEX");
    assert_eq!(event["position_source"], "mlat");
    assert_eq!(event["mlat"]["confidence"], "observed");
    // The incident page says how the positions were found and draws their errors.
    let (status, page) = vigia.get(&format!("/api/events/{}/report", event["id"]));
    assert_eq!(status, 200);
    assert!(page.contains("Multilaterated positions"), "{page}");
    assert!(page.contains("the claim holds whatever the error"));
    assert!(page.contains("stroke-dasharray"), "the error ellipses");
    assert!(page.contains("MLAT, 95 % error"));
    // On the live map, inside Mexico where the simulator flies it.
    assert_drone_on_map(&vigia, std::time::Duration::from_secs(20));
    let (_, metrics) = vigia.get("/metrics");
    let value = |name: &str| super::live::metric(&metrics, name);
    assert!(value("vigia_mlat_positions_total") >= 10.0, "{metrics}");
    assert!(value("vigia_mlat_receivers_synced") >= 4.0, "{metrics}");
    // Each receiver's health: on the time base, used in solutions, hearing aircraft, with
    // a coverage plot.
    let receivers = vigia.json("/api/receivers");
    let list = receivers["receivers"].as_array().unwrap();
    assert_eq!(list.len(), 6, "{receivers}");
    assert!(list.iter().any(|r| r["id"] == "nogales"));
    let synced = list.iter().filter(|r| r["mlat"]["synced"] == true).count();
    assert!(synced >= 4, "{receivers}");
    assert!(list.iter().all(|r| r["frames"].as_u64().unwrap() > 0));
    assert!(list.iter().any(|r| r["mlat"]["used"].as_u64().unwrap() > 0));
    assert!(
        list.iter().any(|r| r["aircraft"].as_u64().unwrap() >= 3),
        "{receivers}"
    );
    assert!(list.iter().any(|r| r["range_nm"]
        .as_array()
        .unwrap()
        .iter()
        .any(|v| v.as_f64().unwrap() > 20.0)));
    // Located, so not on the list of aircraft heard without a position.
    let heard = vigia.json("/api/heard");
    assert!(
        !heard["heard"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["icao24"] == DRONE),
        "{heard}"
    );
    vigia.signal("TERM");
    assert!(vigia.wait(std::time::Duration::from_secs(20)).success());
    let _ = sim.kill();
    let _ = sim.wait();
}

#[test]
fn without_multilateration_the_dark_drone_is_heard_without_a_position() {
    // The same sky through one feed and no receivers file: nobody can place the drone, but
    // it is heard — address, military block, altitude, squawk — within the receivers' reach.
    let port = super::live::free_port();
    let address = format!("127.0.0.1:{port}");
    let mut sim = spawn_quiet(&[
        "sim",
        "mq9-dark-sonora",
        "--serve",
        &address,
        "--speed",
        "20",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let alerts = dir.path().join("alerts.jsonl");
    // A rule for a military address heard by this border receiver.
    let config = dir.path().join("vigia.toml");
    std::fs::write(
        &config,
        format!(
            "[[sources]]\nurl = \"beast://{address}\"\nid = \"nogales\"\n\n\
             [[alerts.rules]]\nname = \"military heard at the border\"\n\
             types = [\"heard_without_position\"]\nmilitary = true\nreceivers = [\"nogales\"]\n\n\
             [[alerts.sinks]]\nkind = \"file\"\npath = {:?}\n",
            alerts.display().to_string()
        ),
    )
    .unwrap();
    let mut vigia = super::live::Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ]);
    // Listed from its first verified reply (a DF11 squitter); its identity reply (DF5, the
    // squawk) and altitude reply (DF4) come as the radars interrogate it.
    let heard = vigia.wait_json("/api/heard", std::time::Duration::from_secs(90), |v| {
        // The airliners broadcast their positions: once they have, only the drone is listed.
        v["heard"].as_array().is_some_and(|h| {
            h.len() == 1
                && h.iter().any(|h| {
                    h["icao24"] == DRONE && !h["squawk"].is_null() && !h["altitude_ft"].is_null()
                })
        })
    });
    let drone = heard["heard"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["icao24"] == DRONE)
        .unwrap_or_else(|| panic!("the drone is not heard: {heard}"))
        .clone();
    assert_eq!(drone["military"], true, "{drone}");
    assert_eq!(drone["country"], "United States", "{drone}");
    assert_eq!(drone["squawk"], "4401", "{drone}");
    assert_eq!(drone["altitude_ft"], 18000, "{drone}");
    assert_eq!(drone["receivers"].as_array().unwrap().len(), 1, "{drone}");
    assert_eq!(heard["heard"].as_array().unwrap().len(), 1, "{heard}");
    // Heard half a minute without a position: an event with its evidence, and the alert.
    let events = vigia.wait_json(
        "/api/events?type=heard_without_position",
        std::time::Duration::from_secs(30),
        |v| v["events"].as_array().is_some_and(|e| !e.is_empty()),
    );
    let events = events["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "only the drone: {events:?}");
    let event = &events[0];
    assert_eq!(event["icao24"], DRONE);
    assert_eq!(event["military"], true);
    assert_eq!(event["receivers"][0]["id"], "nogales");
    let frames = event["frames"].as_array().unwrap();
    assert!(!frames.is_empty() && frames.iter().all(|f| f["receiver"] == "nogales"));
    let (status, page) = vigia.get(&format!("/api/events/{}/report", event["id"]));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains(DRONE), "{page}");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let alerted = loop {
        let text = std::fs::read_to_string(&alerts).unwrap_or_default();
        if text.contains("military heard at the border") || std::time::Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(
        alerted.contains("military heard at the border") && alerted.contains(DRONE),
        "{alerted}"
    );
    let aircraft = vigia.json("/api/aircraft");
    assert!(!aircraft["aircraft"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["icao24"] == DRONE));
    vigia.signal("TERM");
    assert!(vigia.wait(std::time::Duration::from_secs(20)).success());
    let _ = sim.kill();
    let _ = sim.wait();
}

/// The dark-drone scenario changed by `edit` and simulated into `DIR/net/` (one capture per
/// receiver, the receivers file, the truth); the directory lives as long as the value.
fn simulate_variant(name: &str, edit: impl FnOnce(String) -> String) -> tempfile::TempDir {
    let text =
        std::fs::read_to_string(super::root().join("crates/sim/scenarios/mq9-dark-sonora.toml"))
            .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join(name);
    std::fs::write(&scenario, edit(text)).unwrap();
    let out = format!("{}/net/", dir.path().display());
    let sim = vigia(&["sim", scenario.to_str().unwrap(), "--out", &out]);
    assert!(
        sim.status.success(),
        "{}",
        String::from_utf8_lossy(&sim.stderr)
    );
    dir
}

#[test]
fn gps_clocks_are_read_as_seconds_of_day_and_locate_the_drone_too() {
    // The same network with GPS-disciplined counters (Radarcape style: seconds of the UTC day
    // and nanoseconds, 20 ns of jitter), a quarter of an hour.
    let dir = simulate_variant("gps.toml", |text| {
        let text = text
            .lines()
            .filter(|l| !l.starts_with("drift_ppm"))
            .map(|l| match l {
                "jitter_ns = 80" => "jitter_ns = 20\nclock = \"gps\"".to_string(),
                "duration_s = 2700" => "duration_s = 900".to_string(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert_eq!(text.matches("clock = \"gps\"").count(), 6);
        text
    });
    let receivers = dir.path().join("net/receivers.toml");
    assert!(std::fs::read_to_string(&receivers)
        .unwrap()
        .contains("clock = \"gps\""));
    let events = dir.path().join("events.jsonl");
    let analyze = vigia(&[
        "analyze",
        "--receivers",
        receivers.to_str().unwrap(),
        "--start",
        &start(&dir.path().join("net")),
        "--out",
        events.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&analyze.stderr);
    assert!(analyze.status.success(), "{stderr}");
    assert!(stderr.contains("6 receivers synchronised"), "{stderr}");
    let presence = lines(&events)
        .into_iter()
        .find(|e| e["type"] == "zone_presence" && e["icao24"] == DRONE)
        .expect("the drone's presence");
    assert_eq!(presence["position_source"], "mlat");
    assert_eq!(presence["mlat"]["confidence"], "observed");
    // GPS clocks: a smaller error than the 12 MHz network's.
    let error = presence["evidence"]["positions"][0]["solution"]["error_95_m"]
        .as_f64()
        .unwrap();
    assert!(error < 150.0, "{presence}");
}

#[test]
fn three_receivers_are_not_enough_to_place_anything() {
    // Sells, Nogales and Douglas alone: with the altitude, three arrival times fit the drone and
    // its mirror image across the border equally; vigia places nothing rather than guess.
    let dir = network();
    let text = std::fs::read_to_string(dir.join("receivers.toml")).unwrap();
    let kept: String = text
        .split("[[receiver]]")
        .filter(|b| {
            !b.contains("\nid = ")
                || ["sells", "nogales", "douglas"]
                    .iter()
                    .any(|r| b.contains(&format!("id = \"{r}\"")))
        })
        .collect::<Vec<_>>()
        .join("[[receiver]]");
    assert_eq!(kept.matches("\nid = ").count(), 3);
    let three = dir.join("three.toml");
    std::fs::write(&three, kept).unwrap();
    let events = dir.join("three.jsonl");
    let analyze = vigia(&[
        "analyze",
        "--receivers",
        three.to_str().unwrap(),
        "--start",
        &start(dir),
        "--out",
        events.to_str().unwrap(),
    ]);
    assert!(analyze.status.success());
    let drone: Vec<Value> = lines(&events)
        .into_iter()
        .filter(|e| e["icao24"] == DRONE)
        .collect();
    assert!(
        !drone
            .iter()
            .any(|e| e["zone"] == "USA" && e["type"] != "closest_approach"),
        "{drone:?}"
    );
    assert!(
        !drone
            .iter()
            .any(|e| e["type"] == "zone_entry" || e["type"] == "zone_exit"),
        "{drone:?}"
    );
}

/// The network written as one combined capture (`--combined`: every frame tagged in band with
/// its receiver's id, as an aggregator forwards them), made once.
fn combined() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| simulate_network("vigia-combined", &["--combined"]))
}

#[test]
fn a_combined_capture_is_split_by_the_receiver_ids_in_band() {
    let dir = combined();
    assert!(!dir.join("nogales.beast").exists());
    let text = std::fs::read_to_string(dir.join("receivers.toml")).unwrap();
    assert_eq!(text.matches("uuid = ").count(), 6, "{text}");
    assert!(!text.contains("capture ="), "{text}");
    // Lordsburg left out of the receivers file: its frames are counted, named, and not used.
    let five: String = text
        .split("[[receiver]]")
        .filter(|b| !b.contains("id = \"lordsburg\""))
        .collect::<Vec<_>>()
        .join("[[receiver]]");
    let lordsburg_uuid = text
        .split("[[receiver]]")
        .find(|b| b.contains("id = \"lordsburg\""))
        .and_then(|b| b.split("uuid = \"").nth(1))
        .map(|u| u[..18].to_string())
        .unwrap();
    let receivers = dir.join("five.toml");
    std::fs::write(&receivers, five).unwrap();
    let events_path = dir.join("events.jsonl");
    let analyze = vigia(&[
        "analyze",
        dir.join("combined.beast").to_str().unwrap(),
        "--receivers",
        receivers.to_str().unwrap(),
        "--start",
        &start(dir),
        "--out",
        events_path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&analyze.stderr);
    assert!(analyze.status.success(), "{stderr}");
    assert!(stderr.contains("5 receivers synchronised"), "{stderr}");
    assert!(!stderr.contains("NOT aligned"), "{stderr}");
    assert!(
        stderr.contains("from receivers not in the receivers file")
            && stderr.contains(&lordsburg_uuid),
        "{stderr}"
    );
    let events = lines(&events_path);
    let presence = events
        .iter()
        .find(|e| e["icao24"] == DRONE && e["type"] == "zone_presence")
        .expect("the drone present");
    assert_eq!(presence["zone"], "MEX");
    assert_eq!(presence["position_source"], "mlat");
    assert_eq!(presence["mlat"]["confidence"], "observed", "{presence}");
    let heard: Vec<&str> = presence["evidence"]["positions"][0]["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["receiver"].as_str().unwrap())
        .collect();
    assert!(
        heard.len() >= 4 && !heard.contains(&"lordsburg"),
        "{heard:?}"
    );
    let orbits = events
        .iter()
        .filter(|e| e["icao24"] == DRONE && e["type"] == "orbit")
        .count();
    assert_eq!(orbits, 1);
}

#[test]
fn receivers_that_push_are_told_apart_by_the_uuid_they_announce() {
    // readsb's `--net-connector HOST,PORT,beast_reduce_plus_out,uuid=…`: six receivers connect
    // to one port of vigia, each announcing its UUID first; the receivers file names them by
    // uuid, with no `connect`.
    let dir = combined();
    let receivers = dir.join("receivers.toml");
    let port = super::live::free_port();
    let accept = format!("beast://127.0.0.1:{port}");
    let db = dir.join("push.db");
    let mut vigia = super::live::Vigia::start(&[
        "--receivers",
        receivers.to_str().unwrap(),
        "--accept",
        &accept,
        "--listen",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
    ]);
    let mut sim = spawn_quiet(&[
        "sim",
        "mq9-dark-sonora",
        "--push",
        &format!("127.0.0.1:{port}"),
        "--speed",
        "20",
    ]);
    let event = drone_presence(&vigia);
    assert_eq!(event["position_source"], "mlat");
    // The receivers' status is published once a second: wait for the clocks to show synced.
    let all = vigia.wait_json("/api/receivers", std::time::Duration::from_secs(30), |v| {
        v["receivers"]
            .as_array()
            .is_some_and(|l| l.iter().filter(|r| r["mlat"]["synced"] == true).count() >= 4)
    });
    // The six receivers, and the port they push to (a source of its own for anything that
    // pushes without announcing a known id).
    let list: Vec<&Value> = all["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !r["id"].as_str().unwrap().starts_with("listen:"))
        .collect();
    assert_eq!(list.len(), 6, "{all}");
    for r in &list {
        assert!(r["frames"].as_u64().unwrap() > 0, "{r}");
    }
    assert!(
        list.iter().filter(|r| r["mlat"]["synced"] == true).count() >= 4,
        "{all}"
    );
    // Each pushing receiver is its own source (records, connection) and has its own health.
    let (_, metrics) = vigia.get("/metrics");
    let value = |name: &str| super::live::metric(&metrics, name);
    assert!(
        value("vigia_source_records_total{source=\"nogales\"}") > 0.0,
        "{metrics}"
    );
    assert_eq!(
        value("vigia_source_connected{source=\"nogales\"}"),
        1.0,
        "{metrics}"
    );
    assert!(
        value("vigia_receiver_mlat_used_total{receiver=\"nogales\"}") > 0.0,
        "{metrics}"
    );
    assert!(
        value("vigia_receiver_aircraft{receiver=\"sells\"}") >= 1.0,
        "{metrics}"
    );
    vigia.signal("TERM");
    assert!(vigia.wait(std::time::Duration::from_secs(20)).success());
    let _ = sim.kill();
    let _ = sim.wait();
}

#[test]
fn a_clock_that_steps_and_a_receiver_that_replays_are_named_and_move_nothing() {
    // Twenty minutes of the same sky: Nogales' counter steps 0.25 s at 10 min (a restart), and
    // Sells relays Ajo's frames as its own, 3 ms late, stamped by its own clock.
    let dir = simulate_variant("faults.toml", |text| {
        text.replace("duration_s = 2700", "duration_s = 1200")
            + "\n[[fault]]\nkind = \"time_jump\"\nat_s = 600\njump_s = 0.25\nreceiver = \"nogales\"\n\
               \n[[fault]]\nkind = \"replay\"\nfrom = \"ajo\"\nto = \"sells\"\ndelay_s = 0.003\n"
    });
    let net = dir.path().join("net");
    let events_path = dir.path().join("events.jsonl");
    let analyze = vigia(&[
        "analyze",
        "--receivers",
        net.join("receivers.toml").to_str().unwrap(),
        "--start",
        &start(&net),
        "--out",
        events_path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&analyze.stderr);
    assert!(analyze.status.success(), "{stderr}");
    let line = |id: &str| {
        stderr
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("receiver {id}:")))
            .unwrap_or_else(|| panic!("no line for {id}: {stderr}"))
            .to_string()
    };
    // Each fault is reported on the receiver that has it.
    let nogales = line("nogales");
    assert!(nogales.contains("counter stepped 1 times"), "{nogales}");
    assert!(nogales.contains("clock jumped"), "{nogales}");
    let sells = line("sells");
    assert!(sells.contains("transmissions twice"), "{sells}");
    for quiet in ["sierra-vista", "douglas", "lordsburg"] {
        let l = line(quiet);
        assert!(!l.contains("stepped") && !l.contains("jumped"), "{l}");
    }
    // The drone is still placed in Mexico, confidently, and never said to cross.
    let events = lines(&events_path);
    let drone: Vec<&Value> = events.iter().filter(|e| e["icao24"] == DRONE).collect();
    let presence = drone
        .iter()
        .find(|e| e["type"] == "zone_presence")
        .expect("present");
    assert_eq!(presence["zone"], "MEX");
    assert_eq!(presence["mlat"]["confidence"], "observed", "{presence}");
    assert!(
        !drone.iter().any(|e| e["type"] == "zone_entry"
            || e["type"] == "zone_exit"
            || (e["zone"] == "USA" && e["type"] != "closest_approach")),
        "{drone:?}"
    );
}

#[test]
fn receivers_described_in_their_connect_urls_are_a_network_too() {
    // No receivers file: each receiver's id, position and height in its --connect URL.
    let dir = tempfile::tempdir().unwrap();
    let (mut sim, file) = serve_six_feeds(dir.path());
    let text = std::fs::read_to_string(&file).unwrap();
    let value = |block: &str, key: &str| -> String {
        block
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")))
            .unwrap()
            .trim_matches('"')
            .to_string()
    };
    let urls: Vec<String> = text
        .split("[[receiver]]")
        .skip(1)
        .map(|b| {
            format!(
                "{}?id={}&lat={}&lon={}&alt={}",
                value(b, "connect"),
                value(b, "id"),
                value(b, "lat"),
                value(b, "lon"),
                value(b, "alt_m")
            )
        })
        .collect();
    let db = dir.path().join("v.db");
    let mut args = vec!["--listen", "127.0.0.1:0", "--db", db.to_str().unwrap()];
    for url in &urls {
        args.extend(["--connect", url.as_str()]);
    }
    let mut vigia = super::live::Vigia::start(&args);
    let event = drone_presence(&vigia);
    assert_eq!(event["position_source"], "mlat");
    let receivers = vigia.wait_json("/api/receivers", std::time::Duration::from_secs(30), |v| {
        v["receivers"]
            .as_array()
            .is_some_and(|l| l.iter().filter(|r| r["mlat"]["synced"] == true).count() >= 4)
    });
    assert!(receivers["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "sierra-vista"));
    vigia.signal("TERM");
    assert!(vigia.wait(std::time::Duration::from_secs(20)).success());
    let _ = sim.kill();
    let _ = sim.wait();
}
