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

use std::fs::File;
use std::io::{self, Read, Seek};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use vigia_modes::{Record, SourceRef};

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
    bytes_read: Arc<AtomicU64>,
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
            bytes_read: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Give frames without a receive time (Beast, AVR) their receiver counter as their time
    /// ([`vigia_modes::RawFrame::receiver_seconds`]); [`Inputs::timed_by_receiver`] then says
    /// whether any was, so that the caller can say the times are not dates.
    pub fn receiver_clock(mut self, on: bool) -> Self {
        self.receiver_clock = on;
        self
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

    /// Frames with neither a receive time nor a counter (with the receiver clock on).
    pub fn untimed(&self) -> u64 {
        self.untimed
    }

    /// Open the next path; `Err` with the item to report when it cannot be read.
    fn open_next(&mut self) -> Option<Result<(), InputItem>> {
        let index = self.next_input;
        let path = self.paths.get(index)?.clone();
        self.next_input += 1;
        self.record_no = 0;
        let reader = if path.as_os_str() == "-" {
            RecordReader::new("-", io::stdin(), self.format)
        } else {
            let name = path.display().to_string();
            match File::open(&path) {
                Ok(file) => {
                    let counting = Counting {
                        inner: file,
                        read: self.bytes_read.clone(),
                    };
                    RecordReader::seekable(name, counting, self.format)
                }
                Err(cause) => Err(FeedError::Open {
                    input: name.into(),
                    cause,
                }),
            }
        };
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

impl Iterator for Inputs {
    type Item = InputItem;

    fn next(&mut self) -> Option<InputItem> {
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
            let mut record = match item {
                Ok(record) => record,
                Err(error) => return Some(InputItem::Bad(error)),
            };
            self.record_no += 1;
            self.records += 1;
            if let (true, Record::Frame(frame)) = (self.receiver_clock, &mut record) {
                if frame.ts.is_none() {
                    match frame.receiver_seconds() {
                        Some(seconds) => {
                            frame.ts = Some(seconds);
                            self.timed_by_receiver = true;
                        }
                        None => self.untimed += 1,
                    }
                }
            }
            let source = SourceRef {
                input: *input,
                record: self.record_no,
                line: reader.last_line(),
                row: reader.last_row(),
            };
            return Some(InputItem::Record(record, source));
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
