//! The values detectors emit: [`Event`]s, each with the evidence it rests on.
//!
//! Owns the shapes only; JSON is the binary's business. Every event that places an aircraft
//! relative to a zone cites the trusted positions before and after the crossing — and through
//! them (`vigia_track::Evidence`) the raw frames or archive rows — so anyone can check it.

use vigia_modes::{Callsign, IcaoAddress, Squawk};
use vigia_track::{Evidence, FlightId};
use vigia_zones::{ClosestApproach, Crossing};

use crate::dark::{AppearedInside, InferredCrossing, SignalLost, SignalRegained};
use crate::identity::Identity;
use crate::orbit::Orbit;
use crate::score::Reason;
use crate::survey::Survey;

/// A trusted position cited as evidence.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PositionEvidence {
    /// Time, seconds.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet.
    pub altitude_ft: Option<f64>,
    /// The frames or row it was computed from.
    pub evidence: Evidence,
}

impl PositionEvidence {
    /// A trusted position as evidence.
    pub fn of(p: &vigia_track::TrustedPosition) -> Self {
        Self {
            ts: p.ts,
            lat: p.lat,
            lon: p.lon,
            altitude_ft: p.altitude_ft,
            evidence: p.evidence,
        }
    }

    /// Its time and place, as the zone geometry takes them.
    pub fn timed(&self) -> vigia_zones::TimedPoint {
        vigia_zones::TimedPoint {
            ts: self.ts,
            latitude: self.lat,
            longitude: self.lon,
        }
    }
}

/// A crossing of a zone's boundary between two trusted positions.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneCrossing {
    /// The zone's name (`MEX`).
    pub zone: String,
    /// Where and when, with its uncertainty (from `vigia-zones`).
    pub crossing: Crossing,
    /// The trusted position before the crossing.
    pub before: PositionEvidence,
    /// The trusted position after the crossing.
    pub after: PositionEvidence,
    /// When a bracketing position is multilaterated: how far the claim stands clear of its
    /// uncertainty.
    pub mlat: Option<MlatClaim>,
}

/// How strong a claim resting on multilaterated positions is. Observed only when every MLAT
/// position it cites lies farther from the boundary than its 95 % error: otherwise possible,
/// with the distance in units of that error.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MlatClaim {
    /// The largest 95 % error (semi-major axis) of the MLAT positions cited, metres.
    pub uncertainty_m: f64,
    /// The smallest distance to the boundary of an MLAT position cited, in units of its own
    /// 95 % error.
    pub clearance: f64,
}

impl MlatClaim {
    /// Whether the claim holds whatever the positions' errors: every MLAT position is clear
    /// of the boundary by more than its 95 % error.
    pub fn observed(&self) -> bool {
        self.clearance > 1.0
    }

    /// The claim of `positions` about a boundary `distance_nm` gives the distance of a
    /// position to; `None` when no position is multilaterated.
    pub fn of(
        positions: &[&PositionEvidence],
        mut distance_nm: impl FnMut(f64, f64) -> Option<f64>,
    ) -> Option<MlatClaim> {
        let mut claim: Option<MlatClaim> = None;
        for p in positions {
            let Some(m) = p.evidence.mlat() else {
                continue;
            };
            let error_m = f64::from(m.semi_major_m).max(1.0);
            let clearance = distance_nm(p.lat, p.lon).map_or(0.0, |nm| nm * 1852.0 / error_m);
            let c = claim.get_or_insert(MlatClaim {
                uncertainty_m: error_m,
                clearance,
            });
            c.uncertainty_m = c.uncertainty_m.max(error_m);
            c.clearance = c.clearance.min(clearance);
        }
        claim
    }
}

