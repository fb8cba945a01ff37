//! The streaming half of the JSON framers: a push scanner over one JSON object whose one array
//! member (`trace`, `aircraft`) is handed out element by element as it arrives, each element
//! parsed on its own with serde_json and mapped by the layout.
//!
//! Owns the scanning, the limits, syntax errors and the typed reading of JSON values
//! (number-or-null and so on). It does not know the readsb layouts; `readsb_trace.rs` and
//! `readsb_aircraft.rs` do, through [`Layout`]. Memory is bounded whatever the document's size:
//! one element (at most [`MAX_ELEMENT_BYTES`]), the kept top-level members (at most
//! [`MAX_MEMBER_BYTES`] each, only the ones the layout names), the items of one pushed chunk, and,
//! when the members the layout needs come after the array, at most [`MAX_PENDING_BYTES`] of
//! elements held until they arrive. Members the layout does not read are scanned, not parsed.

use std::collections::VecDeque;

use crate::{FrameError, Location, StateVector};
use serde_json::{Map, Value};

/// Largest array element (one trace point, one aircraft) accepted, in bytes.
pub(crate) const MAX_ELEMENT_BYTES: usize = 64 * 1024;
/// Largest kept top-level member value (`icao`, `timestamp`, `now`), in bytes.
pub(crate) const MAX_MEMBER_BYTES: usize = 4 * 1024;
/// Elements held while the members the layout needs have not been read yet, in bytes.
pub(crate) const MAX_PENDING_BYTES: usize = 16 * 1024 * 1024;

/// One readsb document layout: which array is streamed, which top-level members are kept, and
/// how an element maps to a [`StateVector`].
pub(crate) trait Layout {
    /// The streamed array member.
    const ARRAY: &'static str;
    /// The top-level members kept (all others are skipped unread).
    const MEMBERS: &'static [&'static str];
    /// What the elements need from the top-level members.
    type Context: std::fmt::Debug;
    /// The context from the kept members, or the document's error (a missing or bad member).
    fn context(members: &Map<String, Value>) -> Result<Self::Context, FrameError>;
    /// One element.
    fn element(
        context: &Self::Context,
        value: &Value,
        at: Location,
    ) -> Result<StateVector, FrameError>;
}

/// Where the scanner is in the top-level object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scan {
    /// Before the opening brace.
    Start,
    /// After the opening brace: expecting a member name or `}`.
    FirstKey,
    /// After a `,`: expecting a member name.
    Key,
    /// Inside a member name.
    KeyString,
    /// Expecting `:`.
    Colon,
    /// Expecting a member's value.
    Value,
    /// Inside a member's value (kept or skipped).
    Member,
    /// Inside the streamed array, expecting an element or `]`.
    Element,
    /// Inside an element.
    InElement,
    /// After a member's value: expecting `,` or `}`.
    After,
    /// After the closing brace.
    End,
    /// After a syntax error: the rest is ignored.
    Failed,
}

/// One JSON value being scanned: its nesting and string state, and (when kept) its bytes.
#[derive(Debug, Default)]
struct Scanned {
    nest: u32,
    in_string: bool,
    escaped: bool,
    bytes: Vec<u8>,
    too_large: bool,
    line: u64,
    column: u64,
}

/// An element held until the members the layout needs are read.
#[derive(Debug)]
struct Held {
    index: usize,
    line: u64,
    column: u64,
    bytes: Vec<u8>,
}

/// Bytes in, [`StateVector`]s out as the array's elements complete.
#[derive(Debug)]
pub(crate) struct JsonStream<L: Layout> {
    scan: Scan,
    line: u64,
    column: u64,
    key: Vec<u8>,
    key_escaped: bool,
    value: Scanned,
    keep_member: bool,
    members: Map<String, Value>,
    context: Option<Result<L::Context, FrameError>>,
    array_seen: bool,
    index: usize,
    pending: Vec<Held>,
    pending_bytes: usize,
    pending_overflow: Option<usize>,
    items: VecDeque<Result<StateVector, FrameError>>,
    finished: bool,
}

