//! vigia-sim: scripted aircraft → the Mode S frames a receiver would hear, with the ground
//! truth beside them.
//!
//! A [`Scenario`] (TOML, documented in `scenarios/README.md`) places receivers and flies
//! aircraft through flight plans — waypoints, orbits, racetracks, survey grids, climbs —
//! with bank-limited turns ([`flight`]). Each aircraft's transponder transmits ADS-B and
//! Mode S replies at the real rates ([`emit`], frames built by `vigia_modes::encode`), each
//! receiver hears them subject to range, horizon, loss and noise ([`receive`]), and faults
//! are injected on demand (garbage, displaced positions, spoofed tracks, clock jumps; a
//! second receiver duplicates frames). The output is a time-ordered list of [`SimFrame`]s,
//! written as Beast or `timestamp,hex` ([`output`]) or served over TCP ([`serve`]), and a
//! [`Truth`] — true tracks and the zone events they make, computed with `vigia-zones`.
//! Everything is a function of the scenario and its seed.
//!
//! It does not decode, track or judge anything; it produces the inputs and the expected
//! answers for the crates that do.
//!
//! ```
//! use vigia_sim::{simulate_bundled, Options};
//! let sim = simulate_bundled("p8-baja-clip", &Options::default())?;
//! let entries = sim.truth.zone_events.iter().filter(|e| e.zone == "MEX").count();
//! assert_eq!(entries, 2); // one entry, one exit
//! let first = &sim.frames[0];
//! assert!(vigia_modes::decode(first.message()).is_ok());
//! # Ok::<(), vigia_sim::SimError>(())
//! ```
#![deny(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod atmosphere;
pub mod bundled;
pub mod emit;
pub mod flight;
pub mod frame;
pub mod geo;
pub mod output;
pub mod receive;
pub mod relocate;
pub mod rng;
pub mod route;
pub mod scenario;
pub mod serve;
pub mod truth;

pub use bundled::{BundledScenario, BUNDLED};
pub use frame::{Content, FrameFault, Register, SimFrame};
pub use output::FrameFormat;
pub use scenario::{Scenario, ScenarioError};
pub use serve::{push_network, serve, serve_network, serve_until, End, PushTarget, Replay, Speed};
pub use truth::Truth;

use vigia_modes::encode::EncodeError;
use vigia_zones::{ZoneIndex, ZoneSet};

use crate::frame::FrameFault as Fault;
use crate::receive::{ReceptionStats, Station};
use crate::rng::Rng;
use crate::scenario::Fault as FaultSpec;
use crate::truth::{FaultTruth, ReceiverTruth, ScenarioTruth};

/// Overrides of a scenario's own settings.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// Seed instead of the scenario's.
    pub seed: Option<u64>,
    /// Start time (Unix seconds) instead of the scenario's — the demo's "now".
    pub start_unix: Option<f64>,
}

/// A simulation's output.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// Every frame every receiver output, in order of reception.
    pub frames: Vec<SimFrame>,
    /// The ground truth.
    pub truth: Truth,
}

/// Why a simulation could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimError {
    /// No bundled scenario has this name.
    #[error("no bundled scenario is named {0:?} (bundled: {list})", list = bundled_names())]
    UnknownScenario(String),
    /// The scenario is not valid.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// The scenario's zones could not be loaded.
    #[error("loading the scenario's zones")]
    Zones(#[from] vigia_zones::SpecError),
    /// A zone named by the scenario is not in the index given.
    #[error("zone {0:?} is not in the zone index")]
    UnknownZone(String),
    /// A value could not be encoded (the scenario asks for something no frame carries).
    #[error("aircraft {icao24}: a frame cannot carry a value")]
    Encode {
        /// The aircraft.
        icao24: String,
        /// The encoder's complaint.
        #[source]
        source: EncodeError,
    },
}

