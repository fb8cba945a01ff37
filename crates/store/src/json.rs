//! The JSON shape of an event — `vigia analyze`'s JSON Lines, the store's event documents and
//! the HTTP API's events are this one shape: snake_case keys, evidence inline (positions with
//! their raw frames as hex, or their archive rows).
//!
//! `inputs` names what a [`vigia_track::SourceRef`]'s `input` index points to: the files of an
//! analysis, or the receivers of a live run.

use serde_json::{json, Map, Value};
use vigia_detect::identity::Identity;
use vigia_detect::orbit::OrbitShape;
use vigia_detect::{Event, EventKind, PositionEvidence, ZoneCrossing};
use vigia_track::Evidence;
use vigia_zones::Crossing;

/// Round to 1e-6 (degrees: ~0.1 m; seconds: 1 µs) so output is stable and readable.
fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// One cited position, with what it was computed from.
pub fn position(p: &PositionEvidence, inputs: &[String]) -> Value {
    let mut o = Map::new();
    o.insert("ts".into(), json!(r6(p.ts)));
    o.insert("latitude".into(), json!(r6(p.lat)));
    o.insert("longitude".into(), json!(r6(p.lon)));
    o.insert(
        "altitude".into(),
        json!(p.altitude_ft.map(|a| a.round() as i64)),
    );
    match p.evidence {
        Evidence::CprPair { newest, partner } => {
            o.insert("method".into(), json!("cpr_pair"));
            o.insert(
                "frames".into(),
                json!([
                    {"ts": r6(newest.ts), "hex": newest.hex().to_string()},
                    {"ts": r6(partner.ts), "hex": partner.hex().to_string()},
                ]),
            );
        }
        Evidence::CprLocal { frame, .. } => {
            o.insert("method".into(), json!("cpr_local"));
            o.insert(
                "frames".into(),
                json!([{"ts": r6(frame.ts), "hex": frame.hex().to_string()}]),
            );
        }
        Evidence::Report(src) => {
            o.insert("method".into(), json!("report"));
            let file = inputs.get(src.input as usize).cloned().unwrap_or_default();
            o.insert(
                "source".into(),
                json!({"file": file, "record": src.record, "line": src.line, "row": src.row}),
            );
        }
    }
    Value::Object(o)
}

fn crossing_fields(o: &mut Map<String, Value>, c: &Crossing) {
    o.insert("ts".into(), json!(r6(c.ts)));
    o.insert("latitude".into(), json!(r6(c.latitude)));
    o.insert("longitude".into(), json!(r6(c.longitude)));
    o.insert("ts_before".into(), json!(r6(c.ts_before)));
    o.insert("ts_after".into(), json!(r6(c.ts_after)));
    o.insert("uncertainty_s".into(), json!(r2(c.uncertainty_s)));
    o.insert("uncertainty_nm".into(), json!(r2(c.uncertainty_nm)));
}

fn zone_crossing(o: &mut Map<String, Value>, z: &ZoneCrossing, inputs: &[String]) {
    o.insert("zone".into(), json!(z.zone));
    crossing_fields(o, &z.crossing);
    o.insert(
        "evidence".into(),
        json!({"positions": [position(&z.before, inputs), position(&z.after, inputs)]}),
    );
}

fn identity(o: &mut Map<String, Value>, id: &Identity) {
    o.insert("country".into(), json!(id.country));
    o.insert("military".into(), json!(id.military()));
    if let Some(r) = &id.record {
        o.insert("registration".into(), json!(r.registration));
        o.insert("type".into(), json!(r.type_designator));
        o.insert("operator".into(), json!(r.operator));
    }
}

