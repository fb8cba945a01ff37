//! The captures of a network of receivers, read as one stream: [`NetworkInputs`].
//!
//! Each receiver's capture (Beast or AVR with the receiver's counter) is read as its own
//! input — input `i` is receiver `i` of the receivers file, so a record's
//! [`SourceRef::input`] names its receiver — and the captures are merged in time order on one
//! rough common clock. Free-running counters start hours apart, so the clock has to be found:
//! ADS-B airborne position messages are unique (their CPR bits change as the aircraft moves),
//! and one heard by two receivers gives the difference of their counters to within the
//! propagation difference (≤ 1.5 ms across a network). The first seconds of every capture
//! (at most [`PREFETCH_FRAMES`] frames each) are read ahead, each receiver is aligned to one
//! already aligned (the first capture is the reference) by the median of those differences,
//! and while merging every further message heard twice nudges both receivers' offsets
//! towards each other by halves (counters drift by parts per million; the sum of the offsets
//! stays, so the network as a whole keeps the reference's pace). A receiver that shares no message with the others is placed at the
//! reference's start and counted ([`NetworkStats::unaligned`]). The common clock is the
//! reference's counter in seconds, or anchored at `start` (Unix seconds of its first frame).
//!
//! The rough clock only orders the frames and tells which copies are one transmission; the
//! nanosecond synchronisation that multilateration needs is `vigia-mlat`'s, from the raw
//! counters each frame keeps (`RawFrame::mlat_ticks`).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use vigia_modes::{RawFrame, Record, SourceRef, MLAT_TICKS_PER_S};

use crate::receivers::{ClockName, Receiver};
use crate::{Format, InputItem, RecordReader};

/// Frames read ahead of each capture to align the counters (shared out when there are many
/// receivers, so the total stays under 2 M frames).
pub const PREFETCH_FRAMES: usize = 100_000;
/// Seconds of each capture read ahead at most.
const PREFETCH_S: f64 = 120.0;
/// Messages two receivers must share to align one to the other.
const MIN_MATCHES: usize = 3;
/// Gain of the running correction of an offset from one message heard twice.
const GAIN: f64 = 0.05;
/// How long a message is remembered for the running correction, seconds.
const RECENT_S: f64 = 2.0;

/// What the merge did, per receiver (index = receiver).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NetworkStats {
    /// Frames read from each capture.
    pub frames: Vec<u64>,
    /// Frames without a counter reading (dropped: they cannot be placed in time).
    pub untimed: Vec<u64>,
    /// Messages the receiver's alignment rested on (0 for the reference).
    pub matches: Vec<u64>,
    /// Receivers that shared no message with the aligned ones (placed at the reference's
    /// start: their times may be off by the difference of the captures' starts).
    pub unaligned: Vec<bool>,
    /// Offset of each counter from the reference's at the start, seconds.
    pub offsets_s: Vec<Option<f64>>,
}

struct Source {
    path: Option<PathBuf>,
    clock: ClockName,
    reader: Option<RecordReader>,
    opened: bool,
    ended: bool,
    buffer: VecDeque<(RawFrame, SourceRef, f64)>,
    record_no: u64,
    counter: Counter,
    offset: Option<f64>,
}

/// A receiver's counter made continuous, in seconds.
#[derive(Default)]
struct Counter {
    last: Option<u64>,
    base: u64,
}

impl Counter {
    fn seconds(&mut self, clock: ClockName, ticks: u64) -> f64 {
        match clock {
            ClockName::Gps => {
                const DAY_NS: u64 = 86_400_000_000_000;
                let ns = (ticks >> 30) * 1_000_000_000 + (ticks & ((1 << 30) - 1));
                if self.last.is_some_and(|last| ns + DAY_NS / 2 < last) {
                    self.base += DAY_NS;
                }
                self.last = Some(ns);
                (self.base + ns) as f64 * 1e-9
            }
            _ => {
                const WRAP: u64 = 1 << 48;
                let ticks = ticks & (WRAP - 1);
                if self.last.is_some_and(|last| ticks + WRAP / 2 < last) {
                    self.base += WRAP;
                }
                self.last = Some(ticks);
                (self.base + ticks) as f64 / MLAT_TICKS_PER_S
            }
        }
    }
}

/// The captures of a network, merged.
pub struct NetworkInputs {
    sources: Vec<Source>,
    format: Option<Format>,
    prefetch: usize,
    aligned: bool,
    start: Option<f64>,
    reference_first: f64,
    pending: VecDeque<InputItem>,
    recent: HashMap<[u8; 14], (usize, f64)>,
    recent_order: VecDeque<(f64, [u8; 14])>,
    stats: NetworkStats,
}

