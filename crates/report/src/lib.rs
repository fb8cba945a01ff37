//! vigia-report: the incident report.
//!
//! Owns the rendering of one event — a zone entry, exit, transit or closest approach — into a
//! self-contained HTML page that prints well: an SVG map of the flight and the zone drawn by
//! vigia itself (no tiles, no scripts, no network), the timeline, identity and reasons, the
//! evidence table of raw frames, and how to verify it independently. It reads the event as the
//! store keeps it (the JSON of `vigia analyze`), so the CLI (`vigia report`) and the server
//! (`GET /api/events/{id}/report`) render the same page.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod html;
pub mod incident;
pub mod map;
pub mod stored;
pub mod time;

pub use incident::{render, Incident, TrackPoint, ZoneShape};
pub use stored::report_from_store;
