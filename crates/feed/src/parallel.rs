//! Reading on several threads: the inputs cut into pieces that are parsed and their Mode S
//! frames decoded on every thread, handed to the caller in file order.
//!
//! Owns the cutting and the hand-over; [`crate::Inputs`] numbers the records, times the
//! frames and orders the archives exactly as when it reads on its own, so the caller sees the
//! same items in the same order (the commands' tests compare the bytes of their results).
//!
//! How the work is shared: one [`Splitter`], behind a lock, opens the inputs in order and
//! cuts the next piece — for hex and AVR lines, a block of bytes ending at a newline, read on
//! its own by a framer told its first line's number (and, for hex, whether a header may still
//! come); for any other format, the next records as its reader yields them. Pieces are parsed
//! and decoded outside the lock by whoever claimed them: the helper threads, and the caller
//! itself when the piece it needs next has not been claimed yet — so the caller's own work
//! (tracking, detection) and the reading balance without a fixed split. Memory is bounded:
//! at most [`Parallel::LOOKAHEAD`] pieces per thread are claimed ahead of the caller.

use std::any::Any;
use std::collections::VecDeque;
use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

use vigia_modes::{decode, Message, RawFrame, Record};

use crate::framer::{hex, AnyFramer, AvrFramer, Framer, HexFramer, MAX_LINE_BYTES};
use crate::inputs::open_input;
use crate::reader::LineStream;
use crate::{FeedError, Format, FrameError, Location, RecordReader};

/// Bytes read per piece of a line format (plus the partial line carried from the last one),
/// unless told otherwise ([`crate::Inputs::piece_bytes`]: tests cut inputs into many pieces).
pub(crate) const PIECE_BYTES: usize = 64 * 1024;

/// Records per piece of any other format, for pieces of `piece_bytes`.
fn records_per_piece(piece_bytes: usize) -> usize {
    (piece_bytes / 16).clamp(1, 4096)
}

/// What the pieces hold, in file order (small: each is moved on its way out).
pub(crate) enum Item {
    /// Input `index` was opened; its items follow.
    Opened(u32),
    /// An input that could not be opened or recognised: its path as given, and why.
    Unreadable(Box<(PathBuf, FeedError)>),
    /// A frame (its decoding is in the piece's `messages`, in the order of the frames).
    Frame(RawFrame),
    /// Any other record, or a rejected one, with its line or row when the format has them.
    Other(Box<Other>),
    /// The input opened last has no more items.
    Ended,
}

/// A record other than a frame, or a rejected one: (the record or why, line, row).
pub(crate) type Other = (Result<Record, FeedError>, Option<u64>, Option<u64>);

/// A rejected record without line or row.
fn bad(error: FeedError) -> Item {
    Item::Other(Box::new((Err(error), None, None)))
}

/// A piece's items, and `vigia_modes::decode` of each of its frames (`None`: it does not
/// decode), in order.
#[derive(Default)]
pub(crate) struct Piece {
    items: Vec<Item>,
    messages: Vec<Option<Message>>,
    /// For a piece of lines: how many it covers, its errors' lines numbered from 1 within it
    /// (the caller, who knows the lines before, moves them). `None`: numbered in the input.
    lines: Option<u64>,
}

impl Piece {
    fn decoded(items: Vec<Item>) -> Self {
        let messages = items
            .iter()
            .filter_map(|item| match item {
                Item::Frame(frame) => Some(decode(frame.message()).ok()),
                _ => None,
            })
            .collect();
        Piece {
            items,
            messages,
            lines: None,
        }
    }
}

/// A piece claimed, to be made into items outside the lock.
enum Work {
    /// Whole lines of a hex or AVR input.
    Lines {
        input: Arc<str>,
        format: Format,
        bytes: Vec<u8>,
        past_header: bool,
        /// The input's end: an unterminated last line is read as the framer reads it at end,
        /// and the input's end follows.
        last: bool,
    },
    /// Items already cut (frames still to decode).
    Items(Vec<Item>),
    /// A line of a hex or AVR input over the length limit, reported as the framer reports
    /// it; its bytes are dropped up to its newline.
    TooLong(Arc<str>),
}

