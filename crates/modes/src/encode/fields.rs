//! Field encoders shared by several replies: the 13-bit altitude (AC13) and identity (ID13)
//! fields, the 12-bit ADS-B altitude (AC12) and the 6-bit character string.
//!
//! Inverses of [`crate::gillham`] and [`crate::Callsign::from_six_bit`]. The bit order of the
//! 13-bit fields (Annex 10 Vol. IV §3.1.2.6.5.4, §3.1.2.6.7.1):
//! ```text
//!  bit:  1  2  3  4  5  6  7    8  9    10 11 12 13
//!        C1 A1 C2 A2 C4 A4 X/M  B1 D1/Q B2 D2 B4 D4
//! ```
//! Altitudes from −1 000 to 50 175 ft go out in 25 ft steps with Q = 1, as every Mode S
//! transponder with a digital source does; above that range only the Gillham code (100 ft
//! steps, to 126 700 ft) can carry them.

use super::EncodeError;
use crate::{Callsign, Squawk};

/// Lowest altitude of the 25 ft (Q = 1) coding, feet.
const Q_MIN_FT: i32 = -1000;
/// Highest altitude the Gillham code carries, feet.
const GILLHAM_MAX_FT: i32 = 126_700;

/// Encode an altitude (feet) into a 13-bit AC field; `None` gives the all-zero "unknown" field.
///
/// Rounds to the nearest 25 ft step up to 50 175 ft and to the nearest 100 ft above.
///
/// ```
/// use vigia_modes::{encode::fields::ac13, gillham::altitude_ac13};
/// assert_eq!(ac13(Some(38000)), Ok(0x1838)); // the DF20 example of `gillham`
/// assert_eq!(altitude_ac13(ac13(Some(60_040)).unwrap()), Some(60_000));
/// ```
pub fn ac13(altitude_ft: Option<i32>) -> Result<u16, EncodeError> {
    let Some(alt) = altitude_ft else {
        return Ok(0);
    };
    let out_of_range = EncodeError::OutOfRange {
        field: "altitude_ft",
        value: f64::from(alt),
    };
    let n = (i64::from(alt) - i64::from(Q_MIN_FT) + 12).div_euclid(25);
    if n < 0 {
        return Err(out_of_range);
    }
    if n <= 2047 {
        let n = n as u16;
        // Bits 1-6 carry n's top six bits, bit 8 the next, bits 10-13 the last four;
        // M (bit 7) stays 0 and Q (bit 9) is set.
        return Ok(((n & 0x7E0) << 2) | ((n & 0x010) << 1) | 0x010 | (n & 0x00F));
    }
    let hundreds = (i64::from(alt) + 50).div_euclid(100) * 100;
    if hundreds > i64::from(GILLHAM_MAX_FT) {
        return Err(out_of_range);
    }
    Ok(gillham(hundreds as i32))
}

/// Encode an altitude (feet) into the 12-bit altitude of an ADS-B airborne position
/// (ME bits 9–20): [`ac13`] without its M bit.
pub fn ac12(altitude_ft: Option<i32>) -> Result<u16, EncodeError> {
    let ac13 = ac13(altitude_ft)?;
    Ok(((ac13 & 0x1F80) >> 1) | (ac13 & 0x003F))
}

/// The Gillham (Mode C) code of an altitude that is a multiple of 100 ft in
/// `-1200..=126_700`: the inverse of `gillham::gillham_altitude`.
///
/// The 500 ft part `n500` is a reflected Gray code over D2 D4 A1 A2 A4 B1 B2 B4; the 100 ft
/// part (1–5) a Gray code over C1 C2 C4, counted backwards on odd 500 ft steps, with 5 sent
/// as binary 7.
fn gillham(alt: i32) -> u16 {
    let v = ((alt + 1300) / 100) as u16; // n500 · 5 + n100, n100 in 1..=5
    let n500 = (v - 1) / 5;
    let mut n100 = v - 5 * n500;
    if n500 % 2 == 1 {
        n100 = 6 - n100;
    }
    if n100 == 5 {
        n100 = 7;
    }
    let g500 = n500 ^ (n500 >> 1);
    let g100 = n100 ^ (n100 >> 1);
    let at = |n: u32, set: u16| (set & 1) << (13 - n);
    at(11, g500 >> 7)
        | at(13, g500 >> 6)
        | at(2, g500 >> 5)
        | at(4, g500 >> 4)
        | at(6, g500 >> 3)
        | at(8, g500 >> 2)
        | at(10, g500 >> 1)
        | at(12, g500)
        | at(1, g100 >> 2)
        | at(3, g100 >> 1)
        | at(5, g100)
}

