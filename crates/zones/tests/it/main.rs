//! Integration tests of vigia-zones: the bundled boundaries, known places, a differential test against georust
//! `geo`, property tests, and crossings on synthetic paths and a real flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bundled;
mod crossings;
mod differential;
mod export;
mod places;
mod properties;
mod support;
