//! vigia-server: the API over real sockets on 127.0.0.1, the event stream, and the pipeline
//! with its writer on real corpus frames heard by two receivers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::{json, Value};
use vigia_detect::contract::samples::record;
use vigia_detect::identity::IdentityResolver;
use vigia_detect::AnalyzerConfig;
use vigia_feed::net::{Arrival, FrameQueue, SourceCounters};
use vigia_feed::{Record, RecordReader};
use vigia_server::http::ConnectionLimits;
use vigia_server::service::alert::{sinks, Alerter};
use vigia_server::service::live::{LiveAircraft, LiveView, Snapshot};
use vigia_server::service::metrics::Metrics;
use vigia_server::service::pipeline::{self, PipelineParts};
use vigia_server::service::stream::StreamMessage;
use vigia_server::service::zones::ZonesView;
use vigia_server::{AlertRule, AlertSettings, PipelineSettings, ServiceState, SinkSettings};
use vigia_store::{EventFilter, FlightRow, NewEvent, Store, WriteBatch};
use vigia_track::TrackerConfig;
use vigia_zones::{ZoneIndex, ZoneSet};

mod alerting;
mod chat;
mod connections;

const BOX: &str = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"BOX"},
"geometry":{"type":"Polygon","coordinates":[[[0.5,45.6365],[1.5,45.6365],[1.5,46.5],[0.5,46.5],[0.5,45.6365]]]}}]}"#;

fn zones() -> (ZoneSet, ZoneIndex) {
    let set = ZoneSet::from_geojson_str(BOX, "box.geojson").unwrap();
    let index = ZoneIndex::new(&set);
    (set, index)
}

fn aircraft() -> LiveAircraft {
    LiveAircraft {
        icao24: "ae01c5".into(),
        callsign: Some("RCH123".into()),
        squawk: Some("7400".into()),
        squawk_code: Some(0o7400),
        lat: 32.5,
        lon: -117.1,
        altitude_ft: Some(18000.0),
        groundspeed_kt: Some(300.0),
        track_deg: Some(90.0),
        vertical_rate_fpm: Some(0.0),
        on_ground: Some(false),
        last_update: 1_700_000_000.0,
        flight_id: "ae01c5-1699999000".into(),
        positions: 42,
        zones: vec!["USA".into()],
        score: 0.55,
        surveillance_like: true,
        reasons: vec!["address in the United States military (DoD) block".into()],
        military: true,
        country: Some("United States".into()),
        registration: None,
        type_designator: None,
        position_source: "adsb",
        messages: 120,
        last_seen: 1_700_000_002.0,
        rssi: Some(-12.5),
        signal_power: Some(0.056),
    }
}

struct Api {
    address: SocketAddr,
    runtime: tokio::runtime::Runtime,
    stream: tokio::sync::broadcast::Sender<StreamMessage>,
    stop: tokio::sync::watch::Sender<bool>,
    served: tokio::task::JoinHandle<Result<(), vigia_server::http::ServeError>>,
    metrics: Arc<Metrics>,
    _dir: tempfile::TempDir,
}

fn api(token: Option<&str>) -> Api {
    api_with(token, ConnectionLimits::default())
}

