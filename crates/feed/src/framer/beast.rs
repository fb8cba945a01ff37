//! Mode-S Beast binary framing (the dump1090/readsb port-30005 format).
//!
//! Owns cutting the byte stream into frames and undoing the escape; it does not look inside the
//! Mode S message. Frame layout (Mode-S Beast protocol, as published by its maker and written by
//! dump1090 and readsb):
//!
//! ```text
//! 0x1a  type  mlat[6]  signal[1]  message[n]
//!       '1'   Mode A/C reply    n = 2
//!       '2'   short Mode S      n = 7
//!       '3'   long Mode S       n = 14
//! ```
//!
//! `mlat` is a big-endian 48-bit count of a 12 MHz clock. After the type byte every 0x1a data byte
//! is doubled (0x1a 0x1a), so a single 0x1a always starts a frame.
//!
//! Receiver ids in band (readsb's `beast_reduce_plus_out` convention, and aggregators that
//! forward many receivers on one stream): `0x1a 0xe3` carries a receiver id, 8 bytes big-endian
//! (a UUID's first half), and applies to the frames that follow until the next one; `0x1a 0xe4`
//! carries the receiver's UUID, 16 bytes or its 36-character text, once at the start of a
//! pushed connection. Both are escaped like frames and end where the next frame starts (no
//! public specification pins their length: anything else between 1 and 64 bytes is a
//! [`FrameError::BadReceiverId`], counted, and the frames around it still read). The id in
//! effect is [`BeastFramer::receiver`]; read it after each frame.
//!
//! Resynchronisation: bytes before a frame start are one [`FrameError::Garbage`] run; a 0x1a with
//! another type byte (the `'4'` status frame, for instance) starts a
//! [`FrameError::UnknownFrameType`] run; each is reported once, when the next frame starts (or at
//! the end). A lone 0x1a inside a frame ([`FrameError::BadEscape`]) drops that frame and is read
//! again as the start of the next one.
//!
//! The raw bytes stay in the buffer until a whole frame is there, and unescaping writes into a
//! separate array: a frame split anywhere, including between the two bytes of an escape, comes out
//! the same (rs1090's reader unescapes in place and breaks there).

use super::Framer;
use crate::{FrameError, Location, RawFrame};

const ESCAPE: u8 = 0x1a;

/// A run of skipped bytes not yet reported.
#[derive(Debug, Clone, Copy)]
struct Skip {
    at: u64,
    len: u64,
    /// `None` for garbage, `Some(type)` for an unknown frame type.
    type_byte: Option<u8>,
}

impl Skip {
    fn into_error(self) -> FrameError {
        let at = Location::Offset(self.at);
        match self.type_byte {
            None => FrameError::Garbage { at, len: self.len },
            Some(type_byte) => FrameError::UnknownFrameType {
                at,
                type_byte,
                len: self.len,
            },
        }
    }
}

enum Parse {
    /// A frame and the number of raw bytes it used.
    Frame(RawFrame, usize),
    /// The frame continues beyond the buffer.
    NeedMore,
    /// A lone 0x1a at this index of the frame's raw bytes.
    BadEscape(usize),
}

/// Beast binary bytes in, [`RawFrame`]s out (with `mlat_ticks` and `signal`; `ts` is `None`).
#[derive(Debug, Default)]
pub struct BeastFramer {
    buf: Vec<u8>,
    start: usize,
    /// Stream offset of `buf[0]`.
    base: u64,
    skip: Option<Skip>,
    finished: bool,
    receiver: Option<ReceiverTag>,
}

/// A receiver id announced in band: the 64-bit id (`0xe3`, or the first half of an `0xe4`
/// UUID) and the whole UUID when one was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReceiverTag {
    /// The receiver id (a UUID's first 8 bytes, big-endian).
    pub id: u64,
    /// The UUID, when the receiver announced one (`0xe4`).
    pub uuid: Option<[u8; 16]>,
}

