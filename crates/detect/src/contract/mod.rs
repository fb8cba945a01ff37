//! The event contract: the one serialised shape of an [`Event`] that every consumer reads —
//! `vigia analyze`'s JSON Lines, the store's event documents, the HTTP API, the event stream,
//! alerts, the incident report and the web map.
//!
//! Owns the serde types and the conversion from a detector's [`Event`] ([`EventRecord::new`]);
//! it does not write files or talk to the store. Keys are snake_case; an event is one flat
//! object whose `type` says which fields follow; evidence is inline (each cited position with
//! the raw frames as hex it was decoded from, or the archive row it was read from). Numbers are
//! rounded where they are made — degrees and seconds to 1e-6 (~0.1 m, 1 µs), distances and
//! durations to 0.01 — so that the same input always gives the same bytes.
//!
//! The contract is versioned ([`SCHEMA_VERSION`]): a change that removes or renames a key, or
//! changes a unit, raises it; adding a key does not. The snapshot tests in `tests/it/contract.rs`
//! pin every event type as consumers see it.
//!
//! ```
//! use vigia_detect::contract::{EventBody, EventRecord};
//! let text = r#"{"type":"orbit","icao24":"ae1234","flight_id":"ae1234-1","callsign":null,
//!   "ts":10.0,"start":10.0,"end":910.0,"duration_s":900.0,"latitude":30.5,"longitude":-110.2,
//!   "radius_nm":6.0,"extent_nm":7.1,"turns":2.5,"direction":"right","altitude_band":null,
//!   "shape":"circle"}"#;
//! let record: EventRecord = serde_json::from_str(text).unwrap();
//! assert_eq!(record.type_name(), "orbit");
//! assert!(matches!(record.body, EventBody::Orbit(ref o) if o.radius_nm == 6.0));
//! ```

mod dark;
pub use dark::{
    AppearedInsideRecord, InferredCrossingRecord, PathPointRecord, SignalLostRecord,
    SignalRegainedRecord,
};
mod service;
pub use service::{FloodRecord, HeardFrame, HeardReceiver, HeardRecord, SpoofingRecord};

use serde::{Deserialize, Serialize};
use vigia_zones::Crossing;

use crate::event::{Depth, Event, EventKind, PositionEvidence, ZoneCrossing, ZonePlace};
use crate::orbit::OrbitShape;

/// Version of the event contract. Raised when a key is removed or renamed or a unit changes.
pub const SCHEMA_VERSION: u32 = 1;

/// Round to 1e-6 (degrees: ~0.1 m; seconds: 1 µs) so output is stable and readable.
pub(crate) fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The pattern of an orbit record that does not say (records written before patterns).
fn station() -> String {
    "station".into()
}

/// Round to 0.01 (nautical miles, seconds of duration, scores).
pub(crate) fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Metres to nautical miles, rounded to 0.01.
fn nm(m: f64) -> f64 {
    r2(m / 1852.0)
}

/// One event as consumers see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// The aircraft's 24-bit address, six lowercase hex digits.
    pub icao24: String,
    /// Its flight (`icao24-N`).
    pub flight_id: String,
    /// Its callsign when the event happened, if known.
    pub callsign: Option<String>,
    /// When: the crossing time, the closest approach, an episode's start or a flight's start;
    /// seconds since the Unix epoch, or receiver-clock seconds for captures without dates.
    pub ts: f64,
    /// The flight's surveillance score (0–1): always on flight records; on other events when
    /// the service knew it at the time (live score).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// What happened; its `type` key names the variant.
    #[serde(flatten)]
    pub body: EventBody,
}

