//! `vigia gateway`: the receivers' side of the frame bus.
//!
//! Owns taking frames from the configured sources (clients and listeners, exactly as
//! `vigia run` has them), timing each one once (the receiver's counter anchored to the wall
//! clock, as the service's pipeline does, made non-decreasing), choosing its partition by
//! aircraft address and publishing it to JetStream — acknowledged, retried until stored (a
//! frame stored twice by a retry is dropped by the worker: it is older than what the worker
//! has seen). Records that are not Mode S frames (SBS/JSON state reports) are
//! not carried: they are counted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use vigia_feed::net::{Arrival, FrameQueue, SourceCounters};
use vigia_feed::Record;

use super::{connect, stream, BusError, BusSettings};
use crate::config::{Checked, Config};
use crate::run::{bind_pushed, start_sources, ServiceError};
use crate::service::clock::SourceClocks;

/// Frames published per round of acknowledgements.
const BATCH: usize = 4096;

/// What a gateway did.
#[derive(Debug, Default)]
pub struct GatewayStats {
    /// Frames taken from the receivers.
    pub frames: AtomicU64,
    /// Frames stored by JetStream.
    pub published: AtomicU64,
    /// Publishes tried again (no acknowledgement, bus away).
    pub retried: AtomicU64,
    /// Records that are not frames (state reports), not carried.
    pub not_frames: AtomicU64,
    /// Frames given up at shutdown while the bus was away.
    pub given_up: AtomicU64,
    /// Frames dropped by the queue in front of the bus (the bus away, or slower than the
    /// receivers), as of the last report.
    pub dropped: AtomicU64,
}

/// A configured gateway, ready to [`run`](Gateway::run).
pub struct Gateway {
    checked: Checked,
    settings: BusSettings,
    pushed: Vec<(usize, std::net::TcpListener)>,
    counters: Vec<Arc<SourceCounters>>,
    queue: Arc<FrameQueue>,
    stats: Arc<GatewayStats>,
}

impl Gateway {
    /// Check `config` (its sources are the receivers) and bind the ports receivers push to.
    pub fn new(config: Config, settings: BusSettings) -> Result<Self, ServiceError> {
        let checked = config.check().map_err(ServiceError::Config)?;
        for w in checked.warnings() {
            eprintln!("vigia: warning: {w}");
        }
        let pushed = bind_pushed(&checked)?;
        let counters: Vec<Arc<SourceCounters>> = checked
            .sources
            .iter()
            .map(|_| Arc::new(SourceCounters::new()))
            .collect();
        let queue = Arc::new(FrameQueue::new(
            checked.config.pipeline.queue_capacity,
            counters.clone(),
        ));
        Ok(Self {
            checked,
            settings,
            pushed,
            counters,
            queue,
            stats: Arc::default(),
        })
    }

    /// The addresses receivers push to (port 0 resolved), by source id.
    pub fn push_addresses(&self) -> Vec<(String, std::net::SocketAddr)> {
        self.pushed
            .iter()
            .filter_map(|(i, l)| {
                Some((
                    self.checked.sources.get(*i)?.spec.id.clone(),
                    l.local_addr().ok()?,
                ))
            })
            .collect()
    }

    /// Its counters (live).
    pub fn stats(&self) -> Arc<GatewayStats> {
        self.stats.clone()
    }

    /// Run until `shutdown` completes: connect to NATS (making the stream if needed), start
    /// the sources, publish. Then stop the sources and publish what they gave.
    ///
    /// Must run inside a multi-threaded tokio runtime.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServiceError> {
        let bus = |e: BusError| ServiceError::Bus(e.to_string());
        let client = connect(&self.settings.url, Duration::from_secs(30))
            .await
            .map_err(bus)?;
        let js = async_nats::jetstream::new(client);
        stream(&js, &self.settings, true).await.map_err(bus)?;
        let (stop, stopped) = tokio::sync::watch::channel(false);
        start_sources(
            &self.checked,
            self.pushed,
            &self.queue,
            &self.counters,
            &stopped,
        )?;
        let ids: Vec<String> = self
            .checked
            .sources
            .iter()
            .map(|s| s.spec.id.clone())
            .collect();
        let publisher = Publisher {
            js,
            settings: self.settings.clone(),
            ids,
            stats: self.stats.clone(),
            clocks: SourceClocks::default(),
            last_ts: f64::NEG_INFINITY,
            stopping: stopped.clone(),
        };
        let queue = self.queue.clone();
        let runtime = tokio::runtime::Handle::current();
        let thread = std::thread::Builder::new()
            .name("vigia-gateway".into())
            .spawn(move || runtime.block_on(publisher.run(&queue)))
            .map_err(ServiceError::Thread)?;
        let report = {
            let stats = self.stats.clone();
            let queue = self.queue.clone();
            let mut stopped = stopped.clone();
            tokio::spawn(async move {
                let mut last = (Instant::now(), 0u64);
                loop {
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(60)) => {}
                        _ = stopped.wait_for(|s| *s) => break,
                    }
                    let published = stats.published.load(Ordering::Relaxed);
                    stats.dropped.store(queue.dropped(), Ordering::Relaxed);
                    let rate = (published - last.1) as f64 / last.0.elapsed().as_secs_f64();
                    last = (Instant::now(), published);
                    eprintln!(
                        "vigia gateway: {published} frames published ({rate:.0}/s), {} dropped, {} retried",
                        queue.dropped(),
                        stats.retried.load(Ordering::Relaxed)
                    );
                }
            })
        };
        shutdown.await;
        let _ = stop.send(true);
        // The sources stop within a poll; then the publisher drains the queue.
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.queue.close();
        let _ = tokio::task::spawn_blocking(move || thread.join()).await;
        report.abort();
        self.stats
            .dropped
            .store(self.queue.dropped(), Ordering::Relaxed);
        Ok(())
    }
}

