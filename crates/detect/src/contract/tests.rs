//! The contract built from detector events and read back.
use super::*;
use crate::event::ZoneCrossing;
use crate::orbit::Orbit;
use crate::survey::Survey;
use vigia_modes::IcaoAddress;
use vigia_track::Evidence;
use vigia_track::{FlightId, FrameRef, SourceRef};
use vigia_zones::Direction;

fn event(kind: EventKind) -> Event {
    Event {
        icao24: IcaoAddress::new(0xae01c5),
        flight_id: FlightId {
            icao24: IcaoAddress::new(0xae01c5),
            start: 1_700_000_000,
        },
        callsign: None,
        ts: 1_700_000_100.123_457,
        kind,
        places: Vec::new(),
        cited: Vec::new(),
    }
}

fn crossing(ts: f64, direction: Direction) -> Crossing {
    Crossing {
        direction,
        ts_before: ts - 1.0,
        ts_after: ts + 1.0,
        ts,
        latitude: 31.123_456_789,
        longitude: -117.0,
        uncertainty_s: 1.004,
        uncertainty_nm: 0.123,
    }
}

fn json(record: &EventRecord) -> serde_json::Value {
    serde_json::to_value(record).unwrap()
}

#[test]
fn a_transit_reads_as_entry_with_its_exit() {
    let at = |ts, evidence| PositionEvidence {
        ts,
        lat: 31.0,
        lon: -117.0,
        altitude_ft: Some(25_000.4),
        evidence,
    };
    let pair = Evidence::CprPair {
        newest: FrameRef::new(99.0, &[0x8d, 0xae, 0x01, 0xc5]),
        partner: FrameRef::new(98.5, &[0x8d]),
    };
    let row = Evidence::Report(SourceRef {
        input: 1,
        record: 7,
        line: Some(8),
        row: None,
    });
    let z = |c| ZoneCrossing {
        zone: "MEX".into(),
        crossing: c,
        before: at(99.0, pair),
        after: at(101.0, row),
        mlat: None,
    };
    let record = EventRecord::new(
        &event(EventKind::ZoneTransit {
            entry: Box::new(z(crossing(100.0, Direction::Entry))),
            exit: Box::new(z(crossing(100.5, Direction::Exit))),
        }),
        &["a.beast".into(), "b.csv".into()],
    );
    let v = json(&record);
    assert_eq!(v["type"], "zone_transit");
    assert_eq!(v["ts"], 1_700_000_100.123_457);
    assert_eq!(v["latitude"], 31.123_457);
    assert_eq!(v["uncertainty_s"], 1.0);
    assert_eq!(v["exit_ts"], 100.5);
    assert_eq!(v["time_inside_s"], 0.5);
    let positions = &v["evidence"]["positions"];
    assert_eq!(positions[0]["method"], "cpr_pair");
    assert_eq!(positions[0]["altitude"], 25_000);
    assert_eq!(positions[0]["frames"][0]["hex"], "8dae01c5");
    assert_eq!(positions[1]["method"], "report");
    assert_eq!(positions[1]["source"]["file"], "b.csv");
    assert_eq!(positions[1]["source"]["line"], 8);
    assert!(v.get("score").is_none(), "no live score was given");
    assert_eq!(record.zone(), Some("MEX"));
    assert_eq!(record.evidence().len(), 2);
    let back: EventRecord = serde_json::from_value(v).unwrap();
    assert_eq!(back, record);
    assert_eq!(record.with_live_score(Some(0.456)).score, Some(0.46));
}

#[test]
fn episodes_read_with_their_geometry() {
    let survey = EventRecord::new(
        &event(EventKind::Survey(Survey {
            start_ts: 10.0,
            end_ts: 3610.0,
            legs: 7,
            axis_deg: 44.999,
            spacing_m: 1852.0,
            leg_length_m: 37_040.0,
            centre_lat: 30.0,
            centre_lon: -110.0,
        })),
        &[],
    );
    let v = json(&survey);
    assert_eq!(
        (
            v["legs"].clone(),
            v["spacing_nm"].clone(),
            v["leg_length_nm"].clone()
        ),
        (7.into(), 1.0.into(), 20.0.into())
    );
    assert_eq!(v["axis_deg"], 45.0);
    assert_eq!(survey.position(), Some((30.0, -110.0)));
    let racetrack = EventRecord::new(
        &event(EventKind::Orbit(Orbit {
            start_ts: 0.0,
            end_ts: 7200.0,
            centre_lat: 27.0,
            centre_lon: -94.0,
            radius_m: 9260.0,
            extent_m: 40_000.0,
            residual_m: 0.0,
            groundspeed_kt: 380.0,
            climb_fpm: Some(0.0),
            pattern: crate::orbit::OrbitPattern::Station,
            turns: 4.0,
            clockwise: true,
            altitude_band_ft: Some((29_000.2, 31_000.7)),
            shape: OrbitShape::Racetrack {
                axis_deg: 90.0,
                leg_length_m: 55_560.0,
            },
        })),
        &[],
    );
    let v = json(&racetrack);
    assert_eq!(v["shape"], "racetrack");
    assert_eq!(v["direction"], "right");
    assert_eq!(v["leg_length_nm"], 30.0);
    assert_eq!(v["altitude_band"], serde_json::json!([29_000, 31_001]));
    for record in [survey, racetrack] {
        let back: EventRecord = serde_json::from_value(json(&record)).unwrap();
        assert_eq!(back, record);
    }
}

#[test]
fn a_record_of_an_unknown_type_is_refused() {
    let text = r#"{"type":"teleport","icao24":"ae01c5","flight_id":"x","callsign":null,"ts":1}"#;
    assert!(serde_json::from_str::<EventRecord>(text).is_err());
}

#[test]
fn a_flight_record_with_a_type_designator_stays_a_flight_record() {
    // The type designator from an aircraft database was serialised as "type", the key that
    // names the record's variant: a flight of a B738 read back as a record of type "B738".
    let mut record = super::samples::record("flight", None, 1_700_000_000.0);
    if let EventBody::Flight(f) = &mut record.body {
        f.registration = Some("PH-BXA".into());
        f.type_designator = Some("B738".into());
    }
    let text = serde_json::to_string(&record).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["type"], "flight", "{text}");
    assert_eq!(v["type_designator"], "B738");
    assert_eq!(text.matches("\"type\":").count(), 1, "{text}");
    let back: EventRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(back, record);
}