/// What happened, by type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventBody {
    /// The flight entered a zone.
    ZoneEntry(CrossingRecord),
    /// The flight was first seen already inside a zone: present, entry not observed.
    ZonePresence(PresenceRecord),
    /// The flight left a zone.
    ZoneExit(ExitRecord),
    /// The flight entered and left a zone between two consecutive trusted positions.
    ZoneTransit(TransitRecord),
    /// The flight came within the approach distance of a zone but never entered it.
    ClosestApproach(ApproachRecord),
    /// Orbiting or flying a racetrack.
    Orbit(OrbitRecord),
    /// Flying a survey grid.
    Survey(SurveyRecord),
    /// One record per flight: identity, score with reasons, zones visited.
    Flight(FlightRecord),
    /// Many events from aircraft first heard minutes before, more than the service takes one
    /// by one (a spoofer inventing border-crossers, a decoder fault): counted here instead.
    Flood(FloodRecord),
    /// The rate of positions that failed validation jumped: someone may be transmitting false
    /// positions (or a receiver is faulty).
    SpoofingSuspected(SpoofingRecord),
    /// An aircraft heard through Mode S replies for a while that nobody can place: present
    /// within the reach of the receivers that hear it.
    HeardWithoutPosition(HeardRecord),
    /// The flight stopped being heard where the receivers hear (going dark).
    SignalLost(SignalLostRecord),
    /// Heard again after a `signal_lost`: the gap's duration and extent.
    SignalRegained(SignalRegainedRecord),
    /// A sovereign boundary the gap's great circle crosses: inferred, never observed.
    InferredCrossing(InferredCrossingRecord),
    /// First heard already inside a sovereign zone, in well-covered airspace.
    AppearedInside(AppearedInsideRecord),
}

/// A crossing of a zone's boundary, interpolated between two trusted positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CrossingRecord {
    /// The zone's name (`MEX`).
    pub zone: String,
    /// Where the track crosses the boundary, degrees.
    pub latitude: f64,
    /// Where the track crosses the boundary, degrees.
    pub longitude: f64,
    /// Time of the trusted position before the crossing, seconds.
    pub ts_before: f64,
    /// Time of the trusted position after the crossing, seconds.
    pub ts_after: f64,
    /// Half-width of the interval the crossing time is known to, seconds.
    pub uncertainty_s: f64,
    /// The same, along the track, nautical miles.
    pub uncertainty_nm: f64,
    /// `mlat` when a bracketing position was multilaterated (absent: broadcast positions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_source: Option<String>,
    /// For MLAT positions: whether the crossing is observed or only possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mlat: Option<MlatClaimRecord>,
    /// The positions the claim rests on.
    pub evidence: EvidenceRecord,
}

/// A flight first seen inside a zone, resting on its first two trusted positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PresenceRecord {
    /// The zone's name.
    pub zone: String,
    /// Where the flight was first seen (its first trusted position), degrees.
    pub latitude: f64,
    /// Where the flight was first seen, degrees.
    pub longitude: f64,
    /// Always false: nobody saw the flight cross into the zone.
    pub entry_observed: bool,
    /// How far inside the boundary the first position lies, nautical miles.
    pub depth_nm: Option<f64>,
    /// Time between the two positions cited, both inside, seconds.
    pub seen_inside_s: f64,
    /// Whether the first position lies over the country's land territory (sovereign zones
    /// bundled with a land polygon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_land: Option<bool>,
    /// `mlat` when the positions were multilaterated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position_source: Option<String>,
    /// For MLAT positions: whether the presence is observed or only possible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mlat: Option<MlatClaimRecord>,
    /// The first two trusted positions.
    pub evidence: EvidenceRecord,
}

/// How deep inside a zone a stretch went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DepthRecord {
    /// Greatest distance inside the boundary among the flight's samples, nautical miles
    /// (to 1 %, at least 0.5 NM).
    pub max_nm: f64,
    /// When, seconds.
    pub ts: f64,
    /// Where, degrees.
    pub latitude: f64,
    /// Where, degrees.
    pub longitude: f64,
    /// Whether the stretch reached the country's land territory (sovereign zones bundled with a
    /// land polygon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub land: Option<LandRecord>,
}

/// A stretch inside a sovereign zone and the country's land territory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LandRecord {
    /// Whether a position inside lay over land (inland waters included).
    pub reached: bool,
    /// The first such position: time, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<f64>,
    /// Where, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// Where, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
}

/// Where an orbit or survey lies relative to one zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlaceRecord {
    /// The zone's name.
    pub zone: String,
    /// `inside` (the whole episode), `part` or `outside`.
    pub relation: String,
    /// Seconds of the episode inside.
    pub time_inside_s: f64,
    /// Share of the episode inside, 0–1.
    pub share_inside: f64,
    /// Whether the centre lies inside.
    pub centre_inside: bool,
    /// Distance of the centre from the boundary, nautical miles.
    pub centre_distance_nm: Option<f64>,
    /// Whether the centre lies over the country's land territory (sovereign zones bundled with a
    /// land polygon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_over_land: Option<bool>,
    /// Distance of the centre from the land's edge (coast or land border), nautical miles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub centre_land_distance_nm: Option<f64>,
}

