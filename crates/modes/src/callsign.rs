//! The 8-character identity (callsign or registration) carried by ADS-B TC 1–4 and Comm-B BDS 2,0.
//!
//! Owns the 6-bit character set of ICAO Doc 9871 Table A-2-8 (the "AIS" subset of IA-5) and a
//! fixed-size, allocation-free value type. It does not know which register carried the characters.

use core::fmt;

/// The 64-entry character table: index = 6-bit code. `#` marks codes that are not valid
/// characters (ICAO Doc 9871 §A.2.3.4, Annex 10 Vol. IV Table 3-9).
const CHARSET: &[u8; 64] = b"#ABCDEFGHIJKLMNOPQRSTUVWXYZ##### ###############0123456789######";

/// An aircraft identification of up to 8 characters, trailing spaces removed.
///
/// Stored inline (no allocation); `as_str` gives the text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Callsign {
    bytes: [u8; 8],
    len: u8,
}

/// Why 48 bits of identity characters are not a valid callsign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallsignError {
    /// A 6-bit code outside the character set (shown as its index).
    #[error("6-bit code {0} is not an identity character")]
    InvalidCharacter(u8),
    /// All eight characters are blank.
    #[error("the identity is blank")]
    Blank,
}

impl Callsign {
    /// Decode the 48 low bits of `chars` (8 × 6 bits, first character in the most significant bits).
    ///
    /// ```
    /// use vigia_modes::Callsign;
    /// // "KLM1023 " from pyModeS' documented example 8D4840D6202CC371C32CE0576098.
    /// let cs = Callsign::from_six_bit(0x2CC371C32CE0).unwrap();
    /// assert_eq!(cs.as_str(), "KLM1023");
    /// ```
    pub fn from_six_bit(chars: u64) -> Result<Self, CallsignError> {
        let mut bytes = [b' '; 8];
        for (i, slot) in bytes.iter_mut().enumerate() {
            let code = ((chars >> (42 - 6 * i)) & 0x3f) as u8;
            let c = CHARSET[code as usize];
            if c == b'#' {
                return Err(CallsignError::InvalidCharacter(code));
            }
            *slot = c;
        }
        Self::from_padded(bytes)
    }

    /// Build from text (as read from SBS or a CSV archive): up to 8 characters, trimmed,
    /// uppercased; characters outside `A-Z 0-9 space` are rejected.
    pub fn parse(text: &str) -> Result<Self, CallsignError> {
        let trimmed = text.trim();
        let mut bytes = [b' '; 8];
        for (i, c) in trimmed.bytes().enumerate() {
            let c = c.to_ascii_uppercase();
            if i >= 8 || !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == b' ') {
                return Err(CallsignError::InvalidCharacter(c));
            }
            bytes[i] = c;
        }
        Self::from_padded(bytes)
    }

    /// Build from an archive's callsign column, keeping what the source said: up to 8
    /// printable ASCII characters, trimmed, case kept. Archives fed by FLARM/OGN hold
    /// registrations (`D-KWFW`) that are not ADS-B identities; they are still the aircraft's
    /// name. Markup and quoting characters (`<>&"'` and backquote, backslash) are refused, like
    /// control characters and anything longer than 8.
    ///
    /// ```
    /// use vigia_modes::Callsign;
    /// assert_eq!(Callsign::parse_archive(" D-KWFW ").unwrap().as_str(), "D-KWFW");
    /// assert!(Callsign::parse_archive("<b>").is_err());
    /// ```
    pub fn parse_archive(text: &str) -> Result<Self, CallsignError> {
        let trimmed = text.trim();
        let mut bytes = [b' '; 8];
        for (i, c) in trimmed.bytes().enumerate() {
            let allowed = (c.is_ascii_graphic() || c == b' ')
                && !matches!(c, b'<' | b'>' | b'&' | b'"' | b'\'' | b'`' | b'\\');
            if i >= 8 || !allowed {
                return Err(CallsignError::InvalidCharacter(c));
            }
            bytes[i] = c;
        }
        Self::from_padded(bytes)
    }

    fn from_padded(bytes: [u8; 8]) -> Result<Self, CallsignError> {
        let len = bytes.iter().rposition(|&b| b != b' ').map_or(0, |p| p + 1);
        if len == 0 {
            return Err(CallsignError::Blank);
        }
        Ok(Self {
            bytes,
            len: len as u8,
        })
    }

    /// The callsign text, without trailing spaces.
    pub fn as_str(&self) -> &str {
        // Only ASCII from CHARSET or `parse` is ever stored.
        core::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or("")
    }
}

impl fmt::Display for Callsign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Callsign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Callsign({:?})", self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_invalid_codes_and_blank() {
        assert_eq!(
            Callsign::from_six_bit(0),
            Err(CallsignError::InvalidCharacter(0))
        );
        // eight spaces (code 32)
        let spaces = (0..8).fold(0u64, |acc, _| (acc << 6) | 32);
        assert_eq!(Callsign::from_six_bit(spaces), Err(CallsignError::Blank));
    }

    #[test]
    fn parse_trims_and_uppercases() {
        assert_eq!(
            Callsign::parse(" aal123  ").map(|c| c.to_string()),
            Ok("AAL123".into())
        );
        assert!(Callsign::parse("TOOLONGXX").is_err());
        assert!(Callsign::parse("A-B").is_err());
    }
}
