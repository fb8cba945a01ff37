//! The frame bus end to end, with real components on loopback: Debian's `nats-server` with
//! JetStream, PostgreSQL + PostGIS, `vigia gateway` and `vigia worker` processes — against
//! `vigia run` on the same feed. Killing a worker with -9 and restarting NATS and PostgreSQL
//! mid-stream lose no committed event and store none twice.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use vigia_store::{EventFilter, Store};

use super::live::{metric, Vigia};
use super::nats::Nats;

/// Scenario time per second of wall clock.
const SPEED: f64 = 40.0;

/// The border-airliners scenario served as Beast, paced at [`SPEED`], to the first client
/// (a thread); its address.
fn serve_scenario() -> (String, std::thread::JoinHandle<()>) {
    let sim =
        vigia_sim::simulate_bundled("border-airliners", &vigia_sim::Options::default()).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let thread = std::thread::spawn(move || {
        let never = AtomicBool::new(false);
        vigia_sim::serve(
            listener,
            &sim.frames,
            vigia_sim::Speed::Factor(SPEED),
            &never,
        )
        .unwrap();
    });
    (address, thread)
}

/// The reference: `vigia run` on SQLite on its own copy of the feed; its store's path.
fn reference(dir: &Path, config: &Path) -> (Vigia, std::thread::JoinHandle<()>, PathBuf) {
    let (feed, server) = serve_scenario();
    let db = dir.join("run.db");
    let run = Vigia::start(&[
        "--connect",
        &format!("beast://{feed}?id=rx"),
        "--db",
        db.to_str().unwrap(),
        "--config",
        config.to_str().unwrap(),
    ]);
    (run, server, db)
}

/// A `vigia gateway` process (it has no API: started once it publishes).
fn gateway(nats: &Nats, feed: &str, partitions: u32) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["gateway", "--nats", &nats.url, "--partitions"])
        .arg(partitions.to_string())
        .args(["--connect", feed])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let line = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    assert!(line.contains("publishing to"), "{line}");
    child
}

fn worker(nats: &Nats, feed: &str, partition: &str, db: &str, config: &Path) -> Vigia {
    Vigia::start_as(
        "worker",
        &[
            "--nats",
            &nats.url,
            "--partition",
            partition,
            "--replay-s",
            "30",
            "--connect",
            feed,
            "--db",
            db,
            "--config",
            config.to_str().unwrap(),
        ],
    )
}

/// Service settings shared by `vigia run` and the workers: the API on any port, quick
/// flushes.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("vigia.toml");
    std::fs::write(
        &path,
        "[server]\nlisten = \"127.0.0.1:0\"\n[pipeline]\nflush_ms = 100\nsnapshot_ms = 500\n",
    )
    .unwrap();
    path
}

/// Events by (type, aircraft, zone, milliseconds after the flight's start): how many times
/// each is stored.
type Events = BTreeMap<(String, String, String, i64), u32>;

/// The stored events other than flight records, each as (type, aircraft, zone, milliseconds
/// after its flight's first position) — times that do not depend on when the feed started —
/// with how many times each is stored.
fn events(db: &str) -> Events {
    let store = Store::open_read_only(db).unwrap();
    let mut out = BTreeMap::new();
    let events = store
        .events(&EventFilter {
            limit: 10_000,
            ..Default::default()
        })
        .unwrap();
    for e in events.into_iter().filter(|e| e.kind != "flight") {
        let start = store
            .flight(&e.flight_id)
            .unwrap()
            .map_or(f64::NAN, |f| f.row.start_ts);
        let key = (
            e.kind.clone(),
            e.icao24.clone(),
            e.zone.clone().unwrap_or_default(),
            ((e.ts - start) * 1000.0).round() as i64,
        );
        *out.entry(key).or_insert(0) += 1;
    }
    out
}

