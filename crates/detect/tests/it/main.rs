//! Integration tests of vigia-detect on real flights.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod behaviour;
mod contract;
mod dark;
mod live;
mod presence;
mod trajectories;