impl Work {
    fn into_piece(self) -> Piece {
        match self {
            Work::Items(items) => Piece::decoded(items),
            Work::TooLong(input) => Piece {
                items: vec![bad(FeedError::Frame {
                    input,
                    error: FrameError::LineTooLong {
                        at: Location::Line(1),
                        max: MAX_LINE_BYTES,
                    },
                })],
                messages: Vec::new(),
                lines: Some(1),
            },
            Work::Lines {
                input,
                format,
                bytes,
                past_header,
                last,
            } => {
                let mut framer = match format {
                    Format::Avr => AnyFramer::Avr(AvrFramer::new()),
                    _ => AnyFramer::Hex(HexFramer::continuing(past_header)),
                };
                let mut piece = Piece {
                    items: Vec::with_capacity(bytes.len() / 40),
                    messages: Vec::with_capacity(bytes.len() / 40),
                    lines: None,
                };
                framer.push(&bytes);
                drop(bytes);
                if last {
                    framer.finish();
                }
                while let Some(item) = framer.next_item() {
                    piece.items.push(match item {
                        Ok(Record::Frame(frame)) => {
                            piece.messages.push(decode(frame.message()).ok());
                            Item::Frame(frame)
                        }
                        Ok(other) => Item::Other(Box::new((Ok(other), None, None))),
                        Err(error) => bad(FeedError::Frame {
                            input: input.clone(),
                            error,
                        }),
                    });
                }
                piece.lines = framer.next_line().map(|next| next - 1);
                if last {
                    piece.items.push(Item::Ended);
                }
                piece
            }
        }
    }
}

/// The input being cut.
enum Current {
    /// Hex or AVR lines, cut into blocks of whole lines.
    Lines {
        stream: LineStream,
        /// A line before was neither blank nor a comment (hex: no header after it).
        past_header: bool,
        /// Inside a line over the limit (reported): its bytes are dropped up to its newline.
        discarding: bool,
        /// The source ended (or failed): what is pending is the last of it.
        ended: bool,
        /// Why the source failed, to report after the whole lines read before.
        failed: Option<io::Error>,
    },
    /// Any other format, record by record.
    Records(Box<RecordReader>),
}

/// Opens the inputs in order and cuts the next piece.
struct Splitter {
    paths: Vec<PathBuf>,
    format: Option<Format>,
    bytes_read: Arc<AtomicU64>,
    next_input: usize,
    /// Pieces claimed so far: the next one's number.
    next_seq: u64,
    /// Bytes read per piece of lines.
    piece_bytes: usize,
    current: Option<Current>,
}

impl Splitter {
    /// The next piece, or `None` when every input has been cut.
    fn claim(&mut self) -> Option<(u64, Work)> {
        let work = self.cut()?;
        self.next_seq += 1;
        Some((self.next_seq - 1, work))
    }

