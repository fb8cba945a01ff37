//! Streaming readers: any `Read` (a file, stdin) → decompression → a framer → [`Record`]s, with
//! errors that name the input and running counters ([`Stats`]).
//!
//! Owns the I/O half of "frames in": opening paths (`-` is stdin), recognising gzip and zstd,
//! choosing or detecting the format, feeding the framer in fixed-size chunks (memory does not
//! grow with the input), and counting. Parquet is not a byte stream: a seekable file is handed
//! to `parquet/` as is, any other source (standard input, a FIFO, a compressed file) is first
//! copied to an anonymous temporary file (at most [`MAX_SPILL_BYTES`]). It does not frame anything itself (`framer/`), and it has no sockets (TCP
//! sources are a separate concern).

use crate::framer::{AnyFramer, Framer};
use crate::parquet::{ParquetRows, ReadSeek, MAGIC as PARQUET_MAGIC};
use crate::{detect_format, ErrorKind, Format, FrameError, Record};
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

/// Bytes read from the source per framer push.
const CHUNK_BYTES: usize = 64 * 1024;
/// Bytes looked at to detect the format (fewer if the input is shorter).
const DETECT_BYTES: usize = 4096;
/// Largest Parquet file read from a stream or decompressed (spilled to a temporary file), bytes.
pub const MAX_SPILL_BYTES: u64 = 16 << 30;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// A problem with an input: a rejected frame, line or entry (the stream goes on), or a failure
/// to open or read it. Every variant names the input (a path, or `-` for stdin).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FeedError {
    /// One frame, line or entry was rejected; reading continues with the next.
    #[error("{input}: {error}")]
    Frame {
        /// The input's name.
        input: Arc<str>,
        /// What was wrong, and where.
        error: FrameError,
    },
    /// The input could not be opened.
    #[error("{input}: cannot open")]
    Open {
        /// The input's name.
        input: Arc<str>,
        /// The cause.
        #[source]
        cause: io::Error,
    },
    /// Reading (or decompressing) failed; the stream ends after this error. The message says
    /// why (a directory, a truncated or corrupt gzip/zstd stream, an I/O error).
    #[error("{input}: read failed after {offset} bytes: {cause}")]
    Read {
        /// The input's name.
        input: Arc<str>,
        /// Decompressed bytes read successfully before the failure.
        offset: u64,
        /// The cause.
        cause: io::Error,
    },
    /// No format was given and the first bytes match none.
    #[error("{input}: cannot tell the format from the first bytes; name it (one of beast, hex, avr, sbs, readsb-trace, readsb-aircraft, csv, parquet)")]
    UnknownFormat {
        /// The input's name.
        input: Arc<str>,
    },
    /// A Parquet input whose footer or schema cannot be read; nothing of it is read.
    #[error("{input}: not a readable Parquet file: {cause}")]
    Parquet {
        /// The input's name.
        input: Arc<str>,
        /// What the decoder said.
        cause: String,
    },
}

impl FeedError {
    /// The rejected piece's error, when this is a per-record error.
    pub fn frame_error(&self) -> Option<&FrameError> {
        match self {
            FeedError::Frame { error, .. } => Some(error),
            _ => None,
        }
    }

    /// How many input records this error stands for ([`FrameError::records`]; one for a
    /// failure that is not about a record).
    pub fn records(&self) -> u64 {
        self.frame_error().map_or(1, FrameError::records)
    }
}

/// Counters kept by a [`RecordReader`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    bytes: u64,
    frames: u64,
    states: u64,
    rejected: [u64; ErrorKind::ALL.len()],
}

impl Stats {
    /// Decompressed bytes read (for Parquet: the compressed size of the row groups read so
    /// far, and the whole file's size at its end).
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Raw frames yielded.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// State vectors yielded.
    pub fn states(&self) -> u64 {
        self.states
    }

    /// Records yielded (frames and state vectors).
    pub fn records(&self) -> u64 {
        self.frames + self.states
    }

    /// Rejections of one kind.
    pub fn rejected(&self, kind: ErrorKind) -> u64 {
        self.rejected[kind.index()]
    }

    /// Rejections of all kinds.
    pub fn rejected_total(&self) -> u64 {
        self.rejected.iter().sum()
    }

