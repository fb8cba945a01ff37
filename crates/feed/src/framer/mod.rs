//! The [`Framer`] trait — bytes in, items out, no I/O — and the list of framers, one file each.
//!
//! A framer owns cutting one format's byte stream into items and reporting bad pieces with their
//! location. It never reads a file or socket (that is `reader.rs`), never decodes Mode S content
//! (that is `vigia-modes`), and its output does not depend on how the input was split across
//! [`Framer::push`] calls: every framer is tested at every split point.
//!
//! | format | file | item |
//! |---|---|---|
//! | Beast binary | `beast.rs` | [`RawFrame`] |
//! | hex lines | `hex.rs` | [`RawFrame`] |
//! | AVR | `avr.rs` | [`RawFrame`] |
//! | SBS / BaseStation | `sbs.rs` | [`StateVector`] |
//! | trajectory CSV | `trajectory_csv.rs` | [`StateVector`] |
//! | readsb trace JSON | `readsb_trace.rs` | [`StateVector`] |
//! | readsb aircraft.json | `readsb_aircraft.rs` | [`StateVector`] |

pub mod avr;
pub mod beast;
pub mod hex;
mod json_document;
pub mod readsb_aircraft;
pub mod readsb_trace;
pub mod sbs;
pub mod trajectory_csv;

use crate::{Format, FrameError, RawFrame, Record, StateVector};

pub use avr::AvrFramer;
pub use beast::BeastFramer;
pub use hex::HexFramer;
pub use readsb_aircraft::ReadsbAircraftFramer;
pub use readsb_trace::ReadsbTraceFramer;
pub use sbs::SbsFramer;
pub use trajectory_csv::TrajectoryCsvFramer;

/// Longest text line the line-based framers accept, in bytes. Real lines are under 300 bytes;
/// the bound keeps memory fixed on input without newlines.
pub const MAX_LINE_BYTES: usize = 64 * 1024;

/// Cuts a byte stream into items, without doing I/O.
///
/// Protocol: [`push`](Framer::push) bytes as they arrive, then call
/// [`next_item`](Framer::next_item) until it returns `None`; repeat. At end of input call
/// [`finish`](Framer::finish) once and drain again: a trailing incomplete frame comes out as
/// [`FrameError::Truncated`]. Errors are per item; the framer has already resynchronised when it
/// returns one, so keep calling `next_item`.
///
/// ```
/// use vigia_feed::framer::{BeastFramer, Framer};
/// let mut framer = BeastFramer::new();
/// let bytes = [0x1a, b'2', 0, 0, 0x15, 0xa8, 0x87, 0x7e, 0x0d, 0x20, 0x00, 0x0c, 0xa8, 0xf7, 0x0a, 0xa7];
/// framer.push(&bytes[..5]); // split anywhere
/// assert!(framer.next_item().is_none());
/// framer.push(&bytes[5..]);
/// let frame = framer.next_item().unwrap().unwrap();
/// assert_eq!(frame.message(), &[0x20, 0x00, 0x0c, 0xa8, 0xf7, 0x0a, 0xa7]);
/// assert_eq!(frame.mlat_ticks, Some(0x15a8877e));
/// framer.finish();
/// assert!(framer.next_item().is_none());
/// ```
pub trait Framer {
    /// What one complete frame or line becomes.
    type Item;

    /// Append input bytes. Bytes pushed after [`finish`](Framer::finish) are ignored.
    fn push(&mut self, bytes: &[u8]);

    /// The next item or error, or `None` when more input (or `finish`) is needed.
    fn next_item(&mut self) -> Option<Result<Self::Item, FrameError>>;

    /// Mark the end of input.
    fn finish(&mut self);
}

/// Any framer, chosen by [`Format`], yielding [`Record`]s: the one list of all formats.
#[derive(Debug)]
pub enum AnyFramer {
    /// [`BeastFramer`].
    Beast(BeastFramer),
    /// [`HexFramer`].
    Hex(HexFramer),
    /// [`AvrFramer`].
    Avr(AvrFramer),
    /// [`SbsFramer`].
    Sbs(SbsFramer),
    /// [`ReadsbTraceFramer`].
    ReadsbTrace(ReadsbTraceFramer),
    /// [`ReadsbAircraftFramer`].
    ReadsbAircraft(ReadsbAircraftFramer),
    /// [`TrajectoryCsvFramer`].
    TrajectoryCsv(TrajectoryCsvFramer),
}

impl AnyFramer {
    /// A fresh framer for `format`; `None` for Parquet, which is not a byte stream (it is read
    /// by [`crate::RecordReader`] with random access).
    pub fn new(format: Format) -> Option<Self> {
        Some(match format {
            Format::Beast => AnyFramer::Beast(BeastFramer::new()),
            Format::Hex => AnyFramer::Hex(HexFramer::new()),
            Format::Avr => AnyFramer::Avr(AvrFramer::new()),
            Format::Sbs => AnyFramer::Sbs(SbsFramer::new()),
            Format::ReadsbTrace => AnyFramer::ReadsbTrace(ReadsbTraceFramer::new()),
            Format::ReadsbAircraft => AnyFramer::ReadsbAircraft(ReadsbAircraftFramer::new()),
            Format::TrajectoryCsv => AnyFramer::TrajectoryCsv(TrajectoryCsvFramer::new()),
            Format::Parquet => return None,
        })
    }

