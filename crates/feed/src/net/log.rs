//! What happens to a source's connections, told as it happens: connected, a connection attempt
//! failed (and when the next one comes), a connection closed or stalled. The service prints
//! these on standard error, so that a dead receiver is never silent.

use std::sync::Arc;
use std::time::Duration;

/// One thing that happened to a source's connection.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceEvent {
    /// A connection was made (connecting source) or accepted (listener) with `peer`.
    Connected {
        /// The other end, `host:port`.
        peer: String,
    },
    /// A connection attempt failed; another comes after `retry_in`.
    ConnectFailed {
        /// Why, as the system said it (or "timed out").
        error: String,
        /// Consecutive failed attempts, this one included.
        attempt: u32,
        /// Delay before the next attempt.
        retry_in: Duration,
    },
    /// A connection ended.
    Ended {
        /// The other end, `host:port`.
        peer: String,
        /// Nothing arrived for the stall timeout (else the peer closed it or reading failed).
        stalled: bool,
        /// Whether it delivered any record.
        records: bool,
        /// Delay before reconnecting (connecting sources; `None` for a listener's connection,
        /// whose pusher reconnects by itself).
        retry_in: Option<Duration>,
    },
}

/// Told each [`SourceEvent`] with the source's index.
pub type SourceLog = Arc<dyn Fn(u16, &SourceEvent) + Send + Sync>;

/// Tell `log`, if any.
pub(crate) fn tell(log: Option<&SourceLog>, source: u16, event: SourceEvent) {
    if let Some(log) = log {
        log(source, &event);
    }
}
