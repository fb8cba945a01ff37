//! TC 28: aircraft status (DO-260B §2.2.3.2.7.8).
//!
//! ```text
//! subtype 1: ME bit 1-5 TC | 6-8 ST=1 | 9-11 emergency state | 12-24 Mode A code (ID13)
//! subtype 2: ME bit 1-5 TC | 6-8 ST=2 | 9-22 ARA | 23-26 RAC | 27 RAT | 28 MTE | 29-30 TTI | 31-56 TID
//! ```

use crate::bits::me;
use crate::gillham::{squawk, Squawk};

/// An aircraft status message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AircraftStatus {
    /// Subtype 1: emergency/priority status and the Mode A code.
    Emergency {
        /// 0 none, 1 general, 2 medical, 3 minimum fuel, 4 no communications,
        /// 5 unlawful interference, 6 downed aircraft.
        emergency: u8,
        /// The Mode A code.
        squawk: Squawk,
    },
    /// Subtype 2: an ACAS resolution advisory broadcast (the 54 bits of BDS 3,0 after its
    /// header).
    AcasRa {
        /// Active resolution advisories, 14 bits.
        ara: u16,
        /// RA terminated.
        terminated: bool,
    },
}

impl AircraftStatus {
    pub(crate) fn decode(field: u64) -> Option<Self> {
        match me(field, 6, 8) {
            1 => Some(AircraftStatus::Emergency {
                emergency: me(field, 9, 11) as u8,
                squawk: squawk(me(field, 12, 24) as u16),
            }),
            2 => Some(AircraftStatus::AcasRa {
                ara: me(field, 9, 22) as u16,
                terminated: me(field, 27, 27) == 1,
            }),
            _ => None,
        }
    }
}
