//! The coverage model as GeoJSON: one square `Polygon` per cell and altitude band, with what was
//! expected and received there — a layer for QGIS or the map, and the file `vigia analyze
//! --coverage` learns from ([`read`] takes back exactly what [`write`] gives).

use serde_json::{json, Value};
use vigia_detect::coverage::{band_name, Cell, CellTally, Tally, BAND_FLOORS_FT, CELL_DEG};

/// The model's cells (those in `band` only, if given, and resting on at least `min_expected`
/// broadcasts) as a `FeatureCollection`.
pub fn write(cells: &[CellTally], band: Option<u8>, min_expected: f64) -> Value {
    let features: Vec<Value> = cells
        .iter()
        .filter(|c| band.is_none_or(|b| c.cell.band == b) && c.tally.expected >= min_expected)
        .map(feature)
        .collect();
    json!({
        "type": "FeatureCollection",
        "properties": {
            "cell_deg": CELL_DEG,
            "band_floors_ft": BAND_FLOORS_FT.iter().map(|f| if f.is_finite() { json!(f) } else { Value::Null }).collect::<Vec<_>>(),
            "measure": "position broadcasts received / expected (two a second while airborne)",
        },
        "features": features,
    })
}

fn round(x: f64, scale: f64) -> f64 {
    (x * scale).round() / scale
}

fn feature(c: &CellTally) -> Value {
    let (s, w) = c.cell.south_west();
    let (n, e) = (s + CELL_DEG, w + CELL_DEG);
    let ring: Vec<[f64; 2]> = [(w, s), (e, s), (e, n), (w, n), (w, s)]
        .iter()
        .map(|(x, y)| [round(*x, 1e6), round(*y, 1e6)])
        .collect();
    json!({
        "type": "Feature",
        "geometry": { "type": "Polygon", "coordinates": [ring] },
        "properties": {
            "cell_lat": c.cell.lat,
            "cell_lon": c.cell.lon,
            "band": c.cell.band,
            "altitude_ft": band_name(c.cell.band),
            "expected": round(c.tally.expected, 1e3),
            "received": round(c.tally.received, 1e3),
            "coverage": round(c.tally.ratio(), 1e3),
        },
    })
}

/// Why a coverage file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CoverageFileError {
    /// Not JSON.
    #[error("not JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// JSON, but not what [`write`] writes.
    #[error("feature {feature}: {why}")]
    Feature {
        /// 0-based index of the feature.
        feature: usize,
        /// What is wrong.
        why: &'static str,
    },
    /// No `features` array.
    #[error("not a FeatureCollection of coverage cells")]
    NotCollection,
}

/// The cells of a file [`write`] wrote.
pub fn read(text: &str) -> Result<Vec<CellTally>, CoverageFileError> {
    let value: Value = serde_json::from_str(text)?;
    let features = value
        .get("features")
        .and_then(Value::as_array)
        .ok_or(CoverageFileError::NotCollection)?;
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let bad = |why| CoverageFileError::Feature { feature: i, why };
        let p = f.get("properties").ok_or(bad("no properties"))?;
        let int = |key: &str| p.get(key).and_then(Value::as_i64);
        let num = |key: &str| p.get(key).and_then(Value::as_f64);
        let lat = int("cell_lat")
            .and_then(|x| i16::try_from(x).ok())
            .ok_or(bad("cell_lat: not a cell index"))?;
        let lon = int("cell_lon")
            .and_then(|x| i16::try_from(x).ok())
            .ok_or(bad("cell_lon: not a cell index"))?;
        let band = int("band")
            .and_then(|x| u8::try_from(x).ok())
            .filter(|b| usize::from(*b) < BAND_FLOORS_FT.len())
            .ok_or(bad("band: not a band"))?;
        let expected = num("expected")
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or(bad("expected: not a count"))?;
        let received = num("received")
            .filter(|x| x.is_finite() && *x >= 0.0)
            .ok_or(bad("received: not a count"))?;
        out.push(CellTally {
            cell: Cell { lat, lon, band },
            tally: Tally { expected, received },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_reads_back() {
        let cells = vec![
            CellTally {
                cell: Cell::at(31.52, -110.9, 18_000.0).unwrap(),
                tally: Tally {
                    expected: 400.0,
                    received: 396.5,
                },
            },
            CellTally {
                cell: Cell::at(-33.0, 151.2, 1_000.0).unwrap(),
                tally: Tally {
                    expected: 12.0,
                    received: 3.0,
                },
            },
        ];
        let text = write(&cells, None, 0.0).to_string();
        assert_eq!(read(&text).unwrap(), cells);
        // Filtered by band and weight.
        let some = write(&cells, Some(2), 0.0);
        assert_eq!(some["features"].as_array().unwrap().len(), 1);
        assert_eq!(
            some["features"][0]["properties"]["altitude_ft"],
            "15000-25000"
        );
        assert_eq!(some["features"][0]["properties"]["coverage"], 0.991);
        let some = write(&cells, None, 100.0);
        assert_eq!(some["features"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn hostile_files_are_refused_with_the_feature() {
        assert!(read("[").is_err());
        assert!(matches!(read("{}"), Err(CoverageFileError::NotCollection)));
        let bad = r#"{"features":[{"properties":{"cell_lat":1,"cell_lon":2,"band":9,"expected":1,"received":1}}]}"#;
        let e = read(bad).unwrap_err().to_string();
        assert_eq!(e, "feature 0: band: not a band");
        let bad = r#"{"features":[{"properties":{"cell_lat":99999,"cell_lon":2,"band":1,"expected":1,"received":1}}]}"#;
        assert!(read(bad).is_err());
        let bad = r#"{"features":[{"properties":{"cell_lat":1,"cell_lon":2,"band":1,"expected":-1,"received":1}}]}"#;
        assert!(read(bad).is_err());
    }
}
