//! Decoded trajectory CSV framing (archives of state vectors), mapped to [`StateVector`].
//!
//! Owns the CSV side: header line, cell splitting, line numbers. Which names mean what and in
//! which unit (traffic-style and OpenSky state vectors) is `columns.rs`, shared with the Parquet
//! reader. Columns may come in any order and unknown columns are ignored. A header without a
//! time column or `icao24` is one [`FrameError::MissingColumns`] and the rows after it are
//! ignored. Empty cells are `None`. Times are Unix seconds or ISO 8601
//! (`2017-07-19 07:12:11+00:00`). Cells are not quoted with embedded commas (a surrounding pair
//! of quotes is removed).

use super::{Framer, MAX_LINE_BYTES};
use crate::columns::{self, Cell, Column, Row, EXPECTED_COLUMNS};
use crate::lines::{Line, LineBuffer};
use crate::text::trim_field;
use crate::{FrameError, Location, StateVector};

/// The column layout read from the header.
#[derive(Debug)]
struct Header {
    /// What each cell position holds (`None` for ignored columns).
    columns: Vec<Option<Column>>,
}

impl Header {
    /// Read a header line; `None` if it lacks a time column or `icao24`.
    fn parse(line: &str) -> Option<Self> {
        let names: Vec<&str> = line.split(',').map(trim_field).collect();
        columns::layout(&names).map(|columns| Self { columns })
    }

    /// Cells a row needs to reach every recognised column.
    fn needed_cells(&self) -> usize {
        self.columns
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1)
    }
}

#[derive(Debug)]
enum State {
    /// No header line yet.
    AwaitingHeader,
    Reading(Header),
    /// The header was rejected (already reported); rows are ignored.
    Rejected,
}

/// Trajectory CSV lines in, [`StateVector`]s out.
#[derive(Debug)]
pub struct TrajectoryCsvFramer {
    lines: LineBuffer,
    state: State,
    last_line: Option<u64>,
}

impl Default for TrajectoryCsvFramer {
    fn default() -> Self {
        Self::new()
    }
}

impl TrajectoryCsvFramer {
    /// A framer at the start of a file (the first non-blank line must be the header).
    pub fn new() -> Self {
        Self {
            lines: LineBuffer::new(MAX_LINE_BYTES),
            state: State::AwaitingHeader,
            last_line: None,
        }
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.lines.capacity()
    }

    /// The 1-based line of the last row returned (evidence for what is made of it).
    pub fn last_line(&self) -> Option<u64> {
        self.last_line
    }
}

/// Parse one data row; `Ok(None)` for a blank line.
fn parse_row(
    header: &Header,
    line: &[u8],
    at: Location,
) -> Result<Option<StateVector>, FrameError> {
    let line = core::str::from_utf8(line).map_err(|_| FrameError::Unrecognised { at })?;
    if line.trim().is_empty() {
        return Ok(None);
    }
    let mut row = Row::new(at);
    let mut cells = 0;
    for (cell, column) in line.split(',').zip(&header.columns) {
        cells += 1;
        if let Some(column) = *column {
            row.set(column, Cell::Text(trim_field(cell)))?;
        }
    }
    if cells < header.needed_cells() {
        return Err(FrameError::MissingFields {
            at,
            found: cells,
            expected: header.needed_cells(),
        });
    }
    row.finish().map(Some)
}

impl Framer for TrajectoryCsvFramer {
    type Item = StateVector;

    fn push(&mut self, bytes: &[u8]) {
        self.lines.push(bytes);
    }

