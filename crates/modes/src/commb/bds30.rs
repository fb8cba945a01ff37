//! BDS 3,0: ACAS active resolution advisory (Doc 9871 Table A-2-48).
//!
//! ```text
//! MB bit: 1-8 BDS=0x30 | 9-22 ARA | 23-26 RAC | 27 RAT | 28 MTE | 29-30 TTI | 31-56 TID
//! ```

use crate::bits::{me, me_bit};

/// An ACAS resolution advisory report.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AcasResolutionAdvisory {
    /// Active resolution advisories (14 bits).
    pub ara: u16,
    /// Resolution advisory complements (4 bits).
    pub rac: u8,
    /// RA terminated.
    pub terminated: bool,
    /// Multiple threat encounter.
    pub multiple_threats: bool,
    /// Threat type indicator: 1 = Mode S address in TID, 2 = altitude/range/bearing.
    pub threat_type: u8,
    /// Threat identity data (26 bits).
    pub threat_identity: u32,
}

impl AcasResolutionAdvisory {
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        if me(mb, 1, 8) != 0x30 {
            return None;
        }
        let tti = me(mb, 29, 30) as u8;
        let tid = me(mb, 31, 56);
        // TTI = 3 is not defined; without a threat type there is no threat identity.
        if tti == 3 || (tti == 0 && tid != 0) {
            return None;
        }
        Some(Self {
            ara: me(mb, 9, 22) as u16,
            rac: me(mb, 23, 26) as u8,
            terminated: me_bit(mb, 27),
            multiple_threats: me_bit(mb, 28),
            threat_type: tti,
            threat_identity: tid,
        })
    }
}