    fn cut(&mut self) -> Option<Work> {
        let Some(current) = &mut self.current else {
            let index = self.next_input;
            let path = self.paths.get(index)?.clone();
            self.next_input += 1;
            return Some(Work::Items(vec![
                match open_input(&path, self.format, &self.bytes_read) {
                    Ok(reader) => {
                        self.current = Some(match reader.into_line_stream() {
                            Ok(stream) => Current::Lines {
                                stream,
                                past_header: false,
                                discarding: false,
                                ended: false,
                                failed: None,
                            },
                            Err(reader) => Current::Records(reader),
                        });
                        Item::Opened(index as u32)
                    }
                    Err(error) => Item::Unreadable(Box::new((path, error))),
                },
            ]));
        };
        match current {
            Current::Records(reader) => {
                let per_piece = records_per_piece(self.piece_bytes);
                let mut items = Vec::with_capacity(per_piece);
                while items.len() < per_piece {
                    let Some(item) = reader.next() else { break };
                    items.push(match item {
                        Ok(Record::Frame(frame)) => Item::Frame(frame),
                        item => {
                            Item::Other(Box::new((item, reader.last_line(), reader.last_row())))
                        }
                    });
                }
                if items.len() < per_piece {
                    items.push(Item::Ended);
                    self.current = None;
                }
                Some(Work::Items(items))
            }
            Current::Lines {
                stream,
                past_header,
                discarding,
                ended,
                failed,
            } => {
                if *ended && (*discarding || last_newline(&stream.pending).is_none()) {
                    if let Some(cause) = failed.take() {
                        // As the reader does: the lines read before the error, the error,
                        // then the unfinished line.
                        return Some(Work::Items(vec![bad(FeedError::Read {
                            input: stream.input.clone(),
                            offset: stream.read,
                            cause,
                        })]));
                    }
                    let last = Work::Lines {
                        input: stream.input.clone(),
                        format: stream.format,
                        bytes: std::mem::take(&mut stream.pending),
                        past_header: *past_header,
                        last: true,
                    };
                    self.current = None;
                    return Some(last);
                }
                loop {
                    // Whole lines pending: they are the piece.
                    if !*discarding {
                        if let Some(newline) = last_newline(&stream.pending) {
                            let rest = stream.pending.split_off(newline + 1);
                            let bytes = std::mem::replace(&mut stream.pending, rest);
                            let was_past_header = *past_header;
                            if !*past_header && stream.format == Format::Hex {
                                *past_header = hex::has_content_line(&bytes);
                            }
                            return Some(Work::Lines {
                                input: stream.input.clone(),
                                format: stream.format,
                                past_header: was_past_header,
                                last: false,
                                bytes,
                            });
                        }
                        if stream.pending.len() > MAX_LINE_BYTES {
                            // A line over the limit, not ended yet: reported once (as the
                            // framer reports it), its bytes dropped up to its newline.
                            stream.pending.clear();
                            *discarding = true;
                            *past_header = true;
                            return Some(Work::TooLong(stream.input.clone()));
                        }
                    }
                    let start = stream.pending.len();
                    stream.pending.reserve(self.piece_bytes);
                    let read = (&mut *stream.source)
                        .take(self.piece_bytes as u64)
                        .read_to_end(&mut stream.pending);
                    let n = stream.pending.len() - start;
                    stream.read += n as u64;
                    if *discarding {
                        match stream.pending.iter().position(|&b| b == b'\n') {
                            Some(newline) => {
                                stream.pending.drain(..=newline);
                                *discarding = false;
                            }
                            None => stream.pending.clear(),
                        }
                    }
                    match read {
                        Ok(0) => {
                            *ended = true;
                            return self.cut();
                        }
                        Ok(_) => {}
                        Err(cause) => {
                            *ended = true;
                            *failed = Some(cause);
                            return self.cut();
                        }
                    }
                }
            }
        }
    }
}

fn last_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().rposition(|&b| b == b'\n')
}

/// A piece's items, or the panic of the thread that made them.
type Made = Result<Piece, Box<dyn Any + Send>>;

/// The pieces made and not yet taken.
struct Slots {
    /// Made pieces by number, from `base` (`None`: not made yet).
    made: VecDeque<Option<Made>>,
    /// The number of the next piece the caller takes.
    base: u64,
    /// Pieces below this number have been claimed.
    claimed: u64,
    /// Every input has been cut.
    finished: bool,
    /// The caller is gone: helpers stop.
    stop: bool,
}

impl Slots {
    fn put(&mut self, seq: u64, made: Made) {
        let at = (seq - self.base) as usize;
        if self.made.len() <= at {
            self.made.resize_with(at + 1, || None);
        }
        self.made[at] = Some(made);
    }
}

struct Shared {
    splitter: Mutex<Splitter>,
    slots: Mutex<Slots>,
    changed: Condvar,
    lookahead: u64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Claim the next piece.
    fn claim(&self) -> Option<(u64, Work)> {
        let mut splitter = lock(&self.splitter);
        let claimed = splitter.claim();
        let mut slots = lock(&self.slots);
        match &claimed {
            Some((seq, _)) => slots.claimed = seq + 1,
            None => {
                slots.finished = true;
                self.changed.notify_all();
            }
        }
        claimed
    }

