//! The ground truth of a simulation: each aircraft's true track, the zone entries and exits
//! that track makes (computed with `vigia-zones`), closest approaches to zones it never
//! entered, the patterns it flew, and the faults injected — what `vigia analyze` should
//! find, and what it should reject.
//!
//! Owns the truth's values and their JSON Lines form (one record per line, each with a
//! `"type"`: `scenario`, `aircraft`, `sample`, `zone_event`, `closest_approach`,
//! `maneuver`, `fault`), written by [`Truth::write_jsonl`] and read back by
//! [`Truth::read_jsonl`]. Times are Unix seconds.
//!
//! Zone crossings are searched between consecutive kinematic states (every
//! [`crate::flight::STEP_S`]), so their times are exact to the model's resolution, not to the
//! `truth_interval_s` of the published samples.

use std::io::{self, BufRead, Write};

use serde::{Deserialize, Serialize};
use vigia_zones::{Direction, TimedPoint, ZoneId, ZoneIndex};

use crate::flight::Flight;
use crate::scenario::{Aircraft, Route};

/// Spacing of the track points handed to the closest-approach search, seconds.
const CLOSEST_APPROACH_STRIDE_S: f64 = 10.0;

/// Everything the truth file says.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// The scenario header.
    pub scenario: ScenarioTruth,
    /// Aircraft, in scenario order.
    pub aircraft: Vec<AircraftTruth>,
    /// True-track samples, aircraft by aircraft, in time order.
    pub samples: Vec<Sample>,
    /// Zone entries and exits, in time order.
    pub zone_events: Vec<ZoneEvent>,
    /// Closest approach of each aircraft to each zone it never entered.
    pub closest_approaches: Vec<ClosestApproach>,
    /// Orbits, racetracks and survey grids flown.
    pub maneuvers: Vec<Maneuver>,
    /// Faults injected.
    pub faults: Vec<FaultTruth>,
    /// Stretches flown with ADS-B or the whole transponder switched off.
    #[serde(default)]
    pub silences: Vec<Silence>,
}

/// The scenario header of the truth.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScenarioTruth {
    /// Scenario name.
    pub name: String,
    /// The seed used.
    pub seed: u64,
    /// Start, Unix seconds.
    pub start: f64,
    /// End, Unix seconds.
    pub end: f64,
    /// Zones the events refer to.
    pub zones: Vec<String>,
    /// Receivers and what they heard.
    pub receivers: Vec<ReceiverTruth>,
    /// Frames in the output.
    pub frames: u64,
}

/// A receiver and its counts.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReceiverTruth {
    /// Name.
    pub name: String,
    /// `[lat, lon]`, if placed.
    pub position: Option<[f64; 2]>,
    /// Frames output (heard, including damaged and garbage).
    pub frames: u64,
    /// Transmissions lost in range.
    pub lost: u64,
    /// Transmissions out of range or beyond the horizon.
    pub out_of_range: u64,
    /// Frames output with a flipped bit.
    pub bit_errors: u64,
}

/// One aircraft's identity and where it was at the ends of its flight.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AircraftTruth {
    /// Address, six hex digits.
    pub icao24: String,
    /// Callsign broadcast.
    pub callsign: Option<String>,
    /// Emitter category (`A3`).
    pub category: String,
    /// Aircraft type.
    pub aircraft_type: String,
    /// Mode A code, four octal digits.
    pub squawk: Option<String>,
    /// First state, Unix seconds.
    pub first_seen: f64,
    /// Last state, Unix seconds.
    pub last_seen: f64,
    /// Zones containing the first position.
    pub zones_at_start: Vec<String>,
    /// Zones containing the last position.
    pub zones_at_end: Vec<String>,
}

/// One true-track sample.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Aircraft address (six hex digits in JSON).
    #[serde(with = "hex24")]
    pub icao24: u32,
    /// Unix seconds.
    pub ts: f64,
    /// Degrees.
    pub lat: f64,
    /// Degrees.
    pub lon: f64,
    /// Feet.
    pub altitude_ft: f64,
    /// Knots.
    pub groundspeed_kt: f64,
    /// Degrees true.
    pub track_deg: f64,
    /// Feet per minute.
    pub vertical_rate_fpm: f64,
    /// On the ground.
    pub on_ground: bool,
}

