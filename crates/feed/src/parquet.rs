//! Parquet trajectories: reading state vectors from Parquet files (the column conventions of
//! `columns.rs`: traffic-style and OpenSky), and writing vigia's validated points as Parquet.
//!
//! Owns the columnar side: the schema walk, each column's stored type and its conversion to a
//! [`Cell`], reading row groups in fixed-size batches (memory does not grow with the file), and
//! per-row errors located by file-wide row number. Which name means what, and the unit
//! conversions, are `columns.rs`'s. Reading needs random access (the footer is at the end): a
//! file is read through `Seek`; a stream (stdin, a compressed file) is held in memory first.
//!
//! Stored types read: BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY (UTF-8 text); INT64
//! `TIMESTAMP` in any unit and legacy INT96 timestamps (Spark, Impala) for the time column;
//! INT32 `DATE`; INT32/INT64 `DECIMAL`. Nested columns are not trajectory columns and are
//! ignored; a recognised column of another type (FIXED_LEN_BYTE_ARRAY) is reported once and
//! ignored. Compression: uncompressed, Snappy, gzip, LZ4 and zstd (not Brotli, LZO).
//!
//! A corrupt page loses the rest of its row group (reported with the rows skipped); the next
//! row group is read. The Parquet decoder is guarded so that malformed bytes are an error, never
//! a crash of the caller.

use crate::columns::{self, Cell, Column, Field, Row, EXPECTED_COLUMNS};
use crate::{FrameError, Location, StateVector};
use bytes::Bytes;
use parquet::basic::{Compression, LogicalType, TimeUnit, Type as PhysicalType, ZstdLevel};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int64Type, Int96};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{ChunkReader, FileReader, Length, SerializedFileReader};
use parquet::file::writer::SerializedFileWriter;
use std::collections::VecDeque;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};
use vigia_modes::IcaoAddress;

/// The four bytes a Parquet file starts (and ends) with.
pub(crate) const MAGIC: &[u8; 4] = b"PAR1";
/// Rows decoded per column per step.
const BATCH_ROWS: usize = 4096;
/// Julian day number of 1970-01-01 (INT96 timestamps count Julian days).
const JULIAN_DAY_OF_EPOCH: i64 = 2_440_588;

/// Anything seekable the reader can pull byte ranges from.
pub(crate) trait ReadSeek: Read + Seek + Send {}
impl<T: Read + Seek + Send> ReadSeek for T {}

/// The bytes of a Parquet file, for the decoder: a seekable file shared by its column readers,
/// or a stream already held in memory.
#[derive(Clone)]
enum Source {
    Seekable {
        inner: Arc<Mutex<Box<dyn ReadSeek>>>,
        len: u64,
    },
    Memory(Bytes),
}

impl Length for Source {
    fn len(&self) -> u64 {
        match self {
            Source::Seekable { len, .. } => *len,
            Source::Memory(bytes) => bytes.len() as u64,
        }
    }
}

/// The error for a read at the end of the file. The decoder never needs to read there: a page
/// header that does (a malformed one claiming, say, 2^31 list elements) fails at once instead of
/// spinning through reads of nothing — the fuzzer found such a header taking a minute.
fn past_the_end() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "read past the end of the file",
    )
}

/// A reader from an offset of a seekable source to its end, positioned independently of other
/// readers; reading at the end is an error ([`past_the_end`]).
struct RangeReader {
    inner: Arc<Mutex<Box<dyn ReadSeek>>>,
    position: u64,
    len: u64,
}

impl Read for RangeReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.position >= self.len {
            return Err(past_the_end());
        }
        let mut inner = self
            .inner
            .lock()
            .map_err(|_| io::Error::other("source lock poisoned"))?;
        inner.seek(SeekFrom::Start(self.position))?;
        let n = inner.read(buf)?;
        if n == 0 {
            return Err(past_the_end());
        }
        self.position += n as u64;
        Ok(n)
    }
}

/// The rest of an in-memory file from an offset; reading at the end is an error.
struct BytesReader(Bytes);

impl Read for BytesReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.0.is_empty() {
            return Err(past_the_end());
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0.split_to(n));
        Ok(n)
    }
}

