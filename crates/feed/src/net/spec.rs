//! What a live source is: a URL such as `beast://127.0.0.1:30005`, an id, an optional position.
//!
//! Owns parsing and the familiar default ports (readsb/dump1090: Beast out 30005, AVR raw out
//! 30002, SBS/BaseStation 30003). It opens no socket.

use core::fmt;
use core::str::FromStr;

use crate::Format;

/// A live source: where to connect (or listen), in which format, and which receiver it is.
///
/// ```
/// use vigia_feed::net::SourceSpec;
/// use vigia_feed::Format;
/// let spec: SourceSpec = "sbs://127.0.0.1".parse().unwrap();
/// assert_eq!(spec.format, Format::Sbs);
/// assert_eq!(spec.address, "127.0.0.1:30003");
/// assert_eq!(spec.id, "sbs://127.0.0.1:30003");
/// assert!("http://x:1".parse::<SourceSpec>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct SourceSpec {
    /// The receiver's id (defaults to the URL).
    pub id: String,
    /// Beast, AVR or SBS.
    pub format: Format,
    /// `host:port`.
    pub address: String,
    /// The receiver's position (latitude, longitude in degrees), if known.
    pub position: Option<(f64, f64)>,
}

/// Why a source URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseSourceError {
    /// No `scheme://`.
    #[error("{0:?}: expected beast://HOST:PORT, avr://HOST:PORT or sbs://HOST:PORT")]
    NoScheme(String),
    /// A scheme other than beast, avr, sbs.
    #[error("{url:?}: unknown scheme {scheme:?}; expected beast, avr or sbs")]
    UnknownScheme {
        /// The URL.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// Missing host, or a port that is not a number in 1–65535.
    #[error("{0:?}: expected HOST:PORT after the scheme (port 1-65535)")]
    BadAddress(String),
}

impl SourceSpec {
    /// The default port of a format (Beast 30005, AVR 30002, SBS 30003).
    pub fn default_port(format: Format) -> Option<u16> {
        match format {
            Format::Beast => Some(30005),
            Format::Avr => Some(30002),
            Format::Sbs => Some(30003),
            _ => None,
        }
    }

    /// The URL form, `beast://host:port`.
    pub fn url(&self) -> String {
        format!("{}://{}", self.format.name(), self.address)
    }
}

impl fmt::Display for SourceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.id == self.url() {
            write!(f, "{}", self.id)
        } else {
            write!(f, "{} ({})", self.id, self.url())
        }
    }
}

impl FromStr for SourceSpec {
    type Err = ParseSourceError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| ParseSourceError::NoScheme(url.to_string()))?;
        let format = match scheme.to_ascii_lowercase().as_str() {
            "beast" => Format::Beast,
            "avr" | "raw" => Format::Avr,
            "sbs" | "basestation" => Format::Sbs,
            _ => {
                return Err(ParseSourceError::UnknownScheme {
                    url: url.to_string(),
                    scheme: scheme.to_string(),
                })
            }
        };
        let rest = rest.trim_end_matches('/');
        let bad = || ParseSourceError::BadAddress(url.to_string());
        // `[::1]:30005`, `host:30005` or `host`.
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && !port.contains(']') => {
                (host, port.parse::<u16>().map_err(|_| bad())?)
            }
            _ => (rest, Self::default_port(format).ok_or_else(bad)?),
        };
        if host.is_empty() || port == 0 || host.contains('/') {
            return Err(bad());
        }
        let address = format!("{host}:{port}");
        Ok(SourceSpec {
            id: format!("{}://{address}", format.name()),
            format,
            address,
            position: None,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn urls_with_and_without_ports() {
        let s: SourceSpec = "beast://127.0.0.1:30105".parse().unwrap();
        assert_eq!(
            (s.format, s.address.as_str()),
            (Format::Beast, "127.0.0.1:30105")
        );
        let s: SourceSpec = "avr://localhost".parse().unwrap();
        assert_eq!(s.address, "localhost:30002");
        let s: SourceSpec = "beast://[::1]:30005".parse().unwrap();
        assert_eq!(s.address, "[::1]:30005");
    }

    #[test]
    fn bad_urls_say_what_is_expected() {
        for (url, text) in [
            ("127.0.0.1:30005", "expected beast://HOST:PORT"),
            ("tcp://h:1", "unknown scheme \"tcp\""),
            ("beast://h:0", "port 1-65535"),
            ("beast://h:http", "port 1-65535"),
            ("beast://", "HOST:PORT"),
        ] {
            let e = url.parse::<SourceSpec>().unwrap_err().to_string();
            assert!(e.contains(text), "{url}: {e}");
        }
    }
}
