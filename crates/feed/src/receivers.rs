//! The receivers file: one TOML file describes a network of receivers for every command.
//!
//! ```toml
//! [[receiver]]
//! id = "nogales"          # also the id a pushing feeder announces
//! name = "Nogales, AZ"    # for people (default: the id)
//! lat = 31.34
//! lon = -110.94
//! alt_m = 1200            # antenna height above the WGS-84 ellipsoid, metres
//! clock = "12mhz"         # or "gps", "none"
//! jitter_ns = 80          # optional: the counter's timing noise (default by clock kind)
//! capture = "nogales.beast"                # archives: this receiver's capture
//! connect = "beast://nogales.local:30005"  # live: where to read it
//! uuid = "0033062d-e17e-4389-91a9-79ebb967fb4c"  # the id it announces when it pushes
//! ```
//!
//! A receiver that pushes (readsb `--net-connector HOST,PORT,beast_reduce_plus_out,uuid=…`)
//! has no `connect`: its frames arrive on a listener and are told apart by the UUID the
//! feeder announces in band (`0x1a 0xe4`), or the receiver id that tags each frame of a
//! combined stream (`0x1a 0xe3`, the UUID's first 8 bytes). `uuid` gives it; without one, an
//! `id` that is itself a UUID (or 16 hex digits) is used.
//!
//! Owns the schema and its checks (ids unique and printable, positions on the Earth, heights
//! an antenna can have, at most [`MAX_RECEIVERS`]); a capture path is taken relative to the
//! file's directory. Errors name the file and the receiver. It does not open captures or
//! connect to anything.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::framer::beast::ReceiverTag;

/// Most receivers in one file.
pub const MAX_RECEIVERS: usize = 256;
/// Largest receivers file read, bytes.
const MAX_FILE_BYTES: u64 = 1 << 20;

/// One receiver of the network.
#[derive(Clone, Debug, PartialEq)]
pub struct Receiver {
    /// Its id (unique in the file).
    pub id: String,
    /// Its name for people.
    pub name: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Antenna height above the WGS-84 ellipsoid, metres.
    pub alt_m: f64,
    /// Its counter: `12mhz`, `gps` or `none`.
    pub clock: ClockName,
    /// Its timing noise, nanoseconds, when the file says.
    pub jitter_ns: Option<f64>,
    /// Its capture (resolved against the file's directory).
    pub capture: Option<PathBuf>,
    /// Where to read it live (`beast://host:port`).
    pub connect: Option<String>,
    /// The id it announces in band, when it has one (`uuid`, or an `id` that is a UUID).
    pub tag: Option<ReceiverTag>,
}

/// Which receiver an in-band receiver id names: index in the file, by id.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    by_id: std::collections::HashMap<u64, u16>,
}

impl Directory {
    /// The directory of `receivers` (those with an in-band id).
    pub fn new(receivers: &[Receiver]) -> Directory {
        Directory {
            by_id: receivers
                .iter()
                .enumerate()
                .filter_map(|(i, r)| Some((r.tag?.id, i as u16)))
                .collect(),
        }
    }

    /// The index of the receiver announcing `tag`.
    pub fn find(&self, tag: ReceiverTag) -> Option<u16> {
        self.by_id.get(&tag.id).copied()
    }

    /// Whether any receiver has an in-band id.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }
}

/// A receiver's counter, as the file names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum ClockName {
    /// A free-running 12 MHz Beast counter.
    #[serde(rename = "12mhz")]
    Beast12MHz,
    /// A GPS counter (seconds of day, nanoseconds).
    #[serde(rename = "gps")]
    Gps,
    /// No usable counter.
    #[serde(rename = "none")]
    None,
}

impl core::str::FromStr for ClockName {
    type Err = ();

    /// `12mhz`, `gps` or `none`.
    fn from_str(s: &str) -> Result<Self, ()> {
        match s {
            "12mhz" => Ok(ClockName::Beast12MHz),
            "gps" => Ok(ClockName::Gps),
            "none" => Ok(ClockName::None),
            _ => Err(()),
        }
    }
}

impl ClockName {
    /// The name a receivers file uses.
    pub fn name(self) -> &'static str {
        match self {
            ClockName::Beast12MHz => "12mhz",
            ClockName::Gps => "gps",
            ClockName::None => "none",
        }
    }
}

