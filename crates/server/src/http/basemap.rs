//! The map's base layer: the bundled land polygons of the watched nations, simplified for the eye.
//!
//! The zones the API serves are sovereign airspace — land and the 12 nm territorial sea as one
//! shape. Drawn over land, the band between the coast and the boundary shows where the sea
//! belongs to the nation: the strip a P-8 clips without ever crossing a coastline. Owns which
//! land polygons go with the served zones (`<ISO>.land` for each bundled sovereign zone, buffered
//! or not) and their simplification: Douglas–Peucker at [`TOLERANCE_DEG`] (about 1 km) and rings
//! narrower than [`MIN_EXTENT_DEG`] left out, which takes the United States' 690 000 vertices to
//! about 65 000. These shapes are for drawing only; every containment answer comes from
//! `vigia-zones` on the exact polygons.

use serde_json::{json, Value};
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

/// The bundled land zones of the bundled sovereign zones named in a zone spec (`MEX,USA+12nm,
/// area.geojson` → `MEX.land`, `USA.land`), each once; names without land files are skipped.
pub fn land_for(spec: &str) -> Vec<&'static BundledZone> {
    let mut lands: Vec<&'static BundledZone> = Vec::new();
    for item in spec.split(',') {
        let base = item.split('+').next().unwrap_or_default().trim();
        let Some(sovereign) = BundledZone::find(base).filter(|z| z.kind == ZoneKind::Sovereign)
        else {
            continue;
        };
        let land = BundledZone::find(&format!("{}.land", sovereign.iso_a3));
        if let Some(land) = land.filter(|l| !lands.iter().any(|known| known.name == l.name)) {
            lands.push(land);
        }
    }
    lands
}

/// Douglas–Peucker on a closed ring (first vertex not repeated): the vertices farther than
/// `tolerance` from the chord of their span are kept, in plane coordinates (degrees).
pub fn simplify(ring: &[[f64; 2]], tolerance: f64) -> Vec<[f64; 2]> {
    if ring.len() <= 4 {
        return ring.to_vec();
    }
    // The ring is closed through its first vertex: simplify the path first → … → last → first.
    let path: Vec<[f64; 2]> = ring.iter().chain(ring.first()).copied().collect();
    let mut keep = vec![false; path.len()];
    keep[0] = true;
    keep[path.len() - 1] = true;
    let mut spans = vec![(0, path.len() - 1)];
    while let Some((first, last)) = spans.pop() {
        let [ax, ay] = path[first];
        let (dx, dy) = (path[last][0] - ax, path[last][1] - ay);
        let length2 = dx * dx + dy * dy;
        let mut farthest = None;
        let mut max2 = tolerance * tolerance;
        for (i, [x, y]) in path.iter().enumerate().take(last).skip(first + 1) {
            let (px, py) = (x - ax, y - ay);
            // To the chord; to its first end when the chord is a point (the closing span).
            let d2 = if length2 > 0.0 {
                (px * dy - py * dx).powi(2) / length2
            } else {
                px * px + py * py
            };
            if d2 > max2 {
                max2 = d2;
                farthest = Some(i);
            }
        }
        if let Some(i) = farthest {
            keep[i] = true;
            spans.push((first, i));
            spans.push((i, last));
        }
    }
    path.iter()
        .zip(&keep)
        .take(path.len() - 1)
        .filter(|(_, &k)| k)
        .map(|(v, _)| *v)
        .collect()
}

fn extent(ring: &[[f64; 2]]) -> f64 {
    let (mut min, mut max) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for v in ring {
        for axis in 0..2 {
            min[axis] = min[axis].min(v[axis]);
            max[axis] = max[axis].max(v[axis]);
        }
    }
    (max[0] - min[0]).max(max[1] - min[1])
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
    for land in land_for(spec) {
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
    fn land_goes_with_bundled_sovereign_zones_only() {
        let names = |spec| land_for(spec).iter().map(|z| z.name).collect::<Vec<&str>>();
        assert_eq!(names("MEX,USA"), ["MEX.land", "USA.land"]);
        assert_eq!(names("mex+12nm, MEX, area.geojson"), ["MEX.land"]);
        // Canada has no bundled land file; a land zone is not sovereign.
        assert!(names("CAN,MEX.land").is_empty());
    }

    #[test]
    fn simplification_keeps_corners_and_drops_what_is_within_tolerance() {
        // A square with a 0.001° bump on one side and points along the others.
        let square = [
            [0.0, 0.0],
            [0.5, 0.001],
            [1.0, 0.0],
            [1.0, 0.5],
            [1.0, 1.0],
            [0.5, 1.0],
            [0.0, 1.0],
            [0.0, 0.5],
        ];
        assert_eq!(
            simplify(&square, 0.01),
            [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
        );
        // Under a finer tolerance the bump stays.
        assert!(simplify(&square, 0.0005).contains(&[0.5, 0.001]));
    }

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
