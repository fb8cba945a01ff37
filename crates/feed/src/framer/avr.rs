//! AVR raw-line framing (dump1090/readsb port 30002 and its timestamped variants).
//!
//! Owns the line shapes below, as dump1090 and readsb write and read them (documented from their
//! behaviour; no code taken from them):
//!
//! ```text
//! *8D4840D6202CC371C32CE0576098;        message only ('*'; ':' is read the same)
//! @0000015A887E8D4840D6202CC371C32CE0576098;
//!  ^^^^^^^^^^^^                        '@': 12-digit 12 MHz counter, then the message
//! %0000015A887E8D4840D6202CC371C32CE0576098;    '%': same layout as '@'
//! <0000015A887E0D8D4840D6202CC371C32CE0576098;
//!  ^^^^^^^^^^^^^^                      '<': counter, 2-digit signal level, then the message
//! ```
//!
//! The message is 4 (Mode A/C), 14 or 28 hex digits. Anything after the first `;` is ignored
//! (Airspy appends its own fields there). Blank lines and `#` comments are skipped; a line with
//! another first character is [`FrameError::Unrecognised`]. No Mode S decoding happens here.

use super::{Framer, MAX_LINE_BYTES};
use crate::lines::{Line, LineBuffer};
use crate::text::{decode_hex, hex_u64, is_hex};
use crate::{FrameError, Location, RawFrame};

/// AVR lines in, [`RawFrame`]s out (`mlat_ticks` from `@`/`%`/`<`, `signal` from `<`; `ts` is
/// `None`).
#[derive(Debug)]
pub struct AvrFramer {
    lines: LineBuffer,
}

impl Default for AvrFramer {
    fn default() -> Self {
        Self::new()
    }
}

