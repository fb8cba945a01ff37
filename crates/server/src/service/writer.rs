//! The writer thread: commits the pipeline's batches, then — and only then — alerts and
//! streams their events.
//!
//! Owns the order that makes reporting safe: `Store::commit` returns event ids only after a
//! durable commit; each event is then counted, given to the [`Alerter`] and broadcast to
//! stream subscribers with its id. A failed commit is retried; events of a batch that cannot be
//! committed are counted as store errors and never reported. Retention runs here too, hourly.

use std::sync::atomic::Ordering;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use vigia_feed::net::unix_now;
use vigia_store::{Store, WriteBatch};

use crate::service::alert::rules::EventFacts;
use crate::service::alert::{Alerter, CommittedEvent};
use crate::service::metrics::Metrics;
use crate::service::stream::StreamMessage;
use crate::service::view::EventView;

/// Attempts at committing one batch, 0.1 s apart then doubling (about 11 s in all: long enough
/// for a PostgreSQL server to restart).
const COMMIT_ATTEMPTS: u32 = 8;
/// How often old positions are deleted.
const RETAIN_EVERY: Duration = Duration::from_secs(3600);

/// What the alert rules need beside each event of a batch (same order as `batch.events`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventMeta {
    /// Identity facts.
    pub facts: EventFacts,
    /// Arrival of the frame that produced the event.
    pub arrival: Option<f64>,
    /// The event is a flight record: the flight's alert memory can go.
    pub ends_flight: bool,
}

/// Messages to the writer.
#[derive(Debug)]
pub enum WriterMessage {
    /// Commit, then report the events.
    Batch {
        /// What to write.
        batch: WriteBatch,
        /// One per event.
        metas: Vec<EventMeta>,
    },
    /// A flight ended whose record was folded into a flood (not stored): forget its alert
    /// memory all the same.
    Forget(String),
    /// Save coverage models (each replacing its saved one): the network's (receiver `""`) and
    /// each receiver's, by id.
    Coverage(Vec<(String, Vec<vigia_detect::coverage::CellTally>)>),
    /// Checkpoint and stop.
    Shutdown,
}

/// The writer.
pub struct Writer {
    store: Store,
    alerter: Alerter,
    metrics: Arc<Metrics>,
    stream: tokio::sync::broadcast::Sender<StreamMessage>,
    retain_days: f64,
    next_retain: Instant,
    /// Where the last committed offset of the frame bus goes (a worker acknowledges up to it).
    committed: Option<Arc<std::sync::atomic::AtomicU64>>,
}

impl Writer {
    /// A writer over `store`.
    pub fn new(
        store: Store,
        alerter: Alerter,
        metrics: Arc<Metrics>,
        stream: tokio::sync::broadcast::Sender<StreamMessage>,
        retain_days: f64,
    ) -> Self {
        Self {
            store,
            alerter,
            metrics,
            stream,
            retain_days,
            next_retain: Instant::now(),
            committed: None,
        }
    }

    /// Publish each committed batch's bus offset to `to` (the worker acknowledges the frames up
    /// to it to the bus).
    pub fn report_offsets(&mut self, to: Arc<std::sync::atomic::AtomicU64>) {
        self.committed = Some(to);
    }

    /// The thread body: until `Shutdown` or the pipeline goes away.
    pub fn run(mut self, messages: Receiver<WriterMessage>) {
        loop {
            // A second at most between looks: held alerts' summaries go out on a quiet feed too.
            let message = match messages.recv_timeout(Duration::from_secs(1)) {
                Ok(message) => Some(message),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => None,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
            };
            let Some(message) = message else {
                self.alerter.tick(unix_now());
                continue;
            };
            match message {
                WriterMessage::Batch { batch, metas } => {
                    self.metrics.writer_queue.fetch_sub(1, Ordering::Relaxed);
                    self.write(&batch, &metas);
                }
                WriterMessage::Forget(flight_id) => self.alerter.flight_ended(&flight_id),
                WriterMessage::Coverage(models) => {
                    if self.store.save_coverage(&models).is_err() {
                        self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
                WriterMessage::Shutdown => break,
            }
            self.alerter.tick(unix_now());
            if Instant::now() >= self.next_retain {
                self.next_retain = Instant::now() + RETAIN_EVERY;
                if self.store.retain(self.retain_days, unix_now()).is_err() {
                    self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
        self.alerter.finish();
        self.alerter.flush();
        if self.store.checkpoint().is_err() {
            self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Commit `batch`; then alert and stream its events.
    pub fn write(&mut self, batch: &WriteBatch, metas: &[EventMeta]) {
        let mut ids = None;
        for attempt in 0..COMMIT_ATTEMPTS {
            match self.store.commit(batch) {
                Ok(committed) => {
                    ids = Some(committed);
                    break;
                }
                Err(e) => {
                    self.metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                    eprintln!(
                        "vigia: store: {e} (attempt {} of {COMMIT_ATTEMPTS})",
                        attempt + 1
                    );
                    // Backing off: a database server restarting (PostgreSQL) takes seconds.
                    std::thread::sleep(Duration::from_millis((100u64 << attempt).min(5000)));
                }
            }
        }
        let Some(ids) = ids else {
            return;
        };
        self.metrics.store_commits.fetch_add(1, Ordering::Relaxed);
        if let (Some(to), Some(offset)) = (&self.committed, &batch.offset) {
            to.fetch_max(offset.seq, Ordering::Release);
        }
        self.metrics
            .positions_written
            .fetch_add(batch.positions.len() as u64, Ordering::Relaxed);
        for ((id, event), meta) in ids.iter().zip(&batch.events).zip(metas) {
            let Some(id) = id else {
                // Made again after a takeover and stored before: alerted (or not) back then.
                self.metrics
                    .events_already_stored
                    .fetch_add(1, Ordering::Relaxed);
                if meta.ends_flight {
                    self.alerter.flight_ended(&event.flight_id);
                }
                continue;
            };
            self.metrics.count_event(&event.kind);
            let committed = CommittedEvent {
                id: *id,
                event: event.clone(),
                facts: meta.facts,
                arrival: meta.arrival,
            };
            let alerts = self.alerter.handle(&committed, unix_now());
            let view = EventView {
                alerted: Some(!alerts.is_empty()),
                ..EventView::committed(*id, &event.document)
            };
            let _ = self
                .stream
                .send(StreamMessage::new("event", view.to_json()));
            if meta.ends_flight {
                self.alerter.flight_ended(&event.flight_id);
            }
        }
    }
}
