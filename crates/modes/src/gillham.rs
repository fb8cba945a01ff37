//! 13-bit identity (Mode A code, ID13) and altitude (AC13) fields, and the 12-bit ADS-B
//! altitude (AC12). Annex 10 Vol. IV §3.1.2.6.5.4 (AC), §3.1.2.6.7.1 (ID); Doc 9871 §A.2.5.
//!
//! Bit order inside the 13-bit field (first transmitted bit first):
//! ```text
//!  bit:  1  2  3  4  5  6  7    8  9    10 11 12 13
//!        C1 A1 C2 A2 C4 A4 X/M  B1 D1/Q B2 D2 B4 D4
//! ```
//! `M` (bit 7) set means metric units; `Q` (bit 9) set means 25 ft increments; with Q clear
//! the altitude is the Gillham (Gray) code of the old Mode C, in 100 ft steps.
//! This file owns the arithmetic only; which reply carries which field is `message`'s job.

/// A Mode A code: four octal digits, stored as the number they spell in octal (`0o7700`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Squawk(pub u16);

impl core::fmt::Display for Squawk {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{:04o}", self.0)
    }
}

#[inline]
fn bit(field: u16, n: u32) -> u16 {
    (field >> (13 - n)) & 1
}

/// Decode a 13-bit ID field into a Mode A code.
///
/// ```
/// use vigia_modes::gillham::{squawk, Squawk};
/// // DF5 "28000A1A" ... id field of 7700 emergency has A=7 B=7 C=0 D=0
/// let id = 0b0_1_0_1_0_1_0_1_0_1_0_1_0; // A1 A2 A4 B1 B2 B4 set
/// assert_eq!(squawk(id), Squawk(0o7700));
/// ```
#[inline]
pub fn squawk(id13: u16) -> Squawk {
    let a = bit(id13, 2) | (bit(id13, 4) << 1) | (bit(id13, 6) << 2);
    let b = bit(id13, 8) | (bit(id13, 10) << 1) | (bit(id13, 12) << 2);
    let c = bit(id13, 1) | (bit(id13, 3) << 1) | (bit(id13, 5) << 2);
    let d = bit(id13, 9) | (bit(id13, 11) << 1) | (bit(id13, 13) << 2);
    Squawk((a << 9) | (b << 6) | (c << 3) | d)
}

/// Decode a 13-bit AC field into a pressure altitude in feet.
///
/// `None` when the field is all zero (altitude unknown), metric (M = 1, not used in practice;
/// no decoder we compare with reports it either) or an invalid Gillham code.
#[inline]
pub fn altitude_ac13(ac13: u16) -> Option<i32> {
    if ac13 == 0 || bit(ac13, 7) == 1 {
        return None;
    }
    if bit(ac13, 9) == 1 {
        // 11-bit binary: drop M (bit 7) and Q (bit 9).
        let n = ((ac13 & 0x1F80) >> 2) | ((ac13 & 0x0020) >> 1) | (ac13 & 0x000F);
        return Some(i32::from(n) * 25 - 1000);
    }
    gillham_altitude(ac13)
}

/// Decode the 12-bit altitude of an ADS-B airborne position (ME bits 9–20): the AC13 layout
/// without its M bit (Doc 9871 §A.2.3.2.4).
#[inline]
pub fn altitude_ac12(ac12: u16) -> Option<i32> {
    if ac12 == 0 {
        return None;
    }
    // Re-insert M = 0 after the 6th bit to get the AC13 layout.
    let ac13 = ((ac12 & 0x0FC0) << 1) | (ac12 & 0x003F);
    altitude_ac13(ac13)
}

/// Gillham (Mode C) altitude in 100 ft steps from a 13-bit field with Q = 0.
///
/// The 500 ft part is a reflected Gray code over D2 D4 A1 A2 A4 B1 B2 B4; the 100 ft part
/// is a 5-state Gray code over C1 C2 C4, read backwards on odd 500 ft steps. D1 is unused.
fn gillham_altitude(ac13: u16) -> Option<i32> {
    let g500 = (bit(ac13, 11) << 7)
        | (bit(ac13, 13) << 6)
        | (bit(ac13, 2) << 5)
        | (bit(ac13, 4) << 4)
        | (bit(ac13, 6) << 3)
        | (bit(ac13, 8) << 2)
        | (bit(ac13, 10) << 1)
        | bit(ac13, 12);
    let g100 = (bit(ac13, 1) << 2) | (bit(ac13, 3) << 1) | bit(ac13, 5);
    let n500 = gray_to_binary(g500);
    let mut n100 = gray_to_binary(g100);
    if n100 == 0 || n100 == 5 || n100 == 6 {
        return None;
    }
    if n100 == 7 {
        n100 = 5;
    }
    if n500 % 2 == 1 {
        n100 = 6 - n100;
    }
    let alt = i32::from(n500) * 500 + i32::from(n100) * 100 - 1300;
    // The code spans -1200 ft .. 126 700 ft; below -1200 is not a valid altitude.
    (alt >= -1200).then_some(alt)
}

#[inline]
fn gray_to_binary(mut g: u16) -> u16 {
    let mut b = 0;
    while g != 0 {
        b ^= g;
        g >>= 1;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_bit_altitude() {
        // DF20 "A0001838CA3E51F0A8000047A36A": bits 20..32 = 1 1000 0011 1000 (0x1838).
        // M = 0, Q = 1; without M and Q: 110000 1 1000 = 1560 → 1560 × 25 − 1000 = 38 000 ft.
        assert_eq!(altitude_ac13(0x1838), Some(38000));
    }

    #[test]
    fn ac12_from_adsb_example() {
        // The 1090 MHz Riddle's pair: 8D40621D58C382D690C8AC2863A7 is at 38 000 ft
        // (ME bits 9..20 = 0xC38) and 8D40058B58C901375147EFD09357 at 39 000 ft (0xC90).
        assert_eq!(altitude_ac12(0xC38), Some(38000));
        assert_eq!(altitude_ac12(0xC90), Some(39000));
    }

    #[test]
    fn gillham_steps_are_monotonic_and_cover_the_range() {
        // Every valid Gillham code decodes to a distinct multiple of 100 ft; the set covers
        // -1200 ..= 126 700 with no gaps once sorted (a property of the code, ICAO Annex 10).
        let mut seen = Vec::new();
        for field in 0u16..0x2000 {
            // Q (= D1) = 0 and M = 0: the codes a Mode C encoder produces.
            if bit(field, 9) == 1 || bit(field, 7) == 1 || field == 0 {
                continue;
            }
            if let Some(alt) = gillham_altitude(field) {
                assert_eq!(alt % 100, 0);
                seen.push(alt);
            }
        }
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.first(), Some(&-1200));
        assert!(seen.windows(2).all(|w| w[1] - w[0] == 100));
        assert!(*seen.last().unwrap_or(&0) >= 60_000);
    }

    #[test]
    fn squawk_digits() {
        // C1 A1 C2 A2 C4 A4 X B1 D1 B2 D2 B4 D4 for 1234: A=1 (A1), B=2 (B2), C=3 (C1,C2), D=4 (D4)
        let id = (1 << 12) | (1 << 11) | (1 << 10) | (1 << 3) | 1;
        assert_eq!(squawk(id).to_string(), "1234");
        assert_eq!(squawk(0), Squawk(0));
    }
}
