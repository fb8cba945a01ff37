//! The records of going dark (`crate::dark`): a signal lost where the receivers hear, the
//! signal regained, a sovereign boundary crossed as inferred across the gap, and a flight first
//! heard already inside a zone in well-covered airspace.

use serde::{Deserialize, Serialize};
use vigia_zones::Direction;

use super::{position, r2, r6, EvidenceRecord};
use crate::dark::{AppearedInside, InferredCrossing, PathPoint, SignalLost, SignalRegained};

/// A flight stopped being heard where the receivers hear.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalLostRecord {
    /// `adsb_off` (ADS-B positions stopped, other frames still heard) or `silent`.
    pub kind: String,
    /// Time of the last trusted position, seconds.
    pub since: f64,
    /// When the gap was judged, seconds.
    pub noticed: f64,
    /// Gap when judged, seconds.
    pub gap_s: f64,
    /// Latest time any frame of the address was heard, seconds.
    pub last_heard: f64,
    /// Frames of the address heard since the last position that carry no position.
    pub other_frames: u32,
    /// Position frames heard since that made no trusted position.
    pub position_frames: u32,
    /// Share of its position broadcasts heard in the minute before, 0–1.
    pub reliability: f64,
    /// The last trusted position, degrees.
    pub latitude: f64,
    /// The last trusted position, degrees.
    pub longitude: f64,
    /// The lowest coverage along the predicted path, 0–1.
    pub coverage_min: f64,
    /// The predicted path (dead reckoning from the last position) and the coverage along it.
    pub path: Vec<PathPointRecord>,
    /// The nearest sovereign zone to the last position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nearest_zone: Option<String>,
    /// Whether the last position was inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inside_zone: Option<bool>,
    /// Distance from the last position to that zone's boundary, nautical miles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary_distance_nm: Option<f64>,
    /// The last trusted positions with their frames.
    pub evidence: EvidenceRecord,
}

/// A point of a predicted path.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PathPointRecord {
    /// Seconds.
    pub ts: f64,
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Share of position broadcasts the network hears there, 0–1.
    pub coverage: f64,
    /// Broadcasts that share rests on.
    pub expected: f64,
}

/// Heard again after a `signal_lost`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignalRegainedRecord {
    /// What had stopped: `adsb_off` or `silent`.
    pub kind: String,
    /// The last trusted position before the gap, seconds.
    pub ts_before: f64,
    /// The first after it, seconds.
    pub ts_after: f64,
    /// The gap, seconds.
    pub gap_s: f64,
    /// Distance between the two positions, nautical miles.
    pub distance_nm: f64,
    /// Ground speed the gap implies, knots.
    pub implied_speed_kt: f64,
    /// Where it was heard again, degrees.
    pub latitude: f64,
    /// Where it was heard again, degrees.
    pub longitude: f64,
    /// The flight the gap began in.
    pub lost_flight_id: String,
    /// The positions before and after the gap.
    pub evidence: EvidenceRecord,
}

/// A sovereign boundary crossed, inferred across a gap: never observed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InferredCrossingRecord {
    /// The zone.
    pub zone: String,
    /// `entry` or `exit`.
    pub direction: String,
    /// Where the great circle across the gap crosses the boundary, degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// The last trusted position before the gap, seconds.
    pub ts_before: f64,
    /// The first after it, seconds.
    pub ts_after: f64,
    /// The gap, seconds.
    pub gap_s: f64,
    /// How far the crossing time (at constant speed, the event's `ts`) may be off: to either
    /// end of the gap, seconds.
    pub uncertainty_s: f64,
    /// Always false: nobody saw the crossing.
    pub observed: bool,
    /// The positions before and after the gap.
    pub evidence: EvidenceRecord,
}

