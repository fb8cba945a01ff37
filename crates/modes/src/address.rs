//! The ICAO 24-bit aircraft address (Annex 10 Vol. III Part I §9), as a value type.

use core::fmt;
use core::str::FromStr;

/// A 24-bit ICAO aircraft address. Displays as six lowercase hex digits (`"4840d6"`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct IcaoAddress(u32);

/// Text that is not six hex digits.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a 24-bit ICAO address (six hex digits)")]
pub struct ParseAddressError(pub String);

impl IcaoAddress {
    /// Wrap the low 24 bits of `raw` (higher bits are dropped).
    pub const fn new(raw: u32) -> Self {
        Self(raw & 0x00ff_ffff)
    }

    /// The address as an integer in `0..=0xffffff`.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl FromStr for IcaoAddress {
    type Err = ParseAddressError;

    /// Parse six hex digits, either case, optionally prefixed by `~` (non-ICAO, TIS-B style)
    /// which is ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim().trim_start_matches('~');
        if t.len() != 6 {
            return Err(ParseAddressError(s.to_string()));
        }
        u32::from_str_radix(t, 16)
            .map(Self)
            .map_err(|_| ParseAddressError(s.to_string()))
    }
}

impl fmt::Display for IcaoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06x}", self.0)
    }
}

impl fmt::Debug for IcaoAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IcaoAddress({:06x})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        let a: IcaoAddress = "4840D6".parse().unwrap();
        assert_eq!(a.get(), 0x4840d6);
        assert_eq!(a.to_string(), "4840d6");
        assert!("4840d".parse::<IcaoAddress>().is_err());
        assert!("zz40d6".parse::<IcaoAddress>().is_err());
    }
}
