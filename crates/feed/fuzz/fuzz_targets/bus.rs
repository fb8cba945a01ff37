//! Fuzz the frame bus's message: arbitrary bytes are a frame that encodes back to the same
//! bytes, or an error, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_feed::bus;

fuzz_target!(|data: &[u8]| {
    if let Ok(f) = bus::decode(data) {
        let mut again = Vec::new();
        bus::encode(f.receiver, f.received, &f.frame, &mut again);
        assert_eq!(again, data);
        assert!(bus::partition_of(f.frame.message(), 7) < 7);
    }
});