impl<L: Layout> Default for JsonStream<L> {
    fn default() -> Self {
        Self {
            scan: Scan::Start,
            line: 1,
            column: 0,
            key: Vec::new(),
            key_escaped: false,
            value: Scanned::default(),
            keep_member: false,
            members: Map::new(),
            context: None,
            array_seen: false,
            index: 0,
            pending: Vec::new(),
            pending_bytes: 0,
            pending_overflow: None,
            items: VecDeque::new(),
            finished: false,
        }
    }
}

/// What one byte did to a value being scanned.
enum Step {
    /// Still inside the value.
    More,
    /// The value ended before this byte (a `,`, `]` or `}` of the enclosing container).
    Ended,
}

impl Scanned {
    fn start(&mut self, line: u64, column: u64) {
        self.nest = 0;
        self.in_string = false;
        self.escaped = false;
        self.bytes.clear();
        self.too_large = false;
        self.line = line;
        self.column = column;
    }

    fn step(&mut self, byte: u8, limit: usize) -> Step {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
            }
        } else {
            match byte {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.nest = self.nest.saturating_add(1),
                b']' | b'}' if self.nest == 0 => return Step::Ended,
                b']' | b'}' => self.nest -= 1,
                b',' if self.nest == 0 => return Step::Ended,
                _ => {}
            }
        }
        if self.bytes.len() < limit {
            self.bytes.push(byte);
        } else {
            self.too_large = true;
        }
        Step::More
    }
}