/// A flight first seen already inside a zone: it is present in the zone's airspace, and its
/// entry was not observed. Rests on its first two trusted positions, both inside.
#[derive(Clone, Debug, PartialEq)]
pub struct Presence {
    /// The zone's name.
    pub zone: String,
    /// The flight's first trusted position.
    pub first: PositionEvidence,
    /// The next trusted position, still inside.
    pub second: PositionEvidence,
    /// How far inside the boundary the first position lies, nautical miles.
    pub depth_nm: Option<f64>,
    /// Whether the first position lies over the country's land territory (sovereign zones
    /// bundled with a land polygon; `None` for others).
    pub over_land: Option<bool>,
    /// When the positions are multilaterated: how far inside they stand clear of their error.
    pub mlat: Option<MlatClaim>,
}

/// How deep into a zone a stretch inside went: the greatest distance from the boundary among
/// the flight's samples inside (5 s apart), and where that was.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Depth {
    /// Greatest distance inside the boundary, nautical miles.
    pub max_nm: f64,
    /// When the flight was deepest, seconds.
    pub ts: f64,
    /// Where, degrees.
    pub lat: f64,
    /// Where, degrees.
    pub lon: f64,
    /// Whether the stretch reached the country's land territory, and where first (sovereign
    /// zones bundled with a land polygon; `None` for others).
    pub land: Option<LandReach>,
}

/// A stretch inside a sovereign zone and the country's land territory.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LandReach {
    /// Whether a sample inside lay over land.
    pub reached: bool,
    /// The first such sample: time and place, seconds and degrees.
    pub first: Option<(f64, f64, f64)>,
}

/// Where an episode (orbit, survey) lies relative to one zone.
#[derive(Clone, Debug, PartialEq)]
pub struct ZonePlace {
    /// The zone's name.
    pub zone: String,
    /// Seconds of the episode flown inside the zone.
    pub time_inside_s: f64,
    /// Share of the episode's time inside, `0..=1`.
    pub share_inside: f64,
    /// Whether the episode's centre lies inside the zone.
    pub centre_inside: bool,
    /// Distance of the centre from the zone's boundary, nautical miles (inside or outside as
    /// `centre_inside` says).
    pub centre_distance_nm: Option<f64>,
    /// Whether the centre lies over the country's land territory (sovereign zones bundled with a
    /// land polygon; `None` for others).
    pub centre_over_land: Option<bool>,
    /// Distance of the centre from the land's edge (coast or land border), nautical miles,
    /// inland or offshore as `centre_over_land` says.
    pub centre_land_distance_nm: Option<f64>,
}

/// The closest a flight that stayed outside came to a zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Approach {
    /// The zone.
    pub zone: String,
    /// Distance, time and place (from `vigia-zones`).
    pub approach: ClosestApproach,
    /// The trusted position nearest the boundary.
    pub before: PositionEvidence,
    /// The trusted position after it.
    pub after: PositionEvidence,
}

/// Time spent in one zone during a flight.
#[derive(Clone, Debug, PartialEq)]
pub struct ZoneVisit {
    /// The zone's name.
    pub zone: String,
    /// Seconds inside (crossing times interpolated).
    pub time_inside_s: f64,
    /// Trusted positions inside.
    pub positions_inside: u64,
    /// Entries observed (crossings from outside).
    pub entries: u32,
    /// Whether the flight was first seen already inside (no entry observed).
    pub first_seen_inside: bool,
    /// How deep inside it went.
    pub depth: Option<Depth>,
}

