//! vigia-mlat: where a Mode S reply came from, given when synchronised receivers heard it.
//!
//! Aircraft with their ADS-B position off still answer secondary radar with Mode S replies
//! (altitude, identity, Comm-B) that carry no position. Receivers whose clocks are on one time
//! base hear each reply at slightly different times; the differences locate the transmitter.
//! This crate owns that geometry and the clocks: WGS-84 positions ([`geodesy`]), clock
//! synchronisation from the ADS-B frames receivers hear in common ([`clock`]: a filter per
//! receiver pair, one time base along the tree of least variance), and the solver ([`solve`]:
//! Levenberg–Marquardt on the time-of-arrival model, with the reply's altitude as an optional
//! constraint, a χ² consistency test and the 95 % error ellipse), and the stage that ties them
//! together ([`engine`]: copies of one transmission grouped, ADS-B positions as clock
//! references, the replies of aircraft without a position located). The receiver registry and
//! the tracking of solutions belong to the stages that feed and read it. Pure: no I/O.
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

/// Most receivers one solution uses (and its evidence cites).
pub const MAX_RECEIVERS_PER_FIX: usize = 8;

pub mod clock;
pub mod engine;
pub mod filter;
pub mod geodesy;
pub mod solve;

pub use clock::{ClockNetwork, Heard, PairClock, ReceiverId, TimeBase};
pub use engine::{ClockKind, Engine, EngineConfig, EngineStats, Fix, Reception, Station};
pub use filter::{Filtered, TrackFilter};
pub use geodesy::{Ecef, Geodetic, C};
pub use solve::{
    solve, solve_from, Altitude, Arrival, ErrorEllipse, Solution, SolveError, SolverConfig,
};
