//! A worker's consumer: one partition of the frame bus into the service's queue, acknowledged
//! as the store commits.
//!
//! Owns the order of a takeover: first the frames published in the `replay_s` before the
//! committed offset (an ephemeral consumer from that time), marked as replayed; then the
//! partition's durable consumer from its acknowledged floor, skipping what was replayed or
//! committed. The queue is filled waiting for room (never evicting: an unacknowledged frame
//! would be delivered again anyway, and a dropped one would be lost for good). Acknowledgement
//! is cumulative (`AckPolicy::All`): the last delivered frame at or before the committed
//! offset.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy, DeliverPolicy};
use futures_util::{FutureExt, StreamExt};
use rustc_hash::FxHashMap;
use vigia_feed::net::{Arrival, FrameQueue};
use vigia_feed::Record;
use vigia_store::BusOffset;

use super::{connect, stream, BusError, BusSettings};
use crate::config::Checked;
use crate::run::ServiceError;
use crate::service::metrics::Metrics;
use crate::service::ServiceState;

/// Frames handed to the queue at once.
const CHUNK: usize = 1024;
/// Unacknowledged frames the bus may deliver to a worker.
const MAX_ACK_PENDING: i64 = 200_000;

/// What a worker needs to consume its partition.
pub(crate) struct WorkerRole {
    /// The bus.
    pub settings: BusSettings,
    /// The partition.
    pub partition: u32,
    /// The offset committed by the partition's previous worker.
    pub resume: Option<BusOffset>,
    /// The writer's last committed offset (starts at `resume`).
    pub committed: Arc<AtomicU64>,
}

/// Start the consumer thread of `role` feeding `queue`; it stops when the service's shutdown
/// turns true.
pub(crate) fn start_worker(
    role: WorkerRole,
    checked: &Checked,
    queue: Arc<FrameQueue>,
    state: &ServiceState,
) -> Result<(), ServiceError> {
    let sources: FxHashMap<String, u16> = checked
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.spec.id.clone(), i as u16))
        .collect();
    let consumer = Consumer {
        sources,
        metrics: state.metrics.clone(),
        queue,
        shutdown: state.shutdown.clone(),
        role,
        chunk: Vec::with_capacity(CHUNK),
        last_pushed: 0,
        unacked: VecDeque::new(),
        acked: 0,
    };
    let runtime = tokio::runtime::Handle::current();
    std::thread::Builder::new()
        .name("vigia-bus".into())
        .spawn(move || runtime.block_on(consumer.run()))
        .map_err(ServiceError::Thread)?;
    Ok(())
}

struct Consumer {
    role: WorkerRole,
    sources: FxHashMap<String, u16>,
    metrics: Arc<Metrics>,
    queue: Arc<FrameQueue>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    chunk: Vec<Arrival>,
    /// The last sequence handed to the queue.
    last_pushed: u64,
    /// Delivered frames not yet acknowledged: sequence and reply subject.
    unacked: VecDeque<(u64, async_nats::Subject)>,
    acked: u64,
}