/// An exit: the crossing, the time inside, and the zone entered at the same crossing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExitRecord {
    /// The crossing.
    #[serde(flatten)]
    pub crossing: CrossingRecord,
    /// Time since the matching entry (or since first seen inside), seconds.
    pub time_inside_s: f64,
    /// A zone of interest entered at the same crossing (MEX → USA over land).
    pub next_zone: Option<String>,
    /// How deep inside the stretch that ends here went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<DepthRecord>,
}

/// A transit: entry and exit between the same two positions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransitRecord {
    /// The entry crossing (its evidence brackets the exit too).
    #[serde(flatten)]
    pub entry: CrossingRecord,
    /// Time of the exit crossing, seconds.
    pub exit_ts: f64,
    /// Where the exit crossing is, degrees.
    pub exit_latitude: f64,
    /// Where the exit crossing is, degrees.
    pub exit_longitude: f64,
    /// Time between entry and exit, seconds.
    pub time_inside_s: f64,
}

/// The closest a flight that stayed outside came to a zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApproachRecord {
    /// The zone.
    pub zone: String,
    /// Distance to the boundary, nautical miles.
    pub distance_nm: f64,
    /// Where the aircraft was, degrees.
    pub latitude: f64,
    /// Where the aircraft was, degrees.
    pub longitude: f64,
    /// The nearest point of the boundary, degrees.
    pub boundary_latitude: f64,
    /// The nearest point of the boundary, degrees.
    pub boundary_longitude: f64,
    /// The trusted positions around the closest point.
    pub evidence: EvidenceRecord,
}

/// An orbit or racetrack episode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrbitRecord {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Time on station, seconds.
    pub duration_s: f64,
    /// Centre, degrees.
    pub latitude: f64,
    /// Centre, degrees.
    pub longitude: f64,
    /// Radius of the circle fitted to the orbit (a racetrack's mean distance from its centre),
    /// nautical miles.
    pub radius_nm: f64,
    /// Largest distance from the centre, nautical miles.
    pub extent_nm: f64,
    /// RMS distance of the samples from that circle, nautical miles: how well a circle
    /// describes what was flown.
    #[serde(default)]
    pub residual_nm: f64,
    /// What it looks like: `station` (on station: counts towards the surveillance score),
    /// `thermal` (a glider climbing in a thermal), `tight_turns` (training turns, a helicopter
    /// over a scene) or `holding` (a holding pattern).
    #[serde(default = "station")]
    pub pattern: String,
    /// Mean ground speed, knots.
    #[serde(default)]
    pub groundspeed_kt: f64,
    /// Net climb (positive) or descent, feet per minute, when altitudes were known.
    #[serde(default)]
    pub climb_fpm: Option<f64>,
    /// Net full turns flown.
    pub turns: f64,
    /// `right` (clockwise) or `left`.
    pub direction: String,
    /// Lowest and highest altitude, feet, when known.
    pub altitude_band: Option<[i64; 2]>,
    /// `circle` or `racetrack`.
    pub shape: String,
    /// A racetrack's axis, degrees.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub axis_deg: Option<f64>,
    /// A racetrack's leg length, nautical miles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leg_length_nm: Option<f64>,
    /// The zone it spent most of its time in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Where it lies relative to every zone watched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<PlaceRecord>,
    /// The positions it rests on (first, last and a few between, with their frames or rows).
    #[serde(default, skip_serializing_if = "EvidenceRecord::is_empty")]
    pub evidence: EvidenceRecord,
}

/// A survey grid episode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SurveyRecord {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Duration, seconds.
    pub duration_s: f64,
    /// Centre of the surveyed area, degrees.
    pub latitude: f64,
    /// Centre of the surveyed area, degrees.
    pub longitude: f64,
    /// Parallel legs flown.
    pub legs: u64,
    /// Axis of the legs, degrees in `0..180`.
    pub axis_deg: f64,
    /// Mean spacing between adjacent legs, nautical miles.
    pub spacing_nm: f64,
    /// Mean leg length, nautical miles.
    pub leg_length_nm: f64,
    /// The zone it spent most of its time in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    /// Where it lies relative to every zone watched.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<PlaceRecord>,
    /// The positions it rests on (first, last and a few between, with their frames or rows).
    #[serde(default, skip_serializing_if = "EvidenceRecord::is_empty")]
    pub evidence: EvidenceRecord,
}

