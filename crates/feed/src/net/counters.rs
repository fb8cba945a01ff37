//! Per-source counters, shared between a source's task and whoever reports them (`/metrics`).
//!
//! Owns plain atomics and a snapshot type. Everything a source does is counted here, so that
//! every byte and record is accounted for: read, framed, rejected as malformed, or evicted from
//! a full queue.

use std::sync::atomic::{AtomicU64, Ordering};

/// Counters of one source. All are totals since start except `connected` and `last_data_ms`.
#[derive(Debug, Default)]
pub struct SourceCounters {
    bytes: AtomicU64,
    records: AtomicU64,
    malformed: AtomicU64,
    connects: AtomicU64,
    connect_failures: AtomicU64,
    disconnects: AtomicU64,
    stalls: AtomicU64,
    dropped: AtomicU64,
    connected: AtomicU64,
    last_data_ms: AtomicU64,
}

/// A copy of [`SourceCounters`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CountersSnapshot {
    /// Bytes read from the socket(s).
    pub bytes: u64,
    /// Records framed (frames or SBS reports).
    pub records: u64,
    /// Malformed pieces the framer skipped (each resynchronised).
    pub malformed: u64,
    /// Connections established (for a listener: connections accepted).
    pub connects: u64,
    /// Connection attempts that failed.
    pub connect_failures: u64,
    /// Connections lost or closed by the peer.
    pub disconnects: u64,
    /// Connections dropped because no data came for the stall timeout.
    pub stalls: u64,
    /// Records of this source evicted from the full pipeline queue.
    pub dropped: u64,
    /// Connections open now.
    pub connected: u64,
    /// When data last arrived, milliseconds since the Unix epoch (0: never).
    pub last_data_ms: u64,
}

impl SourceCounters {
    /// All zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// A consistent-enough copy (each counter read once).
    pub fn snapshot(&self) -> CountersSnapshot {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CountersSnapshot {
            bytes: get(&self.bytes),
            records: get(&self.records),
            malformed: get(&self.malformed),
            connects: get(&self.connects),
            connect_failures: get(&self.connect_failures),
            disconnects: get(&self.disconnects),
            stalls: get(&self.stalls),
            dropped: get(&self.dropped),
            connected: get(&self.connected),
            last_data_ms: get(&self.last_data_ms),
        }
    }

    pub(crate) fn add_bytes(&self, n: usize, now: f64) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
        self.last_data_ms
            .store((now * 1000.0) as u64, Ordering::Relaxed);
    }

    pub(crate) fn add_records(&self, n: u64) {
        self.records.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn add_malformed(&self, n: u64) {
        self.malformed.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn connected(&self) {
        self.connects.fetch_add(1, Ordering::Relaxed);
        self.connected.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn connect_failed(&self) {
        self.connect_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn disconnected(&self, stalled: bool) {
        self.disconnects.fetch_add(1, Ordering::Relaxed);
        self.connected.fetch_sub(1, Ordering::Relaxed);
        if stalled {
            self.stalls.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Count `n` of this source's records evicted from a full queue.
    pub fn add_dropped(&self, n: u64) {
        self.dropped.fetch_add(n, Ordering::Relaxed);
    }
}
