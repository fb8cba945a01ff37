//! The list of input formats ([`Format`]), their command-line names, and recognition of a format
//! from the first bytes of an input ([`detect_format`]).
//!
//! This file knows what each format looks like at its start; how to frame it is in `framer/`.
//! Compression is recognised separately (in `reader.rs`), before these bytes are looked at.

use core::fmt;
use core::str::FromStr;

/// An input format vigia reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Mode-S Beast binary (dump1090/readsb port 30005).
    Beast,
    /// Hex lines: `hex` or `timestamp,hex`, the hex being a Mode S frame or a whole Beast frame.
    Hex,
    /// AVR raw lines (`*8D…;`, `@…;`, `%…;`, `<…;`; dump1090 port 30002).
    Avr,
    /// SBS / BaseStation CSV (`MSG,3,…`; port 30003).
    Sbs,
    /// readsb/tar1090 `trace_full_*.json`.
    ReadsbTrace,
    /// readsb/dump1090 `aircraft.json`.
    ReadsbAircraft,
    /// Decoded trajectory CSV (traffic-style or OpenSky state vectors).
    TrajectoryCsv,
    /// Decoded trajectories as Parquet, with the CSV's column conventions.
    Parquet,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 8] = [
        Format::Beast,
        Format::Hex,
        Format::Avr,
        Format::Sbs,
        Format::ReadsbTrace,
        Format::ReadsbAircraft,
        Format::TrajectoryCsv,
        Format::Parquet,
    ];

    /// The command-line name (`beast`, `hex`, `avr`, `sbs`, `readsb-trace`, `readsb-aircraft`,
    /// `csv`, `parquet`).
    pub const fn name(self) -> &'static str {
        match self {
            Format::Beast => "beast",
            Format::Hex => "hex",
            Format::Avr => "avr",
            Format::Sbs => "sbs",
            Format::ReadsbTrace => "readsb-trace",
            Format::ReadsbAircraft => "readsb-aircraft",
            Format::TrajectoryCsv => "csv",
            Format::Parquet => "parquet",
        }
    }

    /// `true` for formats that yield [`crate::RawFrame`]s, `false` for those that yield
    /// [`crate::StateVector`]s.
    pub const fn yields_frames(self) -> bool {
        matches!(self, Format::Beast | Format::Hex | Format::Avr)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is none of [`Format::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format {0:?}; expected one of beast, hex, avr, sbs, readsb-trace, readsb-aircraft, csv, parquet")]
pub struct ParseFormatError(pub String);

impl FromStr for Format {
    type Err = ParseFormatError;

    /// Parse a command-line name, case-insensitively. `auto` is the caller's business.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|format| format.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| ParseFormatError(name.to_string()))
    }
}

/// Tell the format from the first bytes of an input (after decompression); a few hundred bytes
/// are enough for every format. `None` if they match none.
///
/// Rules, in order: `PAR1` (the Parquet magic) is Parquet; bytes that are not text and hold a `0x1a` followed by `'1'`/`'2'`/`'3'` are
/// Beast; a JSON object is a trace if it names `"trace"` or `"icao"`, aircraft.json if it names
/// `"aircraft"` or `"now"`; otherwise the first line that is neither empty nor a `#` comment
/// decides: an AVR prefix (`*`, `@`, `%`, `<`, `:`), an SBS record type (`MSG,`, `SEL,`, …), a CSV
/// header naming `icao24`, or a hex line (optionally after a `timestamp,hex`-style header).
///
/// ```
/// use vigia_feed::{detect_format, Format};
/// assert_eq!(detect_format(b"*8D4840D6202CC371C32CE0576098;\n"), Some(Format::Avr));
/// assert_eq!(detect_format(b"1698140962.119813,1a32000023b1dda011210000bd6b441a\n"), Some(Format::Hex));
/// assert_eq!(detect_format(b"\x1a\x32\x00\x00\x15\xa8\x87\x7e\x0d\x20\x00"), Some(Format::Beast));
/// ```
pub fn detect_format(prefix: &[u8]) -> Option<Format> {
    if prefix.starts_with(crate::parquet::MAGIC) {
        return Some(Format::Parquet);
    }
    let prefix = prefix.strip_prefix(b"\xef\xbb\xbf").unwrap_or(prefix);
    if !looks_like_text(prefix) {
        return has_beast_frame_start(prefix).then_some(Format::Beast);
    }
    let text = trim_leading_whitespace(prefix);
    if text.first() == Some(&b'{') {
        return detect_json(text);
    }
    let mut lines = text
        .split(|&b| b == b'\n')
        .map(trim_line)
        .filter(|line| !line.is_empty() && line[0] != b'#');
    let first = lines.next()?;
    if let Some(format) = detect_line(first) {
        return Some(format);
    }
    // A header such as `timestamp,hexframe` before hex lines.
    let second = lines.next()?;
    (!crate::text::is_hex(first) && detect_line(second) == Some(Format::Hex)).then_some(Format::Hex)
}

fn detect_line(line: &[u8]) -> Option<Format> {
    const SBS_TYPES: [&[u8]; 6] = [b"MSG,", b"SEL,", b"ID,", b"AIR,", b"STA,", b"CLK,"];
    match line[0] {
        b'*' | b'@' | b'%' | b'<' | b':' => return Some(Format::Avr),
        _ => {}
    }
    if SBS_TYPES.iter().any(|t| line.starts_with(t)) {
        return Some(Format::Sbs);
    }
    if is_csv_header(line) {
        return Some(Format::TrajectoryCsv);
    }
    looks_like_hex_line(line).then_some(Format::Hex)
}

fn is_csv_header(line: &[u8]) -> bool {
    line.split(|&b| b == b',').any(|cell| {
        crate::text::trim_field(&String::from_utf8_lossy(cell)).eq_ignore_ascii_case("icao24")
    })
}

/// `hex` or `digits[.digits]<sep>hex` with a frame-sized number of digits.
fn looks_like_hex_line(line: &[u8]) -> bool {
    let hex = match line
        .iter()
        .rposition(|&b| matches!(b, b',' | b';' | b' ' | b'\t'))
    {
        Some(sep) => {
            let ts = trim_line(&line[..sep]);
            let ts = ts
                .strip_suffix(b",")
                .or(ts.strip_suffix(b";"))
                .unwrap_or(ts);
            if crate::text::decimal_seconds(trim_line(ts)).is_none() {
                return false;
            }
            &line[sep + 1..]
        }
        None => line,
    };
    matches!(hex.len(), 14 | 22 | 28 | 32 | 46) && crate::text::is_hex(hex)
}

fn detect_json(text: &[u8]) -> Option<Format> {
    let has = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    if has(b"\"trace\"") || has(b"\"icao\"") {
        Some(Format::ReadsbTrace)
    } else if has(b"\"aircraft\"") || has(b"\"now\"") {
        Some(Format::ReadsbAircraft)
    } else {
        None
    }
}

/// Text: printable ASCII, whitespace and UTF-8 continuation bytes only (a cut multibyte character at
/// the end of the prefix is fine).
fn looks_like_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| matches!(b, b'\t' | b'\n' | b'\r' | 0x20..=0x7e | 0x80..=0xff))
}