struct Publisher {
    js: async_nats::jetstream::Context,
    settings: BusSettings,
    ids: Vec<String>,
    stats: Arc<GatewayStats>,
    clocks: SourceClocks,
    last_ts: f64,
    stopping: tokio::sync::watch::Receiver<bool>,
}

/// One frame ready to publish.
struct Outgoing {
    subject: async_nats::Subject,
    payload: Bytes,
}

impl Publisher {
    async fn run(mut self, queue: &FrameQueue) {
        let subjects: Vec<async_nats::Subject> = (0..self.settings.partitions)
            .map(|p| self.settings.subject_of(p).into())
            .collect();
        let mut arrivals: Vec<Arrival> = Vec::with_capacity(BATCH);
        let mut buffer = Vec::with_capacity(64);
        loop {
            // This thread is the publisher's own: waiting here holds no runtime worker.
            let open = queue.pop_batch(&mut arrivals, BATCH, Duration::from_millis(20));
            let mut out = Vec::with_capacity(arrivals.len());
            for arrival in arrivals.drain(..) {
                self.stats.frames.fetch_add(1, Ordering::Relaxed);
                let Record::Frame(mut frame) = arrival.record else {
                    self.stats.not_frames.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                // Timed once, here: every worker (and its successor) sees the same times.
                let own = self.clocks.time(arrival.source, &frame, arrival.received);
                let ts = own.max(self.last_ts);
                self.last_ts = ts;
                frame.ts = Some(ts);
                let partition =
                    vigia_feed::bus::partition_of(frame.message(), self.settings.partitions);
                let receiver = self
                    .ids
                    .get(usize::from(arrival.source))
                    .map_or("", String::as_str);
                buffer.clear();
                vigia_feed::bus::encode(receiver, arrival.received, &frame, &mut buffer);
                out.push(Outgoing {
                    subject: subjects[partition as usize].clone(),
                    payload: Bytes::copy_from_slice(&buffer),
                });
            }
            self.publish(out).await;
            if !open {
                break;
            }
        }
    }

    /// Publish `out` and wait for JetStream to store each; those not acknowledged are sent
    /// again with a growing pause — the bus may be restarting. (A frame stored but not
    /// acknowledged is stored twice: the worker drops the second, older than its clock. No
    /// message ids: JetStream would hold every id of its duplicate window — millions at
    /// 100 000 frames/s.)
    async fn publish(&mut self, mut out: Vec<Outgoing>) {
        let mut pause = Duration::from_millis(100);
        let mut stopped_at: Option<Instant> = None;
        while !out.is_empty() {
            let mut acks = Vec::with_capacity(out.len());
            for m in &out {
                acks.push(
                    self.js
                        .publish(m.subject.clone(), m.payload.clone())
                        .await
                        .ok(),
                );
            }
            let results = futures_util::future::join_all(acks.into_iter().map(|a| async move {
                match a {
                    Some(ack) => ack.await.is_ok(),
                    None => false,
                }
            }))
            .await;
            let mut kept = Vec::new();
            for (m, ok) in out.into_iter().zip(results) {
                if ok {
                    self.stats.published.fetch_add(1, Ordering::Relaxed);
                } else {
                    kept.push(m);
                }
            }
            out = kept;
            if out.is_empty() {
                break;
            }
            self.stats
                .retried
                .fetch_add(out.len() as u64, Ordering::Relaxed);
            // Shutting down with the bus away: try for 10 s more, then give the rest up.
            if *self.stopping.borrow() {
                let since = *stopped_at.get_or_insert_with(Instant::now);
                if since.elapsed() > Duration::from_secs(10) {
                    self.stats
                        .given_up
                        .fetch_add(out.len() as u64, Ordering::Relaxed);
                    return;
                }
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_secs(2));
        }
    }
}
