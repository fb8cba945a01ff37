//! Hex-line framing: one frame per line, optionally after a receive timestamp.
//!
//! Owns the line shapes below and nothing else (no Mode S decoding):
//!
//! ```text
//! 8d4840d6202cc371c32ce0576098                                 bare Mode S, 14 or 28 digits
//! 1698140962.171425,8d4840d6202cc371c32ce0576098               timestamp (Unix seconds), then hex
//! 1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570
//!                   ^^ ^^ ^^^^^^^^^^^^ ^^ ^^^^…                whole Beast frame as hex:
//!                   1a type mlat[6]   sig message              22, 32 or 46 digits
//! ```
//!
//! The timestamp and the hex may be separated by `,`, `;`, spaces or tabs. The hex form of a Beast
//! frame (as in rs1090's `long_flight.csv`) is *not* escaped: it is recognised by its `1a` + type
//! prefix and a length that matches the type (`1a31` → 22 digits, `1a32` → 32, `1a33` → 46).
//! Blank lines and lines starting with `#` are skipped, and so is a header line (one with letters
//! that are not hex digits) before the first frame.
//!
//! This is the throughput-critical framer (the CLI's `timestamp,hex` replay): no allocation per
//! line, hand-written hex and decimal parsing (`crate::text`).

use super::{Framer, MAX_LINE_BYTES};
use crate::lines::{Line, LineBuffer};
use crate::text::{decimal_seconds, decode_hex, hex_u64, is_hex, leading_decimal_seconds};
use crate::{FrameError, Location, RawFrame};

/// Hex lines in, [`RawFrame`]s out (`ts` from the timestamp column; `mlat_ticks` and `signal`
/// when the hex is a whole Beast frame).
#[derive(Debug)]
pub struct HexFramer {
    lines: LineBuffer,
    /// A line other than blanks and comments has been seen: no header may follow.
    past_header: bool,
}

impl Default for HexFramer {
    fn default() -> Self {
        Self::new()
    }
}

/// Why a line is not a frame (the location is added by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineError {
    Timestamp,
    Hex,
    Length(usize),
}

impl HexFramer {
    /// A framer at the start of a stream.
    pub fn new() -> Self {
        Self {
            lines: LineBuffer::new(MAX_LINE_BYTES),
            past_header: false,
        }
    }

    /// A framer for a piece of a stream that starts just after a newline, its lines numbered
    /// from 1; `past_header` says whether a line before it was other than blank or a comment
    /// (see [`has_content_line`]), after which a header is an error like any bad line.
    pub(crate) fn continuing(past_header: bool) -> Self {
        Self {
            lines: LineBuffer::new(MAX_LINE_BYTES),
            past_header,
        }
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.lines.capacity()
    }

    /// The bytes pushed and not yet cut (a framer just made: all of them).
    pub(crate) fn pending(&self) -> &[u8] {
        self.lines.pending()
    }

    /// The number of the line the next item comes from (lines consumed so far, plus one).
    pub(crate) fn next_line(&self) -> u64 {
        self.lines.next_line_number()
    }
}

/// Whether `bytes` (whole lines) hold a line after which [`HexFramer`] takes no header: one
/// that is neither blank nor a comment, or one over the length limit.
pub(crate) fn has_content_line(bytes: &[u8]) -> bool {
    bytes.split(|&b| b == b'\n').any(|line| {
        let trimmed = line.trim_ascii();
        line.len() > MAX_LINE_BYTES || !(trimmed.is_empty() || trimmed[0] == b'#')
    })
}

#[inline]
fn is_separator(b: u8) -> bool {
    matches!(b, b',' | b';' | b' ' | b'\t')
}

/// Parse one line; `Ok(None)` for blank and comment lines.
#[inline]
fn parse_line(line: &[u8]) -> Result<Option<RawFrame>, LineError> {
    let line = line.trim_ascii();
    if line.is_empty() || line[0] == b'#' {
        return Ok(None);
    }
    let (ts, hex) = match line.iter().position(|&b| is_separator(b)) {
        Some(sep) => {
            let ts = decimal_seconds(&line[..sep]).ok_or(LineError::Timestamp)?;
            let mut hex_start = sep + 1;
            while line.get(hex_start).is_some_and(|&b| is_separator(b)) {
                hex_start += 1;
            }
            (Some(ts), &line[hex_start..])
        }
        None => (None, line),
    };
    let mut frame = frame_from_hex(hex)?;
    frame.ts = ts;
    Ok(Some(frame))
}