impl Consumer {
    async fn run(mut self) {
        loop {
            match self.consume().await {
                Ok(()) => break,
                Err(e) => {
                    eprintln!("vigia worker: {e}; trying again in 2 s");
                    self.flush();
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_secs(2)) => {}
                        _ = self.shutdown.wait_for(|s| *s) => break,
                    }
                }
            }
            if *self.shutdown.borrow() {
                break;
            }
        }
        self.flush();
        // The service closes the queue once the HTTP side has stopped.
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    async fn consume(&mut self) -> Result<(), BusError> {
        let settings = self.role.settings.clone();
        let client = connect(&settings.url, Duration::from_secs(3600)).await?;
        let js = async_nats::jetstream::new(client.clone());
        let stream = stream(&js, &settings, false).await?;
        let subject = settings.subject_of(self.role.partition);
        let fail = |e: String| BusError::Stream {
            stream: settings.stream.clone(),
            message: e,
        };
        // 1. The replay: frames already accounted for, to rebuild state.
        if let Some(resume) = self.role.resume.filter(|r| r.seq > self.last_pushed) {
            let start = resume.published - settings.replay_s;
            let start_time = time::OffsetDateTime::from_unix_timestamp_nanos((start * 1e9) as i128)
                .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
            let mut replay: async_nats::jetstream::consumer::PullConsumer = stream
                .create_consumer(pull::Config {
                    filter_subject: subject.clone(),
                    deliver_policy: DeliverPolicy::ByStartTime { start_time },
                    ack_policy: AckPolicy::None,
                    inactive_threshold: Duration::from_secs(60),
                    ..Default::default()
                })
                .await
                .map_err(|e| fail(e.to_string()))?;
            let mut messages = replay
                .stream()
                .max_messages_per_batch(CHUNK)
                .messages()
                .await
                .map_err(|e| fail(e.to_string()))?;
            // Until the committed frame itself: a slow server is waited for (the frames before
            // it must not be skipped — the tracks would have a hole), a stream with nothing
            // left (the frames aged out) ends the replay.
            loop {
                if self.stopping() {
                    return Ok(());
                }
                match tokio::time::timeout(Duration::from_secs(2), messages.next()).await {
                    Ok(Some(Ok(message))) => {
                        let Ok(info) = message.info() else { continue };
                        let seq = info.stream_sequence;
                        if seq > resume.seq {
                            break;
                        }
                        if seq > self.last_pushed {
                            self.metrics.bus_replayed.fetch_add(1, Ordering::Relaxed);
                            self.take(seq, &message.payload);
                        }
                        if seq == resume.seq {
                            break;
                        }
                    }
                    Ok(Some(Err(e))) => return Err(fail(e.to_string())),
                    Ok(None) => return Err(fail("the replay's stream ended".into())),
                    Err(_) => {
                        self.flush();
                        let pending = replay
                            .info()
                            .await
                            .map_err(|e| fail(e.to_string()))?
                            .num_pending;
                        if pending == 0 {
                            break;
                        }
                    }
                }
            }
            self.flush();
            self.last_pushed = self.last_pushed.max(resume.seq);
        }
        // 2. The partition's durable consumer: from its acknowledged floor, or after what the
        // store has.
        let durable = format!("vigia-worker-{}", self.role.partition);
        let start = self.last_pushed.max(self.committed());
        let consumer: async_nats::jetstream::consumer::PullConsumer = stream
            .get_or_create_consumer(
                &durable,
                pull::Config {
                    durable_name: Some(durable.clone()),
                    filter_subject: subject,
                    deliver_policy: if start > 0 {
                        DeliverPolicy::ByStartSequence {
                            start_sequence: start + 1,
                        }
                    } else {
                        DeliverPolicy::All
                    },
                    ack_policy: AckPolicy::All,
                    ack_wait: Duration::from_secs(60),
                    max_ack_pending: MAX_ACK_PENDING,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| fail(e.to_string()))?;
        let mut messages = consumer
            .stream()
            .max_messages_per_batch(CHUNK)
            .heartbeat(Duration::from_secs(5))
            .messages()
            .await
            .map_err(|e| fail(e.to_string()))?;
        loop {
            if self.stopping() {
                return Ok(());
            }
            let next = tokio::time::timeout(Duration::from_millis(50), messages.next()).await;
            match next {
                Ok(Some(Ok(message))) => {
                    self.deliver(&message);
                    // What is ready now goes with it; then to the pipeline at once, whatever
                    // the chunk's size (a quiet partition's frames do not wait for company).
                    while let Some(Some(Ok(message))) = messages.next().now_or_never() {
                        self.deliver(&message);
                    }
                    self.flush();
                }
                Ok(Some(Err(e))) => return Err(fail(e.to_string())),
                Ok(None) => return Err(fail("the consumer's stream ended".into())),
                Err(_) => self.flush(),
            }
            self.ack(&client).await;
        }
    }

    /// A message of the durable consumer: kept for acknowledgement, taken unless replayed or
    /// taken before (a redelivery).
    fn deliver(&mut self, message: &async_nats::jetstream::Message) {
        let Ok(info) = message.info() else { return };
        let seq = info.stream_sequence;
        if let Some(reply) = message.reply.clone() {
            self.unacked.push_back((seq, reply));
            if self.unacked.len() > 2 * MAX_ACK_PENDING as usize {
                self.unacked.pop_front();
            }
        }
        if seq > self.last_pushed {
            self.take(seq, &message.payload);
        }
    }

    fn committed(&self) -> u64 {
        self.role.committed.load(Ordering::Acquire)
    }

    /// Decode a message into the chunk (handed to the queue when full).
    fn take(&mut self, seq: u64, payload: &[u8]) {
        self.last_pushed = self.last_pushed.max(seq);
        self.metrics.bus_frames.fetch_add(1, Ordering::Relaxed);
        let frame = match vigia_feed::bus::decode(payload) {
            Ok(frame) => frame,
            Err(_) => {
                self.metrics.bus_rejected.fetch_add(1, Ordering::Relaxed);
                return;
            }
        };
        let Some(&source) = self.sources.get(frame.receiver) else {
            // A receiver this worker's configuration does not list: its position (for
            // multilateration) and name are unknown here.
            self.metrics.bus_rejected.fetch_add(1, Ordering::Relaxed);
            return;
        };
        // Decoded here, on the bus's thread, not by the one that tracks.
        let decoded = Some(vigia_modes::decode(frame.frame.message()).ok());
        self.chunk.push(Arrival {
            source,
            received: frame.received,
            record: Record::Frame(frame.frame),
            seq,
            decoded,
        });
        if self.chunk.len() >= CHUNK {
            self.flush();
        }
    }

    /// Hand the chunk to the queue, waiting for room.
    fn flush(&mut self) {
        if !self.chunk.is_empty() {
            self.queue.push_batch_waiting(&mut self.chunk);
        }
    }

    /// Acknowledge, cumulatively, the last delivered frame at or before the committed offset.
    async fn ack(&mut self, client: &async_nats::Client) {
        let committed = self.committed();
        if committed <= self.acked {
            return;
        }
        let mut last = None;
        while let Some((seq, _)) = self.unacked.front() {
            if *seq > committed {
                break;
            }
            last = self.unacked.pop_front();
        }
        if let Some((seq, reply)) = last {
            if client
                .publish(reply, bytes::Bytes::from_static(b"+ACK"))
                .await
                .is_ok()
            {
                self.acked = seq;
            }
        }
    }
}
