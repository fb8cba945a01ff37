//! Where a position came from: the raw frame(s) it was computed from, or the archive row it was
//! read from.
//!
//! Owns the compact, `Copy` references that let an analyst go from a trusted or rejected
//! position back to the bytes on the wire (a global CPR position cites both frames of its pair,
//! hex and receive time) or to the line of the file. Nothing here allocates: a [`FrameRef`] is
//! the message bytes and a timestamp, kept inline. It does not judge positions (`plausibility`,
//! `reliability`) nor read files (`vigia-feed`).

use core::fmt;

/// One received Mode S frame, kept as evidence: receive time and message bytes.
///
/// ```
/// use vigia_track::FrameRef;
/// let frame = FrameRef::new(1698141000.25, &[0x8D, 0x48, 0x40, 0xD6, 0x20, 0x2C, 0xC3, 0x71, 0xC3, 0x2C, 0xE0, 0x57, 0x60, 0x98]);
/// assert_eq!(frame.to_string(), "8d4840d6202cc371c32ce0576098@1698141000.250000");
/// assert_eq!(frame.message().len(), 14);
/// ```
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct FrameRef {
    /// Receive time, seconds (Unix epoch when the input gave wall-clock time).
    pub ts: f64,
    len: u8,
    bytes: [u8; 14],
}

impl FrameRef {
    /// Keep `message` (its first 14 bytes at most) received at `ts`.
    pub fn new(ts: f64, message: &[u8]) -> Self {
        let len = message.len().min(14);
        let mut bytes = [0u8; 14];
        bytes[..len].copy_from_slice(&message[..len]);
        Self {
            ts,
            len: len as u8,
            bytes,
        }
    }

    /// The message bytes (7 or 14 for Mode S).
    pub fn message(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// The message as lowercase hex, the way frames are usually quoted.
    pub fn hex(&self) -> Hex<'_> {
        Hex(self.message())
    }
}

impl fmt::Display for FrameRef {
    /// `hex@ts`, the receive time with microseconds.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{:.6}", self.hex(), self.ts)
    }
}

/// A frame's bytes without its time (the reordering window keeps the time beside it).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct FrameBytes {
    len: u8,
    bytes: [u8; 14],
}

impl FrameBytes {
    /// Keep `message` (its first 14 bytes at most).
    #[inline]
    pub fn new(message: &[u8]) -> Self {
        let len = message.len().min(14);
        let mut bytes = [0u8; 14];
        bytes[..len].copy_from_slice(&message[..len]);
        Self {
            len: len as u8,
            bytes,
        }
    }

    /// The frame, received at `ts`.
    #[inline]
    pub fn at(self, ts: f64) -> FrameRef {
        FrameRef {
            ts,
            len: self.len,
            bytes: self.bytes,
        }
    }
}

/// Bytes displayed as lowercase hex (see [`FrameRef::hex`]).
#[derive(Clone, Copy, Debug)]
pub struct Hex<'a>(pub &'a [u8]);

impl fmt::Display for Hex<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

/// Where a record was read: input, record number, line or row (it lives with the record types).
pub use vigia_modes::SourceRef;

/// The reference position a single CPR frame was decoded against.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum LocalReference {
    /// The aircraft's own trusted position received at `ts`.
    Aircraft {
        /// Time of that trusted position, seconds.
        ts: f64,
    },
    /// The receiver's configured position.
    Receiver,
}

/// What a position was computed from.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Evidence {
    /// Global CPR decoding of an even/odd pair of the same aircraft: both frames.
    CprPair {
        /// The frame whose position this is (the later of the two).
        newest: FrameRef,
        /// The frame of the other format it was paired with.
        partner: FrameRef,
    },
    /// Local CPR decoding of one frame against a reference position.
    CprLocal {
        /// The frame.
        frame: FrameRef,
        /// What it was decoded against.
        reference: LocalReference,
    },
    /// A decoded report read from an archive.
    Report(SourceRef),
    /// Multilateration: one Mode S reply located from its arrival times at synchronised
    /// receivers.
    Mlat(MlatEvidence),
}

/// Receivers one MLAT position cites at most.
pub const MLAT_RECEIVERS: usize = 8;

