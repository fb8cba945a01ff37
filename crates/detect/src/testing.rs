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
