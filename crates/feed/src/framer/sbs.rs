//! SBS / BaseStation line framing (port 30003), mapped to [`StateVector`].
//!
//! Owns the field layout of `MSG` records (Kinetic BaseStation format, as written by dump1090,
//! readsb and Virtual Radar Server); 1-based field numbers:
//!
//! ```text
//!  1 record type (MSG)   2 transmission type 1–8   3 session   4 aircraft   5 hex ident
//!  6 flight id   7 date generated  8 time generated  9 date logged  10 time logged
//! 11 callsign  12 altitude (ft)  13 ground speed (kt)  14 track (deg)  15 lat  16 lon
//! 17 vertical rate (ft/min)  18 squawk  19 alert  20 emergency  21 SPI  22 on ground (-1 = yes)
//! ```
//!
//! The time is taken from fields 7/8 (or 9/10 when those are empty) and is **assumed to be UTC**:
//! the format carries no zone and some writers use the receiver's local time, so run receivers in
//! UTC. `SEL`, `ID`, `AIR`, `STA` and `CLK` records are skipped without error. Lines need at
//! least the first 10 fields; missing trailing fields read as empty. Fields are not quoted.

use super::{Framer, MAX_LINE_BYTES};
use crate::lines::{Line, LineBuffer};
use crate::text::{finite_f64, range, squawk, trim_field};
use crate::{time, FrameError, Location, StateVector};
use vigia_modes::record::DroppedFields;
use vigia_modes::{Callsign, IcaoAddress};

/// Fields in a full `MSG` record.
const FIELDS: usize = 22;
/// Fields a record must have (through the logged time).
const REQUIRED_FIELDS: usize = 10;

/// SBS lines in, [`StateVector`]s out (one per `MSG` record).
#[derive(Debug)]
pub struct SbsFramer {
    lines: LineBuffer,
}

impl Default for SbsFramer {
    fn default() -> Self {
        Self::new()
    }
}

impl SbsFramer {
    /// A framer at the start of a stream.
    pub fn new() -> Self {
        Self {
            lines: LineBuffer::new(MAX_LINE_BYTES),
        }
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.lines.capacity()
    }
}

/// A field's value: `None` when empty; when it does not parse, `None` too, and the field is
/// marked dropped (the record is kept).
fn optional<T>(
    field: &str,
    name: &'static str,
    dropped: &mut DroppedFields,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    if field.is_empty() {
        return None;
    }
    let value = parse(field);
    if value.is_none() {
        dropped.insert(name);
    }
    value
}

fn latitude(text: &str) -> Option<f64> {
    finite_f64(text).filter(|v| (-90.0..=90.0).contains(v))
}

fn longitude(text: &str) -> Option<f64> {
    finite_f64(text).filter(|v| (-180.0..=180.0).contains(v))
}

fn ground_flag(text: &str) -> Option<bool> {
    match text {
        "-1" | "1" => Some(true),
        "0" => Some(false),
        _ => None,
    }
}

/// Parse one line; `Ok(None)` for blank lines and records other than `MSG`.
fn parse_line(line: &[u8], at: Location) -> Result<Option<StateVector>, FrameError> {
    let line =
        core::str::from_utf8(line.trim_ascii()).map_err(|_| FrameError::Unrecognised { at })?;
    if line.is_empty() {
        return Ok(None);
    }
    let mut fields = [""; FIELDS];
    let mut count = 0;
    for (slot, field) in fields.iter_mut().zip(line.split(',')) {
        *slot = trim_field(field);
        count += 1;
    }
    match fields[0] {
        "MSG" => {}
        "SEL" | "ID" | "AIR" | "STA" | "CLK" => return Ok(None),
        _ => return Err(FrameError::Unrecognised { at }),
    }
    if count < REQUIRED_FIELDS {
        return Err(FrameError::MissingFields {
            at,
            found: count,
            expected: REQUIRED_FIELDS,
        });
    }
    let icao24: IcaoAddress = fields[4].parse().map_err(|_| FrameError::BadField {
        at,
        field: "hex ident",
    })?;
    let (date, clock) = if fields[6].is_empty() && fields[7].is_empty() {
        (fields[8], fields[9])
    } else {
        (fields[6], fields[7])
    };
    let ts = if date.is_empty() && clock.is_empty() {
        None
    } else {
        Some(time::sbs_datetime(date, clock).ok_or(FrameError::BadTimestamp { at })?)
    };
    let mut d = DroppedFields::default();
    let mut state = StateVector {
        ts,
        icao24,
        callsign: optional(fields[10], "callsign", &mut d, |t| Callsign::parse(t).ok()),
        altitude_ft: optional(fields[11], "altitude", &mut d, |t| {
            finite_f64(t).and_then(range::altitude_ft)
        }),
        geo_altitude_ft: None,
        groundspeed_kt: optional(fields[12], "groundspeed", &mut d, |t| {
            finite_f64(t).and_then(range::groundspeed_kt)
        }),
        track_deg: optional(fields[13], "track", &mut d, |t| {
            finite_f64(t).and_then(range::track_deg)
        }),
        latitude: optional(fields[14], "latitude", &mut d, latitude),
        longitude: optional(fields[15], "longitude", &mut d, longitude),
        vertical_rate_fpm: optional(fields[16], "vertical_rate", &mut d, |t| {
            finite_f64(t).and_then(range::vertical_rate_fpm)
        }),
        squawk: optional(fields[17], "squawk", &mut d, squawk),
        on_ground: optional(fields[21], "on_ground", &mut d, ground_flag),
        dropped: DroppedFields::default(),
    };
    state.drop_half_position();
    state.dropped = d;
    Ok(Some(state))
}

impl Framer for SbsFramer {
    type Item = StateVector;