/// `stored` holds the events of `expected`, each once, at the same time after its flight's
/// start within 5 ms (the live clock of a receiver's counter is anchored to the arrival of its
/// frames in each process: milliseconds of jitter between two processes).
/// `losses`: what each process dropped (printed when they differ, to tell a loss under load
/// from a wrong takeover).
fn same_events(stored: &Events, expected: &Events, losses: &str) {
    assert!(
        stored.values().all(|&n| n == 1),
        "stored twice: {stored:#?}"
    );
    assert_eq!(
        stored.len(),
        expected.len(),
        "{stored:#?}\n{expected:#?}\n{losses}"
    );
    for (k, (s, e)) in stored.keys().zip(expected.keys()).enumerate() {
        assert!(
            (&s.0, &s.1, &s.2) == (&e.0, &e.1, &e.2) && (s.3 - e.3).abs() <= 5,
            "event {k}: {s:?} stored, {e:?} expected\n{stored:?}\n{losses}"
        );
    }
}

/// The counts of frames a process dropped or set aside, by metric.
fn losses(name: &str, process: &Vigia) -> String {
    let (_, m) = process.get("/metrics");
    let counts: Vec<String> = [
        "vigia_source_dropped_total",
        "vigia_queue_dropped_total",
        "vigia_bus_late_total",
        "vigia_bus_replayed_total",
        "vigia_pipeline_records_total",
        "vigia_bus_frames_total",
    ]
    .iter()
    .map(|k| {
        let sum: f64 = m
            .lines()
            .filter(|l| l.starts_with(k))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum();
        format!("{k} {sum}")
    })
    .collect();
    format!("{name}: {}\n", counts.join(", "))
}

/// The partition of the aircraft with address `icao24` (six hex digits).
fn partition_of(icao24: &str, partitions: u32) -> u32 {
    vigia_feed::bus::partition_of_address(u32::from_str_radix(icao24, 16).unwrap(), partitions)
}

/// Wait until every worker has taken as many frames as `run` processed records and the
/// numbers stand still for a second.
fn drained(run: &Vigia, workers: &[&Vigia]) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut last = (-1.0, -1.0);
    loop {
        std::thread::sleep(Duration::from_millis(1000));
        let (_, m) = run.get("/metrics");
        let records = metric(&m, "vigia_pipeline_records_total");
        let taken: f64 = workers
            .iter()
            .map(|w| {
                let (_, m) = w.get("/metrics");
                metric(&m, "vigia_bus_frames_total") - metric(&m, "vigia_bus_replayed_total")
            })
            .sum();
        if (records, taken) == last || Instant::now() > deadline {
            return;
        }
        last = (records, taken);
    }
}

