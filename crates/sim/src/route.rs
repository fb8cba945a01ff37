//! A flight plan turned into one path: a polyline of great-circle segments from the initial
//! position through every leg, with the arc length along it.
//!
//! Owns the geometry of the patterns — orbits, racetracks and survey grids are drawn as arcs
//! of 5° — and the queries the autopilot needs: the point at an arc length, and the
//! nearest point of the path ahead. One path for the whole plan lets the autopilot look
//! ahead across a leg boundary, so it turns onto the next leg before reaching it, as a
//! flight management system does with fly-by waypoints. Each segment remembers the leg
//! that drew it. It does not move the aircraft ([`crate::flight`]).

use crate::geo::{along_across_m, bearing_deg, destination, distance_m, Point, METRES_PER_NM};
use crate::scenario::{Aircraft, Route as LegRoute};

/// Step of the arcs drawn for orbits, racetrack and grid turns, degrees.
const ARC_STEP_DEG: f64 = 5.0;
/// Points closer than this to the previous one are dropped, metres.
const MIN_SEGMENT_M: f64 = 1.0;

/// The whole planned path of one aircraft.
#[derive(Debug, Clone)]
pub struct Path {
    points: Vec<Point>,
    /// Leg index of the segment that ends at `points[k + 1]`.
    legs: Vec<usize>,
    /// Arc length at `points[k]`, metres.
    cumulative_m: Vec<f64>,
    /// Initial bearing of segment `k`, degrees.
    bearings: Vec<f64>,
}

impl Path {
    /// Draw the path of an aircraft's flight plan, from its initial position and heading.
    pub fn plan(aircraft: &Aircraft) -> Path {
        let start = Point::new(aircraft.position[0], aircraft.position[1]);
        let mut path = Path {
            points: vec![start],
            legs: Vec::new(),
            cumulative_m: vec![0.0],
            bearings: Vec::new(),
        };
        let mut course = aircraft.heading_deg;
        for (leg_index, leg) in aircraft.legs.iter().enumerate() {
            let Some(route) = leg.route() else { continue };
            let here = path.last();
            let points = match route {
                LegRoute::To(p) => vec![Point::new(p[0], p[1])],
                LegRoute::Course(c) => {
                    vec![destination(
                        here,
                        c.heading_deg,
                        c.distance_nm * METRES_PER_NM,
                    )]
                }
                LegRoute::Orbit(o) => {
                    let centre = Point::new(o.centre[0], o.centre[1]);
                    let radius = o.radius_nm * METRES_PER_NM;
                    let from = if distance_m(centre, here) < 1.0 {
                        course
                    } else {
                        bearing_deg(centre, here)
                    };
                    arc(centre, radius, from, o.direction.sign() * 360.0 * o.turns)
                }
                LegRoute::Racetrack(r) => racetrack(r),
                LegRoute::Grid(g) => grid(g),
            };
            for p in points {
                path.push(p, leg_index);
            }
            if let Some(&b) = path.bearings.last() {
                course = b;
            }
        }
        path
    }

    fn last(&self) -> Point {
        self.points[self.points.len() - 1]
    }

    fn push(&mut self, p: Point, leg: usize) {
        let last = self.last();
        let length = distance_m(last, p);
        if length < MIN_SEGMENT_M {
            return;
        }
        self.bearings.push(bearing_deg(last, p));
        self.legs.push(leg);
        let total = self.length_m() + length;
        self.points.push(p);
        self.cumulative_m.push(total);
    }

    /// Total length, metres.
    pub fn length_m(&self) -> f64 {
        self.cumulative_m[self.cumulative_m.len() - 1]
    }

    /// Number of segments.
    pub fn segments(&self) -> usize {
        self.legs.len()
    }

    /// The segment that holds arc length `s` (the last one past the end).
    fn segment_at(&self, s: f64) -> usize {
        let k = self.cumulative_m.partition_point(|&c| c <= s);
        k.saturating_sub(1).min(self.segments().saturating_sub(1))
    }

    /// The leg being flown at arc length `s`.
    pub fn leg_at(&self, s: f64) -> usize {
        self.legs.get(self.segment_at(s)).copied().unwrap_or(0)
    }

    /// The point at arc length `s` (clamped to the path).
    pub fn point_at(&self, s: f64) -> Point {
        if self.segments() == 0 {
            return self.points[0];
        }
        let s = s.clamp(0.0, self.length_m());
        let k = self.segment_at(s);
        destination(self.points[k], self.bearings[k], s - self.cumulative_m[k])
    }

    /// The arc length in `from..=to` of the path point nearest `p`.
    pub fn project(&self, p: Point, from: f64, to: f64) -> f64 {
        let mut best = (f64::INFINITY, from);
        if self.segments() == 0 {
            return from;
        }
        let (first, last) = (self.segment_at(from), self.segment_at(to));
        for k in first..=last {
            let start = self.cumulative_m[k];
            let length = self.cumulative_m[k + 1] - start;
            let (along, across) = along_across_m(self.points[k], self.points[k + 1], p);
            let low = (from - start).max(0.0);
            let high = (to - start).min(length);
            let clamped = along.clamp(low, high.max(low));
            let distance = if clamped == along {
                across.abs()
            } else {
                distance_m(p, self.point_at(start + clamped))
            };
            if distance < best.0 {
                best = (distance, start + clamped);
            }
        }
        best.1
    }