impl ReceiverTag {
    /// The tag of a UUID given as text (`0033062d-e17e-4389-91a9-79ebb967fb4c`, dashes
    /// optional) or as the 16 hex digits of a receiver id; `None` for anything else.
    ///
    /// ```
    /// use vigia_feed::framer::beast::ReceiverTag;
    /// let t = ReceiverTag::parse("0033062d-e17e-4389-91a9-79ebb967fb4c").unwrap();
    /// assert_eq!(t.id, 0x0033_062d_e17e_4389);
    /// assert_eq!(ReceiverTag::parse("0033062de17e4389").unwrap().id, t.id);
    /// assert!(ReceiverTag::parse("nogales").is_none());
    /// ```
    pub fn parse(text: &str) -> Option<ReceiverTag> {
        let digits: Vec<u8> = text.bytes().filter(|&b| b != b'-').collect();
        if !digits.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        let hex = core::str::from_utf8(&digits).ok()?;
        match digits.len() {
            16 => Some(ReceiverTag {
                id: u64::from_str_radix(hex, 16).ok()?,
                uuid: None,
            }),
            32 => {
                let value = u128::from_str_radix(hex, 16).ok()?;
                Some(ReceiverTag::from_uuid(value.to_be_bytes()))
            }
            _ => None,
        }
    }

    /// The tag of a binary UUID.
    pub fn from_uuid(uuid: [u8; 16]) -> ReceiverTag {
        let mut id = [0u8; 8];
        id.copy_from_slice(&uuid[..8]);
        ReceiverTag {
            id: u64::from_be_bytes(id),
            uuid: Some(uuid),
        }
    }

    /// The id as 16 hex digits (the UUID's first half, dashes as in the UUID).
    pub fn id_text(&self) -> String {
        let h = format!("{:016x}", self.id);
        format!("{}-{}-{}", &h[..8], &h[8..12], &h[12..])
    }
}

/// Longest in-band receiver record payload read (a UUID as text is 36 bytes).
const MAX_ID_RECORD: usize = 64;

impl BeastFramer {
    /// A framer at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.buf.capacity()
    }

    fn extend_skip(&mut self, at: u64, len: usize) {
        match &mut self.skip {
            Some(skip) => skip.len += len as u64,
            None => {
                self.skip = Some(Skip {
                    at,
                    len: len as u64,
                    type_byte: None,
                })
            }
        }
    }
}

/// Parse a frame at the start of `raw` (`raw[0]` is 0x1a, `raw[1]` a known type byte).
#[inline]
fn parse_frame(raw: &[u8], message_len: usize) -> Parse {
    let payload_len = 6 + 1 + message_len;
    let mut payload = [0u8; 21];
    let mut filled = 0;
    let mut i = 2;
    while filled < payload_len {
        let Some(&byte) = raw.get(i) else {
            return Parse::NeedMore;
        };
        if byte == ESCAPE {
            match raw.get(i + 1) {
                None => return Parse::NeedMore,
                Some(&ESCAPE) => i += 2,
                Some(_) => return Parse::BadEscape(i),
            }
        } else {
            i += 1;
        }
        payload[filled] = byte;
        filled += 1;
    }
    let mlat_ticks = payload[..6]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut bytes = [0u8; 14];
    bytes[..message_len].copy_from_slice(&payload[7..7 + message_len]);
    let frame = RawFrame {
        ts: None,
        mlat_ticks: Some(mlat_ticks),
        signal: Some(payload[6]),
        len: message_len as u8,
        bytes,
    };
    Parse::Frame(frame, i)
}

/// An in-band receiver record at the start of `raw` (`raw[1]` is 0xe3 or 0xe4): its unescaped
/// payload (up to the next frame start) and the raw bytes it used.
fn parse_id_record(raw: &[u8], finished: bool) -> Option<(Vec<u8>, usize)> {
    let mut payload = Vec::new();
    let mut i = 2;
    loop {
        let Some(&byte) = raw.get(i) else {
            return finished.then_some((payload, i));
        };
        if byte == ESCAPE {
            match raw.get(i + 1) {
                None if !finished => return None,
                Some(&ESCAPE) => i += 2,
                _ => return Some((payload, i)),
            }
        } else {
            i += 1;
        }
        if payload.len() <= MAX_ID_RECORD {
            payload.push(byte);
        }
    }
}

