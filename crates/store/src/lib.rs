//! vigia-store: what a long-running vigia remembers, in one SQLite file.
//!
//! Owns the schema and its versioned migrations (`schema.rs`), the writes of the service —
//! positions in batches, flights as they grow and end, events with their evidence, receivers —
//! and the reads of the HTTP API and `vigia report` (`Store::event`, `Store::events`,
//! `Store::flight`, `Store::flights`, `Store::flight_track`), retention of old positions
//! (`Store::retain`). Events are stored as the event contract has them
//! (`vigia_detect::contract`).
//!
//! Durability is the point: the database runs in WAL mode with `synchronous=NORMAL`, so a
//! batch of positions costs no fsync; a write that carries events is committed with
//! `synchronous=FULL` and returns only once it is on disk. The caller reports an event (alert,
//! API, stream) only after [`Store::commit`] returned its id, so a `kill -9` or a power cut at
//! any moment loses no event that anyone was told about.
//!
//! It does not decide what an event is (`vigia-detect`) nor serve HTTP (`vigia-server`).
//!
//! ```
//! use vigia_store::{EventFilter, NewEvent, Store, WriteBatch};
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(dir.path().join("vigia.db"))?;
//! let mut batch = WriteBatch::default();
//! batch.events.push(NewEvent {
//!     kind: "closest_approach".into(), icao24: "0d0abc".into(), flight_id: "0d0abc-1700000000".into(),
//!     zone: Some("USA".into()), ts: 1_700_000_100.0, score: Some(0.35),
//!     document: serde_json::from_str(r#"{"type": "closest_approach", "icao24": "0d0abc",
//!         "flight_id": "0d0abc-1700000000", "callsign": null, "ts": 1700000100.0, "zone": "USA",
//!         "distance_nm": 3.2, "latitude": 32.4, "longitude": -117.3, "boundary_latitude": 32.45,
//!         "boundary_longitude": -117.25, "evidence": {"positions": []}}"#)?,
//! });
//! let ids = store.commit(&batch)?;
//! let stored = store.event(ids[0].expect("a new event"))?.expect("committed");
//! assert_eq!(stored.zone.as_deref(), Some("USA"));
//! assert_eq!(store.events(&EventFilter { zone: Some("USA".into()), ..Default::default() })?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod facade;
mod pg;
mod rows;
mod schema;
mod store;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::StoreError;
pub use facade::{is_postgres, shown, Store};
pub use rows::{
    BusOffset, EventFilter, ExportWindow, FlightFilter, FlightRow, NewEvent, PositionRow,
    ReceiverRow, StoredEvent, StoredFlight, WriteBatch,
};
pub use schema::SCHEMA_VERSION;
pub use store::{DEFAULT_LIMIT, MAX_LIMIT};
