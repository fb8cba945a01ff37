//! vigia-feed: frames in.
//!
//! Turns receiver and archive bytes into [`Record`]s — raw Mode S frames ([`RawFrame`]) or
//! decoded reports ([`StateVector`]) — and says precisely what it rejected and where.
//!
//! - `framer/`: one sans-I/O [`Framer`](framer::Framer) per format (Beast binary, hex lines, AVR,
//!   SBS, trajectory CSV, readsb trace and aircraft JSON). Bytes in, items out; the output does
//!   not depend on how the input was split.
//! - `reader.rs`: [`open`] / [`RecordReader`] wrap a file or stdin, decompress gzip/zstd, detect
//!   the format ([`detect_format`]), stream in fixed-size chunks and keep [`Stats`].
//! - `inputs.rs`: [`Inputs`], the read loop of the batch commands: several paths as one stream
//!   of records, each with where it was read ([`vigia_modes::SourceRef`]).
//! - `columns.rs`: the trajectory column conventions (traffic-style, OpenSky) shared by the CSV
//!   framer and `parquet/`, which reads Parquet trajectories row group by row group and
//!   writes vigia's points as Parquet ([`TrajectoryWriter`]).
//!
//! - `net/` (cargo feature `net`): live TCP sources — clients of a receiver's Beast, AVR and SBS
//!   ports, a Beast listener, reconnection, stall detection, the bounded queue to the pipeline.
//!
//! It does not decode Mode S content (`vigia-modes` does) or keep per-aircraft state
//! (`vigia-track`); without the `net` feature it opens no socket.
//!
//! ```
//! use vigia_feed::{Record, RecordReader};
//! // rs1090's long_flight.csv style: receive time, then a whole Beast frame as hex
//! let input: &[u8] = b"1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570\n";
//! for item in RecordReader::new("-", input, None).unwrap() {
//!     match item {
//!         Ok(Record::Frame(frame)) => {
//!             assert_eq!(frame.ts, Some(1698140962.171425));
//!             assert_eq!(frame.message()[0] >> 3, 18); // DF18 (decoding is vigia-modes' job)
//!         }
//!         Ok(Record::State(_)) => unreachable!("hex lines carry frames"),
//!         Err(error) => eprintln!("{error}"), // e.g. "-: line 7: not a hex digit"; reading goes on
//!     }
//! }
//! ```
#![deny(missing_docs)]

pub mod bus;
mod columns;
mod error;
mod format;
pub mod framer;
mod inputs;
mod lines;
#[cfg(feature = "net")]
pub mod net;
pub mod network;
mod parallel;
mod parquet;
mod reader;
pub mod receivers;
mod text;
mod time;
pub use time::iso8601 as parse_iso8601;

pub use error::{ErrorKind, FrameError, Location};
pub use format::{detect_format, Format, ParseFormatError};
pub use inputs::{Clocks as ReceiverClocks, DroppedCounts, InputItem, Inputs, OrderingStats};
pub use network::{NetworkInputs, NetworkStats};
pub use parquet::{quiet_decoder_panics, TrajectoryPoint, TrajectoryWriter};
pub use reader::{open, open_text, FeedError, RecordReader, Stats};
pub use receivers::{ClockName, Directory, Receiver, Receivers, ReceiversError};
// The record types live beside the wire format so that the core takes them without this crate.
pub use vigia_modes::{RawFrame, Record, StateVector};