    /// The vertices of the path, in order.
    pub fn points(&self) -> &[Point] {
        &self.points
    }
}

/// Points on a circle around `centre`, from bearing `from_deg` sweeping `sweep_deg`
/// (positive clockwise), in steps of about [`ARC_STEP_DEG`]; the first point included.
fn arc(centre: Point, radius_m: f64, from_deg: f64, sweep_deg: f64) -> Vec<Point> {
    let n = (sweep_deg.abs() / ARC_STEP_DEG).ceil().max(1.0) as usize;
    (0..=n)
        .map(|k| destination(centre, from_deg + sweep_deg * k as f64 / n as f64, radius_m))
        .collect()
}

fn racetrack(r: &crate::scenario::Racetrack) -> Vec<Point> {
    let fix = Point::new(r.fix[0], r.fix[1]);
    let c = r.inbound_course_deg;
    let s = r.direction.sign();
    let width = r.width_nm * METRES_PER_NM;
    let inbound_start = destination(fix, c + 180.0, r.leg_nm * METRES_PER_NM);
    let outbound_start_centre = destination(fix, c + s * 90.0, width / 2.0);
    let inbound_start_centre = destination(inbound_start, c + s * 90.0, width / 2.0);
    let mut points = vec![inbound_start];
    for _ in 0..r.laps {
        points.push(fix);
        points.extend(arc(
            outbound_start_centre,
            width / 2.0,
            c - s * 90.0,
            s * 180.0,
        ));
        points.extend(arc(
            inbound_start_centre,
            width / 2.0,
            c + s * 90.0,
            s * 180.0,
        ));
    }
    points
}

fn grid(g: &crate::scenario::Grid) -> Vec<Point> {
    let start = Point::new(g.start[0], g.start[1]);
    let h = g.heading_deg;
    let s = g.direction.sign();
    let spacing = g.spacing_nm * METRES_PER_NM;
    let mut points = Vec::new();
    for i in 0..g.lines {
        let base = destination(start, h + s * 90.0, spacing * f64::from(i));
        let far = destination(base, h, g.line_nm * METRES_PER_NM);
        let (from, to) = if i % 2 == 0 { (base, far) } else { (far, base) };
        points.push(from);
        points.push(to);
        if i + 1 < g.lines {
            let centre = destination(to, h + s * 90.0, spacing / 2.0);
            let sweep = if i % 2 == 0 { s * 180.0 } else { -s * 180.0 };
            points.extend(arc(centre, spacing / 2.0, h - s * 90.0, sweep));
        }
    }
    points
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::scenario::Scenario;

    fn aircraft(legs: &str) -> Aircraft {
        let text = format!(
            "name = \"t\"\n[[aircraft]]\nicao24 = \"abcdef\"\nposition = [30.0, -110.0]\nspeed_kt = 150\n{legs}"
        );
        Scenario::from_toml(&text, "t").unwrap().aircraft.remove(0)
    }

    #[test]
    fn an_orbit_is_a_circle_of_the_given_radius() {
        let a = aircraft(
            "[[aircraft.leg]]\norbit = { centre = [30.0, -109.8], radius_nm = 5, turns = 2, direction = \"left\" }",
        );
        let path = Path::plan(&a);
        let centre = Point::new(30.0, -109.8);
        // First segment: to the circle; then 2 × 72 arc segments.
        assert_eq!(path.segments(), 1 + 144);
        for p in &path.points()[1..] {
            assert!((distance_m(centre, *p) / METRES_PER_NM - 5.0).abs() < 1e-6);
        }
        let circumference = 2.0 * std::f64::consts::PI * 5.0 * METRES_PER_NM;
        let arcs = path.length_m() - distance_m(path.points()[0], path.points()[1]);
        assert!((arcs / (2.0 * circumference) - 1.0).abs() < 0.001);
    }

    #[test]
    fn a_racetrack_lap_has_two_legs_and_two_turns() {
        let a = aircraft(
            "[[aircraft.leg]]\nracetrack = { fix = [30.5, -110.0], inbound_course_deg = 0, leg_nm = 20, width_nm = 6, laps = 1 }",
        );
        let path = Path::plan(&a);
        let expected = 2.0 * 20.0 + std::f64::consts::PI * 6.0;
        let first = distance_m(path.points()[0], path.points()[1]);
        let lap = (path.length_m() - first) / METRES_PER_NM;
        assert!((lap - expected).abs() < 0.05, "{lap} vs {expected}");
        // Right turns: the outbound leg lies east of the inbound one.
        assert!(path.points()[10].lon > -110.0);
    }

    #[test]
    fn projection_finds_the_nearest_point_ahead() {
        let a = aircraft(
            "[[aircraft.leg]]\nto = [31.0, -110.0]\n[[aircraft.leg]]\nto = [31.0, -109.0]",
        );
        let path = Path::plan(&a);
        let s = path.project(Point::new(30.5, -110.01), 0.0, path.length_m());
        assert!((s - distance_m(Point::new(30.0, -110.0), Point::new(30.5, -110.0))).abs() < 100.0);
        assert_eq!(path.leg_at(s), 0);
        assert_eq!(path.leg_at(path.length_m() - 1.0), 1);
    }
}
