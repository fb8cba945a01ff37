//! The trajectory column conventions shared by the CSV framer and the Parquet reader: which
//! column names mean what, in which unit, and how one cell becomes a [`StateVector`] field.
//!
//! | field | traffic-style name (unit) | OpenSky state-vector name (unit) |
//! |---|---|---|
//! | time | `timestamp` | `time` |
//! | address | `icao24` | `icao24` |
//! | position | `latitude`, `longitude` | `lat`, `lon` |
//! | barometric altitude | `altitude` (ft) | `baroaltitude` (m) |
//! | geometric altitude | `geoaltitude` (ft) | `geoaltitude` (m) |
//! | ground speed | `groundspeed` (kt) | `velocity` (m/s) |
//! | track | `track` | `heading` |
//! | vertical rate | `vertical_rate` (ft/min) | `vertrate` (m/s) |
//! | identity, code, ground | `callsign`, `squawk`, `onground` | same |
//!
//! vigia's own older point exports (`ts`, `altitude_ft`, `groundspeed_kt`, `track_deg`,
//! `vertical_rate_fpm`, `on_ground`) are read too. Names are matched case-insensitively; the
//! first column for a field wins. `geoaltitude` is in metres when any other OpenSky-only name is
//! present, in feet otherwise. Owns no I/O and no file format: the CSV framer hands it text
//! cells, the Parquet reader typed ones.

use crate::text::range;
use crate::text::{finite_f64, squawk};
use crate::{time, FrameError, Location, StateVector};
use vigia_modes::{Callsign, IcaoAddress};

const FEET_PER_METRE: f64 = 1.0 / 0.3048;
const KNOTS_PER_METRE_PER_SECOND: f64 = 3600.0 / 1852.0;
const FEET_PER_MINUTE_PER_METRE_PER_SECOND: f64 = 60.0 / 0.3048;

/// What the required-columns error tells the user.
pub(crate) const EXPECTED_COLUMNS: &str =
    "a time column (timestamp or time) and icao24; optional: latitude/lat, longitude/lon, altitude/baroaltitude, geoaltitude, groundspeed/velocity, track/heading, vertical_rate/vertrate, callsign, squawk, onground";

/// A trajectory field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    Time,
    Icao24,
    Latitude,
    Longitude,
    Altitude,
    GeoAltitude,
    GroundSpeed,
    Track,
    VerticalRate,
    Callsign,
    Squawk,
    OnGround,
}

impl Field {
    /// The name errors use.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Field::Time => "time",
            Field::Icao24 => "icao24",
            Field::Latitude => "latitude",
            Field::Longitude => "longitude",
            Field::Altitude => "altitude",
            Field::GeoAltitude => "geoaltitude",
            Field::GroundSpeed => "groundspeed",
            Field::Track => "track",
            Field::VerticalRate => "vertical_rate",
            Field::Callsign => "callsign",
            Field::Squawk => "squawk",
            Field::OnGround => "onground",
        }
    }

    /// The name of this field in [`vigia_modes::record::DroppedFields`].
    fn dropped_name(self) -> &'static str {
        match self {
            Field::GeoAltitude => "geo_altitude",
            Field::OnGround => "on_ground",
            other => other.name(),
        }
    }
}

/// A recognised column: what it holds and the factor that converts it to vigia's unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Column {
    pub(crate) field: Field,
    pub(crate) scale: f64,
}

/// Names of the OpenSky convention that no traffic-style file uses.
const OPENSKY_ONLY: [&str; 6] = ["time", "lat", "lon", "baroaltitude", "velocity", "vertrate"];

fn column(name: &str, opensky: bool) -> Option<Column> {
    let (field, scale) = match name {
        "timestamp" | "time" | "ts" => (Field::Time, 1.0),
        "icao24" => (Field::Icao24, 1.0),
        "latitude" | "lat" => (Field::Latitude, 1.0),
        "longitude" | "lon" => (Field::Longitude, 1.0),
        "altitude" | "altitude_ft" => (Field::Altitude, 1.0),
        "baroaltitude" => (Field::Altitude, FEET_PER_METRE),
        "geoaltitude" if opensky => (Field::GeoAltitude, FEET_PER_METRE),
        "geoaltitude" => (Field::GeoAltitude, 1.0),
        "groundspeed" | "groundspeed_kt" => (Field::GroundSpeed, 1.0),
        "velocity" => (Field::GroundSpeed, KNOTS_PER_METRE_PER_SECOND),
        "track" | "heading" | "track_deg" => (Field::Track, 1.0),
        "vertical_rate" | "vertical_rate_fpm" => (Field::VerticalRate, 1.0),
        "vertrate" => (Field::VerticalRate, FEET_PER_MINUTE_PER_METRE_PER_SECOND),
        "callsign" => (Field::Callsign, 1.0),
        "squawk" => (Field::Squawk, 1.0),
        "onground" | "on_ground" => (Field::OnGround, 1.0),
        _ => return None,
    };
    Some(Column { field, scale })
}