fn has_beast_frame_start(bytes: &[u8]) -> bool {
    bytes
        .windows(2)
        .any(|w| w[0] == 0x1a && matches!(w[1], b'1' | b'2' | b'3'))
}

fn trim_leading_whitespace(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

fn trim_line(line: &[u8]) -> &[u8] {
    line.trim_ascii()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.name().parse::<Format>().unwrap(), format);
            assert_eq!(format.to_string(), format.name());
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::TrajectoryCsv);
        assert!("auto".parse::<Format>().is_err());
    }

    #[test]
    fn detects_each_format() {
        let cases: [(&[u8], Option<Format>); 14] = [
            (
                b"\x1a\x32\x00\x00\x15\xa8\x87\x7e\x0d\x20\x00\x0c",
                Some(Format::Beast),
            ),
            // a capture that starts mid-frame
            (b"\x87\x7e\x0d\x20\x00\x0c\x1a\x33\x00", Some(Format::Beast)),
            (b"\x00\x01\x02\x03", None),
            (b"8d4840d6202cc371c32ce0576098\n", Some(Format::Hex)),
            (
                b"timestamp,hexframe\n1698140962.119813,1a32000023b1dda011210000bd6b441a\n",
                Some(Format::Hex),
            ),
            (
                b"# comment\n1698140962.119813;5d4840d6202cc3\n",
                Some(Format::Hex),
            ),
            (
                b"@0000000015a88d4840d6202cc371c32ce0576098;\n",
                Some(Format::Avr),
            ),
            (
                b"MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,,37000",
                Some(Format::Sbs),
            ),
            (
                b"timestamp,icao24,callsign,latitude\n",
                Some(Format::TrajectoryCsv),
            ),
            (
                b"time,icao24,lat,lon,velocity\n",
                Some(Format::TrajectoryCsv),
            ),
            (
                b"{\"icao\":\"ac671b\",\n \"r\":\"N899DN\"",
                Some(Format::ReadsbTrace),
            ),
            (
                b"{ \"now\" : 1738703622.6,\n  \"messages\" : 12, \"aircraft\" : [",
                Some(Format::ReadsbAircraft),
            ),
            (b"hello world\n", None),
            (b"", None),
        ];
        for (prefix, expected) in cases {
            assert_eq!(
                detect_format(prefix),
                expected,
                "{:?}",
                String::from_utf8_lossy(prefix)
            );
        }
    }
}
