//! What a live source is: a URL such as `beast://127.0.0.1:30005`, an id, an optional position.
//!
//! Owns parsing and the familiar default ports (readsb/dump1090: Beast out 30005, AVR raw out
//! 30002, SBS/BaseStation 30003). It opens no socket.

use core::fmt;
use core::str::FromStr;

use crate::Format;

/// A live source: where to connect (or listen), in which format, and which receiver it is.
///
/// The URL may say which receiver it is in its query: `beast://rx:30005?id=nogales&lat=31.34&
/// lon=-110.94&alt=1200&clock=12mhz` (`alt` in metres above the WGS-84 ellipsoid; `clock`
/// `12mhz`, `gps` or `none`). A receiver with a position and a height can be multilaterated
/// with others.
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
    /// The antenna's height above the WGS-84 ellipsoid, metres (`alt=` in the URL).
    pub alt_m: Option<f64>,
    /// Its counter (`clock=` in the URL).
    pub clock: Option<crate::ClockName>,
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
    /// A query key unknown or a value that does not read.
    #[error("{url:?}: {problem} (the query takes id, lat, lon, alt, clock)")]
    BadQuery {
        /// The URL.
        url: String,
        /// What is wrong.
        problem: String,
    },
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
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
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
        let mut spec = SourceSpec {
            id: format!("{}://{address}", format.name()),
            format,
            address,
            position: None,
            alt_m: None,
            clock: None,
        };
        if let Some(query) = query {
            spec.read_query(url, query)?;
        }
        Ok(spec)
    }
}

impl SourceSpec {
    fn read_query(&mut self, url: &str, query: &str) -> Result<(), ParseSourceError> {
        let bad = |problem: String| ParseSourceError::BadQuery {
            url: url.to_string(),
            problem,
        };
        let number = |key: &str, value: &str| {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| bad(format!("{key}={value:?} is not a number")))
        };
        let (mut lat, mut lon) = (None, None);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match key {
                "id" if !value.is_empty() && value.len() <= 64 => self.id = value.to_string(),
                "id" => return Err(bad("id= needs 1 to 64 characters".into())),
                "lat" => lat = Some(number(key, value)?),
                "lon" => lon = Some(number(key, value)?),
                "alt" => self.alt_m = Some(number(key, value)?),
                "clock" => {
                    self.clock = Some(value.parse().map_err(|_| {
                        bad(format!("clock={value:?}: expected 12mhz, gps or none"))
                    })?)
                }
                other => return Err(bad(format!("unknown key {other:?}"))),
            }
        }
        match (lat, lon) {
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) =>
            {
                self.position = Some((lat, lon))
            }
            (None, None) => {}
            _ => return Err(bad("give lat and lon together, in degrees".into())),
        }
        Ok(())
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
    fn a_url_can_say_which_receiver_it_is() {
        let s: SourceSpec = "beast://rx:30005?id=nogales&lat=31.34&lon=-110.94&alt=1200&clock=gps"
            .parse()
            .unwrap();
        assert_eq!(s.address, "rx:30005");
        assert_eq!(s.id, "nogales");
        assert_eq!(s.position, Some((31.34, -110.94)));
        assert_eq!(s.alt_m, Some(1200.0));
        assert_eq!(s.clock, Some(crate::ClockName::Gps));
        for (url, text) in [
            ("beast://rx?lat=31", "lat and lon together"),
            ("beast://rx?lat=x&lon=1", "not a number"),
            ("beast://rx?range=3", "unknown key"),
            ("beast://rx?clock=atomic", "expected 12mhz"),
            ("beast://rx?id=", "1 to 64"),
        ] {
            let e = url.parse::<SourceSpec>().unwrap_err().to_string();
            assert!(e.contains(text), "{url}: {e}");
        }
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