    /// The kinds with at least one rejection, with their counts.
    pub fn rejected_by_kind(&self) -> impl Iterator<Item = (ErrorKind, u64)> + '_ {
        ErrorKind::ALL
            .into_iter()
            .map(|kind| (kind, self.rejected(kind)))
            .filter(|&(_, count)| count > 0)
    }

    /// Count one framer outcome.
    pub fn count(&mut self, item: &Result<Record, FrameError>) {
        match item {
            Ok(Record::Frame(_)) => self.frames += 1,
            Ok(Record::State(_)) => self.states += 1,
            Err(error) => self.rejected[error.kind().index()] += 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadState {
    Reading,
    /// The source is exhausted and the framer finished; draining its last items.
    Draining,
    Done,
}

/// Records from one input, read in fixed-size chunks: an iterator of
/// `Result<Record, FeedError>`. Per-record errors do not end it; a read error is the last item.
///
/// ```
/// use vigia_feed::{Format, Record, RecordReader};
/// let text: &[u8] = b"1.5,8d4840d6202cc371c32ce0576098\n2.0,8d4840d6zz\n2.5,5d4840d6202cc3\n";
/// let mut reader = RecordReader::new("example", text, None).unwrap();
/// assert_eq!(reader.format(), Format::Hex);
/// let items: Vec<_> = reader.by_ref().collect();
/// assert_eq!(items.len(), 3);
/// assert_eq!(items[1].as_ref().unwrap_err().to_string(), "example: line 2: not a hex digit");
/// assert_eq!((reader.stats().records(), reader.stats().rejected_total()), (2, 1));
/// ```
pub struct RecordReader {
    input: Arc<str>,
    body: Body,
    stats: Stats,
}

/// A hex or AVR input as bytes: see [`RecordReader::into_line_stream`].
pub(crate) struct LineStream {
    /// The input's name.
    pub(crate) input: Arc<str>,
    /// Hex or AVR.
    pub(crate) format: Format,
    /// Bytes already read from `source` (decompressed), not yet framed.
    pub(crate) pending: Vec<u8>,
    /// Decompressed bytes read so far, `pending` included (where a read error is placed).
    pub(crate) read: u64,
    /// The rest of the input, decompressed.
    pub(crate) source: Box<dyn Read + Send>,
}

/// How records come out of the input.
enum Body {
    /// Bytes read in chunks and cut by a framer.
    Stream {
        source: Box<dyn Read + Send>,
        framer: AnyFramer,
        chunk: Box<[u8]>,
        state: ReadState,
    },
    /// Rows of a Parquet file.
    Parquet(ParquetRows),
}

impl core::fmt::Debug for RecordReader {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RecordReader")
            .field("input", &self.input)
            .field("format", &self.format())
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// How an input is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    fn from_extension(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()? {
            "gz" => Some(Compression::Gzip),
            "zst" => Some(Compression::Zstd),
            _ => None,
        }
    }

    fn from_magic(prefix: &[u8]) -> Self {
        if prefix.starts_with(&GZIP_MAGIC) {
            Compression::Gzip
        } else if prefix.starts_with(&ZSTD_MAGIC) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

/// A maker of [`FeedError::Read`]s for `input`: offset and cause in, error out.
fn read_error(input: &Arc<str>) -> impl Fn(u64, io::Error) -> FeedError {
    let input = input.clone();
    move |offset, cause| FeedError::Read {
        input: input.clone(),
        offset,
        cause,
    }
}

/// Read until `buf` is full or the source ends; the number of bytes read.
/// A stream copied to an anonymous temporary file (deleted when closed).
enum Spilled {
    File(std::fs::File, u64),
    TooLarge,
}

/// Copy `prefix` then `source` into a temporary file, up to [`MAX_SPILL_BYTES`].
fn spill(prefix: &[u8], source: &mut dyn Read) -> io::Result<Spilled> {
    let mut file = tempfile::tempfile()?;
    io::Write::write_all(&mut file, prefix)?;
    let room = MAX_SPILL_BYTES.saturating_sub(prefix.len() as u64);
    let copied = io::copy(&mut source.take(room + 1), &mut file)?;
    if copied > room {
        return Ok(Spilled::TooLarge);
    }
    let len = prefix.len() as u64 + copied;
    file.seek(SeekFrom::Start(0))?;
    Ok(Spilled::File(file, len))
}

pub(crate) fn read_up_to(source: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match source.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn decompress(
    source: Box<dyn Read + Send>,
    compression: Compression,
) -> io::Result<Box<dyn Read + Send>> {
    Ok(match compression {
        Compression::None => source,
        // Multi-member: concatenated .gz files (as `cat a.gz b.gz`) read as one.
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(source)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(source)?),
    })
}

/// Open a text file that may be compressed (gzip or zstd, recognised by their magic bytes,
/// whatever the name): the auxiliary tables vigia reads — an aircraft database as
/// `aircraft.csv.gz`, say — come either way.
pub fn open_text(path: &Path) -> io::Result<Box<dyn io::BufRead + Send>> {
    let mut file = std::fs::File::open(path)?;
    let mut magic = [0u8; 4];
    let n = read_up_to(&mut file, &mut magic)?;
    file.seek(SeekFrom::Start(0))?;
    let compression = Compression::from_magic(&magic[..n]);
    Ok(Box::new(io::BufReader::with_capacity(
        1 << 16,
        decompress(Box::new(file), compression)?,
    )))
}

impl RecordReader {
    /// Read `source`, named `input` in errors. Gzip and zstd are recognised by their magic bytes;
    /// `format` `None` means detect it from the first bytes ([`detect_format`]). A Parquet
    /// input read this way is copied to a temporary file first (it needs random access); prefer
    /// [`RecordReader::seekable`] or [`open`] for Parquet files.
    pub fn new(
        input: impl Into<Arc<str>>,
        source: impl Read + Send + 'static,
        format: Option<Format>,
    ) -> Result<Self, FeedError> {
        Self::build(input.into(), Box::new(source), format, None)
    }

    /// Read a seekable `source` (a file, possibly wrapped), named `input` in errors. A Parquet
    /// file is read in place, row group by row group; anything else as [`RecordReader::new`].
    pub fn seekable(
        input: impl Into<Arc<str>>,
        source: impl Read + Seek + Send + 'static,
        format: Option<Format>,
    ) -> Result<Self, FeedError> {
        Self::build_seekable(input.into(), Box::new(source), format, None)
    }

    fn build_seekable(
        input: Arc<str>,
        mut source: Box<dyn ReadSeek>,
        format: Option<Format>,
        compression: Option<Compression>,
    ) -> Result<Self, FeedError> {
        let read_error = read_error(&input);
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut source, &mut magic).map_err(|e| read_error(0, e))?;
        let compressed = matches!(compression, Some(Compression::Gzip | Compression::Zstd))
            || Compression::from_magic(&magic[..n]) != Compression::None;
        let parquet = match format {
            Some(format) => format == Format::Parquet,
            None => &magic[..n] == PARQUET_MAGIC,
        };
        if parquet && !compressed {
            let len = source
                .seek(SeekFrom::End(0))
                .map_err(|e| read_error(0, e))?;
            return Self::parquet(input, ParquetRows::from_seekable(source, len));
        }
        source
            .seek(SeekFrom::Start(0))
            .map_err(|e| read_error(0, e))?;
        Self::build(input, Box::new(source), format, compression)
    }

    fn parquet(input: Arc<str>, opened: Result<ParquetRows, String>) -> Result<Self, FeedError> {
        match opened {
            Ok(rows) => Ok(Self {
                input,
                body: Body::Parquet(rows),
                stats: Stats::default(),
            }),
            Err(cause) => Err(FeedError::Parquet { input, cause }),
        }
    }

    fn build(
        input: Arc<str>,
        mut source: Box<dyn Read + Send>,
        format: Option<Format>,
        compression: Option<Compression>,
    ) -> Result<Self, FeedError> {
        let read_error = read_error(&input);
        let compression = match compression {
            Some(known) => known,
            None => {
                let mut magic = [0u8; 4];
                let n = read_up_to(&mut *source, &mut magic).map_err(|e| read_error(0, e))?;
                let compression = Compression::from_magic(&magic[..n]);
                source = Box::new(io::Cursor::new(magic[..n].to_vec()).chain(source));
                compression
            }
        };
        let mut source = decompress(source, compression).map_err(|e| read_error(0, e))?;
        let mut chunk = vec![0u8; CHUNK_BYTES].into_boxed_slice();
        let (format, prefix_len) = match format {
            Some(format) => (format, 0),
            None => {
                let prefix_len = read_up_to(&mut *source, &mut chunk[..DETECT_BYTES])
                    .map_err(|e| read_error(0, e))?;
                match detect_format(&chunk[..prefix_len]) {
                    Some(format) => (format, prefix_len),
                    None => return Err(FeedError::UnknownFormat { input }),
                }
            }
        };
        let Some(mut framer) = AnyFramer::new(format) else {
            // Parquet from a stream (or compressed): spill it to an anonymous temporary file,
            // then read it with random access, one row group at a time.
            let spilled = spill(&chunk[..prefix_len], &mut *source)
                .map_err(|e| read_error(prefix_len as u64, e))?;
            let (file, len) = match spilled {
                Spilled::File(file, len) => (file, len),
                Spilled::TooLarge => {
                    return Err(FeedError::Parquet {
                        input,
                        cause: format!(
                            "a Parquet file read from a stream or decompressed must be at most \
                             {MAX_SPILL_BYTES} bytes; decompress it to a file first"
                        ),
                    })
                }
            };
            return Self::parquet(input, ParquetRows::from_seekable(Box::new(file), len));
        };
        framer.push(&chunk[..prefix_len]);
        let stats = Stats {
            bytes: prefix_len as u64,
            ..Stats::default()
        };
        Ok(Self {
            input,
            body: Body::Stream {
                source,
                framer,
                chunk,
                state: ReadState::Reading,
            },
            stats,
        })
    }

    /// A reader just made of a line format that can be cut into pieces read on their own
    /// (hex, AVR), as its decompressed byte stream: the bytes read to recognise it and the
    /// rest of the source. Any other reader comes back as it was.
    pub(crate) fn into_line_stream(self) -> Result<LineStream, Box<Self>> {
        let Body::Stream { framer, .. } = &self.body else {
            return Err(Box::new(self));
        };
        let (Some(pending), 0) = (framer.splittable_pending(), self.stats.records()) else {
            return Err(Box::new(self));
        };
        let (pending, format) = (pending.to_vec(), framer.format());
        let Body::Stream { source, .. } = self.body else {
            return Err(Box::new(self));
        };
        Ok(LineStream {
            input: self.input,
            format,
            read: pending.len() as u64,
            pending,
            source,
        })
    }

    /// The format being read.
    pub fn format(&self) -> Format {
        match &self.body {
            Body::Stream { framer, .. } => framer.format(),
            Body::Parquet(_) => Format::Parquet,
        }
    }

    /// The input's name (path or `-`).
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Bytes held for framing: the read chunk plus the framer's buffer. It stays near
    /// 64 KiB plus one line, frame or JSON array element, whatever the input's size. (Parquet's
    /// batches are not counted.)
    pub fn buffered_capacity(&self) -> usize {
        match &self.body {
            Body::Stream { framer, chunk, .. } => chunk.len() + framer.buffer_capacity(),
            Body::Parquet(_) => 0,
        }
    }

    /// The receiver id announced in band before the record just yielded (Beast `0xe3`/`0xe4`:
    /// a combined capture of several receivers).
    pub fn receiver(&self) -> Option<crate::framer::beast::ReceiverTag> {
        match &self.body {
            Body::Stream { framer, .. } => framer.receiver(),
            _ => None,
        }
    }

    /// The 1-based line of the record just yielded, for line-per-record formats that keep
    /// count (trajectory CSV): the evidence an analyst follows back to the file.
    pub fn last_line(&self) -> Option<u64> {
        match &self.body {
            Body::Stream { framer, .. } => framer.last_line(),
            Body::Parquet(_) => None,
        }
    }

    /// The 1-based row (across the whole file) of the record just yielded, for Parquet: the
    /// evidence an analyst follows back to the file.
    pub fn last_row(&self) -> Option<u64> {
        match &self.body {
            Body::Parquet(rows) => rows.last_row(),
            Body::Stream { .. } => None,
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

impl Iterator for RecordReader {
    type Item = Result<Record, FeedError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (source, framer, chunk, state) = match &mut self.body {
            Body::Stream {
                source,
                framer,
                chunk,
                state,
            } => (source, framer, chunk, state),
            Body::Parquet(rows) => {
                let item = rows.next_row();
                self.stats.bytes = rows.bytes();
                let item = item?.map(|s| Record::State(Box::new(s)));
                self.stats.count(&item);
                return Some(item.map_err(|error| FeedError::Frame {
                    input: self.input.clone(),
                    error,
                }));
            }
        };
        loop {
            if let Some(item) = framer.next_item() {
                self.stats.count(&item);
                return Some(item.map_err(|error| FeedError::Frame {
                    input: self.input.clone(),
                    error,
                }));
            }
            match *state {
                ReadState::Done => return None,
                ReadState::Draining => {
                    *state = ReadState::Done;
                    return None;
                }
                ReadState::Reading => match source.read(chunk) {
                    Ok(0) => {
                        framer.finish();
                        *state = ReadState::Draining;
                    }
                    Ok(n) => {
                        self.stats.bytes += n as u64;
                        framer.push(&chunk[..n]);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(cause) => {
                        framer.finish();
                        *state = ReadState::Draining;
                        return Some(Err(FeedError::Read {
                            input: self.input.clone(),
                            offset: self.stats.bytes,
                            cause,
                        }));
                    }
                },
            }
        }
    }
}

/// Open `path` (`-` is stdin) and read it as `format`, or detect the format when `None`.
///
/// Compression: a `.gz` or `.zst` extension selects gzip or zstd; other names (and stdin) are
/// recognised by magic bytes. A Parquet file is read in place (see [`RecordReader::seekable`]).
pub fn open(path: &Path, format: Option<Format>) -> Result<RecordReader, FeedError> {
    if path.as_os_str() == "-" {
        return RecordReader::build(Arc::from("-"), Box::new(io::stdin()), format, None);
    }
    let input: Arc<str> = Arc::from(path.display().to_string());
    let file = File::open(path).map_err(|cause| FeedError::Open {
        input: input.clone(),
        cause,
    })?;
    RecordReader::build_seekable(
        input,
        Box::new(file),
        format,
        Compression::from_extension(path),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::io::Write;

    const HEX: &[u8] = b"1.5,8d4840d6202cc371c32ce0576098\n2.5,5d4840d6202cc3\n";

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn compressed_inputs_are_recognised_by_magic() {
        let plain: Vec<_> = RecordReader::new("plain", HEX, None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let gz: Vec<_> = RecordReader::new("gz", io::Cursor::new(gzip(HEX)), None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        let zst = zstd::encode_all(HEX, 3).unwrap();
        let zst: Vec<_> = RecordReader::new("zst", io::Cursor::new(zst), None)
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(plain.len(), 2);
        assert_eq!(gz, plain);
        assert_eq!(zst, plain);
    }

    #[test]
    fn unknown_format_is_an_error() {
        let error = RecordReader::new("mystery", &b"hello world\n"[..], None).unwrap_err();
        assert!(matches!(error, FeedError::UnknownFormat { .. }));
        assert!(error
            .to_string()
            .starts_with("mystery: cannot tell the format"));
        // an empty input has no format either, unless one is named
        assert!(RecordReader::new("empty", &b""[..], None).is_err());
        assert_eq!(
            RecordReader::new("empty", &b""[..], Some(Format::Beast))
                .unwrap()
                .count(),
            0
        );
    }

    /// A source that fails after some bytes.
    struct Failing(&'static [u8]);
    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("disk on fire"));
            }
            let n = self.0.len().min(buf.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn read_errors_end_the_stream_after_the_records_before_them() {
        let reader = RecordReader::new(
            "flaky",
            Failing(b"5d4840d6202cc3\n5d4840"),
            Some(Format::Hex),
        )
        .unwrap();
        let items: Vec<_> = reader.collect();
        assert_eq!(items.len(), 3);
        assert!(items[0].is_ok());
        assert!(matches!(items[1], Err(FeedError::Read { offset: 21, .. })));
        // the partial line before the failure is reported as truncated
        assert!(matches!(
            items[2].as_ref().unwrap_err().frame_error(),
            Some(FrameError::Truncated { .. })
        ));
    }

    #[test]
    fn missing_file_names_the_path() {
        let error = open(Path::new("/nonexistent/feed.bin"), None).unwrap_err();
        assert_eq!(error.to_string(), "/nonexistent/feed.bin: cannot open");
    }
}