impl ChunkReader for Source {
    type T = Box<dyn Read + Send>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        match self {
            Source::Seekable { inner, len } => Ok(Box::new(io::BufReader::with_capacity(
                16 * 1024,
                RangeReader {
                    inner: inner.clone(),
                    position: start,
                    len: *len,
                },
            ))),
            Source::Memory(bytes) => {
                let start = usize::try_from(start).unwrap_or(usize::MAX);
                if start > bytes.len() {
                    return Err(ParquetError::EOF(format!(
                        "offset {start} is past the end ({} bytes)",
                        bytes.len()
                    )));
                }
                Ok(Box::new(BytesReader(bytes.slice(start..))))
            }
        }
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        match self {
            Source::Seekable { inner, len } => {
                if start.saturating_add(length as u64) > *len {
                    return Err(ParquetError::EOF(format!(
                        "{length} bytes at offset {start} are past the end ({len} bytes)"
                    )));
                }
                let mut inner = inner
                    .lock()
                    .map_err(|_| ParquetError::General("source lock poisoned".into()))?;
                inner.seek(SeekFrom::Start(start))?;
                let mut buffer = vec![0u8; length];
                inner.read_exact(&mut buffer)?;
                Ok(buffer.into())
            }
            Source::Memory(bytes) => bytes.get_bytes(start, length),
        }
    }
}

/// Run a call into the Parquet decoder; a panic inside it (malformed bytes it did not expect)
/// becomes an error like any other.
fn guarded<T>(call: impl FnOnce() -> parquet::errors::Result<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the Parquet decoder failed on malformed data".to_string()),
    }
}

/// Install a panic hook (once, for the whole process) that stays silent for panics raised
/// inside the parquet crate — the reader catches them and reports the rows as
/// [`FrameError::UnreadableRows`], so printing them too would only repeat the error as a crash
/// report — and hands every other panic to the hook that was installed before. For binaries;
/// a library should leave the process's hook alone.
pub fn quiet_decoder_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_decoder = info
                .location()
                .is_some_and(|l| l.file().contains("/parquet-"));
            if !in_decoder {
                previous(info);
            }
        }));
    });
}

/// How a column's stored values become cells.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Conversion {
    /// As stored (numbers, booleans, text).
    Plain,
    /// An integer count of `1/divisor` seconds since the epoch (TIMESTAMP), or of days
    /// (DATE, divisor 1/86400), or a DECIMAL with `divisor` = 10^scale.
    Divide(f64),
    /// INT96 Julian day + nanoseconds.
    Int96,
}

/// A column vigia reads: where it is, what it holds, how to convert it.
#[derive(Debug, Clone, Copy)]
struct Wanted {
    leaf: usize,
    column: Column,
    conversion: Conversion,
    max_def: i16,
}

/// One column's decoded values for the current batch.
enum Values {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    I96(Vec<Int96>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
}

struct Batch {
    reader: ColumnReader,
    values: Values,
    def: Vec<i16>,
    /// Next value (values are packed: nulls take none).
    next: usize,
}

impl Batch {
    fn new(reader: ColumnReader) -> Self {
        let values = match &reader {
            ColumnReader::BoolColumnReader(_) => Values::Bool(Vec::new()),
            ColumnReader::Int32ColumnReader(_) => Values::I32(Vec::new()),
            ColumnReader::Int64ColumnReader(_) => Values::I64(Vec::new()),
            ColumnReader::Int96ColumnReader(_) => Values::I96(Vec::new()),
            ColumnReader::FloatColumnReader(_) => Values::F32(Vec::new()),
            ColumnReader::DoubleColumnReader(_) => Values::F64(Vec::new()),
            ColumnReader::ByteArrayColumnReader(_)
            | ColumnReader::FixedLenByteArrayColumnReader(_) => Values::Bytes(Vec::new()),
        };
        Self {
            reader,
            values,
            def: Vec::new(),
            next: 0,
        }
    }

