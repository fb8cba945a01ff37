//! Trajectory CSV: the real traffic-style `calibration_guatemala_head.csv` and its OpenSky-style
//! conversion `calibration_guatemala_opensky.csv`.

use crate::common::{assert_split_invariant, fixture, partition};
use vigia_feed::framer::{frame_all, TrajectoryCsvFramer};
use vigia_feed::{FrameError, Location, StateVector};

fn traffic() -> Vec<StateVector> {
    let (rows, errors) = partition(frame_all(
        TrajectoryCsvFramer::new(),
        &fixture("calibration_guatemala_head.csv"),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    rows
}

#[test]
fn traffic_head_has_200_rows_of_one_flight() {
    // 201 lines (header + 200 rows, CRLF endings), all 0b206f / YS111N, 5 s apart, squawk and
    // onground empty.
    let rows = traffic();
    assert_eq!(rows.len(), 200);
    assert!(rows.iter().all(|r| r.icao24.to_string() == "0b206f"));
    assert!(rows
        .iter()
        .all(|r| r.callsign.map(|c| c.to_string()) == Some("YS111N".into())));
    assert!(rows
        .iter()
        .all(|r| r.squawk.is_none() && r.on_ground.is_none()));
    assert!(rows
        .windows(2)
        .all(|w| w[1].ts.unwrap() - w[0].ts.unwrap() == 5.0));
    // 1522081475.0,0b206f,YS111N,14.590542,-90.525078,4925,147,19,1152,,
    let first = &rows[0];
    assert_eq!(first.ts, Some(1522081475.0));
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
    // 1522082470.0,0b206f,YS111N,15.1068423333,-90.218549,10650,216,-11,0,,
    let last = &rows[199];
    assert_eq!(
        (last.ts, last.latitude, last.track_deg),
        (Some(1522082470.0), Some(15.1068423333), Some(-11.0))
    );
}

#[test]
fn opensky_conversion_reads_back_to_the_same_values() {
    let (opensky, errors) = partition(frame_all(
        TrajectoryCsvFramer::new(),
        &fixture("calibration_guatemala_opensky.csv"),
    ));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(opensky.len(), 50);
    for (converted, original) in opensky.iter().zip(traffic()) {
        assert_eq!(converted.ts, original.ts);
        assert_eq!(
            (converted.icao24, converted.callsign),
            (original.icao24, original.callsign)
        );
        assert_eq!(
            (converted.latitude, converted.longitude),
            (original.latitude, original.longitude)
        );
        assert_eq!(converted.track_deg, original.track_deg);
        // written with 4 decimals of m/s and 2 decimals of m
        let close = |a: Option<f64>, b: Option<f64>, tolerance: f64| {
            (a.unwrap() - b.unwrap()).abs() < tolerance
        };
        assert!(close(
            converted.groundspeed_kt,
            original.groundspeed_kt,
            0.001
        ));
        assert!(close(
            converted.vertical_rate_fpm,
            original.vertical_rate_fpm,
            0.01
        ));
        assert!(close(converted.altitude_ft, original.altitude_ft, 0.02));
        assert_eq!(converted.geo_altitude_ft, None);
        assert_eq!(converted.on_ground, Some(false));
    }
}

#[test]
fn csv_split_at_every_byte_equals_unsplit() {
    for name in [
        "calibration_guatemala_head.csv",
        "calibration_guatemala_opensky.csv",
    ] {
        let input = fixture(name);
        let items = assert_split_invariant(TrajectoryCsvFramer::new, &input, 0..=input.len());
        assert!(items.iter().all(Result::is_ok), "{name}");
    }
}

#[test]
fn bad_rows_are_counted_and_skipped() {
    let text = String::from_utf8(fixture("calibration_guatemala_head.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[1] = lines[1].replace("1522081475.0", "2018-03-26T16:24:35Z"); // ISO time: fine
    lines[2] = lines[2].replace("0b206f", "0b206"); // bad address
    lines[3] = lines[3].replacen(",14.", ",1x4.", 1); // bad latitude
    lines[4] = lines[4].replace("1522081490.0", "yesterday"); // bad time
    lines[5] = "1522081495.0,0b206f,YS111N".into(); // short row
    let input = lines.join("\n");
    let items = assert_split_invariant(
        TrajectoryCsvFramer::new,
        input.as_bytes(),
        (0..input.len()).step_by(5),
    );
    let (rows, errors) = partition(items);
    // The bad latitude drops the position, not the row.
    assert_eq!(rows.len(), 197);
    let dropped: Vec<_> = rows.iter().filter(|s| !s.dropped.is_empty()).collect();
    assert_eq!(dropped.len(), 1);
    assert_eq!((dropped[0].latitude, dropped[0].longitude), (None, None));
    assert_eq!(
        dropped[0].dropped.iter().collect::<Vec<_>>(),
        ["latitude", "longitude"]
    );
    assert_eq!(rows[0].ts, Some(1522081475.0));
    let line = Location::Line;
    assert_eq!(
        errors,
        vec![
            FrameError::BadField {
                at: line(3),
                field: "icao24"
            },
            FrameError::BadTimestamp { at: line(5) },
            FrameError::MissingFields {
                at: line(6),
                found: 3,
                expected: 11
            },
        ]
    );
}

#[test]
fn header_without_icao24_is_one_clear_error() {
    let text = String::from_utf8(fixture("calibration_guatemala_head.csv")).unwrap();
    let renamed = text.replacen("icao24", "address", 1);
    let items = frame_all(TrajectoryCsvFramer::new(), renamed.as_bytes());
    assert_eq!(items.len(), 1);
    let error = items[0].clone().unwrap_err();
    assert!(matches!(
        error,
        FrameError::MissingColumns {
            at: Location::Line(1),
            ..
        }
    ));
    assert_eq!(
        error.to_string(),
        "line 1: header lacks required columns; expected a time column (timestamp or time) and icao24; \
         optional: latitude/lat, longitude/lon, altitude/baroaltitude, geoaltitude, groundspeed/velocity, \
         track/heading, vertical_rate/vertrate, callsign, squawk, onground"
    );
}