/// One event as a JSON object.
pub fn event(e: &Event, inputs: &[String]) -> Value {
    let mut o = Map::new();
    o.insert("type".into(), json!(e.kind.type_name()));
    o.insert("icao24".into(), json!(e.icao24.to_string()));
    o.insert("flight_id".into(), json!(e.flight_id.to_string()));
    o.insert("callsign".into(), json!(e.callsign.map(|c| c.to_string())));
    o.insert("ts".into(), json!(r6(e.ts)));
    match &e.kind {
        EventKind::ZoneEntry(z) => zone_crossing(&mut o, z, inputs),
        EventKind::ZoneExit {
            crossing,
            time_inside_s,
            next_zone,
        } => {
            zone_crossing(&mut o, crossing, inputs);
            o.insert("time_inside_s".into(), json!(r2(*time_inside_s)));
            o.insert("next_zone".into(), json!(next_zone));
        }
        EventKind::ZoneTransit { entry, exit } => {
            o.insert("zone".into(), json!(entry.zone));
            crossing_fields(&mut o, &entry.crossing);
            o.insert("exit_ts".into(), json!(r6(exit.crossing.ts)));
            o.insert("exit_latitude".into(), json!(r6(exit.crossing.latitude)));
            o.insert("exit_longitude".into(), json!(r6(exit.crossing.longitude)));
            o.insert(
                "time_inside_s".into(),
                json!(r2(exit.crossing.ts - entry.crossing.ts)),
            );
            o.insert(
                "evidence".into(),
                json!({"positions": [position(&entry.before, inputs), position(&entry.after, inputs)]}),
            );
        }
        EventKind::ClosestApproach(a) => {
            let (zone, approach, before, after) = (&a.zone, &a.approach, &a.before, &a.after);
            o.insert("zone".into(), json!(zone));
            o.insert("distance_nm".into(), json!(r2(approach.distance_nm)));
            o.insert("latitude".into(), json!(r6(approach.latitude)));
            o.insert("longitude".into(), json!(r6(approach.longitude)));
            o.insert(
                "boundary_latitude".into(),
                json!(r6(approach.boundary_latitude)),
            );
            o.insert(
                "boundary_longitude".into(),
                json!(r6(approach.boundary_longitude)),
            );
            o.insert(
                "evidence".into(),
                json!({"positions": [position(before, inputs), position(after, inputs)]}),
            );
        }
        EventKind::Orbit(orbit) => {
            o.insert("start".into(), json!(r6(orbit.start_ts)));
            o.insert("end".into(), json!(r6(orbit.end_ts)));
            o.insert("duration_s".into(), json!(r2(orbit.duration_s())));
            o.insert("latitude".into(), json!(r6(orbit.centre_lat)));
            o.insert("longitude".into(), json!(r6(orbit.centre_lon)));
            o.insert("radius_nm".into(), json!(r2(orbit.radius_m / 1852.0)));
            o.insert("extent_nm".into(), json!(r2(orbit.extent_m / 1852.0)));
            o.insert("turns".into(), json!(r2(orbit.turns)));
            o.insert(
                "direction".into(),
                json!(if orbit.clockwise { "right" } else { "left" }),
            );
            o.insert(
                "altitude_band".into(),
                json!(orbit
                    .altitude_band_ft
                    .map(|(a, b)| [a.round() as i64, b.round() as i64])),
            );
            match orbit.shape {
                OrbitShape::Circle => {
                    o.insert("shape".into(), json!("circle"));
                }
                OrbitShape::Racetrack {
                    axis_deg,
                    leg_length_m,
                } => {
                    o.insert("shape".into(), json!("racetrack"));
                    o.insert("axis_deg".into(), json!(r2(axis_deg)));
                    o.insert("leg_length_nm".into(), json!(r2(leg_length_m / 1852.0)));
                }
            }
        }
        EventKind::Survey(s) => {
            o.insert("start".into(), json!(r6(s.start_ts)));
            o.insert("end".into(), json!(r6(s.end_ts)));
            o.insert("duration_s".into(), json!(r2(s.end_ts - s.start_ts)));
            o.insert("latitude".into(), json!(r6(s.centre_lat)));
            o.insert("longitude".into(), json!(r6(s.centre_lon)));
            o.insert("legs".into(), json!(s.legs));
            o.insert("axis_deg".into(), json!(r2(s.axis_deg)));
            o.insert("spacing_nm".into(), json!(r2(s.spacing_m / 1852.0)));
            o.insert("leg_length_nm".into(), json!(r2(s.leg_length_m / 1852.0)));
        }
        EventKind::Flight(f) => {
            o.insert("start".into(), json!(r6(f.start_ts)));
            o.insert("end".into(), json!(r6(f.end_ts)));
            o.insert("duration_s".into(), json!(r2(f.end_ts - f.start_ts)));
            o.insert(
                "callsigns".into(),
                json!(f
                    .callsigns
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()),
            );
            o.insert(
                "squawks".into(),
                json!(f.squawks.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
            );
            o.insert("positions".into(), json!(f.positions));
            o.insert("rejected_positions".into(), json!(f.rejected));
            identity(&mut o, &f.identity);
            o.insert("score".into(), json!(r2(f.score)));
            o.insert(
                "reasons".into(),
                json!(f
                    .reasons
                    .iter()
                    .map(|r| json!({"code": r.code, "text": r.text, "weight": r.weight}))
                    .collect::<Vec<_>>()),
            );
            o.insert(
                "zones".into(),
                json!(f
                    .zones
                    .iter()
                    .map(|z| json!({
                        "zone": z.zone,
                        "time_inside_s": r2(z.time_inside_s),
                        "positions_inside": z.positions_inside,
                        "entries": z.entries,
                        "first_seen_inside": z.first_seen_inside,
                    }))
                    .collect::<Vec<_>>()),
            );
        }
        _ => {}
    }
    Value::Object(o)
}
