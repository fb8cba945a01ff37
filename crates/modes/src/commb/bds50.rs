//! BDS 5,0: track and turn report (Doc 9871 Table A-2-80).
//!
//! ```text
//! MB bit: 1 status | 2 sign | 3-11 roll angle (45/256 °) | 12 status | 13 sign
//!  14-23 true track angle (90/512 °) | 24 status | 25-34 ground speed (2 kt)
//!  35 status | 36 sign | 37-45 track angle rate (8/256 °/s) | 46 status | 47-56 TAS (2 kt)
//! ```

use super::{field_if_status, score::Score, signed, CommBContext};

/// A track and turn report.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TrackAndTurn {
    /// Roll angle, degrees, positive right wing down.
    pub roll_deg: Option<f64>,
    /// True track angle, degrees `0..360`.
    pub track_deg: Option<f64>,
    /// Ground speed, knots.
    pub groundspeed_kt: Option<u32>,
    /// Track angle rate, degrees per second.
    pub track_rate_deg_s: Option<f64>,
    /// True airspeed, knots.
    pub tas_kt: Option<u32>,
}

impl TrackAndTurn {
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        let roll = field_if_status(mb, 1, 2, 11)?.map(|v| f64::from(signed(v, 10)) * 45.0 / 256.0);
        let track = field_if_status(mb, 12, 13, 23)?
            .map(|v| (f64::from(signed(v, 11)) * 90.0 / 512.0).rem_euclid(360.0));
        let gs = field_if_status(mb, 24, 25, 34)?.map(|v| v * 2);
        let rate = field_if_status(mb, 35, 36, 45)?.map(|v| f64::from(signed(v, 10)) * 8.0 / 256.0);
        let tas = field_if_status(mb, 46, 47, 56)?.map(|v| v * 2);
        if roll.is_some_and(|r| r.abs() > 50.0)
            || gs.is_some_and(|g| g > 700)
            || tas.is_some_and(|t| t > 700)
        {
            return None;
        }
        if roll.is_none() && track.is_none() && gs.is_none() && rate.is_none() && tas.is_none() {
            return None;
        }
        Some(Self {
            roll_deg: roll,
            track_deg: track,
            groundspeed_kt: gs,
            track_rate_deg_s: rate,
            tas_kt: tas,
        })
    }

    /// Plausibility: ground speed and TAS differ by wind only (≤ 150 kt); the turn rate
    /// agrees with roll and TAS (rate ≈ 1091·tan(roll)/TAS °/s); with context, ground speed
    /// and track agree with the aircraft's ADS-B velocity.
    pub(crate) fn score(&self, ctx: Option<&CommBContext>) -> Score {
        let mut s = Score::default();
        if let (Some(gs), Some(tas)) = (self.groundspeed_kt, self.tas_kt) {
            s.add(if gs.abs_diff(tas) <= 150 { 2 } else { -4 });
        }
        if let (Some(roll), Some(tas), Some(rate)) =
            (self.roll_deg, self.tas_kt, self.track_rate_deg_s)
        {
            if tas > 80 {
                let expected = 1091.0 * roll.to_radians().tan() / f64::from(tas);
                s.add(if (expected - rate).abs() <= 1.0 {
                    2
                } else {
                    -2
                });
            }
        }
        if let Some(ctx) = ctx {
            if let (Some(gs), Some(ref_gs)) = (self.groundspeed_kt, ctx.groundspeed_kt) {
                s.add(if (f64::from(gs) - ref_gs).abs() <= 25.0 {
                    4
                } else {
                    -6
                });
            }
            if let (Some(trk), Some(ref_trk)) = (self.track_deg, ctx.track_deg) {
                s.add(if angle_gap(trk, ref_trk) <= 10.0 {
                    4
                } else {
                    -6
                });
            }
        }
        s
    }
}

/// Smallest absolute difference between two angles in degrees.
pub(crate) fn angle_gap(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}
