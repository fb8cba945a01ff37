//! One connecting source: connect to a receiver's port, frame what it sends, push it to the
//! queue; on error, end of stream or a stall, reconnect after a backoff delay.
//!
//! Owns the connection life cycle and the read loop shared with the listener. A *stall* is a
//! connection that stays open but delivers nothing for `stall_timeout` (a wedged receiver, a
//! half-open TCP connection after a network change): it is counted and the connection is
//! replaced. A fresh framer per connection means a frame cut by a disconnect is never glued to
//! bytes of the next connection.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::log::tell;
use super::{
    stamped, unix_now, Arrival, Backoff, FrameQueue, SourceCounters, SourceEvent, SourceLog,
    SourceSpec,
};
use crate::framer::{AnyFramer, Framer};
use crate::{Directory, Format};

/// Timing of a connecting source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClientSettings {
    /// Give up a connection attempt after this long.
    pub connect_timeout: Duration,
    /// Replace a connection that delivered nothing for this long.
    pub stall_timeout: Duration,
    /// First reconnection delay (doubles up to `backoff_max`, with jitter).
    pub backoff_initial: Duration,
    /// Longest reconnection delay.
    pub backoff_max: Duration,
}

impl Default for ClientSettings {
    /// 5 s to connect, 90 s without data is a stall (dump1090 sends a heartbeat every 60 s on
    /// a quiet Beast port), reconnect after 0.5 s doubling to 30 s.
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(5),
            stall_timeout: Duration::from_secs(90),
            backoff_initial: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// How a connection's read loop ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ended {
    /// The peer closed the connection, or reading failed.
    Closed,
    /// Nothing arrived for the stall timeout.
    Stalled,
    /// Shutdown was asked for.
    Shutdown,
}

/// Receivers that push through one listener, told apart by the id each announces in band
/// (Beast `0xe3`/`0xe4`): their frames leave as their own source, counted on its counters.
#[derive(Debug, Default)]
pub struct Routes {
    /// Which receiver (= source index) an announced id names.
    pub directory: Directory,
    /// Counters by source index.
    pub counters: Vec<Arc<SourceCounters>>,
}

/// Read `stream` until it ends, framing `format` and pushing stamped records to `queue` as
/// source `source` (or, with `routes`, as the receiver each frame's in-band id names).
/// Returns how it ended and whether any record was read.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn read_stream(
    mut stream: TcpStream,
    format: Format,
    source: u16,
    queue: &FrameQueue,
    counters: &SourceCounters,
    stall_timeout: Duration,
    shutdown: &mut watch::Receiver<bool>,
    routes: Option<&Routes>,
) -> (Ended, bool) {
    // The receivers this connection has spoken for (one for a pushing receiver; several for
    // an aggregator's combined stream), each counted as connected while it lasts.
    let mut announced: Vec<u16> = Vec::new();
    let counters_of = |to: u16| routes.and_then(|r| r.counters.get(usize::from(to)));
    // Source specs admit only stream formats (beast, avr, sbs).
    let Some(mut framer) = AnyFramer::new(format) else {
        return (Ended::Closed, false);
    };
    let mut buf = vec![0u8; 64 * 1024];
    let mut batch: Vec<Arrival> = Vec::with_capacity(1024);
    let mut any = false;
    let ended = loop {
        let read = tokio::select! {
            read = tokio::time::timeout(stall_timeout, stream.read(&mut buf)) => read,
            _ = shutdown.changed() => break Ended::Shutdown,
        };
        let n = match read {
            Err(_) => break Ended::Stalled,
            Ok(Err(_)) | Ok(Ok(0)) => break Ended::Closed,
            Ok(Ok(n)) => n,
        };
        let now = unix_now();
        counters.add_bytes(n, now);
        framer.push(&buf[..n]);
        let mut malformed = 0;
        while let Some(item) = framer.next_item() {
            match item {
                Ok(record) => {
                    let to = match (routes, framer.receiver()) {
                        (Some(routes), Some(tag)) => routes.directory.find(tag),
                        _ => None,
                    }
                    .filter(|to| counters_of(*to).is_some());
                    if let Some(to) = to.filter(|to| !announced.contains(to)) {
                        if announced.len() < 256 {
                            announced.push(to);
                            if let Some(c) = counters_of(to) {
                                c.connected();
                            }
                        }
                    }
                    batch.push(stamped(to.unwrap_or(source), now, record));
                }
                Err(_) => malformed += 1,
            }
        }
        if malformed > 0 {
            counters.add_malformed(malformed);
        }
        if !batch.is_empty() {
            any = true;
            // Each record counted on the source it leaves as.
            let own = batch.iter().filter(|a| a.source == source).count();
            counters.add_records(own as u64);
            for a in batch.iter().filter(|a| a.source != source) {
                if let Some(c) = counters_of(a.source) {
                    c.add_bytes(0, now);
                    c.add_records(1);
                }
            }
            queue.push_batch(&mut batch);
        }
    };
    for to in announced {
        if let Some(c) = counters_of(to) {
            c.disconnected(ended == Ended::Stalled);
        }
    }
    (ended, any)
}

