//! What the pipeline and the writer broadcast to live subscribers: [`StreamMessage`].
//!
//! Owns the message only; the SSE response that carries it to browsers is `http::stream`'s.
//! Messages are `aircraft` (aircraft that changed in the last snapshot, and `removed`
//! addresses) and `event` (an event after its commit, with its id).

use std::sync::Arc;

/// One message for stream subscribers: an SSE event name and its JSON data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamMessage {
    /// `aircraft` or `event`.
    pub event: &'static str,
    /// JSON text.
    pub data: Arc<str>,
}

impl StreamMessage {
    /// A message.
    pub fn new(event: &'static str, data: String) -> Self {
        Self {
            event,
            data: data.into(),
        }
    }
}
