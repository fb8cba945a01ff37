//! Flights from trajectory rows, split as a person splits them after looking at the data
//! (`tests/data/README.md`): the calibration flights are one long flight each; the airliners
//! file holds 40 aircraft, five of which fly twice (different callsigns, hours apart).

use crate::support::{flights, rejected, rows, track_rows, trusted, Row};
use vigia_track::{FlightEnd, RejectKind, TrackerConfig};

fn one_flight(name: &str, icao24: &str, callsign: &str, points: u64, contradictions: u64) {
    let rows = rows(name);
    let events = track_rows(&rows, TrackerConfig::default());
    let flights = flights(&events);
    assert_eq!(flights.len(), 1, "{name}");
    let f = &flights[0];
    let first = rows[0].state.ts.unwrap();
    let last = rows[rows.len() - 1].state.ts.unwrap();
    assert_eq!(f.id.to_string(), format!("{icao24}-{}", first as i64));
    assert_eq!((f.start_ts, f.end_ts), (first, last), "{name}");
    assert_eq!(f.callsigns.len(), 1);
    assert_eq!(f.callsigns[0].as_str(), callsign);
    assert_eq!(f.end, FlightEnd::EndOfInput);
    // The only rejections are rows whose position runs ahead of their own time (the archive's
    // resampling): they imply twice the ground speed the same rows report.
    assert_eq!(f.points, points, "{name}");
    assert_eq!(f.points + f.rejected, rows.len() as u64);
    assert!(rejected(&events).all(|r| r.reason.kind() == RejectKind::ContradictsVelocity));
    assert_eq!(rejected(&events).count() as u64, contradictions);
    // The bounding box is the rows' own.
    let lats = rows.iter().map(|r| r.state.latitude.unwrap());
    let (lo, hi) = lats.fold((90.0f64, -90.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    assert!(f.bbox.min_lat >= lo && f.bbox.max_lat <= hi);
    assert!((f.bbox.max_lat - hi).abs() < 0.01 && (f.bbox.min_lat - lo).abs() < 0.01);
}

#[test]
fn calibration_flights_are_one_flight_each() {
    one_flight("calibration_guatemala.csv.zst", "0b206f", "YS111N", 1855, 0);
    one_flight("calibration_kingston.csv.zst", "0b206f", "YS111N", 1455, 0);
    one_flight("calibration_montreal.csv.zst", "c06921", "NVC201", 1941, 1);
    one_flight("calibration_vancouver.csv.zst", "c052bb", "NVC103", 1876, 3);
}

#[test]
fn calibration_row_evidence_names_its_line() {
    let rows = rows("calibration_kingston.csv.zst");
    let events = track_rows(&rows, TrackerConfig::default());
    for (p, row) in trusted(&events).zip(&rows) {
        let source = p.evidence.source().unwrap();
        assert_eq!(source.line, Some(row.line));
        assert_eq!(p.ts, row.state.ts.unwrap());
    }
}

/// `(icao24, callsign, start, end)` of the flights a person sees in the airliners file among
/// the aircraft that fly twice, in time order.
const TWICE: [(&str, &str, i64, i64); 8] = [
    ("0a0047", "DAH1000", 1633608565, 1633609675),
    ("0a0047", "DAH1001", 1633617554, 1633618351),
    ("345359", "VLG8030", 1633609916, 1633611599),
    ("345359", "VLG8031", 1633614455, 1633615907),
    ("3944e1", "AFR53HM", 1633608318, 1633609396),
    ("3944e1", "AFR18FU", 1633616792, 1633617493),
    ("3946e0", "AFR91QD", 1633608766, 1633609843),
    ("3946e0", "AFR18QV", 1633615467, 1633616114),
];

fn check_twice(flights: &[vigia_track::Flight]) {
    for (icao24, callsign, start, end) in TWICE {
        let f = flights
            .iter()
            .find(|f| f.id.icao24.to_string() == icao24 && f.callsigns[0].as_str() == callsign)
            .unwrap_or_else(|| panic!("{icao24} {callsign}"));
        assert_eq!(
            (f.start_ts as i64, f.end_ts as i64),
            (start, end),
            "{callsign}"
        );
        assert_eq!(f.callsigns.len(), 1, "{callsign}");
    }
}

#[test]
fn airliners_as_the_file_orders_them() {
    let rows = rows("airliners_quickstart_40.csv.zst");
    let events = track_rows(&rows, TrackerConfig::default());
    let flights = flights(&events);
    // 40 aircraft, 4 of them split on gaps of 47 min to 2 h 11 min. The fifth that flew twice,
    // 3944ee, is listed with its later flight (AFR35YQ) first: its 795 earlier rows (AFR47LG,
    // two hours before) come after it and are reported out of order, not tracked.
    assert_eq!(flights.len(), 44);
    check_twice(&flights);
    let ee: Vec<_> = flights
        .iter()
        .filter(|f| f.id.icao24.to_string() == "3944ee")
        .collect();
    assert_eq!(ee.len(), 1);
    assert_eq!(ee[0].callsigns[0].as_str(), "AFR35YQ");
    let late: Vec<_> = rejected(&events)
        .filter(|r| r.reason.kind() == RejectKind::OutOfOrder)
        .collect();
    assert_eq!(late.len(), 795);
    assert!(late.iter().all(|r| r.icao24.to_string() == "3944ee"));
    // No flight is cut by the on-ground flag's flicker during landing rolls and taxiing
    // (06a2b1, 34610f, 3944f0, 3944f5, 3946e1, 3946e2, 393324 flicker for 1 s to 57 s).
    for f in &flights {
        assert_ne!(f.end, FlightEnd::Landed, "{}", f.id);
    }
}

#[test]
fn airliners_sorted_by_time_are_45_flights() {
    let mut rows: Vec<Row> = rows("airliners_quickstart_40.csv.zst");
    rows.sort_by(|a, b| a.state.ts.unwrap().total_cmp(&b.state.ts.unwrap()));
    let events = track_rows(&rows, TrackerConfig::default());
    let flights = flights(&events);
    assert_eq!(flights.len(), 45);
    check_twice(&flights);
    let ee: Vec<_> = flights
        .iter()
        .filter(|f| f.id.icao24.to_string() == "3944ee")
        .map(|f| {
            (
                f.callsigns[0].to_string(),
                f.start_ts as i64,
                f.end_ts as i64,
            )
        })
        .collect();
    assert_eq!(
        ee,
        vec![
            ("AFR47LG".to_string(), 1633608814, 1633609608),
            ("AFR35YQ".to_string(), 1633617663, 1633618799),
        ]
    );
    assert!(rejected(&events).all(|r| r.reason.kind() != RejectKind::OutOfOrder));
    // Every aircraft's flights are airborne ones; 33 end on the ground (landings at Orly,
    // Roissy and Beauvais).
    assert!(flights.iter().all(|f| f.airborne));
}
