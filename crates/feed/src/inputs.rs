//! The inputs of a batch command (`vigia analyze`, `vigia tracks`, `vigia decode`), read one
//! after another as one stream of records: [`Inputs`].
//!
//! Owns the read loop every batch command shares: open each path (`-` is standard input) as a
//! [`RecordReader`] (format detected or named, gzip/zstd recognised, Parquet read in place),
//! number the records of each input and say where each came from ([`SourceRef`]: input index,
//! record, line or row), optionally time frames that carry only the receiver's 12 MHz counter
//! by that counter ([`Inputs::receiver_clock`]), and count the bytes read for a progress bar.
//! It reports, and never stops at: an input that cannot be opened or whose format is unknown
//! ([`InputItem::Unreadable`]) and a record that was rejected ([`InputItem::Bad`]) — the
//! caller counts and prints them; reading goes on with the next record or input.
//!
//! ```
//! use vigia_feed::{InputItem, Inputs};
//! let dir = std::env::temp_dir().join(format!("vigia-inputs-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir)?;
//! let path = dir.join("frames.txt");
//! std::fs::write(&path, "1.5,8d4840d6202cc371c32ce0576098\nnot hex\n")?;
//! let mut inputs = Inputs::new(vec![path.clone(), dir.join("missing.bin")], None);
//! let items: Vec<InputItem> = inputs.by_ref().collect();
//! assert!(matches!(&items[0], InputItem::Record(_, source) if source.input == 0 && source.record == 1));
//! assert!(matches!(&items[1], InputItem::Bad(_)));
//! assert!(matches!(&items[2], InputItem::Unreadable { .. }));
//! assert_eq!(inputs.opened(), 1);
//! # std::fs::remove_dir_all(&dir)?;
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use vigia_modes::record::DroppedFields;
use vigia_modes::{Message, Record, SourceRef};

use crate::parallel::{Item, Parallel, PIECE_BYTES};
use crate::{FeedError, Format, RecordReader};

/// One item of the inputs.
#[derive(Debug)]
#[non_exhaustive]
pub enum InputItem {
    /// A record and where it was read.
    Record(Record, SourceRef),
    /// A rejected record (or unreadable stretch); reading goes on.
    Bad(FeedError),
    /// An input that could not be opened or recognised; reading goes on with the next one.
    Unreadable {
        /// The path as given.
        path: PathBuf,
        /// Why.
        error: FeedError,
    },
}

/// The inputs of a batch command, read in order.
pub struct Inputs {
    paths: Vec<PathBuf>,
    format: Option<Format>,
    receiver_clock: bool,
    next_input: usize,
    current: Option<(u32, RecordReader)>,
    record_no: u64,
    opened: usize,
    records: u64,
    timed_by_receiver: bool,
    untimed: u64,
    dropped: DroppedCounts,
    bytes_read: Arc<AtomicU64>,
    /// Archives are ordered by time when they hold at most this many records (0: never).
    order_limit: usize,
    ordering: Ordering_,
    /// Items ready to hand out, and an item read ahead of the input being ordered.
    queue: VecDeque<InputItem>,
    ahead: Option<InputItem>,
    /// The last input ordered, and whether it overflowed.
    last_ordered: Option<(u32, bool)>,
    /// The receiver clocks of the input being read.
    clocks: Clocks,
    /// Most receiver clocks found in one input.
    clocks_peak: usize,
    /// Wall-clock time of each receiver-clock input's first frame, if the user gave it.
    start: Option<f64>,
    /// Threads reading (1: this one, record by record; more: in pieces, see `parallel.rs`).
    threads: usize,
    /// The pieces, once reading in them has started, and the input they are of.
    pieces: Option<Box<Parallel>>,
    piece_input: Option<u32>,
    piece_bytes: usize,
}