fn bundled_names() -> String {
    BUNDLED
        .iter()
        .map(|s| s.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Run a bundled scenario by name.
pub fn simulate_bundled(name: &str, options: &Options) -> Result<Simulation, SimError> {
    let bundled =
        BundledScenario::find(name).ok_or_else(|| SimError::UnknownScenario(name.to_string()))?;
    simulate(&bundled.scenario()?, options)
}

/// Run a scenario, loading the bundled zones it names.
pub fn simulate(scenario: &Scenario, options: &Options) -> Result<Simulation, SimError> {
    let names: Vec<&str> = scenario.zones.iter().map(String::as_str).collect();
    let zones = ZoneSet::bundled(&names)?;
    simulate_with_zones(scenario, options, &ZoneIndex::new(&zones))
}

/// Run a scenario with zones already loaded (tests and servers that run many).
pub fn simulate_with_zones(
    scenario: &Scenario,
    options: &Options,
    index: &ZoneIndex,
) -> Result<Simulation, SimError> {
    let seed = options.seed.unwrap_or(scenario.seed);
    let start = options.start_unix.unwrap_or(scenario.start);
    let zone_ids = scenario
        .zones
        .iter()
        .map(|name| {
            index
                .id(name)
                .ok_or_else(|| SimError::UnknownZone(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let approach_ids = scenario
        .approach_zones()
        .iter()
        .map(|name| {
            index
                .id(name)
                .ok_or_else(|| SimError::UnknownZone(name.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let receivers = scenario.receivers();
    let stations: Vec<Station> = receivers
        .iter()
        .enumerate()
        .map(|(i, r)| Station::new(i, r, seed))
        .collect();
    let mut stats = vec![ReceptionStats::default(); receivers.len()];
    let mut frames = Vec::new();
    let mut truth = Truth::default();
    let mut end_s: f64 = 0.0;
    for aircraft in &scenario.aircraft {
        let flight = flight::fly(aircraft, scenario.duration_s);
        end_s = end_s.max(flight.end_s());
        let emissions =
            emit::transmit(aircraft, &flight, &scenario.faults, seed).map_err(|source| {
                SimError::Encode {
                    icao24: aircraft.icao24.to_string(),
                    source,
                }
            })?;
        for (station, stats) in stations.iter().zip(stats.iter_mut()) {
            frames.extend(station.hear(&emissions, start, seed, stats));
        }
        let samples = truth::samples(aircraft, &flight, scenario.truth_interval_s, start);
        let (events, approaches) = truth::zone_truth(
            aircraft,
            &flight,
            &samples,
            index,
            &zone_ids,
            &approach_ids,
            start,
        );
        let zones_at = |s: Option<&flight::State>| -> Vec<String> {
            s.map(|s| {
                zone_ids
                    .iter()
                    .filter(|&&z| index.contains(z, s.position.lat, s.position.lon))
                    .map(|&z| index.name(z).to_string())
                    .collect()
            })
            .unwrap_or_default()
        };
        truth.aircraft.push(truth::AircraftTruth {
            icao24: aircraft.icao24.to_string(),
            callsign: aircraft.callsign.map(|c| c.to_string()),
            category: aircraft.category.clone(),
            aircraft_type: aircraft.aircraft_type.clone(),
            squawk: aircraft.squawk.map(|s| s.to_string()),
            first_seen: start + flight.start_s(),
            last_seen: start + flight.end_s(),
            zones_at_start: zones_at(flight.states().first()),
            zones_at_end: zones_at(flight.states().last()),
        });
        truth.samples.extend(samples);
        truth.zone_events.extend(events);
        truth.closest_approaches.extend(approaches);
        truth
            .maneuvers
            .extend(truth::maneuvers(aircraft, &flight, start));
        truth
            .silences
            .extend(truth::silences(aircraft, &flight, start));
    }
    let end_s = scenario.duration_s.unwrap_or(end_s);
    for (i, fault) in scenario.faults.iter().enumerate() {
        if let FaultSpec::Garbage {
            rate_per_s,
            receiver,
        } = fault
        {
            let r = receiver
                .as_ref()
                .and_then(|name| receivers.iter().position(|r| &r.name == name))
                .unwrap_or(0);
            let mut rng = Rng::stream(seed, &format!("garbage:{i}"));
            frames.extend(stations[r].garbage(*rate_per_s, end_s, start, &mut rng));
        }
    }
    for (i, fault) in scenario.faults.iter().enumerate() {
        if let FaultSpec::Replay {
            from,
            to,
            delay_s,
            start_s,
            end_s: until,
        } = fault
        {
            let index = |name: &String| receivers.iter().position(|r| &r.name == name);
            let (Some(from), Some(to)) = (index(from), index(to)) else {
                continue;
            };
            let window = (start + start_s)..=(start + until.unwrap_or(end_s));
            let mut rng = Rng::stream(seed, &format!("replay:{i}"));
            let relayed: Vec<SimFrame> = frames
                .iter()
                .filter(|f| f.receiver == from && window.contains(&f.ts))
                .map(|f| stations[to].relay(f, *delay_s, start, &mut rng))
                .collect();
            frames.extend(relayed);
        }
    }
    // Reception order: by true receive time; ties (never in practice) by receiver, then bytes.
    frames.sort_by(|a, b| {
        a.ts.total_cmp(&b.ts)
            .then(a.receiver.cmp(&b.receiver))
            .then(a.bytes.cmp(&b.bytes))
    });
    let names: Vec<String> = receivers.iter().map(|r| r.name.clone()).collect();
    receive::apply_time_jumps(&mut frames, &scenario.faults, &names, start);

    truth.zone_events.sort_by(|a, b| a.ts.total_cmp(&b.ts));
    truth.faults = fault_truth(scenario, &frames, &names, start, end_s);
    truth.scenario = ScenarioTruth {
        name: scenario.name.clone(),
        seed,
        start,
        end: start + end_s,
        zones: scenario.zones.clone(),
        receivers: receivers
            .iter()
            .zip(&stats)
            .enumerate()
            .map(|(i, (r, s))| ReceiverTruth {
                name: r.name.clone(),
                position: r.position,
                frames: frames.iter().filter(|f| f.receiver == i).count() as u64,
                lost: s.lost,
                out_of_range: s.out_of_range,
                bit_errors: s.bit_errors,
            })
            .collect(),
        frames: frames.len() as u64,
    };
    Ok(Simulation { frames, truth })
}

fn fault_truth(
    scenario: &Scenario,
    frames: &[SimFrame],
    names: &[String],
    start: f64,
    end_s: f64,
) -> Vec<FaultTruth> {
    let count = |pred: &dyn Fn(&SimFrame) -> bool| frames.iter().filter(|f| pred(f)).count() as u64;
    scenario
        .faults
        .iter()
        .map(|fault| match fault {
            FaultSpec::Garbage { receiver, .. } => {
                let r = receiver
                    .as_ref()
                    .and_then(|n| names.iter().position(|m| m == n))
                    .unwrap_or(0);
                FaultTruth {
                    kind: "garbage".into(),
                    icao24: None,
                    receiver: names.get(r).cloned(),
                    start,
                    end: start + end_s,
                    frames: count(&|f| f.fault == Some(Fault::Garbage) && f.receiver == r),
                }
            }
            FaultSpec::DisplacedPosition { aircraft, at_s, .. } => FaultTruth {
                kind: "displaced_position".into(),
                icao24: Some(aircraft.to_string()),
                receiver: None,
                start: start + at_s,
                end: start + at_s,
                frames: count(&|f| {
                    f.fault == Some(Fault::Displaced) && f.aircraft == Some(*aircraft)
                }),
            },
            FaultSpec::Spoof {
                aircraft,
                start_s,
                end_s,
                ..
            } => FaultTruth {
                kind: "spoof".into(),
                icao24: Some(aircraft.to_string()),
                receiver: None,
                start: start + start_s,
                end: start + end_s,
                frames: count(&|f| {
                    f.fault == Some(Fault::Spoofed) && f.aircraft == Some(*aircraft)
                }),
            },
            FaultSpec::Replay {
                to,
                start_s,
                end_s: until,
                ..
            } => FaultTruth {
                kind: "replay".into(),
                icao24: None,
                receiver: Some(to.clone()),
                start: start + start_s,
                end: start + until.unwrap_or(end_s),
                frames: count(&|f| f.fault == Some(Fault::Replayed)),
            },
            FaultSpec::TimeJump {
                at_s,
                jump_s,
                receiver,
            } => {
                let at = start + at_s + jump_s;
                let r = receiver
                    .as_ref()
                    .and_then(|n| names.iter().position(|m| m == n));
                FaultTruth {
                    kind: "time_jump".into(),
                    icao24: None,
                    receiver: receiver.clone(),
                    start: start + at_s,
                    end: start + at_s + jump_s,
                    frames: count(&|f| f.ts >= at && r.is_none_or(|r| r == f.receiver)),
                }
            }
        })
        .collect()
}
