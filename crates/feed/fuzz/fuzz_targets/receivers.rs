//! Fuzz the receivers file: arbitrary text is a list of checked receivers or an error naming
//! the file, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_feed::Receivers;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(list) = Receivers::parse(text, "fuzz.toml", std::path::Path::new(".")) {
            assert!(!list.is_empty() && list.len() <= vigia_feed::receivers::MAX_RECEIVERS);
            for r in &list {
                assert!((-90.0..=90.0).contains(&r.lat) && (-180.0..=180.0).contains(&r.lon));
            }
        } else if let Err(e) = Receivers::parse(text, "fuzz.toml", std::path::Path::new(".")) {
            assert!(e.to_string().starts_with("fuzz.toml"));
        }
    }
});
