//! Allocation-free parsing of the small pieces text formats are made of: hex digits, decimal
//! seconds, octal squawks, ASCII field trimming.
//!
//! These are hand-written because the hex-line framer parses millions of lines per second and
//! `str::parse::<f64>` plus UTF-8 validation per line would dominate. This file does not know
//! about lines or formats.

/// Value of each byte as a hex digit, or `INVALID`.
const HEX_VALUE: [u8; 256] = {
    let mut table = [INVALID; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};
const INVALID: u8 = 0xff;

/// Exact powers of ten as `f64` (all below 2^53 × 2^22, so each is exactly representable).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Decode `hex` (exactly `2 * out.len()` digits, either case) into `out`. Returns `false` (with
/// `out` partly written) on a non-hex digit or a length mismatch.
#[inline]
pub(crate) fn decode_hex(hex: &[u8], out: &mut [u8]) -> bool {
    if hex.len() != 2 * out.len() {
        return false;
    }
    let mut bad = 0u8;
    for (pair, slot) in hex.chunks_exact(2).zip(out.iter_mut()) {
        let high = HEX_VALUE[usize::from(pair[0])];
        let low = HEX_VALUE[usize::from(pair[1])];
        // Checking once at the end keeps the loop branch-free.
        bad |= (high | low) & 0xf0;
        *slot = (high << 4) | (low & 0x0f);
    }
    bad == 0
}

/// Parse up to 16 hex digits as an integer (`None` if empty, too long or not hex).
#[inline]
pub(crate) fn hex_u64(hex: &[u8]) -> Option<u64> {
    if hex.is_empty() || hex.len() > 16 {
        return None;
    }
    let mut value = 0u64;
    for &b in hex {
        let digit = HEX_VALUE[usize::from(b)];
        if digit == INVALID {
            return None;
        }
        value = (value << 4) | u64::from(digit);
    }
    Some(value)
}

/// `true` if every byte is a hex digit.
pub(crate) fn is_hex(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| HEX_VALUE[usize::from(b)] != INVALID)
}

/// Parse unsigned decimal seconds `digits[.digits]` (at least one digit, no sign, no exponent).
///
/// When all the digits fit in 2^53 (a microsecond Unix time has 16) the result is the exactly
/// rounded quotient of two exact floats, which is what `str::parse::<f64>` returns; longer inputs
/// fall back to the standard parser.
#[inline]
pub(crate) fn decimal_seconds(text: &[u8]) -> Option<f64> {
    let mut mantissa = 0u64;
    let mut digits = 0usize;
    let mut fraction_digits = 0usize;
    let mut seen_dot = false;
    for &b in text {
        match b {
            b'0'..=b'9' => {
                if digits == 19 {
                    return std_parse(text);
                }
                mantissa = mantissa * 10 + u64::from(b - b'0');
                digits += 1;
                if seen_dot {
                    fraction_digits += 1;
                }
            }
            b'.' if !seen_dot => seen_dot = true,
            _ => return None,
        }
    }
    if digits == 0 {
        return None;
    }
    if mantissa < (1u64 << 53) && fraction_digits < POW10.len() {
        Some(mantissa as f64 / POW10[fraction_digits])
    } else {
        std_parse(text)
    }
}

/// Fast path for `timestamp,hex` lines: parse `digits.digits` at the start of `text` up to the
/// first non-digit after the dot. Returns the seconds and the bytes used, or `None` whenever
/// [`decimal_seconds`] might answer differently (no dot, more than 19 digits, beyond 2^53), so a
/// caller can fall back to it and get the same result either way.
#[inline]
pub(crate) fn leading_decimal_seconds(text: &[u8]) -> Option<(f64, usize)> {
    let mut mantissa = 0u64;
    let mut i = 0;
    while let Some(digit) = text
        .get(i)
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|&d| d <= 9)
    {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        i += 1;
    }
    if text.get(i) != Some(&b'.') {
        return None;
    }
    let integer_digits = i;
    i += 1;
    let fraction_start = i;
    while let Some(digit) = text
        .get(i)
        .map(|b| b.wrapping_sub(b'0'))
        .filter(|&d| d <= 9)
    {
        mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(digit));
        i += 1;
    }
    let fraction_digits = i - fraction_start;
    let digits = integer_digits + fraction_digits;
    if digits == 0 || digits > 19 || mantissa >= (1u64 << 53) || fraction_digits >= POW10.len() {
        return None;
    }
    Some((mantissa as f64 / POW10[fraction_digits], i))
}

fn std_parse(text: &[u8]) -> Option<f64> {
    core::str::from_utf8(text).ok()?.parse::<f64>().ok()
}

/// Parse a decimal number as text writers produce it (`-12.5`, `3e2`, `nan` rejected); `None` if
/// it does not parse or is not finite.
pub(crate) fn finite_f64(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    value.is_finite().then_some(value)
}

/// Parse a Mode A code written as up to four octal digits (`"7700"`, `"0400"`, or `"400"` after a
/// writer dropped a leading zero; a trailing `".0"` from a float column is accepted) into the
/// number whose octal digits they are.
pub(crate) fn squawk(text: &str) -> Option<u16> {
    let digits = text.strip_suffix(".0").unwrap_or(text);
    if digits.is_empty() || digits.len() > 4 {
        return None;
    }
    let mut value = 0u16;
    for b in digits.bytes() {
        if !(b'0'..=b'7').contains(&b) {
            return None;
        }
        value = (value << 3) | u16::from(b - b'0');
    }
    Some(value)
}