    fn next_item(&mut self) -> Option<Result<StateVector, FrameError>> {
        let max = self.lines.max_line();
        loop {
            let (number, bytes, terminated) = match self.lines.next_line()? {
                Line::TooLong { number } => {
                    if matches!(self.state, State::Rejected) {
                        continue;
                    }
                    return Some(Err(FrameError::LineTooLong {
                        at: Location::Line(number),
                        max,
                    }));
                }
                Line::Text {
                    number,
                    bytes,
                    terminated,
                } => (number, bytes, terminated),
            };
            let at = Location::Line(number);
            match &self.state {
                State::Rejected => continue,
                State::AwaitingHeader => {
                    let text = String::from_utf8_lossy(bytes);
                    if text.trim().is_empty() {
                        continue;
                    }
                    match Header::parse(&text) {
                        Some(header) => self.state = State::Reading(header),
                        None => {
                            self.state = State::Rejected;
                            return Some(Err(FrameError::MissingColumns {
                                at,
                                expected: EXPECTED_COLUMNS,
                            }));
                        }
                    }
                }
                State::Reading(header) => match parse_row(header, bytes, at) {
                    Ok(Some(state)) => {
                        self.last_line = Some(number);
                        return Some(Ok(state));
                    }
                    Ok(None) => continue,
                    Err(_) if !terminated => return Some(Err(FrameError::Truncated { at })),
                    Err(error) => return Some(Err(error)),
                },
            }
        }
    }

