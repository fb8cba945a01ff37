//! The bounded queue between the source tasks and the pipeline thread.
//!
//! Owns backpressure. Producers are async socket tasks that must never wait on the pipeline;
//! the consumer is one synchronous thread. When the pipeline falls behind and the queue is
//! full, the *oldest* records are evicted — live data is worth more than stale data — and every
//! eviction is counted, in total and against the source it came from. Memory is bounded by the
//! capacity, whatever the input rate.
//!
//! A `Mutex<VecDeque>` with a `Condvar`: producers push a whole read's worth of records under
//! one short lock, so the lock is taken per socket read, not per frame.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use super::{Arrival, SourceCounters};

struct Inner {
    items: VecDeque<Arrival>,
    closed: bool,
}

/// A bounded multi-producer, single-consumer queue that drops the oldest items when full.
///
/// ```
/// use std::time::Duration;
/// use vigia_feed::net::{Arrival, FrameQueue};
/// use vigia_feed::{RawFrame, Record};
/// let queue = FrameQueue::new(2, Vec::new());
/// let arrival = |t: f64| Arrival {
///     seq: 0,
///     decoded: None,
///     source: 0,
///     received: t,
///     record: Record::Frame(RawFrame::from_message(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]).unwrap()),
/// };
/// queue.push_batch(&mut vec![arrival(1.0), arrival(2.0), arrival(3.0)]);
/// assert_eq!(queue.dropped(), 1);
/// let mut out = Vec::new();
/// queue.pop_batch(&mut out, 10, Duration::from_millis(1));
/// assert_eq!(out.iter().map(|a| a.received).collect::<Vec<_>>(), vec![2.0, 3.0]);
/// ```
pub struct FrameQueue {
    inner: Mutex<Inner>,
    ready: Condvar,
    /// Signalled when records are taken (producers that wait for room).
    room: Condvar,
    capacity: usize,
    dropped: AtomicU64,
    pushed: AtomicU64,
    sources: Vec<Arc<SourceCounters>>,
}

impl std::fmt::Debug for FrameQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameQueue")
            .field("len", &self.len())
            .field("capacity", &self.capacity)
            .field("dropped", &self.dropped())
            .finish()
    }
}

