//! Any bytes as a scenario file: parsing and validation must never panic, and the error
//! must say something.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_sim::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Scenario::from_toml(text, "fuzz.toml") {
        Ok(scenario) => {
            let _ = format!("{scenario:?}");
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
