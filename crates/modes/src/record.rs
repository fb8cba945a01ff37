//! The values a framer hands downstream: a raw frame ([`RawFrame`]) for receiver formats that carry
//! Mode S bytes, or an already-decoded report ([`StateVector`]) for formats that carry positions.
//!
//! This file owns the shapes only: they live here, beside the wire format, so that the tracker and
//! the detectors can take them without depending on the crate that reads files and sockets
//! (`vigia-feed` produces them). It does not decode Mode S content and it does not know which
//! format produced a value.

use crate::{Callsign, IcaoAddress};

/// One raw Mode S (or Mode A/C) frame as received, with whatever receive metadata the format had.
///
/// `len` is 2 (Mode A/C reply), 7 (56-bit short Mode S) or 14 (112-bit long Mode S); only the first
/// `len` bytes of `bytes` are meaningful and the rest are zero.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RawFrame {
    /// Receive time in seconds (Unix epoch when the format gives one, as in `timestamp,hex`
    /// lines); `None` when the format has no wall-clock time (Beast, AVR).
    pub ts: Option<f64>,
    /// The receiver's 48-bit 12 MHz counter (Beast MLAT timestamp, AVR `@`/`%`/`<` prefix).
    pub mlat_ticks: Option<u64>,
    /// The Beast signal-level byte (0–255, receiver-specific scale).
    pub signal: Option<u8>,
    /// Number of valid bytes in `bytes`: 2, 7 or 14.
    pub len: u8,
    /// The message bytes, first `len` valid.
    pub bytes: [u8; 14],
}

impl RawFrame {
    /// A frame holding `message` (2, 7 or 14 bytes) with no metadata; `None` for other lengths.
    ///
    /// ```
    /// use vigia_modes::RawFrame;
    /// let frame = RawFrame::from_message(&[0x5d, 0x48, 0x40, 0xd6, 0x20, 0x2c, 0xc3]).unwrap();
    /// assert_eq!(frame.message().len(), 7);
    /// assert!(RawFrame::from_message(&[1, 2, 3]).is_none());
    /// ```
    pub fn from_message(message: &[u8]) -> Option<Self> {
        if !matches!(message.len(), 2 | 7 | 14) {
            return None;
        }
        let mut bytes = [0u8; 14];
        bytes[..message.len()].copy_from_slice(message);
        Some(Self {
            ts: None,
            mlat_ticks: None,
            signal: None,
            len: message.len() as u8,
            bytes,
        })
    }

    /// The message bytes (`&bytes[..len]`).
    pub fn message(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(14)]
    }

    /// The receiver's counter as seconds: the Beast/AVR 12 MHz counter divided by its rate.
    /// A relative clock (free-running since the receiver started), not a date: callers that
    /// use it as a frame's time must say so.
    ///
    /// ```
    /// use vigia_modes::RawFrame;
    /// let mut frame = RawFrame::from_message(&[0; 7]).unwrap();
    /// assert_eq!(frame.receiver_seconds(), None);
    /// frame.mlat_ticks = Some(18_000_000);
    /// assert_eq!(frame.receiver_seconds(), Some(1.5));
    /// ```
    pub fn receiver_seconds(&self) -> Option<f64> {
        self.mlat_ticks.map(|ticks| ticks as f64 / MLAT_TICKS_PER_S)
    }
}

/// The rate of the Beast/AVR receiver counter (`mlat_ticks`): 12 MHz.
pub const MLAT_TICKS_PER_S: f64 = 12e6;

/// An already-decoded report about one aircraft at one time (SBS `MSG` lines, readsb trace points,
/// aircraft.json entries, trajectory CSV rows).
///
/// Units are fixed whatever the source: feet, knots, degrees, feet per minute, seconds since the Unix
/// epoch. A field is `None` when the source did not say.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StateVector {
    /// Time of the report in seconds since the Unix epoch (UTC).
    pub ts: Option<f64>,
    /// The aircraft's 24-bit address.
    pub icao24: IcaoAddress,
    /// Flight identity, if reported.
    pub callsign: Option<Callsign>,
    /// WGS84 latitude in degrees.
    pub latitude: Option<f64>,
    /// WGS84 longitude in degrees.
    pub longitude: Option<f64>,
    /// Barometric (pressure) altitude in feet.
    pub altitude_ft: Option<f64>,
    /// Geometric (GNSS) altitude in feet.
    pub geo_altitude_ft: Option<f64>,
    /// Ground speed in knots.
    pub groundspeed_kt: Option<f64>,
    /// Track over ground in degrees clockwise from true north.
    pub track_deg: Option<f64>,
    /// Vertical rate in feet per minute (positive climbing).
    pub vertical_rate_fpm: Option<f64>,
    /// Mode A code: the four octal digits as a number (`0o7700`); display with `{:04o}`.
    pub squawk: Option<u16>,
    /// `Some(true)` when the source says the aircraft is on the ground.
    pub on_ground: Option<bool>,
    /// Fields the source gave with a value that failed validation: dropped (left `None`), the
    /// rest of the record kept, and counted by the reader.
    pub dropped: DroppedFields,
}

