//! Live sources over TCP (cargo feature `net`): receivers' ports read as clients, and a Beast
//! listener for receivers that push — the only part of `vigia-feed` that does I/O on sockets.
//!
//! Everything here is glue between a socket and the sans-I/O framers of [`crate::framer`]:
//!
//! | file | owns |
//! |---|---|
//! | `spec.rs` | what a source is: `beast://host:30005`, `avr://…`, `sbs://…`, an id, a position |
//! | `client.rs` | one connecting source: connect, read, frame, reconnect with backoff, notice stalls |
//! | `listener.rs` | a Beast (or AVR/SBS) listener: receivers connect to us and push |
//! | `backoff.rs` | exponential backoff with jitter |
//! | `queue.rs` | the bounded queue to the pipeline: drops the oldest item when full, with a count |
//! | `counters.rs` | per-source counters (bytes, records, malformed, reconnects, stalls, drops) |
//! | `log.rs` | what happens to a source's connections, told as it happens (the service prints it) |
//!
//! Every record that leaves a source is an [`Arrival`]: stamped with the system clock when its
//! bytes were read (Beast and AVR carry only a receiver's 12 MHz counter; SBS times are the
//! receiver's local clock), so that records merged from several sources share one clock. No
//! socket task ever blocks on the pipeline: [`FrameQueue::push_batch`] takes a short lock and,
//! when the queue is full, evicts the oldest records rather than waiting.
//!
//! It does not decode Mode S, de-duplicate or track (that is the pipeline's job downstream).

mod backoff;
mod client;
mod counters;
mod listener;
mod log;
mod queue;
mod spec;

pub use backoff::Backoff;
pub use client::{run_client, ClientSettings, Routes};
pub use counters::{CountersSnapshot, SourceCounters};
pub use listener::run_listener;
pub use log::{SourceEvent, SourceLog};
pub use queue::FrameQueue;
pub use spec::{ParseSourceError, SourceSpec};

use crate::Record;
use vigia_modes::Message;

/// One record as it left a source: which source, when it arrived, what it was.
#[derive(Debug, Clone, PartialEq)]
pub struct Arrival {
    /// Index of the source in the caller's list.
    pub source: u16,
    /// Arrival time: system clock, seconds since the Unix epoch.
    pub received: f64,
    /// The record, its `ts` set to `received`.
    pub record: Record,
    /// Its sequence number in its partition of the frame bus (`vigia worker`); 0 for a record
    /// read from a receiver.
    pub seq: u64,
    /// A frame's `vigia_modes::decode`, made by the source's task (`Some(None)`: it does not
    /// decode): decoding is done where the frames arrive, on the I/O threads, not by the one
    /// thread that tracks them. `None`: not made (a report, or a caller that left it).
    pub decoded: Option<Option<Message>>,
}

/// The system clock, seconds since the Unix epoch (0 if the clock is before 1970).
pub fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// Stamp `record` with `received` (see the module docs: live time is arrival time).
pub(crate) fn stamped(source: u16, received: f64, mut record: Record) -> Arrival {
    match &mut record {
        Record::Frame(frame) => frame.ts = Some(received),
        Record::State(state) => state.ts = Some(received),
    }
    let decoded = match &record {
        Record::Frame(frame) => Some(vigia_modes::decode(frame.message()).ok()),
        Record::State(_) => None,
    };
    Arrival {
        seq: 0,
        source,
        received,
        record,
        decoded,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::RawFrame;

    #[test]
    fn a_frame_arrives_stamped_and_decoded_a_report_only_stamped() {
        let message = [
            0x8d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0, 0x57, 0x60, 0x98,
        ];
        let frame = RawFrame::from_message(&message).unwrap();
        let arrival = stamped(3, 12.5, Record::Frame(frame));
        assert_eq!(arrival.record.ts(), Some(12.5));
        assert_eq!(arrival.decoded, Some(vigia_modes::decode(&message).ok()));
        assert!(matches!(arrival.decoded, Some(Some(_))));
        // Noise that does not decode: decoded all the same (as not decoding).
        let noise = RawFrame::from_message(&[0x8d, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]).unwrap();
        assert_eq!(stamped(0, 1.0, Record::Frame(noise)).decoded, Some(None));
        let state = vigia_modes::StateVector::new(vigia_modes::IcaoAddress::new(0x4840d6));
        let report = stamped(0, 2.0, Record::State(Box::new(state)));
        assert_eq!((report.record.ts(), report.decoded), (Some(2.0), None));
    }
}
