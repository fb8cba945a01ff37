//! vigia-store against real databases: SQLite files in a temporary directory, and a real
//! PostgreSQL + PostGIS (`vigia_store::testing`); the same tests run on both where the
//! behaviour is the same (`both!`), each backend's own below.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod postgres;

use std::path::PathBuf;

use vigia_detect::contract::samples::record;
use vigia_store::{
    BusOffset, EventFilter, FlightFilter, FlightRow, NewEvent, PositionRow, ReceiverRow, Store,
    StoreError, WriteBatch, SCHEMA_VERSION,
};

/// A database of either backend, made for one test.
pub(crate) enum Db {
    Sqlite(tempfile::TempDir),
    Postgres(String),
}

impl Db {
    pub(crate) fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().unwrap())
    }

    pub(crate) fn postgres() -> Db {
        Db::Postgres(vigia_store::testing::fresh_database())
    }

    /// The file, or the URL.
    pub(crate) fn address(&self) -> PathBuf {
        match self {
            Db::Sqlite(dir) => dir.path().join("v.db"),
            Db::Postgres(url) => PathBuf::from(url),
        }
    }

    pub(crate) fn open(&self) -> Store {
        Store::open(self.address()).unwrap()
    }

    pub(crate) fn reader(&self) -> Store {
        Store::open_read_only(self.address()).unwrap()
    }
}

/// A test on both backends: `name::sqlite` and `name::postgres`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(mod $name {
            #[test]
            fn sqlite() {
                super::$name(&super::Db::sqlite())
            }
            #[test]
            fn postgres() {
                super::$name(&super::Db::postgres())
            }
        })*
    };
}

both!(
    events_are_committed_with_ids_and_read_back_by_filter,
    flights_grow_merge_their_zones_and_end_with_a_summary,
    retention_deletes_old_positions_and_keeps_events_and_flights,
    receivers_are_recorded_and_updated,
    a_reader_sees_what_the_writer_committed,
    flights_left_open_by_a_previous_run_are_closed_at_start,
    a_huge_limit_is_capped,
    flights_page_by_cursor_without_their_summaries,
    coverage_models_are_replaced_and_read_back,
    an_event_made_twice_is_stored_once_and_offsets_only_move_forward,
);

pub(crate) fn event(kind: &str, zone: Option<&str>, ts: f64) -> NewEvent {
    NewEvent {
        kind: kind.into(),
        icao24: "0d0abc".into(),
        flight_id: "0d0abc-1700000000".into(),
        zone: zone.map(str::to_string),
        ts,
        score: Some(0.4),
        document: record(kind, zone, ts),
    }
}

pub(crate) fn position(ts: f64) -> PositionRow {
    PositionRow {
        flight_id: "0d0abc-1700000000".into(),
        icao24: "0d0abc".into(),
        ts,
        lat: 32.5,
        lon: -117.0,
        altitude_ft: Some(9000.0),
        groundspeed_kt: Some(150.0),
        track_deg: Some(10.0),
        vertical_rate_fpm: None,
        on_ground: Some(false),
    }
}

#[test]
fn a_new_database_is_migrated_once_and_reopens_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    // The file header's read/write versions (bytes 18–19) are 2 in WAL mode.
    let header = std::fs::read(&path).unwrap();
    assert_eq!((header[18], header[19]), (2, 2));
}

#[test]
fn a_database_from_a_newer_vigia_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    drop(Store::open(&path).unwrap());
    // As a later vigia would leave it: one more migration recorded.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO migrations VALUES (?1, 0)",
        [SCHEMA_VERSION + 1],
    )
    .unwrap();
    drop(conn);
    match Store::open(&path) {
        Err(e @ StoreError::NewerSchema { .. }) => {
            let text = e.to_string();
            assert!(text.contains("newer than this vigia knows"), "{text}");
        }
        Err(other) => panic!("unexpected error {other}"),
        Ok(_) => panic!("a newer schema was accepted"),
    }
}