/// A flight's summary record.
#[derive(Clone, Debug, PartialEq)]
pub struct FlightSummary {
    /// Start, seconds.
    pub start_ts: f64,
    /// End, seconds.
    pub end_ts: f64,
    /// Callsigns heard.
    pub callsigns: Vec<Callsign>,
    /// Mode A codes heard.
    pub squawks: Vec<Squawk>,
    /// Trusted positions.
    pub positions: u64,
    /// Rejected positions.
    pub rejected: u64,
    /// Who it is.
    pub identity: Identity,
    /// Surveillance score in `[0, 1]`.
    pub score: f64,
    /// Why the score is what it is.
    pub reasons: Vec<Reason>,
    /// Zones visited.
    pub zones: Vec<ZoneVisit>,
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventKind {
    /// The flight entered a zone.
    ZoneEntry(Box<ZoneCrossing>),
    /// The flight was first seen already inside a zone (entry not observed).
    ZonePresence(Box<Presence>),
    /// The flight left a zone; `next_zone` is a zone of interest it entered at the same time.
    ZoneExit {
        /// The crossing.
        crossing: Box<ZoneCrossing>,
        /// Time since the matching entry (or since first seen inside), seconds.
        time_inside_s: f64,
        /// Zone entered at the same crossing, if any (e.g. MEX → USA over land).
        next_zone: Option<String>,
        /// How deep inside the stretch that ends here went.
        depth: Option<Depth>,
    },
    /// The flight entered and left a zone between two consecutive trusted positions.
    ZoneTransit {
        /// The entry.
        entry: Box<ZoneCrossing>,
        /// The exit.
        exit: Box<ZoneCrossing>,
    },
    /// The flight came within the approach distance of a zone but never entered it.
    ClosestApproach(Box<Approach>),
    /// Orbiting or flying a racetrack.
    Orbit(Orbit),
    /// Flying a survey grid.
    Survey(Survey),
    /// One record per flight.
    Flight(Box<FlightSummary>),
    /// The flight stopped being heard where the receivers hear (`crate::dark`).
    SignalLost(Box<SignalLost>),
    /// Heard again after a `SignalLost`.
    SignalRegained(Box<SignalRegained>),
    /// A sovereign boundary the great circle across a gap crosses: inferred, never observed.
    InferredCrossing(Box<InferredCrossing>),
    /// First heard already inside a sovereign zone, in well-covered airspace.
    AppearedInside(Box<AppearedInside>),
}

impl EventKind {
    /// The snake_case type name used in outputs.
    pub fn type_name(&self) -> &'static str {
        match self {
            EventKind::ZoneEntry(_) => "zone_entry",
            EventKind::ZonePresence(_) => "zone_presence",
            EventKind::ZoneExit { .. } => "zone_exit",
            EventKind::ZoneTransit { .. } => "zone_transit",
            EventKind::ClosestApproach(_) => "closest_approach",
            EventKind::Orbit(_) => "orbit",
            EventKind::Survey(_) => "survey",
            EventKind::Flight(_) => "flight",
            EventKind::SignalLost(_) => "signal_lost",
            EventKind::SignalRegained(_) => "signal_regained",
            EventKind::InferredCrossing(_) => "inferred_crossing",
            EventKind::AppearedInside(_) => "appeared_inside",
        }
    }

    /// Whether this event places the aircraft inside a sovereign zone (an accusation).
    pub fn is_sovereignty_event(&self) -> bool {
        matches!(
            self,
            EventKind::ZoneEntry(_)
                | EventKind::ZonePresence(_)
                | EventKind::ZoneExit { .. }
                | EventKind::ZoneTransit { .. }
                | EventKind::InferredCrossing(_)
                | EventKind::AppearedInside(_)
        )
    }
}

/// One detection.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Its flight.
    pub flight_id: FlightId,
    /// Its callsign when the event happened, if known.
    pub callsign: Option<Callsign>,
    /// When: the crossing time, or an episode's start.
    pub ts: f64,
    /// What.
    pub kind: EventKind,
    /// Where an episode (orbit, survey) lies relative to every zone watched; empty for the
    /// other events, which name their zone themselves.
    pub places: Vec<ZonePlace>,
    /// The positions an episode rests on, with the frames or rows they came from: its first
    /// and last kept positions and a few between (at most [`CITED_PER_EPISODE`]); empty for the
    /// other events, which cite their own.
    pub cited: Vec<PositionEvidence>,
}

/// Positions an episode cites at most.
pub const CITED_PER_EPISODE: usize = 8;
