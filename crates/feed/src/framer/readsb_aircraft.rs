//! readsb/dump1090 `aircraft.json` snapshots, mapped to one [`StateVector`] per aircraft.
//!
//! Owns the snapshot layout, as documented in readsb's `README-json.md`:
//!
//! ```text
//! {"now": t, "messages": n, "aircraft": [
//!    {"hex": "ac671b" (or "~…" for non-ICAO), "flight": "DAL1812 ", "alt_baro": 32000 | "ground",
//!     "alt_geom": ft, "gs": kt, "track": deg, "baro_rate" / "geom_rate": ft/min,
//!     "squawk": "4637", "lat": deg, "lon": deg, "seen": s, "seen_pos": s, ...}, ...]}
//! ```
//!
//! Time: `now - seen_pos` when the entry has a position and `seen_pos`, else `now - seen`, else
//! `now` — the time the reported values were received, not the time of the snapshot. The vertical
//! rate is `baro_rate`, or `geom_rate` when that is absent. `"ground"` sets `on_ground`. Entries
//! are read as they arrive (see `json_document.rs`): memory does not grow with the document.
//!
//! dump1090-mutability's older names are read too: `altitude` (for `alt_baro`), `speed` (for
//! `gs`) and `vert_rate`. A member with a bad value is dropped and marked
//! ([`StateVector::dropped`]); only a bad or missing `hex` rejects the entry.

use super::json_document::{
    bad, callsign, in_range, keep, latitude, longitude, number_or_null, squawk, string_or_null,
    JsonStream, Layout,
};
use super::Framer;
use crate::text::range;
use crate::{FrameError, Location, StateVector};
use serde_json::{Map, Value};
use vigia_modes::record::DroppedFields;
use vigia_modes::IcaoAddress;

/// aircraft.json in, [`StateVector`]s out (available after [`Framer::finish`]).
#[derive(Debug, Default)]
pub struct ReadsbAircraftFramer {
    document: JsonStream<Snapshot>,
}

/// The aircraft.json layout for [`JsonStream`].
#[derive(Debug)]
struct Snapshot;

impl Layout for Snapshot {
    const ARRAY: &'static str = "aircraft";
    const MEMBERS: &'static [&'static str] = &["now"];
    type Context = f64;

    fn context(document: &Map<String, Value>) -> Result<f64, FrameError> {
        let top = Location::Line(1);
        let now = document.get("now").ok_or(FrameError::MissingField {
            at: top,
            field: "now",
        })?;
        now.as_f64()
            .filter(|t| t.is_finite())
            .ok_or(FrameError::BadTimestamp { at: top })
    }

    fn element(&now: &f64, entry: &Value, at: Location) -> Result<StateVector, FrameError> {
        match entry.as_object() {
            Some(entry) => map_entry(now, entry, at),
            None => Err(FrameError::BadField {
                at,
                field: "aircraft",
            }),
        }
    }
}

impl ReadsbAircraftFramer {
    /// A framer for one aircraft.json document.
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn buffer_capacity(&self) -> usize {
        self.document.capacity()
    }
}