/// Trim ASCII spaces, tabs and a surrounding pair of double quotes from a CSV/SBS field.
pub(crate) fn trim_field(field: &str) -> &str {
    let trimmed = field.trim_matches([' ', '\t']);
    trimmed
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .map_or(trimmed, |t| t.trim_matches([' ', '\t']))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hex_round_trip() {
        let mut out = [0u8; 7];
        assert!(decode_hex(b"5D4840d6202Cc3", &mut out));
        assert_eq!(out, [0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]);
        assert!(!decode_hex(b"5D4840d6202Cg3", &mut out));
        assert!(!decode_hex(b"5D4840d6202C", &mut out));
        assert_eq!(hex_u64(b"000023bb50f0"), Some(0x23bb50f0));
        assert_eq!(hex_u64(b""), None);
        assert_eq!(hex_u64(b"x0"), None);
    }

    #[test]
    fn decimal_seconds_forms() {
        assert_eq!(
            decimal_seconds(b"1698140962.171425"),
            Some(1698140962.171425)
        );
        assert_eq!(decimal_seconds(b"12"), Some(12.0));
        assert_eq!(decimal_seconds(b"12."), Some(12.0));
        assert_eq!(decimal_seconds(b".5"), Some(0.5));
        assert_eq!(decimal_seconds(b"."), None);
        assert_eq!(decimal_seconds(b""), None);
        assert_eq!(decimal_seconds(b"1.2.3"), None);
        assert_eq!(decimal_seconds(b"-1"), None);
        assert_eq!(decimal_seconds(b"1e3"), None);
        // longer than 2^53: the standard parser takes over
        assert_eq!(
            decimal_seconds(b"1698140962.1714251234567"),
            "1698140962.1714251234567".parse::<f64>().ok()
        );
    }

    #[test]
    fn squawks_are_octal() {
        assert_eq!(squawk("7700"), Some(0o7700));
        assert_eq!(squawk("0400"), Some(0o400));
        assert_eq!(squawk("400"), Some(0o400));
        assert_eq!(squawk("1200.0"), Some(0o1200));
        assert_eq!(squawk("7800"), None);
        assert_eq!(squawk("77000"), None);
        assert_eq!(squawk(""), None);
    }

    #[test]
    fn fields_are_trimmed_and_unquoted() {
        assert_eq!(trim_field("  \"DAL1812 \" "), "DAL1812");
        assert_eq!(trim_field("abc"), "abc");
        assert_eq!(trim_field("\""), "\"");
    }

    proptest! {
        #[test]
        fn the_fast_path_agrees_with_decimal_seconds(text in "[0-9]{0,12}\\.?[0-9]{0,12}", tail in "[,;x]?") {
            let line = format!("{text}{tail}");
            if let Some((seconds, used)) = leading_decimal_seconds(line.as_bytes()) {
                prop_assert_eq!(used, text.len());
                prop_assert_eq!(decimal_seconds(text.as_bytes()), Some(seconds));
            }
        }

        #[test]
        fn decimal_seconds_matches_std(int in 0u64..4_000_000_000, frac in 0u64..1_000_000, width in 1usize..7) {
            let frac = frac % 10u64.pow(width as u32);
            let text = format!("{int}.{frac:0width$}");
            prop_assert_eq!(decimal_seconds(text.as_bytes()), Some(text.parse::<f64>().unwrap()));
        }
    }
}

/// The physical ranges a decoded report's values must fall in; a value outside is not a
/// measurement but garbage or an attack, and is dropped (its record kept, the drop counted).
pub(crate) mod range {
    /// Report times: from the Unix epoch to 2100, Unix seconds (relative clocks of test and
    /// simulated archives start near 0).
    pub(crate) fn time(ts: f64) -> Option<f64> {
        (0.0..4_102_444_800.0).contains(&ts).then_some(ts)
    }

    /// Altitudes, feet: from the Dead Sea shore (−1 400 ft) with margin to 200 000 ft (above
    /// any aircraft; space vehicles are not ADS-B).
    pub(crate) fn altitude_ft(v: f64) -> Option<f64> {
        (-2_000.0..=200_000.0).contains(&v).then_some(v)
    }

    /// Ground speeds, knots: 0 to 4 000 (faster than any aircraft at altitude).
    pub(crate) fn groundspeed_kt(v: f64) -> Option<f64> {
        (0.0..=4_000.0).contains(&v).then_some(v)
    }

    /// Track or heading, degrees: −180 to 360 (archives write both conventions), as given.
    pub(crate) fn track_deg(v: f64) -> Option<f64> {
        (-180.0..=360.0).contains(&v).then_some(v)
    }

    /// Vertical rates, feet per minute: ±100 000.
    pub(crate) fn vertical_rate_fpm(v: f64) -> Option<f64> {
        (-100_000.0..=100_000.0).contains(&v).then_some(v)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn out_of_range_values_are_none() {
            assert_eq!(time(1e300), None);
            assert_eq!(time(18_446_744_073_709_551_616.0), None);
            assert_eq!(time(253_402_300_799.0), None, "year 9999");
            assert_eq!(time(1_522_081_475.0), Some(1_522_081_475.0));
            assert_eq!(altitude_ft(-99_999_999_999.0), None);
            assert_eq!(altitude_ft(37_000.0), Some(37_000.0));
            assert_eq!(groundspeed_kt(-5.0), None);
            assert_eq!(groundspeed_kt(1e30), None);
            assert_eq!(track_deg(720.0), None);
            assert_eq!(track_deg(-90.0), Some(-90.0));
            assert_eq!(track_deg(-181.0), None);
            assert_eq!(vertical_rate_fpm(-1e6), None);
        }
    }
}