/// The receiver clocks of one capture or one live source. A Beast or AVR file written from
/// several receivers
/// (a merged feed) carries each receiver's 12 MHz counter, each with its own start: read as
/// one clock, time jumps back and forth between them. Each frame's counter is matched to the
/// clock whose last reading it follows (from 5 s before to 15 min after); a counter no clock
/// follows is another receiver's, anchored where the stream is (captures are in arrival
/// order). The first clock keeps its own seconds. At most [`Clocks::MAX`] are followed (the
/// least recently heard is forgotten), so memory stays constant.
#[derive(Debug, Default, Clone)]
pub struct Clocks {
    /// (last counter reading, offset to the first clock's seconds, last use).
    bases: Vec<(f64, f64, u64)>,
    /// The stream's time so far (first clock's seconds).
    now: Option<f64>,
    uses: u64,
    /// Where the first clock's first reading is placed (`--start`); its own seconds if none.
    anchor: Option<f64>,
}

impl Clocks {
    /// Most clocks followed.
    pub const MAX: usize = 16;
    const BEHIND_S: f64 = 5.0;
    const AHEAD_S: f64 = 900.0;

    /// The time of a frame whose counter reads `seconds`, in a file (a new clock is anchored
    /// where the stream is).
    fn time(&mut self, seconds: f64) -> f64 {
        let anchor = self.now.or(self.anchor).unwrap_or(seconds);
        self.time_anchored(seconds, anchor)
    }

    /// The time of a frame whose counter reads `seconds`; a counter no clock follows starts
    /// a new clock that places this reading at `anchor` (live: the frame's arrival time).
    pub fn time_anchored(&mut self, seconds: f64, anchor: f64) -> f64 {
        self.uses += 1;
        let uses = self.uses;
        let best = self
            .bases
            .iter_mut()
            .filter(|b| (-Self::BEHIND_S..=Self::AHEAD_S).contains(&(seconds - b.0)))
            .min_by(|a, b| (seconds - a.0).abs().total_cmp(&(seconds - b.0).abs()));
        let t = match best {
            Some(base) => {
                base.0 = base.0.max(seconds);
                base.2 = uses;
                seconds + base.1
            }
            None => {
                let now = anchor;
                if self.bases.len() == Self::MAX {
                    let oldest = (0..self.bases.len())
                        .min_by_key(|&i| self.bases[i].2)
                        .unwrap_or(0);
                    self.bases.swap_remove(oldest);
                }
                self.bases.push((seconds, now - seconds, uses));
                now
            }
        };
        self.now = Some(self.now.map_or(t, |n| n.max(t)));
        t
    }
}

/// What ordering archives by time did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OrderingStats {
    /// Archive inputs read in time order (sorted in memory, stable: equal times keep file order).
    pub ordered_inputs: u64,
    /// Records that came after a later record of the same input in the file: what ordering
    /// saved from being rejected as late.
    pub out_of_order_records: u64,
    /// Inputs too large to order in memory at once: ordered in chunks of
    /// [`Inputs::order_by_time`] records (the tracker's reordering window applies across them).
    pub too_large_inputs: u64,
}

type Ordering_ = OrderingStats;

/// Fields dropped for bad values (the records kept), by field, and where the first was.
#[derive(Debug, Default, Clone)]
pub struct DroppedCounts {
    /// Count per name of [`DroppedFields::NAMES`], in that order.
    pub by_field: [u64; DroppedFields::NAMES.len()],
    /// The first record with a dropped field.
    pub first: Option<SourceRef>,
}

impl DroppedCounts {
    fn count(&mut self, dropped: DroppedFields, source: SourceRef) {
        for name in dropped.iter() {
            if let Some(i) = DroppedFields::NAMES.iter().position(|n| *n == name) {
                self.by_field[i] += 1;
            }
        }
        self.first.get_or_insert(source);
    }