/// First heard already inside a sovereign zone, in well-covered airspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AppearedInsideRecord {
    /// The zone.
    pub zone: String,
    /// The first trusted position, degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Feet.
    pub altitude: Option<i64>,
    /// Distance inside the boundary, nautical miles.
    pub depth_nm: Option<f64>,
    /// Coverage of its cell, 0–1.
    pub coverage: f64,
    /// Broadcasts that coverage rests on.
    pub coverage_expected: f64,
    /// The lowest coverage of the cells around it, 0–1.
    pub coverage_around_min: f64,
    /// Vertical rate at the first position, feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// Always false: nobody saw it enter.
    pub entry_observed: bool,
    /// The first trusted position with its frames.
    pub evidence: EvidenceRecord,
}

fn r3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn path_point(p: &PathPoint) -> PathPointRecord {
    PathPointRecord {
        ts: r6(p.ts),
        latitude: r6(p.lat),
        longitude: r6(p.lon),
        coverage: r3(p.coverage),
        expected: p.expected.round(),
    }
}

pub(super) fn lost(l: &SignalLost, inputs: &[String]) -> SignalLostRecord {
    let (lat, lon) = l.last.last().map_or((0.0, 0.0), |p| (p.lat, p.lon));
    SignalLostRecord {
        kind: l.kind.name().into(),
        since: r6(l.since),
        noticed: r6(l.noticed),
        gap_s: r2(l.noticed - l.since),
        last_heard: r6(l.last_heard),
        other_frames: l.other_frames,
        position_frames: l.position_frames,
        reliability: r3(l.reliability),
        latitude: r6(lat),
        longitude: r6(lon),
        coverage_min: r3(l.path.iter().map(|p| p.coverage).fold(1.0, f64::min)),
        path: l.path.iter().map(path_point).collect(),
        nearest_zone: l.boundary.as_ref().map(|b| b.zone.clone()),
        inside_zone: l.boundary.as_ref().map(|b| b.inside),
        boundary_distance_nm: l.boundary.as_ref().map(|b| r2(b.distance_nm)),
        evidence: EvidenceRecord {
            positions: l.last.iter().map(|p| position(p, inputs)).collect(),
        },
    }
}

pub(super) fn regained(r: &SignalRegained, inputs: &[String]) -> SignalRegainedRecord {
    SignalRegainedRecord {
        kind: r.kind.name().into(),
        ts_before: r6(r.before.ts),
        ts_after: r6(r.after.ts),
        gap_s: r2(r.gap_s),
        distance_nm: r2(r.distance_nm),
        implied_speed_kt: r2(r.implied_speed_kt),
        latitude: r6(r.after.lat),
        longitude: r6(r.after.lon),
        lost_flight_id: r.lost_flight.to_string(),
        evidence: EvidenceRecord {
            positions: vec![position(&r.before, inputs), position(&r.after, inputs)],
        },
    }
}

pub(super) fn crossing(c: &InferredCrossing, inputs: &[String]) -> InferredCrossingRecord {
    InferredCrossingRecord {
        zone: c.zone.clone(),
        direction: match c.direction {
            Direction::Entry => "entry",
            Direction::Exit => "exit",
        }
        .into(),
        latitude: r6(c.lat),
        longitude: r6(c.lon),
        ts_before: r6(c.before.ts),
        ts_after: r6(c.after.ts),
        gap_s: r2(c.gap_s),
        uncertainty_s: r2((c.ts - c.before.ts).max(c.after.ts - c.ts)),
        observed: false,
        evidence: EvidenceRecord {
            positions: vec![position(&c.before, inputs), position(&c.after, inputs)],
        },
    }
}

pub(super) fn appeared(a: &AppearedInside, inputs: &[String]) -> AppearedInsideRecord {
    AppearedInsideRecord {
        zone: a.zone.clone(),
        latitude: r6(a.first.lat),
        longitude: r6(a.first.lon),
        altitude: a.first.altitude_ft.map(|x| x.round() as i64),
        depth_nm: a.depth_nm.map(r2),
        coverage: r3(a.coverage),
        coverage_expected: a.expected.round(),
        coverage_around_min: r3(a.around_min),
        vertical_rate_fpm: a.vertical_rate_fpm.map(f64::round),
        entry_observed: false,
        evidence: EvidenceRecord {
            positions: vec![position(&a.first, inputs)],
        },
    }
}
