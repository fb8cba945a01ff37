//! BDS 1,7: common usage GICB capability report (Doc 9871 Table A-2-23).
//!
//! ```text
//! MB bit: 1-24 one flag per register: 0,5 0,6 0,7 0,8 0,9 0,A 2,0 2,1 4,0 4,1 4,2 4,3
//!              4,4 4,5 4,8 5,0 5,1 5,2 5,3 5,4 5,5 5,6 5,F 6,0 | 25-56 reserved (0)
//! ```

use crate::bits::{me, me_bit};

/// A GICB capability report: which registers the transponder can deliver.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct GicbCapability {
    /// The 24 capability flags, MB bit 1 in the most significant of the 24 bits.
    pub flags: u32,
}

/// The register each capability flag stands for, in MB bit order.
pub const GICB_REGISTERS: [u8; 24] = [
    0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x20, 0x21, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x48, 0x50,
    0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x5F, 0x60,
];

impl GicbCapability {
    pub(crate) fn decode(mb: u64) -> Option<Self> {
        // Reserved bits must be clear, and every transponder able to report GICB registers
        // reports its identification (2,0): a clear 2,0 flag means this is not a 1,7.
        if me(mb, 25, 56) != 0 || !me_bit(mb, 7) {
            return None;
        }
        Some(Self {
            flags: me(mb, 1, 24),
        })
    }

    /// Whether register `bds` (e.g. `0x50`) is reported as supported.
    pub fn supports(&self, bds: u8) -> bool {
        GICB_REGISTERS
            .iter()
            .position(|&r| r == bds)
            .is_some_and(|i| (self.flags >> (23 - i)) & 1 == 1)
    }
}
