//! Survey grids ("lawnmower" patterns): repeated parallel straight legs flown in alternating
//! directions, side by side, over an area.
//!
//! The flight is cut into straight segments (consecutive samples turning under 0.6°/s and
//! within 15° of the segment's course, at least [`SurveyConfig::min_leg_m`] long). A survey is
//! a run of at least [`SurveyConfig::min_legs`] consecutive segments where each reverses the
//! previous one (180° ± 30°), all lie on one axis (±15°), and each is offset sideways from
//! the previous by 0.2–20 km (not the same line flown back, not a new area) and from the one
//! two before it by at least 0.2 km (a new line: a holding pattern or a racetrack flies the
//! same two lines over and over).

use crate::geometry::{distance_m, local_xy_m, turn_deg};
use crate::sample::Leg;

/// Tuning of the survey detector.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SurveyConfig {
    /// Shortest straight leg, metres.
    pub min_leg_m: f64,
    /// Fewest legs in a grid.
    pub min_legs: usize,
}

impl Default for SurveyConfig {
    fn default() -> Self {
        Self {
            min_leg_m: 5_000.0,
            min_legs: 4,
        }
    }
}

/// A straight segment of flight.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Segment {
    start: usize,
    end: usize,
    course_deg: f64,
    length_m: f64,
}

/// One survey grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Survey {
    /// Start time, seconds.
    pub start_ts: f64,
    /// End time, seconds.
    pub end_ts: f64,
    /// Number of parallel legs.
    pub legs: usize,
    /// Axis of the legs, degrees in `0..180`.
    pub axis_deg: f64,
    /// Mean sideways spacing between adjacent legs, metres.
    pub spacing_m: f64,
    /// Mean leg length, metres.
    pub leg_length_m: f64,
    /// Centre of the surveyed area, degrees.
    pub centre_lat: f64,
    /// Centre of the surveyed area, degrees.
    pub centre_lon: f64,
}

fn segments(legs: &[Leg], min_leg_m: f64) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut k = 0;
    while k < legs.len() {
        let start = k;
        let course = legs[k].course_deg;
        let mut length = legs[k].length_m;
        let mut j = k + 1;
        while j < legs.len() {
            let l = &legs[j];
            let straight = l.dt_s > 0.0 && (l.turn_deg / l.dt_s).abs() < 0.6;
            if !straight || turn_deg(course, l.course_deg).abs() > 15.0 {
                break;
            }
            length += l.length_m;
            j += 1;
        }
        if length >= min_leg_m && j - start >= 2 {
            let (a, b) = (&legs[start].at, &legs[j - 1].at);
            out.push(Segment {
                start,
                end: j - 1,
                course_deg: crate::geometry::course_deg(a.lat, a.lon, b.lat, b.lon),
                length_m: distance_m(a.lat, a.lon, b.lat, b.lon),
            });
        }
        k = j.max(k + 1);
    }
    out
}

/// Sideways offset of segment `b`'s midpoint from the line of segment `a`, metres.
fn lateral_offset_m(legs: &[Leg], a: &Segment, b: &Segment) -> f64 {
    let (s, e) = (&legs[a.start].at, &legs[a.end].at);
    let mid = &legs[(b.start + b.end) / 2].at;
    let (ex, ey) = local_xy_m(s.lat, s.lon, e.lat, e.lon);
    let (mx, my) = local_xy_m(s.lat, s.lon, mid.lat, mid.lon);
    let norm = ex.hypot(ey).max(1.0);
    (ex * my - ey * mx).abs() / norm
}