impl FrameQueue {
    /// A queue holding at most `capacity` records (at least 1). Evictions are also counted on
    /// `sources[arrival.source]` when that source is listed.
    pub fn new(capacity: usize, sources: Vec<Arc<SourceCounters>>) -> Self {
        let capacity = capacity.max(1);
        Self {
            inner: Mutex::new(Inner {
                items: VecDeque::with_capacity(capacity.min(1 << 16)),
                closed: false,
            }),
            ready: Condvar::new(),
            room: Condvar::new(),
            capacity,
            dropped: AtomicU64::new(0),
            pushed: AtomicU64::new(0),
            sources,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panicking holder cannot leave the deque inconsistent: keep going.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Append `batch` (emptied), evicting the oldest records if the queue would overflow.
    /// Never blocks beyond the short lock. Items pushed after [`close`](Self::close) are
    /// dropped and counted.
    pub fn push_batch(&self, batch: &mut Vec<Arrival>) {
        if batch.is_empty() {
            return;
        }
        let n = batch.len() as u64;
        let mut evicted = 0u64;
        {
            let mut inner = self.lock();
            if inner.closed {
                self.dropped.fetch_add(n, Ordering::Relaxed);
                batch.clear();
                return;
            }
            for arrival in batch.drain(..) {
                if inner.items.len() >= self.capacity {
                    if let Some(old) = inner.items.pop_front() {
                        evicted += 1;
                        if let Some(c) = self.sources.get(usize::from(old.source)) {
                            c.add_dropped(1);
                        }
                    }
                }
                inner.items.push_back(arrival);
            }
        }
        self.pushed.fetch_add(n, Ordering::Relaxed);
        if evicted > 0 {
            self.dropped.fetch_add(evicted, Ordering::Relaxed);
        }
        self.ready.notify_one();
    }

    /// Move up to `max` records into `out`, waiting up to `timeout` for the first. Returns
    /// `false` once the queue is closed and empty (the consumer should stop).
    pub fn pop_batch(&self, out: &mut Vec<Arrival>, max: usize, timeout: Duration) -> bool {
        let mut inner = self.lock();
        if inner.items.is_empty() && !inner.closed {
            inner = self
                .ready
                .wait_timeout(inner, timeout)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        let take = inner.items.len().min(max);
        out.extend(inner.items.drain(..take));
        if take > 0 {
            self.room.notify_all();
        }
        !(inner.closed && inner.items.is_empty() && take == 0)
    }

    /// Push `batch` (emptied) without evicting anything: wait for room while the queue is
    /// full — for a producer that can wait (the frame bus holds its frames until they are
    /// acknowledged), not for a socket. Returns `false` if the queue was closed first (the
    /// records left are dropped).
    pub fn push_batch_waiting(&self, batch: &mut Vec<Arrival>) -> bool {
        let mut inner = self.lock();
        let mut pushed = 0u64;
        for arrival in batch.drain(..) {
            while inner.items.len() >= self.capacity && !inner.closed {
                self.ready.notify_one();
                inner = self
                    .room
                    .wait_timeout(inner, Duration::from_millis(100))
                    .map(|(guard, _)| guard)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
            if inner.closed {
                break;
            }
            inner.items.push_back(arrival);
            pushed += 1;
        }
        let closed = inner.closed;
        drop(inner);
        batch.clear();
        self.pushed.fetch_add(pushed, Ordering::Relaxed);
        self.ready.notify_one();
        !closed
    }

    /// No more pushes; the consumer drains what is left, then `pop_batch` returns `false`.
    pub fn close(&self) {
        self.lock().closed = true;
        self.ready.notify_all();
    }

    /// Records waiting now.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether no record is waiting.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The capacity.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Records evicted (or refused after close) so far.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Records pushed so far (evicted ones included).
    pub fn pushed(&self) -> u64 {
        self.pushed.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::{RawFrame, Record};

    fn arrival(source: u16, t: f64) -> Arrival {
        Arrival {
            seq: 0,
            decoded: None,
            source,
            received: t,
            record: Record::Frame(RawFrame::from_message(&[0x5d, 0, 0, 0, 0, 0, 0]).unwrap()),
        }
    }

    #[test]
    fn a_full_queue_evicts_the_oldest_and_charges_their_source() {
        let counters: Vec<_> = (0..2).map(|_| Arc::new(SourceCounters::new())).collect();
        let q = FrameQueue::new(3, counters.clone());
        q.push_batch(&mut vec![arrival(0, 1.0), arrival(0, 2.0)]);
        q.push_batch(&mut vec![arrival(1, 3.0), arrival(1, 4.0), arrival(1, 5.0)]);
        assert_eq!(q.len(), 3);
        assert_eq!(q.dropped(), 2);
        assert_eq!(counters[0].snapshot().dropped, 2);
        assert_eq!(counters[1].snapshot().dropped, 0);
        let mut out = Vec::new();
        assert!(q.pop_batch(&mut out, 2, Duration::ZERO));
        assert_eq!(
            out.iter().map(|a| a.received).collect::<Vec<_>>(),
            [3.0, 4.0]
        );
        assert_eq!(q.pushed(), 5);
    }

    #[test]
    fn close_lets_the_consumer_drain_then_stop() {
        let q = FrameQueue::new(8, Vec::new());
        q.push_batch(&mut vec![arrival(0, 1.0)]);
        q.close();
        q.push_batch(&mut vec![arrival(0, 2.0)]);
        assert_eq!(q.dropped(), 1);
        let mut out = Vec::new();
        assert!(q.pop_batch(&mut out, 8, Duration::ZERO));
        assert_eq!(out.len(), 1);
        assert!(!q.pop_batch(&mut out, 8, Duration::ZERO));
    }

    #[test]
    fn a_waiting_consumer_wakes_on_push() {
        let q = Arc::new(FrameQueue::new(8, Vec::new()));
        let producer = {
            let q = q.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(20));
                q.push_batch(&mut vec![arrival(0, 1.0)]);
            })
        };
        let mut out = Vec::new();
        let started = std::time::Instant::now();
        while out.is_empty() && started.elapsed() < Duration::from_secs(5) {
            q.pop_batch(&mut out, 8, Duration::from_secs(5));
        }
        producer.join().unwrap();
        assert_eq!(out.len(), 1);
        assert!(started.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn a_waiting_producer_loses_nothing() {
        // The frame bus's consumer: 10 000 records through a queue of 16, all of them, in
        // order, none evicted.
        let q = Arc::new(FrameQueue::new(16, Vec::new()));
        let producer = {
            let q = q.clone();
            std::thread::spawn(move || {
                for k in 0..100 {
                    let mut batch: Vec<Arrival> = (0..100)
                        .map(|j| arrival(0, f64::from(k * 100 + j)))
                        .collect();
                    assert!(q.push_batch_waiting(&mut batch));
                }
                q.close();
            })
        };
        let mut out = Vec::new();
        let mut seen = Vec::new();
        while q.pop_batch(&mut out, 7, Duration::from_millis(50)) {
            seen.extend(out.drain(..).map(|a| a.received));
        }
        producer.join().unwrap();
        assert_eq!(seen, (0..10_000).map(f64::from).collect::<Vec<_>>());
        assert_eq!(q.dropped(), 0);
        // Closed: a waiting push gives up.
        assert!(!q.push_batch_waiting(&mut vec![arrival(0, 1.0)]));
    }
}
