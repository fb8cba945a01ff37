//! Fixtures shared by this crate's unit tests.

use vigia_zones::{ZoneId, ZoneIndex, ZoneSet};

/// A one-degree box from (10 N, 20 E) to (11 N, 21 E), named BOX.
pub fn box_zone() -> (ZoneIndex, ZoneId) {
    let set = ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"name":"BOX"},"geometry":{"type":"Polygon",
        "coordinates":[[[20,10],[21,10],[21,11],[20,11],[20,10]]]}}]}"#,
        "box.geojson",
    )
    .unwrap();
    let index = ZoneIndex::new(&set);
    let id = index.ids().next().unwrap();
    (index, id)
}

/// The one-degree box BOX as a sovereign zone.
pub fn sovereign_box() -> ZoneIndex {
    let set = ZoneSet::from_geojson_str(
        r#"{"type":"FeatureCollection","features":[{"type":"Feature",
        "properties":{"name":"BOX","kind":"sovereign"},"geometry":{"type":"Polygon",
        "coordinates":[[[20,10],[21,10],[21,11],[20,11],[20,10]]]}}]}"#,
        "box.geojson",
    )
    .unwrap();
    ZoneIndex::new(&set)
}

/// A trusted position from one frame, with the tracker's running count of position frames.
pub fn frame_position(
    icao24: u32,
    start: i64,
    ts: f64,
    lat: f64,
    lon: f64,
    altitude_ft: f64,
    frames: u32,
) -> vigia_track::TrustedPosition {
    use vigia_track::{Evidence, FlightId, FrameRef, LocalReference};
    let icao24 = vigia_modes::IcaoAddress::new(icao24);
    vigia_track::TrustedPosition {
        icao24,
        ts,
        lat,
        lon,
        altitude_ft: Some(altitude_ft),
        altitude_source: vigia_modes::adsb::AltitudeSource::Barometric,
        groundspeed_kt: None,
        track_deg: None,
        vertical_rate_fpm: None,
        on_ground: Some(false),
        callsign: None,
        squawk: None,
        flight_id: FlightId { icao24, start },
        segment: 0,
        segment_break: None,
        evidence: Evidence::CprLocal {
            frame: FrameRef::new(ts, &[0x8d, 0, 0, 0, 0x58, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
            reference: LocalReference::Receiver,
        },
        position_frames: frames,
    }
}