/// Run one connecting source until `shutdown` turns true: connect to `spec.address`, read,
/// and reconnect with backoff whenever the connection fails, ends or stalls; each of these is
/// told to `log`.
pub async fn run_client(
    source: u16,
    spec: SourceSpec,
    settings: ClientSettings,
    queue: Arc<FrameQueue>,
    counters: Arc<SourceCounters>,
    mut shutdown: watch::Receiver<bool>,
    log: Option<SourceLog>,
) {
    let log = log.as_ref();
    let seed = (unix_now().to_bits()) ^ u64::from(source).wrapping_mul(0x5851_f42d);
    let mut backoff = Backoff::new(settings.backoff_initial, settings.backoff_max, seed);
    let mut failures = 0u32;
    while !*shutdown.borrow() {
        let attempt = tokio::time::timeout(
            settings.connect_timeout,
            TcpStream::connect(spec.address.as_str()),
        );
        let connected = tokio::select! {
            c = attempt => c,
            _ = shutdown.changed() => return,
        };
        let event = match connected {
            Ok(Ok(stream)) => {
                // Small frames, latency matters more than packets.
                let _ = stream.set_nodelay(true);
                failures = 0;
                let peer = stream
                    .peer_addr()
                    .map_or_else(|_| spec.address.clone(), |a| a.to_string());
                counters.connected();
                tell(log, source, SourceEvent::Connected { peer: peer.clone() });
                let (ended, any) = read_stream(
                    stream,
                    spec.format,
                    source,
                    &queue,
                    &counters,
                    settings.stall_timeout,
                    &mut shutdown,
                    None,
                )
                .await;
                counters.disconnected(ended == Ended::Stalled);
                if ended == Ended::Shutdown {
                    return;
                }
                if any {
                    backoff.reset();
                }
                SourceEvent::Ended {
                    peer,
                    stalled: ended == Ended::Stalled,
                    records: any,
                    retry_in: None,
                }
            }
            failed => {
                counters.connect_failed();
                failures = failures.saturating_add(1);
                let error = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => format!(
                        "no answer within {} s",
                        settings.connect_timeout.as_secs_f64()
                    ),
                };
                SourceEvent::ConnectFailed {
                    error,
                    attempt: failures,
                    retry_in: Duration::ZERO,
                }
            }
        };
        let delay = backoff.next_delay();
        let event = match event {
            SourceEvent::Ended {
                peer,
                stalled,
                records,
                ..
            } => SourceEvent::Ended {
                peer,
                stalled,
                records,
                retry_in: Some(delay),
            },
            SourceEvent::ConnectFailed { error, attempt, .. } => SourceEvent::ConnectFailed {
                error,
                attempt,
                retry_in: delay,
            },
            other => other,
        };
        tell(log, source, event);
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.changed() => return,
        }
    }
}
