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
//! A combined capture (an aggregator's stream: many receivers in one Beast file, each frame
//! tagged by the receiver id announced before it, `0x1a 0xe3`/`0xe4`) feeds every receiver
//! whose id it announces ([`NetworkInputs::combined`]). It is read only as far as the merge
//! needs (a second past the merge point), so memory stays bounded by the network's traffic
//! in that second, not by the file; frames without an id, or with one no receiver has, are
//! counted and left out.
//!
//! The rough clock only orders the frames and tells which copies are one transmission; the
//! nanosecond synchronisation that multilateration needs is `vigia-mlat`'s, from the raw
//! counters each frame keeps (`RawFrame::mlat_ticks`).

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;

use vigia_modes::{RawFrame, Record, SourceRef, MLAT_TICKS_PER_S};

use crate::receivers::{ClockName, Directory, Receiver};
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
/// Copies of one message closer than this are nudged together; farther, a counter may have
/// stepped, seconds.
const NEAR_S: f64 = 0.05;
/// Messages that must disagree by one amount, against two receivers or more, before a
/// receiver's counter is taken to have stepped.
const STEP_MATCHES: usize = 6;
/// How much those disagreements may differ, seconds.
const STEP_SPREAD_S: f64 = 0.02;
/// How far past the merge point a combined capture is read, seconds.
const LOOKAHEAD_S: f64 = 1.0;
/// Most frames held from combined captures at once (the prefetch included).
const MAX_COMBINED_HELD: usize = 2_000_000;
/// Distinct unknown receiver ids remembered for the stats.
const MAX_UNKNOWN_IDS: usize = 16;

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
    /// Times the receiver's counter stepped (a restart, a clock set) and was aligned again:
    /// its messages all came a constant amount early or late against two or more others.
    pub realigned: Vec<u64>,
    /// Frames of combined captures before any receiver id (left out).
    pub untagged: u64,
    /// Frames of combined captures tagged with an id no receiver has (left out).
    pub unknown: u64,
    /// Those ids (the first few), as announced.
    pub unknown_ids: Vec<String>,
}

