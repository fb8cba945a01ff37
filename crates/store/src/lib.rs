//! vigia-store: what a long-running vigia remembers, in one SQLite file.
//!
//! Owns the schema and its versioned migrations (`schema.rs`), the writes of the service —
//! positions in batches, flights as they grow and end, events with their evidence, receivers —
//! and the reads of the HTTP API and `vigia report` (`Store::event`, `Store::events`,
//! `Store::flight`, `Store::flights`, `Store::flight_track`), retention of old positions
//! (`Store::retain`), and the JSON shape of events ([`json`]) and of tracks ([`geojson`]).
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
//!     kind: "zone_entry".into(), icao24: "0d0abc".into(), flight_id: "0d0abc-1700000000".into(),
//!     zone: Some("USA".into()), ts: 1_700_000_100.0, score: Some(0.35),
//!     document: serde_json::json!({"type": "zone_entry", "zone": "USA"}),
//! });
//! let ids = store.commit(&batch)?;
//! let stored = store.event(ids[0])?.expect("committed");
//! assert_eq!(stored.zone.as_deref(), Some("USA"));
//! assert_eq!(store.events(&EventFilter { zone: Some("USA".into()), ..Default::default() })?.len(), 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
pub mod geojson;
pub mod json;
mod rows;
mod schema;
mod store;

pub use error::StoreError;
pub use rows::{
    EventFilter, FlightFilter, FlightRow, NewEvent, PositionRow, ReceiverRow, StoredEvent,
    StoredFlight, WriteBatch,
};
pub use schema::SCHEMA_VERSION;
pub use store::Store;
