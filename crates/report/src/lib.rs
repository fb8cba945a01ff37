//! vigia-report: what vigia hands to people and their tools — the incident report, and the
//! exports of flights (GeoJSON, KML, CSV, Parquet).
//!
//! Owns the rendering of one event — a zone entry, exit, transit or closest approach — into a
//! self-contained HTML page that prints well, written with an escaping template engine (maud):
//! an SVG map of the flight and the zone drawn by
//! vigia itself (no tiles, no scripts, no network), the timeline, identity and reasons, the
//! evidence table of raw frames, and how to verify it independently. It reads the event as the
//! store keeps it (the event contract, `vigia_detect::contract`), so the CLI (`vigia report`)
//! and the server (`GET /api/events/{id}/report`) render the same page; `stored` gathers the
//! event, its flight and track from the store (read only). `tracks` writes `vigia tracks`'
//! outputs; `geojson` is the one builder of flight features; `summary` is `vigia analyze`'s
//! terminal and Markdown summary.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod coverage;
pub mod dark;
pub mod export;
pub mod geojson;
pub mod heard;
pub mod incident;
pub mod map;
pub mod stored;
pub mod summary;
pub mod time;
pub mod tracks;

pub use incident::{render, Incident, TrackPoint, ZoneShape};
pub use stored::report_from_store;
