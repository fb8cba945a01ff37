//! A listening source: receivers connect to vigia and push (readsb's
//! `--net-connector HOST,PORT,beast_out`). Any number of pushing connections share one source
//! id and its counters; each gets its own framer and stall timeout.
//!
//! Owns accepting only; reading is `client::read_stream`, the same loop as connecting sources.

use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

use super::client::{read_stream, Ended, Routes};
use super::log::tell;
use super::{FrameQueue, SourceCounters, SourceEvent, SourceLog};
use crate::Format;

/// Accept connections on `listener` until `shutdown` turns true; frame each as `format` and
/// push its records to `queue` as source `source` — or, with `routes`, as the receiver whose
/// id the connection announces in band. A connection silent for `stall_timeout` is closed
/// (the pusher reconnects). Connections accepted and ended are told to `log`.
#[allow(clippy::too_many_arguments)]
pub async fn run_listener(
    listener: TcpListener,
    source: u16,
    format: Format,
    stall_timeout: Duration,
    queue: Arc<FrameQueue>,
    counters: Arc<SourceCounters>,
    mut shutdown: watch::Receiver<bool>,
    routes: Option<Arc<Routes>>,
    log: Option<SourceLog>,
) {
    let mut tasks = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = shutdown.changed() => break,
        };
        // Errors from accept (a reset before accept, too many files) concern one peer: go on,
        // after a breath so that a persistent error does not spin.
        let Ok((stream, peer)) = accepted else {
            counters.connect_failed();
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        counters.connected();
        let peer = peer.to_string();
        tell(
            log.as_ref(),
            source,
            SourceEvent::Connected { peer: peer.clone() },
        );
        let (queue, counters, mut shutdown, routes, log) = (
            queue.clone(),
            counters.clone(),
            shutdown.clone(),
            routes.clone(),
            log.clone(),
        );
        tasks.spawn(async move {
            let (ended, any) = read_stream(
                stream,
                format,
                source,
                &queue,
                &counters,
                stall_timeout,
                &mut shutdown,
                routes.as_deref(),
            )
            .await;
            counters.disconnected(ended == Ended::Stalled);
            if ended != Ended::Shutdown {
                let event = SourceEvent::Ended {
                    peer,
                    stalled: ended == Ended::Stalled,
                    records: any,
                    retry_in: None,
                };
                tell(log.as_ref(), source, event);
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    tasks.shutdown().await;
}
