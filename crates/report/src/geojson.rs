//! Flights as GeoJSON features: one builder for every flight shape vigia exports — a finished
//! flight of `vigia tracks` and a stored flight of the HTTP API — so that the geometry rule is
//! the same everywhere: a `LineString` in `[lon, lat]` order, a `Point` for a one-point flight,
//! and per-vertex times, altitudes, speeds and tracks in parallel arrays of the properties
//! (compact for a map that draws the line and labels points on hover).

use serde_json::{json, Value};
use vigia_store::{FlightRow, PositionRow};
use vigia_track::Flight;

/// A `Feature` with the track through `points` (`(lon, lat)`), `bbox` when known, and
/// `properties`.
pub fn feature(
    points: impl Iterator<Item = (f64, f64)>,
    bbox: Option<[f64; 4]>,
    properties: Value,
) -> Value {
    let coordinates: Vec<Value> = points.map(|(lon, lat)| json!([lon, lat])).collect();
    let geometry = match coordinates.as_slice() {
        [single] => json!({ "type": "Point", "coordinates": single }),
        _ => json!({ "type": "LineString", "coordinates": coordinates }),
    };
    let mut feature = json!({
        "type": "Feature",
        "geometry": geometry,
        "properties": properties,
    });
    if let (Some(bbox), Value::Object(o)) = (bbox, &mut feature) {
        o.insert("bbox".into(), json!(bbox));
    }
    feature
}

/// One flight as a GeoJSON feature: a `LineString` (a `Point` for a one-point flight; a
/// `MultiLineString`, one line per segment, for a flight whose track has breaks), with
/// per-vertex times, altitudes, speeds and tracks in parallel arrays (in vertex order).
pub fn flight(flight: &Flight) -> Value {
    let b = flight.bbox;
    let mut f = feature(
        flight.track.iter().map(|p| (p.lon, p.lat)),
        Some([b.min_lon, b.min_lat, b.max_lon, b.max_lat]),
        json!({
            "flight_id": flight.id.to_string(),
            "icao24": flight.id.icao24.to_string(),
            "callsigns": flight.callsigns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "squawks": flight.squawks.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "start_ts": flight.start_ts,
            "end_ts": flight.end_ts,
            "points": flight.points,
            "rejected": flight.rejected,
            "airborne": flight.airborne,
            "end": flight.end.name(),
            "times": flight.track.iter().map(|p| p.ts).collect::<Vec<_>>(),
            "altitudes_ft": flight.track.iter().map(|p| p.altitude_ft).collect::<Vec<_>>(),
            "groundspeeds_kt": flight.track.iter().map(|p| p.groundspeed_kt).collect::<Vec<_>>(),
            "tracks_deg": flight.track.iter().map(|p| p.track_deg).collect::<Vec<_>>(),
            "on_ground": flight.track.iter().map(|p| p.on_ground).collect::<Vec<_>>(),
            "segments": flight.segments,
        }),
    );
    // A flight with breaks in its track: one line per segment, never a line across a break.
    if flight.segments > 1 {
        let lines: Vec<Vec<Value>> = flight
            .track
            .chunk_by(|a, b| a.segment == b.segment)
            .map(|part| part.iter().map(|p| json!([p.lon, p.lat])).collect())
            .collect();
        f["geometry"] = json!({ "type": "MultiLineString", "coordinates": lines });
    }
    f
}

/// A stored flight and its stored positions.
///
/// ```
/// use vigia_store::{FlightRow, PositionRow};
/// let flight = FlightRow { id: "0d0abc-1".into(), icao24: "0d0abc".into(), ..Default::default() };
/// let p = |ts: f64, lat: f64| PositionRow {
///     flight_id: "0d0abc-1".into(), icao24: "0d0abc".into(), ts, lat, lon: -100.0,
///     altitude_ft: Some(1000.0), groundspeed_kt: None, track_deg: None,
///     vertical_rate_fpm: None, on_ground: None,
/// };
/// let feature = vigia_report::geojson::stored_flight(&flight, &[p(1.0, 20.0), p(2.0, 20.1)]);
/// assert_eq!(feature["geometry"]["coordinates"][1][1], 20.1);
/// assert_eq!(feature["properties"]["times"][0], 1.0);
/// ```
pub fn stored_flight(flight: &FlightRow, points: &[PositionRow]) -> Value {
    feature(
        points.iter().map(|p| (p.lon, p.lat)),
        None,
        json!({
            "id": flight.id,
            "icao24": flight.icao24,
            "callsign": flight.callsign,
            "start_ts": flight.start_ts,
            "end_ts": flight.end_ts,
            "positions": flight.positions,
            "zones": flight.zones,
            "score": flight.score,
            "military": flight.military,
            "ended": flight.ended,
            "summary": flight.summary,
            "times": points.iter().map(|p| p.ts).collect::<Vec<_>>(),
            "altitudes_ft": points.iter().map(|p| p.altitude_ft).collect::<Vec<_>>(),
            "groundspeeds_kt": points.iter().map(|p| p.groundspeed_kt).collect::<Vec<_>>(),
            "tracks_deg": points.iter().map(|p| p.track_deg).collect::<Vec<_>>(),
        }),
    )
}