/// What a multilaterated position rests on: the reply's bytes, every receiver that heard it
/// with its raw counter reading, and how uncertain the solution is.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct MlatEvidence {
    /// The reply (its `ts` the position's time).
    pub frame: FrameRef,
    /// How many of `receivers`/`ticks` are valid.
    pub count: u8,
    /// The receivers used (indices into the network's receivers).
    pub receivers: [u16; MLAT_RECEIVERS],
    /// Each one's raw counter reading (12 MHz ticks, or GPS seconds/nanoseconds).
    pub ticks: [u64; MLAT_RECEIVERS],
    /// Where the reply's own solution put the aircraft (the position cited is that solution
    /// smoothed by the aircraft's track filter), degrees.
    pub solution_lat: f64,
    /// Likewise, longitude.
    pub solution_lon: f64,
    /// The solution's own 95 % error (semi-major axis), metres.
    pub solution_error_m: f32,
    /// Semi-major axis of the position's horizontal 95 % error ellipse, metres.
    pub semi_major_m: f32,
    /// Semi-minor axis, metres.
    pub semi_minor_m: f32,
    /// Direction of the major axis, degrees clockwise from north.
    pub orientation_deg: f32,
}

impl MlatEvidence {
    /// The receivers and their readings.
    pub fn heard(&self) -> impl Iterator<Item = (u16, u64)> + '_ {
        let n = usize::from(self.count).min(MLAT_RECEIVERS);
        self.receivers[..n]
            .iter()
            .copied()
            .zip(self.ticks[..n].iter().copied())
    }
}

impl Evidence {
    /// The frames this position was computed from (none for archive rows), newest first.
    pub fn frames(&self) -> impl Iterator<Item = &FrameRef> {
        let (first, second) = match self {
            Evidence::CprPair { newest, partner } => (Some(newest), Some(partner)),
            Evidence::CprLocal { frame, .. } => (Some(frame), None),
            Evidence::Mlat(m) => (Some(&m.frame), None),
            Evidence::Report(_) => (None, None),
        };
        first.into_iter().chain(second)
    }

    /// The MLAT solution's evidence, for multilaterated positions.
    pub fn mlat(&self) -> Option<&MlatEvidence> {
        match self {
            Evidence::Mlat(m) => Some(m),
            _ => None,
        }
    }

    /// The archive record, for positions read from one.
    pub fn source(&self) -> Option<SourceRef> {
        match self {
            Evidence::Report(source) => Some(*source),
            _ => None,
        }
    }
}

impl fmt::Display for Evidence {
    /// `pair <hex>@<ts> + <hex>@<ts>`, `local(own@ts|receiver) <hex>@<ts>` or
    /// `input <i> record <n> line <l>` (or `row <r>` for Parquet).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::CprPair { newest, partner } => write!(f, "pair {newest} + {partner}"),
            Evidence::CprLocal {
                frame,
                reference: LocalReference::Aircraft { ts },
            } => write!(f, "local(own@{ts:.6}) {frame}"),
            Evidence::CprLocal {
                frame,
                reference: LocalReference::Receiver,
            } => write!(f, "local(receiver) {frame}"),
            Evidence::Report(source) => {
                write!(f, "input {} record {}", source.input, source.record)?;
                if let Some(line) = source.line {
                    write!(f, " line {line}")?;
                }
                if let Some(row) = source.row {
                    write!(f, " row {row}")?;
                }
                Ok(())
            }
            Evidence::Mlat(m) => {
                write!(
                    f,
                    "mlat {} by {} receivers (95 % {:.0} × {:.0} m)",
                    m.frame, m.count, m.semi_major_m, m.semi_minor_m
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_listed_newest_first() {
        let a = FrameRef::new(2.0, &[0x8d, 1, 2]);
        let b = FrameRef::new(1.0, &[0x8d, 3, 4]);
        let pair = Evidence::CprPair {
            newest: a,
            partner: b,
        };
        let listed: Vec<_> = pair.frames().copied().collect();
        assert_eq!(listed, vec![a, b]);
        assert_eq!(pair.to_string(), "pair 8d0102@2.000000 + 8d0304@1.000000");
        let row = Evidence::Report(SourceRef {
            input: 0,
            record: 7,
            line: Some(8),
            row: None,
        });
        assert_eq!(row.frames().count(), 0);
        assert_eq!(row.to_string(), "input 0 record 7 line 8");
        assert_eq!(row.source().map(|s| s.record), Some(7));
    }

    #[test]
    fn long_input_is_cut_to_fourteen_bytes() {
        let frame = FrameRef::new(0.0, &[0xab; 20]);
        assert_eq!(frame.message().len(), 14);
    }
}
