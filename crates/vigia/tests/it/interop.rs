//! Interop with a real peer: Debian's `dump1090-mutability` (installed by `scripts/test.sh`)
//! runs network-only on loopback ports; real frames go into its Beast input port; `vigia run`
//! reads its Beast *and* SBS outputs. The aircraft and positions vigia reports must match what
//! was fed: every position of the stored track lies on the positions vigia's own tracker
//! computes from the same frames offline.

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use vigia_track::{TrackEvent, Tracker, TrackerConfig};

use super::live::{corpus_frames, play, write_config, Vigia, REPLAY_FROM, REPLAY_TO};

const PEER: &str = "dump1090-mutability";

struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn connect_within(port: u16, within: Duration) -> TcpStream {
    let deadline = Instant::now() + within;
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => return s,
            Err(e) if Instant::now() > deadline => panic!("{PEER} port {port}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// Five distinct free loopback ports (held together while chosen, so none is given twice).
fn free_ports() -> [u16; 5] {
    let held: Vec<std::net::TcpListener> = (0..5)
        .map(|_| std::net::TcpListener::bind("127.0.0.1:0").unwrap())
        .collect();
    let ports: Vec<u16> = held
        .iter()
        .map(|l| l.local_addr().unwrap().port())
        .collect();
    [ports[0], ports[1], ports[2], ports[3], ports[4]]
}

/// One network-only peer on free loopback ports, up: (peer, Beast in, Beast out, SBS out).
/// A port taken by someone else between choosing and binding: tried again on others.
fn start_peer() -> (Peer, u16, u16, u16) {
    start_peer_with(&[])
}

/// [`start_peer`] with more arguments for the peer.
fn start_peer_with(extra: &[&str]) -> (Peer, u16, u16, u16) {
    let found = Command::new(PEER).arg("--help").output();
    assert!(
        found.is_ok(),
        "{PEER} is not installed: `bash scripts/test.sh` installs it (apt-get install -y {PEER})"
    );
    for _ in 0..5 {
        let [bi, bo, sbs, ri, ro] = free_ports();
        let peer = Peer(
            Command::new(PEER)
                .args(["--net-only", "--quiet", "--net-bind-address", "127.0.0.1"])
                .args([
                    "--net-bi-port",
                    &bi.to_string(),
                    "--net-bo-port",
                    &bo.to_string(),
                ])
                .args([
                    "--net-sbs-port",
                    &sbs.to_string(),
                    "--net-ri-port",
                    &ri.to_string(),
                ])
                .args(["--net-ro-port", &ro.to_string(), "--net-heartbeat", "0"])
                .args(extra)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if TcpStream::connect(("127.0.0.1", bo)).is_ok() {
                return (peer, bi, bo, sbs);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("{PEER} did not start on any of five sets of ports");
}

#[test]
fn vigia_reads_dump1090_beast_and_sbs_outputs_and_reports_what_was_fed() {
    let (peer, bi, bo, sbs) = start_peer();

    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let beast_url = format!("beast://127.0.0.1:{bo}");
    let sbs_url = format!("sbs://127.0.0.1:{sbs}");
    let vigia = Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--connect",
        &beast_url,
        "--connect",
        &sbs_url,
    ]);
    let connected = |metrics: &str| {
        metrics
            .lines()
            .filter(|l| l.starts_with("vigia_source_connected{") && l.ends_with(" 1"))
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while connected(&vigia.get("/metrics").1) < 2 {
        assert!(Instant::now() < deadline, "vigia did not connect to {PEER}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Feed real frames into the peer's Beast input, in real time.
    let frames = corpus_frames(REPLAY_FROM, REPLAY_TO);
    let mut input = connect_within(bi, Duration::from_secs(5));
    assert_eq!(play(&mut input, &frames, 0, None), frames.len());

    // What vigia's tracker makes of the same frames, offline.
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut out = Vec::new();
    for f in &frames {
        tracker.push_raw(f, &mut out);
    }
    tracker.finish(&mut out);
    let expected: Vec<(f64, f64)> = out
        .iter()
        .filter_map(|e| match e {
            TrackEvent::Position(p) if p.icao24.to_string() == "486257" => Some((p.lat, p.lon)),
            _ => None,
        })
        .collect();
    assert!(expected.len() > 8);

    let aircraft = vigia.wait_json("/api/aircraft", Duration::from_secs(5), |v| {
        v["aircraft"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["icao24"] == "486257" && x["lat"].as_f64().unwrap_or(0.0) > 45.645)
        })
    });
    let list = aircraft["aircraft"].as_array().unwrap();
    let klm = list.iter().find(|a| a["icao24"] == "486257").unwrap();
    assert_eq!(klm["callsign"], "KLM1302");
    assert_eq!(klm["altitude_ft"], 34000.0);
    let (lat, lon) = (klm["lat"].as_f64().unwrap(), klm["lon"].as_f64().unwrap());
    let last = expected.last().unwrap();
    assert!(
        (lat - last.0).abs() < 0.003 && (lon - last.1).abs() < 0.003,
        "{klm} vs {last:?}"
    );
    // Every aircraft vigia shows was in the input.
    let fed: Vec<String> = out
        .iter()
        .filter_map(|e| match e {
            TrackEvent::Position(p) => Some(p.icao24.to_string()),
            _ => None,
        })
        .collect();
    for a in list {
        assert!(
            fed.contains(&a["icao24"].as_str().unwrap().to_string()),
            "{a}"
        );
    }

    // The stored track: each point is one of the positions computed from the fed frames (from
    // the Beast output) or dump1090's own decoding of them (from SBS), within 0.001°.
    let flights = vigia.json("/api/flights?icao24=486257");
    let id = flights["flights"][0]["id"].as_str().unwrap().to_string();
    let track = vigia.wait_json(&format!("/api/flights/{id}"), Duration::from_secs(3), |t| {
        t["geometry"]["coordinates"]
            .as_array()
            .is_some_and(|c| c.len() >= 4)
    });
    let points = track["geometry"]["coordinates"].as_array().unwrap();
    assert!(points.len() >= 4, "{track}");
    for p in points {
        let (plon, plat) = (p[0].as_f64().unwrap(), p[1].as_f64().unwrap());
        let near = expected
            .iter()
            .any(|(elat, elon)| (plat - elat).abs() < 1e-3 && (plon - elon).abs() < 1e-3);
        assert!(near, "stored point {p} is none of the fed positions");
    }
    // Both outputs of the peer were read, and the border crossing was seen through them.
    let (_, metrics) = vigia.get("/metrics");
    for url in [&beast_url, &sbs_url] {
        let line = metrics
            .lines()
            .find(|l| l.starts_with(&format!("vigia_source_records_total{{source=\"{url}\"}}")))
            .unwrap();
        let n: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(n > 0.0, "{line}");
    }
    let events = vigia.json("/api/events?type=zone_entry&zone=BOX");
    assert_eq!(events["events"][0]["icao24"], "486257");
    drop(vigia);
    drop(peer);
}

/// `/data/aircraft.json` against the peer's own `aircraft.json` for the same frames: the same
/// aircraft with a position, at the same place (within what a second of flight moves), the same
/// altitude, squawk and callsign; readsb's field names and units (dump1090-mutability predates
/// some of them: its `altitude`, `speed`, `vert_rate` are readsb's `alt_baro`, `gs`,
/// `baro_rate`); and `/data/receiver.json`.
#[test]
fn data_aircraft_json_agrees_with_dump1090s_own() {
    let json_dir = tempfile::tempdir().unwrap();
    let json_arg = json_dir.path().to_str().unwrap().to_string();
    let (peer, bi, bo, _) =
        start_peer_with(&["--write-json", &json_arg, "--write-json-every", "1"]);
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let vigia = Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--connect",
        &format!("beast://127.0.0.1:{bo}"),
        "--lat",
        "45.6",
        "--lon",
        "1.4",
    ]);
    let deadline = Instant::now() + Duration::from_secs(10);
    while vigia.json("/healthz")["sources_connected"] != 1 {
        assert!(Instant::now() < deadline, "vigia did not connect to {PEER}");
        std::thread::sleep(Duration::from_millis(50));
    }
    let frames = corpus_frames(REPLAY_FROM, REPLAY_TO);
    let mut input = connect_within(bi, Duration::from_secs(5));
    assert_eq!(play(&mut input, &frames, 0, None), frames.len());
    // Both have settled on the last frames (the peer writes its file every second).
    std::thread::sleep(Duration::from_millis(2500));
    let theirs: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(json_dir.path().join("aircraft.json")).unwrap(),
    )
    .unwrap();
    let ours = vigia.json("/data/aircraft.json");
    for doc in [&theirs, &ours] {
        assert!(
            doc["now"].as_f64().is_some() && doc["messages"].as_u64().is_some(),
            "{doc}"
        );
    }
    let find = |doc: &serde_json::Value, hex: &str| -> Option<serde_json::Value> {
        doc["aircraft"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["hex"] == hex)
            .cloned()
    };
    let mut compared = 0;
    for a in theirs["aircraft"].as_array().unwrap() {
        let Some(lat) = a["lat"].as_f64() else {
            continue;
        };
        let hex = a["hex"].as_str().unwrap();
        let v = find(&ours, hex).unwrap_or_else(|| {
            panic!("{hex} has a position in {PEER}'s file, not in ours: {ours}")
        });
        let (vlat, vlon) = (v["lat"].as_f64().unwrap(), v["lon"].as_f64().unwrap());
        assert!(
            (vlat - lat).abs() < 0.05 && (vlon - a["lon"].as_f64().unwrap()).abs() < 0.05,
            "{hex}: ours {v} vs theirs {a}"
        );
        if let (Some(alt), Some(valt)) = (a["altitude"].as_i64(), v["alt_baro"].as_i64()) {
            assert!(
                (alt - valt).abs() <= 100,
                "{hex}: altitude {alt} vs alt_baro {valt}"
            );
        }
        if let (Some(sq), Some(vsq)) = (a["squawk"].as_str(), v["squawk"].as_str()) {
            assert_eq!(sq, vsq, "{hex}");
        }
        if let (Some(f), Some(vf)) = (a["flight"].as_str(), v["flight"].as_str()) {
            assert_eq!(f.trim(), vf.trim(), "{hex}");
        }
        // readsb's names and units, and a count of what was heard.
        for key in ["type", "seen", "seen_pos", "messages", "mlat", "tisb"] {
            assert!(v.get(key).is_some(), "{hex}: no {key} in {v}");
        }
        assert_eq!(v["type"], "adsb_icao");
        assert!(v["messages"].as_u64().unwrap() >= 2);
        compared += 1;
    }
    assert!(compared >= 1, "{PEER} placed nothing: {theirs}");
    let klm = find(&ours, "486257").expect("the KLM flight");
    assert_eq!(klm["flight"], "KLM1302 ");
    assert_eq!(klm["alt_baro"], 34000);
    assert!(
        klm["gs"].as_f64().is_some() && klm["track"].as_f64().is_some(),
        "{klm}"
    );
    assert!(klm["rssi"].as_f64().is_some_and(|r| r < 0.0), "{klm}");
    assert_eq!(
        klm["vigia"]["flight_id"]
            .as_str()
            .map(|s| s.starts_with("486257")),
        Some(true)
    );
    let receiver = vigia.json("/data/receiver.json");
    assert_eq!(receiver["lat"], 45.6);
    assert_eq!(receiver["refresh"], 1000);
    drop(vigia);
    drop(peer);
}

#[test]
fn six_dump1090_instances_stand_in_for_the_receiver_network() {
    // One dump1090 per receiver of the dark-drone scenario: each receiver's feed is pushed into
    // its dump1090's Beast input (as a receiver's radio would be decoded by it), and vigia reads
    // the six Beast outputs, which carry each receiver's own 12 MHz counter through unchanged.
    let peers: Vec<(Peer, u16, u16, u16)> = (0..6).map(|_| start_peer()).collect();
    let dir = tempfile::tempdir().unwrap();
    let out = format!("{}/", dir.path().display());
    let sim = super::vigia(&["sim", "mq9-dark-sonora", "--out", &out]);
    assert!(sim.status.success());
    // The receivers file the simulator wrote, each receiver connected to its dump1090.
    let text = std::fs::read_to_string(dir.path().join("receivers.toml")).unwrap();
    let mut blocks: Vec<String> = text.split("[[receiver]]").map(str::to_string).collect();
    for (block, (_, _, bo, _)) in blocks.iter_mut().skip(1).zip(&peers) {
        block.push_str(&format!("connect = \"beast://127.0.0.1:{bo}\"\n"));
    }
    assert_eq!(blocks.len(), 7);
    let receivers = dir.path().join("peers.toml");
    std::fs::write(&receivers, blocks.join("[[receiver]]")).unwrap();
    let config = write_config(dir.path(), "");
    let vigia = Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--receivers",
        receivers.to_str().unwrap(),
    ]);
    let inputs: Vec<String> = peers
        .iter()
        .map(|(_, bi, _, _)| format!("127.0.0.1:{bi}"))
        .collect();
    let mut push = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["sim", "mq9-dark-sonora", "--speed", "20", "--push"])
        .arg(inputs.join(","))
        .current_dir(super::root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    super::network::assert_drone_on_map(&vigia, Duration::from_secs(120));
    let status = vigia.wait_json("/api/receivers", Duration::from_secs(30), |v| {
        v["receivers"]
            .as_array()
            .is_some_and(|l| l.iter().filter(|r| r["mlat"]["synced"] == true).count() >= 5)
    });
    assert!(status["receivers"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["frames"].as_u64().unwrap() > 0));
    let _ = push.kill();
    let _ = push.wait();
}
