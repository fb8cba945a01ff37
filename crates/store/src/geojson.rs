//! Tracks as GeoJSON: a flight's stored positions as one `LineString` feature with the flight's
//! properties, and per-point times, altitudes and speeds in parallel arrays (compact for a map
//! that draws the line and labels points on hover).
//!
//! Owns this export shape only; the positions come from [`crate::Store::flight_track`].

use serde_json::{json, Value};

use crate::rows::{FlightRow, PositionRow};

/// A flight and its track as a GeoJSON `Feature` (`LineString`, `[lon, lat]` order).
///
/// ```
/// use vigia_store::{geojson, FlightRow, PositionRow};
/// let flight = FlightRow { id: "0d0abc-1".into(), icao24: "0d0abc".into(), ..Default::default() };
/// let p = |ts: f64, lat: f64| PositionRow {
///     flight_id: "0d0abc-1".into(), icao24: "0d0abc".into(), ts, lat, lon: -100.0,
///     altitude_ft: Some(1000.0), groundspeed_kt: None, track_deg: None,
///     vertical_rate_fpm: None, on_ground: None,
/// };
/// let feature = geojson::track(&flight, &[p(1.0, 20.0), p(2.0, 20.1)]);
/// assert_eq!(feature["geometry"]["coordinates"][1][1], 20.1);
/// assert_eq!(feature["properties"]["times"][0], 1.0);
/// ```
pub fn track(flight: &FlightRow, points: &[PositionRow]) -> Value {
    let coordinates: Vec<Value> = points.iter().map(|p| json!([p.lon, p.lat])).collect();
    json!({
        "type": "Feature",
        "geometry": { "type": "LineString", "coordinates": coordinates },
        "properties": {
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
        }
    })
}
