//! Fuzz the hex framer: arbitrary bytes, split at an arbitrary point.
#![no_main]

#[path = "split.rs"]
mod split;

use libfuzzer_sys::fuzz_target;
use vigia_feed::framer::HexFramer;

fuzz_target!(|data: &[u8]| split::check_split(HexFramer::new, data));
