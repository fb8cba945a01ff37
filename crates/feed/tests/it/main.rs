//! Integration tests for vigia-feed on real captures and files derived from them (provenance in
//! `tests/data/README.md`): counts checked against the data, every-split-point equality, bad input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod avr;
mod beast;
mod bus;
mod common;
mod hex;
mod parquet;
mod properties;
mod reader;
mod readsb;
mod sbs;
mod trajectory_csv;
