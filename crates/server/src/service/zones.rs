//! The zones the service watches: loaded from their spec (`MEX,USA`, `MEX+12nm`, a GeoJSON
//! file), indexed for the pipeline, and outlined as GeoJSON for the API ([`ZonesView`]).
//! Reloading (`POST /api/zones/reload`) loads the same spec again.

use std::sync::Arc;

use vigia_zones::{SpecError, ZoneIndex, ZoneSet};

/// The zones as the API serves them.
#[derive(Debug, Clone, PartialEq)]
pub struct ZonesView {
    /// The spec they were loaded from (`MEX,USA`).
    pub spec: String,
    /// GeoJSON FeatureCollection text.
    pub geojson: Arc<str>,
}

impl ZonesView {
    /// The zones of `set` (indexed as `index`) as GeoJSON; buffered zones as their outline.
    pub fn new(spec: &str, set: &ZoneSet, index: &ZoneIndex) -> Self {
        let outlines: Vec<_> = index
            .ids()
            .map(|id| index.outline(id, vigia_zones::buffer::default_cell_deg(index, id)))
            .collect();
        let geojson = vigia_zones::geojson::to_geojson(
            set.zones()
                .iter()
                .zip(&outlines)
                .map(|(z, outline)| (z.name.as_str(), z.kind, z.altitude_band_ft, outline)),
        );
        Self {
            spec: spec.to_string(),
            geojson: geojson.into(),
        }
    }
}

/// Load `spec`: the index the pipeline tests points against and the view the API serves.
pub fn load(spec: &str) -> Result<(Arc<ZoneIndex>, ZonesView), SpecError> {
    let set = ZoneSet::parse_spec(spec)?;
    let index = ZoneIndex::new(&set);
    let view = ZonesView::new(spec, &set, &index);
    Ok((Arc::new(index), view))
}