/// A bare Mode S frame (14 or 28 digits) or an unescaped Beast frame (22, 32 or 46 digits).
#[inline]
fn frame_from_hex(hex: &[u8]) -> Result<RawFrame, LineError> {
    let length_error = || {
        if is_hex(hex) {
            LineError::Length(hex.len())
        } else {
            LineError::Hex
        }
    };
    let mut bytes = [0u8; 14];
    match hex.len() {
        14 | 28 => {
            let len = hex.len() / 2;
            if !decode_hex(hex, &mut bytes[..len]) {
                return Err(LineError::Hex);
            }
            Ok(RawFrame {
                ts: None,
                mlat_ticks: None,
                signal: None,
                len: len as u8,
                bytes,
            })
        }
        22 | 32 | 46 => {
            let message_len = match (&hex[..4], hex.len()) {
                (b"1a31" | b"1A31", 22) => 2,
                (b"1a32" | b"1A32", 32) => 7,
                (b"1a33" | b"1A33", 46) => 14,
                _ => return Err(length_error()),
            };
            let mlat_ticks = hex_u64(&hex[4..16]).ok_or(LineError::Hex)?;
            let signal = hex_u64(&hex[16..18]).ok_or(LineError::Hex)? as u8;
            if !decode_hex(&hex[18..], &mut bytes[..message_len]) {
                return Err(LineError::Hex);
            }
            Ok(RawFrame {
                ts: None,
                mlat_ticks: Some(mlat_ticks),
                signal: Some(signal),
                len: message_len as u8,
                bytes,
            })
        }
        _ => Err(length_error()),
    }
}

/// Fast path for the common shape `digits.digits,hex\n` (or `\r\n`): the frame and the line's
/// length including its line ending, or `None` to let the general path decide. Whenever this
/// returns a frame, [`parse_line`] would return the same one for that line.
#[inline]
fn parse_common_line(pending: &[u8]) -> Option<(RawFrame, usize)> {
    let (ts, ts_len) = leading_decimal_seconds(pending)?;
    if pending.get(ts_len) != Some(&b',') {
        return None;
    }
    let hex_start = ts_len + 1;
    // The line ends right after one of the frame lengths; decoding checks every digit, so a
    // shorter line (with a newline inside the candidate) is rejected there.
    for digits in [46, 32, 28, 14, 22] {
        let end = hex_start + digits;
        let ending = match pending.get(end..end + 2) {
            Some([b'\n', _]) => 1,
            Some(b"\r\n") => 2,
            // the last byte pushed so far
            None if pending.get(end) == Some(&b'\n') => 1,
            _ => continue,
        };
        let mut frame = frame_from_hex(&pending[hex_start..end]).ok()?;
        frame.ts = Some(ts);
        return Some((frame, end + ending));
    }
    None
}

/// A header line: has letters that cannot be hex digits (`timestamp,hexframe`).
fn looks_like_header(line: &[u8]) -> bool {
    line.iter()
        .any(|&b| b.is_ascii_alphabetic() && !b.is_ascii_hexdigit())
}

impl Framer for HexFramer {
    type Item = RawFrame;

    fn push(&mut self, bytes: &[u8]) {
        self.lines.push(bytes);
    }

    #[inline]
    fn next_item(&mut self) -> Option<Result<RawFrame, FrameError>> {
        if let Some((frame, line_len)) = parse_common_line(self.lines.pending()) {
            self.lines.consume_line(line_len);
            self.past_header = true;
            return Some(Ok(frame));
        }
        let max = self.lines.max_line();
        loop {
            let (number, bytes, terminated) = match self.lines.next_line()? {
                Line::Text {
                    number,
                    bytes,
                    terminated,
                } => (number, bytes, terminated),
                Line::TooLong { number } => {
                    self.past_header = true;
                    return Some(Err(FrameError::LineTooLong {
                        at: Location::Line(number),
                        max,
                    }));
                }
            };
            let at = Location::Line(number);
            match parse_line(bytes) {
                Ok(Some(frame)) => {
                    self.past_header = true;
                    return Some(Ok(frame));
                }
                Ok(None) => continue,
                Err(error) => {
                    let header = !self.past_header && looks_like_header(bytes);
                    self.past_header = true;
                    if header {
                        continue;
                    }
                    return Some(Err(match error {
                        _ if !terminated => FrameError::Truncated { at },
                        LineError::Timestamp => FrameError::BadTimestamp { at },
                        LineError::Hex => FrameError::InvalidHex { at },
                        LineError::Length(digits) => FrameError::BadLength { at, digits },
                    }));
                }
            }
        }
    }

