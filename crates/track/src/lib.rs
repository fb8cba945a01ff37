//! vigia-track: per-aircraft state.
//!
//! Owns the turning of decoded frames into positions (CPR pairing per aircraft). It does not
//! parse bytes (`vigia-feed`, `vigia-modes`) nor know about zones (`vigia-zones`).
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod cpr_pairing;

pub use cpr_pairing::{CprPairing, PositionFix, PositionMethod};
