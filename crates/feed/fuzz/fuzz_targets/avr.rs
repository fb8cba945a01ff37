//! Fuzz the avr framer: arbitrary bytes, split at an arbitrary point.
#![no_main]

#[path = "split.rs"]
mod split;

use libfuzzer_sys::fuzz_target;
use vigia_feed::framer::AvrFramer;

fuzz_target!(|data: &[u8]| split::check_split(AvrFramer::new, data));
