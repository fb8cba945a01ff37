//! Airborne (TC 9–18, 20–22) and surface (TC 5–8) position messages
//! (DO-260B §2.2.3.2.3 and §2.2.3.2.4, Doc 9871 §C.2.3.2–3).
//!
//! ```text
//! airborne ME bit: 1-5 TC | 6-7 SS | 8 NIC-B | 9-20 ALT | 21 T | 22 F | 23-39 LAT-CPR | 40-56 LON-CPR
//! surface  ME bit: 1-5 TC | 6-12 MOV | 13 S | 14-20 TRK | 21 T | 22 F | 23-39 LAT-CPR | 40-56 LON-CPR
//! ```
//! The position itself needs a CPR pair or a reference: see [`crate::cpr`].

use crate::bits::{me, me_bit};
use crate::cpr::{CprFormat, CprPosition};
use crate::gillham::altitude_ac12;

/// What the altitude of an airborne position measures.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AltitudeSource {
    /// TC 9–18: barometric pressure altitude, feet.
    Barometric,
    /// TC 20–22: GNSS height above the ellipsoid, feet.
    Gnss,
}

/// An airborne position message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AirbornePosition {
    /// Type code.
    pub tc: u8,
    /// Surveillance status (ME bits 6–7): 1 permanent alert, 2 temporary alert, 3 SPI.
    pub surveillance_status: u8,
    /// NIC supplement-B (ME bit 8).
    pub nic_b: bool,
    /// Altitude in feet, if reported.
    pub altitude_ft: Option<i32>,
    /// What the altitude measures.
    pub altitude_source: AltitudeSource,
    /// The CPR-encoded position.
    pub cpr: CprPosition,
}

fn cpr_of(field: u64) -> CprPosition {
    CprPosition {
        format: if me_bit(field, 22) {
            CprFormat::Odd
        } else {
            CprFormat::Even
        },
        lat_cpr: me(field, 23, 39),
        lon_cpr: me(field, 40, 56),
    }
}

impl AirbornePosition {
    pub(crate) fn decode(field: u64) -> Self {
        let tc = me(field, 1, 5) as u8;
        let alt_field = me(field, 9, 20) as u16;
        let (altitude_ft, altitude_source) = if (20..=22).contains(&tc) {
            // GNSS height is a plain 12-bit count of metres (DO-260B §2.2.3.2.3.4.3).
            let ft = (alt_field != 0).then(|| (f64::from(alt_field) * 3.280_84).round() as i32);
            (ft, AltitudeSource::Gnss)
        } else {
            (altitude_ac12(alt_field), AltitudeSource::Barometric)
        };
        Self {
            tc,
            surveillance_status: me(field, 6, 7) as u8,
            nic_b: me_bit(field, 8),
            altitude_ft,
            altitude_source,
            cpr: cpr_of(field),
        }
    }

    /// The Navigation Integrity Category implied by the type code, when the type code alone
    /// (with NIC-B) determines it (DO-260B Table 2-14). TC 11, 13 and 16 also need NIC
    /// supplement-A from the operational status message; for those this returns `None`
    /// unless NIC-B settles it.
    pub fn nic(&self) -> Option<u8> {
        match (self.tc, self.nic_b) {
            (9, _) | (20, _) => Some(11),
            (10, _) | (21, _) => Some(10),
            (11, false) => Some(8),
            (12, _) => Some(7),
            (13, true) => Some(5),
            (14, _) => Some(5),
            (15, _) => Some(4),
            (16, false) => Some(2),
            (17, _) => Some(1),
            (18, _) | (22, _) => Some(0),
            _ => None,
        }
    }
}

/// A surface position message.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct SurfacePosition {
    /// Type code.
    pub tc: u8,
    /// Ground speed in knots, when the movement field gives one.
    pub groundspeed_kt: Option<f64>,
    /// Ground track in degrees, when its status bit is set.
    pub track_deg: Option<f64>,
    /// The CPR-encoded position (surface, 90° zones).
    pub cpr: CprPosition,
}

impl SurfacePosition {
    pub(crate) fn decode(field: u64) -> Self {
        let mov = me(field, 6, 12);
        Self {
            tc: me(field, 1, 5) as u8,
            groundspeed_kt: movement_kt(mov),
            track_deg: me_bit(field, 13).then(|| f64::from(me(field, 14, 20)) * 360.0 / 128.0),
            cpr: cpr_of(field),
        }
    }
}

/// The quantised ground speed of surface movement codes (DO-260B Table 2-16), the lower
/// bound of each step in knots; code 124 means ≥ 175 kt (reported as 175).
fn movement_kt(code: u32) -> Option<f64> {
    let c = f64::from(code);
    match code {
        1 => Some(0.0),
        2..=8 => Some(0.125 + (c - 2.0) * 0.125),
        9..=12 => Some(1.0 + (c - 9.0) * 0.25),
        13..=38 => Some(2.0 + (c - 13.0) * 0.5),
        39..=93 => Some(15.0 + (c - 39.0)),
        94..=108 => Some(70.0 + (c - 94.0) * 2.0),
        109..=123 => Some(100.0 + (c - 109.0) * 5.0),
        124 => Some(175.0),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn movement_steps_are_continuous() {
        // Each band starts where the previous band's last step ends.
        assert_eq!(movement_kt(8), Some(0.875));
        assert_eq!(movement_kt(9), Some(1.0));
        assert_eq!(movement_kt(13), Some(2.0));
        assert_eq!(movement_kt(39), Some(15.0));
        assert_eq!(movement_kt(94), Some(70.0));
        assert_eq!(movement_kt(109), Some(100.0));
        assert_eq!(movement_kt(0), None);
        assert_eq!(movement_kt(127), None);
    }
}