    /// The line to print, if any field was dropped: counts by field and where the first was
    /// (`names` as [`Inputs::names`]).
    ///
    /// ```
    /// use vigia_feed::DroppedCounts;
    /// use vigia_modes::SourceRef;
    /// let mut d = DroppedCounts::default();
    /// d.by_field[0] = 1875;
    /// d.first = Some(SourceRef { input: 0, record: 1, line: Some(2), row: None });
    /// assert_eq!(
    ///     d.summary(&["gliders.csv".into()]).unwrap(),
    ///     "vigia: fields with bad values dropped, records kept: callsign 1875 (first: gliders.csv:2)"
    /// );
    /// ```
    pub fn summary(&self, names: &[String]) -> Option<String> {
        let first = self.first?;
        let counts: Vec<String> = DroppedFields::NAMES
            .iter()
            .zip(self.by_field)
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| format!("{name} {n}"))
            .collect();
        let input = names.get(first.input as usize).map_or("?", String::as_str);
        let place = match (first.line, first.row) {
            (Some(line), _) => format!("{input}:{line}"),
            (None, Some(row)) => format!("{input} row {row}"),
            (None, None) => format!("{input} record {}", first.record),
        };
        Some(format!(
            "vigia: fields with bad values dropped, records kept: {} (first: {place})",
            counts.join(", ")
        ))
    }
}

impl Inputs {
    /// Read `paths` in order as `format` (`None`: detect each).
    pub fn new(paths: Vec<PathBuf>, format: Option<Format>) -> Self {
        Self {
            paths,
            format,
            receiver_clock: false,
            next_input: 0,
            current: None,
            record_no: 0,
            opened: 0,
            records: 0,
            timed_by_receiver: false,
            untimed: 0,
            dropped: DroppedCounts::default(),
            bytes_read: Arc::new(AtomicU64::new(0)),
            order_limit: 0,
            ordering: OrderingStats::default(),
            queue: VecDeque::new(),
            ahead: None,
            last_ordered: None,
            clocks: Clocks::default(),
            clocks_peak: 0,
            start: None,
            threads: 1,
            pieces: None,
            piece_input: None,
            piece_bytes: PIECE_BYTES,
        }
    }

    /// Read on `threads` threads, this one among them: the inputs are cut into pieces parsed
    /// and decoded on all of them (see [`Inputs::next_decoded`]); the items are the same, in
    /// the same order, as on one. Standard input and every format are read this way; hex and
    /// AVR lines are also parsed in parallel, other formats only decoded.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// On several threads: bytes per piece of hex and AVR lines (default 64 KiB). Small
    /// pieces are slower and change nothing else: tests and fuzzing use them to cut inputs
    /// in many places.
    #[doc(hidden)]
    pub fn piece_bytes(mut self, bytes: usize) -> Self {
        self.piece_bytes = bytes.max(1);
        self
    }

    /// Give frames without a receive time (Beast, AVR) their receiver counter as their time
    /// ([`vigia_modes::RawFrame::receiver_seconds`]); [`Inputs::timed_by_receiver`] then says
    /// whether any was, so that the caller can say the times are not dates. A capture merged
    /// from several receivers keeps one time base per receiver counter (see `Clocks`).
    pub fn receiver_clock(mut self, on: bool) -> Self {
        self.receiver_clock = on;
        self
    }

    /// Read each archive file (decoded state vectors: trajectory CSV or Parquet, SBS, readsb
    /// JSON) in time order, whatever its row order, by holding it in memory and sorting it
    /// (stably) — up to `max_records` records at a time: a larger input is ordered in chunks
    /// of that many (records out of order across chunks are left to the tracker's window). Frame captures are in arrival order by construction and standard input is a
    /// stream: both are read as they come (the tracker's reordering window applies). 0: off.
    pub fn order_by_time(mut self, max_records: usize) -> Self {
        self.order_limit = max_records;
        self
    }

    /// What ordering by time did so far.
    pub fn ordering(&self) -> OrderingStats {
        self.ordering
    }

    /// The inputs' names as errors and evidence cite them (`SourceRef::input` indexes this).
    pub fn names(&self) -> Vec<String> {
        self.paths.iter().map(|p| p.display().to_string()).collect()
    }

    /// Total size of the inputs that are files, bytes (for a progress bar).
    pub fn total_bytes(&self) -> u64 {
        self.paths
            .iter()
            .filter(|p| p.as_os_str() != "-")
            .filter_map(|p| std::fs::metadata(p).ok())
            .map(|m| m.len())
            .sum()
    }

