//! Boundary crossings between two timed positions, and a flight's closest approach to a zone.
//!
//! Owns how a path between samples is modelled and how crossing times are interpolated. Does not own
//! containment or distance (it calls [`ZoneIndex`]), nor the trust of positions (the `track` stage's job).
//!
//! # Model
//! Between two consecutive samples the aircraft is assumed to fly the great circle (on the auxiliary sphere of
//! [`crate::sphere`]) at constant speed, so a point a fraction `t` of the way along the arc is reached at
//! `ts_before + t · (ts_after − ts_before)`.
//! - Drawn zones: the arc is cut into pieces that are straight in longitude/latitude to within
//!   [`PATH_TOLERANCE_M`], each piece is intersected with the polygon edges near it (exact orientation tests
//!   decide whether they meet), and the inside/outside state between consecutive intersections is taken from the
//!   exact containment test. So every entry and exit is found, including a corner clipped between two outside
//!   samples, and tangent touches that do not change the state are not reported.
//! - Buffered zones (`MEX+50nm`): the signed distance to the drawn boundary is 1-Lipschitz along the path, so a
//!   branch-and-bound over the arc finds every place where it crosses the buffer width, to within
//!   [`BUFFER_TOLERANCE_M`].
//!
//! # Uncertainty
//! The samples only say the crossing happened between `ts_before` and `ts_after`; the interpolated `ts` is the
//! best estimate under the model. `uncertainty_s = max(ts − ts_before, ts_after − ts)` is the largest error
//! consistent with the bracket, and `uncertainty_nm` the matching distance along the path.

use crate::index::{wrap_longitude, ZoneId, ZoneIndex};
use crate::predicates::orient;
use crate::sphere::{
    central_angle, lambert_distance_m, slerp, to_lat_lon, to_unit, UnitVector, METRES_PER_NM,
    WGS84_A_M,
};

/// A great-circle path is cut into longitude/latitude-straight pieces that stray less than this from it.
pub const PATH_TOLERANCE_M: f64 = 0.02;
/// Crossings of buffered zones are located to within this along the path.
pub const BUFFER_TOLERANCE_M: f64 = 0.1;
/// Lipschitz constant of ellipsoidal distance with respect to auxiliary-sphere arc length (times the major
/// axis): the two differ by less than the flattening; 1.01 is safe.
const LIPSCHITZ: f64 = 1.01;

/// A position with its time: seconds since the Unix epoch, degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimedPoint {
    /// Seconds since the Unix epoch.
    pub ts: f64,
    /// Geodetic latitude, degrees.
    pub latitude: f64,
    /// Longitude, degrees.
    pub longitude: f64,
}

/// Whether a crossing goes into or out of the zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From outside to inside.
    Entry,
    /// From inside to outside.
    Exit,
}

/// One boundary crossing between two samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Crossing {
    /// Into or out of the zone.
    pub direction: Direction,
    /// Time of the sample before the crossing, seconds since the epoch.
    pub ts_before: f64,
    /// Time of the sample after the crossing.
    pub ts_after: f64,
    /// Interpolated time of the crossing.
    pub ts: f64,
    /// Latitude of the crossing point, degrees.
    pub latitude: f64,
    /// Longitude of the crossing point, degrees.
    pub longitude: f64,
    /// Largest error of `ts` consistent with the bracketing samples, seconds.
    pub uncertainty_s: f64,
    /// Largest error of the crossing point along the path consistent with the bracket, nautical miles.
    pub uncertainty_nm: f64,
}

/// The closest a track came to a zone's boundary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosestApproach {
    /// Ellipsoidal distance to the boundary, nautical miles.
    pub distance_nm: f64,
    /// Time at the closest point (interpolated along the path), seconds since the epoch.
    pub ts: f64,
    /// Aircraft latitude at the closest point, degrees.
    pub latitude: f64,
    /// Aircraft longitude at the closest point, degrees.
    pub longitude: f64,
    /// Latitude of the nearest boundary point, degrees.
    pub boundary_latitude: f64,
    /// Longitude of the nearest boundary point, degrees.
    pub boundary_longitude: f64,
}

