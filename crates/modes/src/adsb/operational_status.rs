//! TC 31: aircraft operational status (DO-260B §2.2.3.2.7.2).
//!
//! ```text
//! ME bit: 1-5 TC | 6-8 ST (0 airborne, 1 surface) | 9-24 capability class | 25-40 operational mode
//!  41-43 version | 44 NIC-A | 45-48 NACp | 49-50 GVA (airborne) | 51-52 SIL
//!  53 NICbaro (airborne) / TRK-HDG (surface) | 54 HRD | 55 SIL supplement | 56 reserved
//! ```

use crate::bits::{me, me_bit};

/// An operational status message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct OperationalStatus {
    /// True for the surface subtype.
    pub surface: bool,
    /// ADS-B version number: 0 (DO-260), 1 (DO-260A), 2 (DO-260B).
    pub version: u8,
    /// NIC supplement-A.
    pub nic_a: bool,
    /// Navigation accuracy category for position.
    pub nac_p: u8,
    /// Source integrity level.
    pub sil: u8,
    /// Horizontal reference direction: true when headings are magnetic.
    pub heading_magnetic: bool,
}

impl OperationalStatus {
    pub(crate) fn decode(field: u64) -> Option<Self> {
        let subtype = me(field, 6, 8);
        if subtype > 1 {
            return None;
        }
        Some(Self {
            surface: subtype == 1,
            version: me(field, 41, 43) as u8,
            nic_a: me_bit(field, 44),
            nac_p: me(field, 45, 48) as u8,
            sil: me(field, 51, 52) as u8,
            heading_magnetic: me_bit(field, 54),
        })
    }
}