/// What each of `names` holds (`None` for ignored columns and later duplicates), or `None` when
/// the names lack a time column or `icao24`.
pub(crate) fn layout<S: AsRef<str>>(names: &[S]) -> Option<Vec<Option<Column>>> {
    let names: Vec<String> = names
        .iter()
        .map(|n| n.as_ref().trim().to_ascii_lowercase())
        .collect();
    let opensky = names.iter().any(|n| OPENSKY_ONLY.contains(&n.as_str()));
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(names.len());
    for name in &names {
        let column = column(name, opensky);
        let duplicate =
            column.is_some_and(|c| columns.iter().flatten().any(|seen| seen.field == c.field));
        columns.push(column.filter(|_| !duplicate));
    }
    let has = |field| columns.iter().flatten().any(|c| c.field == field);
    (has(Field::Time) && has(Field::Icao24)).then_some(columns)
}

/// One cell, as the file holds it. Times are already seconds when the file typed them
/// (Parquet timestamps); text is parsed here, the same way for every format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Integer(i64),
    Bool(bool),
}

impl Cell<'_> {
    /// Empty text, `nan` and NaN are missing values, as pandas writes them.
    fn is_missing(&self) -> bool {
        match self {
            Cell::Text(text) => text.is_empty() || text.eq_ignore_ascii_case("nan"),
            Cell::Number(v) => v.is_nan(),
            _ => false,
        }
    }

    fn number(&self) -> Option<f64> {
        match *self {
            Cell::Text(text) => finite_f64(text),
            Cell::Number(v) => v.is_finite().then_some(v),
            Cell::Integer(v) => Some(v as f64),
            Cell::Bool(_) => None,
        }
    }
}

fn time_text(text: &str) -> Option<f64> {
    if text.contains(['-', ':']) {
        time::iso8601(text)
    } else {
        finite_f64(text)
    }
}

fn ground_text(text: &str) -> Option<bool> {
    match text {
        "True" | "true" | "TRUE" | "1" | "-1" => Some(true),
        "False" | "false" | "FALSE" | "0" => Some(false),
        _ => None,
    }
}

/// Whole numbers written as decimal digits (`7700`, `7700.0`), for squawks stored as numbers.
fn integer_text(v: f64) -> Option<String> {
    (v.fract() == 0.0 && (0.0..1e5).contains(&v)).then(|| format!("{}", v as u32))
}

/// One row's cells on their way to a [`StateVector`].
#[derive(Debug)]
pub(crate) struct Row {
    at: Location,
    ts: Option<f64>,
    icao24: Option<IcaoAddress>,
    state: StateVector,
}

impl Row {
    pub(crate) fn new(at: Location) -> Self {
        Self {
            at,
            ts: None,
            icao24: None,
            state: StateVector::new(IcaoAddress::new(0)),
        }
    }

    /// Set `column` from `cell`; a missing cell leaves the field unknown. A bad time or address
    /// rejects the record (it cannot be placed); any other bad value drops that field only,
    /// marked in [`StateVector::dropped`], and the rest of the record is kept.
    pub(crate) fn set(&mut self, column: Column, cell: Cell<'_>) -> Result<(), FrameError> {
        if cell.is_missing() {
            return Ok(());
        }
        let Column { field, scale } = column;
        let at = self.at;
        let number = || cell.number().map(|v| v * scale);
        let state = &mut self.state;
        let value = match field {
            Field::Time => {
                let ts = match cell {
                    Cell::Text(text) => time_text(text),
                    other => other.number(),
                };
                // A time outside 1970–2100 cannot place the record: rejected.
                self.ts = Some(
                    ts.and_then(crate::text::range::time)
                        .ok_or(FrameError::BadTimestamp { at })?,
                );
                return Ok(());
            }
            Field::Icao24 => {
                let address = match cell {
                    Cell::Text(text) => text.parse::<IcaoAddress>().ok(),
                    Cell::Integer(v) => u32::try_from(v)
                        .ok()
                        .filter(|&v| v <= 0xff_ffff)
                        .map(IcaoAddress::new),
                    _ => None,
                };
                self.icao24 = Some(address.ok_or(FrameError::BadField {
                    at,
                    field: field.name(),
                })?);
                return Ok(());
            }
            Field::Latitude => {
                state.latitude = number().filter(|v| (-90.0..=90.0).contains(v));
                state.latitude.is_some()
            }
            Field::Longitude => {
                state.longitude = number().filter(|v| (-180.0..=180.0).contains(v));
                state.longitude.is_some()
            }
            // Physical ranges (`text::range`): outside, the value is dropped.
            Field::Altitude => {
                state.altitude_ft = number().and_then(range::altitude_ft);
                state.altitude_ft.is_some()
            }
            Field::GeoAltitude => {
                state.geo_altitude_ft = number().and_then(range::altitude_ft);
                state.geo_altitude_ft.is_some()
            }
            Field::GroundSpeed => {
                state.groundspeed_kt = number().and_then(range::groundspeed_kt);
                state.groundspeed_kt.is_some()
            }
            Field::Track => {
                state.track_deg = number().and_then(range::track_deg);
                state.track_deg.is_some()
            }
            Field::VerticalRate => {
                state.vertical_rate_fpm = number().and_then(range::vertical_rate_fpm);
                state.vertical_rate_fpm.is_some()
            }
            Field::Callsign => {
                // What the archive said (FLARM/OGN registrations included), not the ADS-B
                // charset: that rule is for decoded frames.
                state.callsign = match cell {
                    Cell::Text(text) => Callsign::parse_archive(text).ok(),
                    _ => None,
                };
                state.callsign.is_some()
            }
            Field::Squawk => {
                state.squawk = match cell {
                    Cell::Text(text) => squawk(text),
                    Cell::Integer(v) => integer_text(v as f64).and_then(|t| squawk(&t)),
                    Cell::Number(v) => integer_text(v).and_then(|t| squawk(&t)),
                    Cell::Bool(_) => None,
                };
                state.squawk.is_some()
            }
            Field::OnGround => {
                state.on_ground = match cell {
                    Cell::Text(text) => ground_text(text),
                    Cell::Bool(b) => Some(b),
                    Cell::Integer(v @ (0 | 1)) => Some(v == 1),
                    Cell::Number(v) if v == 0.0 || v == 1.0 => Some(v == 1.0),
                    _ => None,
                };
                state.on_ground.is_some()
            }
        };
        if !value {
            state.dropped.insert(field.dropped_name());
        }
        Ok(())
    }

