//! Reading zones from GeoJSON (RFC 7946) text, and writing zones back as GeoJSON.
//!
//! Owns the file format: FeatureCollection / Feature / bare Polygon or MultiPolygon, the properties vigia reads
//! (`name`, `kind`, `floor_ft`, `ceiling_ft`), validation and light repair. Does not own indexing or queries.
//!
//! Properties read from each feature:
//! - the zone name: the first of `name`, `NAME`, `iso_a3`, `A3`, `ADM0_A3`, `id` that is a string, else the
//!   feature's `id`, else `"<file stem>#<index>"`;
//! - `kind`: `"sovereign"` (or `"maritime"`, the bundled files' word for it), `"land"`, or anything else /
//!   missing for `custom`;
//! - `floor_ft` and `ceiling_ft` (numbers, feet): an optional altitude band; one alone means open-ended.

use crate::error::{FeatureRef, GeometryProblem, LoadError, LoadWarning, Repair};
use crate::polygon::{MultiPolygon, Polygon, Ring};
use serde_json::{Map, Value};

/// What a zone is, for the people reading the alerts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneKind {
    /// Sovereign airspace: land territory plus the territorial sea (12 nm from the baselines).
    Sovereign,
    /// Land territory only.
    Land,
    /// Anything drawn by a user: an ADIZ, a FIR, an area of interest.
    Custom,
}

impl ZoneKind {
    /// The word used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ZoneKind::Sovereign => "sovereign",
            ZoneKind::Land => "land",
            ZoneKind::Custom => "custom",
        }
    }
}

/// One feature read from a file, before indexing.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneFeature {
    /// The zone's name.
    pub name: String,
    /// Its kind.
    pub kind: ZoneKind,
    /// Optional `(floor, ceiling)` in feet; either may be infinite.
    pub altitude_band_ft: Option<(f64, f64)>,
    /// The geometry, validated.
    pub geometry: MultiPolygon,
}

/// How thoroughly to check geometry while reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validation {
    /// Everything, including self-intersections (O(n) with a grid): for user files.
    Full,
    /// Everything but self-intersections: for the bundled files, checked once by the test suite (some land
    /// polygons carry tiny upstream crossings, which the even-odd rule handles consistently).
    Trusted,
}

/// Parses GeoJSON text into validated features. `file` names the source in errors and warnings.
pub fn parse_geojson(
    text: &str,
    file: &str,
    validation: Validation,
) -> Result<(Vec<ZoneFeature>, Vec<LoadWarning>), LoadError> {
    let value: Value = serde_json::from_str(text).map_err(|cause| LoadError::Json {
        file: file.to_owned(),
        cause,
    })?;
    let not_geojson = |reason| LoadError::NotGeoJson {
        file: file.to_owned(),
        reason,
    };
    let object = value
        .as_object()
        .ok_or_else(|| not_geojson("top level is not an object"))?;
    let features: Vec<&Value> = match object.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => object
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| not_geojson("FeatureCollection without a `features` array"))?
            .iter()
            .collect(),
        Some(
            "Feature" | "Polygon" | "MultiPolygon" | "GeometryCollection" | "Point" | "MultiPoint"
            | "LineString" | "MultiLineString",
        ) => vec![&value],
        _ => return Err(not_geojson("`type` is not a GeoJSON type")),
    };
    if features.is_empty() {
        return Err(LoadError::NoFeatures {
            file: file.to_owned(),
        });
    }
    let stem = std::path::Path::new(file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or(file);
    let mut zones = Vec::with_capacity(features.len());
    let mut warnings = Vec::new();
    for (index, feature) in features.into_iter().enumerate() {
        let mut feature_ref = FeatureRef { index, name: None };
        let fail = |feature: &FeatureRef, problem| LoadError::Feature {
            file: file.to_owned(),
            feature: feature.clone(),
            problem,
        };
        let object = feature.as_object().ok_or_else(|| {
            fail(
                &feature_ref,
                GeometryProblem::Malformed("feature is not an object"),
            )
        })?;
        let (geometry, properties) =
            if object.get("type").and_then(Value::as_str) == Some("Feature") {
                (
                    object.get("geometry"),
                    object.get("properties").and_then(Value::as_object),
                )
            } else {
                (Some(feature), None)
            };
        let name = properties
            .and_then(zone_name)
            .or_else(|| match object.get("id") {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Number(n)) => Some(n.to_string()),
                _ => None,
            })
            .unwrap_or_else(|| format!("{stem}#{index}"));
        feature_ref.name = Some(name.clone());
        let kind = match properties
            .and_then(|p| p.get("kind"))
            .and_then(Value::as_str)
        {
            Some("sovereign" | "maritime") => ZoneKind::Sovereign,
            Some("land") => ZoneKind::Land,
            _ => ZoneKind::Custom,
        };
        let altitude_band_ft =
            altitude_band(properties).map_err(|problem| fail(&feature_ref, problem))?;
        let mut repairs = Vec::new();
        let geometry = match geometry {
            None | Some(Value::Null) => Err(GeometryProblem::Empty),
            Some(g) => read_geometry(g, &mut repairs),
        }
        .map_err(|problem| fail(&feature_ref, problem))?;
        if validation == Validation::Full {
            if let Some(problem) = geometry.find_self_intersection() {
                return Err(fail(&feature_ref, problem));
            }
        }
        warnings.extend(repairs.into_iter().map(|repair| LoadWarning {
            file: file.to_owned(),
            feature: feature_ref.clone(),
            repair,
        }));
        zones.push(ZoneFeature {
            name,
            kind,
            altitude_band_ft,
            geometry,
        });
    }
    Ok((zones, warnings))
}

