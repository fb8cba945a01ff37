//! Integration tests of vigia-sim: every bundled scenario's frames decode (with vigia and
//! with rs1090) to what was meant, survive the trip through files and TCP, and its truth
//! says what the scenario claims.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod decoding;
mod faults;
mod files;
mod relocate;
mod serving;
mod truth;

use std::sync::OnceLock;

use vigia_sim::{simulate_with_zones, Options, Scenario, Simulation, BUNDLED};
use vigia_zones::{ZoneIndex, ZoneSet};

/// The zones every bundled scenario uses, loaded once for all tests.
pub fn zones() -> &'static ZoneIndex {
    static ZONES: OnceLock<ZoneIndex> = OnceLock::new();
    ZONES.get_or_init(|| ZoneIndex::new(&ZoneSet::bundled(&["MEX", "USA"]).unwrap()))
}

/// A bundled scenario, simulated once per test binary.
pub fn bundled(name: &str) -> &'static Simulation {
    static RUNS: OnceLock<Vec<(&'static str, Simulation)>> = OnceLock::new();
    let runs = RUNS.get_or_init(|| {
        BUNDLED
            .iter()
            .map(|b| {
                let scenario = b.scenario().unwrap();
                (
                    b.name,
                    simulate_with_zones(&scenario, &Options::default(), zones()).unwrap(),
                )
            })
            .collect()
    });
    &runs.iter().find(|(n, _)| *n == name).expect("bundled").1
}

/// Simulate a scenario given as TOML text.
pub fn run(toml: &str, options: &Options) -> Simulation {
    let scenario = Scenario::from_toml(toml, "test").unwrap();
    simulate_with_zones(&scenario, options, zones()).unwrap()
}
