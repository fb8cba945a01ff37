//! `GET /api/stream`: Server-Sent Events of live aircraft updates and committed events.
//!
//! Owns the SSE response; the messages are those the pipeline and writer broadcast
//! (`service::stream::StreamMessage`). A subscriber first gets the whole live snapshot (`aircraft`), then, as they
//! happen: `aircraft` (aircraft changed in the last second, and `removed` addresses) and
//! `event` (an event, after its commit, with its id). A subscriber too slow to keep up skips
//! what it missed and is told so (`lagged` with the count). Streams end on shutdown.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream};
use tokio::sync::broadcast::error::RecvError;

use super::AppState;

/// The SSE handler.
pub async fn stream(
    State(state): State<AppState>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = state.stream.subscribe();
    // The snapshot's JSON is shared by every subscriber that starts on it.
    let first = Event::default().event("aircraft").data(&*state.live.json());
    let shutdown = state.shutdown.clone();
    let live = stream::unfold((rx, shutdown), |(mut rx, mut shutdown)| async move {
        if *shutdown.borrow() {
            return None;
        }
        let message = tokio::select! {
            m = rx.recv() => m,
            _ = shutdown.changed() => return None,
        };
        let event = match message {
            Ok(m) => Event::default().event(m.event).data(&*m.data),
            Err(RecvError::Lagged(n)) => Event::default()
                .event("lagged")
                .data(format!("{{\"missed\":{n}}}")),
            Err(RecvError::Closed) => return None,
        };
        Some((Ok(event), (rx, shutdown)))
    });
    let all = futures_util::StreamExt::chain(stream::once(async move { Ok(first) }), live);
    Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