/// Entry into or exit from a zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ZoneEvent {
    /// Aircraft address.
    pub icao24: String,
    /// Zone name.
    pub zone: String,
    /// `entry` or `exit`.
    pub direction: EventDirection,
    /// Crossing time, Unix seconds.
    pub ts: f64,
    /// Crossing point, degrees.
    pub lat: f64,
    /// Crossing point, degrees.
    pub lon: f64,
}

/// Direction of a zone event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventDirection {
    /// Into the zone.
    Entry,
    /// Out of the zone.
    Exit,
}

/// The closest an aircraft came to a zone it never entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClosestApproach {
    /// Aircraft address.
    pub icao24: String,
    /// Zone name.
    pub zone: String,
    /// Distance to the zone's boundary, nautical miles.
    pub distance_nm: f64,
    /// When, Unix seconds.
    pub ts: f64,
    /// Aircraft position then, degrees.
    pub lat: f64,
    /// Aircraft position then, degrees.
    pub lon: f64,
}

/// A stretch flown with the transponder sending less than it is set to (a leg's `transmit`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Silence {
    /// ICAO address.
    pub icao24: String,
    /// Unix seconds.
    pub start: f64,
    /// Unix seconds.
    pub end: f64,
    /// `mode_s` (ADS-B off, replies on) or `none` (nothing sent).
    pub transmit: String,
}

/// A pattern flown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Maneuver {
    /// Aircraft address.
    pub icao24: String,
    /// Start, Unix seconds.
    pub start: f64,
    /// End, Unix seconds.
    pub end: f64,
    /// The pattern.
    #[serde(flatten)]
    pub pattern: Pattern,
}

/// The shape of a pattern, as planned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Pattern {
    /// An orbit.
    Orbit {
        /// `[lat, lon]`.
        centre: [f64; 2],
        /// Nautical miles.
        radius_nm: f64,
        /// Turns planned.
        turns: f64,
        /// `right` or `left`.
        direction: String,
    },
    /// A racetrack.
    Racetrack {
        /// `[lat, lon]` of the inbound end.
        fix: [f64; 2],
        /// Degrees true.
        inbound_course_deg: f64,
        /// Nautical miles.
        leg_nm: f64,
        /// Nautical miles.
        width_nm: f64,
        /// Laps planned.
        laps: u32,
    },
    /// A survey grid.
    Grid {
        /// `[lat, lon]` of the first line's start.
        start_point: [f64; 2],
        /// Degrees true.
        heading_deg: f64,
        /// Number of lines.
        lines: u32,
        /// Nautical miles.
        spacing_nm: f64,
    },
}

/// A fault injected, and how many frames it put in the output.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FaultTruth {
    /// `garbage`, `displaced_position`, `spoof`, `time_jump`.
    pub kind: String,
    /// Aircraft address, for aircraft faults.
    pub icao24: Option<String>,
    /// Receiver name, for receiver faults (`None`: all).
    pub receiver: Option<String>,
    /// Start, Unix seconds.
    pub start: f64,
    /// End, Unix seconds (= start for instant faults).
    pub end: f64,
    /// Frames in the output that this fault produced or altered.
    pub frames: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Record {
    Scenario(ScenarioTruth),
    Aircraft(AircraftTruth),
    Sample(Sample),
    ZoneEvent(ZoneEvent),
    ClosestApproach(ClosestApproach),
    Maneuver(Maneuver),
    Fault(FaultTruth),
    Silence(Silence),
}

/// Why a truth file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TruthReadError {
    /// Reading failed.
    #[error("reading the truth failed")]
    Io(#[from] io::Error),
    /// A line is not a truth record.
    #[error("line {line}: not a truth record: {message}")]
    Record {
        /// 1-based line number.
        line: usize,
        /// What was wrong.
        message: String,
    },
}

