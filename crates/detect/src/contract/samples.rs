//! Records of every type with plausible values, for the tests of the crates that store, serve
//! and render events (cargo feature `samples`).

use super::*;

/// A record of type `kind` (`zone_entry`, `zone_presence`, `zone_exit`, `zone_transit`,
/// `closest_approach`, `orbit`, `survey`, `flight`) at `ts`, about zone `zone` when the
/// type has one (`USA` when none is given), with one cited position whose frame is real.
/// An unknown `kind` gives an orbit.
pub fn record(kind: &str, zone: Option<&str>, ts: f64) -> EventRecord {
    let zone = zone.unwrap_or("USA").to_string();
    let position = PositionRecord {
        ts,
        latitude: 32.5,
        longitude: -117.0,
        altitude: Some(9000),
        method: PositionMethod::CprLocal {
            frames: vec![FrameRecord {
                ts,
                hex: "8d0d0abc58b9768b5a4c2d2a0c8b".into(),
            }],
        },
    };
    let crossing = CrossingRecord {
        zone: zone.clone(),
        latitude: 32.5,
        longitude: -117.0,
        ts_before: ts - 1.0,
        ts_after: ts + 1.0,
        uncertainty_s: 1.0,
        uncertainty_nm: 0.1,
        position_source: None,
        mlat: None,
        evidence: EvidenceRecord {
            positions: vec![position.clone()],
        },
    };
    let mut score = None;
    let body = match kind {
        "zone_entry" => EventBody::ZoneEntry(crossing),
        "zone_exit" => EventBody::ZoneExit(ExitRecord {
            crossing,
            time_inside_s: 600.0,
            next_zone: None,
            depth: None,
        }),
        "zone_presence" => EventBody::ZonePresence(PresenceRecord {
            zone,
            latitude: 32.5,
            longitude: -117.0,
            entry_observed: false,
            depth_nm: Some(4.2),
            seen_inside_s: 1.0,
            over_land: Some(false),
            position_source: None,
            mlat: None,
            evidence: EvidenceRecord {
                positions: vec![position.clone(), position],
            },
        }),
        "zone_transit" => EventBody::ZoneTransit(TransitRecord {
            entry: crossing,
            exit_ts: ts + 0.5,
            exit_latitude: 32.51,
            exit_longitude: -117.01,
            time_inside_s: 0.5,
        }),
        "closest_approach" => EventBody::ClosestApproach(ApproachRecord {
            zone,
            distance_nm: 3.2,
            latitude: 32.4,
            longitude: -117.3,
            boundary_latitude: 32.45,
            boundary_longitude: -117.25,
            evidence: EvidenceRecord {
                positions: vec![position],
            },
        }),
        "survey" => EventBody::Survey(SurveyRecord {
            start: ts,
            end: ts + 3600.0,
            duration_s: 3600.0,
            latitude: 30.0,
            longitude: -110.0,
            legs: 6,
            axis_deg: 45.0,
            spacing_nm: 1.5,
            leg_length_nm: 20.0,
            zone: None,
            zones: Vec::new(),
            evidence: EvidenceRecord::default(),
        }),
        "flight" => {
            score = Some(0.35);
            EventBody::Flight(FlightRecord {
                start: ts,
                end: ts + 3600.0,
                duration_s: 3600.0,
                callsigns: vec!["XCABC".into()],
                squawks: vec!["7000".into()],
                positions: 3600,
                rejected_positions: 0,
                country: Some("United States".into()),
                military: false,
                registration: None,
                type_designator: None,
                operator: None,
                reasons: Vec::new(),
                zones: Vec::new(),
            })
        }
        _ => EventBody::Orbit(OrbitRecord {
            start: ts,
            end: ts + 900.0,
            duration_s: 900.0,
            latitude: 30.0,
            longitude: -110.0,
            radius_nm: 5.0,
            extent_nm: 6.0,
            residual_nm: 0.1,
            pattern: "station".into(),
            groundspeed_kt: 160.0,
            climb_fpm: Some(0.0),
            turns: 3.0,
            direction: "left".into(),
            altitude_band: None,
            shape: "circle".into(),
            axis_deg: None,
            leg_length_nm: None,
            zone: None,
            zones: Vec::new(),
            evidence: EvidenceRecord {
                positions: vec![position],
            },
        }),
    };
    EventRecord {
        icao24: "0d0abc".into(),
        flight_id: "0d0abc-1700000000".into(),
        callsign: None,
        ts,
        score,
        body,
    }
}