    fn helper(&self) {
        loop {
            {
                let mut slots = lock(&self.slots);
                while !slots.stop && !slots.finished && slots.claimed - slots.base >= self.lookahead
                {
                    slots = self
                        .changed
                        .wait(slots)
                        .unwrap_or_else(std::sync::PoisonError::into_inner);
                }
                if slots.stop || slots.finished {
                    return;
                }
            }
            let Some((seq, work)) = self.claim() else {
                return;
            };
            let made = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work.into_piece()));
            lock(&self.slots).put(seq, made);
            self.changed.notify_all();
        }
    }
}

/// The inputs read in pieces on `threads` threads (the caller's among them).
pub(crate) struct Parallel {
    shared: Arc<Shared>,
    helpers: Vec<JoinHandle<()>>,
    /// The items of the piece being handed out, and its frames' decodings.
    items: std::vec::IntoIter<Item>,
    messages: Vec<Option<Message>>,
    /// Frames of the piece handed out so far.
    frames: usize,
    /// Lines of the input before the piece being handed out, and the piece's own (when it
    /// is a piece of lines, numbered from 1).
    lines_before: u64,
    piece_lines: Option<u64>,
}

impl Parallel {
    /// Pieces claimed ahead of the caller, per thread.
    pub(crate) const LOOKAHEAD: u64 = 4;

    /// Start reading `paths` (as `format`, `None`: recognise each) on `threads - 1` helper
    /// threads and the caller's.
    pub(crate) fn start(
        paths: Vec<PathBuf>,
        format: Option<Format>,
        bytes_read: Arc<AtomicU64>,
        threads: usize,
        piece_bytes: usize,
    ) -> io::Result<Self> {
        let shared = Arc::new(Shared {
            splitter: Mutex::new(Splitter {
                paths,
                format,
                bytes_read,
                next_input: 0,
                next_seq: 0,
                piece_bytes: piece_bytes.max(1),
                current: None,
            }),
            slots: Mutex::new(Slots {
                made: VecDeque::new(),
                base: 0,
                claimed: 0,
                finished: false,
                stop: false,
            }),
            changed: Condvar::new(),
            lookahead: Self::LOOKAHEAD * threads.max(1) as u64,
        });
        let mut parallel = Parallel {
            shared: shared.clone(),
            helpers: Vec::new(),
            items: Vec::new().into_iter(),
            messages: Vec::new(),
            frames: 0,
            lines_before: 0,
            piece_lines: None,
        };
        for i in 1..threads {
            let shared = shared.clone();
            parallel.helpers.push(
                std::thread::Builder::new()
                    .name(format!("vigia-read-{i}"))
                    .spawn(move || shared.helper())?,
            );
        }
        Ok(parallel)
    }

    /// The next item, in file order.
    #[inline]
    pub(crate) fn next_item(&mut self) -> Option<Item> {
        loop {
            if let Some(mut item) = self.items.next() {
                match &mut item {
                    Item::Frame(_) => self.frames += 1,
                    Item::Other(other) => {
                        if let (Err(FeedError::Frame { error, .. }), Some(_)) =
                            (&mut other.0, self.piece_lines)
                        {
                            if let Location::Line(line) = error.location_mut() {
                                *line += self.lines_before;
                            }
                        }
                    }
                    Item::Opened(_) => self.lines_before = 0,
                    Item::Unreadable(_) | Item::Ended => {}
                }
                return Some(item);
            }
            self.lines_before += self.piece_lines.unwrap_or(0);
            let piece = self.next_piece()?;
            self.items = piece.items.into_iter();
            self.messages = piece.messages;
            self.piece_lines = piece.lines;
            self.frames = 0;
        }
    }

    /// The decoding of the frame last handed out (`None` also before any).
    #[inline]
    pub(crate) fn message(&self) -> Option<&Message> {
        self.messages.get(self.frames.checked_sub(1)?)?.as_ref()
    }