    fn finish(&mut self) {
        self.lines.finish();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::framer::frame_all;

    fn all(input: &str) -> Vec<Result<StateVector, FrameError>> {
        frame_all(TrajectoryCsvFramer::new(), input.as_bytes())
    }

    #[test]
    fn traffic_style_rows() {
        let got = all("timestamp,icao24,callsign,latitude,longitude,altitude,groundspeed,track,vertical_rate,squawk,onground\n\
            1522081475.0,0b206f,YS111N,14.590542,-90.525078,4925,147,19,1152,,\n\
            1522081480.0,0b206f,,14.594686,-90.523636,5050,153,18,1280,7700,True\n");
        let rows: Vec<StateVector> = got.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(rows.len(), 2);
        let first = &rows[0];
        assert_eq!(first.ts, Some(1522081475.0));
        assert_eq!(first.icao24.to_string(), "0b206f");
        assert_eq!(first.callsign.unwrap().as_str(), "YS111N");
        assert_eq!(
            (first.latitude, first.longitude),
            (Some(14.590542), Some(-90.525078))
        );
        assert_eq!(
            (
                first.altitude_ft,
                first.groundspeed_kt,
                first.track_deg,
                first.vertical_rate_fpm
            ),
            (Some(4925.0), Some(147.0), Some(19.0), Some(1152.0))
        );
        assert_eq!((first.squawk, first.on_ground), (None, None));
        assert_eq!(
            (rows[1].callsign, rows[1].squawk, rows[1].on_ground),
            (None, Some(0o7700), Some(true))
        );
    }

    #[test]
    fn opensky_rows_are_converted_and_columns_reordered() {
        let got = all("icao24,time,lat,lon,velocity,heading,vertrate,callsign,onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact\n\
            0b206f,2018-03-26 16:24:35+00:00,14.590542,-90.525078,75.62,19.0,5.8522,YS111N  ,False,False,False,1000,1501.14,1524.0,1522081475.0,1522081475.0\n");
        let row = got[0].clone().unwrap();
        assert_eq!(row.ts, Some(1522081475.0));
        assert!((row.groundspeed_kt.unwrap() - 147.0).abs() < 0.01);
        assert!((row.vertical_rate_fpm.unwrap() - 1152.0).abs() < 0.01);
        assert!((row.altitude_ft.unwrap() - 4925.0).abs() < 0.01);
        assert!((row.geo_altitude_ft.unwrap() - 5000.0).abs() < 0.01);
        assert_eq!(row.squawk, Some(0o1000));
        assert_eq!(row.on_ground, Some(false));
        assert_eq!(row.callsign.unwrap().as_str(), "YS111N");
    }

    #[test]
    fn header_without_required_columns_is_one_error() {
        let got = all("when,who,lat\n1,abc123,2\n3,abc123,4\n");
        assert_eq!(got.len(), 1);
        let error = got[0].clone().unwrap_err();
        assert_eq!(error.location(), Location::Line(1));
        assert!(
            error
                .to_string()
                .contains("time column (timestamp or time) and icao24"),
            "{error}"
        );
    }

    #[test]
    fn bad_rows_are_located_and_skipped() {
        let got = all("timestamp,icao24,latitude,longitude,altitude,callsign\n\
            1,abc123,1,2,3,OK1\n\
            x,abc123,1,2,3,OK1\n\
            2,abc12,1,2,3,OK1\n\
            3,abc123,95,2,3,OK1\n\
            4,abc123,1,2,high,OK1\n\
            5,abc123,1,2\n\
            6,abc123,1,2,3,D-KWFW\n\
            ,abc123,1,2,3,OK1\n\
            7,abc123,1,2,3,TOO<LONG>\n\
            8,abc123,1");
        let errors: Vec<_> = got.iter().filter_map(|r| r.clone().err()).collect();
        let line = Location::Line;
        assert_eq!(
            errors,
            vec![
                FrameError::BadTimestamp { at: line(3) },
                FrameError::BadField {
                    at: line(4),
                    field: "icao24"
                },
                FrameError::MissingFields {
                    at: line(7),
                    found: 4,
                    expected: 6
                },
                FrameError::BadTimestamp { at: line(9) },
                FrameError::Truncated { at: line(11) },
            ]
        );
        // One bad field drops that field, not the record.
        let kept: Vec<StateVector> = got.into_iter().filter_map(Result::ok).collect();
        let dropped = |k: usize| kept[k].dropped.iter().collect::<Vec<_>>();
        assert_eq!(kept.len(), 5);
        assert!(dropped(0).is_empty());
        // latitude 95: the position goes, altitude and callsign stay
        assert_eq!((kept[1].latitude, kept[1].longitude), (None, None));
        assert_eq!(kept[1].altitude_ft, Some(3.0));
        assert_eq!(dropped(1), ["latitude", "longitude"]);
        assert_eq!((kept[2].altitude_ft, kept[2].latitude), (None, Some(1.0)));
        assert_eq!(dropped(2), ["altitude"]);
        // A FLARM/OGN registration is the archive's callsign, kept as written.
        assert_eq!(kept[3].callsign.unwrap().as_str(), "D-KWFW");
        assert!(dropped(3).is_empty());
        assert_eq!((kept[4].callsign, dropped(4)), (None, vec!["callsign"]));
    }

    #[test]
    fn values_outside_physical_ranges_are_dropped_or_rejected() {
        // Hostile or broken archives: times in 1e300, 2^64 and the year 9999 cannot place a
        // row (rejected); an altitude of -99 999 999 999 ft, ground speeds of -5 and 1e30 kt and
        // a track of 720° are no measurements (dropped, counted, the row kept).
        let got = all(
            "timestamp,icao24,latitude,longitude,altitude,groundspeed,track\n\
            1e300,abc123,1,2,3,4,5\n\
            18446744073709551616,abc123,1,2,3,4,5\n\
            9999-12-31T23:59:59Z,abc123,1,2,3,4,5\n\
            1600000000,abc123,1,2,-99999999999,-5,720\n\
            1600000001,abc123,1,2,35000,1e30,-90\n",
        );
        let errors: Vec<_> = got.iter().filter_map(|r| r.clone().err()).collect();
        let line = Location::Line;
        assert_eq!(
            errors,
            vec![
                FrameError::BadTimestamp { at: line(2) },
                FrameError::BadTimestamp { at: line(3) },
                FrameError::BadTimestamp { at: line(4) },
            ]
        );
        let kept: Vec<StateVector> = got.into_iter().filter_map(Result::ok).collect();
        assert_eq!(
            (
                kept[0].altitude_ft,
                kept[0].groundspeed_kt,
                kept[0].track_deg
            ),
            (None, None, None)
        );
        assert_eq!(
            kept[0].dropped.iter().collect::<Vec<_>>(),
            ["altitude", "groundspeed", "track"]
        );
        assert_eq!(kept[0].latitude, Some(1.0));
        assert_eq!(
            (
                kept[1].altitude_ft,
                kept[1].groundspeed_kt,
                kept[1].track_deg
            ),
            (Some(35_000.0), None, Some(-90.0))
        );
    }

    #[test]
    fn last_line_follows_the_rows() {
        let mut framer = TrajectoryCsvFramer::new();
        framer.push(b"timestamp,icao24\n\n1,abc123\nbad,abc123\n2,abc123\n");
        assert_eq!(framer.last_line(), None);
        assert!(framer.next_item().unwrap().is_ok());
        assert_eq!(framer.last_line(), Some(3));
        assert!(framer.next_item().unwrap().is_err());
        assert!(framer.next_item().unwrap().is_ok());
        assert_eq!(framer.last_line(), Some(5));
    }
}