impl ZoneIndex {
    /// Every crossing of the zone's boundary on the path from `p1` to `p2` (altitude bands ignored), in path
    /// order. Empty for invalid positions or a non-increasing time.
    pub fn crossings(&self, zone: ZoneId, p1: TimedPoint, p2: TimedPoint) -> Vec<Crossing> {
        let valid = |p: &TimedPoint| {
            (-90.0..=90.0).contains(&p.latitude) && p.longitude.is_finite() && p.ts.is_finite()
        };
        if !valid(&p1) || !valid(&p2) || p2.ts < p1.ts {
            return Vec::new();
        }
        let path = Path::new(p1, p2);
        if self.zones[zone.0].buffer_m <= 0.0 && !path.may_meet_edges(&self.zones[zone.0].grid) {
            return Vec::new();
        }
        let fractions = if self.zones[zone.0].buffer_m > 0.0 {
            self.buffer_crossing_fractions(zone, &path)
        } else {
            self.edge_crossing_fractions(zone, &path)
        };
        fractions
            .into_iter()
            .map(|(t, direction)| path.crossing(t, direction))
            .collect()
    }

    /// The closest approach of a track (samples in time order) to the zone's drawn boundary, searching the
    /// great-circle paths between samples to within 1 m. Meant for flights that stayed outside; for one that
    /// entered, see [`Self::crossings`]. `None` for an empty track or a zone without boundary.
    pub fn closest_approach(&self, zone: ZoneId, track: &[TimedPoint]) -> Option<ClosestApproach> {
        let distance = |u: UnitVector| {
            let (lat, lon) = to_lat_lon(u);
            self.nearest_boundary(zone, lat, lon)
        };
        let mut best: Option<(f64, TimedPoint, UnitVector)> = None;
        fn consider(
            best: &mut Option<(f64, TimedPoint, UnitVector)>,
            d: f64,
            at: TimedPoint,
            u: UnitVector,
        ) {
            if best.is_none_or(|(bd, _, _)| d < bd) {
                *best = Some((d, at, u));
            }
        }
        for p in track {
            let u = to_unit(p.latitude, wrap_longitude(p.longitude));
            if let Some(n) = distance(u) {
                consider(&mut best, n.distance_m, *p, u);
            }
        }
        let mut stack = Vec::new();
        for pair in track.windows(2) {
            let path = Path::new(pair[0], pair[1]);
            let (Some(d0), Some(d1)) = (distance(path.a), distance(path.b)) else {
                continue;
            };
            stack.push((0.0, 1.0, d0.distance_m, d1.distance_m));
            while let Some((t0, t1, d0, d1)) = stack.pop() {
                let length_m = path.length_m() * (t1 - t0);
                let lower = (d0 + d1 - LIPSCHITZ * length_m) / 2.0;
                let best_m = best.map_or(f64::INFINITY, |(d, _, _)| d);
                if length_m < 1.0 || lower >= best_m - 0.5 {
                    continue;
                }
                let tm = (t0 + t1) / 2.0;
                let um = path.at(tm);
                let Some(dm) = distance(um) else { continue };
                let (lat, lon) = to_lat_lon(um);
                consider(
                    &mut best,
                    dm.distance_m,
                    TimedPoint {
                        ts: path.time_at(tm),
                        latitude: lat,
                        longitude: lon,
                    },
                    um,
                );
                stack.push((t0, tm, d0, dm.distance_m));
                stack.push((tm, t1, dm.distance_m, d1));
            }
        }
        let (_, at, u) = best?;
        let (lat, lon) = to_lat_lon(u);
        let nearest = self.nearest_boundary(zone, lat, lon)?;
        let (boundary_latitude, boundary_longitude) = nearest.point();
        Some(ClosestApproach {
            distance_nm: nearest.distance_nm(),
            ts: at.ts,
            latitude: at.latitude,
            longitude: at.longitude,
            boundary_latitude,
            boundary_longitude,
        })
    }

