//! What the tracker emits: one stream of [`TrackEvent`]s, in the order things became known.
//!
//! Owns only the envelope. For one aircraft, events come in time order: a flight's
//! `FlightEnded` follows its last position and precedes the next flight's first. Across
//! aircraft the order is the order of processing (time order within the reordering window
//! for a merged live stream; file order for archives grouped by aircraft).

use crate::flight::Flight;
use crate::position::{RejectedPosition, TrustedPosition};

/// One output of the tracker.
#[derive(Clone, PartialEq, Debug)]
#[non_exhaustive]
pub enum TrackEvent {
    /// A position that passed validation.
    Position(TrustedPosition),
    /// A position that did not, with its reason and evidence.
    Rejected(RejectedPosition),
    /// A flight ended (gap, landing and new take-off, expiry, end of input).
    FlightEnded(Flight),
}