    fn finish(&mut self) {
        self.lines.finish();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::framer::frame_all;
    use proptest::prelude::*;

    fn all(input: &[u8]) -> Vec<Result<RawFrame, FrameError>> {
        frame_all(HexFramer::new(), input)
    }

    #[test]
    fn beast_frame_as_hex() {
        let got = all(b"1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570\n");
        let frame = got[0].clone().unwrap();
        assert_eq!(frame.ts, Some(1698140962.171425));
        assert_eq!(frame.mlat_ticks, Some(0x23bb50f0));
        assert_eq!(frame.signal, Some(0x25));
        // the message holds a literal 0x1a: the hex form is not escaped
        assert_eq!(
            frame.message(),
            &[0x90, 0x39, 0x07, 0xdb, 0xc1, 0xb5, 0x0f, 0xca, 0x1a, 0xd7, 0x01, 0xef, 0xd5, 0x70]
        );
        assert_eq!(frame.len, 14);
    }

    #[test]
    fn line_shapes() {
        let input = b"# a comment\n\
            timestamp,hexframe\n\
            8d4840d6202cc371c32ce0576098\n\
            12.5;5d4840d6202cc3\r\n\
            \n\
            13 \t 1a32000023b1dda011210000bd6b441a\n\
            14,1a31000000000001ff1234\n";
        let got: Vec<RawFrame> = all(input).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(got.len(), 4);
        assert_eq!((got[0].ts, got[0].len), (None, 14));
        assert_eq!((got[1].ts, got[1].len), (Some(12.5), 7));
        assert_eq!(
            (got[2].ts, got[2].len, got[2].signal),
            (Some(13.0), 7, Some(0x11))
        );
        assert_eq!(got[3].message(), &[0x12, 0x34]);
        assert_eq!(got[3].mlat_ticks, Some(1));
    }

    #[test]
    fn bad_lines_are_located_and_skipped() {
        let input = b"8d4840d6202cc371c32ce0576098\n\
            header,after,data\n\
            x.5,8d4840d6202cc371c32ce0576098\n\
            8d4840d6202cc371c32ce05760\n\
            8d4840d6202cc371c32ce05760zz\n\
            1a32000023b1dda011210000bd6b441a00\n\
            1a33000023b1dda011210000bd6b441a\n\
            5d4840d6202cc3\n\
            5d4840d6202c";
        let got = all(input);
        let errors: Vec<_> = got.iter().filter_map(|r| r.clone().err()).collect();
        let line = Location::Line;
        assert_eq!(
            errors,
            vec![
                FrameError::BadTimestamp { at: line(2) },
                FrameError::BadTimestamp { at: line(3) },
                FrameError::BadLength {
                    at: line(4),
                    digits: 26
                },
                FrameError::InvalidHex { at: line(5) },
                FrameError::BadLength {
                    at: line(6),
                    digits: 34
                },
                FrameError::BadLength {
                    at: line(7),
                    digits: 32
                },
                FrameError::Truncated { at: line(9) },
            ]
        );
        assert_eq!(got.iter().filter(|r| r.is_ok()).count(), 2);
    }

    #[test]
    fn last_line_without_newline_is_read() {
        let got = all(b"5d4840d6202cc3\n5d4840d6202cc3");
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|r| r.is_ok()));
    }

    proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_general_one(
            ts in "[0-9]{0,11}(\\.[0-9]{0,8})?",
            separator in "[,,,; ]",
            prefix in "(1a3[123])?",
            hex in "[0-9a-fA-F]{46}",
            hex_len in proptest::sample::select(vec![10, 14, 18, 24, 28, 42, 46]),
            tail in "(\r?\n)?[0-9a-f,\n]{0,8}",
        ) {
            let text = format!("{ts}{separator}{prefix}{}{tail}", &hex[..hex_len]);
            if let Some((frame, len)) = parse_common_line(text.as_bytes()) {
                let line = text.as_bytes()[..len].strip_suffix(b"\n").unwrap();
                prop_assert!(!line.contains(&b'\n'));
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                prop_assert_eq!(parse_line(line), Ok(Some(frame)));
            }
        }

        #[test]
        fn random_splits_do_not_change_the_output(
            noise in "[0-9a-f,.;# \n\r]{0,80}",
            split in any::<usize>(),
        ) {
            let input = format!("1.5,5d4840d6202cc3\n{noise}\n2.5,8d4840d6202cc371c32ce0576098\n").into_bytes();
            let expected = all(&input);
            prop_assert!(expected.last().unwrap().is_ok());
            let split = split % (input.len() + 1);
            let mut framer = HexFramer::new();
            let mut got = Vec::new();
            framer.push(&input[..split]);
            got.extend(core::iter::from_fn(|| framer.next_item()));
            framer.push(&input[split..]);
            framer.finish();
            got.extend(core::iter::from_fn(|| framer.next_item()));
            prop_assert_eq!(got, expected);
        }
    }
}
