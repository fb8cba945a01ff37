//! TC 1–4: aircraft identification and category (DO-260B §2.2.3.2.5, Doc 9871 §C.2.3.4).
//!
//! ```text
//! ME bit: 1-5 TC | 6-8 CA (emitter category) | 9-56 eight 6-bit characters
//! ```

use crate::bits::me;
use crate::Callsign;

/// Aircraft identification message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Identification {
    /// Type code 1–4 (the category set: 4 = A, 3 = B, 2 = C, 1 = D).
    pub tc: u8,
    /// Emitter category within the set (ME bits 6–8); 0 means "no information".
    pub category: u8,
    /// The identification; `None` when a character is invalid or all are blank.
    pub callsign: Option<Callsign>,
}

impl Identification {
    pub(crate) fn decode(field: u64) -> Self {
        Self {
            tc: me(field, 1, 5) as u8,
            category: me(field, 6, 8) as u8,
            callsign: Callsign::from_six_bit(field & 0xFFFF_FFFF_FFFF).ok(),
        }
    }

    /// The emitter category as commonly written: set letter and number, e.g. `"A3"`
    /// (large aircraft), `"B6"` (UAV), `"A7"` (rotorcraft). `None` when TC and CA say
    /// "no category information" (CA = 0).
    pub fn category_code(&self) -> Option<[u8; 2]> {
        if self.category == 0 || self.tc == 0 || self.tc > 4 {
            return None;
        }
        let set = b'A' + (4 - self.tc);
        Some([set, b'0' + self.category])
    }
}