/// Encode a Mode A code into a 13-bit ID field (X bit 7 clear).
///
/// ```
/// use vigia_modes::{encode::fields::id13, gillham::squawk, Squawk};
/// assert_eq!(squawk(id13(Squawk(0o7700)).unwrap()), Squawk(0o7700));
/// assert!(id13(Squawk(0o10000)).is_err());
/// ```
pub fn id13(code: Squawk) -> Result<u16, EncodeError> {
    let s = code.0;
    if s > 0o7777 {
        return Err(EncodeError::InvalidCode {
            field: "squawk",
            value: u32::from(s),
        });
    }
    let (a, b, c, d) = ((s >> 9) & 7, (s >> 6) & 7, (s >> 3) & 7, s & 7);
    let at = |n: u32, digit: u16, weight: u16| ((digit >> weight) & 1) << (13 - n);
    Ok(at(1, c, 0)
        | at(2, a, 0)
        | at(3, c, 1)
        | at(4, a, 1)
        | at(5, c, 2)
        | at(6, a, 2)
        | at(8, b, 0)
        | at(9, d, 0)
        | at(10, b, 1)
        | at(11, d, 1)
        | at(12, b, 2)
        | at(13, d, 2))
}

/// The 48 bits of eight 6-bit characters (first character in the most significant bits),
/// padded with spaces; `None` sends eight spaces, which decodes as "no identification".
pub fn six_bit(callsign: Option<&Callsign>) -> u64 {
    let text = callsign.map_or(&b""[..], |c| c.as_str().as_bytes());
    (0..8).fold(0u64, |acc, i| {
        let code = match text.get(i) {
            Some(&c @ b'A'..=b'Z') => c - b'A' + 1,
            Some(&c @ b'0'..=b'9') => c - b'0' + 48,
            // Space, and the end of the text: `Callsign` holds nothing else.
            _ => 32,
        };
        (acc << 6) | u64::from(code)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gillham::{altitude_ac12, altitude_ac13, squawk};

    #[test]
    fn every_q_step_round_trips() {
        for n in 0..=2047 {
            let alt = Q_MIN_FT + 25 * n;
            assert_eq!(altitude_ac13(ac13(Some(alt)).unwrap()), Some(alt));
            assert_eq!(altitude_ac12(ac12(Some(alt)).unwrap()), Some(alt));
        }
    }

    #[test]
    fn every_gillham_step_above_the_q_range_round_trips() {
        for alt in (50_200..=GILLHAM_MAX_FT).step_by(100) {
            let field = ac13(Some(alt)).unwrap();
            assert_eq!(field & 0x10, 0, "Q clear for {alt}");
            assert_eq!(altitude_ac13(field), Some(alt));
            assert_eq!(altitude_ac12(ac12(Some(alt)).unwrap()), Some(alt));
        }
    }

    #[test]
    fn rounds_to_the_nearest_step_and_rejects_the_rest() {
        assert_eq!(altitude_ac13(ac13(Some(38_012)).unwrap()), Some(38_000));
        assert_eq!(altitude_ac13(ac13(Some(38_013)).unwrap()), Some(38_025));
        assert_eq!(ac13(None), Ok(0));
        assert!(ac13(Some(-1013)).is_err());
        assert!(ac13(Some(126_751)).is_err());
    }

    #[test]
    fn every_squawk_round_trips() {
        for s in 0..=0o7777 {
            assert_eq!(squawk(id13(Squawk(s)).unwrap()), Squawk(s));
        }
    }

    #[test]
    fn six_bit_is_the_inverse_of_from_six_bit() {
        let klm = Callsign::parse("KLM1023").unwrap();
        assert_eq!(six_bit(Some(&klm)), 0x2CC371C32CE0);
        assert_eq!(Callsign::from_six_bit(six_bit(Some(&klm))), Ok(klm));
        assert!(Callsign::from_six_bit(six_bit(None)).is_err());
    }
}