/// A flight's record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FlightRecord {
    /// Start, seconds.
    pub start: f64,
    /// End, seconds.
    pub end: f64,
    /// Duration, seconds.
    pub duration_s: f64,
    /// Callsigns heard.
    pub callsigns: Vec<String>,
    /// Mode A codes heard (four octal digits).
    pub squawks: Vec<String>,
    /// Trusted positions.
    pub positions: u64,
    /// Rejected positions.
    pub rejected_positions: u64,
    /// State of registration from the address block.
    pub country: Option<String>,
    /// A military address block or database flag.
    pub military: bool,
    /// Registration, from the aircraft database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
    /// ICAO type designator, from the aircraft database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_designator: Option<String>,
    /// Operator, from the aircraft database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<String>,
    /// Why the score is what it is.
    pub reasons: Vec<ReasonRecord>,
    /// Zones visited.
    pub zones: Vec<VisitRecord>,
}

/// One reason behind a score.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReasonRecord {
    /// Stable code (`isr_type`).
    pub code: String,
    /// Human text.
    pub text: String,
    /// Its weight.
    pub weight: f64,
}

/// Time spent in one zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    /// The zone.
    pub zone: String,
    /// Seconds inside.
    pub time_inside_s: f64,
    /// Trusted positions inside.
    pub positions_inside: u64,
    /// Entries observed.
    pub entries: u32,
    /// First seen already inside (no entry observed).
    pub first_seen_inside: bool,
    /// How deep inside the flight went.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<DepthRecord>,
}

/// The evidence of a claim.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct EvidenceRecord {
    /// The trusted positions cited, in time order.
    pub positions: Vec<PositionRecord>,
}

impl EvidenceRecord {
    /// No position cited.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }
}

/// A cited trusted position and what it was computed from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PositionRecord {
    /// Time, seconds.
    pub ts: f64,
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Feet.
    pub altitude: Option<i64>,
    /// How it was computed, with the frames or the row.
    #[serde(flatten)]
    pub method: PositionMethod,
}

/// How a cited position was computed; the `method` key names the variant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum PositionMethod {
    /// Globally decoded from an even/odd CPR pair: both frames.
    CprPair {
        /// The newest frame, then its partner.
        frames: Vec<FrameRecord>,
    },
    /// Locally decoded from one CPR frame against a reference.
    CprLocal {
        /// The frame.
        frames: Vec<FrameRecord>,
    },
    /// Read from an archive (CSV line or Parquet row, SBS, readsb JSON).
    Report {
        /// Where.
        source: SourceRecord,
    },
    /// Multilaterated: one Mode S reply located from its arrival times at synchronised
    /// receivers.
    Mlat {
        /// The reply (its time the position's).
        frames: Vec<FrameRecord>,
        /// Every receiver used, with its raw counter reading.
        receivers: Vec<MlatReceiverRecord>,
        /// The horizontal 95 % error ellipse of the position cited (the solution smoothed by
        /// the aircraft's track filter).
        error_95: EllipseRecord,
        /// The reply's own solution, before the track filter.
        solution: SolutionRecord,
    },
}

/// A raw frame as evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FrameRecord {
    /// Receive time, seconds.
    pub ts: f64,
    /// The frame's bytes as lowercase hex.
    pub hex: String,
}

/// An archive record as evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SourceRecord {
    /// The input file (or receiver).
    pub file: String,
    /// 1-based record within the input.
    pub record: u64,
    /// 1-based line, for line-based formats.
    pub line: Option<u64>,
    /// 1-based row, for columnar formats.
    pub row: Option<u64>,
}

