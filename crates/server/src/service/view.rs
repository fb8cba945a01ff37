//! A committed event as the service shows it — the event contract
//! ([`vigia_detect::contract::EventRecord`]) with the store's keys beside it: its id, when it
//! was committed and acknowledged, and whether it alerted. The API, the event stream and the
//! alerts serialise this one type; the web map reads it.

use serde::Serialize;
use vigia_detect::EventRecord;
use vigia_store::StoredEvent;

/// An event with its store keys; absent keys are not serialised.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventView<'a> {
    /// The store's id (increasing with commit order).
    pub id: i64,
    /// When it was committed, seconds (system clock).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub committed_at: Option<f64>,
    /// When it was acknowledged through the API, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acknowledged_at: Option<f64>,
    /// Whether a rule alerted on it (stream messages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerted: Option<bool>,
    /// The event itself.
    #[serde(flatten)]
    pub event: &'a EventRecord,
}

impl<'a> EventView<'a> {
    /// A just-committed event.
    pub fn committed(id: i64, event: &'a EventRecord) -> Self {
        Self {
            id,
            committed_at: None,
            acknowledged_at: None,
            alerted: None,
            event,
        }
    }

    /// An event read back from the store.
    pub fn stored(e: &'a StoredEvent) -> Self {
        Self {
            id: e.id,
            committed_at: Some(e.committed_at),
            acknowledged_at: e.acknowledged_at,
            alerted: None,
            event: &e.document,
        }
    }

    /// As JSON text.
    pub fn to_json(&self) -> String {
        // Plain structs with string keys: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
