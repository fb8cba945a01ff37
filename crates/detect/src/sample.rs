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
    /// The flight segment it belongs to (`vigia_track::TrustedPosition::segment`): no leg
    /// joins samples of different segments.
    pub segment: u32,
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
    // The next leg starts a segment: it has no turn from a previous course.
    let mut fresh = false;
    for s in samples {
        let Some(prev) = last else {
            last = Some(*s);
            continue;
        };
        if s.segment != prev.segment {
            // A break in the track: nothing was flown between these two samples that anyone
            // saw, and no aircraft could have flown it. Start afresh.
            last = Some(*s);
            fresh = true;
            continue;
        }
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
            Some(l) if dt <= MAX_GAP_S && dt > 0.0 && !fresh => turn_deg(l.course_deg, course),
            _ => 0.0,
        };
        fresh = false;
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

/// The legs of each segment of a flight, in order: detectors run on each alone, so no
/// window, circle or grid spans a break in the track.
pub fn by_segment(legs: &[Leg]) -> impl Iterator<Item = &[Leg]> {
    legs.chunk_by(|a, b| a.at.segment == b.at.segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ts: f64, lat: f64, lon: f64, segment: u32) -> Sample {
        Sample {
            ts,
            lat,
            lon,
            altitude_ft: None,
            segment,
        }
    }

    #[test]
    fn no_leg_spans_a_break() {
        // Flying north, a break 300 NM east, flying south.
        let mut samples: Vec<Sample> = (0..10)
            .map(|k| at(f64::from(k) * 10.0, 10.0 + f64::from(k) * 0.01, 20.0, 0))
            .collect();
        samples
            .extend((10..20).map(|k| at(f64::from(k) * 10.0, 10.2 - f64::from(k) * 0.01, 25.0, 1)));
        let l = legs(&samples);
        assert!(l.iter().all(|l| l.length_m < 2_000.0), "no 300 NM leg");
        let parts: Vec<&[Leg]> = by_segment(&l).collect();
        assert_eq!(parts.len(), 2);
        assert!(parts[0].iter().all(|l| l.at.segment == 0));
        assert!(parts[1].iter().all(|l| l.at.segment == 1));
        // The first leg after the break has no turn (north to south would be 180°).
        assert_eq!(parts[1][0].turn_deg, 0.0);
    }
}
