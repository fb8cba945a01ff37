//! BDS 1,0: data link capability report (Doc 9871 Table A-2-16).
//!
//! ```text
//! MB bit: 1-8 BDS=0x10 | 9 continuation | 10-14 reserved (0) | 15 overlay command capability
//!  16 ACAS | 17-23 Mode S subnetwork version | 24 enhanced protocol | 25 specific services
//!  26-28 uplink ELM | 29-32 downlink ELM | 33 aircraft identification capability
//!  34 squitter capability | 35 SIC | 36 common usage GICB capability | 37-40 ACAS | 41-56 DTE
//! ```

use crate::bits::{me, me_bit};

/// A data link capability report.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct DataLinkCapability {
    /// Mode S subnetwork version number (0 = not available).
    pub subnetwork_version: u8,
    /// Aircraft identification capability (it can report BDS 2,0).
    pub identification_capability: bool,
    /// Squitter capability (it emits extended squitter).
    pub squitter_capability: bool,
}

impl DataLinkCapability {
    /// Structural check and decode; `None` when the payload cannot be a BDS 1,0.
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        if me(mb, 1, 8) != 0x10 || me(mb, 10, 14) != 0 {
            return None;
        }
        let version = me(mb, 17, 23) as u8;
        // Versions 0–5 are defined (Doc 9871 §A.2.5.4.1); higher values are noise.
        if version > 5 {
            return None;
        }
        Some(Self {
            subnetwork_version: version,
            identification_capability: me_bit(mb, 33),
            squitter_capability: me_bit(mb, 34),
        })
    }
}
