//! Following one flight relative to one zone: entries, exits, transits, time inside, and the
//! closest approach of a flight that stayed outside.
//!
//! Works on consecutive *trusted* positions only (the tracker has already refused anything it
//! could not validate), so no event ever rests on a single unvalidated position. A flight first
//! seen already inside a zone produces no entry: vigia claims only the crossings it observed.
//!
//! Exact crossing geometry is asked of `vigia-zones` only when the segment can reach the
//! boundary: a cached lower bound on the distance to the boundary (distance at the last check
//! minus the distance flown since) skips the query while the aircraft is far away.

use vigia_zones::{ClosestApproach, Crossing, Direction, TimedPoint, ZoneId, ZoneIndex};

use crate::event::PositionEvidence;
use crate::geometry::distance_m;

const M_PER_NM: f64 = 1852.0;

/// What one step of a flight did relative to the zone.
#[derive(Clone, Debug, PartialEq)]
pub enum ZoneStep {
    /// Entered (crossing, position before, position after).
    Entry(Crossing),
    /// Left, after `time_inside_s` inside.
    Exit(Crossing, f64),
    /// Entered and left between the two positions.
    Transit(Crossing, Crossing),
}

/// One flight's state relative to one zone.
#[derive(Clone, Debug)]
pub struct ZoneWatch {
    zone: ZoneId,
    inside: Option<bool>,
    inside_since: f64,
    /// Seconds inside so far (closed stretches).
    pub time_inside_s: f64,
    /// Trusted positions inside.
    pub positions_inside: u64,
    /// Observed entries.
    pub entries: u32,
    /// First seen inside.
    pub first_seen_inside: bool,
    /// Lower bound on the distance to the boundary at `check_at`, metres.
    clearance_m: f64,
    check_at: (f64, f64),
    /// Nearest approach seen at check points while outside: (distance m, position).
    nearest: Option<(f64, PositionEvidence)>,
    /// The position that followed the nearest one.
    after_nearest: Option<PositionEvidence>,
    /// Within this distance of the boundary, every position is checked (closest approach).
    approach_m: f64,
}

impl ZoneWatch {
    /// Start watching `zone` for a new flight; closest approaches are followed within
    /// `approach_nm` of the boundary.
    pub fn new(zone: ZoneId, approach_nm: f64) -> Self {
        Self {
            zone,
            inside: None,
            inside_since: 0.0,
            time_inside_s: 0.0,
            positions_inside: 0,
            entries: 0,
            first_seen_inside: false,
            clearance_m: 0.0,
            check_at: (0.0, 0.0),
            nearest: None,
            after_nearest: None,
            approach_m: approach_nm * M_PER_NM,
        }
    }

    /// The zone watched.
    pub fn zone(&self) -> ZoneId {
        self.zone
    }

    /// Whether the flight was inside at its last position.
    pub fn is_inside(&self) -> bool {
        self.inside == Some(true)
    }

    /// Whether the flight ever was inside.
    pub fn visited(&self) -> bool {
        self.first_seen_inside || self.entries > 0
    }

    /// Time inside including the open stretch up to `now`.
    pub fn time_inside_until(&self, now: f64) -> f64 {
        self.time_inside_s
            + if self.is_inside() {
                now - self.inside_since
            } else {
                0.0
            }
    }

    /// The nearest position to the boundary seen while outside (distance in metres), and the
    /// position that followed it.
    pub fn nearest(&self) -> Option<(f64, PositionEvidence, Option<PositionEvidence>)> {
        self.nearest.map(|(d, p)| (d, p, self.after_nearest))
    }

    /// Advance from `prev` (None for the flight's first position) to `next`.
    pub fn step(
        &mut self,
        zones: &ZoneIndex,
        prev: Option<&PositionEvidence>,
        next: &PositionEvidence,
        out: &mut Vec<ZoneStep>,
    ) {
        let now_inside = zones.contains(self.zone, next.lat, next.lon);
        let Some(prev) = prev else {
            self.inside = Some(now_inside);
            self.first_seen_inside = now_inside;
            self.inside_since = next.ts;
            self.positions_inside += u64::from(now_inside);
            self.check(zones, next, now_inside);
            return;
        };
        let was_inside = self.inside == Some(true);
        if self.after_nearest.is_none() && self.nearest.is_some_and(|(_, p)| p.ts == prev.ts) {
            self.after_nearest = Some(*next);
        }
        let segment_m = distance_m(prev.lat, prev.lon, next.lat, next.lon);
        let bound = self.bound(next);
        // The path can reach the boundary only if its end is within a segment's length of it
        // (both ends inside: a short excursion out and back is caught the same way).
        let may_touch = was_inside != now_inside || bound <= segment_m;
        if !may_touch && bound <= self.approach_m {
            self.check(zones, next, now_inside);
        }
        if may_touch {
            let p1 = TimedPoint {
                ts: prev.ts,
                latitude: prev.lat,
                longitude: prev.lon,
            };
            let p2 = TimedPoint {
                ts: next.ts,
                latitude: next.lat,
                longitude: next.lon,
            };
            let crossings = zones.crossings(self.zone, p1, p2);
            let mut pending_entry: Option<Crossing> = None;
            let mut inside = was_inside;
            for c in crossings {
                match c.direction {
                    Direction::Entry if !inside => {
                        inside = true;
                        self.entries += 1;
                        self.inside_since = c.ts;
                        pending_entry = Some(c);
                    }
                    Direction::Exit if inside => {
                        inside = false;
                        let stretch = c.ts - self.inside_since;
                        self.time_inside_s += stretch;
                        match pending_entry.take() {
                            Some(entry) => out.push(ZoneStep::Transit(entry, c)),
                            None => out.push(ZoneStep::Exit(c, stretch)),
                        }
                    }
                    _ => {}
                }
            }
            if let Some(entry) = pending_entry {
                out.push(ZoneStep::Entry(entry));
            }
            // The crossing geometry and the end-point test agree except within metres of an
            // edge; the end-point test (exact) wins for the state.
            if inside != now_inside {
                if now_inside {
                    self.inside_since = next.ts;
                } else {
                    self.time_inside_s += next.ts - self.inside_since;
                }
            }
            self.check(zones, next, now_inside);
        }
        self.inside = Some(now_inside);
        self.positions_inside += u64::from(now_inside);
    }

    /// Lower bound on the distance from `p` to the boundary, from the last check.
    fn bound(&self, p: &PositionEvidence) -> f64 {
        self.clearance_m - distance_m(self.check_at.0, self.check_at.1, p.lat, p.lon)
    }

    fn check(&mut self, zones: &ZoneIndex, p: &PositionEvidence, inside: bool) {
        let d = zones
            .distance_to_boundary_nm(self.zone, p.lat, p.lon)
            .map_or(f64::INFINITY, |nm| nm * M_PER_NM);
        self.clearance_m = d;
        self.check_at = (p.lat, p.lon);
        if !inside && self.nearest.is_none_or(|(best, _)| d < best) {
            self.nearest = Some((d, *p));
            self.after_nearest = None;
        }
    }

    /// Refine the closest approach over `track` (the flight's samples around the nearest
    /// check point), for a flight that never entered.
    pub fn closest_approach(
        &self,
        zones: &ZoneIndex,
        track: &[TimedPoint],
    ) -> Option<ClosestApproach> {
        if self.visited() {
            return None;
        }
        zones.closest_approach(self.zone, track)
    }
}
