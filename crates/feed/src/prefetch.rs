//! Reading ahead on a second thread: the batch commands' inputs read, parsed and their Mode S
//! frames decoded on one core while the caller tracks and analyses on another.
//!
//! Owns the reading thread and the hand-over. The items come out exactly as [`Inputs`] gives
//! them, in the same order, each frame with the [`Message`] `vigia_modes::decode` makes of it —
//! so whatever the caller does with them gives the same result as reading on its own thread
//! (the commands' tests compare the bytes). Memory is bounded: at most [`BATCHES`] batches of
//! [`BATCH`] items are in flight, and emptied batches go back to the reader to be refilled.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::Arc;
use std::thread::JoinHandle;

use vigia_modes::{decode, Message, RawFrame, Record, SourceRef};

use crate::{InputItem, Inputs};

/// Items per batch handed over (one channel operation per batch, not per frame).
pub const BATCH: usize = 4096;
/// Batches in flight at most (the reader waits when the caller is this far behind).
pub const BATCHES: usize = 4;

/// One item read ahead: a frame with its decoding (most items, kept small: they are copied
/// twice on their way), or any other item as [`Inputs`] gave it.
pub enum Prefetched {
    /// A frame and where it was read, with `vigia_modes::decode` of its message (`None` when it
    /// does not decode).
    Frame(RawFrame, SourceRef, Option<Message>),
    /// A report, a rejected record or an unreadable input.
    Other(Box<InputItem>),
}

impl Prefetched {
    /// The item as [`Inputs`] gave it, and the frame's decoding.
    pub fn into_parts(self) -> (InputItem, Option<Message>) {
        match self {
            Prefetched::Frame(frame, source, message) => {
                (InputItem::Record(Record::Frame(frame), source), message)
            }
            Prefetched::Other(item) => (*item, None),
        }
    }
}

/// [`Inputs`] read on a thread of their own.
pub struct Prefetch {
    full: Receiver<Vec<Option<Prefetched>>>,
    empty: SyncSender<Vec<Option<Prefetched>>>,
    /// The batch being handed out, and the next slot of it.
    batch: Vec<Option<Prefetched>>,
    next: usize,
    reader: Option<JoinHandle<Box<Inputs>>>,
    done: Option<Box<Inputs>>,
    bytes_read: Arc<AtomicU64>,
    total_bytes: u64,
    names: Vec<String>,
}

impl Prefetch {
    /// Starts reading `inputs` on a new thread.
    pub fn start(mut inputs: Box<Inputs>) -> std::io::Result<Prefetch> {
        let (full_tx, full) = sync_channel::<Vec<Option<Prefetched>>>(BATCHES);
        let (empty, empty_rx) = sync_channel::<Vec<Option<Prefetched>>>(BATCHES + 1);
        let bytes_read = Arc::new(AtomicU64::new(0));
        let progress = bytes_read.clone();
        let total_bytes = inputs.total_bytes();
        let names = inputs.names();
        let reader = std::thread::Builder::new()
            .name("vigia-read".into())
            .spawn(move || loop {
                let mut batch = empty_rx
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BATCH));
                for item in inputs.by_ref().take(BATCH) {
                    batch.push(Some(match item {
                        InputItem::Record(Record::Frame(frame), source) => {
                            let message = decode(frame.message()).ok();
                            Prefetched::Frame(frame, source, message)
                        }
                        other => Prefetched::Other(Box::new(other)),
                    }));
                }
                progress.store(inputs.bytes_read(), Ordering::Relaxed);
                let last = batch.len() < BATCH;
                if batch.is_empty() || full_tx.send(batch).is_err() || last {
                    return inputs;
                }
            })?;
        Ok(Prefetch {
            full,
            empty,
            batch: Vec::new(),
            next: 0,
            reader: Some(reader),
            done: None,
            bytes_read,
            total_bytes,
            names,
        })
    }

    /// The inputs' names (as [`Inputs::names`]).
    pub fn names(&self) -> Vec<String> {
        self.names.clone()
    }

    /// Total size of the inputs that are files (as [`Inputs::total_bytes`]).
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    /// Bytes read so far, as of the last batch read.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// The reader, with its counters, once every item has been handed out.
    pub fn inputs(&self) -> Option<&Inputs> {
        self.done.as_deref()
    }

    fn refill(&mut self) -> bool {
        let Ok(batch) = self.full.recv() else {
            // The reader is done (or died: its panic is passed on).
            if let Some(reader) = self.reader.take() {
                match reader.join() {
                    Ok(inputs) => self.done = Some(inputs),
                    Err(panic) => std::panic::resume_unwind(panic),
                }
            }
            return false;
        };
        let mut spent = std::mem::replace(&mut self.batch, batch);
        self.next = 0;
        spent.clear();
        // Back to the reader to be refilled (it makes a new one when none comes back).
        let _ = self.empty.try_send(spent);
        true
    }
}

impl Iterator for Prefetch {
    type Item = Prefetched;

    fn next(&mut self) -> Option<Prefetched> {
        loop {
            if let Some(slot) = self.batch.get_mut(self.next) {
                self.next += 1;
                if let Some(item) = slot.take() {
                    return Some(item);
                }
                continue;
            }
            if !self.refill() {
                return None;
            }
        }
    }
}