    /// A cell of `column` that could not be read at all: like a bad value (see [`Row::set`]).
    pub(crate) fn unreadable(&mut self, column: Column) -> Result<(), FrameError> {
        let at = self.at;
        match column.field {
            Field::Time => Err(FrameError::BadTimestamp { at }),
            Field::Icao24 => Err(FrameError::BadField {
                at,
                field: column.field.name(),
            }),
            field => {
                self.state.dropped.insert(field.dropped_name());
                Ok(())
            }
        }
    }

    /// The state vector, once the time and address are known.
    pub(crate) fn finish(self) -> Result<StateVector, FrameError> {
        let at = self.at;
        let mut state = self.state;
        state.ts = Some(self.ts.ok_or(FrameError::BadTimestamp { at })?);
        if let Some(forgotten) = state.drop_half_position() {
            state.dropped.insert(forgotten);
        }
        state.icao24 = self.icao24.ok_or(FrameError::BadField {
            at,
            field: "icao24",
        })?;
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn layouts_name_the_conventions() {
        let traffic = layout(&["timestamp", "icao24", "geoaltitude", "velocity_x"]).unwrap();
        assert_eq!(traffic[2].unwrap().scale, 1.0);
        assert!(traffic[3].is_none());
        let opensky = layout(&["time", "icao24", "geoaltitude", "Time"]).unwrap();
        assert_eq!(opensky[2].unwrap().scale, FEET_PER_METRE);
        assert!(opensky[3].is_none(), "a duplicate field is ignored");
        assert!(layout(&["timestamp", "lat", "lon"]).is_none());
        // vigia's own older exports read back
        assert!(layout(&["flight_id", "icao24", "ts", "altitude_ft"]).is_some());
    }

    #[test]
    fn typed_cells_mean_what_their_text_means() {
        let col = |field| Column { field, scale: 1.0 };
        let mut row = Row::new(Location::Row(3));
        row.set(col(Field::Time), Cell::Integer(1_500_000_000))
            .unwrap();
        row.set(col(Field::Icao24), Cell::Integer(0x0b206f))
            .unwrap();
        row.set(col(Field::Squawk), Cell::Number(7700.0)).unwrap();
        row.set(col(Field::OnGround), Cell::Integer(0)).unwrap();
        row.set(col(Field::Altitude), Cell::Number(f64::NAN))
            .unwrap();
        let state = row.finish().unwrap();
        assert_eq!(state.ts, Some(1.5e9));
        assert_eq!(state.icao24.to_string(), "0b206f");
        assert_eq!(state.squawk, Some(0o7700));
        assert_eq!(state.on_ground, Some(false));
        assert_eq!(state.altitude_ft, None);

        let mut row = Row::new(Location::Row(4));
        let error = row
            .set(col(Field::Icao24), Cell::Integer(0x1_000_000))
            .unwrap_err();
        assert_eq!(error.to_string(), "row 4: bad value in field icao24");
        // Other bad cells drop their field and keep the row.
        row.set(col(Field::Squawk), Cell::Integer(7800)).unwrap();
        row.set(col(Field::Callsign), Cell::Number(1.0)).unwrap();
        assert_eq!(
            row.state.dropped.iter().collect::<Vec<_>>(),
            ["callsign", "squawk"]
        );
        assert!(matches!(row.finish(), Err(FrameError::BadTimestamp { .. })));
    }
}