fn zone_name(properties: &Map<String, Value>) -> Option<String> {
    ["name", "NAME", "iso_a3", "A3", "ADM0_A3", "id"]
        .iter()
        .find_map(|key| properties.get(*key).and_then(Value::as_str))
        .map(str::to_owned)
}

fn altitude_band(
    properties: Option<&Map<String, Value>>,
) -> Result<Option<(f64, f64)>, GeometryProblem> {
    let Some(p) = properties else { return Ok(None) };
    let read = |key: &'static str| match p.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => v.as_f64().map(Some).ok_or(GeometryProblem::BadProperty {
            property: key,
            reason: "not a number of feet",
        }),
    };
    match (read("floor_ft")?, read("ceiling_ft")?) {
        (None, None) => Ok(None),
        (floor, ceiling) => {
            let band = (
                floor.unwrap_or(f64::NEG_INFINITY),
                ceiling.unwrap_or(f64::INFINITY),
            );
            if band.0 > band.1 {
                return Err(GeometryProblem::BadProperty {
                    property: "ceiling_ft",
                    reason: "below floor_ft",
                });
            }
            Ok(Some(band))
        }
    }
}

fn read_geometry(g: &Value, repairs: &mut Vec<Repair>) -> Result<MultiPolygon, GeometryProblem> {
    let object = g
        .as_object()
        .ok_or(GeometryProblem::Malformed("geometry is not an object"))?;
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .ok_or(GeometryProblem::Malformed("geometry without a `type`"))?;
    let coordinates = object.get("coordinates");
    let polygons: Vec<&Value> = match (kind, coordinates) {
        ("Polygon", Some(c)) => vec![c],
        ("MultiPolygon", Some(Value::Array(ps))) => ps.iter().collect(),
        ("Polygon" | "MultiPolygon", _) => {
            return Err(GeometryProblem::Malformed(
                "`coordinates` missing or not an array",
            ))
        }
        (other, _) => return Err(GeometryProblem::UnsupportedType(other.to_owned())),
    };
    let mut ring_index = 0;
    let mut dropped = 0;
    let mut out = MultiPolygon::default();
    for polygon in polygons {
        let rings = polygon.as_array().ok_or(GeometryProblem::Malformed(
            "a polygon is not an array of rings",
        ))?;
        let mut read_rings = Vec::with_capacity(rings.len());
        for ring in rings {
            let positions = ring.as_array().ok_or(GeometryProblem::Malformed(
                "a ring is not an array of positions",
            ))?;
            if positions.is_empty() {
                ring_index += 1;
                continue;
            }
            let mut vertices = Vec::with_capacity(positions.len());
            for (vertex, position) in positions.iter().enumerate() {
                let pair = position.as_array().filter(|a| a.len() >= 2).ok_or(
                    GeometryProblem::Malformed("a position is not [longitude, latitude]"),
                )?;
                let (Some(longitude), Some(latitude)) = (pair[0].as_f64(), pair[1].as_f64()) else {
                    return Err(GeometryProblem::Malformed("a coordinate is not a number"));
                };
                if !(-180.0..=180.0).contains(&longitude) || !(-90.0..=90.0).contains(&latitude) {
                    return Err(GeometryProblem::OutOfRange {
                        ring: ring_index,
                        vertex,
                        longitude,
                        latitude,
                    });
                }
                vertices.push([longitude, latitude]);
            }
            let was_closed = vertices.first() == vertices.last();
            if !was_closed {
                repairs.push(Repair::ClosedRing { ring: ring_index });
            }
            let before = vertices.len();
            let ring =
                Ring::new(vertices).ok_or(GeometryProblem::TooFewVertices { ring: ring_index })?;
            dropped += before.saturating_sub(ring.vertices().len() + usize::from(was_closed));
            read_rings.push(ring);
            ring_index += 1;
        }
        let mut read_rings = read_rings.into_iter();
        if let Some(exterior) = read_rings.next() {
            out.polygons.push(Polygon {
                exterior,
                holes: read_rings.collect(),
            });
        }
    }
    if dropped > 0 {
        repairs.push(Repair::DroppedRepeatedVertices { count: dropped });
    }
    if out.polygons.is_empty() {
        return Err(GeometryProblem::Empty);
    }
    Ok(out)
}

