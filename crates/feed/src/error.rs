//! What can be wrong with input bytes, and where: [`FrameError`] (one bad frame, line or entry,
//! always with its [`Location`]) and [`ErrorKind`] (the same without data, for counters).
//!
//! A framer reports a `FrameError` and carries on with the next frame; none of these end a stream.
//! Errors that concern the whole input (cannot open, cannot read, unknown format) are
//! [`crate::FeedError`], in `reader.rs`.

use core::fmt;

/// Where in the input a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Location {
    /// Byte offset from the start of the (decompressed) input, for binary formats.
    Offset(u64),
    /// 1-based line number, for text formats.
    Line(u64),
    /// 0-based index into a named JSON array (`trace[17]`), for the readsb JSON formats.
    Entry {
        /// The array's member name (`trace`, `aircraft`).
        array: &'static str,
        /// Index of the element.
        index: usize,
    },
    /// 1-based row number across the whole file, for columnar formats (Parquet).
    Row(u64),
    /// The file's schema (Parquet), for problems with a column rather than a row.
    Schema,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Offset(offset) => write!(f, "byte {offset}"),
            Location::Line(line) => write!(f, "line {line}"),
            Location::Entry { array, index } => write!(f, "{array}[{index}]"),
            Location::Row(row) => write!(f, "row {row}"),
            Location::Schema => f.write_str("schema"),
        }
    }
}

/// The `at` of any [`FrameError`] (by value from `*error`, by reference from `error`).
macro_rules! located {
    ($error:expr) => {
        match $error {
            FrameError::Garbage { at, .. }
            | FrameError::UnknownFrameType { at, .. }
            | FrameError::BadEscape { at }
            | FrameError::Truncated { at }
            | FrameError::BadReceiverId { at, .. }
            | FrameError::LineTooLong { at, .. }
            | FrameError::InvalidHex { at }
            | FrameError::BadLength { at, .. }
            | FrameError::BadTimestamp { at }
            | FrameError::Unrecognised { at }
            | FrameError::MissingFields { at, .. }
            | FrameError::BadField { at, .. }
            | FrameError::MissingColumns { at, .. }
            | FrameError::InvalidJson { at, .. }
            | FrameError::MissingField { at, .. }
            | FrameError::DocumentTooLarge { at, .. }
            | FrameError::UnsupportedColumn { at, .. }
            | FrameError::UnreadableRows { at, .. } => at,
        }
    };
}

