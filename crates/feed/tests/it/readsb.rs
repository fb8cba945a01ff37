//! readsb JSON: the real trace `trace_full_ac671b.json` and the derived `aircraft.json`.

use crate::common::{assert_split_invariant, fixture, partition};
use std::collections::BTreeMap;
use vigia_feed::framer::{frame_all, ReadsbAircraftFramer, ReadsbTraceFramer};
use vigia_feed::{FrameError, Location, StateVector};

fn trace() -> Vec<StateVector> {
    let (points, errors) = partition(frame_all(
        ReadsbTraceFramer::new(),
        &fixture("trace_full_ac671b.json"),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    points
}

#[test]
fn trace_has_2500_points_over_four_flights() {
    // Counted with Python's json module: 2 500 points, 394 with altitude "ground", 625 with a
    // details object (607 naming a flight, 602 a squawk), four DAL flights in one day.
    let points = trace();
    assert_eq!(points.len(), 2500);
    assert!(points.iter().all(|p| p.icao24.to_string() == "ac671b"));
    assert_eq!(
        points.iter().filter(|p| p.on_ground == Some(true)).count(),
        394
    );
    assert_eq!(
        points
            .iter()
            .filter(|p| p.on_ground == Some(true))
            .filter(|p| p.altitude_ft.is_some())
            .count(),
        0
    );
    assert_eq!(points.iter().filter(|p| p.callsign.is_some()).count(), 607);
    assert_eq!(points.iter().filter(|p| p.squawk.is_some()).count(), 602);
    let mut flights = BTreeMap::new();
    for callsign in points.iter().filter_map(|p| p.callsign) {
        *flights.entry(callsign.as_str().to_string()).or_insert(0) += 1;
    }
    let expected: BTreeMap<String, i32> = [
        ("DAL1615", 115),
        ("DAL1812", 185),
        ("DAL2418", 134),
        ("DAL2927", 173),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_string(), n))
    .collect();
    assert_eq!(flights, expected);
    assert_eq!(points[0].ts, Some(1738703622.619));
    assert!((points[2499].ts.unwrap() - 1738785278.089).abs() < 1e-6);
    // first point: [0.00,16.777359,-88.036868,32000,478.6,327.8,1,0,null,"adsb_icao",33825,...]
    let first = &points[0];
    assert_eq!(
        (first.latitude, first.longitude),
        (Some(16.777359), Some(-88.036868))
    );
    assert_eq!(
        (first.altitude_ft, first.geo_altitude_ft),
        (Some(32000.0), Some(33825.0))
    );
    assert_eq!(
        (
            first.groundspeed_kt,
            first.track_deg,
            first.vertical_rate_fpm
        ),
        (Some(478.6), Some(327.8), Some(0.0))
    );
    assert!(points.windows(2).all(|w| w[0].ts <= w[1].ts));
}

#[test]
fn trace_split_anywhere_equals_unsplit() {
    let input = fixture("trace_full_ac671b.json");
    let splits = (0..=input.len()).step_by(4999).chain([1, input.len() - 1]);
    assert_eq!(
        assert_split_invariant(ReadsbTraceFramer::new, &input, splits).len(),
        2500
    );
}

#[test]
fn a_cut_trace_yields_its_points_then_one_json_error() {
    let input = fixture("trace_full_ac671b.json");
    let whole = frame_all(ReadsbTraceFramer::new(), &input);
    let items = frame_all(ReadsbTraceFramer::new(), &input[..input.len() / 2]);
    let (last, points) = items.split_last().unwrap();
    assert!(
        matches!(last, Err(FrameError::InvalidJson { .. })),
        "{last:?}"
    );
    // The points before the cut are read (streamed), identical to the whole file's.
    assert!(
        points.len() > 1000 && points.len() < 2500,
        "{}",
        points.len()
    );
    assert_eq!(points, &whole[..points.len()]);
}

#[test]
fn aircraft_json_snapshot() {
    let input = fixture("aircraft.json");
    let items = assert_split_invariant(ReadsbAircraftFramer::new, &input, 0..=input.len());
    let (states, errors) = partition(items);
    assert!(errors.is_empty());
    assert_eq!(states.len(), 3);
    // "now": 1738703650.0, "seen_pos": 0.5
    assert_eq!(states[0].ts, Some(1738703649.5));
    assert_eq!(states[0].callsign.unwrap().as_str(), "DAL1812");
    assert_eq!(
        (states[0].latitude, states[0].squawk),
        (Some(16.833336), Some(0o4637))
    );
    assert_eq!(
        (states[1].icao24.to_string(), states[1].on_ground),
        ("0b206f".to_string(), Some(true))
    );
    assert_eq!(
        (states[2].vertical_rate_fpm, states[2].latitude),
        (Some(-64.0), None)
    );
}

#[test]
fn aircraft_json_without_aircraft_member() {
    let items = frame_all(ReadsbAircraftFramer::new(), br#"{"now": 1, "messages": 2}"#);
    assert_eq!(
        items,
        vec![Err(FrameError::MissingField {
            at: Location::Line(1),
            field: "aircraft"
        })]
    );
}