    /// The next piece: made by a helper, or here. While the next one is being made by a
    /// helper, this thread makes one further ahead rather than wait.
    fn next_piece(&mut self) -> Option<Piece> {
        let shared = &*self.shared;
        loop {
            let mut slots = lock(&shared.slots);
            if let Some(Some(_)) = slots.made.front() {
                let made = slots.made.pop_front().flatten();
                slots.base += 1;
                drop(slots);
                shared.changed.notify_all();
                return made.map(|m| m.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
            }
            let wanted = slots.base;
            if slots.finished && slots.claimed == wanted {
                return None;
            }
            if !slots.finished && slots.claimed - wanted < shared.lookahead {
                drop(slots);
                let Some((seq, work)) = shared.claim() else {
                    continue;
                };
                let piece = work.into_piece();
                let mut slots = lock(&shared.slots);
                if seq != wanted {
                    slots.put(seq, Ok(piece));
                    continue;
                }
                if !slots.made.is_empty() {
                    slots.made.pop_front();
                }
                slots.base += 1;
                drop(slots);
                shared.changed.notify_all();
                return Some(piece);
            }
            // The next piece is being made by a helper, and nothing more may be claimed.
            drop(
                shared
                    .changed
                    .wait(slots)
                    .unwrap_or_else(std::sync::PoisonError::into_inner),
            );
        }
    }
}

impl Drop for Parallel {
    fn drop(&mut self) {
        lock(&self.shared.slots).stop = true;
        self.shared.changed.notify_all();
        for helper in self.helpers.drain(..) {
            let _ = helper.join();
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use proptest::prelude::*;
    use vigia_modes::decode;

    use crate::{InputItem, Inputs};

    /// Everything `Inputs` hands out on `threads` threads, as text, with each frame's
    /// decoding when the threads made it; and the counts it keeps.
    fn read(paths: &[PathBuf], threads: usize) -> (Vec<String>, String) {
        let mut inputs = Inputs::new(paths.to_vec(), None)
            .receiver_clock(true)
            .order_by_time(50)
            .threads(threads)
            .piece_bytes(97);
        let mut items = Vec::new();
        while let Some(item) = inputs.next() {
            if let (true, InputItem::Record(vigia_modes::Record::Frame(frame), _)) =
                (inputs.decodes(), &item)
            {
                assert_eq!(
                    inputs.message(),
                    decode(frame.message()).ok().as_ref(),
                    "the decoding handed out is the frame's"
                );
            }
            items.push(match item {
                InputItem::Bad(e) => format!("bad {e}"),
                InputItem::Unreadable { path, error } => {
                    format!("unreadable {} {error}", path.display())
                }
                other => format!("{other:?}"),
            });
        }
        let counts = format!(
            "opened {} records {} untimed {} clocks {} by receiver {} ordering {:?} dropped {:?}",
            inputs.opened(),
            inputs.records(),
            inputs.untimed(),
            inputs.receiver_clocks(),
            inputs.timed_by_receiver(),
            inputs.ordering(),
            inputs.dropped_fields(),
        );
        (items, counts)
    }

    fn same_on_every_thread_count(paths: &[PathBuf]) -> Vec<String> {
        let one = read(paths, 1);
        for threads in [2, 3] {
            let many = read(paths, threads);
            assert_eq!(one.1, many.1, "counts on {threads} threads");
            assert_eq!(one.0.len(), many.0.len(), "items on {threads} threads");
            for (k, (a, b)) in one.0.iter().zip(&many.0).enumerate() {
                assert_eq!(a, b, "item {k} on {threads} threads");
            }
        }
        one.0
    }

    const FRAMES: [&str; 4] = [
        "8d4840d6202cc371c32ce0576098",
        "5d4840d6202cc3",
        "1a33000023bb50f025903907dbc1b50fca1ad701efd570",
        "8d40621d58c382d690c8ac2863a7",
    ];

    /// One line of a hex file, good or bad in every way the framer knows.
    fn hex_line() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (0usize..4, 0u32..100_000).prop_map(|(f, t)| format!("{}.{t:05},{}\n", 1_700_000_000 + t / 10, FRAMES[f])),
            2 => (0usize..4).prop_map(|f| format!("{}\r\n", FRAMES[f])),
            1 => Just("timestamp,hex\n".to_string()),
            1 => Just("# a comment\n".to_string()),
            1 => Just("\n".to_string()),
            1 => Just("   \r\n".to_string()),
            1 => Just("12x.5,8d4840d6202cc371c32ce0576098\n".to_string()),
            1 => Just("1.5,8d4840d6zz\n".to_string()),
            1 => Just("1.5,8d4840d6202c\n".to_string()),
            1 => (0usize..3).prop_map(|k| format!("{}\n", ["x"; 3][k].repeat(70_000 + k))),
        ]
    }

