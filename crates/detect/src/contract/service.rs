//! The events the service makes itself rather than a detector: a flood of folded events, and a
//! jump in rejected positions (`vigia-server`'s `service::flood`).

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