    /// Fractions along the path where a drawn zone's state changes, with the direction of each change.
    fn edge_crossing_fractions(&self, zone: ZoneId, path: &Path) -> Vec<(f64, Direction)> {
        let grid = &self.zones[zone.0].grid;
        let edges = grid.edges();
        let mut hits: Vec<f64> = Vec::new();
        let mut candidates: Vec<usize> = Vec::new();
        for piece in path.pieces() {
            candidates.clear();
            grid.for_each_edge_near_segment(piece.from, piece.to, |id| candidates.push(id));
            candidates.sort_unstable();
            candidates.dedup();
            for &id in &candidates {
                let (a, b) = edges[id];
                if let Some(s) = segment_intersection(piece.from, piece.to, a, b) {
                    hits.push(piece.t0 + s * (piece.t1 - piece.t0));
                }
            }
        }
        hits.sort_by(f64::total_cmp);
        hits.dedup_by(|x, y| (*x - *y).abs() < 1e-15);
        let inside_at = |t: f64| {
            let (lat, lon) = to_lat_lon(path.at(t));
            self.contains(zone, lat, lon)
        };
        let mut state = self.contains(zone, path.p1.latitude, path.p1.longitude);
        let end_state = self.contains(zone, path.p2.latitude, path.p2.longitude);
        let mut out = Vec::new();
        for (k, &t) in hits.iter().enumerate() {
            let after = match hits.get(k + 1) {
                Some(&next) => inside_at((t + next) / 2.0),
                None => end_state,
            };
            if after != state {
                out.push((
                    t,
                    if after {
                        Direction::Entry
                    } else {
                        Direction::Exit
                    },
                ));
                state = after;
            }
        }
        out
    }

    /// Fractions along the path where the signed distance to the drawn boundary crosses the buffer width.
    fn buffer_crossing_fractions(&self, zone: ZoneId, path: &Path) -> Vec<(f64, Direction)> {
        let buffer_m = self.zones[zone.0].buffer_m;
        let excess = |t: f64| {
            let (lat, lon) = to_lat_lon(path.at(t));
            self.signed_distance_m(zone, lat, lon)
                .map_or(f64::INFINITY, |s| s - buffer_m)
        };
        let total_m = path.length_m();
        let mut out = Vec::new();
        // Depth-first, earliest half first, so crossings come out in path order.
        let mut stack = vec![(0.0, 1.0, excess(0.0), excess(1.0))];
        while let Some((t0, t1, g0, g1)) = stack.pop() {
            let length_m = total_m * (t1 - t0);
            let cannot_reach_zero = g0.signum() == g1.signum()
                && (g0.abs() + g1.abs() - LIPSCHITZ * length_m) / 2.0 > 0.0;
            if cannot_reach_zero {
                continue;
            }
            if length_m <= BUFFER_TOLERANCE_M {
                if (g0 <= 0.0) != (g1 <= 0.0) {
                    let t = t0 + (t1 - t0) * g0 / (g0 - g1);
                    let direction = if g1 <= 0.0 {
                        Direction::Entry
                    } else {
                        Direction::Exit
                    };
                    out.push((t.clamp(t0, t1), direction));
                }
                continue;
            }
            let tm = (t0 + t1) / 2.0;
            let gm = excess(tm);
            stack.push((tm, t1, gm, g1));
            stack.push((t0, tm, g0, gm));
        }
        out
    }
}

/// Where segment `c → d` meets segment `a → b`, as a fraction along `c → d`; `None` when they do not meet or
/// are collinear (a collinear overlap changes no state).
fn segment_intersection(c: [f64; 2], d: [f64; 2], a: [f64; 2], b: [f64; 2]) -> Option<f64> {
    let o1 = orient(c, d, a);
    let o2 = orient(c, d, b);
    if (o1 > 0.0 && o2 > 0.0) || (o1 < 0.0 && o2 < 0.0) || (o1 == 0.0 && o2 == 0.0) {
        return None;
    }
    let o3 = orient(a, b, c);
    let o4 = orient(a, b, d);
    if (o3 > 0.0 && o4 > 0.0) || (o3 < 0.0 && o4 < 0.0) || o3 == o4 {
        return None;
    }
    Some((o3 / (o3 - o4)).clamp(0.0, 1.0))
}