impl Truth {
    /// Write as JSON Lines: the scenario, then aircraft, samples, events, approaches,
    /// maneuvers and faults.
    pub fn write_jsonl<W: Write + ?Sized>(&self, out: &mut W) -> io::Result<()> {
        let mut line = |record: &Record| -> io::Result<()> {
            serde_json::to_writer(&mut *out, record).map_err(io::Error::other)?;
            out.write_all(b"\n")
        };
        line(&Record::Scenario(self.scenario.clone()))?;
        for a in &self.aircraft {
            line(&Record::Aircraft(a.clone()))?;
        }
        for s in &self.samples {
            line(&Record::Sample(*s))?;
        }
        for e in &self.zone_events {
            line(&Record::ZoneEvent(e.clone()))?;
        }
        for c in &self.closest_approaches {
            line(&Record::ClosestApproach(c.clone()))?;
        }
        for m in &self.maneuvers {
            line(&Record::Maneuver(m.clone()))?;
        }
        for f in &self.faults {
            line(&Record::Fault(f.clone()))?;
        }
        for x in &self.silences {
            line(&Record::Silence(x.clone()))?;
        }
        Ok(())
    }

    /// Read JSON Lines written by [`Self::write_jsonl`].
    pub fn read_jsonl(input: impl BufRead) -> Result<Truth, TruthReadError> {
        let mut truth = Truth::default();
        for (i, line) in input.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record: Record =
                serde_json::from_str(&line).map_err(|e| TruthReadError::Record {
                    line: i + 1,
                    message: e.to_string(),
                })?;
            match record {
                Record::Scenario(s) => truth.scenario = s,
                Record::Aircraft(a) => truth.aircraft.push(a),
                Record::Sample(s) => truth.samples.push(s),
                Record::ZoneEvent(e) => truth.zone_events.push(e),
                Record::ClosestApproach(c) => truth.closest_approaches.push(c),
                Record::Maneuver(m) => truth.maneuvers.push(m),
                Record::Fault(f) => truth.faults.push(f),
                Record::Silence(x) => truth.silences.push(x),
            }
        }
        Ok(truth)
    }

    /// The zone events of one aircraft, in time order.
    pub fn events_of(&self, icao24: &str) -> Vec<&ZoneEvent> {
        self.zone_events
            .iter()
            .filter(|e| e.icao24 == icao24)
            .collect()
    }
}

/// The true-track samples of a flight at `interval_s`, from departure to the end.
pub fn samples(
    aircraft: &Aircraft,
    flight: &Flight,
    interval_s: f64,
    start_unix: f64,
) -> Vec<Sample> {
    let mut out = Vec::new();
    let (first, last) = (flight.start_s(), flight.end_s());
    let mut k = 0u64;
    loop {
        let t = (first + k as f64 * interval_s).min(last);
        let Some(s) = flight.at(t) else { break };
        out.push(Sample {
            icao24: aircraft.icao24.get(),
            ts: start_unix + t,
            lat: s.position.lat,
            lon: s.position.lon,
            altitude_ft: s.altitude_ft,
            groundspeed_kt: s.groundspeed_kt,
            track_deg: s.track_deg,
            vertical_rate_fpm: s.vertical_rate_fpm,
            on_ground: s.on_ground,
        });
        if t >= last {
            break;
        }
        k += 1;
    }
    out
}