fn api_with(token: Option<&str>, limits: ConnectionLimits) -> Api {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut store = Store::open(&path).unwrap();
    let mut batch = WriteBatch::default();
    batch.flights.push(FlightRow {
        id: "ae01c5-1699999000".into(),
        icao24: "ae01c5".into(),
        start_ts: 1_699_999_000.0,
        end_ts: 1_700_000_000.0,
        zones: vec!["USA".into()],
        ..FlightRow::default()
    });
    batch.events.push(NewEvent {
        kind: "zone_entry".into(),
        icao24: "ae01c5".into(),
        flight_id: "ae01c5-1699999000".into(),
        zone: Some("USA".into()),
        ts: 1_699_999_500.0,
        score: Some(0.55),
        document: record("zone_entry", Some("USA"), 1_699_999_500.0),
    });
    store.commit(&batch).unwrap();
    let live = Arc::new(LiveView::new());
    live.publish(Arc::new(Snapshot {
        now: 1_700_000_001.0,
        aircraft: vec![aircraft()],
    }));
    let counters = Arc::new(SourceCounters::new());
    let queue = Arc::new(FrameQueue::new(16, vec![counters.clone()]));
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters)],
        queue,
        Vec::new(),
    ));
    let (stream, _) = tokio::sync::broadcast::channel(16);
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let (set, index) = zones();
    // The HTTP side alone, over a state made by hand: no pipeline runs (so zones cannot be
    // reloaded), and the live table holds one aircraft.
    let state = Arc::new(ServiceState {
        network: Arc::default(),
        live,
        db: Mutex::new(Store::open_read_only(&path).unwrap()),
        db_writer: Mutex::new(Store::open(&path).unwrap()),
        zones: RwLock::new(ZonesView::new("box.geojson", &set, &index)),
        metrics,
        stream: stream.clone(),
        token: token.map(str::to_string),
        allowed_hosts: Vec::new(),
        tile_hosts: Vec::new(),
        limits,
        control: Mutex::new(None),
        shutdown: shutdown.clone(),
        started: 0.0,
        receiver: Some((32.5, -117.0)),
    });
    let metrics = state.metrics.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let address = listener.local_addr().unwrap();
    let mut shutdown = shutdown;
    let served = runtime.spawn(vigia_server::http::serve(listener, state, async move {
        let _ = shutdown.wait_for(|s| *s).await;
    }));
    Api {
        address,
        runtime,
        stream,
        stop,
        served,
        metrics,
        _dir: dir,
    }
}