impl NetworkInputs {
    /// The captures of `receivers` (receivers without one contribute nothing), read as
    /// `format` or detected; `start` anchors the reference's first frame (Unix seconds).
    pub fn new(receivers: &[Receiver], format: Option<Format>, start: Option<f64>) -> Self {
        let n = receivers.len();
        let with_capture = receivers.iter().filter(|r| r.capture.is_some()).count();
        Self {
            sources: receivers
                .iter()
                .map(|r| Source {
                    path: r.capture.clone(),
                    clock: r.clock,
                    reader: None,
                    opened: false,
                    ended: r.capture.is_none(),
                    buffer: VecDeque::new(),
                    record_no: 0,
                    counter: Counter::default(),
                    offset: None,
                })
                .collect(),
            format,
            prefetch: (2_000_000 / with_capture.max(1)).clamp(1_000, PREFETCH_FRAMES),
            aligned: false,
            start,
            reference_first: 0.0,
            pending: VecDeque::new(),
            recent: HashMap::new(),
            recent_order: VecDeque::new(),
            stats: NetworkStats {
                frames: vec![0; n],
                untimed: vec![0; n],
                matches: vec![0; n],
                unaligned: vec![false; n],
                offsets_s: vec![None; n],
            },
        }
    }

    /// What the merge did so far.
    pub fn stats(&self) -> &NetworkStats {
        &self.stats
    }

    /// The captures' names (for evidence citing an input), by receiver.
    pub fn names(&self) -> Vec<String> {
        self.sources
            .iter()
            .map(|s| {
                s.path
                    .as_ref()
                    .map_or_else(|| "(no capture)".into(), |p| p.display().to_string())
            })
            .collect()
    }

    /// Read up to `limit` more frames of source `i` into its buffer; `false` at its end.
    fn refill(&mut self, i: usize, limit: usize) -> bool {
        let source = &mut self.sources[i];
        if source.ended {
            return false;
        }
        if !source.opened {
            source.opened = true;
            let Some(path) = source.path.clone() else {
                source.ended = true;
                return false;
            };
            match crate::open(&path, self.format) {
                Ok(reader) => source.reader = Some(reader),
                Err(error) => {
                    source.ended = true;
                    self.pending
                        .push_back(InputItem::Unreadable { path, error });
                    return false;
                }
            }
        }
        let Some(reader) = source.reader.as_mut() else {
            source.ended = true;
            return false;
        };
        let mut read = 0;
        while read < limit {
            let Some(item) = reader.next() else {
                source.ended = true;
                source.reader = None;
                return read > 0;
            };
            match item {
                Ok(Record::Frame(frame)) => {
                    source.record_no += 1;
                    self.stats.frames[i] += 1;
                    let Some(ticks) = frame.mlat_ticks else {
                        self.stats.untimed[i] += 1;
                        continue;
                    };
                    let seconds = source.counter.seconds(source.clock, ticks);
                    let at = SourceRef {
                        input: i as u32,
                        record: source.record_no,
                        line: reader.last_line(),
                        row: None,
                    };
                    source.buffer.push_back((frame, at, seconds));
                    read += 1;
                }
                Ok(Record::State(_)) => {
                    source.record_no += 1;
                    self.stats.frames[i] += 1;
                    self.stats.untimed[i] += 1;
                }
                Err(error) => self.pending.push_back(InputItem::Bad(error)),
            }
        }
        true
    }