/// Zone events of one flight in `zones`, and its closest approaches to those of
/// `approach_zones` it never entered.
pub fn zone_truth(
    aircraft: &Aircraft,
    flight: &Flight,
    samples: &[Sample],
    index: &ZoneIndex,
    zones: &[ZoneId],
    approach_zones: &[ZoneId],
    start_unix: f64,
) -> (Vec<ZoneEvent>, Vec<ClosestApproach>) {
    let icao24 = aircraft.icao24.to_string();
    let mut events = Vec::new();
    let mut approaches = Vec::new();
    let states = flight.states();
    for &zone in zones {
        let name = index.name(zone).to_string();
        let mut inside_before = None;
        let mut ever_inside = false;
        for pair in states.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            let inside_a = *inside_before
                .get_or_insert_with(|| index.contains(zone, a.position.lat, a.position.lon));
            let inside_b = index.contains(zone, b.position.lat, b.position.lon);
            inside_before = Some(inside_b);
            ever_inside |= inside_a || inside_b;
            if inside_a == inside_b {
                continue;
            }
            let point = |s: &crate::flight::State| TimedPoint {
                ts: start_unix + s.t,
                latitude: s.position.lat,
                longitude: s.position.lon,
            };
            for c in index.crossings(zone, point(&a), point(&b)) {
                events.push(ZoneEvent {
                    icao24: icao24.clone(),
                    zone: name.clone(),
                    direction: match c.direction {
                        Direction::Entry => EventDirection::Entry,
                        Direction::Exit => EventDirection::Exit,
                    },
                    ts: c.ts,
                    lat: c.latitude,
                    lon: c.longitude,
                });
            }
        }
        if states.len() == 1 {
            let s = states[0];
            ever_inside = index.contains(zone, s.position.lat, s.position.lon);
        }
        if !ever_inside && approach_zones.contains(&zone) {
            // The search refines between samples to within 1 m, so samples every
            // ~10 s lose nothing but time (the track between them is straight to metres).
            let stride = samples.windows(2).next().map_or(1, |w| {
                (CLOSEST_APPROACH_STRIDE_S / (w[1].ts - w[0].ts))
                    .ceil()
                    .max(1.0) as usize
            });
            let last = samples.len().saturating_sub(1);
            let track: Vec<TimedPoint> = samples
                .iter()
                .enumerate()
                .filter(|(i, _)| i % stride == 0 || *i == last)
                .map(|(_, s)| TimedPoint {
                    ts: s.ts,
                    latitude: s.lat,
                    longitude: s.lon,
                })
                .collect();
            if let Some(c) = index.closest_approach(zone, &track) {
                approaches.push(ClosestApproach {
                    icao24: icao24.clone(),
                    zone: name.clone(),
                    distance_nm: c.distance_nm,
                    ts: c.ts,
                    lat: c.latitude,
                    lon: c.longitude,
                });
            }
        }
    }
    (events, approaches)
}

/// The stretches an aircraft flew with ADS-B or its transponder off.
pub fn silences(aircraft: &Aircraft, flight: &Flight, start_unix: f64) -> Vec<Silence> {
    flight
        .legs()
        .iter()
        .filter_map(|times| {
            let transmit = match aircraft.legs.get(times.leg)?.transmit? {
                crate::scenario::Transmit::All => return None,
                crate::scenario::Transmit::ModeS => "mode_s",
                crate::scenario::Transmit::None => "none",
            };
            Some(Silence {
                icao24: aircraft.icao24.to_string(),
                start: start_unix + times.start_s,
                end: start_unix + times.end_s,
                transmit: transmit.into(),
            })
        })
        .collect()
}

/// The patterns an aircraft flew: one per orbit, racetrack or grid leg.
pub fn maneuvers(aircraft: &Aircraft, flight: &Flight, start_unix: f64) -> Vec<Maneuver> {
    let icao24 = aircraft.icao24.to_string();
    flight
        .legs()
        .iter()
        .filter_map(|times| {
            let pattern = match aircraft.legs.get(times.leg)?.route()? {
                Route::Orbit(o) => Pattern::Orbit {
                    centre: o.centre,
                    radius_nm: o.radius_nm,
                    turns: o.turns,
                    direction: match o.direction {
                        crate::scenario::Turn::Right => "right".into(),
                        crate::scenario::Turn::Left => "left".into(),
                    },
                },
                Route::Racetrack(r) => Pattern::Racetrack {
                    fix: r.fix,
                    inbound_course_deg: r.inbound_course_deg,
                    leg_nm: r.leg_nm,
                    width_nm: r.width_nm,
                    laps: r.laps,
                },
                Route::Grid(g) => Pattern::Grid {
                    start_point: g.start,
                    heading_deg: g.heading_deg,
                    lines: g.lines,
                    spacing_nm: g.spacing_nm,
                },
                Route::To(_) | Route::Course(_) => return None,
            };
            Some(Maneuver {
                icao24: icao24.clone(),
                start: start_unix + times.start_s,
                end: start_unix + times.end_s,
                pattern,
            })
        })
        .collect()
}

/// Addresses as six hex digits in JSON.
mod hex24 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(value: &u32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{value:06x}"))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
        let text = String::deserialize(d)?;
        u32::from_str_radix(&text, 16).map_err(serde::de::Error::custom)
    }
}
