//! [`ParquetRows`]: state vectors from a Parquet file, row by row — the schema walk, each
//! column's stored type and its conversion to a [`Cell`], row groups decoded in fixed-size
//! batches in step across columns, per-row errors located by file-wide row number, and every
//! call into the decoder guarded.

use super::source::{ReadSeek, Source};
use crate::columns::{self, Cell, Column, Field, Row, EXPECTED_COLUMNS};
use crate::{FrameError, Location, StateVector};
use parquet::basic::{LogicalType, TimeUnit, Type as PhysicalType};
use parquet::column::reader::ColumnReader;
use parquet::data_type::{ByteArray, Int96};
use parquet::errors::ParquetError;
use parquet::file::reader::{FileReader, Length, SerializedFileReader};
use std::collections::VecDeque;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex};

/// Rows decoded per column per step.
const BATCH_ROWS: usize = 4096;
/// Julian day number of 1970-01-01 (INT96 timestamps count Julian days).
const JULIAN_DAY_OF_EPOCH: i64 = 2_440_588;

/// Run a call into the Parquet decoder; a panic inside it (malformed bytes it did not expect)
/// becomes an error like any other.
fn guarded<T>(call: impl FnOnce() -> parquet::errors::Result<T>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.to_string()),
        Err(_) => Err("the Parquet decoder failed on malformed data".to_string()),
    }
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
    #[cfg(test)]
    pub(crate) fn from_bytes(bytes: Vec<u8>) -> Result<Self, String> {
        let len = bytes.len() as u64;
        Self::from_seekable(Box::new(std::io::Cursor::new(bytes)), len)
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
                    Some(Err(())) => row.unreadable(wanted.column),
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