    /// Decode up to `rows` more rows; the number decoded.
    fn fill(&mut self, rows: usize) -> parquet::errors::Result<usize> {
        self.def.clear();
        self.next = 0;
        let def = Some(&mut self.def);
        let (records, _, _) = match (&mut self.reader, &mut self.values) {
            (ColumnReader::BoolColumnReader(r), Values::Bool(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::Int32ColumnReader(r), Values::I32(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::Int64ColumnReader(r), Values::I64(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::Int96ColumnReader(r), Values::I96(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::FloatColumnReader(r), Values::F32(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::DoubleColumnReader(r), Values::F64(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            (ColumnReader::ByteArrayColumnReader(r), Values::Bytes(v)) => {
                v.clear();
                r.read_records(rows, def, None, v)?
            }
            _ => {
                return Err(ParquetError::General(
                    "column reader and value buffer disagree".into(),
                ))
            }
        };
        Ok(records)
    }

    fn len(&self) -> usize {
        match &self.values {
            Values::Bool(v) => v.len(),
            Values::I32(v) => v.len(),
            Values::I64(v) => v.len(),
            Values::I96(v) => v.len(),
            Values::F32(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::Bytes(v) => v.len(),
        }
    }

    /// The cell of row `i` of the batch (`None` when null); rows must be taken in order.
    fn cell(&mut self, i: usize, wanted: &Wanted) -> Option<Result<Cell<'_>, ()>> {
        if wanted.max_def > 0 && self.def.get(i).is_none_or(|&d| d < wanted.max_def) {
            return None;
        }
        let at = self.next;
        if at >= self.len() {
            return Some(Err(()));
        }
        self.next += 1;
        let cell = match (&self.values, wanted.conversion) {
            (Values::I64(v), Conversion::Divide(d)) => Cell::Number(v[at] as f64 / d),
            (Values::I32(v), Conversion::Divide(d)) => Cell::Number(f64::from(v[at]) / d),
            (Values::I96(v), _) => Cell::Number(int96_seconds(&v[at])),
            (Values::Bool(v), _) => Cell::Bool(v[at]),
            (Values::I32(v), _) => Cell::Integer(i64::from(v[at])),
            (Values::I64(v), _) => Cell::Integer(v[at]),
            (Values::F32(v), _) => Cell::Number(f64::from(v[at])),
            (Values::F64(v), _) => Cell::Number(v[at]),
            (Values::Bytes(v), _) => match v[at].as_utf8() {
                Ok(text) => Cell::Text(text.trim()),
                Err(_) => return Some(Err(())),
            },
        };
        Some(Ok(cell))
    }
}

/// Seconds since the epoch of an INT96 timestamp (nanoseconds of the day, then the Julian day).
fn int96_seconds(value: &Int96) -> f64 {
    let data = value.data();
    let nanos = (u64::from(data[1]) << 32) | u64::from(data[0]);
    (i64::from(data[2]) - JULIAN_DAY_OF_EPOCH) as f64 * 86_400.0 + nanos as f64 * 1e-9
}

/// What to do with a leaf column of this stored type, or why not.
fn conversion(
    physical: PhysicalType,
    logical: Option<&LogicalType>,
    field: Field,
) -> Result<Conversion, String> {
    let unit_divisor = |unit: &TimeUnit| match unit {
        TimeUnit::MILLIS => 1e3,
        TimeUnit::MICROS => 1e6,
        TimeUnit::NANOS => 1e9,
    };
    match (physical, logical) {
        (PhysicalType::INT64, Some(LogicalType::Timestamp(t))) => {
            Ok(Conversion::Divide(unit_divisor(&t.unit)))
        }
        (PhysicalType::INT32, Some(LogicalType::Date)) => Ok(Conversion::Divide(1.0 / 86_400.0)),
        (PhysicalType::INT32 | PhysicalType::INT64, Some(LogicalType::Decimal(d))) => {
            Ok(Conversion::Divide(10f64.powi(d.scale)))
        }
        (PhysicalType::INT96, _) if field == Field::Time => Ok(Conversion::Int96),
        (
            PhysicalType::BOOLEAN
            | PhysicalType::INT32
            | PhysicalType::INT64
            | PhysicalType::FLOAT
            | PhysicalType::DOUBLE
            | PhysicalType::BYTE_ARRAY,
            _,
        ) => Ok(Conversion::Plain),
        (physical, logical) => Err(match logical {
            Some(logical) => format!("{physical} ({logical:?})"),
            None => physical.to_string(),
        }),
    }
}

/// The row group being read.
struct Group {
    batches: Vec<Batch>,
    /// Rows of the group not yet decoded.
    remaining: u64,
    /// Rows in the current batch, and the next one to hand out.
    batch_rows: usize,
    batch_next: usize,
}

/// State vectors from a Parquet file, row by row.
pub(crate) struct ParquetRows {
    file: SerializedFileReader<Source>,
    wanted: Vec<Wanted>,
    next_group: usize,
    group: Option<Group>,
    /// File-wide number of rows handed out or skipped so far.
    rows: u64,
    /// The 1-based row of the last state vector returned.
    last_row: Option<u64>,
    pending: VecDeque<FrameError>,
    /// Compressed bytes of the row groups opened so far; the file's size once it is read.
    bytes: u64,
    file_len: u64,
}

impl core::fmt::Debug for ParquetRows {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ParquetRows")
            .field("wanted", &self.wanted)
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl ParquetRows {
    /// Read a seekable file of `len` bytes.
    pub(crate) fn from_seekable(source: Box<dyn ReadSeek>, len: u64) -> Result<Self, String> {
        Self::open(Source::Seekable {
            inner: Arc::new(Mutex::new(source)),
            len,
        })
    }

    /// Read a whole file held in memory.
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        Self::open(Source::Memory(Bytes::from(bytes)))
    }

    fn open(source: Source) -> Result<Self, String> {
        let file_len = source.len();
        let file = guarded(|| SerializedFileReader::new(source))?;
        let schema = file.metadata().file_metadata().schema_descr_ptr();
        let mut pending = VecDeque::new();
        // Top-level, non-repeated leaves only: nested columns are not trajectory columns.
        let leaves: Vec<(usize, String)> = schema
            .columns()
            .iter()
            .enumerate()
            .filter(|(_, c)| c.path().parts().len() == 1 && c.max_rep_level() == 0)
            .map(|(i, c)| (i, c.name().to_string()))
            .collect();
        let names: Vec<&str> = leaves.iter().map(|(_, n)| n.as_str()).collect();
        let layout = columns::layout(&names);
        let mut wanted = Vec::new();
        for ((leaf, name), column) in leaves.iter().zip(layout.iter().flatten()) {
            let Some(column) = *column else { continue };
            let descr = schema.column(*leaf);
            match conversion(
                descr.physical_type(),
                descr.logical_type_ref(),
                column.field,
            ) {
                Ok(conversion) => wanted.push(Wanted {
                    leaf: *leaf,
                    column,
                    conversion,
                    max_def: descr.max_def_level(),
                }),
                Err(stored) => pending.push_back(FrameError::UnsupportedColumn {
                    at: Location::Schema,
                    column: name.clone(),
                    stored,
                }),
            }
        }
        let has = |field| wanted.iter().any(|w| w.column.field == field);
        let readable = has(Field::Time) && has(Field::Icao24);
        if !readable {
            pending.push_back(FrameError::MissingColumns {
                at: Location::Schema,
                expected: EXPECTED_COLUMNS,
            });
        }
        let next_group = if readable { 0 } else { file.num_row_groups() };
        Ok(Self {
            file,
            wanted,
            next_group,
            group: None,
            rows: 0,
            last_row: None,
            pending,
            bytes: 0,
            file_len,
        })
    }

    /// The 1-based row of the last state vector returned.
    pub(crate) fn last_row(&self) -> Option<u64> {
        self.last_row
    }

    /// Compressed bytes of the row groups opened so far; the file's size once it is read.
    pub(crate) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Open the next row group; `false` when there is none.
    fn open_group(&mut self) -> bool {
        let Some(index) = (self.next_group < self.file.num_row_groups()).then_some(self.next_group)
        else {
            return false;
        };
        self.next_group += 1;
        let meta = self.file.metadata().row_group(index);
        let rows = u64::try_from(meta.num_rows()).unwrap_or(0);
        self.bytes += u64::try_from(meta.compressed_size()).unwrap_or(0);
        let opened = guarded(|| {
            let group = self.file.get_row_group(index)?;
            self.wanted
                .iter()
                .map(|w| group.get_column_reader(w.leaf).map(Batch::new))
                .collect::<parquet::errors::Result<Vec<_>>>()
        });
        match opened {
            Ok(batches) => {
                self.group = Some(Group {
                    batches,
                    remaining: rows,
                    batch_rows: 0,
                    batch_next: 0,
                })
            }
            Err(cause) => self.skip(rows, format!("row group {index}: {cause}")),
        }
        true
    }

    /// Report `rows` rows from the current position as unreadable.
    fn skip(&mut self, rows: u64, cause: String) {
        if rows > 0 {
            self.pending.push_back(FrameError::UnreadableRows {
                at: Location::Row(self.rows + 1),
                rows,
                cause,
            });
        }
        self.rows += rows;
        self.group = None;
    }

    /// Decode the next batch of the current group, in step across its columns.
    fn fill(&mut self) {
        let Some(group) = &mut self.group else { return };
        let want = usize::try_from(group.remaining)
            .unwrap_or(usize::MAX)
            .min(BATCH_ROWS);
        let filled = guarded(|| {
            let mut counts = group.batches.iter_mut().map(|b| b.fill(want));
            let first = counts.next().unwrap_or(Ok(want))?;
            for count in counts {
                if count? != first {
                    return Err(ParquetError::General(
                        "columns of the row group disagree on their row count".into(),
                    ));
                }
            }
            Ok(first)
        });
        match filled {
            Ok(rows) if rows > 0 => {
                group.batch_rows = rows;
                group.batch_next = 0;
                group.remaining -= rows as u64;
            }
            Ok(_) => {
                let remaining = group.remaining;
                self.skip(remaining, "the row group ends early".into());
            }
            Err(cause) => {
                let remaining = group.remaining;
                self.skip(remaining, cause);
            }
        }
    }

    /// The next state vector or rejected row; `None` at the end of the file.
    pub(crate) fn next_row(&mut self) -> Option<Result<StateVector, FrameError>> {
        loop {
            if let Some(error) = self.pending.pop_front() {
                return Some(Err(error));
            }
            let Some(group) = &mut self.group else {
                if !self.open_group() {
                    self.bytes = self.file_len;
                    return None;
                }
                continue;
            };
            if group.batch_next == group.batch_rows {
                if group.remaining == 0 {
                    self.group = None;
                } else {
                    self.fill();
                }
                continue;
            }
            let i = group.batch_next;
            group.batch_next += 1;
            self.rows += 1;
            let at = Location::Row(self.rows);
            let mut row = Row::new(at);
            let mut error = None;
            for (batch, wanted) in group.batches.iter_mut().zip(&self.wanted) {
                let result = match batch.cell(i, wanted) {
                    None => Ok(()),
                    Some(Ok(cell)) => row.set(wanted.column, cell),
                    Some(Err(())) => Err(FrameError::BadField {
                        at,
                        field: wanted.column.field.name(),
                    }),
                };
                if let (Err(e), None) = (result, &error) {
                    error = Some(e);
                }
            }
            return Some(match error {
                Some(error) => Err(error),
                None => row.finish().inspect(|_| self.last_row = Some(self.rows)),
            });
        }
    }
}

/// One validated point, as [`TrajectoryWriter`] writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrajectoryPoint<'a> {
    /// The flight it belongs to.
    pub flight_id: &'a str,
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Its callsign, if known.
    pub callsign: Option<&'a str>,
    /// Seconds since the Unix epoch.
    pub ts: f64,
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Barometric altitude, feet.
    pub altitude_ft: Option<f64>,
    /// Knots.
    pub groundspeed_kt: Option<f64>,
    /// Degrees from true north.
    pub track_deg: Option<f64>,
    /// Feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground, if known.
    pub on_ground: Option<bool>,
}

/// The schema [`TrajectoryWriter`] writes: traffic-style names and units, so that the file reads
/// back into vigia, into `traffic` and into anything that reads Parquet.
const SCHEMA: &str = "message trajectory {
  required binary flight_id (STRING);
  required binary icao24 (STRING);
  optional binary callsign (STRING);
  required int64 timestamp (TIMESTAMP(MICROS,true));
  required double latitude;
  required double longitude;
  optional double altitude;
  optional double groundspeed;
  optional double track;
  optional double vertical_rate;
  optional boolean onground;
}";

/// Rows buffered per row group.
const ROWS_PER_GROUP: usize = 128 * 1024;

/// Buffered columns of the row group being built.
#[derive(Default)]
struct PointColumns {
    flight_id: Vec<ByteArray>,
    icao24: Vec<ByteArray>,
    callsign: Vec<ByteArray>,
    callsign_def: Vec<i16>,
    timestamp: Vec<i64>,
    latitude: Vec<f64>,
    longitude: Vec<f64>,
    /// altitude, groundspeed, track, vertical_rate: values and definition levels.
    optional: [(Vec<f64>, Vec<i16>); 4],
    onground: Vec<bool>,
    onground_def: Vec<i16>,
}

impl PointColumns {
    fn len(&self) -> usize {
        self.timestamp.len()
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

/// Writes [`TrajectoryPoint`]s as a zstd-compressed Parquet file, one row per point, in row
/// groups of 131 072 rows. Columns: `flight_id`, `icao24`, `callsign`, `timestamp` (UTC,
/// microseconds), `latitude`, `longitude`, `altitude` (ft), `groundspeed` (kt), `track` (°),
/// `vertical_rate` (ft/min), `onground`.
pub struct TrajectoryWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: PointColumns,
    rows: u64,
}

fn parquet_io(error: ParquetError) -> io::Error {
    match error {
        ParquetError::External(inner) => io::Error::other(inner),
        other => io::Error::other(other.to_string()),
    }
}

impl<W: Write + Send> TrajectoryWriter<W> {
    /// Start a file on `out`; `created_by` names the program (it goes in the file's metadata).
    pub fn new(out: W, created_by: &str) -> io::Result<Self> {
        let schema = parquet::schema::parser::parse_message_type(SCHEMA).map_err(parquet_io)?;
        let level = ZstdLevel::try_new(3).map_err(parquet_io)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(created_by.to_string())
            .set_key_value_metadata(Some(vec![KeyValue::new(
                "vigia.units".to_string(),
                "timestamp UTC; latitude, longitude, track degrees (WGS84); altitude ft (barometric); groundspeed kt; vertical_rate ft/min".to_string(),
            )]))
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties))
            .map_err(parquet_io)?;
        Ok(Self {
            writer,
            columns: PointColumns::default(),
            rows: 0,
        })
    }

    /// Add one point.
    pub fn write(&mut self, point: &TrajectoryPoint<'_>) -> io::Result<()> {
        let c = &mut self.columns;
        c.flight_id.push(ByteArray::from(point.flight_id));
        c.icao24
            .push(ByteArray::from(point.icao24.to_string().as_str()));
        match point.callsign {
            Some(callsign) => {
                c.callsign.push(ByteArray::from(callsign));
                c.callsign_def.push(1);
            }
            None => c.callsign_def.push(0),
        }
        c.timestamp.push((point.ts * 1e6).round() as i64);
        c.latitude.push(point.latitude);
        c.longitude.push(point.longitude);
        let optional = [
            point.altitude_ft,
            point.groundspeed_kt,
            point.track_deg,
            point.vertical_rate_fpm,
        ];
        for ((values, def), value) in c.optional.iter_mut().zip(optional) {
            match value.filter(|v| v.is_finite()) {
                Some(v) => {
                    values.push(v);
                    def.push(1);
                }
                None => def.push(0),
            }
        }
        match point.on_ground {
            Some(b) => {
                c.onground.push(b);
                c.onground_def.push(1);
            }
            None => c.onground_def.push(0),
        }
        self.rows += 1;
        if c.len() >= ROWS_PER_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    /// Points written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn flush_group(&mut self) -> io::Result<()> {
        if self.columns.len() == 0 {
            return Ok(());
        }
        let c = &self.columns;
        let mut group = self.writer.next_row_group().map_err(parquet_io)?;
        let mut index = 0;
        while let Some(mut column) = group.next_column().map_err(parquet_io)? {
            let written = match index {
                0 => column
                    .typed::<ByteArrayType>()
                    .write_batch(&c.flight_id, None, None),
                1 => column
                    .typed::<ByteArrayType>()
                    .write_batch(&c.icao24, None, None),
                2 => column.typed::<ByteArrayType>().write_batch(
                    &c.callsign,
                    Some(&c.callsign_def),
                    None,
                ),
                3 => column
                    .typed::<Int64Type>()
                    .write_batch(&c.timestamp, None, None),
                4 => column
                    .typed::<DoubleType>()
                    .write_batch(&c.latitude, None, None),
                5 => column
                    .typed::<DoubleType>()
                    .write_batch(&c.longitude, None, None),
                6..=9 => {
                    let (values, def) = &c.optional[index - 6];
                    column
                        .typed::<DoubleType>()
                        .write_batch(values, Some(def), None)
                }
                _ => {
                    column
                        .typed::<BoolType>()
                        .write_batch(&c.onground, Some(&c.onground_def), None)
                }
            };
            written.map_err(parquet_io)?;
            column.close().map_err(parquet_io)?;
            index += 1;
        }
        group.close().map_err(parquet_io)?;
        self.columns.clear();
        Ok(())
    }

    /// Write the last row group and the footer; the output is a complete file only after this.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_group()?;
        self.writer.into_inner().map_err(parquet_io)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn point(i: u32) -> TrajectoryPoint<'static> {
        TrajectoryPoint {
            flight_id: "0b206f-1522081475",
            icao24: IcaoAddress::new(0x0b206f),
            callsign: i.is_multiple_of(2).then_some("YS111N"),
            ts: 1_522_081_475.0 + f64::from(i) * 0.5,
            latitude: 14.5 + f64::from(i) * 1e-4,
            longitude: -90.5,
            altitude_ft: (!i.is_multiple_of(3)).then_some(4925.0 + f64::from(i)),
            groundspeed_kt: Some(147.0),
            track_deg: None,
            vertical_rate_fpm: Some(-64.0),
            on_ground: i.is_multiple_of(5).then_some(false),
        }
    }

    fn all(rows: &mut ParquetRows) -> Vec<Result<StateVector, FrameError>> {
        std::iter::from_fn(|| rows.next_row()).collect()
    }

    #[test]
    fn written_points_read_back() {
        let mut writer = TrajectoryWriter::new(Vec::new(), "vigia test").unwrap();
        for i in 0..10_000 {
            writer.write(&point(i)).unwrap();
        }
        assert_eq!(writer.rows(), 10_000);
        let bytes = writer.finish().unwrap();
        assert!(bytes.starts_with(MAGIC) && bytes.ends_with(MAGIC));
        let mut rows = ParquetRows::from_bytes(bytes).unwrap();
        let read = all(&mut rows);
        assert_eq!(read.len(), 10_000);
        assert_eq!(rows.last_row(), Some(10_000));
        for (i, state) in read.into_iter().enumerate() {
            let state = state.unwrap();
            let p = point(i as u32);
            assert_eq!(state.ts, Some(p.ts));
            assert_eq!(state.icao24, p.icao24);
            assert_eq!(
                state.callsign.map(|c| c.to_string()),
                p.callsign.map(String::from)
            );
            assert_eq!(
                (state.latitude, state.longitude),
                (Some(p.latitude), Some(p.longitude))
            );
            assert_eq!(state.altitude_ft, p.altitude_ft);
            assert_eq!(state.groundspeed_kt, p.groundspeed_kt);
            assert_eq!(state.track_deg, None);
            assert_eq!(state.vertical_rate_fpm, p.vertical_rate_fpm);
            assert_eq!(state.on_ground, p.on_ground);
        }
    }

    #[test]
    fn not_parquet_is_an_error_not_a_panic() {
        assert!(ParquetRows::from_bytes(b"PAR1 hello".to_vec()).is_err());
        assert!(ParquetRows::from_bytes(Vec::new()).is_err());
        let mut writer = TrajectoryWriter::new(Vec::new(), "vigia test").unwrap();
        writer.write(&point(1)).unwrap();
        let mut bytes = writer.finish().unwrap();
        // a damaged page: every byte of the data region flipped
        let end = bytes.len() / 2;
        for b in &mut bytes[8..end] {
            *b ^= 0x5a;
        }
        match ParquetRows::from_bytes(bytes) {
            Err(_) => {}
            Ok(mut rows) => {
                let read = all(&mut rows);
                assert!(read.iter().all(|r| r.is_err()), "{read:?}");
            }
        }
    }
}