    fn write(dir: &Path, name: &str, bytes: &[u8], gzip: bool) -> PathBuf {
        let path = dir.join(name);
        let mut file = std::fs::File::create(&path).unwrap();
        if gzip {
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(bytes).unwrap();
            gz.finish().unwrap();
        } else {
            file.write_all(bytes).unwrap();
        }
        path
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Hex lines cut into pieces and read on several threads give exactly what one thread
        /// gives: the same frames, errors at the same lines, headers taken only before the
        /// first line of content, over-long lines reported once, an unterminated last line.
        #[test]
        fn hex_lines_read_in_pieces_are_read_as_on_one_thread(
            files in prop::collection::vec(
                (prop::collection::vec(hex_line(), 0..120), any::<bool>(), any::<bool>()),
                1..4,
            ),
        ) {
            let dir = tempfile::tempdir().unwrap();
            let mut paths = Vec::new();
            for (k, (lines, gzip, cut_last)) in files.iter().enumerate() {
                let mut text = lines.concat().into_bytes();
                if *cut_last && text.last() == Some(&b'\n') {
                    text.pop();
                }
                paths.push(write(dir.path(), &format!("{k}.txt"), &text, *gzip));
            }
            same_on_every_thread_count(&paths);
        }
    }

    #[test]
    fn every_format_and_unreadable_inputs_come_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let hex = write(
            dir.path(),
            "frames.txt",
            b"timestamp,hex\n1.5,8d4840d6202cc371c32ce0576098\n2.0,8d4840d6zz\n2.5,5d4840d6202cc3\n",
            false,
        );
        let avr = write(
            dir.path(),
            "frames.avr",
            b"@0000000000008d4840d6202cc371c32ce0576098;\n@000001000000 bad\n@0000020000005d4840d6202cc3;\n*8d4840d6202cc371c32ce0576098;\n",
            true,
        );
        let mut beast = Vec::new();
        for k in 0..7u8 {
            beast.extend_from_slice(&[0x1a, b'2', 0, 0, 0, 0, k, 0x10, 0x20]);
            beast.extend_from_slice(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]);
        }
        beast.extend_from_slice(&[0x1a, b'3', 1, 2]);
        let beast = write(dir.path(), "frames.bin", &beast, false);
        let csv = write(
            dir.path(),
            "states.csv",
            b"time,icao24,lat,lon,callsign\n30,4840d6,43.6,1.4,AFR1\n10,4840d6,43.5,1.3,AFR1\n20,4840d6,43.55,1.35,AFR1\n40,4840d6,bad,1.45,AFR1\n",
            false,
        );
        let truncated = {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            for t in 0..400 {
                writeln!(gz, "{t}.5,8d4840d6202cc371c32ce0576098").unwrap();
            }
            let bytes = gz.finish().unwrap();
            write(dir.path(), "cut.txt.gz", &bytes[..bytes.len() / 2], false)
        };
        let missing = dir.path().join("missing.txt");
        let items = same_on_every_thread_count(&[
            hex,
            missing.clone(),
            avr,
            beast,
            csv,
            truncated,
            missing,
        ]);
        let text = items.join("\n");
        for expected in [
            "line 3: not a hex digit",
            "unreadable",
            "frames.avr",
            "frames.avr: line 2: not a line of this format",
            "frames.bin: byte 112: input ends inside a frame",
            "State(",
            "cut.txt.gz: read failed after",
            "cut.txt.gz: line 191: input ends inside a frame",
        ] {
            assert!(text.contains(expected), "{expected} in\n{text}");
        }
    }
}
