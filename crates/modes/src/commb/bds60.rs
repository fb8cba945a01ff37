//! BDS 6,0: heading and speed report (Doc 9871 Table A-2-96).
//!
//! ```text
//! MB bit: 1 status | 2 sign | 3-12 magnetic heading (90/512 °) | 13 status | 14-23 IAS (1 kt)
//!  24 status | 25-34 Mach (2.048/512) | 35 status | 36 sign | 37-45 baro altitude rate (32 ft/min)
//!  46 status | 47 sign | 48-56 inertial vertical velocity (32 ft/min)
//! ```

use super::bds50::angle_gap;
use super::{field_if_status, score::Score, signed, CommBContext};

/// A heading and speed report.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct HeadingAndSpeed {
    /// Magnetic heading, degrees `0..360`.
    pub heading_deg: Option<f64>,
    /// Indicated airspeed, knots.
    pub ias_kt: Option<u32>,
    /// Mach number.
    pub mach: Option<f64>,
    /// Barometric altitude rate, ft/min.
    pub baro_rate_fpm: Option<i32>,
    /// Inertial vertical velocity, ft/min.
    pub inertial_rate_fpm: Option<i32>,
}

impl HeadingAndSpeed {
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        let heading = field_if_status(mb, 1, 2, 12)?
            .map(|v| (f64::from(signed(v, 11)) * 90.0 / 512.0).rem_euclid(360.0));
        let ias = field_if_status(mb, 13, 14, 23)?;
        let mach = field_if_status(mb, 24, 25, 34)?.map(|v| f64::from(v) * 2.048 / 512.0);
        let baro_rate = field_if_status(mb, 35, 36, 45)?.map(vertical_rate_fpm);
        let inertial_rate = field_if_status(mb, 46, 47, 56)?.map(vertical_rate_fpm);
        if ias.is_some_and(|v| v == 0 || v > 500)
            || mach.is_some_and(|m| m == 0.0 || m > 1.0)
            || baro_rate.is_some_and(|r| r.abs() > 8_000)
            || inertial_rate.is_some_and(|r| r.abs() > 8_000)
        {
            return None;
        }
        if let (Some(ias), Some(mach)) = (ias, mach) {
            if !pressure_ratio_plausible(f64::from(ias), mach) {
                return None;
            }
        }
        if heading.is_none() && ias.is_none() && mach.is_none() {
            return None;
        }
        Some(Self {
            heading_deg: heading,
            ias_kt: ias,
            mach,
            baro_rate_fpm: baro_rate,
            inertial_rate_fpm: inertial_rate,
        })
    }

    /// Plausibility: IAS and Mach imply a flight level (checked in `decode`, scored here);
    /// the two vertical rates agree; with context, heading is near the ADS-B track (wind
    /// correction and magnetic variation stay under ~30°) and the vertical rates agree with
    /// the ADS-B one.
    pub(crate) fn score(&self, ctx: Option<&CommBContext>) -> Score {
        let mut s = Score::default();
        if self.ias_kt.is_some() && self.mach.is_some() {
            s.add(3);
        }
        if let (Some(a), Some(b)) = (self.baro_rate_fpm, self.inertial_rate_fpm) {
            s.add(if (a - b).abs() <= 1000 { 2 } else { -3 });
        }
        if let Some(ctx) = ctx {
            if let (Some(hdg), Some(trk)) = (self.heading_deg, ctx.track_deg) {
                s.add(if angle_gap(hdg, trk) <= 30.0 { 4 } else { -6 });
            }
            if let (Some(rate), Some(ref_rate)) = (self.baro_rate_fpm, ctx.vertical_rate_fpm) {
                s.add(if (f64::from(rate) - ref_rate).abs() <= 1000.0 {
                    1
                } else {
                    -2
                });
            }
        }
        s
    }
}

/// A signed 10-bit vertical rate (sign + 9 bits, 32 ft/min LSB).
///
/// A magnitude of all ones is how transponders send a zero rate with the sign set (ones'
/// complement −0); pyModeS and rs1090 read it as 0 too, rather than −32 ft/min.
fn vertical_rate_fpm(raw: u32) -> i32 {
    if raw & 0x1FF == 0x1FF {
        0
    } else {
        signed(raw, 10) * 32
    }
}

/// Whether an IAS (taken as CAS) and a Mach number can be flown together: the static
/// pressure they imply (ISA compressible-flow relations, Anderson *Introduction to Flight*
/// §4.11) must lie between ~1 000 ft below sea level and ~51 000 ft (p/p0 in 0.10..1.05).
fn pressure_ratio_plausible(cas_kt: f64, mach: f64) -> bool {
    const A0_KT: f64 = 661.4786;
    // x^3.5 as x³·√x: the same value, without a `powf` on the decoder's hot path.
    let pow_3_5 = |x: f64| x * x * x * x.sqrt();
    let qc_over_p0 = pow_3_5(1.0 + 0.2 * (cas_kt / A0_KT).powi(2)) - 1.0;
    let qc_over_p = pow_3_5(1.0 + 0.2 * mach * mach) - 1.0;
    if qc_over_p <= 0.0 {
        return false;
    }
    let delta = qc_over_p0 / qc_over_p;
    (0.10..=1.05).contains(&delta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ias_mach_pairs() {
        assert!(pressure_ratio_plausible(250.0, 0.78)); // cruise near FL350
        assert!(pressure_ratio_plausible(250.0, 0.38)); // low level
        assert!(!pressure_ratio_plausible(400.0, 0.3)); // faster IAS than Mach allows
        assert!(!pressure_ratio_plausible(100.0, 0.9)); // would be above FL600
    }
}
