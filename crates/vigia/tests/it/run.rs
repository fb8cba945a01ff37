//! `vigia run` end to end: real frames replayed over TCP in real time, the source killed and
//! restarted mid-stream with garbage on the new connection, the API, alerts, metrics, graceful
//! shutdown, and `kill -9` at the moment an alert was reported.

use std::time::Duration;

use serde_json::Value;
use vigia_store::{EventFilter, Store};

use super::live::{corpus_frames, http, write_config, ReplayServer, Vigia, REPLAY_FROM, REPLAY_TO};

fn alerts(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_zone_entry_is_detected_stored_alerted_and_served_across_a_source_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let frames = corpus_frames(REPLAY_FROM, REPLAY_TO);
    let hexes: Vec<String> = frames
        .iter()
        .map(|f| {
            vigia_track::FrameRef::new(0.0, f.message())
                .hex()
                .to_string()
        })
        .collect();
    let server = ReplayServer::start(
        frames,
        Some(Duration::from_millis(2500)),
        Duration::from_millis(300),
    );
    let url = format!("beast://{}", server.address);
    let mut vigia = Vigia::start(&["--config", config.to_str().unwrap(), "--connect", &url]);

    let events = vigia.wait_json(
        "/api/events?type=zone_entry",
        Duration::from_secs(15),
        |v| v["events"].as_array().is_some_and(|e| !e.is_empty()),
    );
    let entry = &events["events"][0];
    assert_eq!(entry["icao24"], "486257");
    assert_eq!(entry["zone"], "BOX");
    assert_eq!(entry["callsign"], "KLM1302");
    let crossing = entry["latitude"].as_f64().unwrap();
    assert!((crossing - 45.6365).abs() < 1e-3, "{entry}");
    // The evidence cites frames that were on the wire.
    let frames = entry["evidence"]["positions"][1]["frames"]
        .as_array()
        .unwrap();
    assert!(!frames.is_empty());
    for f in frames {
        assert!(
            hexes.contains(&f["hex"].as_str().unwrap().to_string()),
            "{f}"
        );
    }
    let id = entry["id"].as_i64().unwrap();
    let one = vigia.json(&format!("/api/events/{id}"));
    assert_eq!(one["type"], "zone_entry");

    server.join();
    // The source was killed mid-stream and restarted; vigia reconnected and read on, and the
    // garbage at the start of the new connection was counted, not fatal.
    let (_, metrics) = vigia.get("/metrics");
    let value = |name: &str| super::live::metric(&metrics, name);
    assert!(value("vigia_source_connects_total") >= 2.0);
    assert!(value("vigia_source_malformed_total") >= 1.0);
    assert!(value("vigia_source_records_total") > 100.0);
    assert_eq!(value("vigia_events_total{type=\"zone_entry\"}"), 1.0);
    assert_eq!(value("vigia_alert_sink_sent_total"), 1.0);
    assert_eq!(value("vigia_queue_dropped_total"), 0.0);

    // Live state after the restart: the aircraft's latest position is from the second half.
    let aircraft = vigia.wait_json("/api/aircraft", Duration::from_secs(3), |v| {
        v["aircraft"].as_array().is_some_and(|a| {
            a.iter()
                .any(|x| x["icao24"] == "486257" && x["lat"].as_f64().unwrap_or(0.0) > 45.64)
        })
    });
    let klm = aircraft["aircraft"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["icao24"] == "486257")
        .unwrap()
        .clone();
    assert!(klm["lat"].as_f64().unwrap() > 45.64, "{klm}");
    assert_eq!(klm["zones"], serde_json::json!(["BOX"]));
    assert_eq!(klm["callsign"], "KLM1302");
    assert_eq!(klm["altitude_ft"], 34000.0);

    let flights = vigia.json("/api/flights?icao24=486257&zone=BOX");
    let flight_id = flights["flights"][0]["id"].as_str().unwrap().to_string();
    let track = vigia.json(&format!("/api/flights/{flight_id}"));
    assert_eq!(track["geometry"]["type"], "LineString");
    assert!(track["geometry"]["coordinates"].as_array().unwrap().len() >= 4);
    let zones = vigia.json("/api/zones");
    assert_eq!(zones["features"][0]["properties"]["name"], "BOX");
    // The replay has ended and closed its connection: the only problem is that no receiver
    // is connected (the store's writer is not behind).
    let health = vigia.json("/healthz");
    let problems: Vec<&str> = health["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .collect();
    assert!(
        problems
            .iter()
            .all(|p| p.starts_with("no receiver connected")),
        "{health}"
    );
    assert!(vigia.json("/api/openapi.json")["paths"]["/api/stream"].is_object());

    // State changes need the token.
    assert_eq!(
        http(vigia.api, "POST", &format!("/api/events/{id}/ack"), None).0,
        401
    );
    assert_eq!(
        http(
            vigia.api,
            "POST",
            &format!("/api/events/{id}/ack"),
            Some("test-token")
        )
        .0,
        200
    );
    assert!(vigia.json(&format!("/api/events/{id}"))["acknowledged_at"].is_number());
    let (status, body) = http(vigia.api, "POST", "/api/zones/reload", Some("test-token"));
    assert_eq!((status, body.contains("\"BOX\"")), (200, true), "{body}");
    assert_eq!(
        http(vigia.api, "POST", "/api/zones/reload", Some("wrong")).0,
        401
    );

    let alert = alerts(&dir.path().join("alerts.jsonl"));
    assert_eq!(alert.len(), 1, "one alert per episode: {alert:?}");
    assert_eq!(alert[0]["event"]["id"], id);
    assert_eq!(alert[0]["alert"]["rule"], "box");

    vigia.signal("TERM");
    assert!(vigia.wait(Duration::from_secs(10)).success());
    let said: Vec<String> = vigia.stderr.try_iter().collect();
    assert!(
        said.iter().any(|l| l.contains("SIGTERM: shutting down"))
            && said.iter().any(|l| l.contains("flushed")),
        "{said:?}"
    );
    let store = Store::open_read_only(dir.path().join("vigia.db")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(store.event(id).unwrap().is_some());
    assert!(store.flight(&flight_id).unwrap().unwrap().row.positions > 4);
}

#[test]
fn kill_9_right_after_an_alert_loses_no_reported_event() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let server = ReplayServer::start(corpus_frames(REPLAY_FROM, REPLAY_TO), None, Duration::ZERO);
    let url = format!("beast://{}", server.address);
    let mut vigia = Vigia::start(&["--config", config.to_str().unwrap(), "--connect", &url]);
    let alerts_path = dir.path().join("alerts.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while alerts(&alerts_path).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    // The alert is out: kill at once, mid-stream (frames still arriving, positions being
    // written).
    vigia.signal("KILL");
    let status = vigia.wait(Duration::from_secs(5));
    assert!(!status.success());
    let reported = alerts(&alerts_path);
    assert_eq!(reported.len(), 1);
    let store = Store::open(dir.path().join("vigia.db")).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    for alert in &reported {
        let id = alert["event"]["id"].as_i64().unwrap();
        let stored = store
            .event(id)
            .unwrap()
            .expect("a reported event is committed");
        assert_eq!(stored.kind, "zone_entry");
        let evidence = serde_json::to_value(stored.document.evidence()).unwrap();
        assert_eq!(evidence, alert["event"]["evidence"]["positions"]);
    }
    assert_eq!(
        store.events(&EventFilter::default()).unwrap().len(),
        reported.len()
    );
    drop(store);
    server.join();
}

#[test]
fn listening_beyond_loopback_without_a_token_is_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("v.db");
    let out = super::vigia(&["run", "--listen", "0.0.0.0:0", "--db", db.to_str().unwrap()]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to listen on 0.0.0.0:0 without a token"),
        "{stderr}"
    );
}

#[test]
fn a_receiver_that_pushes_to_the_beast_listener_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let port = super::live::free_port();
    let accept = format!("beast://127.0.0.1:{port}");
    let vigia = Vigia::start(&["--config", config.to_str().unwrap(), "--accept", &accept]);
    // Like readsb's --net-connector 127.0.0.1,PORT,beast_out: we connect and push.
    let frames = corpus_frames(REPLAY_FROM, REPLAY_FROM + 2.0);
    let mut push = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    assert_eq!(super::live::play(&mut push, &frames, 0, None), frames.len());
    let aircraft = vigia.wait_json("/api/aircraft", Duration::from_secs(5), |v| {
        v["aircraft"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["icao24"] == "486257"))
    });
    assert!(aircraft["count"].as_u64().unwrap() >= 1);
    let (_, metrics) = vigia.get("/metrics");
    let records = format!(
        "vigia_source_records_total{{source=\"listen:127.0.0.1:{port}\"}} {}",
        frames.len()
    );
    assert!(metrics.contains(&records), "{records} not in\n{metrics}");
}