/// One rejected piece of input. The framer that reported it has already skipped it and
/// resynchronised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// Bytes between Beast frames that do not start a frame (reported once per run, when the run
    /// ends).
    #[error("{at}: {len} bytes of garbage between frames skipped")]
    Garbage {
        /// Offset of the first skipped byte.
        at: Location,
        /// Number of bytes skipped.
        len: u64,
    },
    /// A Beast frame whose type byte is not `'1'`, `'2'` or `'3'` (for example a `'4'` status
    /// frame); it and the bytes up to the next frame start were skipped.
    #[error("{at}: Beast frame type {type_byte:#04x} is not '1', '2' or '3'; {len} bytes skipped")]
    UnknownFrameType {
        /// Offset of the frame's 0x1a.
        at: Location,
        /// The type byte found.
        type_byte: u8,
        /// Number of bytes skipped, the 0x1a and type byte included.
        len: u64,
    },
    /// A lone 0x1a (not doubled) inside a Beast frame: the frame was cut short by the next one.
    /// The frame is dropped and the 0x1a is read again as a possible frame start.
    #[error("{at}: Beast frame cut short by an unescaped 0x1a")]
    BadEscape {
        /// Offset of the dropped frame's 0x1a.
        at: Location,
    },
    /// An in-band receiver id record (`0x1a 0xe3`/`0xe4`) whose payload is no shape known;
    /// skipped, and the receiver id in effect is unchanged.
    #[error(
        "{at}: Beast receiver id record {type_byte:#04x} of {len} bytes not understood; skipped"
    )]
    BadReceiverId {
        /// Offset of the record's 0x1a.
        at: Location,
        /// 0xe3 or 0xe4.
        type_byte: u8,
        /// Payload bytes found (unescaped, at most 65 counted).
        len: usize,
    },
    /// The input ends inside a frame or line.
    #[error("{at}: input ends inside a frame")]
    Truncated {
        /// Where the incomplete frame or line starts.
        at: Location,
    },
    /// A text line longer than the framer's limit; it was skipped up to its newline.
    #[error("{at}: line longer than {max} bytes")]
    LineTooLong {
        /// The line.
        at: Location,
        /// The limit in bytes.
        max: usize,
    },
    /// A character that is not a hex digit where hex digits were expected.
    #[error("{at}: not a hex digit")]
    InvalidHex {
        /// The line.
        at: Location,
    },
    /// A number of hex digits that is no frame length this format knows.
    #[error("{at}: {digits} hex digits is not a frame length this format accepts")]
    BadLength {
        /// The line.
        at: Location,
        /// Number of hex digits found.
        digits: usize,
    },
    /// A receive timestamp that does not parse.
    #[error("{at}: bad timestamp")]
    BadTimestamp {
        /// The line.
        at: Location,
    },
    /// A line that does not have the shape of this format at all.
    #[error("{at}: not a line of this format")]
    Unrecognised {
        /// The line.
        at: Location,
    },
    /// A delimited line with too few fields.
    #[error("{at}: {found} fields, expected at least {expected}")]
    MissingFields {
        /// The line.
        at: Location,
        /// Fields found.
        found: usize,
        /// Fields needed.
        expected: usize,
    },
    /// A field or cell whose value does not parse.
    #[error("{at}: bad value in field {field}")]
    BadField {
        /// The line or entry.
        at: Location,
        /// The field's name.
        field: &'static str,
    },
    /// A CSV header that lacks required columns; every row after it is ignored.
    #[error("{at}: header lacks required columns; expected {expected}")]
    MissingColumns {
        /// The header line.
        at: Location,
        /// The columns that are required, as the user should write them.
        expected: &'static str,
    },
    /// A JSON document that does not parse.
    #[error("{at}, column {column}: invalid JSON")]
    InvalidJson {
        /// Line of the syntax error.
        at: Location,
        /// 1-based column of the syntax error.
        column: usize,
    },
    /// A JSON document or entry without a member this format needs.
    #[error("{at}: missing member {field:?}")]
    MissingField {
        /// Where (line 1 for the document itself, or the entry).
        at: Location,
        /// The member's name.
        field: &'static str,
    },
    /// A JSON array element (or the elements held while waiting for a member) larger than the
    /// framer accepts.
    #[error("{at}: document larger than {max} bytes")]
    DocumentTooLarge {
        /// Offset at which the limit was passed.
        at: Location,
        /// The limit in bytes.
        max: usize,
    },
    /// A column this format could read but whose stored type vigia does not convert; it is
    /// ignored (a required column missing this way also gives [`FrameError::MissingColumns`]).
    #[error("{at}: column {column:?} is stored as {stored}, which vigia does not read; the column is ignored")]
    UnsupportedColumn {
        /// [`Location::Schema`].
        at: Location,
        /// The column's name.
        column: String,
        /// Its stored (physical and logical) type.
        stored: String,
    },
    /// A stretch of a columnar file that cannot be decoded (a corrupt page or chunk): its rows
    /// are skipped and reading goes on with the next row group.
    #[error("{at}: {rows} rows unreadable and skipped ({cause})")]
    UnreadableRows {
        /// The first skipped row.
        at: Location,
        /// How many rows were skipped.
        rows: u64,
        /// What the decoder said.
        cause: String,
    },
}

/// The kind of a [`FrameError`] without its data, to count rejections by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`FrameError::Garbage`].
    Garbage,
    /// [`FrameError::UnknownFrameType`].
    UnknownFrameType,
    /// [`FrameError::BadEscape`].
    BadEscape,
    /// [`FrameError::Truncated`].
    Truncated,
    /// [`FrameError::BadReceiverId`].
    BadReceiverId,
    /// [`FrameError::LineTooLong`].
    LineTooLong,
    /// [`FrameError::InvalidHex`].
    InvalidHex,
    /// [`FrameError::BadLength`].
    BadLength,
    /// [`FrameError::BadTimestamp`].
    BadTimestamp,
    /// [`FrameError::Unrecognised`].
    Unrecognised,
    /// [`FrameError::MissingFields`].
    MissingFields,
    /// [`FrameError::BadField`].
    BadField,
    /// [`FrameError::MissingColumns`].
    MissingColumns,
    /// [`FrameError::InvalidJson`].
    InvalidJson,
    /// [`FrameError::MissingField`].
    MissingField,
    /// [`FrameError::DocumentTooLarge`].
    DocumentTooLarge,
    /// [`FrameError::UnsupportedColumn`].
    UnsupportedColumn,
    /// [`FrameError::UnreadableRows`].
    UnreadableRows,
}

