//! What the tracker emits: one stream of [`TrackEvent`]s, in the order things became known.
//!
//! Owns only the envelope. For one aircraft, events come in time order: a flight's
//! `FlightEnded` follows its last position and precedes the next flight's first. Across
//! aircraft the order is the order of processing (time order within the reordering window
//! for a merged live stream; file order for archives grouped by aircraft).

use crate::flight::{Flight, FlightId};
use crate::position::{RejectedPosition, TrustedPosition};
use vigia_modes::IcaoAddress;

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
    /// A flight has had no trusted position for `quiet_after_s`: reported once per gap, with
    /// what was still heard from the aircraft.
    Quiet(Quiet),
}

/// A flight gone quiet: no trusted position since `since`, as of `now`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Quiet {
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Its flight in progress.
    pub flight_id: FlightId,
    /// Time of its latest trusted position, seconds.
    pub since: f64,
    /// The stream's time when the gap was noticed, seconds.
    pub now: f64,
    /// Airborne position frames (ADS-B) heard since `since` that made no trusted position.
    pub position_frames: u32,
    /// Other frames heard from the address more than 2 s after its latest position frame:
    /// Mode S replies, all-call replies, ADS-B identification, velocity and status squitters
    /// that kept coming when the positions stopped.
    pub other_frames: u32,
    /// Latest time any frame of the address was heard, seconds.
    pub last_heard: f64,
}
