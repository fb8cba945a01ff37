//! `vigia demo` end to end, as a user runs it: the service comes up on the printed address,
//! the P-8's clip of Mexico's territorial sea is committed as an event with its evidence, and
//! `vigia report` turns that event into an incident page.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{root, vigia};

/// Kill the demo whatever happens in the test.
struct Demo(Child);

impl Drop for Demo {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A plain HTTP/1.1 GET on loopback; the body, or `None` while the server is not up.
fn get(port: u16, path: &str) -> Option<String> {
    get_with_head(port, path).map(|(_, body)| body)
}

/// Like [`get`], with the response head (status line and headers) too.
fn get_with_head(port: u16, path: &str) -> Option<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut text = String::new();
    s.read_to_string(&mut text).ok()?;
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    // Chunked bodies: keep the data lines.
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut out = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                break;
            }
            out.push_str(tail.get(..n)?);
            rest = tail.get(n + 2..)?;
        }
        return Some((head.to_string(), out));
    }
    Some((head.to_string(), body.to_string()))
}

#[test]
fn the_demo_raises_the_p8_clip_and_reports_it() {
    let port = free_port();
    let db = std::env::temp_dir().join(format!("vigia-demo-test-{}.db", std::process::id()));
    let child = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args([
            "demo",
            "--speed",
            "20",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--db",
            db.to_str().unwrap(),
        ])
        .current_dir(root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("demo starts");
    let _demo = Demo(child);
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut entry: Option<Value> = None;
    while Instant::now() < deadline && entry.is_none() {
        std::thread::sleep(Duration::from_millis(500));
        let Some(body) = get(port, "/api/events?type=zone_entry&limit=50") else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(&body) else {
            continue;
        };
        entry = doc["events"]
            .as_array()
            .and_then(|a| {
                a.iter()
                    .find(|e| e["icao24"] == "ae6877" && e["zone"] == "MEX")
            })
            .cloned();
    }
    let entry = entry.expect("the P-8 entry into MEX within 90 s at 20x");
    let frames = &entry["evidence"]["positions"][0]["frames"];
    // Time scales with the replay: the frames carry the receiver's counter, and the service
    // times them by it (at 10x it once said 12.49 s inside instead of 125 s, and rejected
    // valid positions as impossibly fast).
    let mut exit: Option<Value> = None;
    while Instant::now() < deadline && exit.is_none() {
        std::thread::sleep(Duration::from_millis(500));
        exit = get(port, "/api/events?type=zone_exit&limit=50")
            .and_then(|body| serde_json::from_str::<Value>(&body).ok())
            .and_then(|doc| {
                doc["events"].as_array().and_then(|a| {
                    a.iter()
                        .find(|e| e["icao24"] == "ae6877" && e["zone"] == "MEX")
                        .cloned()
                })
            });
    }
    let exit = exit.expect("the P-8 exit from MEX");
    let inside = exit["time_inside_s"].as_f64().unwrap();
    assert!((90.0..150.0).contains(&inside), "{inside} s inside: {exit}");
    assert!(frames.as_array().is_some_and(|f| !f.is_empty()), "{entry}");
    // The service also shows the other scenarios' aircraft live.
    // The MQ-9 is orbiting inside Sonora from its first position: present in MEX, alerted
    // and listed among the flights in MEX (issue 13: it used to be silent).
    let mut presence: Option<Value> = None;
    while Instant::now() < deadline && presence.is_none() {
        std::thread::sleep(Duration::from_millis(500));
        let Some(body) = get(port, "/api/events?type=zone_presence&limit=50") else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(&body) else {
            continue;
        };
        presence = doc["events"]
            .as_array()
            .and_then(|a| a.iter().find(|e| e["icao24"] == "ae5420"))
            .cloned();
    }
    let presence = presence.expect("the MQ-9's presence in MEX");
    // The dark drone, from its six receivers' feeds: located by multilateration alone.
    let mut dark: Option<Value> = None;
    while Instant::now() < deadline && dark.is_none() {
        let Some(body) = get(port, "/api/events?type=zone_presence&icao24=ae5421") else {
            std::thread::sleep(Duration::from_millis(500));
            continue;
        };
        dark = serde_json::from_str::<Value>(&body)
            .ok()
            .and_then(|doc| doc["events"].as_array()?.first().cloned());
        if dark.is_none() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    let dark = dark.expect("the dark drone's presence in MEX");
    assert_eq!(dark["position_source"], "mlat", "{dark}");
    assert_eq!(dark["zone"], "MEX");
    assert_eq!(presence["zone"], "MEX");
    assert_eq!(presence["entry_observed"], false);
    assert!(
        presence["depth_nm"].as_f64().is_some_and(|d| d > 20.0),
        "{presence}"
    );
    let flights: Value =
        serde_json::from_str(&get(port, "/api/flights?zone=MEX").unwrap()).unwrap();
    assert!(
        flights["flights"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["icao24"] == "ae5420"),
        "{flights}"
    );
    let mut seen = std::collections::BTreeSet::new();
    while Instant::now() < deadline
        && !["ae5420", "ae01ce", "0d0a5c"]
            .iter()
            .all(|a| seen.contains(*a))
    {
        std::thread::sleep(Duration::from_millis(500));
        let Some(body) = get(port, "/api/aircraft") else {
            continue;
        };
        let Ok(doc) = serde_json::from_str::<Value>(&body) else {
            continue;
        };
        for a in doc["aircraft"].as_array().into_iter().flatten() {
            if let Some(icao) = a["icao24"].as_str() {
                seen.insert(icao.to_string());
            }
        }
    }
    for icao in ["ae5420", "ae01ce", "0d0a5c"] {
        assert!(seen.contains(icao), "{icao} never shown live: {seen:?}");
    }

    let id = entry["id"].as_i64().expect("stored event id");
    // The same report, served by the API.
    let (head, served) =
        get_with_head(port, &format!("/api/events/{id}/report")).expect("report served");
    // No script runs in a report, whatever a name holds; no response is sniffed.
    let head = head.to_ascii_lowercase();
    assert!(
        head.contains("content-security-policy: default-src 'none'"),
        "{head}"
    );
    assert!(head.contains("x-content-type-options: nosniff"), "{head}");
    assert!(served.contains("Entry into MEX sovereign airspace") && served.contains("<svg"));
    let out = std::env::temp_dir().join(format!("vigia-demo-report-{}.html", std::process::id()));
    let report = vigia(&[
        "report",
        "--db",
        db.to_str().unwrap(),
        "--event",
        &id.to_string(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Entry into MEX sovereign airspace"));
    assert!(html.contains("<svg"));
    let hex = frames[0]["hex"].as_str().unwrap();
    assert!(html.contains(hex), "the report cites the frames");
    std::fs::remove_file(&out).ok();

    // The same store exported for an analyst: the period and zone's events and flights.
    let dir = tempfile::tempdir().unwrap();
    let export = |what: &str, file: &str, extra: &[&str]| -> String {
        let path = dir.path().join(file);
        let mut args = vec![
            "export",
            what,
            "--db",
            db.to_str().unwrap(),
            "--zone",
            "MEX",
            "--out",
            path.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let run = vigia(&args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(&path).unwrap()
    };
    let ts = entry["ts"].as_f64().unwrap();
    let geojson: Value = serde_json::from_str(&export("events", "events.geojson", &[])).unwrap();
    let feature = geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["id"] == id)
        .expect("the entry exported")
        .clone();
    assert_eq!(feature["geometry"]["type"], "Point");
    assert_eq!(feature["properties"]["zone"], "MEX");
    assert_eq!(feature["properties"]["type"], "zone_entry");
    let time = feature["properties"]["time"].as_str().unwrap();
    assert!(
        time.len() == 24 && time.ends_with('Z') && time.contains('T'),
        "{time}"
    );
    assert!(geojson["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["zone"] == "MEX"));
    // The window: an event is in it or not by its time.
    let after = format!("{}", ts + 0.5);
    let later: Value =
        serde_json::from_str(&export("events", "later.geojson", &["--since", &after])).unwrap();
    assert!(later["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["id"] != id));
    let until = format!("{}", ts - 0.5);
    let earlier: Value =
        serde_json::from_str(&export("events", "earlier.geojson", &["--until", &until])).unwrap();
    assert!(earlier["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["id"] != id));
    let csv = export("events", "events.csv", &[]);
    assert!(csv.starts_with(
        "id,type,time,icao24,callsign,zone,latitude,longitude,score,band,military,flight_id\n"
    ));
    assert!(
        csv.lines()
            .any(|l| l.starts_with(&format!("{id},zone_entry,"))),
        "{csv}"
    );
    let kml = export("flights", "flights.kml", &[]);
    assert!(
        kml.contains("<Style id=\"surveillance-like\">") && kml.contains("<TimeSpan><begin>"),
        "{kml}"
    );
    assert!(kml.contains("PELICAN5"), "the P-8's flight was in MEX");
    let flights: Value = serde_json::from_str(&export("flights", "flights.geojson", &[])).unwrap();
    let p8 = flights["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["callsign"] == "PELICAN5")
        .expect("the P-8's flight");
    assert_eq!(p8["geometry"]["type"], "LineString");
    assert!(p8["properties"]["zones"].as_str().unwrap().contains("MEX"));
    assert_eq!(
        p8["properties"]["times"].as_array().unwrap().len(),
        p8["geometry"]["coordinates"].as_array().unwrap().len()
    );
    for suffix in ["", "-wal", "-shm"] {
        std::fs::remove_file(format!("{}{suffix}", db.display())).ok();
    }
}

#[test]
fn a_speed_that_cannot_be_honoured_is_refused() {
    // 1e-300 once panicked in the replay thread while the service ran on with no data.
    for speed in ["1e-300", "0", "1e9", "NaN"] {
        let out = vigia(&["demo", "--speed", speed, "--listen", "127.0.0.1:0"]);
        assert!(!out.status.success(), "{speed}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("--speed"), "{speed}: {stderr}");
    }
}
