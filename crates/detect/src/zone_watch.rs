//! Following one flight relative to one zone: entries, exits, transits, time inside, and the
//! closest approach of a flight that stayed outside.
//!
//! Works on consecutive *trusted* positions only (the tracker has already refused anything it
//! could not validate), so no event ever rests on a single unvalidated position. A flight first
//! seen already inside a zone produces no entry — vigia claims only the crossings it observed —
//! but a presence, once its second trusted position is inside too.
//!
//! Never across a break: where the tracker starts a new segment (the previous position could
//! not have been reached), [`ZoneWatch::restart`] takes the place of a step. No crossing is
//! interpolated and no closest approach refined over the jump; an open stretch inside closes
//! at the last position before the break. A segment that starts inside is counted in the
//! flight's time inside, but raises no event: one side of an impossible jump is wrong, and an
//! accusation cannot rest on a stretch that may be the spoofed one.
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
    /// First seen inside, and still inside at the next trusted position: present, entry not
    /// observed (the first position, the second).
    Presence(Box<(PositionEvidence, PositionEvidence)>),
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
    /// The segment of the flight being followed, and the segment of `nearest`.
    segment: u32,
    nearest_segment: u32,
    /// The first position of a stretch that started inside without an observed entry (the
    /// flight's first position or a segment's first), until the next position confirms it.
    presence_from: Option<PositionEvidence>,
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
            segment: 0,
            nearest_segment: 0,
            presence_from: None,
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
        self.positions_inside > 0 || self.entries > 0
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
    /// position that followed it in the same segment.
    pub fn nearest(&self) -> Option<(f64, PositionEvidence, Option<PositionEvidence>)> {
        self.nearest.map(|(d, p)| (d, p, self.after_nearest))
    }

    /// The flight segment the nearest position belongs to: a closest approach is refined
    /// along that segment only.
    pub fn nearest_segment(&self) -> u32 {
        self.nearest_segment
    }

    /// Start the flight's next segment at `next`, after a break in the track (`prev`, if any,
    /// is the last position before it). Nothing is inferred about the jump: no crossing, no
    /// time inside across it, no presence from a segment that starts inside (module docs).
    pub fn restart(
        &mut self,
        zones: &ZoneIndex,
        prev: Option<&PositionEvidence>,
        next: &PositionEvidence,
    ) {
        let was_inside = self.is_inside();
        if was_inside {
            let end = prev.map_or(self.inside_since, |p| p.ts);
            self.time_inside_s += (end - self.inside_since).max(0.0);
        }
        self.segment += 1;
        let now_inside = zones.contains(self.zone, next.lat, next.lon);
        self.inside = Some(now_inside);
        self.inside_since = next.ts;
        self.positions_inside += u64::from(now_inside);
        self.presence_from = None;
        self.check(zones, next, now_inside);
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
            self.presence_from = now_inside.then_some(*next);
            self.check(zones, next, now_inside);
            return;
        };
        let was_inside = self.inside == Some(true);
        let steps_before = out.len();
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
            let crossings = zones.crossings(self.zone, prev.timed(), next.timed());
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
            // The crossing geometry and the end-point test agree except within metres of an
            // edge (a position on the boundary itself). The end-point test is exact, so when the
            // geometry found no crossing the state changed at the position: the crossing is
            // there, with the whole step as its uncertainty — never a silent change of state.
            if inside != now_inside {
                let c = Crossing {
                    direction: if now_inside {
                        Direction::Entry
                    } else {
                        Direction::Exit
                    },
                    ts_before: prev.ts,
                    ts_after: next.ts,
                    ts: next.ts,
                    latitude: next.lat,
                    longitude: next.lon,
                    uncertainty_s: next.ts - prev.ts,
                    uncertainty_nm: segment_m / M_PER_NM,
                };
                if now_inside {
                    self.entries += 1;
                    self.inside_since = c.ts;
                    pending_entry = Some(c);
                } else {
                    let stretch = c.ts - self.inside_since;
                    self.time_inside_s += stretch;
                    match pending_entry.take() {
                        Some(entry) => out.push(ZoneStep::Transit(entry, c)),
                        None => out.push(ZoneStep::Exit(c, stretch)),
                    }
                }
            }
            if let Some(entry) = pending_entry {
                out.push(ZoneStep::Entry(entry));
            }
            self.check(zones, next, now_inside);
        }
        self.inside = Some(now_inside);
        self.positions_inside += u64::from(now_inside);
        // Two trusted positions inside from the first of a stretch whose entry nobody saw (the
        // flight's first position, or a segment's first), with no crossing between: present.
        if let Some(first) = self.presence_from.take() {
            if now_inside && out.len() == steps_before {
                out.push(ZoneStep::Presence(Box::new((first, *next))));
            }
        }
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
            self.nearest_segment = self.segment;
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use vigia_track::{Evidence, SourceRef};

    /// A one-degree box from (10 N, 20 E) to (11 N, 21 E).
    fn zones() -> (ZoneIndex, ZoneId) {
        crate::testing::box_zone()
    }

    fn at(ts: f64, lat: f64, lon: f64) -> PositionEvidence {
        PositionEvidence {
            ts,
            lat,
            lon,
            altitude_ft: Some(30_000.0),
            evidence: Evidence::Report(SourceRef::default()),
        }
    }

    /// Run `path` through a new watch; the steps of each move.
    fn fly(path: &[PositionEvidence]) -> (ZoneWatch, Vec<ZoneStep>) {
        let (index, zone) = zones();
        let mut watch = ZoneWatch::new(zone, 50.0);
        let mut out = Vec::new();
        let mut prev: Option<PositionEvidence> = None;
        for p in path {
            watch.step(&index, prev.as_ref(), p, &mut out);
            prev = Some(*p);
        }
        (watch, out)
    }

    #[test]
    fn nothing_is_inferred_across_a_break() {
        // Outside west of the box, then (a new segment) inside it, then (another) outside east:
        // the straight lines between would cross the boundary twice; nothing may be claimed.
        let (index, zone) = zones();
        let mut watch = ZoneWatch::new(zone, 50.0);
        let mut out = Vec::new();
        let west = [at(0.0, 10.5, 19.5), at(60.0, 10.5, 19.55)];
        let inside = [
            at(120.0, 10.5, 20.5),
            at(180.0, 10.5, 20.55),
            at(240.0, 10.5, 20.6),
        ];
        let east = [at(300.0, 10.5, 21.5), at(360.0, 10.5, 21.55)];
        watch.step(&index, None, &west[0], &mut out);
        watch.step(&index, Some(&west[0]), &west[1], &mut out);
        watch.restart(&index, Some(&west[1]), &inside[0]);
        watch.step(&index, Some(&inside[0]), &inside[1], &mut out);
        watch.step(&index, Some(&inside[1]), &inside[2], &mut out);
        assert!(watch.is_inside());
        watch.restart(&index, Some(&inside[2]), &east[0]);
        watch.step(&index, Some(&east[0]), &east[1], &mut out);
        assert!(
            out.is_empty(),
            "no entry, exit or presence across a break: {out:?}"
        );
        assert_eq!(watch.entries, 0);
        // Time inside: the stretch observed inside, not the jumps around it.
        assert_eq!(watch.time_inside_until(360.0), 120.0);
        assert!(watch.visited() && !watch.first_seen_inside);
        // The same path without breaks is an entry and an exit.
        let path: Vec<_> = west.iter().chain(&inside).chain(&east).copied().collect();
        let (_, steps) = fly(&path);
        assert!(
            matches!(steps[..], [ZoneStep::Entry(_), ZoneStep::Exit(..)]),
            "{steps:?}"
        );
    }

    #[test]
    fn a_closest_approach_is_refined_within_its_segment() {
        let (index, zone) = zones();
        let mut watch = ZoneWatch::new(zone, 50.0);
        let mut out = Vec::new();
        let a = at(0.0, 10.5, 19.0);
        let b = at(60.0, 10.5, 19.9); // 0.1° west of the box: the nearest
        let c = at(120.0, 12.5, 19.0); // after a break
        watch.step(&index, None, &a, &mut out);
        watch.step(&index, Some(&a), &b, &mut out);
        watch.restart(&index, Some(&b), &c);
        let (_, near, after) = watch.nearest().unwrap();
        assert_eq!(near.ts, 60.0);
        assert_eq!(
            after, None,
            "the position after the break does not bracket it"
        );
        assert_eq!(watch.nearest_segment(), 0);
    }

    #[test]
    fn an_observed_entry_and_exit_with_the_time_between() {
        // West to east along 10.5 N at 0.05° a minute: in at 20 E, out at 21 E. (No sample lies
        // exactly on the boundary: see `a_position_on_the_boundary_*` below.)
        let path: Vec<_> = (0..=40)
            .map(|k| at(f64::from(k) * 60.0, 10.5, 19.23 + f64::from(k) * 0.05))
            .collect();
        let (watch, steps) = fly(&path);
        assert_eq!(steps.len(), 2, "{steps:?}");
        let ZoneStep::Entry(entry) = &steps[0] else {
            panic!("{steps:?}")
        };
        let ZoneStep::Exit(exit, inside_s) = &steps[1] else {
            panic!("{steps:?}")
        };
        assert!((entry.longitude - 20.0).abs() < 1e-3, "{entry:?}");
        assert!(entry.ts_before < entry.ts && entry.ts < entry.ts_after);
        assert!((exit.longitude - 21.0).abs() < 1e-3, "{exit:?}");
        assert!((inside_s - (exit.ts - entry.ts)).abs() < 1e-6);
        assert!((inside_s - 1200.0).abs() < 2.0, "{inside_s}");
        assert_eq!((watch.entries, watch.first_seen_inside), (1, false));
        assert!(!watch.is_inside() && watch.visited());
        assert_eq!(watch.positions_inside, 20);
        assert_eq!(watch.closest_approach(&zones().0, &[]), None);
    }

    #[test]
    fn a_position_on_the_boundary_is_where_the_flight_crossed() {
        // Samples land exactly on 20 E (inside: the boundary belongs to the zone) and on 21 E
        // (outside), where the crossing geometry finds no crossing within the step.
        let path: Vec<_> = (0..=40)
            .map(|k| at(f64::from(k) * 60.0, 10.5, 19.2 + f64::from(k) * 0.05))
            .collect();
        let (index, zone) = zones();
        assert!(
            index.contains(zone, 10.5, path[16].lon) && !index.contains(zone, 10.5, path[36].lon)
        );
        let (watch, steps) = fly(&path);
        let [ZoneStep::Entry(entry), ZoneStep::Exit(exit, inside_s)] = steps.as_slice() else {
            panic!("{steps:?}")
        };
        assert_eq!(
            (entry.ts, entry.ts_before, entry.uncertainty_s),
            (960.0, 900.0, 60.0)
        );
        assert_eq!((exit.ts, exit.longitude), (2160.0, path[36].lon));
        assert_eq!(*inside_s, 1200.0);
        assert_eq!((watch.entries, watch.positions_inside), (1, 20));
    }

    #[test]
    fn a_clip_between_two_positions_is_a_transit() {
        // Both positions outside, the segment between them cuts the box's south-west corner.
        let (_, steps) = fly(&[at(0.0, 10.05, 19.9), at(60.0, 9.95, 20.1)]);
        assert!(
            matches!(steps.as_slice(), [ZoneStep::Transit(a, b)] if a.ts < b.ts),
            "{steps:?}"
        );
    }

    #[test]
    fn a_flight_first_seen_inside_claims_no_entry_but_presence() {
        let (watch, steps) = fly(&[
            at(0.0, 10.5, 20.5),
            at(60.0, 10.5, 20.55),
            at(120.0, 10.5, 20.6),
        ]);
        assert!(
            matches!(steps.as_slice(), [ZoneStep::Presence(p)] if p.0.ts == 0.0 && p.1.ts == 60.0),
            "{steps:?}"
        );
        assert!(watch.first_seen_inside && watch.is_inside() && watch.visited());
        assert_eq!(watch.entries, 0);
        assert_eq!(watch.time_inside_until(600.0), 600.0);
        // One position inside, then out: an exit, and no presence claimed on one position.
        let (_, steps) = fly(&[at(0.0, 10.5, 20.95), at(60.0, 10.5, 21.05)]);
        assert!(
            matches!(steps.as_slice(), [ZoneStep::Exit(..)]),
            "{steps:?}"
        );
    }

    #[test]
    fn a_flight_that_stays_outside_keeps_its_nearest_approach() {
        // Passing 0.2° south of the box, nearest at 20.5 E.
        let path: Vec<_> = (0..=20)
            .map(|k| at(f64::from(k) * 60.0, 9.8, 20.0 + f64::from(k) * 0.05))
            .collect();
        let (watch, steps) = fly(&path);
        assert!(steps.is_empty());
        let (d, near, after) = watch.nearest().unwrap();
        // 0.2° of latitude is 12 NM.
        assert!((d / M_PER_NM - 12.0).abs() < 0.2, "{d}");
        assert!(after.is_some_and(|a| a.ts > near.ts));
        let track: Vec<TimedPoint> = path
            .iter()
            .map(|p| TimedPoint {
                ts: p.ts,
                latitude: p.lat,
                longitude: p.lon,
            })
            .collect();
        let approach = watch.closest_approach(&zones().0, &track).unwrap();
        assert!((approach.distance_nm - 12.0).abs() < 0.2, "{approach:?}");
    }

    proptest! {
        /// Whatever the path, the steps alternate entry and exit, the watch's state agrees with
        /// the last position, and time inside never exceeds the time flown.
        #[test]
        fn steps_alternate_and_agree_with_the_last_position(
            moves in proptest::collection::vec((-0.3f64..0.3, -0.3f64..0.3), 1..60),
        ) {
            let (index, zone) = zones();
            let mut path = vec![at(0.0, 9.9, 19.9)];
            for (k, (dlat, dlon)) in moves.iter().enumerate() {
                let last = path[path.len() - 1];
                path.push(at((k + 1) as f64 * 60.0, last.lat + dlat, last.lon + dlon));
            }
            let (watch, steps) = fly(&path);
            let mut inside = false;
            for step in &steps {
                match step {
                    ZoneStep::Entry(_) => { prop_assert!(!inside); inside = true; }
                    ZoneStep::Exit(_, t) => { prop_assert!(inside && *t >= 0.0); inside = false; }
                    ZoneStep::Transit(a, b) => { prop_assert!(!inside && a.ts <= b.ts); }
                    ZoneStep::Presence(..) => { prop_assert!(false, "the path starts outside"); }
                }
            }
            let last = path[path.len() - 1];
            prop_assert_eq!(watch.is_inside(), index.contains(zone, last.lat, last.lon));
            let end = last.ts;
            prop_assert!(watch.time_inside_until(end) <= end + 1e-6);
        }
    }
}
