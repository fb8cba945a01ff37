//! The map's base layer: the bundled land polygons of the watched nations, simplified for the eye.
//!
//! The zones the API serves are sovereign airspace — land and the 12 nm territorial sea as one
//! shape. Drawn over land, the band between the coast and the boundary shows where the sea
//! belongs to the nation: the strip a P-8 clips without ever crossing a coastline. Owns the
//! drawing choices — Douglas–Peucker (`vigia_zones::simplify`) at [`TOLERANCE_DEG`] (about 1 km)
//! and rings narrower than [`MIN_EXTENT_DEG`] left out, which takes the United States' 690 000
//! vertices to about 65 000 — and the GeoJSON; which land goes with which zone is
//! `BundledZone::lands_for`. These shapes are for drawing only; every containment answer comes from
//! `vigia-zones` on the exact polygons.

use serde_json::{json, Value};
use vigia_zones::simplify::{extent, simplify};
use vigia_zones::{BundledZone, SpecError, ZoneKind, ZoneSet};

/// Simplification tolerance, degrees (0.01° of latitude is 1.1 km).
pub const TOLERANCE_DEG: f64 = 0.01;
/// Rings whose bounding box is narrower than this in both directions are left out, degrees.
pub const MIN_EXTENT_DEG: f64 = 0.05;

/// The base map could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BasemapError {
    /// A bundled land file did not load.
    #[error("land polygons {name}: {source}")]
    Load {
        /// The bundled zone (`MEX.land`).
        name: &'static str,
        /// Why (boxed: a load error is large and rare).
        source: Box<SpecError>,
    },
}

/// A simplified ring as GeoJSON positions (closed, 1e-4° ≈ 10 m precision), or none if the ring
/// is too small to draw.
fn ring_json(ring: &[[f64; 2]]) -> Option<Value> {
    if extent(ring) < MIN_EXTENT_DEG {
        return None;
    }
    let simple = simplify(ring, TOLERANCE_DEG);
    let round = |x: f64| (x * 1e4).round() / 1e4;
    let positions: Vec<Value> = simple
        .iter()
        .chain(simple.first())
        .map(|v| json!([round(v[0]), round(v[1])]))
        .collect();
    Some(Value::Array(positions))
}

/// The base map of a zone spec as a GeoJSON FeatureCollection of `kind: "land"` features.
pub fn basemap_geojson(spec: &str) -> Result<String, BasemapError> {
    let mut features = Vec::new();
    for land in BundledZone::lands_for(spec) {
        let set = ZoneSet::parse_spec(land.name).map_err(|source| BasemapError::Load {
            name: land.name,
            source: Box::new(source),
        })?;
        for zone in set.zones() {
            let polygons: Vec<Value> = zone
                .geometry
                .polygons
                .iter()
                .filter_map(|p| {
                    let exterior = ring_json(p.exterior.vertices())?;
                    let holes = p.holes.iter().filter_map(|h| ring_json(h.vertices()));
                    Some(Value::Array(
                        std::iter::once(exterior).chain(holes).collect(),
                    ))
                })
                .collect();
            features.push(json!({
                "type": "Feature",
                "properties": {"name": zone.name, "kind": ZoneKind::Land.as_str()},
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            }));
        }
    }
    Ok(json!({"type": "FeatureCollection", "features": features}).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mexico_is_simplified_and_keeps_its_shape() {
        let text = basemap_geojson("MEX").unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let features = doc["features"].as_array().unwrap();
        assert_eq!(features.len(), 1);
        assert_eq!(features[0]["properties"]["kind"], "land");
        let vertices: usize = features[0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p.as_array().unwrap())
            .map(|r| r.as_array().unwrap().len())
            .sum();
        // 49 201 vertices bundled.
        assert!((1_000..15_000).contains(&vertices), "{vertices}");
        // Mainland Mexico still reaches from Tijuana to the Yucatán.
        let lons: Vec<f64> = features[0]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p[0].as_array().unwrap())
            .map(|v| v[0].as_f64().unwrap())
            .collect();
        let west = lons.iter().copied().fold(f64::INFINITY, f64::min);
        let east = lons.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(west < -117.0 && east > -87.0, "{west} {east}");
    }
}