/// Find survey grids in a flight's legs.
pub fn find_surveys(legs: &[Leg], config: &SurveyConfig) -> Vec<Survey> {
    let segs = segments(legs, config.min_leg_m);
    let mut out = Vec::new();
    let mut k = 0;
    while k < segs.len() {
        let mut j = k;
        let mut offsets = Vec::new();
        while j + 1 < segs.len() {
            let (a, b) = (&segs[j], &segs[j + 1]);
            let reversal = (turn_deg(a.course_deg, b.course_deg).abs() - 180.0).abs() <= 30.0;
            let axis = turn_deg(segs[k].course_deg, b.course_deg).abs();
            let on_axis = axis <= 15.0 || axis >= 165.0;
            let offset = lateral_offset_m(legs, a, b);
            // A grid moves on: each leg is on a new line, not the line flown two legs before
            // (a holding pattern or a racetrack flies the same two lines over and over).
            let progresses = j == k || lateral_offset_m(legs, &segs[j - 1], b) >= 200.0;
            if reversal && on_axis && progresses && (200.0..=20_000.0).contains(&offset) {
                offsets.push(offset);
                j += 1;
            } else {
                break;
            }
        }
        let count = j - k + 1;
        if count >= config.min_legs {
            let run = &segs[k..=j];
            let points: Vec<_> = legs[run[0].start..=run[count - 1].end]
                .iter()
                .map(|l| l.at)
                .collect();
            let n = points.len() as f64;
            out.push(Survey {
                start_ts: legs[run[0].start].at.ts,
                end_ts: legs[run[count - 1].end].at.ts,
                legs: count,
                axis_deg: run[0].course_deg.rem_euclid(180.0),
                spacing_m: offsets.iter().sum::<f64>() / offsets.len().max(1) as f64,
                leg_length_m: run.iter().map(|s| s.length_m).sum::<f64>() / count as f64,
                centre_lat: points.iter().map(|p| p.lat).sum::<f64>() / n,
                centre_lon: points.iter().map(|p| p.lon).sum::<f64>() / n,
            });
            k = j + 1;
        } else {
            k += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{legs, Sample};

    fn lawnmower(lines: usize, spacing_m: f64, length_m: f64) -> Vec<Sample> {
        let (lat0, lon0): (f64, f64) = (31.0, -106.0);
        let m_lat = crate::geometry::EARTH_RADIUS_M.to_radians();
        let m_lon = m_lat * lat0.to_radians().cos();
        let mut pts = Vec::new();
        let mut t = 0.0;
        for line in 0..lines {
            let x = line as f64 * spacing_m;
            let n = (length_m / 300.0) as usize;
            for k in 0..=n {
                let y = if line % 2 == 0 {
                    k as f64 * 300.0
                } else {
                    length_m - k as f64 * 300.0
                };
                pts.push((t, x, y));
                t += 5.0;
            }
            // semicircular turn to the next line
            for k in 1..12 {
                let a = std::f64::consts::PI * k as f64 / 12.0;
                let (cx, cy) = (
                    x + spacing_m / 2.0,
                    if line % 2 == 0 { length_m } else { 0.0 },
                );
                let sign = if line % 2 == 0 { 1.0 } else { -1.0 };
                pts.push((
                    t,
                    cx - spacing_m / 2.0 * a.cos(),
                    cy + sign * spacing_m / 2.0 * a.sin(),
                ));
                t += 5.0;
            }
        }
        pts.into_iter()
            .map(|(t, x, y)| Sample {
                ts: t,
                lat: lat0 + y / m_lat,
                lon: lon0 + x / m_lon,
                altitude_ft: Some(5_000.0),
                segment: 0,
            })
            .collect()
    }

    #[test]
    fn a_lawnmower_is_a_survey() {
        let s = find_surveys(
            &legs(&lawnmower(8, 2_000.0, 20_000.0)),
            &SurveyConfig::default(),
        );
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].legs, 8);
        assert!(
            (s[0].spacing_m - 2_000.0).abs() < 300.0,
            "{}",
            s[0].spacing_m
        );
        assert!((s[0].leg_length_m - 20_000.0).abs() < 2_000.0);
    }

    #[test]
    fn an_out_and_back_is_not_a_survey() {
        // Two legs only.
        assert!(find_surveys(
            &legs(&lawnmower(2, 2_000.0, 20_000.0)),
            &SurveyConfig::default()
        )
        .is_empty());
    }
}