impl AvrFramer {
    /// A framer at the start of a stream.
    pub fn new() -> Self {
        Self {
            lines: LineBuffer::new(MAX_LINE_BYTES),
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

/// Parse one line; `Ok(None)` for blank and comment lines.
fn parse_line(line: &[u8], at: Location, terminated: bool) -> Result<Option<RawFrame>, FrameError> {
    let line = line.trim_ascii();
    let Some((&prefix, rest)) = line.split_first() else {
        return Ok(None);
    };
    let (ticks_digits, signal_digits) = match prefix {
        b'#' => return Ok(None),
        b'*' | b':' => (0, 0),
        b'@' | b'%' => (12, 0),
        b'<' => (12, 2),
        _ => return Err(FrameError::Unrecognised { at }),
    };
    let Some(end) = rest.iter().position(|&b| b == b';') else {
        return Err(if terminated {
            FrameError::Unrecognised { at }
        } else {
            FrameError::Truncated { at }
        });
    };
    let body = &rest[..end];
    if body.len() < ticks_digits + signal_digits {
        return Err(FrameError::BadLength {
            at,
            digits: body.len(),
        });
    }
    let (ticks, body) = body.split_at(ticks_digits);
    let (signal, message) = body.split_at(signal_digits);
    let mlat_ticks = match ticks_digits {
        0 => None,
        _ => Some(hex_u64(ticks).ok_or(FrameError::BadTimestamp { at })?),
    };
    let signal = match signal_digits {
        0 => None,
        _ => Some(hex_u64(signal).ok_or(FrameError::InvalidHex { at })? as u8),
    };
    let len = match message.len() {
        4 | 14 | 28 => message.len() / 2,
        digits if is_hex(message) => return Err(FrameError::BadLength { at, digits }),
        _ => return Err(FrameError::InvalidHex { at }),
    };
    let mut bytes = [0u8; 14];
    if !decode_hex(message, &mut bytes[..len]) {
        return Err(FrameError::InvalidHex { at });
    }
    Ok(Some(RawFrame {
        ts: None,
        mlat_ticks,
        signal,
        len: len as u8,
        bytes,
    }))
}

impl Framer for AvrFramer {
    type Item = RawFrame;

    fn push(&mut self, bytes: &[u8]) {
        self.lines.push(bytes);
    }

    fn next_item(&mut self) -> Option<Result<RawFrame, FrameError>> {
        let max = self.lines.max_line();
        loop {
            match self.lines.next_line()? {
                Line::TooLong { number } => {
                    return Some(Err(FrameError::LineTooLong {
                        at: Location::Line(number),
                        max,
                    }))
                }
                Line::Text {
                    number,
                    bytes,
                    terminated,
                } => match parse_line(bytes, Location::Line(number), terminated) {
                    Ok(Some(frame)) => return Some(Ok(frame)),
                    Ok(None) => continue,
                    Err(error) => return Some(Err(error)),
                },
            }
        }
    }

    fn finish(&mut self) {
        self.lines.finish();
    }
}

/// Write `frame` as an AVR line (with `;` and `\n`): `<` when it has a counter and a signal, `@`
/// with a counter only, `*` otherwise. For tests and exports.
///
/// ```
/// use vigia_feed::framer::avr::encode;
/// use vigia_feed::RawFrame;
/// let mut frame = RawFrame::from_message(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]).unwrap();
/// assert_eq!(encode(&frame), "*5D4840D6202CC3;\n");
/// frame.mlat_ticks = Some(0x15a8877e);
/// assert_eq!(encode(&frame), "@000015A8877E5D4840D6202CC3;\n");
/// ```
pub fn encode(frame: &RawFrame) -> String {
    use core::fmt::Write;
    let mut line = String::with_capacity(48);
    let _ = match (frame.mlat_ticks, frame.signal) {
        (Some(ticks), Some(signal)) => write!(line, "<{ticks:012X}{signal:02X}"),
        (Some(ticks), None) => write!(line, "@{ticks:012X}"),
        _ => write!(line, "*"),
    };
    for byte in frame.message() {
        let _ = write!(line, "{byte:02X}");
    }
    line.push_str(";\n");
    line
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::framer::frame_all;
    use proptest::prelude::*;

    fn all(input: &[u8]) -> Vec<Result<RawFrame, FrameError>> {
        frame_all(AvrFramer::new(), input)
    }

    #[test]
    fn each_prefix() {
        let input = b"*8D4840D6202CC371C32CE0576098;\n\
            @0000015A887E5D4840D6202CC3;\r\n\
            %0000015A887E5D4840D6202CC3;\n\
            <0000015A887E0D5D4840D6202CC3;\n\
            :0D20;\n\
            *5D4840D6202CC3;D03B5A4B;0A;7AF3;\n";
        let got: Vec<RawFrame> = all(input).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(got.len(), 6);
        assert_eq!(
            (got[0].len, got[0].mlat_ticks, got[0].signal),
            (14, None, None)
        );
        assert_eq!(
            (got[1].len, got[1].mlat_ticks, got[1].signal),
            (7, Some(0x15a887e), None)
        );
        assert_eq!(got[2], got[1]);
        assert_eq!(
            (got[3].mlat_ticks, got[3].signal),
            (Some(0x15a887e), Some(0x0d))
        );
        assert_eq!(got[4].message(), &[0x0d, 0x20]);
        assert_eq!(
            got[5].message(),
            &[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]
        );
    }

    #[test]
    fn bad_lines_are_located() {
        let input = b"*8D4840D6202CC371C32CE0576098;\n\
            8D4840D6202CC371C32CE0576098;\n\
            *8D4840D6202CC371C32CE05760;\n\
            *8D4840D6202CC371C32CE05760ZZ;\n\
            @00000X5A887E5D4840D6202CC3;\n\
            @0000;\n\
            *8D4840D6202CC371C32CE0576098\n\
            *8D4840D6";
        let errors: Vec<_> = all(input).into_iter().filter_map(|r| r.err()).collect();
        let line = Location::Line;
        assert_eq!(
            errors,
            vec![
                FrameError::Unrecognised { at: line(2) },
                FrameError::BadLength {
                    at: line(3),
                    digits: 26
                },
                FrameError::InvalidHex { at: line(4) },
                FrameError::BadTimestamp { at: line(5) },
                FrameError::BadLength {
                    at: line(6),
                    digits: 4
                },
                FrameError::Unrecognised { at: line(7) },
                FrameError::Truncated { at: line(8) },
            ]
        );
    }

    proptest! {
        #[test]
        fn encode_then_frame_is_identity(message in proptest::collection::vec(any::<u8>(), 14), ticks in proptest::option::of(0u64..(1 << 48)), signal: u8, kind in 0usize..3) {
            let len = [2, 7, 14][kind];
            let mut frame = RawFrame::from_message(&message[..len]).unwrap();
            frame.mlat_ticks = ticks;
            frame.signal = ticks.map(|_| signal);
            prop_assert_eq!(all(encode(&frame).as_bytes()), vec![Ok(frame)]);
        }

        #[test]
        fn random_splits_do_not_change_the_output(noise in "[*@<%0-9A-F;\n]{0,80}", split in any::<usize>()) {
            let input = format!("*5D4840D6202CC3;\n{noise}\n@0000015A887E5D4840D6202CC3;\n").into_bytes();
            let expected = all(&input);
            prop_assert!(expected.last().unwrap().is_ok());
            let split = split % (input.len() + 1);
            let mut framer = AvrFramer::new();
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