/// What an `0xe3`/`0xe4` payload says, if it is one of the shapes known.
fn read_id_record(type_byte: u8, payload: &[u8]) -> Option<ReceiverTag> {
    match (type_byte, payload.len()) {
        (0xe3, 8) => {
            let mut id = [0u8; 8];
            id.copy_from_slice(payload);
            Some(ReceiverTag {
                id: u64::from_be_bytes(id),
                uuid: None,
            })
        }
        (0xe4, 16) => {
            let mut uuid = [0u8; 16];
            uuid.copy_from_slice(payload);
            Some(ReceiverTag::from_uuid(uuid))
        }
        (0xe4, 32..=36) => {
            let text = core::str::from_utf8(payload).ok()?;
            ReceiverTag::parse(text.trim_end_matches('\0')).filter(|t| t.uuid.is_some())
        }
        _ => None,
    }
}

impl BeastFramer {
    /// The receiver id in effect: the last one announced in band before the frame just
    /// returned (`None` until one is).
    pub fn receiver(&self) -> Option<ReceiverTag> {
        self.receiver
    }
}

/// Encode an in-band receiver id record (`0x1a 0xe3` + 8 bytes), escaped.
pub fn encode_receiver_id(id: u64) -> Vec<u8> {
    escaped(0xe3, &id.to_be_bytes())
}

/// Encode an in-band UUID record (`0x1a 0xe4` + 16 bytes), escaped.
pub fn encode_receiver_uuid(uuid: [u8; 16]) -> Vec<u8> {
    escaped(0xe4, &uuid)
}

fn escaped(type_byte: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![ESCAPE, type_byte];
    for &byte in payload {
        out.push(byte);
        if byte == ESCAPE {
            out.push(ESCAPE);
        }
    }
    out
}

impl Framer for BeastFramer {
    type Item = RawFrame;