    /// Bytes read so far from files (compressed size; standard input is not counted).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read.load(Ordering::Relaxed)
    }

    /// Inputs opened so far.
    pub fn opened(&self) -> usize {
        self.opened
    }

    /// Records read so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    /// Whether a frame was timed by its receiver counter (see [`Inputs::receiver_clock`]).
    pub fn timed_by_receiver(&self) -> bool {
        self.timed_by_receiver
    }

    /// Anchor receiver-clock captures to real time: each input's first frame timed by its
    /// counter is placed at `start` (Unix seconds), the rest follow their counters.
    pub fn start_at(mut self, start: Option<f64>) -> Self {
        self.start = start;
        self
    }

    /// Most receiver clocks found in one input (see [`Inputs::receiver_clock`]): more than one
    /// means a capture merged from several receivers, each timed by its own counter.
    pub fn receiver_clocks(&self) -> usize {
        self.clocks_peak
    }

    /// Frames with neither a receive time nor a counter (with the receiver clock on).
    pub fn untimed(&self) -> u64 {
        self.untimed
    }

    /// Fields dropped for bad values so far (their records were kept).
    pub fn dropped_fields(&self) -> &DroppedCounts {
        &self.dropped
    }

    /// Open the next path; `Err` with the item to report when it cannot be read.
    fn open_next(&mut self) -> Option<Result<(), InputItem>> {
        let index = self.next_input;
        let path = self.paths.get(index)?.clone();
        self.next_input += 1;
        self.record_no = 0;
        self.clocks = Clocks {
            anchor: self.start,
            ..Clocks::default()
        };
        let reader = open_input(&path, self.format, &self.bytes_read);
        Some(match reader {
            Ok(reader) => {
                self.opened += 1;
                self.current = Some((index as u32, reader));
                Ok(())
            }
            Err(error) => Err(InputItem::Unreadable { path, error }),
        })
    }
}

/// Open `path` (`-`: standard input) as the inputs are opened: a regular file counting what
/// is read into `bytes_read` (and seekable, for Parquet), anything else as a stream.
pub(crate) fn open_input(
    path: &std::path::Path,
    format: Option<Format>,
    bytes_read: &Arc<AtomicU64>,
) -> Result<RecordReader, FeedError> {
    if path.as_os_str() == "-" {
        return RecordReader::new("-", io::stdin(), format);
    }
    let name = path.display().to_string();
    match File::open(path) {
        // A FIFO, a process substitution (`<(zcat f)`) or a character device cannot
        // seek back: read it as a stream, like standard input.
        Ok(file) if !file.metadata().is_ok_and(|m| m.is_file()) => {
            RecordReader::new(name, file, format)
        }
        Ok(file) => {
            let counting = Counting {
                inner: file,
                read: bytes_read.clone(),
            };
            RecordReader::seekable(name, counting, format)
        }
        Err(cause) => Err(FeedError::Open {
            input: name.into(),
            cause,
        }),
    }
}

impl Inputs {
    /// The next item in file order.
    fn next_in_file_order(&mut self) -> Option<InputItem> {
        if self.threads > 1 {
            return self.next_in_pieces();
        }
        loop {
            let Some((input, reader)) = &mut self.current else {
                match self.open_next()? {
                    Ok(()) => continue,
                    Err(item) => return Some(item),
                }
            };
            let Some(item) = reader.next() else {
                self.current = None;
                continue;
            };
            let (input, line, row) = (*input, reader.last_line(), reader.last_row());
            return Some(self.numbered(input, item, line, row));
        }
    }

    /// With several threads ([`Inputs::threads`]): start reading now, so that the reading
    /// overlaps whatever the caller prepares before it asks for the first item (otherwise it
    /// starts then). When no thread can be had, the inputs are read on the caller's alone.
    pub fn start_reading(&mut self) {
        if self.threads < 2 || self.pieces.is_some() {
            return;
        }
        let parallel = Parallel::start(
            self.paths.clone(),
            self.format,
            self.bytes_read.clone(),
            self.threads,
            self.piece_bytes,
        );
        match parallel {
            Ok(parallel) => self.pieces = Some(Box::new(parallel)),
            Err(_) => self.threads = 1,
        }
    }

