//! The events the service makes itself rather than a detector: a flood of folded events, a
//! jump in rejected positions (`vigia-server`'s `service::flood`), and an aircraft heard through
//! Mode S replies that nobody can place (`service::receivers`).

use serde::{Deserialize, Serialize};

/// Events folded into one: the flood's span, counts, and a sample of the addresses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FloodRecord {
    /// First folded event, seconds.
    pub start: f64,
    /// Last folded event, seconds.
    pub end: f64,
    /// Events folded.
    pub events: u64,
    /// Events folded, by type.
    pub by_type: std::collections::BTreeMap<String, u64>,
    /// Events folded, by zone.
    pub by_zone: std::collections::BTreeMap<String, u64>,
    /// Distinct aircraft addresses among them (counted up to 100 000).
    pub addresses: u64,
    /// Some of those addresses (at most 20), to look them up.
    pub sample: Vec<String>,
    /// Why they were folded.
    pub reason: String,
}

/// A jump in the rate of rejected positions.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpoofingRecord {
    /// Start of the minute the jump was seen in, seconds.
    pub start: f64,
    /// Its end, seconds.
    pub end: f64,
    /// The receivers whose records the positions came from.
    pub sources: Vec<String>,
    /// Positions rejected in that minute.
    pub rejected: u64,
    /// Positions trusted in that minute.
    pub trusted: u64,
    /// Rejected positions per minute before the jump (moving average).
    pub baseline_per_min: f64,
    /// Distinct addresses among the rejected positions (counted up to 100 000).
    pub addresses: u64,
    /// The reasons, most frequent first, with counts.
    pub reasons: Vec<(String, u64)>,
}

/// An aircraft heard only through Mode S replies (altitude, identity, all-call, Comm-B) for a
/// while, with no position from anyone: present within the reach of the receivers that hear it
/// (a few hundred kilometres around each), not placed. Its callsign, when a Comm-B
/// identification reply gave one, is the event's.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeardRecord {
    /// First heard, seconds.
    pub first_heard: f64,
    /// Last heard when the event was made, seconds.
    pub last_heard: f64,
    /// Replies heard so far.
    pub replies: u64,
    /// State of registration (address block).
    pub country: Option<String>,
    /// In a military address block.
    pub military: bool,
    /// Latest altitude replied, feet.
    pub altitude_ft: Option<i32>,
    /// Latest Mode A code.
    pub squawk: Option<String>,
    /// The receivers that heard it (ids), each with its position when known.
    pub receivers: Vec<HeardReceiver>,
    /// The first replies heard, as evidence.
    pub frames: Vec<HeardFrame>,
}

/// A receiver that heard an aircraft without a position.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeardReceiver {
    /// Its id.
    pub id: String,
    /// Where it is, `[lat, lon]`, when known.
    pub position: Option<[f64; 2]>,
}

/// One reply heard, as evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HeardFrame {
    /// Receive time, seconds.
    pub ts: f64,
    /// The frame's bytes as lowercase hex.
    pub hex: String,
    /// The receiver that heard it.
    pub receiver: String,
}