/// A receiver that is down is never silent: the failed connects are logged at once (then the
/// 2nd, 4th, 8th… in a row), `/healthz` says `degraded` and why, and when the receiver comes
/// up the connection is logged and the status is `ok` again; a lost connection is logged too.
#[test]
fn a_dead_receiver_is_logged_and_degrades_health() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let port = super::live::free_port();
    let url = format!("beast://127.0.0.1:{port}");
    let vigia = Vigia::start(&["--config", config.to_str().unwrap(), "--connect", &url]);
    let lines = |want: &str, within: Duration| -> Vec<String> {
        let deadline = std::time::Instant::now() + within;
        let mut seen = Vec::new();
        while let Ok(line) = vigia
            .stderr
            .recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
        {
            let done = line.contains(want);
            seen.push(line);
            if done {
                return seen;
            }
        }
        panic!("no line with {want:?} within {within:?}; stderr: {seen:#?}");
    };
    let failed = lines("cannot connect", Duration::from_secs(5));
    let line = failed.last().unwrap();
    assert!(
        line.contains(&format!("127.0.0.1:{port}")) && line.contains("retrying in"),
        "{line}"
    );
    let health = vigia.json("/healthz");
    assert_eq!(health["status"], "degraded", "{health}");
    assert!(
        health["problems"][0]
            .as_str()
            .unwrap()
            .contains("no receiver connected"),
        "{health}"
    );
    // The receiver comes up: the next attempt connects, and says so.
    let server = std::net::TcpListener::bind(("127.0.0.1", port)).unwrap();
    let (conn, _) = server.accept().unwrap();
    lines("connected", Duration::from_secs(35));
    let health = vigia.wait_json("/healthz", Duration::from_secs(5), |v| v["status"] == "ok");
    assert_eq!(health["status"], "ok", "{health}");
    assert_eq!(health["sources_connected"], 1);
    // It goes away again: logged as a lost connection, with the reconnection delay.
    drop(conn);
    drop(server);
    let closed = lines("connection closed", Duration::from_secs(5));
    assert!(
        closed.last().unwrap().contains("reconnecting in"),
        "{closed:?}"
    );
}

