//! The whole-document half of the JSON framers: collect pushed bytes up to a size limit, parse
//! them with serde_json at `finish`, then hand out the mapped items one by one.
//!
//! Owns buffering, the limit, syntax errors and the typed reading of JSON values
//! (number-or-null and so on). It does not know the readsb layouts; `readsb_trace.rs` and
//! `readsb_aircraft.rs` do. Memory grows with the document (bounded by the limit): these formats
//! are files of a few megabytes, not streams.

use crate::{FrameError, Location, StateVector};
use serde_json::Value;

/// Largest JSON document accepted, in bytes. readsb's traces and aircraft.json are a few MB.
pub(crate) const MAX_DOCUMENT_BYTES: usize = 256 * 1024 * 1024;

/// Bytes in; at finish, a parsed document mapped to items.
#[derive(Debug, Default)]
pub(crate) struct JsonDocument {
    buf: Vec<u8>,
    too_large: bool,
    finished: bool,
    items: std::vec::IntoIter<Result<StateVector, FrameError>>,
}

impl JsonDocument {
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        if self.finished || self.too_large {
            return;
        }
        if self.buf.len() + bytes.len() > MAX_DOCUMENT_BYTES {
            self.too_large = true;
            self.buf = Vec::new();
            return;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// Parse and map the document with `map` (called once, at finish).
    pub(crate) fn finish(
        &mut self,
        map: impl FnOnce(&Value) -> Vec<Result<StateVector, FrameError>>,
    ) {
        if self.finished {
            return;
        }
        self.finished = true;
        let items = if self.too_large {
            vec![Err(FrameError::DocumentTooLarge {
                at: Location::Offset(MAX_DOCUMENT_BYTES as u64),
                max: MAX_DOCUMENT_BYTES,
            })]
        } else {
            match serde_json::from_slice::<Value>(&self.buf) {
                Ok(document) => map(&document),
                Err(error) => vec![Err(FrameError::InvalidJson {
                    at: Location::Line(error.line() as u64),
                    column: error.column(),
                })],
            }
        };
        self.buf = Vec::new();
        self.items = items.into_iter();
    }

    pub(crate) fn capacity(&self) -> usize {
        self.buf.capacity()
    }

    pub(crate) fn next_item(&mut self) -> Option<Result<StateVector, FrameError>> {
        self.items.next()
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

    #[test]
    fn syntax_errors_are_located() {
        let mut doc = JsonDocument::default();
        doc.push(b"{\n  \"a\": [1,\n  2,,]\n}");
        doc.finish(|_| Vec::new());
        assert_eq!(
            doc.next_item(),
            Some(Err(FrameError::InvalidJson {
                at: Location::Line(3),
                column: 5
            }))
        );
        assert_eq!(doc.next_item(), None);
    }
}