/// The great-circle path between two samples.
struct Path {
    p1: TimedPoint,
    p2: TimedPoint,
    a: UnitVector,
    b: UnitVector,
}

/// A stretch of path that is straight in longitude/latitude to within the tolerance, from fraction `t0` to `t1`.
struct Piece {
    from: [f64; 2],
    to: [f64; 2],
    t0: f64,
    t1: f64,
}

impl Path {
    fn new(p1: TimedPoint, p2: TimedPoint) -> Path {
        Path {
            p1,
            p2,
            a: to_unit(p1.latitude, wrap_longitude(p1.longitude)),
            b: to_unit(p2.latitude, wrap_longitude(p2.longitude)),
        }
    }

    fn at(&self, t: f64) -> UnitVector {
        slerp(self.a, self.b, t)
    }

    fn time_at(&self, t: f64) -> f64 {
        self.p1.ts + t * (self.p2.ts - self.p1.ts)
    }

    fn length_m(&self) -> f64 {
        central_angle(self.a, self.b) * WGS84_A_M
    }

    /// Whether the path may come near any edge of the grid: its longitude/latitude box from five samples,
    /// grown by twice the largest gap between a sample and the straight line of its neighbours (a great
    /// circle's departure from a straight line in longitude/latitude varies smoothly along short paths) plus a
    /// margin. False lets [`ZoneIndex::crossings`] answer "none" without allocating.
    fn may_meet_edges(&self, grid: &crate::grid::PreparedPolygon) -> bool {
        let samples = [0.0, 0.25, 0.5, 0.75, 1.0].map(|t| self.lon_lat(t));
        if samples.windows(2).any(|w| (w[1][0] - w[0][0]).abs() > 90.0) {
            return true; // near the antimeridian: take the long way
        }
        let mut lo = samples[0];
        let mut hi = samples[0];
        for s in &samples {
            lo = [lo[0].min(s[0]), lo[1].min(s[1])];
            hi = [hi[0].max(s[0]), hi[1].max(s[1])];
        }
        let bulge = samples
            .windows(3)
            .map(|w| {
                let mid = [(w[0][0] + w[2][0]) / 2.0, (w[0][1] + w[2][1]) / 2.0];
                (w[1][0] - mid[0]).abs().max((w[1][1] - mid[1]).abs())
            })
            .fold(0.0, f64::max);
        let margin = 2.0 * bulge + 1e-7;
        grid.any_edge_in_box(
            [lo[0] - margin, lo[1] - margin],
            [hi[0] + margin, hi[1] + margin],
        )
    }

    fn lon_lat(&self, t: f64) -> [f64; 2] {
        let (lat, lon) = to_lat_lon(self.at(t));
        [wrap_longitude(lon), lat]
    }

    /// Cuts the path into longitude/latitude-straight pieces, splitting at the antimeridian.
    fn pieces(&self) -> Vec<Piece> {
        let mut out = Vec::new();
        let mut stack = vec![(0.0f64, 1.0f64, 0u32)];
        while let Some((t0, t1, depth)) = stack.pop() {
            let (from, to) = (self.lon_lat(t0), self.lon_lat(t1));
            if (to[0] - from[0]).abs() > 180.0 {
                // Crosses the antimeridian: find where and cut there.
                let (mut lo, mut hi) = (t0, t1);
                for _ in 0..80 {
                    let mid = (lo + hi) / 2.0;
                    if (self.lon_lat(mid)[0] - from[0]).abs() > 180.0 {
                        hi = mid;
                    } else {
                        lo = mid;
                    }
                }
                let lat = self.lon_lat(lo)[1];
                let east_side = if from[0] > 0.0 { 180.0 } else { -180.0 };
                out.push(Piece {
                    from,
                    to: [east_side, lat],
                    t0,
                    t1: lo,
                });
                out.push(Piece {
                    from: [-east_side, lat],
                    to,
                    t0: hi,
                    t1,
                });
                continue;
            }
            let mid_path = to_lat_lon(self.at((t0 + t1) / 2.0));
            let mid_straight = [(from[0] + to[0]) / 2.0, (from[1] + to[1]) / 2.0];
            let stray_m = lambert_distance_m(
                to_unit(mid_path.0, mid_path.1),
                to_unit(mid_straight[1], mid_straight[0]),
            );
            if stray_m > PATH_TOLERANCE_M && depth < 30 {
                let tm = (t0 + t1) / 2.0;
                stack.push((tm, t1, depth + 1));
                stack.push((t0, tm, depth + 1));
            } else {
                out.push(Piece { from, to, t0, t1 });
            }
        }
        out.sort_by(|x, y| x.t0.total_cmp(&y.t0));
        out
    }

