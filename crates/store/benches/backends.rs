//! SQLite and PostgreSQL + PostGIS in the same run: positions ingested per second (the
//! service's writer batches), and the latency of the two queries analysts make — the flights
//! of one address over 30 days, the events in MEX in a window.
//!
//! ```text
//! cargo bench -p vigia-store --bench backends
//! VIGIA_STORE_POSITIONS=100000000 cargo bench -p vigia-store --bench backends   # the issue's size
//! ```
//!
//! PostgreSQL is a throwaway cluster on loopback (`vigia_store::testing`; `fsync=off`, as
//! positions-only commits are asynchronous in both backends), or yours with
//! `VIGIA_TEST_POSTGRES`. 2 000 aircraft fly 30 days; one flight per aircraft and day; one
//! event per flight, a third of them in MEX.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;

use vigia_detect::contract::samples::record;
use vigia_store::{
    EventFilter, ExportWindow, FlightFilter, FlightRow, NewEvent, PositionRow, Store, WriteBatch,
};

const AIRCRAFT: u32 = 2000;
const DAYS: u32 = 30;
const BATCH: usize = 5000;
const T0: f64 = 1_700_006_400.0;

fn icao(k: u32) -> String {
    format!("{:06x}", 0x0d_0000 + k)
}

/// Commit `total` positions (and the flights and events of the days they cover); seconds.
fn ingest(store: &mut Store, total: u64) -> f64 {
    let per_day = (total / u64::from(DAYS)).max(1);
    let per_aircraft_day = (per_day / u64::from(AIRCRAFT)).max(1);
    let spacing = 86_400.0 / per_aircraft_day as f64;
    let started = Instant::now();
    let mut batch = WriteBatch::default();
    let mut written = 0u64;
    'days: for day in 0..DAYS {
        for a in 0..AIRCRAFT {
            let flight = format!("{}-{day}", icao(a));
            let start = T0 + f64::from(day) * 86_400.0;
            for k in 0..per_aircraft_day {
                let ts = start + k as f64 * spacing + f64::from(a) * 1e-3;
                batch.positions.push(PositionRow {
                    flight_id: flight.clone(),
                    icao24: icao(a),
                    ts,
                    lat: 20.0 + f64::from(a % 100) * 0.1,
                    lon: -115.0 + (k % 1000) as f64 * 0.01,
                    altitude_ft: Some(30000.0),
                    groundspeed_kt: Some(450.0),
                    track_deg: Some(90.0),
                    vertical_rate_fpm: None,
                    on_ground: Some(false),
                });
                written += 1;
                if batch.positions.len() >= BATCH {
                    store.commit(&batch).unwrap();
                    batch.clear();
                }
                if written >= total {
                    break 'days;
                }
            }
            batch.flights.push(FlightRow {
                id: flight.clone(),
                icao24: icao(a),
                start_ts: start,
                end_ts: start + 86_000.0,
                positions: per_aircraft_day,
                zones: if a % 3 == 0 {
                    vec!["MEX".into()]
                } else {
                    Vec::new()
                },
                ..FlightRow::default()
            });
            let zone = (a % 3 == 0).then_some("MEX");
            batch.events.push(NewEvent {
                kind: "zone_entry".into(),
                icao24: icao(a),
                flight_id: flight,
                zone: zone.map(str::to_string),
                ts: start + 3600.0,
                score: Some(0.1),
                document: record("zone_entry", zone, start + 3600.0),
            });
        }
    }
    store.commit(&batch).unwrap();
    started.elapsed().as_secs_f64()
}

/// Median and 99th percentile of `runs` calls, milliseconds.
fn latency(runs: usize, mut f: impl FnMut(usize)) -> (f64, f64) {
    let mut ms: Vec<f64> = (0..runs)
        .map(|k| {
            let t = Instant::now();
            f(k);
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    (ms[runs / 2], ms[(runs * 99 / 100).min(runs - 1)])
}

struct Figures {
    positions_per_s: f64,
    flights_of_one: (f64, f64),
    events_in_mex: (f64, f64),
    track: (f64, f64),
}

fn measure(name: &str, mut store: Store, total: u64, size: impl Fn() -> u64) -> Figures {
    let secs = ingest(&mut store, total);
    let positions_per_s = total as f64 / secs;
    let reader = &store;
    let flights_of_one = latency(200, |k| {
        let list = reader
            .flights(&FlightFilter {
                icao24: Some(icao((k as u32 * 7) % AIRCRAFT)),
                since: Some(T0),
                limit: 100,
                ..FlightFilter::default()
            })
            .unwrap();
        assert!(!list.is_empty());
    });
    let events_in_mex = latency(200, |k| {
        let day = T0 + f64::from((k as u32) % DAYS) * 86_400.0;
        let page = reader
            .events_in(
                &ExportWindow {
                    since: Some(day),
                    until: Some(day + 86_400.0),
                    zone: Some("MEX".into()),
                },
                None,
                1000,
            )
            .unwrap();
        assert!(!page.is_empty());
    });
    let track = latency(200, |k| {
        let id = format!("{}-{}", icao((k as u32 * 13) % AIRCRAFT), (k as u32) % DAYS);
        let _ = reader.flight_track(&id).unwrap();
    });
    let (p, f, e) = store.counts().unwrap();
    assert!(store.events(&EventFilter::default()).unwrap().len() > 100);
    let bytes = size();
    println!(
        "{name:>10}: {p} positions, {f} flights, {e} events; ingest {positions_per_s:.0} positions/s ({secs:.1} s); {:.0} MB on disk, {:.0} bytes per position",
        bytes as f64 / 1e6,
        bytes as f64 / p as f64
    );
    Figures {
        positions_per_s,
        flights_of_one,
        events_in_mex,
        track,
    }
}

fn main() {
    let total: u64 = std::env::var("VIGIA_STORE_POSITIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000_000);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bench.db");
    let sqlite = measure("SQLite", Store::open(&file).unwrap(), total, || {
        ["bench.db", "bench.db-wal"]
            .iter()
            .map(|f| std::fs::metadata(dir.path().join(f)).map_or(0, |m| m.len()))
            .sum()
    });
    let url = vigia_store::testing::fresh_database();
    let pg = measure("PostgreSQL", Store::open(&url).unwrap(), total, || {
        let size: i64 = vigia_store::testing::client(&url)
            .query_one("SELECT pg_database_size(current_database())", &[])
            .unwrap()
            .get(0);
        size as u64
    });
    let row = |what: &str, s: (f64, f64), p: (f64, f64)| {
        println!(
            "{what:<36} SQLite p50 {:>8.2} ms p99 {:>8.2} ms | PostgreSQL p50 {:>8.2} ms p99 {:>8.2} ms | PostgreSQL/SQLite {:.2}×",
            s.0, s.1, p.0, p.1, p.0 / s.0
        );
    };
    println!(
        "ingest: PostgreSQL {:.0} positions/s, SQLite {:.0} positions/s: PostgreSQL/SQLite {:.2}×",
        pg.positions_per_s,
        sqlite.positions_per_s,
        pg.positions_per_s / sqlite.positions_per_s
    );
    row(
        "flights of one address over 30 days",
        sqlite.flights_of_one,
        pg.flights_of_one,
    );
    row(
        "events in MEX in a one-day window",
        sqlite.events_in_mex,
        pg.events_in_mex,
    );
    row("one flight's stored track", sqlite.track, pg.track);
}
