//! vigia-track's integration tests, on real data: the calibration flights and airliners of
//! `tests/data/` (trajectory rows) and the project's frame corpus (Beast frames).
//!
//! - `trajectories`: flights split as a person would split them, rows in.
//! - `corpus`: the same, frames in; evidence traceable to the frames.
//! - `faults`: displaced positions, CPR pairs of two aircraft and time-shifted stretches
//!   injected into real flights: none becomes trusted, each is rejected with its reason.
//! - `properties`: the same flights however the input is chunked or jittered within the window.
//! - `memory`: bounded state per aircraft.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod corpus;
mod faults;
mod memory;
mod properties;
mod support;
mod trajectories;
