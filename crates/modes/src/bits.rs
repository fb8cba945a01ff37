//! Reading big-endian bit fields out of a reply, numbered as the specifications number them.
//!
//! ICAO numbers message bits from 1 (first transmitted); ME/MB fields are numbered from 1 within
//! their 56 bits. These helpers keep the decoders' field tables readable.

/// The 56-bit ME/MB field of a long reply (message bits 33–88) as an integer.
#[inline]
pub(crate) fn field56(msg: &[u8]) -> u64 {
    let mut v = 0u64;
    for &b in &msg[4..11] {
        v = (v << 8) | u64::from(b);
    }
    v
}

/// Bits `first..=last` (1-based, inclusive) of a 56-bit ME/MB field.
#[inline]
pub(crate) const fn me(field: u64, first: u32, last: u32) -> u32 {
    let width = last - first + 1;
    ((field >> (56 - last)) & ((1u64 << width) - 1)) as u32
}

/// Bit `n` (1-based) of a 56-bit ME/MB field.
#[inline]
pub(crate) const fn me_bit(field: u64, n: u32) -> bool {
    (field >> (56 - n)) & 1 == 1
}

/// Bits `first..=last` (1-based, inclusive) of the first 32 bits of a reply.
#[inline]
pub(crate) fn head(msg: &[u8], first: u32, last: u32) -> u32 {
    let w = u32::from_be_bytes([msg[0], msg[1], msg[2], msg[3]]);
    let width = last - first + 1;
    (w >> (32 - last)) & ((1u32 << width) - 1)
}