impl EventRecord {
    /// The record of `event`; `inputs` names what each evidence source index points to (the
    /// files of an analysis, or the receivers of a live run).
    pub fn new(event: &Event, inputs: &[String]) -> Self {
        let mut score = None;
        let body = match &event.kind {
            EventKind::ZoneEntry(z) => EventBody::ZoneEntry(crossing(z, inputs)),
            EventKind::ZonePresence(p) => EventBody::ZonePresence(PresenceRecord {
                zone: p.zone.clone(),
                latitude: r6(p.first.lat),
                longitude: r6(p.first.lon),
                entry_observed: false,
                depth_nm: p.depth_nm.map(r2),
                seen_inside_s: r2(p.second.ts - p.first.ts),
                over_land: p.over_land,
                position_source: p.mlat.map(|_| "mlat".into()),
                mlat: p.mlat.as_ref().map(MlatClaimRecord::new),
                evidence: evidence(&[&p.first, &p.second], inputs),
            }),
            EventKind::ZoneExit {
                crossing: z,
                time_inside_s,
                next_zone,
                depth: d,
            } => EventBody::ZoneExit(ExitRecord {
                crossing: crossing(z, inputs),
                time_inside_s: r2(*time_inside_s),
                next_zone: next_zone.clone(),
                depth: d.as_ref().map(depth),
            }),
            EventKind::ZoneTransit { entry, exit } => EventBody::ZoneTransit(TransitRecord {
                entry: crossing(entry, inputs),
                exit_ts: r6(exit.crossing.ts),
                exit_latitude: r6(exit.crossing.latitude),
                exit_longitude: r6(exit.crossing.longitude),
                time_inside_s: r2(exit.crossing.ts - entry.crossing.ts),
            }),
            EventKind::ClosestApproach(a) => EventBody::ClosestApproach(ApproachRecord {
                zone: a.zone.clone(),
                distance_nm: r2(a.approach.distance_nm),
                latitude: r6(a.approach.latitude),
                longitude: r6(a.approach.longitude),
                boundary_latitude: r6(a.approach.boundary_latitude),
                boundary_longitude: r6(a.approach.boundary_longitude),
                evidence: evidence(&[&a.before, &a.after], inputs),
            }),
            EventKind::Orbit(o) => {
                let (shape, axis_deg, leg_length_nm) = match o.shape {
                    OrbitShape::Circle => ("circle", None, None),
                    OrbitShape::Racetrack {
                        axis_deg,
                        leg_length_m,
                    } => ("racetrack", Some(r2(axis_deg)), Some(nm(leg_length_m))),
                };
                EventBody::Orbit(OrbitRecord {
                    start: r6(o.start_ts),
                    end: r6(o.end_ts),
                    duration_s: r2(o.duration_s()),
                    latitude: r6(o.centre_lat),
                    longitude: r6(o.centre_lon),
                    radius_nm: nm(o.radius_m),
                    extent_nm: nm(o.extent_m),
                    residual_nm: nm(o.residual_m),
                    pattern: o.pattern.name().into(),
                    groundspeed_kt: r2(o.groundspeed_kt),
                    climb_fpm: o.climb_fpm.map(|c| c.round()),
                    turns: r2(o.turns),
                    direction: if o.clockwise { "right" } else { "left" }.into(),
                    altitude_band: o
                        .altitude_band_ft
                        .map(|(a, b)| [a.round() as i64, b.round() as i64]),
                    shape: shape.into(),
                    axis_deg,
                    leg_length_nm,
                    zone: main_zone(&event.places),
                    zones: places(&event.places),
                    evidence: cited(&event.cited, inputs),
                })
            }
            EventKind::Survey(s) => EventBody::Survey(SurveyRecord {
                start: r6(s.start_ts),
                end: r6(s.end_ts),
                duration_s: r2(s.end_ts - s.start_ts),
                latitude: r6(s.centre_lat),
                longitude: r6(s.centre_lon),
                legs: s.legs as u64,
                axis_deg: r2(s.axis_deg),
                spacing_nm: nm(s.spacing_m),
                leg_length_nm: nm(s.leg_length_m),
                zone: main_zone(&event.places),
                zones: places(&event.places),
                evidence: cited(&event.cited, inputs),
            }),
            EventKind::Flight(f) => {
                score = Some(r2(f.score));
                let record = f.identity.record.as_ref();
                EventBody::Flight(FlightRecord {
                    start: r6(f.start_ts),
                    end: r6(f.end_ts),
                    duration_s: r2(f.end_ts - f.start_ts),
                    callsigns: f.callsigns.iter().map(|c| c.to_string()).collect(),
                    squawks: f.squawks.iter().map(|s| s.to_string()).collect(),
                    positions: f.positions,
                    rejected_positions: f.rejected,
                    country: f.identity.country.clone(),
                    military: f.identity.military(),
                    registration: record.and_then(|r| r.registration.clone()),
                    type_designator: record.and_then(|r| r.type_designator.clone()),
                    operator: record.and_then(|r| r.operator.clone()),
                    reasons: f
                        .reasons
                        .iter()
                        .map(|r| ReasonRecord {
                            code: r.code.into(),
                            text: r.text.clone(),
                            weight: r.weight,
                        })
                        .collect(),
                    zones: f
                        .zones
                        .iter()
                        .map(|z| VisitRecord {
                            zone: z.zone.clone(),
                            time_inside_s: r2(z.time_inside_s),
                            positions_inside: z.positions_inside,
                            entries: z.entries,
                            first_seen_inside: z.first_seen_inside,
                            depth: z.depth.as_ref().map(depth),
                        })
                        .collect(),
                })
            }
            EventKind::SignalLost(l) => EventBody::SignalLost(dark::lost(l, inputs)),
            EventKind::SignalRegained(r) => EventBody::SignalRegained(dark::regained(r, inputs)),
            EventKind::InferredCrossing(c) => {
                EventBody::InferredCrossing(dark::crossing(c, inputs))
            }
            EventKind::AppearedInside(a) => EventBody::AppearedInside(dark::appeared(a, inputs)),
        };
        Self {
            icao24: event.icao24.to_string(),
            flight_id: event.flight_id.to_string(),
            callsign: event.callsign.map(|c| c.to_string()),
            ts: r6(event.ts),
            score,
            body,
        }
    }

