//! Integration tests of vigia-modes on real data.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod commb_context;
mod corpus;
mod long_container;
mod properties;
mod rs1090_diff;
