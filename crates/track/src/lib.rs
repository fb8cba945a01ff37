//! vigia-track: per-aircraft state, from decoded frames (or archive rows) to validated
//! positions and flights.
//!
//! Raw positions lie: CPR pairs mixed across aircraft, odd and even frames from different
//! zones, single garbage frames, spoofed or time-shifted data. A sovereignty event is an
//! accusation, so nothing downstream sees a position that was not validated. The [`Tracker`]
//! keeps, per ICAO address, the CPR buffers, identity, velocity, a reliability state and the
//! flight in progress, and emits [`TrackEvent`]s:
//!
//! - [`TrustedPosition`]: consistent with a track confirmed by `trusted_after` (default 2)
//!   mutually consistent positions, with the frame(s) or archive line it came from
//!   ([`Evidence`]);
//! - [`RejectedPosition`]: anything else, with its [`RejectReason`] (impossible speed for the
//!   aircraft category, contradicting its reported velocity, an altitude jump, a CPR pair of
//!   two aircraft, a CPR zone jump, out of order, never confirmed);
//! - [`Flight`]: when a flight ends (gap, landing and new take-off, expiry, end of input).
//!
//! | module | owns |
//! |---|---|
//! | `tracker` | the map of aircraft, intake, the reordering window, expiry, memory accounting |
//! | `aircraft` | one aircraft's state and applying one update to it |
//! | `update` | which messages carry what, and how far their address is trusted |
//! | `cpr_pairing` | even/odd buffers, global/local decoding, CPR-level pair checks |
//! | `reliability` | when positions become trusted |
//! | `plausibility` | speed, velocity and altitude checks; limits by category |
//! | `flight` | splitting into flights, flight summaries |
//! | `reorder` | the reordering window and the stream clock |
//! | `evidence`, `position`, `event`, `stats`, `config` | the values that come out, and the settings |
//!
//! It does not read bytes or files (`vigia-feed`), decode Mode S (`vigia-modes`), or know
//! about zones and borders (`vigia-zones`, `detect`). See [`Tracker`] for an example.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod aircraft;
mod config;
pub mod cpr_pairing;
mod event;
mod evidence;
mod flight;
pub mod network;
pub mod plausibility;
mod position;
mod reliability;
mod reorder;
mod stats;
mod tracker;
mod update;

pub use config::TrackerConfig;
pub use cpr_pairing::{CprPairing, PositionFix, PositionMethod};
pub use event::{Quiet, TrackEvent};
pub use evidence::{
    Evidence, FrameRef, Hex, LocalReference, MlatEvidence, SourceRef, MLAT_RECEIVERS,
};
pub use flight::{
    BoundingBox, Flight, FlightEnd, FlightId, FlightPoint, PositionSource, MIN_AIRBORNE_S,
};
pub use network::{MlatPosition, Network};
pub use plausibility::Category;
pub use position::{RejectKind, RejectReason, RejectedPosition, TrustedPosition};
pub use reorder::{MAX_CLOCK_STEP_S, MAX_WINDOW_RECORDS};
pub use stats::TrackStats;
pub use tracker::{MemoryUse, Tracker};
