//! readsb/tar1090 trace files (`trace_full_<icao>.json`, `trace_recent_<icao>.json`), mapped to
//! one [`StateVector`] per trace point.
//!
//! Owns the trace layout, as documented in readsb's `README-json.md`:
//!
//! ```text
//! {"icao": "ac671b", "timestamp": t0, "trace": [ point, ... ], ...}
//! point = [ 0 seconds after t0, 1 lat, 2 lon, 3 altitude (ft) | "ground" | null,
//!           4 ground speed (kt) | null, 5 track (deg) | null, 6 flags, 7 vertical rate (ft/min) | null,
//!           8 details {flight, squawk, alt_geom, ...} | null, 9 source type,
//!           10 geometric altitude (ft) | null, 11 geometric vertical rate, 12 ias, 13 roll ]
//! flags: 1 = stale position, 2 = start of a new leg, 4 = vertical rate is geometric,
//!        8 = altitude (index 3) is geometric
//! ```
//!
//! Older files have fewer elements; missing ones are `None`. Callsign and squawk come from the
//! point's own details object only (readsb writes it every few points; carrying values forward is
//! the tracker's business). `"ground"` sets `on_ground`; a numeric altitude leaves it unknown.
//! Points are read as they arrive (see `json_document.rs`): memory does not grow with the trace.

use super::json_document::{
    callsign, in_range, keep, latitude, longitude, number_or_null, squawk, string_or_null,
    JsonStream, Layout,
};
use super::Framer;
use crate::text::range;
use crate::{FrameError, Location, StateVector};
use serde_json::{Map, Value};
use vigia_modes::record::DroppedFields;
use vigia_modes::IcaoAddress;

/// Point flag: the altitude at index 3 is geometric, not barometric.
const FLAG_ALTITUDE_GEOMETRIC: u64 = 8;

/// Trace JSON in, [`StateVector`]s out (available after [`Framer::finish`]).
#[derive(Debug, Default)]
pub struct ReadsbTraceFramer {
    document: JsonStream<Trace>,
}

/// The trace layout for [`JsonStream`].
#[derive(Debug)]
struct Trace;

impl Layout for Trace {
    const ARRAY: &'static str = "trace";
    const MEMBERS: &'static [&'static str] = &["icao", "timestamp"];
    type Context = (IcaoAddress, f64);

    fn context(document: &Map<String, Value>) -> Result<Self::Context, FrameError> {
        let top = Location::Line(1);
        let missing = |field| FrameError::MissingField { at: top, field };
        let icao = document.get("icao").ok_or(missing("icao"))?;
        let Some(Ok(icao24)) = icao.as_str().map(str::parse::<IcaoAddress>) else {
            return Err(FrameError::BadField {
                at: top,
                field: "icao",
            });
        };
        let t0 = document.get("timestamp").ok_or(missing("timestamp"))?;
        let t0 = t0
            .as_f64()
            .filter(|t| t.is_finite())
            .ok_or(FrameError::BadTimestamp { at: top })?;
        Ok((icao24, t0))
    }

    fn element(
        &(icao24, t0): &Self::Context,
        point: &Value,
        at: Location,
    ) -> Result<StateVector, FrameError> {
        map_point(icao24, t0, point, at)
    }
}

impl ReadsbTraceFramer {
    /// A framer for one trace document.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.document.capacity()
    }
}

fn map_point(
    icao24: IcaoAddress,
    t0: f64,
    point: &Value,
    at: Location,
) -> Result<StateVector, FrameError> {
    let Some(point) = point.as_array() else {
        return Err(FrameError::BadField { at, field: "point" });
    };
    let element = |i: usize| point.get(i);
    let seconds_after = number_or_null(element(0))
        .ok()
        .flatten()
        .ok_or(FrameError::BadTimestamp { at })?;
    let mut state = StateVector::new(icao24);
    state.ts = Some(t0 + seconds_after);
    // A bad member drops that member only (marked in `dropped`); the point is kept.
    let mut d = DroppedFields::default();
    state.latitude = keep(
        number_or_null(element(1)).and_then(latitude),
        "latitude",
        &mut d,
    );
    state.longitude = keep(
        number_or_null(element(2)).and_then(longitude),
        "longitude",
        &mut d,
    );
    state.drop_half_position();
    let flags = keep(number_or_null(element(6)), "other", &mut d).unwrap_or(0.0) as u64;
    let altitude = match element(3) {
        Some(Value::String(s)) if s == "ground" => {
            state.on_ground = Some(true);
            None
        }
        other => keep(
            in_range(number_or_null(other), range::altitude_ft),
            "altitude",
            &mut d,
        ),
    };
    let mut ranged = |i: usize, field, range: fn(f64) -> Option<f64>| {
        keep(in_range(number_or_null(element(i)), range), field, &mut d)
    };
    state.groundspeed_kt = ranged(4, "groundspeed", range::groundspeed_kt);
    state.track_deg = ranged(5, "track", range::track_deg);
    state.vertical_rate_fpm = ranged(7, "vertical_rate", range::vertical_rate_fpm);
    let geometric = ranged(10, "geo_altitude", range::altitude_ft);
    if flags & FLAG_ALTITUDE_GEOMETRIC != 0 {
        state.geo_altitude_ft = altitude.or(geometric);
    } else {
        state.altitude_ft = altitude;
        state.geo_altitude_ft = geometric;
    }
    match element(8) {
        None | Some(Value::Null) => {}
        Some(Value::Object(details)) => {
            let text = |key: &'static str| string_or_null(details.get(key));
            state.callsign = keep(text("flight").and_then(callsign), "callsign", &mut d);
            state.squawk = keep(text("squawk").and_then(squawk), "squawk", &mut d);
            if state.geo_altitude_ft.is_none() {
                state.geo_altitude_ft = keep(
                    number_or_null(details.get("alt_geom")),
                    "geo_altitude",
                    &mut d,
                );
            }
        }
        Some(_) => d.insert("other"),
    }
    state.dropped = d;
    Ok(state)
}