    fn push(&mut self, bytes: &[u8]) {
        if self.finished {
            return;
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.base += self.start as u64;
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    fn next_item(&mut self) -> Option<Result<RawFrame, FrameError>> {
        loop {
            let rest = &self.buf[self.start..];
            let at = self.base + self.start as u64;
            let Some(&first) = rest.first() else {
                return if self.finished {
                    self.skip.take().map(|s| Err(s.into_error()))
                } else {
                    None
                };
            };
            if first != ESCAPE {
                let run = rest.iter().position(|&b| b == ESCAPE).unwrap_or(rest.len());
                self.extend_skip(at, run);
                self.start += run;
                continue;
            }
            let Some(&type_byte) = rest.get(1) else {
                if !self.finished {
                    return None;
                }
                if let Some(skip) = self.skip.take() {
                    return Some(Err(skip.into_error()));
                }
                self.start += 1;
                return Some(Err(FrameError::Truncated {
                    at: Location::Offset(at),
                }));
            };
            let message_len = match type_byte {
                b'1' => 2,
                b'2' => 7,
                b'3' => 14,
                ESCAPE => {
                    // An escaped data byte outside any frame.
                    self.extend_skip(at, 2);
                    self.start += 2;
                    continue;
                }
                0xe3 | 0xe4 => {
                    if let Some(skip) = self.skip.take() {
                        return Some(Err(skip.into_error()));
                    }
                    let (payload, used) = parse_id_record(rest, self.finished)?;
                    self.start += used;
                    match read_id_record(type_byte, &payload) {
                        Some(tag) => {
                            // A UUID's first half announced again keeps the UUID.
                            let known = self
                                .receiver
                                .filter(|r| r.id == tag.id && tag.uuid.is_none());
                            self.receiver = Some(known.unwrap_or(tag));
                            continue;
                        }
                        None => {
                            return Some(Err(FrameError::BadReceiverId {
                                at: Location::Offset(at),
                                type_byte,
                                len: payload.len(),
                            }))
                        }
                    }
                }
                _ => {
                    let previous = self.skip.replace(Skip {
                        at,
                        len: 2,
                        type_byte: Some(type_byte),
                    });
                    self.start += 2;
                    match previous {
                        Some(skip) => return Some(Err(skip.into_error())),
                        None => continue,
                    }
                }
            };
            if let Some(skip) = self.skip.take() {
                return Some(Err(skip.into_error()));
            }
            return match parse_frame(rest, message_len) {
                Parse::Frame(frame, used) => {
                    self.start += used;
                    Some(Ok(frame))
                }
                Parse::BadEscape(lone) => {
                    self.start += lone;
                    Some(Err(FrameError::BadEscape {
                        at: Location::Offset(at),
                    }))
                }
                Parse::NeedMore if self.finished => {
                    self.start = self.buf.len();
                    Some(Err(FrameError::Truncated {
                        at: Location::Offset(at),
                    }))
                }
                Parse::NeedMore => None,
            };
        }
    }

    fn finish(&mut self) {
        self.finished = true;
    }
}

/// Encode `frame` as Beast bytes (escaping 0x1a), for tests and simulators.
///
/// Uses `mlat_ticks` and `signal` (0 when absent). Returns `None` if `frame.len` is not 2, 7 or 14.
///
/// ```
/// use vigia_feed::framer::beast::encode;
/// use vigia_feed::RawFrame;
/// let mut frame = RawFrame::from_message(&[0x1a; 7]).unwrap();
/// frame.mlat_ticks = Some(1);
/// let bytes = encode(&frame).unwrap();
/// assert_eq!(&bytes[..9], &[0x1a, b'2', 0, 0, 0, 0, 0, 1, 0]);
/// assert_eq!(bytes.len(), 2 + 6 + 1 + 2 * 7);
/// ```
pub fn encode(frame: &RawFrame) -> Option<Vec<u8>> {
    let type_byte = match frame.len {
        2 => b'1',
        7 => b'2',
        14 => b'3',
        _ => return None,
    };
    let mut out = vec![ESCAPE, type_byte];
    let ticks = frame.mlat_ticks.unwrap_or(0).to_be_bytes();
    let signal = [frame.signal.unwrap_or(0)];
    let payload = ticks[2..].iter().chain(&signal).chain(frame.message());
    for &byte in payload {
        out.push(byte);
        if byte == ESCAPE {
            out.push(ESCAPE);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::framer::frame_all;
    use proptest::prelude::*;

    /// The first frame of sample_dump1090.bin, and its second (whose MLAT counter holds an
    /// escaped 0x1a).
    const FIRST: [u8; 16] = [
        0x1a, 0x32, 0x00, 0x00, 0x15, 0xa8, 0x87, 0x7e, 0x0d, 0x20, 0x00, 0x0c, 0xa8, 0xf7, 0x0a,
        0xa7,
    ];
    const ESCAPED: [u8; 17] = [
        0x1a, 0x32, 0x00, 0x00, 0x15, 0xbe, 0x1a, 0x1a, 0x0c, 0x0f, 0x02, 0xe1, 0x8c, 0xa8, 0xf1,
        0xd2, 0xed,
    ];

    fn all(input: &[u8]) -> Vec<Result<RawFrame, FrameError>> {
        frame_all(BeastFramer::new(), input)
    }

    fn split_at_every_point(input: &[u8]) {
        let expected = all(input);
        for split in 0..=input.len() {
            let mut framer = BeastFramer::new();
            let mut got = Vec::new();
            framer.push(&input[..split]);
            got.extend(core::iter::from_fn(|| framer.next_item()));
            framer.push(&input[split..]);
            got.extend(core::iter::from_fn(|| framer.next_item()));
            framer.finish();
            got.extend(core::iter::from_fn(|| framer.next_item()));
            assert_eq!(got, expected, "split at {split}");
        }
    }

    #[test]
    fn reads_frames_and_unescapes() {
        let input = [FIRST.as_slice(), ESCAPED.as_slice()].concat();
        let got = all(&input);
        assert_eq!(got.len(), 2);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.mlat_ticks, Some(0x15a8877e));
        assert_eq!(first.signal, Some(0x0d));
        assert_eq!(first.message(), &[0x20, 0x00, 0x0c, 0xa8, 0xf7, 0x0a, 0xa7]);
        let second = got[1].as_ref().unwrap();
        assert_eq!(second.mlat_ticks, Some(0x15be1a0c));
        assert_eq!(second.signal, Some(0x0f));
        assert_eq!(
            second.message(),
            &[0x02, 0xe1, 0x8c, 0xa8, 0xf1, 0xd2, 0xed]
        );
        split_at_every_point(&input);
    }

    #[test]
    fn mode_ac_and_long_frames() {
        let mut ac = RawFrame::from_message(&[0x12, 0x1a]).unwrap();
        ac.mlat_ticks = Some(0x1a1a);
        ac.signal = Some(0x1a);
        let mut long = RawFrame::from_message(&[
            0x8d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98,
        ])
        .unwrap();
        long.mlat_ticks = Some(0xffff_ffff_ffff);
        long.signal = Some(0xff);
        let input = [encode(&ac).unwrap(), encode(&long).unwrap()].concat();
        assert_eq!(all(&input), vec![Ok(ac), Ok(long)]);
        split_at_every_point(&input);
    }

    #[test]
    fn garbage_is_one_counted_run() {
        let input = [
            b"\x00hello\x1a\x1aworld".as_slice(),
            FIRST.as_slice(),
            b"tail".as_slice(),
        ]
        .concat();
        let got = all(&input);
        assert_eq!(
            got,
            vec![
                Err(FrameError::Garbage {
                    at: Location::Offset(0),
                    len: 13
                }),
                all(&FIRST)[0].clone(),
                Err(FrameError::Garbage {
                    at: Location::Offset(29),
                    len: 4
                }),
            ]
        );
        split_at_every_point(&input);
    }

    #[test]
    fn unknown_type_is_skipped_to_the_next_frame() {
        // a '4' status frame with an escaped 0x1a in its payload, then a real frame
        let input = [b"\x1a4\x01\x1a\x1a\x02\x03".as_slice(), FIRST.as_slice()].concat();
        let got = all(&input);
        assert_eq!(
            got[0],
            Err(FrameError::UnknownFrameType {
                at: Location::Offset(0),
                type_byte: b'4',
                len: 7
            })
        );
        assert!(got[1].is_ok());
        assert_eq!(got.len(), 2);
        split_at_every_point(&input);
    }

    #[test]
    fn lone_escape_inside_a_frame_drops_it_and_resyncs() {
        // FIRST cut after 6 bytes by a new frame
        let input = [&FIRST[..6], FIRST.as_slice()].concat();
        let got = all(&input);
        assert_eq!(
            got[0],
            Err(FrameError::BadEscape {
                at: Location::Offset(0)
            })
        );
        assert_eq!(got[1], all(&FIRST)[0]);
        assert_eq!(got.len(), 2);
        split_at_every_point(&input);
    }

    #[test]
    fn truncated_frames_at_the_end() {
        for cut in 1..FIRST.len() {
            let got = all(&FIRST[..cut]);
            assert_eq!(
                got,
                vec![Err(FrameError::Truncated {
                    at: Location::Offset(0)
                })],
                "cut {cut}"
            );
        }
        // a frame whose last byte is half an escape pair
        let input = &ESCAPED[..7];
        assert_eq!(
            all(input),
            vec![Err(FrameError::Truncated {
                at: Location::Offset(0)
            })]
        );
        // garbage then a cut frame: the garbage is reported first
        let input = [b"xx".as_slice(), &FIRST[..3]].concat();
        assert_eq!(
            all(&input),
            vec![
                Err(FrameError::Garbage {
                    at: Location::Offset(0),
                    len: 2
                }),
                Err(FrameError::Truncated {
                    at: Location::Offset(2)
                }),
            ]
        );
        split_at_every_point(&input);
    }

    /// Every frame with the receiver id in effect when it was returned, input pushed in two
    /// parts cut at `split`.
    fn tagged(input: &[u8], split: usize) -> Vec<(Result<RawFrame, FrameError>, Option<u64>)> {
        let mut framer = BeastFramer::new();
        let mut got = Vec::new();
        let mut drain = |framer: &mut BeastFramer| {
            while let Some(item) = framer.next_item() {
                got.push((item, framer.receiver().map(|r| r.id)));
            }
        };
        framer.push(&input[..split]);
        drain(&mut framer);
        framer.push(&input[split..]);
        drain(&mut framer);
        framer.finish();
        drain(&mut framer);
        got
    }

    #[test]
    fn receiver_ids_in_band_tag_the_frames_that_follow() {
        // an id holding a 0x1a (escaped), a binary UUID, a UUID as text
        let a = 0x1a00_0000_0000_1a01u64;
        let uuid: [u8; 16] = [
            0x00, 0x33, 0x06, 0x2d, 0xe1, 0x7e, 0x43, 0x89, 0x91, 0xa9, 0x79, 0xeb, 0xb9, 0x67,
            0xfb, 0x4c,
        ];
        let text = b"0033062d-e17e-4389-91a9-79ebb967fb4c";
        let mut text_record = vec![ESCAPE, 0xe4];
        text_record.extend_from_slice(text);
        let input = [
            FIRST.as_slice(),
            &encode_receiver_id(a),
            FIRST.as_slice(),
            ESCAPED.as_slice(),
            &encode_receiver_uuid(uuid),
            FIRST.as_slice(),
            &encode_receiver_id(7),
            &text_record,
            ESCAPED.as_slice(),
        ]
        .concat();
        let expected = tagged(&input, input.len());
        let ids: Vec<Option<u64>> = expected
            .iter()
            .map(|(f, id)| {
                assert!(f.is_ok(), "{f:?}");
                *id
            })
            .collect();
        let u = 0x0033_062d_e17e_4389;
        assert_eq!(ids, vec![None, Some(a), Some(a), Some(u), Some(u)]);
        for split in 0..=input.len() {
            assert_eq!(tagged(&input, split), expected, "split at {split}");
        }
        let mut framer = BeastFramer::new();
        framer.push(&[encode_receiver_uuid(uuid), FIRST.to_vec()].concat());
        assert!(framer.next_item().unwrap().is_ok());
        assert_eq!(framer.receiver().unwrap().uuid, Some(uuid));
        assert_eq!(framer.receiver().unwrap().id_text(), "0033062d-e17e-4389");
    }

    #[test]
    fn a_receiver_record_of_no_known_shape_is_counted_and_skipped() {
        let input = [
            &encode_receiver_id(5),
            b"\x1a\xe3\x01\x02\x03".as_slice(),
            FIRST.as_slice(),
            b"\x1a\xe4".as_slice(),
            &[0x55; 100],
        ]
        .concat();
        let got = tagged(&input, input.len());
        assert_eq!(
            got[0].0,
            Err(FrameError::BadReceiverId {
                at: Location::Offset(10),
                type_byte: 0xe3,
                len: 3
            })
        );
        // the frame keeps the last good id
        assert_eq!((got[1].0.is_ok(), got[1].1), (true, Some(5)));
        assert!(matches!(
            got[2].0,
            Err(FrameError::BadReceiverId {
                type_byte: 0xe4,
                len: 65,
                ..
            })
        ));
        assert_eq!(got.len(), 3);
    }

    proptest! {
        #[test]
        fn random_splits_and_garbage_do_not_change_the_output(
            garbage in proptest::collection::vec(any::<u8>(), 0..64),
            cuts in proptest::collection::vec(any::<usize>(), 0..6),
        ) {
            let input = [FIRST.as_slice(), &garbage, ESCAPED.as_slice(), &garbage, FIRST.as_slice()].concat();
            let expected = all(&input);
            // the last frame survives whatever garbage precedes it, unless the garbage ends in a
            // 0x1a that pairs with the frame's own as an escape
            if garbage.last() != Some(&ESCAPE) {
                prop_assert_eq!(expected.last().cloned(), Some(all(&FIRST)[0].clone()));
            }
            let mut points: Vec<usize> = cuts.iter().map(|c| c % (input.len() + 1)).collect();
            points.sort_unstable();
            let mut framer = BeastFramer::new();
            let mut got = Vec::new();
            let mut from = 0;
            for point in points {
                framer.push(&input[from..point]);
                got.extend(core::iter::from_fn(|| framer.next_item()));
                from = point;
            }
            framer.push(&input[from..]);
            framer.finish();
            got.extend(core::iter::from_fn(|| framer.next_item()));
            prop_assert_eq!(got, expected);
        }

        #[test]
        fn encode_then_frame_is_identity(message in proptest::collection::vec(any::<u8>(), 14), ticks in 0u64..(1 << 48), signal: u8, kind in 0usize..3) {
            let len = [2, 7, 14][kind];
            let mut frame = RawFrame::from_message(&message[..len]).unwrap();
            frame.mlat_ticks = Some(ticks);
            frame.signal = Some(signal);
            prop_assert_eq!(all(&encode(&frame).unwrap()), vec![Ok(frame)]);
        }
    }
}
