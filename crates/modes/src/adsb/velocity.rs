//! TC 19: airborne velocity, subtypes 1–4 (DO-260B §2.2.3.2.6, Doc 9871 §C.2.3.5).
//!
//! ```text
//! ME bit: 1-5 TC | 6-8 ST | 9 IC | 10 IFR | 11-13 NACv
//!   ST 1/2 (ground): 14 Dew | 15-24 Vew | 25 Dns | 26-35 Vns
//!   ST 3/4 (air):    14 SH  | 15-24 HDG | 25 T   | 26-35 AS
//! 36 VrSrc | 37 Svr | 38-46 VR | 47-48 reserved | 49 SDif | 50-56 dAlt
//! ```
//! Subtypes 2 and 4 are "supersonic": velocity LSB 4 kt instead of 1 kt.

use crate::bits::{me, me_bit};

/// Whether a reported airspeed is indicated or true.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AirspeedKind {
    /// Indicated airspeed.
    Indicated,
    /// True airspeed.
    True,
}

/// An airborne velocity message.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Velocity {
    /// Subtype 1–4.
    pub subtype: u8,
    /// Navigation accuracy category for velocity (ME bits 11–13).
    pub nac_v: u8,
    /// Ground speed, knots (subtypes 1–2).
    pub groundspeed_kt: Option<f64>,
    /// Ground track, degrees true (subtypes 1–2, when the aircraft moves).
    pub track_deg: Option<f64>,
    /// Heading, degrees (subtypes 3–4, when its status bit is set; magnetic or true per the
    /// operational status HRD bit).
    pub heading_deg: Option<f64>,
    /// Airspeed, knots (subtypes 3–4).
    pub airspeed_kt: Option<u16>,
    /// Whether the airspeed is IAS or TAS.
    pub airspeed_kind: AirspeedKind,
    /// Vertical rate, ft/min, positive up.
    pub vertical_rate_fpm: Option<i32>,
    /// True when the vertical rate comes from barometric altitude, false when from GNSS.
    pub vertical_rate_barometric: bool,
    /// GNSS height minus barometric altitude, feet.
    pub gnss_minus_baro_ft: Option<i32>,
}

impl Velocity {
    pub(crate) fn decode(field: u64) -> Option<Self> {
        let subtype = me(field, 6, 8) as u8;
        if !(1..=4).contains(&subtype) {
            return None;
        }
        let factor = if subtype == 2 || subtype == 4 { 4 } else { 1 };
        let mut v = Velocity {
            subtype,
            nac_v: me(field, 11, 13) as u8,
            groundspeed_kt: None,
            track_deg: None,
            heading_deg: None,
            airspeed_kt: None,
            airspeed_kind: AirspeedKind::Indicated,
            vertical_rate_fpm: None,
            vertical_rate_barometric: me_bit(field, 36),
            gnss_minus_baro_ft: None,
        };
        if subtype <= 2 {
            let vew = me(field, 15, 24);
            let vns = me(field, 26, 35);
            if vew != 0 && vns != 0 {
                let mut east = f64::from((vew - 1) * factor);
                let mut north = f64::from((vns - 1) * factor);
                if me_bit(field, 14) {
                    east = -east;
                }
                if me_bit(field, 25) {
                    north = -north;
                }
                v.groundspeed_kt = Some(east.hypot(north));
                if east != 0.0 || north != 0.0 {
                    v.track_deg = Some(east.atan2(north).to_degrees().rem_euclid(360.0));
                }
            }
        } else {
            if me_bit(field, 14) {
                v.heading_deg = Some(f64::from(me(field, 15, 24)) * 360.0 / 1024.0);
            }
            let airspeed = me(field, 26, 35);
            if airspeed != 0 {
                v.airspeed_kt = Some(((airspeed - 1) * factor) as u16);
            }
            if me_bit(field, 25) {
                v.airspeed_kind = AirspeedKind::True;
            }
        }
        let vr = me(field, 38, 46) as i32;
        if vr != 0 {
            let rate = (vr - 1) * 64;
            v.vertical_rate_fpm = Some(if me_bit(field, 37) { -rate } else { rate });
        }
        let dalt = me(field, 50, 56) as i32;
        if dalt != 0 {
            let diff = (dalt - 1) * 25;
            v.gnss_minus_baro_ft = Some(if me_bit(field, 49) { -diff } else { diff });
        }
        Some(v)
    }
}

#[cfg(test)]
mod tests {
    use crate::adsb::Me;
    use crate::decode;

    fn me_of(hex: &str) -> Me {
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        *decode(&bytes).unwrap().me().unwrap()
    }

    #[test]
    fn ground_speed_example() {
        // The 1090 MHz Riddle (Sun), airborne velocity subtype 1:
        // GS 159.20 kt, track 182.88°, vertical rate −832 ft/min; VrSrc (ME bit 36) = 0: GNSS
        // (Doc 9871 Table A-2-9a: 0 = geometric, 1 = barometric).
        let Me::Velocity(v) = me_of("8D485020994409940838175B284F") else {
            panic!("not a velocity")
        };
        assert_eq!(v.subtype, 1);
        assert!((v.groundspeed_kt.unwrap() - 159.20).abs() < 0.01);
        assert!((v.track_deg.unwrap() - 182.88).abs() < 0.01);
        assert_eq!(v.vertical_rate_fpm, Some(-832));
        assert!(!v.vertical_rate_barometric);
    }

    #[test]
    fn airspeed_example() {
        // The 1090 MHz Riddle, subtype 3: heading 243.98°, TAS 375 kt, −2304 ft/min;
        // VrSrc = 1: barometric.
        let Me::Velocity(v) = me_of("8DA05F219B06B6AF189400CBC33F") else {
            panic!("not a velocity")
        };
        assert_eq!(v.subtype, 3);
        assert!((v.heading_deg.unwrap() - 243.98).abs() < 0.01);
        assert_eq!(v.airspeed_kt, Some(375));
        assert_eq!(v.airspeed_kind, super::AirspeedKind::True);
        assert_eq!(v.vertical_rate_fpm, Some(-2304));
        assert!(v.vertical_rate_barometric);
    }
}