impl Framer for ReadsbTraceFramer {
    type Item = StateVector;

    fn push(&mut self, bytes: &[u8]) {
        self.document.push(bytes);
    }

    fn next_item(&mut self) -> Option<Result<StateVector, FrameError>> {
        self.document.next_item()
    }

    fn finish(&mut self) {
        self.document.finish();
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::framer::frame_all;

    fn all(input: &str) -> Vec<Result<StateVector, FrameError>> {
        frame_all(ReadsbTraceFramer::new(), input.as_bytes())
    }

    #[test]
    fn points_with_and_without_details() {
        let got = all(r#"{"icao":"ac671b","timestamp": 1738703622.619,"trace":[
            [0.00,16.777359,-88.036868,32000,478.6,327.8,1,0,null,"adsb_icao",33825,32,280,0.0],
            [26.89,16.833336,-88.059981,32000,483.3,340.7,0,0,{"type":"adsb_icao","flight":"DAL1812 ","alt_geom":33825,"squawk":"4637"},"adsb_icao",null,32,279,-0.9],
            [14323.46,44.880993,-93.218438,"ground",73.0,120.9,0,-128,null,"adsb_icao",775,null,null,null],
            [5.0,1.0,2.0,3000,null,null,8,null,null]
        ]}"#);
        let points: Vec<StateVector> = got.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(points.len(), 4);
        assert_eq!(points[0].ts, Some(1738703622.619));
        assert_eq!(points[0].icao24.to_string(), "ac671b");
        assert_eq!(
            (points[0].altitude_ft, points[0].geo_altitude_ft),
            (Some(32000.0), Some(33825.0))
        );
        assert_eq!(points[0].callsign, None);
        assert_eq!(points[1].callsign.unwrap().as_str(), "DAL1812");
        assert_eq!(points[1].squawk, Some(0o4637));
        assert_eq!(points[1].geo_altitude_ft, Some(33825.0));
        assert_eq!(
            (points[2].on_ground, points[2].altitude_ft),
            (Some(true), None)
        );
        assert_eq!(points[2].vertical_rate_fpm, Some(-128.0));
        // flag 8: the altitude is geometric
        assert_eq!(
            (points[3].altitude_ft, points[3].geo_altitude_ft),
            (None, Some(3000.0))
        );
    }

    #[test]
    fn bad_points_are_located_and_skipped() {
        let got = all(r#"{"icao":"ac671b","timestamp":100,"trace":[
            [0,1,2,3000], "x", [null,1,2], [1,95,2], [2,1,2,"high"], [3,1,2,3,null,null,0,null,7],
            [4,1,2,3,null,null,0,null,{"squawk":"9999"}]
        ]}"#);
        let errors: Vec<_> = got.iter().filter_map(|r| r.clone().err()).collect();
        let entry = |index| Location::Entry {
            array: "trace",
            index,
        };
        assert_eq!(
            errors,
            vec![
                FrameError::BadField {
                    at: entry(1),
                    field: "point"
                },
                FrameError::BadTimestamp { at: entry(2) },
            ]
        );
        assert!(got[0].is_ok());
        // A bad member drops that member only.
        let kept: Vec<StateVector> = got.into_iter().filter_map(Result::ok).collect();
        let dropped = |k: usize| kept[k].dropped.iter().collect::<Vec<_>>();
        assert_eq!(kept.len(), 5);
        assert_eq!((kept[1].latitude, dropped(1)), (None, vec!["latitude"]));
        assert_eq!((kept[2].altitude_ft, kept[2].latitude), (None, Some(1.0)));
        assert_eq!(dropped(2), ["altitude"]);
        assert_eq!(
            (kept[3].altitude_ft, dropped(3)),
            (Some(3.0), vec!["other"])
        );
        assert_eq!((kept[4].squawk, dropped(4)), (None, vec!["squawk"]));
    }

    #[test]
    fn document_errors() {
        let missing = all(r#"{"icao":"ac671b","timestamp":100}"#);
        assert_eq!(
            missing,
            vec![Err(FrameError::MissingField {
                at: Location::Line(1),
                field: "trace"
            })]
        );
        let bad_icao = all(r#"{"icao":"zz","timestamp":100,"trace":[]}"#);
        assert_eq!(
            bad_icao,
            vec![Err(FrameError::BadField {
                at: Location::Line(1),
                field: "icao"
            })]
        );
        let truncated = all(r#"{"icao":"ac671b","timestamp":100,"trace":[[0,1"#);
        assert!(matches!(
            truncated[..],
            [Err(FrameError::InvalidJson { .. })]
        ));
        assert_eq!(
            all(""),
            vec![Err(FrameError::InvalidJson {
                at: Location::Line(1),
                column: 0
            })]
        );
    }
}