#[test]
fn with_postgresql_reported_events_are_committed_first_and_export_reads_them() {
    // The same service on PostgreSQL + PostGIS (`--db postgres://…`): killed with -9 right
    // after its alert, every reported event is in the database with its evidence; the
    // export reads them back from there.
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), "");
    let url = vigia_store::testing::fresh_database();
    let server = ReplayServer::start(corpus_frames(REPLAY_FROM, REPLAY_TO), None, Duration::ZERO);
    let feed = format!("beast://{}", server.address);
    let mut vigia = Vigia::start(&[
        "--config",
        config.to_str().unwrap(),
        "--connect",
        &feed,
        "--db",
        &url,
    ]);
    let alerts_path = dir.path().join("alerts.jsonl");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while alerts(&alerts_path).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    vigia.signal("KILL");
    assert!(!vigia.wait(Duration::from_secs(5)).success());
    let reported = alerts(&alerts_path);
    let said: Vec<String> = vigia.stderr.try_iter().collect();
    assert_eq!(reported.len(), 1, "{said:?}");
    let store = Store::open_read_only(&url).unwrap();
    let id = reported[0]["event"]["id"].as_i64().unwrap();
    let stored = store
        .event(id)
        .unwrap()
        .expect("a reported event is committed");
    assert_eq!(stored.kind, "zone_entry");
    assert_eq!(
        serde_json::to_value(stored.document.evidence()).unwrap(),
        reported[0]["event"]["evidence"]["positions"]
    );
    drop(store);
    server.join();
    let out = dir.path().join("events.geojson");
    let export = super::vigia(&[
        "export",
        "events",
        "--db",
        &url,
        "--zone",
        "BOX",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let geojson: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let features = geojson["features"].as_array().unwrap();
    assert!(
        features.iter().any(|f| f["properties"]["id"] == id),
        "{geojson}"
    );
}