impl<L: Layout> JsonStream<L> {
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if self.finished {
            return;
        }
        for &byte in bytes {
            if self.scan == Scan::Failed {
                return;
            }
            self.byte(byte);
            if byte == b'\n' {
                self.line += 1;
                self.column = 0;
            } else {
                self.column += 1;
            }
        }
    }

    /// A syntax error at the current byte (1-based column), or at the end (`at_end`: the column
    /// of the last byte, as serde_json counts).
    fn fail_at(&mut self, at_end: bool) {
        self.items.push_back(Err(FrameError::InvalidJson {
            at: Location::Line(self.line),
            column: self.column as usize + usize::from(!at_end),
        }));
        self.scan = Scan::Failed;
        self.value = Scanned::default();
        self.pending = Vec::new();
    }

    fn byte(&mut self, byte: u8) {
        let space = matches!(byte, b' ' | b'\t' | b'\n' | b'\r');
        match self.scan {
            Scan::Start if space => {}
            Scan::Start if byte == b'{' => self.scan = Scan::FirstKey,
            Scan::FirstKey
            | Scan::Key
            | Scan::Colon
            | Scan::Value
            | Scan::After
            | Scan::End
            | Scan::Element
                if space => {}
            Scan::FirstKey | Scan::Key if byte == b'"' => {
                self.key.clear();
                self.key_escaped = false;
                self.scan = Scan::KeyString;
            }
            Scan::FirstKey if byte == b'}' => self.scan = Scan::End,
            Scan::KeyString => {
                if self.key_escaped {
                    self.key_escaped = false;
                } else if byte == b'\\' {
                    self.key_escaped = true;
                } else if byte == b'"' {
                    self.scan = Scan::Colon;
                    return;
                }
                if self.key.len() < 64 {
                    self.key.push(byte);
                }
            }
            Scan::Colon if byte == b':' => self.scan = Scan::Value,
            Scan::Value if byte == b'[' && self.key == L::ARRAY.as_bytes() && !self.array_seen => {
                self.array_seen = true;
                self.scan = Scan::Element;
            }
            Scan::Value if !matches!(byte, b',' | b'}' | b']' | b':') => {
                self.keep_member = L::MEMBERS.iter().any(|m| m.as_bytes() == self.key);
                self.value.start(self.line, self.column);
                self.scan = Scan::Member;
                self.member_byte(byte);
            }
            Scan::Member => self.member_byte(byte),
            Scan::Element if byte == b']' && self.index == 0 => self.scan = Scan::After,
            Scan::Element if !matches!(byte, b',' | b'}' | b']' | b':') => {
                self.value.start(self.line, self.column);
                self.scan = Scan::InElement;
                self.element_byte(byte);
            }
            Scan::InElement => self.element_byte(byte),
            Scan::After if byte == b',' => self.scan = Scan::Key,
            Scan::After if byte == b'}' => self.scan = Scan::End,
            _ => self.fail_at(false),
        }
    }

    fn member_byte(&mut self, byte: u8) {
        let limit = if self.keep_member {
            MAX_MEMBER_BYTES
        } else {
            0
        };
        if let Step::Ended = self.value.step(byte, limit) {
            if self.keep_member {
                self.keep();
            }
            self.scan = Scan::After;
            self.byte(byte);
        }
    }

    fn element_byte(&mut self, byte: u8) {
        if let Step::Ended = self.value.step(byte, MAX_ELEMENT_BYTES) {
            self.element();
            self.index += 1;
            self.scan = if byte == b',' {
                Scan::Element
            } else if byte == b']' {
                Scan::After
            } else {
                self.fail_at(false);
                Scan::Failed
            };
        }
    }

    /// A kept member's value, parsed (a bad one is left out: the layout reports it missing or bad).
    fn keep(&mut self) {
        let Ok(key) = std::str::from_utf8(&self.key) else {
            return;
        };
        let value = if self.value.too_large {
            Value::Null
        } else {
            serde_json::from_slice(self.value.bytes.trim_ascii()).unwrap_or(Value::Null)
        };
        self.members.insert(key.to_string(), value);
        self.context = None;
    }

    fn element(&mut self) {
        let at = Location::Entry {
            array: L::ARRAY,
            index: self.index,
        };
        if self.value.too_large {
            self.items.push_back(Err(FrameError::DocumentTooLarge {
                at,
                max: MAX_ELEMENT_BYTES,
            }));
            return;
        }
        let context = self
            .context
            .get_or_insert_with(|| L::context(&self.members));
        if context.is_ok() && self.pending.is_empty() {
            let (line, column) = (self.value.line, self.value.column);
            let item = parse::<L>(context, self.value.bytes.trim_ascii(), (line, column), at);
            self.items.push_back(item);
            return;
        }
        // The members this layout needs are not (all) read yet: hold the element until the end.
        self.context = None;
        let bytes = std::mem::take(&mut self.value.bytes);
        // Each held element costs its bytes, its `Held` and its allocation's bookkeeping.
        let cost = bytes.len() + std::mem::size_of::<Held>() + 16;
        if self.pending_bytes + cost > MAX_PENDING_BYTES {
            self.pending_overflow.get_or_insert(self.index);
            return;
        }
        self.pending_bytes += cost;
        self.pending.push(Held {
            index: self.index,
            line: self.value.line,
            column: self.value.column,
            bytes,
        });
    }

    /// End of input: the held elements, or the document's error.
    pub(crate) fn finish(&mut self) {
        if self.finished {
            return;
        }
        self.finished = true;
        if self.scan == Scan::Failed {
            return;
        }
        if self.scan != Scan::End {
            self.fail_at(true);
            return;
        }
        let context = L::context(&self.members);
        let context = match context {
            Err(error) => {
                self.items.push_back(Err(error));
                return;
            }
            Ok(_) if !self.array_seen => {
                self.items.push_back(Err(FrameError::MissingField {
                    at: Location::Line(1),
                    field: L::ARRAY,
                }));
                return;
            }
            Ok(context) => Ok(context),
        };
        for held in std::mem::take(&mut self.pending) {
            let at = Location::Entry {
                array: L::ARRAY,
                index: held.index,
            };
            let start = (held.line, held.column);
            self.items
                .push_back(parse::<L>(&context, held.bytes.trim_ascii(), start, at));
        }
        if let Some(index) = self.pending_overflow {
            self.items.push_back(Err(FrameError::DocumentTooLarge {
                at: Location::Entry {
                    array: L::ARRAY,
                    index,
                },
                max: MAX_PENDING_BYTES,
            }));
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.value.bytes.capacity() + self.pending_bytes
    }

    pub(crate) fn next_item(&mut self) -> Option<Result<StateVector, FrameError>> {
        self.items.pop_front()
    }
}

/// One element's bytes, parsed and mapped.
fn parse<L: Layout>(
    context: &Result<L::Context, FrameError>,
    bytes: &[u8],
    (line, column): (u64, u64),
    at: Location,
) -> Result<StateVector, FrameError> {
    let Ok(context) = context else {
        return Err(FrameError::BadField {
            at,
            field: L::ARRAY,
        });
    };
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => L::element(context, &value, at),
        // serde_json counts from the element's first byte; the document's line and column are
        // the element's start plus that.
        Err(error) if error.line() <= 1 => Err(FrameError::InvalidJson {
            at: Location::Line(line),
            column: column as usize + error.column(),
        }),
        Err(error) => Err(FrameError::InvalidJson {
            at: Location::Line(line + error.line() as u64 - 1),
            column: error.column(),
        }),
    }
}

