//! BDS 2,0: aircraft identification (Doc 9871 Table A-2-32).
//!
//! ```text
//! MB bit: 1-8 BDS=0x20 | 9-56 eight 6-bit characters
//! ```

use crate::bits::me;
use crate::Callsign;

/// Decode BDS 2,0: `None` unless the header is 0x20 and every character is valid.
pub(crate) fn decode(mb: u64) -> Option<Callsign> {
    if me(mb, 1, 8) != 0x20 {
        return None;
    }
    Callsign::from_six_bit(mb & 0xFFFF_FFFF_FFFF).ok()
}