    /// [`Inputs::next_in_file_order`] from the pieces read on several threads.
    fn next_in_pieces(&mut self) -> Option<InputItem> {
        if self.pieces.is_none() {
            self.start_reading();
            if self.threads < 2 {
                return self.next_in_file_order();
            }
        }
        loop {
            let item = self.pieces.as_mut()?.next_item()?;
            let Some(input) = self.piece_input else {
                match item {
                    Item::Opened(index) => self.opened_input(index),
                    Item::Unreadable(unreadable) => {
                        let (path, error) = *unreadable;
                        self.opened_input(u32::MAX);
                        self.piece_input = None;
                        return Some(InputItem::Unreadable { path, error });
                    }
                    _ => {}
                }
                continue;
            };
            return Some(match item {
                Item::Frame(frame) => self.numbered(input, Ok(Record::Frame(frame)), None, None),
                Item::Other(other) => {
                    let (item, line, row) = *other;
                    self.numbered(input, item, line, row)
                }
                Item::Ended => {
                    self.piece_input = None;
                    continue;
                }
                Item::Opened(_) | Item::Unreadable(_) => continue,
            });
        }
    }

    /// A new input begins (`u32::MAX`: one that could not be opened).
    fn opened_input(&mut self, index: u32) {
        self.next_input += 1;
        self.record_no = 0;
        self.clocks = Clocks {
            anchor: self.start,
            ..Clocks::default()
        };
        if index != u32::MAX {
            self.opened += 1;
            self.piece_input = Some(index);
        }
    }

    /// A record of `input` (or why it was rejected) numbered, timed and counted.
    #[inline]
    fn numbered(
        &mut self,
        input: u32,
        item: Result<Record, FeedError>,
        line: Option<u64>,
        row: Option<u64>,
    ) -> InputItem {
        let mut record = match item {
            Ok(record) => record,
            Err(error) => return InputItem::Bad(error),
        };
        self.record_no += 1;
        self.records += 1;
        if let (true, Record::Frame(frame)) = (self.receiver_clock, &mut record) {
            if frame.ts.is_none() {
                match frame.receiver_seconds() {
                    Some(seconds) => {
                        frame.ts = Some(self.clocks.time(seconds));
                        self.clocks_peak = self.clocks_peak.max(self.clocks.bases.len());
                        self.timed_by_receiver = true;
                    }
                    None => self.untimed += 1,
                }
            }
        }
        let source = SourceRef {
            input,
            record: self.record_no,
            line,
            row,
        };
        if let Record::State(state) = &record {
            if !state.dropped.is_empty() {
                self.dropped.count(state.dropped, source);
            }
        }
        InputItem::Record(record, source)
    }
}

impl Inputs {
    /// The input being read, if any.
    fn current_input(&self) -> Option<u32> {
        match self.threads {
            0 | 1 => self.current.as_ref().map(|(input, _)| *input),
            _ => self.piece_input,
        }
    }