#[test]
fn a_worker_killed_mid_stream_is_replaced_and_the_store_holds_what_vigia_run_stores() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let nats = Nats::start(dir.path());
    let url = vigia_store::testing::fresh_database();
    // The reference: `vigia run` on its own copy of the feed.
    let (run, reference_server, run_db) = reference(dir.path(), &config);
    // The bus: a gateway cutting the feed in two partitions, a worker on each.
    let (bus_feed, bus_server) = serve_scenario();
    let feed = format!("beast://{bus_feed}?id=rx");
    let mut gw = gateway(&nats, &feed, 2);
    let w1 = worker(&nats, &feed, "1/2", &url, &config);
    let mut w0 = worker(&nats, &feed, "0/2", &url, &config);
    // Whoever can publish to the stream can send anything: damaged messages and a receiver
    // nobody configured are refused and counted; the worker goes on.
    let mut bad = vec![b"hello".to_vec(), vec![b'V', 1, 0x80], Vec::new()];
    let mut stranger = Vec::new();
    let squitter = [0x8d, 0x4c, 0xa2, 0x4f, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    let mut frame = vigia_feed::RawFrame::from_message(&squitter).unwrap();
    frame.ts = Some(1.0);
    vigia_feed::bus::encode("stranger", 1.0, &frame, &mut stranger);
    bad.push(stranger);
    nats.publish_raw("vigia.frames.1", &bad);
    // Once worker 0 has committed an event, kill it with -9 and start its replacement.
    let of_partition_0 = || {
        events(&url)
            .keys()
            .filter(|k| partition_of(&k.1, 2) == 0)
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while of_partition_0() == 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        of_partition_0() > 0,
        "no event of partition 0 before the kill"
    );
    w0.signal("KILL");
    w0.wait(Duration::from_secs(5));
    std::thread::sleep(Duration::from_secs(1));
    let replaced = Instant::now();
    let w0 = worker(&nats, &feed, "0/2", &url, &config);
    // Failover: the replacement takes frames past the replay.
    let back = loop {
        let (_, m) = w0.get("/metrics");
        let fresh = metric(&m, "vigia_bus_frames_total") - metric(&m, "vigia_bus_replayed_total");
        if fresh > 0.0 || replaced.elapsed() > Duration::from_secs(30) {
            break replaced.elapsed();
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    eprintln!("failover: partition 0 consumed again {back:?} after the replacement started");
    reference_server.join().unwrap();
    bus_server.join().unwrap();
    drained(&run, &[&w0, &w1]);
    let (_, m) = w0.get("/metrics");
    assert!(metric(&m, "vigia_bus_replayed_total") > 0.0, "{m}");
    let (_, m) = w1.get("/metrics");
    assert_eq!(metric(&m, "vigia_bus_rejected_total"), 4.0, "{m}");
    let lost = [
        losses("run", &run),
        losses("worker 0", &w0),
        losses("worker 1", &w1),
    ]
    .concat();
    let _ = gw.kill();
    let _ = gw.wait();
    let expected = events(run_db.to_str().unwrap());
    let stored = events(&url);
    eprintln!(
        "{} events, as vigia run stores them: {expected:?}",
        expected.len()
    );
    assert!(expected.len() >= 8, "{expected:#?}");
    same_events(&stored, &expected, &lost);
    // Both partitions worked.
    let aircraft: std::collections::BTreeSet<u32> =
        stored.keys().map(|k| partition_of(&k.1, 2)).collect();
    assert_eq!(aircraft.len(), 2, "{stored:#?}");
    drop(run);
    // An API server in front of the workers' database: `vigia run` without receivers serves
    // the stored record and leaves the workers' open flights open.
    let open = || {
        vigia_store::testing::client(&url)
            .query_one("SELECT count(*) FROM flights WHERE NOT ended", &[])
            .unwrap()
            .get::<_, i64>(0)
    };
    let before = open();
    let api = Vigia::start(&["--db", &url, "--config", config.to_str().unwrap()]);
    let served = api.json("/api/events?limit=1000");
    let served = served["events"].as_array().unwrap();
    assert_eq!(
        served.iter().filter(|e| e["type"] != "flight").count(),
        stored.len()
    );
    assert_eq!(open(), before);
    assert!(before > 0);
}

#[test]
fn nats_and_postgresql_restarted_mid_stream_lose_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    let mut nats = Nats::start(dir.path());
    // A cluster of its own: the shared one stays up for the other tests.
    let mut postgres = vigia_store::testing::Cluster::start();
    let url = postgres.fresh_database();
    let (run, reference_server, run_db) = reference(dir.path(), &config);
    let (bus_feed, bus_server) = serve_scenario();
    let feed = format!("beast://{bus_feed}?id=rx");
    let mut gw = gateway(&nats, &feed, 1);
    let w = worker(&nats, &feed, "0/1", &url, &config);
    let deadline = Instant::now() + Duration::from_secs(60);
    while events(&url).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!events(&url).is_empty(), "no event before the restarts");
    // NATS goes away and comes back (its stream and the worker's consumer on disk), then
    // PostgreSQL, each for a second or two, while the feed goes on.
    nats.restart();
    std::thread::sleep(Duration::from_secs(3));
    postgres.stop();
    std::thread::sleep(Duration::from_secs(2));
    postgres.restart();
    reference_server.join().unwrap();
    bus_server.join().unwrap();
    drained(&run, &[&w]);
    let lost = [losses("run", &run), losses("worker", &w)].concat();
    let _ = gw.kill();
    let _ = gw.wait();
    let (_, m) = w.get("/metrics");
    assert!(
        metric(&m, "vigia_store_errors_total") > 0.0,
        "PostgreSQL was away: {m}"
    );
    let expected = events(run_db.to_str().unwrap());
    let stored = events(&url);
    assert!(expected.len() >= 8, "{expected:#?}");
    same_events(&stored, &expected, &lost);
}