    /// Bytes the framer has allocated for buffering input.
    pub(crate) fn buffer_capacity(&self) -> usize {
        match self {
            AnyFramer::Beast(f) => f.buffer_capacity(),
            AnyFramer::Hex(f) => f.buffer_capacity(),
            AnyFramer::Avr(f) => f.buffer_capacity(),
            AnyFramer::Sbs(f) => f.buffer_capacity(),
            AnyFramer::ReadsbTrace(f) => f.buffer_capacity(),
            AnyFramer::ReadsbAircraft(f) => f.buffer_capacity(),
            AnyFramer::TrajectoryCsv(f) => f.buffer_capacity(),
        }
    }

    /// For the line formats whose pieces can be cut at any newline and read on their own (hex
    /// and AVR lines: no state carried from line to line but the line number and, for hex,
    /// whether a header may still come): the bytes pushed and not yet cut.
    pub(crate) fn splittable_pending(&self) -> Option<&[u8]> {
        match self {
            AnyFramer::Hex(f) => Some(f.pending()),
            AnyFramer::Avr(f) => Some(f.pending()),
            _ => None,
        }
    }

    /// For hex and AVR lines: the number of the line the next item comes from.
    pub(crate) fn next_line(&self) -> Option<u64> {
        match self {
            AnyFramer::Hex(f) => Some(f.next_line()),
            AnyFramer::Avr(f) => Some(f.next_line()),
            _ => None,
        }
    }

    /// The 1-based line of the last record returned, for formats that have one per line and
    /// keep count (trajectory CSV); `None` otherwise.
    pub fn last_line(&self) -> Option<u64> {
        match self {
            AnyFramer::TrajectoryCsv(f) => f.last_line(),
            _ => None,
        }
    }

    /// The receiver id announced in band before the last frame (Beast `0xe3`/`0xe4`).
    pub fn receiver(&self) -> Option<beast::ReceiverTag> {
        match self {
            AnyFramer::Beast(f) => f.receiver(),
            _ => None,
        }
    }

    /// The format this framer reads.
    pub fn format(&self) -> Format {
        match self {
            AnyFramer::Beast(_) => Format::Beast,
            AnyFramer::Hex(_) => Format::Hex,
            AnyFramer::Avr(_) => Format::Avr,
            AnyFramer::Sbs(_) => Format::Sbs,
            AnyFramer::ReadsbTrace(_) => Format::ReadsbTrace,
            AnyFramer::ReadsbAircraft(_) => Format::ReadsbAircraft,
            AnyFramer::TrajectoryCsv(_) => Format::TrajectoryCsv,
        }
    }
}

fn frame(item: Option<Result<RawFrame, FrameError>>) -> Option<Result<Record, FrameError>> {
    item.map(|r| r.map(Record::Frame))
}

fn state(item: Option<Result<StateVector, FrameError>>) -> Option<Result<Record, FrameError>> {
    item.map(|r| r.map(|s| Record::State(Box::new(s))))
}

impl Framer for AnyFramer {
    type Item = Record;

    fn push(&mut self, bytes: &[u8]) {
        match self {
            AnyFramer::Beast(f) => f.push(bytes),
            AnyFramer::Hex(f) => f.push(bytes),
            AnyFramer::Avr(f) => f.push(bytes),
            AnyFramer::Sbs(f) => f.push(bytes),
            AnyFramer::ReadsbTrace(f) => f.push(bytes),
            AnyFramer::ReadsbAircraft(f) => f.push(bytes),
            AnyFramer::TrajectoryCsv(f) => f.push(bytes),
        }
    }

    #[inline]
    fn next_item(&mut self) -> Option<Result<Record, FrameError>> {
        match self {
            AnyFramer::Beast(f) => frame(f.next_item()),
            AnyFramer::Hex(f) => frame(f.next_item()),
            AnyFramer::Avr(f) => frame(f.next_item()),
            AnyFramer::Sbs(f) => state(f.next_item()),
            AnyFramer::ReadsbTrace(f) => state(f.next_item()),
            AnyFramer::ReadsbAircraft(f) => state(f.next_item()),
            AnyFramer::TrajectoryCsv(f) => state(f.next_item()),
        }
    }

    fn finish(&mut self) {
        match self {
            AnyFramer::Beast(f) => f.finish(),
            AnyFramer::Hex(f) => f.finish(),
            AnyFramer::Avr(f) => f.finish(),
            AnyFramer::Sbs(f) => f.finish(),
            AnyFramer::ReadsbTrace(f) => f.finish(),
            AnyFramer::ReadsbAircraft(f) => f.finish(),
            AnyFramer::TrajectoryCsv(f) => f.finish(),
        }
    }
}

/// Run `framer` over `input` in one push and collect everything it yields (tests, small inputs).
pub fn frame_all<F: Framer>(mut framer: F, input: &[u8]) -> Vec<Result<F::Item, FrameError>> {
    let mut out = Vec::new();
    framer.push(input);
    out.extend(core::iter::from_fn(|| framer.next_item()));
    framer.finish();
    out.extend(core::iter::from_fn(|| framer.next_item()));
    out
}