fn map_entry(
    now: f64,
    entry: &Map<String, Value>,
    at: Location,
) -> Result<StateVector, FrameError> {
    let icao24 = string_or_null(entry.get("hex"))
        .map_err(bad(at, "hex"))?
        .ok_or(FrameError::MissingField { at, field: "hex" })?
        .parse::<IcaoAddress>()
        .map_err(|_| FrameError::BadField { at, field: "hex" })?;
    let mut state = StateVector::new(icao24);
    let mut d = DroppedFields::default();
    // The first member present of `keys` (readsb's name, then dump1090-mutability's).
    let member = |keys: &[&str]| keys.iter().find_map(|k| entry.get(*k));
    let any = |v: f64| Some(v);
    let age = |v: f64| (0.0..=86_400.0).contains(&v).then_some(v);
    let mut number = |keys: &[&str], field, range: fn(f64) -> Option<f64>| {
        keep(in_range(number_or_null(member(keys)), range), field, &mut d)
    };
    let lat = number(&["lat"], "latitude", any);
    let lon = number(&["lon"], "longitude", any);
    let seen_pos = number(&["seen_pos"], "other", age);
    let seen = number(&["seen"], "other", age);
    state.geo_altitude_ft = number(&["alt_geom"], "geo_altitude", range::altitude_ft);
    state.groundspeed_kt = number(&["gs", "speed"], "groundspeed", range::groundspeed_kt);
    state.track_deg = number(&["track"], "track", range::track_deg);
    state.vertical_rate_fpm = number(
        &["baro_rate", "geom_rate", "vert_rate"],
        "vertical_rate",
        range::vertical_rate_fpm,
    );
    state.latitude = keep(latitude(lat), "latitude", &mut d);
    state.longitude = keep(longitude(lon), "longitude", &mut d);
    state.drop_half_position();
    let age = match (state.latitude, seen_pos) {
        (Some(_), Some(seen_pos)) => Some(seen_pos),
        _ => seen,
    };
    state.ts = Some(now - age.unwrap_or(0.0));
    // readsb's alt_baro, dump1090-mutability's altitude: feet, or "ground".
    state.altitude_ft = match member(&["alt_baro", "altitude"]) {
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
    let text = |key: &str| string_or_null(entry.get(key));
    state.callsign = keep(text("flight").and_then(callsign), "callsign", &mut d);
    state.squawk = keep(text("squawk").and_then(squawk), "squawk", &mut d);
    state.dropped = d;
    Ok(state)
}

impl Framer for ReadsbAircraftFramer {
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
        frame_all(ReadsbAircraftFramer::new(), input.as_bytes())
    }

    #[test]
    fn entries_map_to_states() {
        let got = all(
            r#"{ "now" : 1738703700.0, "messages" : 12345, "aircraft" : [
            {"hex":"ac671b","type":"adsb_icao","flight":"DAL1812 ","alt_baro":32000,"alt_geom":33825,"gs":483.3,"track":340.7,
             "baro_rate":0,"squawk":"4637","lat":16.833336,"lon":-88.059981,"seen_pos":1.5,"seen":0.2,"rssi":-20.1},
            {"hex":"~0b206f","alt_baro":"ground","geom_rate":-64,"seen":3.0},
            {"hex":"0d0a1b","lat":18.1,"lon":-97.5,"seen":4.0}
        ]}"#,
        );
        let states: Vec<StateVector> = got.into_iter().map(|r| r.unwrap()).collect();
        assert_eq!(states.len(), 3);
        assert_eq!(states[0].ts, Some(1738703698.5));
        assert_eq!(states[0].callsign.unwrap().as_str(), "DAL1812");
        assert_eq!(
            (states[0].altitude_ft, states[0].geo_altitude_ft),
            (Some(32000.0), Some(33825.0))
        );
        assert_eq!(states[0].squawk, Some(0o4637));
        assert_eq!(states[0].vertical_rate_fpm, Some(0.0));
        assert_eq!(states[1].icao24.to_string(), "0b206f");
        assert_eq!(
            (
                states[1].on_ground,
                states[1].vertical_rate_fpm,
                states[1].ts
            ),
            (Some(true), Some(-64.0), Some(1738703697.0))
        );
        // a position without seen_pos is dated by seen
        assert_eq!(states[2].ts, Some(1738703696.0));
    }

    #[test]
    fn bad_entries_are_located() {
        let got = all(
            r#"{"now":100,"aircraft":[{"flight":"X"},{"hex":"nothex"},{"hex":"abcdef","lat":"north"},3,{"hex":"abcdef"}]}"#,
        );
        let at = |index| Location::Entry {
            array: "aircraft",
            index,
        };
        assert_eq!(
            got[0],
            Err(FrameError::MissingField {
                at: at(0),
                field: "hex"
            })
        );
        assert_eq!(
            got[1],
            Err(FrameError::BadField {
                at: at(1),
                field: "hex"
            })
        );
        // A bad latitude drops the position, not the entry.
        let kept = got[2].clone().unwrap();
        assert_eq!((kept.latitude, kept.longitude), (None, None));
        assert_eq!(kept.dropped.iter().collect::<Vec<_>>(), ["latitude"]);
        assert_eq!(
            got[3],
            Err(FrameError::BadField {
                at: at(3),
                field: "aircraft"
            })
        );
        assert!(got[4].is_ok());
        assert_eq!(
            all(r#"{"aircraft":[]}"#),
            vec![Err(FrameError::MissingField {
                at: Location::Line(1),
                field: "now"
            })]
        );
    }

    #[test]
    fn dump1090_mutability_names_are_read() {
        // dump1090-mutability 1.15 (Debian) writes altitude, speed and vert_rate.
        let got = all(
            r#"{"now":1000.0,"messages":5,"aircraft":[{"hex":"0d0abc","squawk":"7700","flight":"XAMEX1  ","lat":19.4,"lon":-99.1,"nucp":7,"seen_pos":0.5,"altitude":36000,"vert_rate":-640,"track":181,"speed":451,"mlat":[],"tisb":[],"messages":40,"seen":0.2,"rssi":-20.1},{"hex":"0d0abd","altitude":"ground","speed":12,"seen":1}]}"#,
        );
        let a = got[0].clone().unwrap();
        assert_eq!(
            (
                a.altitude_ft,
                a.groundspeed_kt,
                a.vertical_rate_fpm,
                a.track_deg
            ),
            (Some(36000.0), Some(451.0), Some(-640.0), Some(181.0))
        );
        assert_eq!(a.ts, Some(999.5));
        assert!(a.dropped.is_empty());
        let b = got[1].clone().unwrap();
        assert_eq!(
            (b.on_ground, b.altitude_ft, b.groundspeed_kt),
            (Some(true), None, Some(12.0))
        );
    }
}