/// A combined capture: many receivers in one stream, told apart by in-band ids.
struct Combined {
    path: PathBuf,
    reader: Option<RecordReader>,
    opened: bool,
    ended: bool,
    record_no: u64,
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
    /// Per receiver: recent messages heard twice whose copies disagreed by more than the
    /// nudge takes (partner, the correction of this receiver's offset they ask for).
    far: Vec<Vec<(usize, f64)>>,
    stats: NetworkStats,
    combined: Vec<Combined>,
    directory: Directory,
    /// Latest aligned time read from the combined captures.
    horizon: f64,
    /// Time of the last frame merged.
    merged: f64,
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
            far: vec![Vec::new(); n],
            stats: NetworkStats {
                frames: vec![0; n],
                untimed: vec![0; n],
                matches: vec![0; n],
                unaligned: vec![false; n],
                offsets_s: vec![None; n],
                realigned: vec![0; n],
                ..NetworkStats::default()
            },
            combined: Vec::new(),
            directory: Directory::new(receivers),
            horizon: f64::NEG_INFINITY,
            merged: f64::NEG_INFINITY,
        }
    }

    /// Also read these combined captures: their frames go to the receiver whose id each
    /// announces (`uuid` in the receivers file).
    pub fn combined(mut self, paths: Vec<PathBuf>) -> Self {
        self.combined = paths
            .into_iter()
            .map(|path| Combined {
                path,
                reader: None,
                opened: false,
                ended: false,
                record_no: 0,
            })
            .collect();
        self
    }

    fn combined_held(&self) -> usize {
        self.sources
            .iter()
            .filter(|s| s.path.is_none())
            .map(|s| s.buffer.len())
            .sum()
    }

    /// Read up to `limit` frames of the combined captures into their receivers' buffers;
    /// `false` once they are all read.
    fn refill_combined(&mut self, limit: usize) -> bool {
        let Some(c) = self.combined.iter().position(|c| !c.ended) else {
            return false;
        };
        let capture = &mut self.combined[c];
        if !capture.opened {
            capture.opened = true;
            match crate::open(&capture.path, self.format) {
                Ok(reader) => capture.reader = Some(reader),
                Err(error) => {
                    capture.ended = true;
                    self.pending.push_back(InputItem::Unreadable {
                        path: capture.path.clone(),
                        error,
                    });
                    return true;
                }
            }
        }
        let Some(reader) = capture.reader.as_mut() else {
            capture.ended = true;
            return true;
        };
        for _ in 0..limit {
            let Some(item) = reader.next() else {
                capture.ended = true;
                capture.reader = None;
                return true;
            };
            let frame = match item {
                Ok(Record::Frame(frame)) => frame,
                Ok(Record::State(_)) => {
                    capture.record_no += 1;
                    self.stats.untagged += 1;
                    continue;
                }
                Err(error) => {
                    self.pending.push_back(InputItem::Bad(error));
                    continue;
                }
            };
            capture.record_no += 1;
            let Some(tag) = reader.receiver() else {
                self.stats.untagged += 1;
                continue;
            };
            let Some(i) = self.directory.find(tag).map(usize::from) else {
                self.stats.unknown += 1;
                let id = tag.id_text();
                if self.stats.unknown_ids.len() < MAX_UNKNOWN_IDS
                    && !self.stats.unknown_ids.contains(&id)
                {
                    self.stats.unknown_ids.push(id);
                }
                continue;
            };
            let source = &mut self.sources[i];
            if source.path.is_some() {
                // The receiver has its own capture: the copy in the combined one is the same.
                continue;
            }
            self.stats.frames[i] += 1;
            let Some(ticks) = frame.mlat_ticks else {
                self.stats.untimed[i] += 1;
                continue;
            };
            let seconds = source.counter.seconds(source.clock, ticks);
            if self.aligned && source.offset.is_none() {
                // First heard after the start: placed at the merge point, unaligned.
                let offset = self.merged.max(self.reference_first) - seconds;
                source.offset = Some(offset);
                self.stats.offsets_s[i] = Some(offset);
                self.stats.unaligned[i] = true;
            }
            if let Some(offset) = source.offset {
                self.horizon = self.horizon.max(seconds + offset);
            }
            let at = SourceRef {
                input: i as u32,
                record: capture.record_no,
                line: None,
                row: None,
            };
            source.buffer.push_back((frame, at, seconds));
        }
        true
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
        // The combined captures' start, for the receivers they feed.
        let fed: Vec<usize> = (0..n).filter(|&i| self.sources[i].path.is_none()).collect();
        while !self.combined.is_empty()
            && self.combined_held() < MAX_COMBINED_HELD.min(self.prefetch * fed.len().max(1))
        {
            let full = fed.iter().all(|&i| {
                let b = &self.sources[i].buffer;
                match (b.front(), b.back()) {
                    (Some(a), Some(z)) => b.len() >= self.prefetch || z.2 - a.2 >= PREFETCH_S,
                    _ => false,
                }
            });
            if full || !self.refill_combined(4096) {
                break;
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
        for i in 0..n {
            let source = &self.sources[i];
            if let (Some(back), Some(offset), None) =
                (source.buffer.back(), source.offset, &source.path)
            {
                self.horizon = self.horizon.max(back.2 + offset);
            }
        }
    }

    /// The next frame in merged order.
    fn next_frame(&mut self) -> Option<InputItem> {
        let item = self.pick()?;
        if !self.combined.is_empty() {
            // Read the combined captures a little past the merge point, so that no receiver
            // they feed has an earlier frame still unread.
            let best = item.1;
            while self.horizon < best + LOOKAHEAD_S
                && self.combined_held() < MAX_COMBINED_HELD
                && self.refill_combined(256)
            {}
        }
        let (i, t) = self.pick()?;
        self.merged = t;
        self.take(i, t)
    }

    /// The receiver whose next frame comes first, and its time.
    fn pick(&mut self) -> Option<(usize, f64)> {
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
        if best.is_none() && self.combined.iter().any(|c| !c.ended) {
            // Every buffer empty: the combined captures have more.
            while self.refill_combined(256) {
                if self.sources.iter().any(|s| !s.buffer.is_empty()) {
                    return self.pick();
                }
            }
        }
        best
    }

    /// Take the frame chosen.
    fn take(&mut self, i: usize, t: f64) -> Option<InputItem> {
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

    /// Receiver `x`'s messages disagree with two or more others by one constant amount: its
    /// counter stepped. Move its offset by that amount.
    fn realign(&mut self, x: usize) {
        let far = &mut self.far[x];
        if far.len() > 4 * STEP_MATCHES {
            far.drain(..far.len() - STEP_MATCHES);
        }
        if far.len() < STEP_MATCHES {
            return;
        }
        let mut partners: Vec<usize> = far.iter().map(|f| f.0).collect();
        partners.sort_unstable();
        partners.dedup();
        let mut shifts: Vec<f64> = far.iter().map(|f| f.1).collect();
        shifts.sort_by(f64::total_cmp);
        let spread = shifts[shifts.len() - 1] - shifts[0];
        if partners.len() < 2 || spread > STEP_SPREAD_S {
            return;
        }
        let shift = shifts[shifts.len() / 2];
        if let Some(offset) = self.sources[x].offset.as_mut() {
            *offset += shift;
            self.stats.realigned[x] += 1;
        }
        for f in &mut self.far {
            f.clear();
        }
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
                let unaligned = self.stats.unaligned[i] || self.stats.unaligned[other];
                if residual.abs() < NEAR_S && !unaligned {
                    let delta = GAIN * residual / 2.0;
                    if let Some(offset) = self.sources[i].offset.as_mut() {
                        *offset -= delta;
                    }
                    if let Some(offset) = self.sources[other].offset.as_mut() {
                        *offset += delta;
                    }
                    self.far[i].clear();
                    self.far[other].clear();
                } else if residual.abs() >= NEAR_S {
                    self.far[i].push((other, -residual));
                    self.far[other].push((i, residual));
                    self.realign(i);
                    self.realign(other);
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
            self.aligned = true;
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
