//! TC 29 subtype 1: target state and status, DO-260B (version 2) layout (§2.2.3.2.7.1).
//!
//! ```text
//! ME bit: 1-5 TC | 6-7 ST=1 | 8 SIL-sup | 9 alt type (0 MCP/FCU, 1 FMS) | 10-20 selected alt
//!  21-29 baro setting | 30 heading status | 31-39 selected heading | 40-43 NACp | 44 NICbaro
//!  45-46 SIL | 47 mode status | 48 autopilot | 49 VNAV | 50 alt hold | 51 IMF | 52 approach
//!  53 TCAS operational | 54 LNAV | 55-56 reserved
//! ```
//! Subtype 0 (DO-260A) has a different layout and is reported as unsupported.

use crate::bits::{me, me_bit};

/// A target state and status message (version 2).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct TargetState {
    /// Selected altitude, feet (32 ft LSB, restored to the 100 ft step it encodes).
    pub selected_altitude_ft: Option<i32>,
    /// True when the selected altitude comes from the FMS, false from the MCP/FCU.
    pub selected_altitude_fms: bool,
    /// Barometric pressure setting, hPa (0.8 hPa LSB, offset 800).
    pub baro_setting_hpa: Option<f64>,
    /// Selected heading, degrees.
    pub selected_heading_deg: Option<f64>,
    /// Navigation accuracy category for position.
    pub nac_p: u8,
    /// Source integrity level.
    pub sil: u8,
    /// Autopilot, VNAV, altitude hold, approach, LNAV modes when the mode status bit is set.
    pub modes: Option<AutopilotModes>,
    /// TCAS/ACAS operational.
    pub tcas_operational: bool,
}

/// Autopilot mode flags of TC 29.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AutopilotModes {
    /// Autopilot engaged.
    pub autopilot: bool,
    /// VNAV engaged.
    pub vnav: bool,
    /// Altitude hold engaged.
    pub altitude_hold: bool,
    /// Approach mode engaged.
    pub approach: bool,
    /// LNAV engaged.
    pub lnav: bool,
}

/// The altitude a crew selected, from a field quantised to `lsb_ft`.
///
/// Autopilots select altitudes in steps of 100 ft, which a 16 ft (BDS 4,0) or 32 ft (TC 29)
/// LSB cannot carry exactly: 7 000 ft arrives as 7 008. The nearest multiple of 100 ft within
/// one LSB is what was selected; a value farther from any (an FMS constraint, say) is kept.
pub(crate) fn selected_altitude_ft(raw_ft: i32, lsb_ft: i32) -> i32 {
    let nearest = (raw_ft + 50).div_euclid(100) * 100;
    if (raw_ft - nearest).abs() < lsb_ft {
        nearest
    } else {
        raw_ft
    }
}

impl TargetState {
    pub(crate) fn decode(field: u64) -> Option<Self> {
        if me(field, 6, 7) != 1 {
            return None;
        }
        let alt = me(field, 10, 20) as i32;
        let baro = me(field, 21, 29);
        let heading = me(field, 31, 39);
        Some(Self {
            selected_altitude_ft: (alt != 0).then(|| selected_altitude_ft((alt - 1) * 32, 32)),
            selected_altitude_fms: me_bit(field, 9),
            baro_setting_hpa: (baro != 0).then(|| 800.0 + f64::from(baro - 1) * 0.8),
            selected_heading_deg: me_bit(field, 30).then(|| f64::from(heading) * 180.0 / 256.0),
            nac_p: me(field, 40, 43) as u8,
            sil: me(field, 45, 46) as u8,
            modes: me_bit(field, 47).then(|| AutopilotModes {
                autopilot: me_bit(field, 48),
                vnav: me_bit(field, 49),
                altitude_hold: me_bit(field, 50),
                approach: me_bit(field, 52),
                lnav: me_bit(field, 54),
            }),
            tcas_operational: me_bit(field, 53),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::selected_altitude_ft;

    #[test]
    fn selected_altitudes_snap_to_hundreds_within_one_lsb() {
        assert_eq!(selected_altitude_ft(7008, 16), 7000);
        assert_eq!(selected_altitude_ft(6976, 32), 7000);
        assert_eq!(selected_altitude_ft(7040, 16), 7040);
        assert_eq!(selected_altitude_ft(0, 32), 0);
    }
}