/// The fields of a [`StateVector`] dropped for bad values, as a small set.
///
/// ```
/// use vigia_modes::record::DroppedFields;
/// let mut d = DroppedFields::default();
/// d.insert("callsign");
/// d.insert("squawk");
/// assert_eq!(d.iter().collect::<Vec<_>>(), ["callsign", "squawk"]);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
pub struct DroppedFields(u16);

impl DroppedFields {
    /// The fields that can be dropped, by name, in report order.
    pub const NAMES: [&'static str; 11] = [
        "callsign",
        "latitude",
        "longitude",
        "altitude",
        "geo_altitude",
        "groundspeed",
        "track",
        "vertical_rate",
        "squawk",
        "on_ground",
        "other",
    ];

    /// Mark `field` (one of [`Self::NAMES`]; any other name counts as `other`) dropped.
    pub fn insert(&mut self, field: &str) {
        let i = Self::NAMES
            .iter()
            .position(|n| *n == field)
            .unwrap_or(Self::NAMES.len() - 1);
        self.0 |= 1 << i;
    }

    /// Whether no field was dropped.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The dropped fields' names.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| n)
    }
}

impl StateVector {
    /// Half a position is no position: when only one of latitude and longitude is known,
    /// forget it too; returns the name of the field forgotten, if one was.
    ///
    /// ```
    /// use vigia_modes::{IcaoAddress, StateVector};
    /// let mut s = StateVector::new(IcaoAddress::new(1));
    /// s.longitude = Some(2.0);
    /// assert_eq!(s.drop_half_position(), Some("longitude"));
    /// assert_eq!(s.longitude, None);
    /// ```
    pub fn drop_half_position(&mut self) -> Option<&'static str> {
        match (self.latitude, self.longitude) {
            (Some(_), None) => self.latitude.take().map(|_| "latitude"),
            (None, Some(_)) => self.longitude.take().map(|_| "longitude"),
            _ => None,
        }
    }

    /// A report about `icao24` with every other field unknown.
    pub fn new(icao24: IcaoAddress) -> Self {
        Self {
            ts: None,
            icao24,
            callsign: None,
            latitude: None,
            longitude: None,
            altitude_ft: None,
            geo_altitude_ft: None,
            groundspeed_kt: None,
            track_deg: None,
            vertical_rate_fpm: None,
            squawk: None,
            on_ground: None,
            dropped: DroppedFields::default(),
        }
    }
}

/// Where a record was read: which input (an index into the caller's list), its number in that
/// input, and its line or row — what evidence cites for a position read from an archive.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct SourceRef {
    /// Which input, as an index into the caller's list of inputs.
    pub input: u32,
    /// 1-based index of the record within its input.
    pub record: u64,
    /// 1-based line of the record in its input, for line-based formats.
    pub line: Option<u64>,
    /// 1-based row of the record in its input, for columnar formats (Parquet).
    pub row: Option<u64>,
}

/// One item read from an input: a raw frame or a decoded report.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Mode S bytes (Beast, AVR, hex lines).
    Frame(RawFrame),
    /// A decoded report (SBS, readsb JSON, trajectory CSV), boxed: a record is moved several
    /// times on its way from the file to the tracker, and frames, the most records by far, are
    /// a third of a report's size.
    State(Box<StateVector>),
}

impl Record {
    /// The receive or report time, when the format gave one.
    pub fn ts(&self) -> Option<f64> {
        match self {
            Record::Frame(frame) => frame.ts,
            Record::State(state) => state.ts,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn message_is_the_valid_prefix() {
        let frame = RawFrame::from_message(&[0x12, 0x34]).unwrap();
        assert_eq!(frame.message(), &[0x12, 0x34]);
        assert_eq!(frame.len, 2);
        assert_eq!(&frame.bytes[2..], &[0u8; 12]);
    }

    #[test]
    fn record_ts_comes_from_either_side() {
        let mut state = StateVector::new(IcaoAddress::new(0xac671b));
        state.ts = Some(12.5);
        assert_eq!(Record::State(Box::new(state)).ts(), Some(12.5));
        let frame = RawFrame::from_message(&[0; 14]).unwrap();
        assert_eq!(Record::Frame(frame).ts(), None);
    }
}