/// A JSON value that must be a number or null (or absent).
pub(crate) fn number_or_null(value: Option<&Value>) -> Result<Option<f64>, ()> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_f64().filter(|v| v.is_finite()).map(Some).ok_or(()),
        Some(_) => Err(()),
    }
}

/// A JSON value that must be a string or null (or absent).
pub(crate) fn string_or_null(value: Option<&Value>) -> Result<Option<&str>, ()> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(()),
    }
}

/// The error for a member of entry `at` that has the wrong type or value.
pub(crate) fn bad(at: Location, field: &'static str) -> impl Fn(()) -> FrameError {
    move |()| FrameError::BadField { at, field }
}

/// A field's value, or `None` with the field marked dropped when it is bad (the record is
/// kept: one bad field drops that field only).
pub(crate) fn keep<T>(
    value: Result<Option<T>, ()>,
    field: &'static str,
    dropped: &mut vigia_modes::record::DroppedFields,
) -> Option<T> {
    value.unwrap_or_else(|()| {
        dropped.insert(field);
        None
    })
}

/// A number that must also lie in a physical range (`text::range`): outside it is bad.
pub(crate) fn in_range(
    value: Result<Option<f64>, ()>,
    range: fn(f64) -> Option<f64>,
) -> Result<Option<f64>, ()> {
    match value {
        Ok(Some(v)) => range(v).map(Some).ok_or(()),
        other => other,
    }
}

/// A latitude in [-90, 90] (or none).
pub(crate) fn latitude(value: Option<f64>) -> Result<Option<f64>, ()> {
    match value {
        Some(v) if !(-90.0..=90.0).contains(&v) => Err(()),
        other => Ok(other),
    }
}

/// A longitude in [-180, 180] (or none).
pub(crate) fn longitude(value: Option<f64>) -> Result<Option<f64>, ()> {
    match value {
        Some(v) if !(-180.0..=180.0).contains(&v) => Err(()),
        other => Ok(other),
    }
}

/// readsb's `flight` member (padded with spaces); empty means none.
pub(crate) fn callsign(text: Option<&str>) -> Result<Option<vigia_modes::Callsign>, ()> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) => vigia_modes::Callsign::parse(t).map(Some).map_err(|_| ()),
    }
}