impl ErrorKind {
    /// Every kind, in declaration order (the index of a kind is its position here).
    pub const ALL: [ErrorKind; 18] = [
        ErrorKind::Garbage,
        ErrorKind::UnknownFrameType,
        ErrorKind::BadEscape,
        ErrorKind::Truncated,
        ErrorKind::BadReceiverId,
        ErrorKind::LineTooLong,
        ErrorKind::InvalidHex,
        ErrorKind::BadLength,
        ErrorKind::BadTimestamp,
        ErrorKind::Unrecognised,
        ErrorKind::MissingFields,
        ErrorKind::BadField,
        ErrorKind::MissingColumns,
        ErrorKind::InvalidJson,
        ErrorKind::MissingField,
        ErrorKind::DocumentTooLarge,
        ErrorKind::UnsupportedColumn,
        ErrorKind::UnreadableRows,
    ];

    /// A short snake_case name for reports and metrics (`"bad_escape"`).
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::Garbage => "garbage",
            ErrorKind::UnknownFrameType => "unknown_frame_type",
            ErrorKind::BadEscape => "bad_escape",
            ErrorKind::Truncated => "truncated",
            ErrorKind::BadReceiverId => "bad_receiver_id",
            ErrorKind::LineTooLong => "line_too_long",
            ErrorKind::InvalidHex => "invalid_hex",
            ErrorKind::BadLength => "bad_length",
            ErrorKind::BadTimestamp => "bad_timestamp",
            ErrorKind::Unrecognised => "unrecognised",
            ErrorKind::MissingFields => "missing_fields",
            ErrorKind::BadField => "bad_field",
            ErrorKind::MissingColumns => "missing_columns",
            ErrorKind::InvalidJson => "invalid_json",
            ErrorKind::MissingField => "missing_field",
            ErrorKind::DocumentTooLarge => "document_too_large",
            ErrorKind::UnsupportedColumn => "unsupported_column",
            ErrorKind::UnreadableRows => "unreadable_rows",
        }
    }

    /// Position in [`ErrorKind::ALL`].
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FrameError {
    /// The kind, for counting.
    pub fn kind(&self) -> ErrorKind {
        match self {
            FrameError::Garbage { .. } => ErrorKind::Garbage,
            FrameError::UnknownFrameType { .. } => ErrorKind::UnknownFrameType,
            FrameError::BadEscape { .. } => ErrorKind::BadEscape,
            FrameError::Truncated { .. } => ErrorKind::Truncated,
            FrameError::BadReceiverId { .. } => ErrorKind::BadReceiverId,
            FrameError::LineTooLong { .. } => ErrorKind::LineTooLong,
            FrameError::InvalidHex { .. } => ErrorKind::InvalidHex,
            FrameError::BadLength { .. } => ErrorKind::BadLength,
            FrameError::BadTimestamp { .. } => ErrorKind::BadTimestamp,
            FrameError::Unrecognised { .. } => ErrorKind::Unrecognised,
            FrameError::MissingFields { .. } => ErrorKind::MissingFields,
            FrameError::BadField { .. } => ErrorKind::BadField,
            FrameError::MissingColumns { .. } => ErrorKind::MissingColumns,
            FrameError::InvalidJson { .. } => ErrorKind::InvalidJson,
            FrameError::MissingField { .. } => ErrorKind::MissingField,
            FrameError::DocumentTooLarge { .. } => ErrorKind::DocumentTooLarge,
            FrameError::UnsupportedColumn { .. } => ErrorKind::UnsupportedColumn,
            FrameError::UnreadableRows { .. } => ErrorKind::UnreadableRows,
        }
    }

    /// How many input records this rejection stands for: the rows of an unreadable stretch,
    /// none for a note about a column, one otherwise.
    pub fn records(&self) -> u64 {
        match self {
            FrameError::UnreadableRows { rows, .. } => *rows,
            FrameError::UnsupportedColumn { .. } => 0,
            _ => 1,
        }
    }

    /// Where the problem is, to move it (a piece of a file read on its own numbers its lines
    /// from 1).
    pub(crate) fn location_mut(&mut self) -> &mut Location {
        located!(self)
    }

    /// Where the problem is.
    pub fn location(&self) -> Location {
        located!(*self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_in_index_order() {
        for (i, kind) in ErrorKind::ALL.iter().enumerate() {
            assert_eq!(kind.index(), i, "{kind}");
        }
    }

    #[test]
    fn messages_name_the_location() {
        let e = FrameError::BadEscape {
            at: Location::Offset(44),
        };
        assert_eq!(
            e.to_string(),
            "byte 44: Beast frame cut short by an unescaped 0x1a"
        );
        assert_eq!(e.kind(), ErrorKind::BadEscape);
        let e = FrameError::BadField {
            at: Location::Entry {
                array: "trace",
                index: 3,
            },
            field: "lat",
        };
        assert_eq!(e.to_string(), "trace[3]: bad value in field lat");
        assert_eq!(
            e.location(),
            Location::Entry {
                array: "trace",
                index: 3
            }
        );
    }
}
