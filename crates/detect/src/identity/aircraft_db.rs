//! Optional aircraft databases receiver owners already have (`--aircraft-db FILE`):
//! registration, ICAO type designator, operator and a military flag per address.
//!
//! Two layouts are read, recognised from the first line:
//! - **OpenSky** `aircraftDatabase.csv`: a header naming `icao24`, `registration`, `typecode`,
//!   `operator` (or `owner`), quoted fields, commas.
//! - **tar1090-db** `aircraft.csv` (Mictronics-derived): no header, `;`-separated
//!   `icao;registration;type;flags;description;...` where the first flag digit `1` means
//!   military.
//!
//! Rows that cannot be read are counted, not fatal; the first few are reported by line.

use std::collections::HashMap;
use std::io::BufRead;

use vigia_modes::IcaoAddress;

/// What a database knows about one aircraft.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AircraftRecord {
    /// Registration, e.g. `N123AB`.
    pub registration: Option<String>,
    /// ICAO type designator, e.g. `B350`.
    pub type_designator: Option<String>,
    /// Operator or owner.
    pub operator: Option<String>,
    /// Flagged military by the database.
    pub military: bool,
}

/// A loaded aircraft database.
#[derive(Clone, Debug, Default)]
pub struct AircraftDb {
    records: HashMap<IcaoAddress, AircraftRecord>,
    /// Lines that could not be read: `(line number, reason)`, the first 10.
    pub rejected_lines: Vec<(u64, String)>,
    /// How many lines were rejected in all.
    pub rejected: u64,
}

/// A database that cannot be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AircraftDbError {
    /// Reading failed.
    #[error("reading the aircraft database failed at line {line}")]
    Read {
        /// The line being read.
        line: u64,
        /// The cause.
        #[source]
        cause: std::io::Error,
    },
    /// A header without an `icao24` column.
    #[error("the header has no icao24 column (expected OpenSky aircraftDatabase.csv columns: icao24, registration, typecode, operator)")]
    NoAddressColumn,
}