/// readsb's `squawk` member (four octal digits as a string).
pub(crate) fn squawk(text: Option<&str>) -> Result<Option<u16>, ()> {
    text.map(|t| crate::text::squawk(t).ok_or(())).transpose()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_reads() {
        let doc = json!({"n": 1.5, "z": null, "s": "x", "b": true});
        assert_eq!(number_or_null(doc.get("n")), Ok(Some(1.5)));
        assert_eq!(number_or_null(doc.get("z")), Ok(None));
        assert_eq!(number_or_null(doc.get("missing")), Ok(None));
        assert_eq!(number_or_null(doc.get("s")), Err(()));
        assert_eq!(string_or_null(doc.get("s")), Ok(Some("x")));
        assert_eq!(string_or_null(doc.get("b")), Err(()));
        assert_eq!(latitude(Some(91.0)), Err(()));
        assert_eq!(longitude(Some(-180.0)), Ok(Some(-180.0)));
        assert_eq!(squawk(Some("7700")), Ok(Some(0o7700)));
        assert_eq!(callsign(Some("        ")), Ok(None));
    }

    /// A layout with one kept member `t` and the array `a` of numbers (as altitudes).
    #[derive(Debug)]
    struct Numbers;

    impl Layout for Numbers {
        const ARRAY: &'static str = "a";
        const MEMBERS: &'static [&'static str] = &["t"];
        type Context = f64;
        fn context(members: &Map<String, Value>) -> Result<f64, FrameError> {
            members
                .get("t")
                .and_then(Value::as_f64)
                .ok_or(FrameError::MissingField {
                    at: Location::Line(1),
                    field: "t",
                })
        }
        fn element(t: &f64, value: &Value, at: Location) -> Result<StateVector, FrameError> {
            let mut state = StateVector::new(vigia_modes::IcaoAddress::new(1));
            state.ts = Some(*t);
            state.altitude_ft = Some(
                value
                    .as_f64()
                    .ok_or(FrameError::BadField { at, field: "a" })?,
            );
            Ok(state)
        }
    }

    /// Everything `text` yields, pushed in pieces of `step` bytes.
    fn stream(text: &str, step: usize) -> Vec<Result<Option<f64>, FrameError>> {
        let mut doc = JsonStream::<Numbers>::default();
        let mut out = Vec::new();
        for piece in text.as_bytes().chunks(step.max(1)) {
            doc.push(piece);
            while let Some(item) = doc.next_item() {
                out.push(item.map(|s| s.altitude_ft));
            }
        }
        doc.finish();
        while let Some(item) = doc.next_item() {
            out.push(item.map(|s| s.altitude_ft));
        }
        out
    }

    #[test]
    fn elements_come_out_as_they_arrive() {
        let mut doc = JsonStream::<Numbers>::default();
        doc.push(br#"{"t": 5, "skip": {"a": [1, "]"]}, "a": [1, 2"#);
        assert_eq!(
            doc.next_item().map(|r| r.unwrap().altitude_ft),
            Some(Some(1.0))
        );
        // "2" may go on ("25"): not yet an element
        assert!(doc.next_item().is_none());
        doc.push(b"5, 3]}");
        let rest: Vec<_> = std::iter::from_fn(|| doc.next_item()).collect();
        assert_eq!(rest.len(), 2);
        doc.finish();
        assert!(doc.next_item().is_none());
    }

    #[test]
    fn members_after_the_array_are_waited_for() {
        let got = stream(r#"{"a": [1, 2], "t": 7}"#, 3);
        assert_eq!(got, vec![Ok(Some(1.0)), Ok(Some(2.0))]);
        let missing = stream(r#"{"a": [1, 2]}"#, 3);
        assert_eq!(
            missing,
            vec![Err(FrameError::MissingField {
                at: Location::Line(1),
                field: "t"
            })]
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        // A bad element is reported where it is and skipped; the others are read.
        let got = stream("{\"t\": 1,\n  \"a\": [1,\n  [2,,], 3]\n}", 1);
        assert_eq!(
            got,
            vec![
                Ok(Some(1.0)),
                Err(FrameError::InvalidJson {
                    at: Location::Line(3),
                    column: 6
                }),
                Ok(Some(3.0)),
            ]
        );
        // A broken structure ends the document there.
        let got = stream("{\"t\": 1, \"a\" [1]}", 4);
        assert_eq!(
            got,
            vec![Err(FrameError::InvalidJson {
                at: Location::Line(1),
                column: 14
            })]
        );
        assert!(matches!(
            stream(r#"{"t": 1, "a": [1, 2"#, 5)[..],
            [Ok(_), Err(FrameError::InvalidJson { .. })]
        ));
    }

    #[test]
    fn memory_is_bounded_by_an_element_not_the_document() {
        let mut doc = JsonStream::<Numbers>::default();
        doc.push(br#"{"t": 1, "skipped": ""#);
        let filler = vec![b'x'; 1 << 20];
        for _ in 0..8 {
            doc.push(&filler);
        }
        doc.push(br#"", "a": ["#);
        let mut peak = 0;
        for _ in 0..100_000 {
            doc.push(b"12345.5, ");
            while doc.next_item().is_some() {}
            peak = peak.max(doc.capacity());
        }
        assert!(peak < 1024, "held {peak} bytes");
        let mut big = vec![b'['; MAX_ELEMENT_BYTES + 1];
        big.extend(vec![b']'; MAX_ELEMENT_BYTES + 1]);
        doc.push(&big);
        doc.push(b", 1]}");
        doc.finish();
        let rest: Vec<_> = std::iter::from_fn(|| doc.next_item()).collect();
        assert!(matches!(rest[0], Err(FrameError::DocumentTooLarge { .. })));
        assert!(rest[1].is_ok());
        assert!(doc.capacity() <= MAX_ELEMENT_BYTES);
    }
}
