//! BDS 4,0: selected vertical intention (Doc 9871 Table A-2-64).
//!
//! ```text
//! MB bit: 1 status | 2-13 MCP/FCU selected altitude (16 ft) | 14 status | 15-26 FMS selected
//!  altitude (16 ft) | 27 status | 28-39 baro setting (0.1 hPa, +800) | 40-47 reserved (0)
//!  48 mode status | 49 VNAV | 50 alt hold | 51 approach | 52-53 reserved (0)
//!  54 target source status | 55-56 target altitude source
//! ```

use super::{field_if_status, score::Score};
use crate::adsb::target_state::selected_altitude_ft;
use crate::bits::{me, me_bit};

/// A selected vertical intention report.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct SelectedVerticalIntention {
    /// MCP/FCU selected altitude, feet (restored to the 100 ft step it encodes).
    pub selected_altitude_mcp_ft: Option<u32>,
    /// FMS selected altitude, feet (restored to the 100 ft step it encodes).
    pub selected_altitude_fms_ft: Option<u32>,
    /// Barometric pressure setting, hPa.
    pub baro_setting_hpa: Option<f64>,
    /// The raw selected altitudes in 16 ft steps (MCP, FMS), for the plausibility score.
    raw_ft: [Option<u32>; 2],
}

impl SelectedVerticalIntention {
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        if me(mb, 40, 47) != 0 || me(mb, 52, 53) != 0 {
            return None;
        }
        if !me_bit(mb, 48) && me(mb, 49, 51) != 0 {
            return None;
        }
        if !me_bit(mb, 54) && me(mb, 55, 56) != 0 {
            return None;
        }
        let mcp = field_if_status(mb, 1, 2, 13)?;
        let fms = field_if_status(mb, 14, 15, 26)?;
        let baro = field_if_status(mb, 27, 28, 39)?;
        let mcp = mcp.map(|v| v * 16);
        let fms = fms.map(|v| v * 16);
        if mcp.is_some_and(|a| a > 65_000) || fms.is_some_and(|a| a > 65_000) {
            return None;
        }
        if mcp.is_none() && fms.is_none() && baro.is_none() {
            return None;
        }
        let snap = |a: u32| selected_altitude_ft(a as i32, 16) as u32;
        Some(Self {
            selected_altitude_mcp_ft: mcp.map(snap),
            selected_altitude_fms_ft: fms.map(snap),
            raw_ft: [mcp, fms],
            baro_setting_hpa: baro.map(|v| 800.0 + f64::from(v) * 0.1),
        })
    }

    /// Plausibility without context: selected altitudes are set in round hundreds of feet
    /// (the 16 ft LSB leaves them within 16 ft of one), and a pressure setting is near
    /// standard (950–1050 hPa) or exactly 1013.2.
    pub(crate) fn score(&self) -> Score {
        let mut s = Score::default();
        for alt in self.raw_ft.into_iter().flatten() {
            let off = alt % 100;
            s.add(if off <= 16 || off >= 84 { 2 } else { -2 });
        }
        if let Some(baro) = self.baro_setting_hpa {
            s.add(if (950.0..=1050.0).contains(&baro) {
                2
            } else {
                -3
            });
        }
        s
    }
}