fn request(address: SocketAddr, method: &str, path: &str, token: Option<&str>) -> (u16, Value) {
    let mut s = TcpStream::connect(address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (
        status,
        serde_json::from_str(body).unwrap_or(Value::String(body.into())),
    )
}

#[test]
fn the_api_serves_live_aircraft_flights_events_and_zones() {
    let api = api(None);
    let get = |p: &str| request(api.address, "GET", p, None);
    let (status, body) = get("/api/aircraft");
    assert_eq!(status, 200);
    assert_eq!(body["count"], 1);
    // Malformed queries and unknown routes answer JSON like every other error (they were
    // plain text or empty).
    for path in [
        "/api/flights?limit=abc",
        "/api/events/notanumber",
        "/api/nowhere",
    ] {
        let (status, body) = get(path);
        assert!((400..500).contains(&status), "{path}: {status}");
        assert!(body["error"].is_string(), "{path}: {body}");
    }
    // DNS rebinding: a request naming another host is refused.
    let mut s = TcpStream::connect(api.address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET /api/aircraft HTTP/1.1\r\nHost: evil.example:8080\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    assert!(out.starts_with("HTTP/1.1 421"), "{out}");
    let a = &body["aircraft"][0];
    for key in [
        "lat",
        "lon",
        "track_deg",
        "altitude_ft",
        "callsign",
        "score",
        "military",
        "zones",
        "last_update",
    ] {
        assert!(!a[key].is_null(), "{key} missing in {a}");
    }
    let (_, flights) = get("/api/flights?zone=USA&since=1699999999");
    assert_eq!(flights["flights"][0]["id"], "ae01c5-1699999000");
    // A full page names the cursor of the next; the next page here is empty.
    let (_, page) = get("/api/flights?limit=1");
    let next = page["next"].as_str().unwrap().to_string();
    assert_eq!(next, "1700000000,ae01c5-1699999000");
    let (_, rest) = get(&format!("/api/flights?limit=1&before={next}"));
    assert_eq!(
        (rest["flights"].clone(), rest["next"].clone()),
        (json!([]), Value::Null)
    );
    let (status, bad) = get("/api/flights?before=yesterday");
    assert_eq!((status, bad["error"].is_string()), (400, true));
    let (_, none) = get("/api/flights?zone=MEX");
    assert_eq!(none["flights"], json!([]));
    let (status, feature) = get("/api/flights/ae01c5-1699999000");
    assert_eq!(status, 200);
    assert_eq!(feature["type"], "Feature");
    assert_eq!(get("/api/flights/nope").0, 404);
    let (_, events) = get("/api/events?type=zone_entry&zone=USA&since=1699999000");
    assert_eq!(events["events"][0]["id"], 1);
    assert_eq!(get("/api/events?type=orbit").1["events"], json!([]));
    assert_eq!(get("/api/events/1").1["zone"], "USA");
    assert_eq!(get("/api/events/2").0, 404);
    assert_eq!(get("/api/events/x").0, 400);
    let (_, zones) = get("/api/zones");
    assert_eq!(zones["features"][0]["properties"]["name"], "BOX");
    let (status, text) = get("/metrics");
    assert_eq!(status, 200);
    assert!(text
        .as_str()
        .unwrap()
        .contains("vigia_source_records_total{source=\"rx\"} 0"));
    // Its one source ("rx") is not connected: degraded, and why.
    let (status, health) = get("/healthz");
    assert_eq!(status, 200);
    assert_eq!(health["status"], "degraded");
    assert!(health["problems"][0]
        .as_str()
        .unwrap()
        .starts_with("no receiver connected (0 of 1"));
    // The ecosystem's view of the same aircraft, in readsb's names and units.
    let (status, data) = get("/data/aircraft.json");
    assert_eq!(status, 200);
    let a = &data["aircraft"][0];
    assert_eq!(a["hex"], "ae01c5");
    assert_eq!(a["type"], "adsb_icao");
    assert_eq!(a["flight"], "RCH123  ");
    assert_eq!(a["alt_baro"], 18000);
    assert_eq!(a["gs"], 300.0);
    assert_eq!(a["squawk"], "7400");
    assert_eq!(a["messages"], 120);
    assert_eq!(a["rssi"], -12.5);
    assert_eq!(a["vigia"]["military"], true);
    assert_eq!(get("/data/receiver.json").1["lon"], -117.0);
    // Without a configured token, nothing changes state.
    assert_eq!(
        request(api.address, "POST", "/api/events/1/ack", Some("x")).0,
        403
    );
    api.stop.send(true).unwrap();
    api.runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn every_route_is_in_the_openapi_document() {
    let api = api(Some("t0ken"));
    let (_, doc) = request(api.address, "GET", "/api/openapi.json", None);
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/api/aircraft",
        "/api/receivers",
        "/api/heard",
        "/api/flights",
        "/api/flights/{id}",
        "/api/events",
        "/api/events/{id}",
        "/api/events/{id}/ack",
        "/api/zones",
        "/api/zones/reload",
        "/api/stream",
        "/api/openapi.json",
        "/metrics",
        "/healthz",
    ] {
        assert!(paths.contains_key(p), "{p} not documented");
    }
    assert_eq!(
        request(api.address, "POST", "/api/events/1/ack", None).0,
        401
    );
    assert_eq!(
        request(api.address, "POST", "/api/events/1/ack", Some("t0ken")).0,
        200
    );
    assert_eq!(
        request(api.address, "POST", "/api/events/9/ack", Some("t0ken")).0,
        404
    );
    assert_eq!(
        request(api.address, "POST", "/api/zones/reload", Some("t0ken")).0,
        503
    );
    api.stop.send(true).unwrap();
    api.runtime.shutdown_timeout(Duration::from_secs(1));
}

#[test]
fn the_stream_starts_with_the_snapshot_then_carries_events() {
    let api = api(None);
    let mut s = TcpStream::connect(api.address).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut lines = BufReader::new(s).lines().map_while(Result::ok);
    let mut next_data = |event: &str| -> Value {
        let mut current = String::new();
        for line in lines.by_ref() {
            if let Some(e) = line.strip_prefix("event: ") {
                current = e.to_string();
            } else if let Some(d) = line.strip_prefix("data: ") {
                if current == event {
                    return serde_json::from_str(d).unwrap();
                }
            }
        }
        panic!("stream ended before a {event} event")
    };
    let first = next_data("aircraft");
    assert_eq!(first["aircraft"][0]["icao24"], "ae01c5");
    // Subscribed: events broadcast from now on arrive.
    let sent = (0..50).any(|_| {
        std::thread::sleep(Duration::from_millis(20));
        api.stream
            .send(StreamMessage::new(
                "event",
                json!({"id": 7, "type": "orbit"}).to_string(),
            ))
            .is_ok_and(|n| n > 0)
    });
    assert!(sent);
    assert_eq!(next_data("event")["id"], 7);
    api.stop.send(true).unwrap();
    api.runtime.shutdown_timeout(Duration::from_secs(1));
}

/// The frames of the real corpus in the seconds when an aircraft enters BOX.
fn entering_box() -> Vec<vigia_modes::RawFrame> {
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/long_flight.csv.zst");
    RecordReader::new("corpus", std::fs::File::open(&corpus).unwrap(), None)
        .unwrap()
        .filter_map(|r| match r {
            Ok(Record::Frame(f))
                if f.ts
                    .is_some_and(|t| (1_698_143_444.0..1_698_143_451.0).contains(&t)) =>
            {
                Some(f)
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_pipeline_keeps_one_copy_of_each_frame_and_alerts_only_committed_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let frames = entering_box();
    let counters: Vec<_> = (0..2).map(|_| Arc::new(SourceCounters::new())).collect();
    let queue = Arc::new(FrameQueue::new(100_000, counters.clone()));
    let alerts = dir.path().join("alerts.jsonl");
    let sink = SinkSettings::File {
        path: alerts.display().to_string(),
    };
    let metrics = Arc::new(Metrics::new(
        vec![
            ("a".into(), counters[0].clone()),
            ("b".into(), counters[1].clone()),
        ],
        queue.clone(),
        vec![sinks::name(&sink)],
    ));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let settings = AlertSettings {
        rules: vec![AlertRule {
            name: "box".into(),
            zones: vec!["BOX".into()],
            ..AlertRule::default()
        }],
        sinks: vec![sink.clone()],
        ..AlertSettings::default()
    };
    let opened = vec![sinks::open(&sink, runtime.handle(), metrics.clone(), 0, None, "").unwrap()];
    let (stream, mut subscriber) = tokio::sync::broadcast::channel(1024);
    let (_, index) = zones();
    let handle = pipeline::spawn(PipelineParts {
        settings: PipelineSettings::default(),
        tracker: TrackerConfig::default(),
        analyzer: AnalyzerConfig::default(),
        zones: Arc::new(index),
        identity: IdentityResolver::new(None),
        inputs: vec!["a".into(), "b".into()],
        network: Vec::new(),
        network_view: Arc::default(),
        positions: vec![None, None],
        queue: queue.clone(),
        metrics: metrics.clone(),
        live: Arc::new(LiveView::new()),
        stream,
        store: Store::open(&path).unwrap(),
        alerter: Alerter::new(&settings, opened, metrics.clone()),
        retain_days: 30.0,
        checkpointer: Some(Store::open(&path).unwrap()),
        bus: None,
    })
    .unwrap();
    // Two receivers hear every frame, the second 3 ms later.
    let mut batch = Vec::new();
    for f in &frames {
        let ts = f.ts.unwrap();
        for (source, delay) in [(0u16, 0.0), (1, 0.003)] {
            batch.push(Arrival {
                seq: 0,
                decoded: None,
                source,
                received: ts + delay,
                record: Record::Frame(*f),
            });
        }
    }
    queue.push_batch(&mut batch);
    queue.close();
    handle.join();
    use std::sync::atomic::Ordering;
    // Every second copy goes, and so do the corpus's own repeats (the same Comm-B reply to
    // two interrogations 12 ms apart), which one receiver alone would also drop.
    let mut alone =
        vigia_server::service::dedup::Dedup::new(PipelineSettings::default().dedup_window_s);
    for f in &frames {
        alone.first(f.ts.unwrap(), f.message());
    }
    assert!(alone.duplicates() > 0);
    assert_eq!(
        metrics.duplicates.load(Ordering::Relaxed),
        frames.len() as u64 + alone.duplicates()
    );
    let store = Store::open_read_only(&path).unwrap();
    let events = store
        .events(&EventFilter {
            kind: Some("zone_entry".into()),
            ..EventFilter::default()
        })
        .unwrap();
    assert_eq!(events.len(), 1, "one entry despite two receivers");
    let lines: Vec<Value> = std::fs::read_to_string(&alerts)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"]["id"], events[0].id);
    let mut streamed = Vec::new();
    while let Ok(m) = subscriber.try_recv() {
        if m.event == "event" {
            streamed.push(serde_json::from_str::<Value>(&m.data).unwrap());
        }
    }
    assert!(streamed
        .iter()
        .any(|e| e["id"] == events[0].id && e["alerted"] == true));
    let flight = store.flight(&events[0].flight_id).unwrap().unwrap().row;
    assert_eq!(flight.zones, ["BOX"]);
    assert!(flight.positions > 10);
}

/// A one-thread HTTP endpoint on 127.0.0.1 answering `statuses` in turn; returns its address
/// and the bodies it received.
fn endpoint(statuses: Vec<u16>) -> (SocketAddr, std::sync::mpsc::Receiver<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    (address, answer(listener, statuses))
}

/// Answer one request per connection on `listener` with each of `statuses` in turn; the
/// bodies received.
fn answer(
    listener: std::net::TcpListener,
    statuses: Vec<u16>,
) -> std::sync::mpsc::Receiver<String> {
    let requests = serve_requests(listener, statuses);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for r in requests {
            if tx.send(r.raw).is_err() {
                return;
            }
        }
    });
    rx
}

/// One request a stand-in received.
#[derive(Debug)]
struct Received {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    /// The body as sent.
    raw: String,
}

impl Received {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (null when it is not).
    fn json(&self) -> Value {
        serde_json::from_str(&self.raw).unwrap_or(Value::Null)
    }
}

/// Answer one request per connection on `listener` with each of `statuses` in turn (an empty
/// JSON object); the requests received.
fn serve_requests(
    listener: std::net::TcpListener,
    statuses: Vec<u16>,
) -> std::sync::mpsc::Receiver<Received> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for status in statuses {
            let Ok((mut conn, _)) = listener.accept() else {
                return;
            };
            conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut reader = BufReader::new(conn.try_clone().unwrap());
            let mut request_line = String::new();
            reader.read_line(&mut request_line).unwrap();
            let mut parts = request_line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let mut headers = Vec::new();
            let mut length = 0;
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                if line == "\r\n" || line.is_empty() {
                    break;
                }
                if let Some((n, v)) = line.trim_end().split_once(':') {
                    if n.eq_ignore_ascii_case("content-length") {
                        length = v.trim().parse().unwrap();
                    }
                    headers.push((n.to_string(), v.trim().to_string()));
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let received = Received {
                method,
                path,
                headers,
                raw: String::from_utf8(body).unwrap(),
            };
            if tx.send(received).is_err() {
                return;
            }
            write!(
                conn,
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
            )
            .unwrap();
        }
    });
    rx
}

#[test]
fn the_webhook_retries_until_delivered_and_never_blocks_the_writer() {
    use std::sync::atomic::Ordering;
    let (address, bodies) = endpoint(vec![503, 200]);
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let sinks_settings = vec![
        SinkSettings::Webhook {
            url: format!("http://{address}/hook"),
            retries: 3,
            timeout_s: 2.0,
        },
        SinkSettings::Webhook {
            url: format!("http://{dead}/hook"),
            retries: 1,
            timeout_s: 1.0,
        },
    ];
    let counters = Arc::new(SourceCounters::new());
    let metrics = Arc::new(Metrics::new(
        vec![("rx".into(), counters.clone())],
        Arc::new(FrameQueue::new(1, vec![counters])),
        sinks_settings.iter().map(sinks::name).collect(),
    ));
    let opened = sinks_settings
        .iter()
        .enumerate()
        .map(|(i, s)| sinks::open(s, runtime.handle(), metrics.clone(), i, None, "").unwrap())
        .collect();
    let settings = AlertSettings {
        rules: vec![AlertRule::default()],
        sinks: sinks_settings,
        ..AlertSettings::default()
    };
    let mut alerter = Alerter::new(&settings, opened, metrics.clone());
    let committed = vigia_server::service::alert::CommittedEvent {
        id: 42,
        event: NewEvent {
            kind: "orbit".into(),
            icao24: "ae01c5".into(),
            flight_id: "ae01c5-1".into(),
            zone: None,
            ts: 1.0,
            score: Some(0.5),
            document: record("orbit", None, 1.0),
        },
        facts: Default::default(),
        arrival: Some(vigia_feed::net::unix_now()),
    };
    let started = std::time::Instant::now();
    let sent = alerter.handle(&committed, vigia_feed::net::unix_now());
    assert!(
        started.elapsed() < Duration::from_millis(100),
        "the writer waited for a webhook"
    );
    assert_eq!(sent.len(), 1);
    let first: Value =
        serde_json::from_str(&bodies.recv_timeout(Duration::from_secs(5)).unwrap()).unwrap();
    let second: Value =
        serde_json::from_str(&bodies.recv_timeout(Duration::from_secs(5)).unwrap()).unwrap();
    assert_eq!(first, second, "the retry posts the same alert");
    assert_eq!(second["event"]["id"], 42);
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while (
        metrics.sinks[0].sent.load(Ordering::Relaxed),
        metrics.sinks[1].failures.load(Ordering::Relaxed),
    ) != (1, 1)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "webhook outcomes not counted"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(metrics.sinks[0].failures.load(Ordering::Relaxed), 0);
    assert!(metrics.render(0.0).contains(&format!(
        "vigia_alert_sink_failures_total{{sink=\"webhook:http://{dead}\"}} 1"
    )));
    runtime.shutdown_timeout(Duration::from_secs(1));
}

/// The whole service built the one way `vigia run` builds it — `Service::new(config)` then
/// `serve(listener, shutdown)` — with a receiver pushing real corpus frames (Beast, paced in real
/// time) to the port the configuration names: the aircraft appears in the API, its entry into
/// the zone is committed, alerted and served, the zones reload, and shutdown drains and returns.
#[test]
fn the_service_runs_from_its_configuration_alone() {
    use vigia_server::config::ListenerConfig;
    let dir = tempfile::tempdir().unwrap();
    let zone_file = dir.path().join("box.geojson");
    std::fs::write(&zone_file, BOX).unwrap();
    let alerts = dir.path().join("alerts.jsonl");
    let mut config = vigia_server::Config {
        zones: zone_file.display().to_string(),
        ..Default::default()
    };
    config.store.path = dir.path().join("v.db");
    config.server.token = Some("t0ken".into());
    config.listeners.push(ListenerConfig {
        bind: "127.0.0.1:0".into(),
        format: "beast".into(),
        id: Some("roof".into()),
    });
    config.alerts.rules.push(AlertRule {
        name: "box".into(),
        zones: vec!["BOX".into()],
        ..AlertRule::default()
    });
    config.alerts.sinks.push(SinkSettings::File {
        path: alerts.display().to_string(),
    });
    let service = vigia_server::Service::new(config).unwrap();
    let push = service.push_addresses()[0].1;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let api = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = runtime.spawn(service.serve(listener, async move {
        let _ = stopped.await;
    }));

    // The receiver: the corpus seconds in which an aircraft enters BOX, at their own pace.
    let frames = entering_box();
    let mut receiver = TcpStream::connect(push).unwrap();
    let started = std::time::Instant::now();
    let first = frames[0].ts.unwrap();
    for f in &frames {
        let due = Duration::from_secs_f64(f.ts.unwrap() - first);
        if let Some(wait) = due.checked_sub(started.elapsed()) {
            std::thread::sleep(wait);
        }
        receiver
            .write_all(&vigia_feed::framer::beast::encode(f).unwrap())
            .unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let entry = loop {
        let (_, events) = request(api, "GET", "/api/events?type=zone_entry", None);
        if let Some(e) = events["events"].as_array().and_then(|a| a.first()) {
            break e.clone();
        }
        assert!(std::time::Instant::now() < deadline, "no entry served");
        std::thread::sleep(Duration::from_millis(100));
    };
    assert_eq!(entry["zone"], "BOX");
    assert_eq!(entry["evidence"]["positions"].as_array().unwrap().len(), 2);
    assert!(entry["committed_at"].is_number());
    let (_, health) = request(api, "GET", "/healthz", None);
    assert_eq!(health["sources_connected"], 1);
    let (status, reloaded) = request(api, "POST", "/api/zones/reload", Some("t0ken"));
    assert_eq!((status, &reloaded["zones"]), (200, &json!(["BOX"])));
    drop(receiver);
    stop.send(()).unwrap();
    runtime.block_on(served).unwrap().unwrap();
    // Shut down: everything is committed, and what was alerted is in the store.
    let store = Store::open_read_only(dir.path().join("v.db")).unwrap();
    let stored = store
        .events(&EventFilter {
            kind: Some("zone_entry".into()),
            ..EventFilter::default()
        })
        .unwrap();
    assert_eq!(stored.len(), 1);
    let lines: Vec<Value> = std::fs::read_to_string(&alerts)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["event"]["id"], stored[0].id);
    assert_eq!(lines[0]["event"]["zone"], "BOX");
}
