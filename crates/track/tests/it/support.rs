//! Loading the fixtures and running the tracker over them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use vigia_feed::{Record, StateVector};
use vigia_modes::adsb::{AirbornePosition, AltitudeSource};
use vigia_modes::cpr::{encode, CprFormat, LatLon};
use vigia_modes::IcaoAddress;
use vigia_track::{
    Flight, RejectedPosition, SourceRef, TrackEvent, Tracker, TrackerConfig, TrustedPosition,
};

/// A fixture of this crate.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The project's frame corpus.
pub fn corpus_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/long_flight.csv.zst")
}

/// The receiver position the corpus was recorded around (Toulouse, as rs1090's example uses).
pub const TOULOUSE: LatLon = LatLon {
    lat: 43.7,
    lon: 1.36,
};

/// One archive row and its 1-based line in the file (the header is line 1).
#[derive(Clone, Copy, Debug)]
pub struct Row {
    pub state: StateVector,
    pub line: u64,
}

/// All rows of a trajectory fixture (these files have no bad or blank lines).
pub fn rows(name: &str) -> Vec<Row> {
    vigia_feed::open(&data(name), None)
        .unwrap()
        .enumerate()
        .map(|(i, record)| match record.unwrap() {
            Record::State(state) => Row {
                state: *state,
                line: i as u64 + 2,
            },
            Record::Frame(_) => panic!("{name} holds frames"),
        })
        .collect()
}

/// `(receive time, message)` of every corpus frame.
pub fn corpus_frames() -> Vec<(f64, Vec<u8>)> {
    vigia_feed::open(&corpus_path(), None)
        .unwrap()
        .map(|record| match record.unwrap() {
            Record::Frame(frame) => (frame.ts.unwrap(), frame.message().to_vec()),
            Record::State(_) => panic!("the corpus holds frames"),
        })
        .collect()
}

/// Track rows (in the order given) and finish.
pub fn track_rows(rows: &[Row], config: TrackerConfig) -> Vec<TrackEvent> {
    let mut tracker = Tracker::new(config);
    let mut events = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let source = SourceRef {
            input: 0,
            record: i as u64 + 1,
            line: Some(row.line),
            row: None,
        };
        tracker.push_state(&row.state, source, &mut events);
    }
    tracker.finish(&mut events);
    events
}

/// Track frames (in the order given) and finish.
pub fn track_frames(frames: &[(f64, Vec<u8>)], config: TrackerConfig) -> Vec<TrackEvent> {
    let mut tracker = Tracker::new(config);
    let mut events = Vec::new();
    for (ts, message) in frames {
        tracker.push_frame(*ts, message, &mut events);
    }
    tracker.finish(&mut events);
    events
}

pub fn flights(events: &[TrackEvent]) -> Vec<Flight> {
    let mut flights: Vec<Flight> = events
        .iter()
        .filter_map(|e| match e {
            TrackEvent::FlightEnded(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    flights.sort_by_key(|f| f.id);
    flights
}

pub fn trusted(events: &[TrackEvent]) -> impl Iterator<Item = &TrustedPosition> {
    events.iter().filter_map(|e| match e {
        TrackEvent::Position(p) => Some(p),
        _ => None,
    })
}

pub fn rejected(events: &[TrackEvent]) -> impl Iterator<Item = &RejectedPosition> {
    events.iter().filter_map(|e| match e {
        TrackEvent::Rejected(r) => Some(r),
        _ => None,
    })
}

/// The events of each aircraft, in emission order.
pub fn by_aircraft(events: &[TrackEvent]) -> BTreeMap<IcaoAddress, Vec<TrackEvent>> {
    let mut map: BTreeMap<IcaoAddress, Vec<TrackEvent>> = BTreeMap::new();
    for e in events {
        let icao24 = match e {
            TrackEvent::Position(p) => p.icao24,
            TrackEvent::Rejected(r) => r.icao24,
            TrackEvent::FlightEnded(f) => f.id.icao24,
            _ => continue,
        };
        map.entry(icao24).or_default().push(e.clone());
    }
    map
}

/// A DF17 airborne position frame (TC 11, barometric altitude) for `address` at `lat, lon`.
pub fn position_frame(
    address: IcaoAddress,
    lat: f64,
    lon: f64,
    altitude_ft: i32,
    format: CprFormat,
) -> Vec<u8> {
    let position = AirbornePosition {
        tc: 11,
        surveillance_status: 0,
        nic_b: false,
        altitude_ft: Some(altitude_ft),
        altitude_source: AltitudeSource::Barometric,
        cpr: encode(lat, lon, format, false),
    };
    let me = vigia_modes::encode::adsb::airborne_position(&position).unwrap();
    vigia_modes::encode::frame::df17(address, 5, me)
        .unwrap()
        .to_vec()
}

/// Frames for a trajectory: each row becomes an even frame at its time and an odd frame half
/// a second later (at the same position: the rows are 5 s apart, the frames' pairs 0.5 s).
pub fn frames_of(rows: &[Row]) -> Vec<(f64, Vec<u8>)> {
    let mut frames = Vec::new();
    for row in rows {
        let s = &row.state;
        let (Some(ts), Some(lat), Some(lon)) = (s.ts, s.latitude, s.longitude) else {
            continue;
        };
        let altitude = s.altitude_ft.unwrap_or(0.0).round() as i32;
        for (dt, format) in [(0.0, CprFormat::Even), (0.5, CprFormat::Odd)] {
            frames.push((
                ts + dt,
                position_frame(s.icao24, lat, lon, altitude, format),
            ));
        }
    }
    frames
}

/// `lat, lon` moved `distance_m` on a bearing, degrees (flat Earth: fine for tests).
pub fn displaced(lat: f64, lon: f64, distance_m: f64, bearing_deg: f64) -> (f64, f64) {
    let b = bearing_deg.to_radians();
    let dlat = distance_m * b.cos() / 111_195.0;
    let dlon = distance_m * b.sin() / (111_195.0 * lat.to_radians().cos());
    (lat + dlat, lon + dlon)
}