/// Split one delimited line; a double-quoted field may hold the separator (no escaped quotes
/// in the tables vigia reads).
pub(crate) fn split_csv(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn non_empty(s: Option<&String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Longest line read, bytes (a real row is under 1 KiB); longer ones are skipped.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Longest value written by [`AircraftDb::write_csv`], bytes (real ones are under 100).
pub const MAX_FIELD_BYTES: usize = 1000;
/// Most aircraft kept (OpenSky's database has about 600 000); the rest is skipped and counted.
pub const MAX_RECORDS: usize = 2_000_000;

/// One line of at most `max` bytes into `buf` (without its line ending): `Ok(None)` at the
/// end, `Ok(Some(false))` for a line too long (skipped to its end, never held). The auxiliary
/// text readers (this database, `vigia zones classify`) read with it: memory is bounded
/// whatever the input.
pub fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<bool>> {
    buf.clear();
    let n = std::io::Read::take(&mut *reader, max as u64 + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        return Ok(Some(true));
    }
    if buf.len() > max {
        reader.skip_until(b'\n')?;
        return Ok(Some(false));
    }
    Ok(Some(true))
}

impl AircraftDb {
    fn reject(&mut self, line: u64, why: &str) {
        self.rejected += 1;
        if self.rejected_lines.len() < 10 {
            self.rejected_lines.push((line, why.into()));
        }
    }

    /// Read a database from any buffered reader. Memory is bounded: lines past
    /// [`MAX_LINE_BYTES`], lines that are not UTF-8 and aircraft past [`MAX_RECORDS`] are
    /// skipped and counted, never the end of the reading.
    pub fn read(mut reader: impl BufRead) -> Result<Self, AircraftDbError> {
        let mut db = AircraftDb::default();
        let mut columns: Option<HashMap<String, usize>> = None;
        let mut semicolon = false;
        let mut buf = Vec::new();
        let mut n = 0u64;
        loop {
            n += 1;
            let whole = read_line_bounded(&mut reader, &mut buf, MAX_LINE_BYTES)
                .map_err(|cause| AircraftDbError::Read { line: n, cause })?;
            let Some(whole) = whole else { break };
            if !whole {
                db.reject(n, "line longer than 64 KiB");
                continue;
            }
            let Ok(line) = std::str::from_utf8(&buf) else {
                db.reject(n, "not UTF-8 text");
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            if n == 1 {
                semicolon = line.contains(';');
                if !semicolon {
                    let header: HashMap<String, usize> = split_csv(line, ',')
                        .into_iter()
                        .enumerate()
                        .map(|(k, h)| (h.trim().to_ascii_lowercase(), k))
                        .collect();
                    if !header.contains_key("icao24") {
                        return Err(AircraftDbError::NoAddressColumn);
                    }
                    columns = Some(header);
                    continue;
                }
            }
            if db.records.len() >= MAX_RECORDS {
                db.reject(n, "more aircraft than the database keeps (2 000 000)");
                continue;
            }
            let row = split_csv(line, if semicolon { ';' } else { ',' });
            let parsed = if semicolon {
                Self::tar1090_row(&row)
            } else {
                columns.as_ref().and_then(|c| Self::opensky_row(&row, c))
            };
            match parsed {
                Some((address, record)) => {
                    db.records.insert(address, record);
                }
                None => db.reject(n, "no valid 24-bit address in the first column"),
            }
        }
        Ok(db)
    }

    fn tar1090_row(row: &[String]) -> Option<(IcaoAddress, AircraftRecord)> {
        let address: IcaoAddress = row.first()?.trim().parse().ok()?;
        let flags = row.get(3).map(|s| s.trim()).unwrap_or("");
        Some((
            address,
            AircraftRecord {
                registration: non_empty(row.get(1)),
                type_designator: non_empty(row.get(2)),
                operator: non_empty(row.get(6)),
                military: flags.starts_with('1'),
            },
        ))
    }

    fn opensky_row(
        row: &[String],
        columns: &HashMap<String, usize>,
    ) -> Option<(IcaoAddress, AircraftRecord)> {
        let get = |name: &str| columns.get(name).and_then(|&k| row.get(k));
        let address: IcaoAddress = get("icao24")?.trim().parse().ok()?;
        let operator = non_empty(get("operator")).or_else(|| non_empty(get("owner")));
        let military = get("categorydescription")
            .or_else(|| get("military"))
            .map(|v| {
                let v = v.to_ascii_lowercase();
                v.contains("military") || v == "true" || v == "1"
            })
            .unwrap_or(false);
        Some((
            address,
            AircraftRecord {
                registration: non_empty(get("registration")),
                type_designator: non_empty(get("typecode")),
                operator,
                military,
            },
        ))
    }

    /// Add what `other` knows: an aircraft new to this database is added; for one already in
    /// it, each field `other` fills replaces this one's (the later, fresher source wins), and
    /// the military flag is kept if either says so. Rejections are added up.
    pub fn merge(&mut self, other: AircraftDb) {
        for (address, new) in other.records {
            if self.records.len() >= MAX_RECORDS && !self.records.contains_key(&address) {
                self.rejected += 1;
                continue;
            }
            let entry = self.records.entry(address).or_default();
            entry.registration = new.registration.or(entry.registration.take());
            entry.type_designator = new.type_designator.or(entry.type_designator.take());
            entry.operator = new.operator.or(entry.operator.take());
            entry.military |= new.military;
        }
        self.rejected += other.rejected;
        for line in other.rejected_lines {
            if self.rejected_lines.len() < 10 {
                self.rejected_lines.push(line);
            }
        }
    }

    /// Every aircraft, by address.
    pub fn iter(&self) -> impl Iterator<Item = (IcaoAddress, &AircraftRecord)> {
        let mut all: Vec<_> = self.records.iter().map(|(a, r)| (*a, r)).collect();
        all.sort_by_key(|(a, _)| *a);
        all.into_iter()
    }

    /// Write the database in OpenSky's layout, one aircraft per line by address, with the
    /// columns vigia reads: `icao24,registration,typecode,operator,military` — the file
    /// `vigia aircraft-db import` installs, which [`AircraftDb::read`] reads back unchanged.
    /// Double quotes inside a value (which the reader cannot escape) are dropped, and a value
    /// is cut at [`MAX_FIELD_BYTES`] (so every line reads back within [`MAX_LINE_BYTES`]).
    pub fn write_csv(&self, mut out: impl std::io::Write) -> std::io::Result<()> {
        let field = |v: &Option<String>| {
            let v = v.as_deref().unwrap_or("").replace('"', "");
            format!("\"{}\"", clip(&v, MAX_FIELD_BYTES))
        };
        writeln!(out, "icao24,registration,typecode,operator,military")?;
        for (address, r) in self.iter() {
            writeln!(
                out,
                "{address},{},{},{},{}",
                field(&r.registration),
                field(&r.type_designator),
                field(&r.operator),
                if r.military { "true" } else { "false" }
            )?;
        }
        Ok(())
    }

    /// The record for an address.
    pub fn get(&self, address: IcaoAddress) -> Option<&AircraftRecord> {
        self.records.get(&address)
    }

    /// Number of aircraft in the database.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the database is empty.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_databases_read_back_unchanged_and_merge_field_by_field() {
        let opensky = "\"icao24\",\"registration\",\"typecode\",\"operator\"\n\
                       \"ae01c5\",\"10-0001\",\"Q9\",\"US Air Force, 432 WG\"\n\
                       \"0d0abc\",\"XA-ABC\",\"\",\"\"\n";
        let tar1090 = "0D0ABC;XA-ABD;B738;00;;;Aeromexico\nAE1234;16-5678;R135;10;;;USAF\n";
        let mut db = AircraftDb::read(opensky.as_bytes()).unwrap();
        db.merge(AircraftDb::read(tar1090.as_bytes()).unwrap());
        assert_eq!(db.len(), 3);
        let mexican = db.get(IcaoAddress::new(0x0d0abc)).unwrap();
        assert_eq!(
            mexican.registration.as_deref(),
            Some("XA-ABD"),
            "the later wins"
        );
        assert_eq!(
            mexican.type_designator.as_deref(),
            Some("B738"),
            "fills the gap"
        );
        let mut text = Vec::new();
        db.write_csv(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("icao24,registration,typecode,operator,military\n0d0abc,"));
        let again = AircraftDb::read(text.as_bytes()).unwrap();
        assert_eq!(again.rejected, 0);
        let left: Vec<_> = db.iter().map(|(a, r)| (a, r.clone())).collect();
        let right: Vec<_> = again.iter().map(|(a, r)| (a, r.clone())).collect();
        assert_eq!(left, right);
        assert!(again.get(IcaoAddress::new(0xae1234)).unwrap().military);
        assert_eq!(
            again
                .get(IcaoAddress::new(0xae01c5))
                .unwrap()
                .operator
                .as_deref(),
            Some("US Air Force, 432 WG")
        );
    }

    #[test]
    fn reads_opensky_layout() {
        let text = "\"icao24\",\"registration\",\"manufacturericao\",\"typecode\",\"operator\"\n\
                    \"ae01c5\",\"10-0001\",\"GENERAL ATOMICS\",\"Q9\",\"US Air Force\"\n\
                    \"zzzzzz\",\"X\",\"\",\"\",\"\"\n";
        let db = AircraftDb::read(text.as_bytes()).unwrap();
        assert_eq!(db.len(), 1);
        let r = db.get(IcaoAddress::new(0xae01c5)).unwrap();
        assert_eq!(r.type_designator.as_deref(), Some("Q9"));
        assert_eq!(r.operator.as_deref(), Some("US Air Force"));
        assert_eq!(db.rejected, 1);
        assert_eq!(db.rejected_lines[0].0, 3);
    }

    #[test]
    fn reads_tar1090_layout() {
        let text = "AE1234;16-5678;R135;10;BOEING RC-135;;USAF\n0D0ABC;XA-ABC;B738;00;;;\n";
        let db = AircraftDb::read(text.as_bytes()).unwrap();
        assert!(db.get(IcaoAddress::new(0xae1234)).unwrap().military);
        assert!(!db.get(IcaoAddress::new(0x0d0abc)).unwrap().military);
    }

    #[test]
    fn a_header_without_addresses_is_an_error() {
        assert!(matches!(
            AircraftDb::read("reg,type\nX,Y\n".as_bytes()),
            Err(AircraftDbError::NoAddressColumn)
        ));
    }

    #[test]
    fn bad_bytes_and_endless_lines_are_skipped_not_fatal() {
        // A bad UTF-8 byte on a row aborted the whole reading; `/dev/zero` (one endless line)
        // ran out of memory.
        let mut text = b"icao24,registration\nabcdef,X\xff\n".to_vec();
        text.extend(std::iter::repeat_n(b'0', 1 << 20));
        text.extend(b"\n0d0abc,XA-ABC\n");
        let db = AircraftDb::read(text.as_slice()).unwrap();
        assert_eq!(db.len(), 1);
        assert!(db.get(IcaoAddress::new(0x0d0abc)).is_some());
        assert_eq!(db.rejected, 2);
        assert_eq!(db.rejected_lines[0], (2, "not UTF-8 text".to_string()));
        assert_eq!(db.rejected_lines[1].0, 3);
        // An endless stream of zeros: read in bounded pieces, every one rejected.
        let zeros = std::io::Read::take(std::io::repeat(0), 8 << 20);
        let db = AircraftDb::read(std::io::BufReader::new(zeros)).unwrap();
        assert_eq!((db.len(), db.rejected), (0, 1));
    }
}

#[cfg(test)]
mod round_trip {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "[A-Za-z0-9 ,;\"'éñ-]{1,12}",
            Just("x".repeat(MAX_FIELD_BYTES + 7)),
        ]
    }

    proptest! {
        /// Any rows in tar1090-db's layout, written as `vigia aircraft-db import` installs them,
        /// read back the same (values without quotes and within the written length).
        #[test]
        fn written_rows_read_back(rows in proptest::collection::vec(
            (0u32..0x100_0000, value(), value(), value(), any::<bool>()), 0..40)) {
            let text: String = rows
                .iter()
                .map(|(a, r, t, o, m)| {
                    let clean = |v: &str| v.replace([';', '"'], "");
                    format!("{a:06x};{};{};{};;;{}\n", clean(r), clean(t), if *m { "10" } else { "00" }, clean(o))
                })
                .collect();
            let db = AircraftDb::read(text.as_bytes()).unwrap();
            let mut out = Vec::new();
            db.write_csv(&mut out).unwrap();
            let again = AircraftDb::read(out.as_slice()).unwrap();
            prop_assert_eq!(again.rejected, 0);
            prop_assert_eq!(again.len(), db.len());
            for ((a, r), (b, s)) in db.iter().zip(again.iter()) {
                prop_assert_eq!(a, b);
                let cut = |v: &Option<String>| v.as_deref().map(|v| clip(v, MAX_FIELD_BYTES).trim().to_string()).filter(|v| !v.is_empty());
                prop_assert_eq!(cut(&r.registration), s.registration.clone());
                prop_assert_eq!(cut(&r.type_designator), s.type_designator.clone());
                prop_assert_eq!(cut(&r.operator), s.operator.clone());
                prop_assert_eq!(r.military, s.military);
            }
        }
    }
}