    /// The next item when the queue is empty: handed out at once (frames, errors), or, when it
    /// is the first record of an archive file to order, the start of that file read ahead and
    /// ordered into the queue.
    fn fill(&mut self) -> Option<InputItem> {
        let first = self.ahead.take().or_else(|| self.next_in_file_order())?;
        let input = match &first {
            InputItem::Record(Record::State(_), source)
                if self.order_limit > 0
                    && self
                        .paths
                        .get(source.input as usize)
                        .is_some_and(|p| p.as_os_str() != "-") =>
            {
                source.input
            }
            _ => return Some(first),
        };
        let InputItem::Record(record, source) = first else {
            return None;
        };
        let mut held = vec![(record, source)];
        let mut latest = held[0].0.ts().unwrap_or(f64::NEG_INFINITY);
        let mut late = 0;
        let mut overflow = false;
        while let Some(item) = self.next_in_file_order() {
            match item {
                InputItem::Record(record, source) if source.input == input => {
                    let ts = record.ts().unwrap_or(f64::NEG_INFINITY);
                    late += u64::from(ts < latest);
                    latest = latest.max(ts);
                    held.push((record, source));
                    if held.len() >= self.order_limit {
                        // Too large to hold at once: ordered in chunks of the limit.
                        overflow = true;
                        break;
                    }
                }
                InputItem::Bad(error) if self.current_input() == Some(input) => {
                    self.queue.push_back(InputItem::Bad(error));
                }
                other => {
                    // A frame's decoding is still the pieces' last one: none is read
                    // before it is handed out.
                    self.ahead = Some(other);
                    break;
                }
            }
        }
        if late > 0 {
            held.sort_by(|a, b| {
                let t = |r: &Record| r.ts().unwrap_or(f64::NEG_INFINITY);
                t(&a.0).total_cmp(&t(&b.0))
            });
        }
        match &mut self.last_ordered {
            Some((last, overflowed)) if *last == input => {
                if overflow && !*overflowed {
                    self.ordering.too_large_inputs += 1;
                    *overflowed = true;
                }
            }
            _ => {
                self.ordering.ordered_inputs += 1;
                self.ordering.too_large_inputs += u64::from(overflow);
                self.last_ordered = Some((input, overflow));
            }
        }
        self.ordering.out_of_order_records += late;
        self.queue
            .extend(held.into_iter().map(|(r, s)| InputItem::Record(r, s)));
        self.queue.pop_front()
    }

    /// When the inputs are read on several threads ([`Inputs::threads`]): the
    /// `vigia_modes::decode` of the frame last handed out, made while reading (`None`: it does
    /// not decode). Meaningless after any other record, and on one thread (see
    /// [`Inputs::decodes`]).
    #[inline]
    pub fn message(&self) -> Option<&Message> {
        self.pieces.as_ref()?.message()
    }

    /// Whether frames come with their decoding ([`Inputs::message`]).
    pub fn decodes(&self) -> bool {
        self.threads > 1
    }
}

impl Iterator for Inputs {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
        if self.order_limit == 0 {
            return self.next_in_file_order();
        }
        match self.queue.pop_front() {
            Some(item) => Some(item),
            None => self.fill(),
        }
    }
}

/// Counts bytes read from a file, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Parquet is read by seeking to its column chunks; what is read is still counted.
impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, position: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(position)
    }
}

#[cfg(test)]
mod clock_tests {
    use super::Clocks;

    #[test]
    fn two_receiver_counters_become_one_timeline() {
        // Receiver A's counter near 1 000 s, B's near 50 000 s; frames alternate, 0.1 s apart.
        let mut clocks = Clocks::default();
        let mut times = Vec::new();
        for k in 0..100 {
            let t = f64::from(k) * 0.1;
            let counter = if k % 2 == 0 {
                1_000.0 + t
            } else {
                50_000.0 + t
            };
            times.push(clocks.time(counter));
        }
        assert_eq!(clocks.bases.len(), 2);
        // One timeline, in arrival order, in A's seconds.
        assert!(
            times.windows(2).all(|w| (w[1] - w[0] - 0.1).abs() < 0.11),
            "{times:?}"
        );
        assert_eq!(times[0], 1_000.0);
        // One receiver that falls silent for 10 minutes keeps its clock.
        let mut clocks = Clocks::default();
        assert_eq!(clocks.time(10.0), 10.0);
        assert_eq!(clocks.time(610.0), 610.0);
        assert_eq!(clocks.bases.len(), 1);
        // A clock no longer heard is forgotten past the limit: memory stays bounded.
        let mut clocks = Clocks::default();
        for k in 0..100 {
            clocks.time(f64::from(k) * 100_000.0);
        }
        assert_eq!(clocks.bases.len(), Clocks::MAX);
    }
}
