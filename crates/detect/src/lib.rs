//! vigia-detect: what the tracks mean.
//!
//! Owns identity (who an aircraft is), the detectors that turn a flight's trusted positions
//! into events — zone entries and exits with their evidence, closest approaches, orbits and
//! racetracks, survey grids — and the surveillance score with its reasons. It consumes
//! `vigia-track`'s trusted positions and flights and `vigia-zones`' index; it does no I/O.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod analyzer;
pub mod contract;
pub mod coverage;
pub mod dark;
pub mod event;
pub mod geometry;
pub mod identity;
pub mod orbit;
pub mod place;
pub mod sample;
pub mod score;
pub mod survey;
#[cfg(test)]
mod testing;
pub mod zone_watch;

pub use analyzer::{Analyzer, AnalyzerConfig, AnalyzerStats, LIVE_ORBIT_CHECK_S};
pub use contract::{EventBody, EventRecord};
pub use event::{
    Approach, Depth, Event, EventKind, FlightSummary, MlatClaim, PositionEvidence, Presence,
    ZoneCrossing, ZonePlace, ZoneVisit,
};