/// Writes zones as a GeoJSON FeatureCollection with `name` and `kind` properties (and the altitude band when
/// there is one). Coordinates are written with the full precision of `f64`.
pub fn to_geojson<'z>(
    zones: impl IntoIterator<Item = (&'z str, ZoneKind, Option<(f64, f64)>, &'z MultiPolygon)>,
) -> String {
    let features: Vec<Value> = zones
        .into_iter()
        .map(|(name, kind, band, geometry)| {
            let mut properties = Map::new();
            properties.insert("name".into(), Value::from(name));
            properties.insert("kind".into(), Value::from(kind.as_str()));
            if let Some((floor, ceiling)) = band {
                if floor.is_finite() {
                    properties.insert("floor_ft".into(), Value::from(floor));
                }
                if ceiling.is_finite() {
                    properties.insert("ceiling_ft".into(), Value::from(ceiling));
                }
            }
            let polygons: Vec<Value> = geometry
                .polygons
                .iter()
                .map(|p| {
                    Value::Array(
                        std::iter::once(&p.exterior)
                            .chain(p.holes.iter())
                            .map(|ring| {
                                let mut positions: Vec<Value> = ring
                                    .vertices()
                                    .iter()
                                    .map(|v| Value::from(vec![v[0], v[1]]))
                                    .collect();
                                positions.push(Value::from(vec![
                                    ring.vertices()[0][0],
                                    ring.vertices()[0][1],
                                ]));
                                Value::Array(positions)
                            })
                            .collect(),
                    )
                })
                .collect();
            serde_json::json!({
                "type": "Feature",
                "properties": properties,
                "geometry": {"type": "MultiPolygon", "coordinates": polygons},
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Result<(Vec<ZoneFeature>, Vec<LoadWarning>), LoadError> {
        parse_geojson(text, "test.geojson", Validation::Full)
    }

    const SQUARE: &str = r#"{"type":"Feature","properties":{"name":"sq","kind":"land","floor_ft":1000},
        "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}"#;

    #[test]
    fn reads_a_feature_with_properties() {
        let (zones, warnings) = one(SQUARE).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(zones.len(), 1);
        assert_eq!(zones[0].name, "sq");
        assert_eq!(zones[0].kind, ZoneKind::Land);
        assert_eq!(zones[0].altitude_band_ft, Some((1000.0, f64::INFINITY)));
        assert_eq!(zones[0].geometry.vertex_count(), 4);
        assert!(warnings.is_empty());
    }

    #[test]
    fn unclosed_ring_is_repaired_with_a_warning() {
        let text = r#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#;
        let (zones, warnings) = one(text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(zones[0].name, "test#0");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].repair, Repair::ClosedRing { ring: 0 });
        assert_eq!(
            warnings[0].to_string(),
            "test.geojson: feature #0 (\"test#0\"): ring 0 was not closed; closed it by joining its last vertex to its first"
        );
    }

    #[test]
    fn errors_name_the_file_and_the_feature() {
        let bow_tie = r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"ok"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
            {"type":"Feature","properties":{"name":"bow"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}"#;
        let err = one(bow_tie).map(|_| ()).unwrap_err().to_string();
        assert!(
            err.starts_with("test.geojson: feature #1 (\"bow\"): self-intersection"),
            "{err}"
        );

        let out_of_range = r#"{"type":"Polygon","coordinates":[[[0,0],[181,0],[1,1],[0,0]]]}"#;
        let err = one(out_of_range).map(|_| ()).unwrap_err().to_string();
        assert_eq!(
            err,
            "test.geojson: feature #0 (\"test#0\"): ring 0, vertex 1: coordinate out of range (longitude 181, latitude 0)"
        );

        let empty = r#"{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}}"#;
        assert!(one(empty)
            .map(|_| ())
            .unwrap_err()
            .to_string()
            .ends_with("empty geometry"));

        let point = r#"{"type":"Point","coordinates":[0,0]}"#;
        assert!(one(point)
            .map(|_| ())
            .unwrap_err()
            .to_string()
            .contains("unsupported geometry type `Point`"));

        assert!(matches!(one("{not json"), Err(LoadError::Json { .. })));
        assert!(matches!(one("[1,2]"), Err(LoadError::NotGeoJson { .. })));
        assert!(matches!(
            one(r#"{"type":"FeatureCollection","features":[]}"#),
            Err(LoadError::NoFeatures { .. })
        ));
    }

    #[test]
    fn written_geojson_reads_back_the_same() {
        let (zones, _) = one(SQUARE).unwrap_or_else(|e| panic!("{e}"));
        let z = &zones[0];
        let text = to_geojson([(z.name.as_str(), z.kind, z.altitude_band_ft, &z.geometry)]);
        let (again, warnings) = one(&text).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again, zones);
        assert!(warnings.is_empty());
    }
}