fn events_are_committed_with_ids_and_read_back_by_filter(db: &Db) {
    let mut store = db.open();
    let mut batch = WriteBatch::default();
    batch.positions.push(position(1_700_000_000.0));
    batch
        .events
        .push(event("zone_entry", Some("USA"), 1_700_000_100.0));
    batch
        .events
        .push(event("zone_exit", Some("USA"), 1_700_000_200.0));
    batch.events.push(event("orbit", None, 1_700_000_300.0));
    let ids: Vec<i64> = store
        .commit(&batch)
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let e = store.event(ids[0]).unwrap().unwrap();
    assert_eq!(e.kind, "zone_entry");
    assert_eq!(
        e.document,
        record("zone_entry", Some("USA"), 1_700_000_100.0)
    );
    let usa = store
        .events(&EventFilter {
            zone: Some("USA".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        usa.iter().map(|e| e.id).collect::<Vec<_>>(),
        [ids[1], ids[0]]
    );
    let late = store
        .events(&EventFilter {
            since: Some(1_700_000_250.0),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].kind, "orbit");
    let by_type = store
        .events(&EventFilter {
            kind: Some("zone_exit".into()),
            icao24: Some("0D0ABC".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(by_type.len(), 1);
    assert!(store.event(9999).unwrap().is_none());
    assert!(store.acknowledge(ids[0], 5.0).unwrap());
    assert!(!store.acknowledge(9999, 5.0).unwrap());
    assert_eq!(
        store.event(ids[0]).unwrap().unwrap().acknowledged_at,
        Some(5.0)
    );
}

fn flights_grow_merge_their_zones_and_end_with_a_summary(db: &Db) {
    let mut store = db.open();
    let row = |end: f64, zones: &[&str], ended: bool| FlightRow {
        id: "0d0abc-1700000000".into(),
        icao24: "0d0abc".into(),
        callsign: if ended { None } else { Some("XCABC".into()) },
        start_ts: 1_700_000_000.0,
        end_ts: end,
        positions: (end - 1_700_000_000.0) as u64,
        last: Some((32.5, -117.0, Some(9000.0))),
        zones: zones.iter().map(|z| z.to_string()).collect(),
        score: Some(0.35),
        military: Some(false),
        ended,
        summary: ended.then(|| record("flight", None, 1_700_000_000.0)),
    };
    for (end, zones, ended) in [
        (1_700_000_010.0, vec!["MEX"], false),
        (1_700_000_020.0, vec!["USA"], false),
        (1_700_000_030.0, vec![], true),
    ] {
        let mut batch = WriteBatch::default();
        batch.flights.push(row(end, &zones, ended));
        batch.positions.push(position(end));
        store.commit(&batch).unwrap();
    }
    let f = store.flight("0d0abc-1700000000").unwrap().unwrap().row;
    assert_eq!(f.zones, ["MEX", "USA"]);
    assert_eq!(
        f.callsign.as_deref(),
        Some("XCABC"),
        "an update without callsign keeps it"
    );
    assert!(f.ended);
    assert_eq!(f.end_ts, 1_700_000_030.0);
    assert_eq!(f.summary.unwrap().type_name(), "flight");
    assert_eq!(f.last.unwrap().2, Some(9000.0));
    let in_usa = store
        .flights(&FlightFilter {
            zone: Some("USA".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(in_usa.len(), 1);
    let none = store
        .flights(&FlightFilter {
            zone: Some("US".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(none.is_empty(), "zone filter matches whole names");
    let track = store.flight_track("0d0abc-1700000000").unwrap();
    assert_eq!(track.len(), 3);
    assert!(track.windows(2).all(|w| w[0].ts <= w[1].ts));
}

fn retention_deletes_old_positions_and_keeps_events_and_flights(db: &Db) {
    let mut store = db.open();
    let day = 86_400.0;
    let now = 1_700_000_000.0 + 40.0 * day;
    let mut batch = WriteBatch::default();
    batch.positions.extend([
        position(1_700_000_000.0),
        position(now - 31.0 * day),
        position(now - 29.0 * day),
        position(now - 1.0),
    ]);
    batch
        .events
        .push(event("zone_entry", Some("USA"), 1_700_000_000.0));
    batch.flights.push(FlightRow {
        id: "0d0abc-1700000000".into(),
        icao24: "0d0abc".into(),
        start_ts: 1_700_000_000.0,
        end_ts: 1_700_000_000.0,
        ..Default::default()
    });
    store.commit(&batch).unwrap();
    assert_eq!(store.retain(30.0, now).unwrap(), 2);
    assert_eq!(store.counts().unwrap(), (2, 1, 1));
}

fn receivers_are_recorded_and_updated(db: &Db) {
    let mut store = db.open();
    let mut r = ReceiverRow {
        id: "home".into(),
        url: "beast://127.0.0.1:30005".into(),
        position: Some((32.5, -117.0)),
        seen: 1.0,
    };
    store.upsert_receiver(&r).unwrap();
    r.seen = 2.0;
    r.position = None;
    store.upsert_receiver(&r).unwrap();
    let all = store.receivers().unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].seen, 2.0);
}

fn a_reader_sees_what_the_writer_committed(db: &Db) {
    let mut writer = db.open();
    let reader = db.reader();
    let mut batch = WriteBatch::default();
    batch.events.push(event("zone_entry", Some("MEX"), 1.0));
    let ids: Vec<i64> = writer
        .commit(&batch)
        .unwrap()
        .into_iter()
        .flatten()
        .collect();
    assert_eq!(
        reader.event(ids[0]).unwrap().unwrap().zone.as_deref(),
        Some("MEX")
    );
    assert_eq!(reader.integrity_check().unwrap(), "ok");
}

fn flights_left_open_by_a_previous_run_are_closed_at_start(db: &Db) {
    let mut store = db.open();
    let mut batch = WriteBatch::default();
    for (id, ended) in [("a-1", false), ("b-1", true)] {
        batch.flights.push(FlightRow {
            id: id.into(),
            icao24: id[..1].into(),
            ended,
            ..Default::default()
        });
    }
    store.commit(&batch).unwrap();
    assert_eq!(store.close_open_flights().unwrap(), 1);
    assert!(store.flight("a-1").unwrap().unwrap().row.ended);
    assert_eq!(store.close_open_flights().unwrap(), 0);
}

#[test]
fn a_second_connection_checkpoints_while_the_writer_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let mut writer = Store::open(&path).unwrap();
    writer.set_auto_checkpoint(0).unwrap();
    let mut checkpointer = Store::open(&path).unwrap();
    let wal = || std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len());
    let mut peak = 0;
    for round in 0..200 {
        let mut batch = WriteBatch::default();
        batch
            .positions
            .extend((0..500).map(|i| position(f64::from(round * 500 + i))));
        writer.commit(&batch).unwrap();
        // A low bound forces the rewind path too.
        checkpointer.checkpoint_passive(64).unwrap();
        peak = peak.max(wal());
    }
    assert!(peak < 4 << 20, "the WAL grew to {peak} bytes");
    assert_eq!(writer.counts().unwrap().0, 100_000);
    assert_eq!(checkpointer.integrity_check().unwrap(), "ok");
}

fn a_huge_limit_is_capped(db: &Db) {
    // `limit=18446744073709551615` once became SQLite's LIMIT -1: every row, in one response.
    let mut store = db.open();
    let mut batch = WriteBatch::default();
    for k in 0..(vigia_store::MAX_LIMIT + 5) {
        batch
            .events
            .push(event("orbit", None, 1_700_000_000.0 + k as f64));
    }
    store.commit(&batch).unwrap();
    let all = store
        .events(&EventFilter {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), vigia_store::MAX_LIMIT);
    let flights = store
        .flights(&FlightFilter {
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap();
    assert!(flights.len() <= vigia_store::MAX_LIMIT);
}

fn flights_page_by_cursor_without_their_summaries(db: &Db) {
    // Listing read every flight's summary document (10 concurrent listings reached 6.4 GB);
    // there was no way to page past the limit.
    let mut store = db.open();
    let mut batch = WriteBatch::default();
    for k in 0..25 {
        batch.flights.push(FlightRow {
            id: format!("{:06x}-1", 0x100000 + k),
            icao24: format!("{:06x}", 0x100000 + k),
            start_ts: 1_700_000_000.0,
            // Ties on end_ts: the id orders them.
            end_ts: 1_700_000_000.0 + f64::from(k / 3),
            summary: Some(event("flight", None, 1_700_000_000.0).document),
            ..FlightRow::default()
        });
    }
    store.commit(&batch).unwrap();
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let page = store
            .flights(&FlightFilter {
                limit: 10,
                before: before.clone(),
                ..Default::default()
            })
            .unwrap();
        assert!(page.iter().all(|f| f.row.summary.is_none()));
        seen.extend(page.iter().map(|f| f.row.id.clone()));
        if page.len() < 10 {
            break;
        }
        let last = &page.last().unwrap().row;
        before = Some((last.end_ts, last.id.clone()));
    }
    assert_eq!(seen.len(), 25);
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 25, "no flight twice");
    assert!(store
        .flight("100000-1")
        .unwrap()
        .unwrap()
        .row
        .summary
        .is_some());
}

fn coverage_models_are_replaced_and_read_back(db: &Db) {
    use vigia_detect::coverage::{Cell, CellTally, Tally};
    let mut store = db.open();
    let cell = |lat: i16, band: u8, expected: f64| CellTally {
        cell: Cell {
            lat,
            lon: -2340,
            band,
        },
        tally: Tally {
            expected,
            received: expected * 0.9,
        },
    };
    store
        .save_coverage(&[
            (String::new(), vec![cell(650, 1, 100.0), cell(651, 3, 40.0)]),
            ("nogales".into(), vec![cell(650, 1, 10.0)]),
        ])
        .unwrap();
    store
        .save_coverage(&[(String::new(), vec![cell(652, 2, 7.0)])])
        .unwrap();
    assert_eq!(
        store.coverage("").unwrap(),
        vec![cell(652, 2, 7.0)],
        "replaced"
    );
    assert_eq!(
        store.coverage("nogales").unwrap(),
        vec![cell(650, 1, 10.0)],
        "kept"
    );
    assert!(store.coverage("nobody").unwrap().is_empty());
}

fn an_event_made_twice_is_stored_once_and_offsets_only_move_forward(db: &Db) {
    // A worker that takes a partition over replays its last frames: the events they make
    // again must not be stored (nor alerted) twice, and the offset committed with the writes
    // tells it where the replay ends.
    let mut store = db.open();
    assert_eq!(store.bus_offset(3).unwrap(), None);
    let offset = |seq: u64| BusOffset {
        partition: 3,
        seq,
        published: 1_700_000_000.0 + seq as f64,
    };
    let mut batch = WriteBatch {
        events: vec![
            event("zone_entry", Some("MEX"), 1_700_000_100.0),
            event("zone_exit", Some("MEX"), 1_700_000_200.0),
        ],
        flights: vec![FlightRow {
            id: "0d0abc-1700000000".into(),
            icao24: "0d0abc".into(),
            start_ts: 1_700_000_000.0,
            end_ts: 1_700_000_200.0,
            positions: 200,
            ..Default::default()
        }],
        offset: Some(offset(41)),
        ..Default::default()
    };
    let first = store.commit(&batch).unwrap();
    assert!(first.iter().all(Option::is_some));
    assert_eq!(store.bus_offset(3).unwrap(), Some(offset(41)));
    // The same two again, with a third that is new (a millisecond later is another event).
    batch
        .events
        .push(event("zone_entry", Some("MEX"), 1_700_000_200.001));
    batch.offset = Some(offset(40));
    let again = store.commit(&batch).unwrap();
    assert_eq!(again[..2], [None, None]);
    assert!(again[2].is_some());
    let (_, _, events) = store.counts().unwrap();
    assert_eq!(events, 3);
    // An older offset (a second worker that lagged) does not move it back.
    assert_eq!(store.bus_offset(3).unwrap(), Some(offset(41)));
    assert_eq!(store.bus_offset(4).unwrap(), None);
    let open = store.open_flights().unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].positions, 200);
    batch.events.clear();
    batch.flights[0].ended = true;
    store.commit(&batch).unwrap();
    assert!(store.open_flights().unwrap().is_empty());
}