    fn push(&mut self, bytes: &[u8]) {
        self.lines.push(bytes);
    }

    fn next_item(&mut self) -> Option<Result<StateVector, FrameError>> {
        let max = self.lines.max_line();
        loop {
            match self.lines.next_line()? {
                Line::TooLong { number } => {
                    return Some(Err(FrameError::LineTooLong {
                        at: Location::Line(number),
                        max,
                    }))
                }
                Line::Text {
                    number,
                    bytes,
                    terminated,
                } => {
                    let at = Location::Line(number);
                    match parse_line(bytes, at) {
                        Ok(Some(state)) => return Some(Ok(state)),
                        Ok(None) => continue,
                        Err(_) if !terminated => return Some(Err(FrameError::Truncated { at })),
                        Err(error) => return Some(Err(error)),
                    }
                }
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

    fn all(input: &[u8]) -> Vec<Result<StateVector, FrameError>> {
        frame_all(SbsFramer::new(), input)
    }

    #[test]
    fn airborne_position_record() {
        // The example record of the BaseStation format description.
        let got = all(b"MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,,37000,,,51.45735,-1.02826,,,0,0,0,0\n");
        let state = got[0].clone().unwrap();
        assert_eq!(state.icao24.to_string(), "4ca2d6");
        assert_eq!(state.ts, Some(1_227_916_098.611));
        assert_eq!(state.altitude_ft, Some(37000.0));
        assert_eq!(
            (state.latitude, state.longitude),
            (Some(51.45735), Some(-1.02826))
        );
        assert_eq!(state.on_ground, Some(false));
        assert_eq!(
            (state.callsign, state.squawk, state.groundspeed_kt),
            (None, None, None)
        );
    }

    #[test]
    fn identity_velocity_and_squawk_records() {
        let input = b"MSG,1,1,1,A1B2C3,1,2024/02/29,00:00:01.000,2024/02/29,00:00:01.000,AAL123  ,,,,,,,,,,,\r\n\
            MSG,4,1,1,A1B2C3,1,2024/02/29,00:00:02.000,2024/02/29,00:00:02.000,,,451,87.5,,,-640,,,,,0\n\
            MSG,6,1,1,A1B2C3,1,,,2024/02/29,00:00:03.500,,,,,,,,7700,0,1,0,-1\n\
            SEL,,496,2286,4CA4E5,27215,2010/02/19,18:06:07.710,2010/02/19,18:06:07.710,RYR1427\n\
            STA,,5,179,400AE7,10103,2008/11/28,14:58:51.153,2008/11/28,14:58:51.153,RM\n";
        let got: Vec<StateVector> = all(input).into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].callsign.unwrap().as_str(), "AAL123");
        assert_eq!(
            (
                got[1].groundspeed_kt,
                got[1].track_deg,
                got[1].vertical_rate_fpm
            ),
            (Some(451.0), Some(87.5), Some(-640.0))
        );
        assert_eq!(got[2].squawk, Some(0o7700));
        assert_eq!(got[2].on_ground, Some(true));
        // generated date/time empty: the logged time is used
        assert_eq!(got[2].ts.unwrap() - got[0].ts.unwrap(), 2.5);
    }

    #[test]
    fn bad_records_are_located() {
        let input = b"MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,,37000,,,51.45735,-1.02826,,,0,0,0,0\n\
            MSG,3,1,1,XYZ,1,2008/11/28,23:48:18.611,2008/11/28,23:53:19.161,,37000,,,51.45735,-1.02826,,,0,0,0,0\n\
            MSG,3,1,1,4CA2D6,1,2008/13/28,23:48:18.611,,,,37000,,,51.45735,-1.02826,,,0,0,0,0\n\
            MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,,,,37000,,,91.5,-1.02826,,,0,0,0,0\n\
            MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:18.611,,,,3x000,,,51.45735,-1.02826,,,0,0,0,0\n\
            MSG,6,1,1,4CA2D6,1,2008/11/28,23:48:18.611,,,,,,,,,,7800,0,0,0,0\n\
            MSG,3,1,1,4CA2D6\n\
            hello\n\
            MSG,3,1,1,4CA2D6,1,2008/11/28,23:48:";
        let got = all(input);
        let errors: Vec<_> = got.iter().filter_map(|r| r.clone().err()).collect();
        let line = Location::Line;
        assert_eq!(
            errors,
            vec![
                FrameError::BadField {
                    at: line(2),
                    field: "hex ident"
                },
                FrameError::BadTimestamp { at: line(3) },
                FrameError::MissingFields {
                    at: line(7),
                    found: 5,
                    expected: 10
                },
                FrameError::Unrecognised { at: line(8) },
                FrameError::Truncated { at: line(9) },
            ]
        );
        // One bad field drops that field, not the record: the bad latitude takes the
        // position with it (half a position is none), the rest is kept and marked.
        let kept: Vec<StateVector> = got.into_iter().filter_map(Result::ok).collect();
        assert_eq!(kept.len(), 4);
        assert_eq!(kept[1].altitude_ft, Some(37000.0));
        assert_eq!((kept[1].latitude, kept[1].longitude), (None, None));
        assert_eq!(kept[1].dropped.iter().collect::<Vec<_>>(), ["latitude"]);
        assert_eq!(kept[2].altitude_ft, None);
        assert_eq!(kept[2].latitude, Some(51.45735));
        assert_eq!(kept[2].dropped.iter().collect::<Vec<_>>(), ["altitude"]);
        assert_eq!(kept[3].squawk, None);
        assert_eq!(kept[3].dropped.iter().collect::<Vec<_>>(), ["squawk"]);
        assert!(kept[0].dropped.is_empty());
    }
}