    /// Set the live score (kept when the record already has one, as flight records do),
    /// rounded like every score.
    pub fn with_live_score(mut self, score: Option<f64>) -> Self {
        if self.score.is_none() {
            self.score = score.map(r2);
        }
        self
    }

    /// The snake_case type name (`zone_entry`), as in the `type` key.
    pub fn type_name(&self) -> &'static str {
        match &self.body {
            EventBody::ZoneEntry(_) => "zone_entry",
            EventBody::ZonePresence(_) => "zone_presence",
            EventBody::ZoneExit(_) => "zone_exit",
            EventBody::ZoneTransit(_) => "zone_transit",
            EventBody::ClosestApproach(_) => "closest_approach",
            EventBody::Orbit(_) => "orbit",
            EventBody::Survey(_) => "survey",
            EventBody::Flight(_) => "flight",
            EventBody::Flood(_) => "flood",
            EventBody::SpoofingSuspected(_) => "spoofing_suspected",
            EventBody::HeardWithoutPosition(_) => "heard_without_position",
            EventBody::SignalLost(_) => "signal_lost",
            EventBody::SignalRegained(_) => "signal_regained",
            EventBody::InferredCrossing(_) => "inferred_crossing",
            EventBody::AppearedInside(_) => "appeared_inside",
        }
    }

    /// The zone the event concerns, if any: an episode's is the zone it spent most of its time
    /// in (none when it stayed outside every zone).
    pub fn zone(&self) -> Option<&str> {
        match &self.body {
            EventBody::ZoneEntry(c) => Some(&c.zone),
            EventBody::ZonePresence(p) => Some(&p.zone),
            EventBody::Orbit(o) => o.zone.as_deref(),
            EventBody::Survey(s) => s.zone.as_deref(),
            EventBody::ZoneExit(x) => Some(&x.crossing.zone),
            EventBody::ZoneTransit(t) => Some(&t.entry.zone),
            EventBody::ClosestApproach(a) => Some(&a.zone),
            EventBody::InferredCrossing(c) => Some(&c.zone),
            EventBody::AppearedInside(a) => Some(&a.zone),
            EventBody::SignalLost(l) => l.nearest_zone.as_deref(),
            _ => None,
        }
    }

    /// The event's place, degrees: the crossing, the aircraft at its closest, an episode's
    /// centre; none for flight records.
    pub fn position(&self) -> Option<(f64, f64)> {
        match &self.body {
            EventBody::ZoneEntry(c) => Some((c.latitude, c.longitude)),
            EventBody::ZonePresence(p) => Some((p.latitude, p.longitude)),
            EventBody::ZoneExit(x) => Some((x.crossing.latitude, x.crossing.longitude)),
            EventBody::ZoneTransit(t) => Some((t.entry.latitude, t.entry.longitude)),
            EventBody::ClosestApproach(a) => Some((a.latitude, a.longitude)),
            EventBody::Orbit(o) => Some((o.latitude, o.longitude)),
            EventBody::Survey(s) => Some((s.latitude, s.longitude)),
            EventBody::SignalLost(l) => Some((l.latitude, l.longitude)),
            EventBody::SignalRegained(r) => Some((r.latitude, r.longitude)),
            EventBody::InferredCrossing(c) => Some((c.latitude, c.longitude)),
            EventBody::AppearedInside(a) => Some((a.latitude, a.longitude)),
            EventBody::Flight(_)
            | EventBody::Flood(_)
            | EventBody::SpoofingSuspected(_)
            | EventBody::HeardWithoutPosition(_) => None,
        }
    }

    /// The positions the event cites as evidence (empty for episodes and flight records).
    pub fn evidence(&self) -> &[PositionRecord] {
        match &self.body {
            EventBody::ZoneEntry(c) => &c.evidence.positions,
            EventBody::ZonePresence(p) => &p.evidence.positions,
            EventBody::ZoneExit(x) => &x.crossing.evidence.positions,
            EventBody::ZoneTransit(t) => &t.entry.evidence.positions,
            EventBody::ClosestApproach(a) => &a.evidence.positions,
            EventBody::Orbit(o) => &o.evidence.positions,
            EventBody::Survey(s) => &s.evidence.positions,
            EventBody::SignalLost(l) => &l.evidence.positions,
            EventBody::SignalRegained(r) => &r.evidence.positions,
            EventBody::InferredCrossing(c) => &c.evidence.positions,
            EventBody::AppearedInside(a) => &a.evidence.positions,
            _ => &[],
        }
    }
}