    /// Read the start of every capture and align the counters.
    fn align(&mut self) {
        self.aligned = true;
        let n = self.sources.len();
        for i in 0..n {
            loop {
                let (len, span) = {
                    let b = &self.sources[i].buffer;
                    let span = match (b.front(), b.back()) {
                        (Some(a), Some(z)) => z.2 - a.2,
                        _ => 0.0,
                    };
                    (b.len(), span)
                };
                if len >= self.prefetch || span >= PREFETCH_S {
                    break;
                }
                if !self.refill(i, 4096) {
                    break;
                }
            }
        }
        // Positions each receiver heard exactly once in its first seconds.
        let keys: Vec<HashMap<[u8; 14], Option<f64>>> = self
            .sources
            .iter()
            .map(|s| {
                let mut map: HashMap<[u8; 14], Option<f64>> = HashMap::new();
                for (frame, _, seconds) in &s.buffer {
                    if is_position(frame) {
                        map.entry(frame.bytes)
                            .and_modify(|v| *v = None)
                            .or_insert(Some(*seconds));
                    }
                }
                map
            })
            .collect();
        let Some(reference) = (0..n).find(|&i| !self.sources[i].buffer.is_empty()) else {
            return;
        };
        self.sources[reference].offset = Some(0.0);
        self.stats.offsets_s[reference] = Some(0.0);
        self.reference_first = self.sources[reference].buffer[0].2;
        loop {
            let mut progress = false;
            for u in 0..n {
                if self.sources[u].offset.is_some() || self.sources[u].buffer.is_empty() {
                    continue;
                }
                let mut best: Option<(usize, f64)> = None;
                for a in 0..n {
                    let Some(offset_a) = self.sources[a].offset else {
                        continue;
                    };
                    let mut diffs: Vec<f64> = keys[u]
                        .iter()
                        .filter_map(|(k, t_u)| {
                            let t_a = (*keys[a].get(k)?)?;
                            Some(t_a + offset_a - (*t_u)?)
                        })
                        .collect();
                    if diffs.len() >= MIN_MATCHES && best.is_none_or(|b| diffs.len() > b.0) {
                        diffs.sort_by(f64::total_cmp);
                        best = Some((diffs.len(), diffs[diffs.len() / 2]));
                    }
                }
                if let Some((matches, offset)) = best {
                    self.sources[u].offset = Some(offset);
                    self.stats.offsets_s[u] = Some(offset);
                    self.stats.matches[u] = matches as u64;
                    progress = true;
                }
            }
            if !progress {
                break;
            }
        }
        for u in 0..n {
            if self.sources[u].offset.is_none() {
                if let Some(first) = self.sources[u].buffer.front() {
                    let offset = self.reference_first - first.2;
                    self.sources[u].offset = Some(offset);
                    self.stats.offsets_s[u] = Some(offset);
                    self.stats.unaligned[u] = true;
                }
            }
        }
    }

    /// The next frame in merged order.
    fn next_frame(&mut self) -> Option<InputItem> {
        let mut best: Option<(usize, f64)> = None;
        for i in 0..self.sources.len() {
            if self.sources[i].buffer.is_empty() && !self.refill(i, 1024) {
                continue;
            }
            let source = &self.sources[i];
            let (Some(front), Some(offset)) = (source.buffer.front(), source.offset) else {
                continue;
            };
            let t = front.2 + offset;
            if best.is_none_or(|b| t < b.1) {
                best = Some((i, t));
            }
        }
        let (i, t) = best?;
        let (mut frame, at, _) = self.sources[i].buffer.pop_front()?;
        if is_position(&frame) {
            self.correct(i, frame.bytes, t);
        }
        frame.ts = Some(match self.start {
            Some(start) => start + (t - self.reference_first),
            None => t,
        });
        Some(InputItem::Record(Record::Frame(frame), at))
    }

    /// A message heard again by another receiver: nudge this receiver's offset towards it.
    fn correct(&mut self, i: usize, bytes: [u8; 14], t: f64) {
        while let Some(&(when, key)) = self.recent_order.front() {
            if t - when <= RECENT_S && self.recent.len() < 100_000 {
                break;
            }
            self.recent_order.pop_front();
            if self.recent.get(&key).is_some_and(|e| e.1 == when) {
                self.recent.remove(&key);
            }
        }
        match self.recent.get(&bytes) {
            Some(&(other, when)) if other != i => {
                // Half the residual to each side: the sum of the offsets is kept, so the
                // network cannot run away from real time (the later copy is always the
                // second one merged: correcting only it would pull every clock earlier).
                let residual = t - when;
                if residual.abs() < 0.05 && !self.stats.unaligned[i] && !self.stats.unaligned[other]
                {
                    let delta = GAIN * residual / 2.0;
                    if let Some(offset) = self.sources[i].offset.as_mut() {
                        *offset -= delta;
                    }
                    if let Some(offset) = self.sources[other].offset.as_mut() {
                        *offset += delta;
                    }
                }
            }
            Some(_) => {}
            None => {
                self.recent.insert(bytes, (i, t));
                self.recent_order.push_back((t, bytes));
            }
        }
    }
}

/// An ADS-B airborne position (DF17, type codes 9–18 and 20–22): unique bytes.
fn is_position(frame: &RawFrame) -> bool {
    frame.len == 14 && frame.bytes[0] >> 3 == 17 && matches!(frame.bytes[4] >> 3, 9..=18 | 20..=22)
}

impl Iterator for NetworkInputs {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if !self.aligned {
            self.align();
        }
        if let Some(item) = self.pending.pop_front() {
            return Some(item);
        }
        let item = self.next_frame();
        // Errors met while refilling come before the frame that followed them.
        match (item, self.pending.is_empty()) {
            (Some(item), true) => Some(item),
            (Some(item), false) => {
                self.pending.push_back(item);
                self.pending.pop_front()
            }
            (None, _) => self.pending.pop_front(),
        }
    }
}
