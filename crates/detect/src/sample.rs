//! The per-flight samples the behaviour detectors work on: trusted positions thinned to a
//! steady cadence, with the course flown between them.

use crate::geometry::{course_deg, distance_m, turn_deg};

/// One thinned sample of a flight.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// Time, seconds.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet, when known.
    pub altitude_ft: Option<f64>,
}

/// Minimum spacing between kept samples, seconds: enough to see a standard-rate turn
/// (3°/s → 15° per sample) without ADS-B's 2 Hz jitter.
pub const SAMPLE_SPACING_S: f64 = 5.0;
/// Minimum displacement for a course to be measured, metres (position noise is ~10–50 m).
pub const MIN_LEG_M: f64 = 150.0;
/// A gap longer than this breaks turn accumulation, seconds.
pub const MAX_GAP_S: f64 = 120.0;

/// A sample with the course flown into it and the turn since the previous course.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Leg {
    /// The sample at the end of the leg.
    pub at: Sample,
    /// Course flown from the previous sample, degrees.
    pub course_deg: f64,
    /// Signed turn from the previous leg's course, degrees (0 after a gap).
    pub turn_deg: f64,
    /// Seconds since the previous leg ended.
    pub dt_s: f64,
    /// Metres flown since the previous sample.
    pub length_m: f64,
}

/// Thin samples to [`SAMPLE_SPACING_S`] and compute legs; samples must be in time order.
pub fn legs(samples: &[Sample]) -> Vec<Leg> {
    let mut out: Vec<Leg> = Vec::new();
    let mut last: Option<Sample> = None;
    for s in samples {
        let Some(prev) = last else {
            last = Some(*s);
            continue;
        };
        let dt = s.ts - prev.ts;
        if (0.0..SAMPLE_SPACING_S).contains(&dt) {
            continue;
        }
        let length = distance_m(prev.lat, prev.lon, s.lat, s.lon);
        if length < MIN_LEG_M && dt <= MAX_GAP_S {
            continue;
        }
        let course = course_deg(prev.lat, prev.lon, s.lat, s.lon);
        let turn = match out.last() {
            Some(l) if dt <= MAX_GAP_S && dt > 0.0 => turn_deg(l.course_deg, course),
            _ => 0.0,
        };
        out.push(Leg {
            at: *s,
            course_deg: course,
            turn_deg: turn,
            dt_s: dt,
            length_m: length,
        });
        last = Some(*s);
    }
    out
}
