//! Encoding Mode S replies: the exact inverse of the decoders, as pure functions.
//!
//! Owns turning values into bits — the 13-bit altitude and identity fields, the 6-bit
//! characters, ADS-B ME fields, Comm-B MB fields — and assembling whole replies with their
//! parity (Annex 10 Vol. IV §3.1.2, Doc 9871 Appendix A, DO-260B §2.2.3). Every function
//! is the inverse of a decoder in this crate: `decode(encode(x)) == x` to within the field's
//! resolution (a value between two steps is rounded to the nearest one; property tests in
//! `encode/tests.rs` check it, and check that rs1090 reads the same values).
//!
//! It does not decide *what* to send or *when* (rates, CPR even/odd alternation, Comm-B
//! register choice): that is the simulator's job (`vigia-sim`). No allocation, no I/O.
//!
//! - [`fields`]: AC13/AC12 altitude, ID13 identity, 6-bit characters.
//! - [`adsb`]: ME fields of DF17 (identification, positions, velocity, status).
//! - [`commb`]: MB fields of DF20/21 (BDS 2,0, 4,0, 5,0, 6,0).
//! - [`frame`]: whole replies (DF4, 5, 11, 17, 20, 21) with their CRC-24 parity.
//!
//! ```
//! use vigia_modes::{decode, encode, IcaoAddress, Callsign, adsb::{Identification, Me}};
//! let id = Identification { tc: 4, category: 0, callsign: Callsign::parse("KLM1023").ok() };
//! let frame = encode::frame::df17(IcaoAddress::new(0x4840d6), 5, encode::adsb::identification(&id)?)?;
//! assert_eq!(frame, [0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3, 0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98]);
//! assert_eq!(decode(&frame).unwrap().me(), Some(&Me::Identification(id)));
//! # Ok::<(), vigia_modes::encode::EncodeError>(())
//! ```

pub mod adsb;
pub mod commb;
pub mod fields;
pub mod frame;
#[cfg(test)]
mod tests;

/// A value the field cannot carry.
#[derive(Clone, Copy, PartialEq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// A number outside the range of its field (or not finite).
    #[error("{field} = {value} is outside the range the field can carry")]
    OutOfRange {
        /// The field, as named in the decoder's struct.
        field: &'static str,
        /// The value given.
        value: f64,
    },
    /// A code (type code, subtype, capability, ...) not allowed in its field.
    #[error("{field} = {value} is not an allowed code")]
    InvalidCode {
        /// The field, as named in the decoder's struct.
        field: &'static str,
        /// The code given.
        value: u32,
    },
}

/// Place `value` in bits `first..=last` (1-based, inclusive) of a 56-bit ME/MB field: the
/// inverse of `bits::me`. Bits of `value` above the field's width are dropped; callers
/// check ranges first.
#[inline]
pub(crate) const fn put(first: u32, last: u32, value: u64) -> u64 {
    let width = last - first + 1;
    (value & ((1u64 << width) - 1)) << (56 - last)
}

/// `code` if it is at most `max`, else [`EncodeError::InvalidCode`].
#[inline]
pub(crate) fn code(field: &'static str, value: u32, max: u32) -> Result<u64, EncodeError> {
    if value <= max {
        Ok(u64::from(value))
    } else {
        Err(EncodeError::InvalidCode { field, value })
    }
}

/// `value / lsb` rounded to the nearest step, if that step lies in `0..=max_steps`.
#[inline]
pub(crate) fn steps(
    field: &'static str,
    value: f64,
    lsb: f64,
    max_steps: u32,
) -> Result<u64, EncodeError> {
    let n = (value / lsb).round();
    if n.is_finite() && (0.0..=f64::from(max_steps)).contains(&n) {
        Ok(n as u64)
    } else {
        Err(EncodeError::OutOfRange { field, value })
    }
}

/// `value / lsb` rounded to the nearest step, as a `width`-bit two's complement field
/// (sign bit first), if it fits.
#[inline]
pub(crate) fn signed_steps(
    field: &'static str,
    value: f64,
    lsb: f64,
    width: u32,
) -> Result<u64, EncodeError> {
    let n = (value / lsb).round();
    let limit = f64::from(1u32 << (width - 1));
    if n.is_finite() && (-limit..limit).contains(&n) {
        Ok((n as i64 as u64) & ((1u64 << width) - 1))
    } else {
        Err(EncodeError::OutOfRange { field, value })
    }
}