/// The receivers of a file, in its order.
#[derive(Clone, Debug, PartialEq)]
pub struct Receivers {
    /// The file read.
    pub path: PathBuf,
    /// The receivers.
    pub list: Vec<Receiver>,
}

/// Why a receivers file was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiversError {
    /// The file could not be read.
    #[error("{path}: cannot read: {cause}")]
    Read {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        cause: std::io::Error,
    },
    /// The TOML does not parse or has unknown keys.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: String,
        /// What the parser said (with the line).
        message: String,
    },
    /// A receiver's value is out of range.
    #[error("{path}: receiver {index} ({id:?}): {message}")]
    Invalid {
        /// The file.
        path: String,
        /// Its position in the file, from 1.
        index: usize,
        /// Its id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default, rename = "receiver")]
    receivers: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    id: String,
    name: Option<String>,
    lat: f64,
    lon: f64,
    #[serde(default)]
    alt_m: f64,
    #[serde(default = "default_clock")]
    clock: ClockName,
    jitter_ns: Option<f64>,
    capture: Option<PathBuf>,
    connect: Option<String>,
    uuid: Option<String>,
}

fn default_clock() -> ClockName {
    ClockName::Beast12MHz
}

impl Receivers {
    /// Read and check a receivers file.
    pub fn load(path: &Path) -> Result<Receivers, ReceiversError> {
        let shown = path.display().to_string();
        let read = || -> std::io::Result<String> {
            use std::io::Read;
            let mut text = String::new();
            std::fs::File::open(path)?
                .take(MAX_FILE_BYTES + 1)
                .read_to_string(&mut text)?;
            if text.len() as u64 > MAX_FILE_BYTES {
                return Err(std::io::Error::other("larger than 1 MiB"));
            }
            Ok(text)
        };
        let text = read().map_err(|cause| ReceiversError::Read {
            path: shown.clone(),
            cause,
        })?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, &shown, dir).map(|list| Receivers {
            path: path.to_path_buf(),
            list,
        })
    }

    /// Parse a receivers file's text; `name` is shown in errors, captures are resolved
    /// against `dir`.
    pub fn parse(text: &str, name: &str, dir: &Path) -> Result<Vec<Receiver>, ReceiversError> {
        let file: File = toml::from_str(text).map_err(|e| ReceiversError::Syntax {
            path: name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        if file.receivers.is_empty() {
            return Err(ReceiversError::Syntax {
                path: name.to_string(),
                message: "no [[receiver]] in the file".into(),
            });
        }
        if file.receivers.len() > MAX_RECEIVERS {
            return Err(ReceiversError::Syntax {
                path: name.to_string(),
                message: format!("more than {MAX_RECEIVERS} receivers"),
            });
        }
        let mut list: Vec<Receiver> = Vec::with_capacity(file.receivers.len());
        for (i, e) in file.receivers.into_iter().enumerate() {
            let invalid = |message: &str| ReceiversError::Invalid {
                path: name.to_string(),
                index: i + 1,
                id: e.id.clone(),
                message: message.to_string(),
            };
            let printable = !e.id.is_empty()
                && e.id.len() <= 64
                && e.id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
            if !printable {
                return Err(invalid(
                    "id: 1 to 64 characters among letters, digits, '-', '_' and '.'",
                ));
            }
            if list.iter().any(|r| r.id == e.id) {
                return Err(invalid("two receivers share this id"));
            }
            if !(-90.0..=90.0).contains(&e.lat) || !(-180.0..=180.0).contains(&e.lon) {
                return Err(invalid("lat must be in -90..=90 and lon in -180..=180"));
            }
            if !(-500.0..=9_000.0).contains(&e.alt_m) {
                return Err(invalid(
                    "alt_m must be in -500..=9000 (metres above the ellipsoid)",
                ));
            }
            if e.jitter_ns.is_some_and(|j| !(1.0..=100_000.0).contains(&j)) {
                return Err(invalid("jitter_ns must be in 1..=100000"));
            }
            if let Some(connect) = &e.connect {
                if !connect.starts_with("beast://") || connect.len() > 512 {
                    return Err(invalid("connect: expected beast://host:port"));
                }
            }
            let tag = match &e.uuid {
                Some(text) => Some(ReceiverTag::parse(text).ok_or_else(|| {
                    invalid("uuid: expected a UUID (8-4-4-4-12 hex digits) or 16 hex digits")
                })?),
                None => ReceiverTag::parse(&e.id),
            };
            if let Some(tag) = tag {
                if list.iter().any(|r| r.tag.is_some_and(|t| t.id == tag.id)) {
                    return Err(invalid("two receivers announce the same uuid"));
                }
            }
            list.push(Receiver {
                name: e
                    .name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| e.id.clone()),
                id: e.id,
                lat: e.lat,
                lon: e.lon,
                alt_m: e.alt_m,
                clock: e.clock,
                jitter_ns: e.jitter_ns,
                capture: e.capture.map(|c| dir.join(c)),
                connect: e.connect,
                tag,
            });
        }
        Ok(list)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const TWO: &str = r#"
[[receiver]]
id = "nogales"
lat = 31.34
lon = -110.94
alt_m = 1200
capture = "nogales.beast"

[[receiver]]
id = "douglas"
name = "Douglas, AZ"
lat = 31.34
lon = -109.55
clock = "gps"
"#;

    #[test]
    fn a_file_reads_with_defaults_and_relative_captures() {
        let list = Receivers::parse(TWO, "r.toml", Path::new("/data")).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].name, "nogales");
        assert_eq!(list[0].clock, ClockName::Beast12MHz);
        assert_eq!(list[0].capture, Some(PathBuf::from("/data/nogales.beast")));
        assert_eq!(list[1].clock, ClockName::Gps);
        assert_eq!(list[1].name, "Douglas, AZ");
    }

    #[test]
    fn pushing_receivers_are_found_by_the_id_they_announce() {
        let text = TWO
            .replace(
                "capture =",
                "uuid = \"0033062d-e17e-4389-91a9-79ebb967fb4c\"\ncapture =",
            )
            .replace("id = \"douglas\"", "id = \"2ad03ec3bb624396\"");
        let list = Receivers::parse(&text, "r.toml", Path::new(".")).unwrap();
        let directory = Directory::new(&list);
        let announced = ReceiverTag::parse("0033062d-e17e-4389-91a9-79ebb967fb4c").unwrap();
        assert_eq!(directory.find(announced), Some(0));
        // a combined stream's 0xe3 tag carries only the first half
        let half = ReceiverTag {
            id: announced.id,
            uuid: None,
        };
        assert_eq!(directory.find(half), Some(0));
        assert_eq!(
            directory.find(ReceiverTag::parse("2ad03ec3-bb62-4396").unwrap()),
            Some(1)
        );
        assert_eq!(directory.find(ReceiverTag { id: 1, uuid: None }), None);
    }

    #[test]
    fn bad_values_name_the_file_and_the_receiver() {
        let cases = [
            (TWO.replace("douglas", "nogales"), "share this id"),
            (
                TWO.replace("31.34\nlon = -109.55", "91\nlon = -109.55"),
                "lat must",
            ),
            (TWO.replace("alt_m = 1200", "alt_m = 20000"), "alt_m"),
            (TWO.replace("\"gps\"", "\"atomic\""), "unknown variant"),
            (TWO.replace("id = \"douglas\"", "id = \"dou glas\""), "id:"),
            (TWO.replace("capture =", "captur ="), "unknown field"),
            (
                TWO.replace("capture =", "uuid = \"not-a-uuid\"\ncapture ="),
                "uuid: expected",
            ),
            (
                TWO.replace(
                    "capture =",
                    "uuid = \"0033062d-e17e-4389-91a9-79ebb967fb4c\"\ncapture =",
                )
                .replace(
                    "clock = \"gps\"",
                    "clock = \"gps\"\nuuid = \"0033062de17e4389\"",
                ),
                "same uuid",
            ),
            (String::new(), "no [[receiver]]"),
        ];
        for (text, expected) in cases {
            let error = Receivers::parse(&text, "r.toml", Path::new(".")).unwrap_err();
            let message = error.to_string();
            assert!(message.starts_with("r.toml: "), "{message}");
            assert!(message.contains(expected), "{message} lacks {expected}");
        }
    }
}
