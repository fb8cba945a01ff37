//! Fuzz the readsb JSON framers (trace and aircraft.json): arbitrary bytes, split at an
//! arbitrary point.
#![no_main]

#[path = "split.rs"]
mod split;

use libfuzzer_sys::fuzz_target;
use vigia_feed::framer::{ReadsbAircraftFramer, ReadsbTraceFramer};

fuzz_target!(|data: &[u8]| {
    split::check_split(ReadsbTraceFramer::new, data);
    split::check_split(ReadsbAircraftFramer::new, data);
});