    fn crossing(&self, t: f64, direction: Direction) -> Crossing {
        let (latitude, longitude) = to_lat_lon(self.at(t));
        let ts = self.time_at(t);
        let length_nm = self.length_m() / METRES_PER_NM;
        Crossing {
            direction,
            ts_before: self.p1.ts,
            ts_after: self.p2.ts,
            ts,
            latitude,
            longitude,
            uncertainty_s: (ts - self.p1.ts).max(self.p2.ts - ts),
            uncertainty_nm: length_nm * t.max(1.0 - t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::ZoneSet;

    fn square_zone() -> ZoneIndex {
        let text = r#"{"type":"Feature","properties":{"name":"sq"},"geometry":{"type":"Polygon",
            "coordinates":[[[-100,20],[-99,20],[-99,21],[-100,21],[-100,20]]]}}"#;
        ZoneIndex::new(
            &ZoneSet::from_geojson_str(text, "sq.geojson").unwrap_or_else(|e| panic!("{e}")),
        )
    }

    fn at(ts: f64, latitude: f64, longitude: f64) -> TimedPoint {
        TimedPoint {
            ts,
            latitude,
            longitude,
        }
    }

    #[test]
    fn entry_along_a_meridian_is_interpolated_to_the_edge() {
        let index = square_zone();
        // Due north along 99.5°W from 19.9° to 20.1°: crosses the southern edge (20°N) half-way.
        let c = index.crossings(ZoneId(0), at(0.0, 19.9, -99.5), at(100.0, 20.1, -99.5));
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].direction, Direction::Entry);
        let off_m = crate::sphere::distance_m(c[0].latitude, c[0].longitude, 20.0, -99.5);
        assert!(off_m < 1.0, "{off_m} m off");
        assert!((c[0].ts - 50.0).abs() < 0.05, "{}", c[0].ts);
        assert!((c[0].uncertainty_s - 50.0).abs() < 0.05);
    }

    #[test]
    fn corner_clip_between_two_outside_samples_is_an_entry_and_an_exit() {
        let index = square_zone();
        // Cut the south-east corner (−99, 20) diagonally.
        let c = index.crossings(ZoneId(0), at(0.0, 19.95, -99.1), at(60.0, 20.1, -98.95));
        let directions: Vec<_> = c.iter().map(|x| x.direction).collect();
        assert_eq!(directions, [Direction::Entry, Direction::Exit]);
        assert!(c[0].ts < c[1].ts);
    }

    #[test]
    fn no_crossing_and_closest_approach_outside() {
        let index = square_zone();
        let track = [at(0.0, 19.5, -101.0), at(600.0, 19.5, -98.0)];
        assert!(index.crossings(ZoneId(0), track[0], track[1]).is_empty());
        let closest = index
            .closest_approach(ZoneId(0), &track)
            .unwrap_or_else(|| panic!("some"));
        // The path runs along 19.5°N-ish (a great circle bows north a little): ~0.5° = ~30 nm south of 20°N.
        assert!(
            closest.distance_nm > 29.0 && closest.distance_nm < 30.1,
            "{closest:?}"
        );
        assert!(
            closest.longitude > -100.01 && closest.longitude < -98.99,
            "{closest:?}"
        );
    }
}