fn depth(d: &Depth) -> DepthRecord {
    DepthRecord {
        max_nm: r2(d.max_nm),
        ts: r6(d.ts),
        latitude: r6(d.lat),
        longitude: r6(d.lon),
        land: d.land.map(|l| LandRecord {
            reached: l.reached,
            ts: l.first.map(|f| r6(f.0)),
            latitude: l.first.map(|f| r6(f.1)),
            longitude: l.first.map(|f| r6(f.2)),
        }),
    }
}

/// The zone an episode spent most of its time in.
fn main_zone(places: &[ZonePlace]) -> Option<String> {
    places
        .iter()
        .filter(|p| p.share_inside > 0.0)
        .max_by(|a, b| a.share_inside.total_cmp(&b.share_inside))
        .map(|p| p.zone.clone())
}

fn places(places: &[ZonePlace]) -> Vec<PlaceRecord> {
    places
        .iter()
        .map(|p| PlaceRecord {
            zone: p.zone.clone(),
            relation: match p.share_inside {
                s if s >= 1.0 => "inside",
                s if s > 0.0 => "part",
                _ => "outside",
            }
            .into(),
            time_inside_s: r2(p.time_inside_s),
            share_inside: r2(p.share_inside),
            centre_inside: p.centre_inside,
            centre_distance_nm: p.centre_distance_nm.map(r2),
            centre_over_land: p.centre_over_land,
            centre_land_distance_nm: p.centre_land_distance_nm.map(r2),
        })
        .collect()
}

fn crossing(z: &ZoneCrossing, inputs: &[String]) -> CrossingRecord {
    let c: &Crossing = &z.crossing;
    CrossingRecord {
        zone: z.zone.clone(),
        latitude: r6(c.latitude),
        longitude: r6(c.longitude),
        ts_before: r6(c.ts_before),
        ts_after: r6(c.ts_after),
        uncertainty_s: r2(c.uncertainty_s),
        uncertainty_nm: r2(c.uncertainty_nm),
        position_source: z.mlat.map(|_| "mlat".into()),
        mlat: z.mlat.as_ref().map(MlatClaimRecord::new),
        evidence: evidence(&[&z.before, &z.after], inputs),
    }
}

/// An episode's cited positions.
fn cited(positions: &[PositionEvidence], inputs: &[String]) -> EvidenceRecord {
    EvidenceRecord {
        positions: positions.iter().map(|p| position(p, inputs)).collect(),
    }
}

fn evidence(positions: &[&PositionEvidence], inputs: &[String]) -> EvidenceRecord {
    EvidenceRecord {
        positions: positions.iter().map(|p| position(p, inputs)).collect(),
    }
}

mod evidence;
pub use evidence::position;
mod mlat;
pub use mlat::{EllipseRecord, MlatClaimRecord, MlatReceiverRecord, SolutionRecord};

#[cfg(test)]
mod tests;

#[cfg(any(test, feature = "samples"))]
pub mod samples;
