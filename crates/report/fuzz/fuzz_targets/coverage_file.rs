//! Any bytes as a coverage model file (`vigia coverage --out`, read back by `vigia analyze
//! --coverage`): what reads merges into a model, which answers estimates and writes itself out
//! again. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_detect::coverage::{Coverage, CoverageConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(cells) = vigia_report::coverage::read(text) else {
        return;
    };
    let mut model = Coverage::new(CoverageConfig {
        max_cells: 10_000,
        max_aircraft: 10,
    });
    model.merge(cells);
    for (lat, lon) in [(0.0, 0.0), (31.5, -111.0), (-89.99, 179.99)] {
        let _ = model.estimate_around(lat, lon, 20_000.0);
    }
    let again = vigia_report::coverage::write(&model.cells(), None, 0.0).to_string();
    assert!(vigia_report::coverage::read(&again).is_ok());
});
