//! Zones and sets of zones: what a zone is (name, kind, altitude band, geometry, optional buffer), where it comes
//! from (bundled, a GeoJSON file, a spec string), before any index is built.
//!
//! Owns the zone spec grammar (`MEX,USA+12nm,area.geojson`). Does not own queries: [`crate::ZoneIndex`] is
//! built from a [`ZoneSet`].

use crate::bundled::{BundledZone, BUNDLED};
use crate::error::{LoadError, LoadWarning, SpecError};
use crate::geojson::{parse_geojson, Validation, ZoneFeature, ZoneKind};
use crate::polygon::MultiPolygon;
use std::path::Path;

/// A named area: a (multi)polygon in WGS84 with a kind, an optional altitude band and an optional buffer.
#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    /// The zone's name as shown to users (`MEX`, `MEX+50nm`, a file feature's `name`).
    pub name: String,
    /// Sovereign, land or custom.
    pub kind: ZoneKind,
    /// Optional `(floor, ceiling)` in feet; a point is in the zone only between them (inclusive).
    pub altitude_band_ft: Option<(f64, f64)>,
    /// The polygon as given (for a buffered zone, the base it is drawn around).
    pub geometry: MultiPolygon,
    /// For a derived zone: everything within this many nautical miles of the geometry; 0 otherwise.
    pub buffer_nm: f64,
    /// Where the zone came from: a bundled file name or a path.
    pub source: String,
}

impl Zone {
    fn from_feature(feature: ZoneFeature, source: &str) -> Zone {
        Zone {
            name: feature.name,
            kind: feature.kind,
            altitude_band_ft: feature.altitude_band_ft,
            geometry: feature.geometry,
            buffer_nm: 0.0,
            source: source.to_owned(),
        }
    }

    /// The zone grown by `buffer_nm` nautical miles, named `<name>+<N>nm`.
    pub fn buffered(&self, buffer_nm: f64) -> Zone {
        let total = self.buffer_nm + buffer_nm;
        let base = self.name.split('+').next().unwrap_or(&self.name);
        Zone {
            name: if total > 0.0 {
                format!("{base}+{total}nm")
            } else {
                base.to_owned()
            },
            buffer_nm: total,
            ..self.clone()
        }
    }
}

/// An ordered set of zones with the warnings raised while loading them.
#[derive(Debug, Clone, Default)]
pub struct ZoneSet {
    zones: Vec<Zone>,
    warnings: Vec<LoadWarning>,
}

/// Largest zone file read, bytes. Country outlines at full OSM detail are tens of MB.
pub const MAX_ZONE_FILE_BYTES: u64 = 128 << 20;

impl ZoneSet {
    /// The bundled zones named (see [`crate::BUNDLED`]; case-insensitive), in the order given.
    pub fn bundled(names: &[&str]) -> Result<ZoneSet, SpecError> {
        let mut set = ZoneSet::default();
        for name in names {
            let bundled = BundledZone::find(name).ok_or_else(|| unknown(name))?;
            set.extend(load_bundled(bundled)?);
        }
        Ok(set)
    }

    /// Every zone in a GeoJSON file (one per feature). A file larger than
    /// [`MAX_ZONE_FILE_BYTES`] (or endless, like `/dev/zero`) is refused before it fills memory.
    pub fn from_geojson(path: impl AsRef<Path>) -> Result<ZoneSet, LoadError> {
        use std::io::Read;
        let path = path.as_ref();
        let file = path.display().to_string();
        let io = |cause| LoadError::Io {
            file: file.clone(),
            cause,
        };
        let mut text = String::new();
        std::fs::File::open(path)
            .map_err(io)?
            .take(MAX_ZONE_FILE_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(io)?;
        if text.len() as u64 > MAX_ZONE_FILE_BYTES {
            return Err(io(std::io::Error::other(format!(
                "larger than {} MiB; simplify the boundary (e.g. mapshaper -simplify) first",
                MAX_ZONE_FILE_BYTES >> 20
            ))));
        }
        ZoneSet::from_geojson_str(&text, &file)
    }

    /// Every zone in GeoJSON text; `file` names it in errors and warnings.
    pub fn from_geojson_str(text: &str, file: &str) -> Result<ZoneSet, LoadError> {
        ZoneSet::from_parsed(parse_geojson(text, file, Validation::Full)?, file)
    }

    fn from_parsed(
        (features, warnings): (Vec<ZoneFeature>, Vec<LoadWarning>),
        file: &str,
    ) -> Result<ZoneSet, LoadError> {
        Ok(ZoneSet {
            zones: features
                .into_iter()
                .map(|f| Zone::from_feature(f, file))
                .collect(),
            warnings,
        })
    }

    /// Parses a zone spec: comma-separated items, each a bundled zone name (`MEX`, `usa.land`) or a path to a
    /// `.geojson`/`.json` file, optionally followed by a buffer `+<N>nm` (`MEX+12nm`, `area.geojson+5nm`).
    pub fn parse_spec(spec: &str) -> Result<ZoneSet, SpecError> {
        let mut set = ZoneSet::default();
        for item in spec.split(',').map(str::trim) {
            if item.is_empty() {
                return Err(SpecError::Empty {
                    spec: spec.to_owned(),
                });
            }
            let (base, buffer_nm) = split_buffer(item)?;
            let loaded = if let Some(bundled) = BundledZone::find(base) {
                load_bundled(bundled)?
            } else if base.ends_with(".geojson")
                || base.ends_with(".json")
                || Path::new(base).is_file()
            {
                ZoneSet::from_geojson(base)?
            } else {
                return Err(unknown(base));
            };
            for mut zone in loaded.zones {
                if buffer_nm > 0.0 {
                    zone = zone.buffered(buffer_nm);
                }
                set.zones.push(zone);
            }
            set.warnings.extend(loaded.warnings);
        }
        Ok(set)
    }

    /// Appends another set's zones and warnings.
    pub fn extend(&mut self, other: ZoneSet) {
        self.zones.extend(other.zones);
        self.warnings.extend(other.warnings);
    }

    /// Appends one zone.
    pub fn push(&mut self, zone: Zone) {
        self.zones.push(zone);
    }

    /// The zones, in order; a [`crate::ZoneId`] is an index into this slice.
    pub fn zones(&self) -> &[Zone] {
        &self.zones
    }

    /// Repairs made while loading (unclosed rings, repeated vertices).
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }
}

fn load_bundled(bundled: &BundledZone) -> Result<ZoneSet, LoadError> {
    let text = bundled.geojson()?;
    let parsed = parse_geojson(&text, bundled.file, Validation::Trusted)?;
    let mut set = ZoneSet::from_parsed(parsed, bundled.file)?;
    for zone in &mut set.zones {
        zone.name = bundled.name.to_owned();
        zone.kind = bundled.kind;
    }
    Ok(set)
}

fn unknown(item: &str) -> SpecError {
    SpecError::Unknown {
        item: item.to_owned(),
        bundled: BUNDLED
            .iter()
            .map(|z| z.name)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Splits `MEX+12nm` into `("MEX", 12.0)`; an item without `+…nm` has buffer 0.
fn split_buffer(item: &str) -> Result<(&str, f64), SpecError> {
    let Some((base, suffix)) = item.rsplit_once('+') else {
        return Ok((item, 0.0));
    };
    let bad = || SpecError::BadBuffer {
        item: item.to_owned(),
    };
    let number = suffix
        .trim()
        .strip_suffix("nm")
        .or_else(|| suffix.trim().strip_suffix("NM"))
        .ok_or_else(bad)?;
    let buffer_nm: f64 = number.trim().parse().map_err(|_| bad())?;
    if !buffer_nm.is_finite() || buffer_nm < 0.0 || base.is_empty() {
        return Err(bad());
    }
    Ok((base.trim(), buffer_nm))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_suffixes() {
        assert_eq!(split_buffer("MEX").ok(), Some(("MEX", 0.0)));
        assert_eq!(split_buffer("MEX+12nm").ok(), Some(("MEX", 12.0)));
        assert_eq!(
            split_buffer("a.geojson+0.5nm").ok(),
            Some(("a.geojson", 0.5))
        );
        for bad in ["MEX+12", "MEX+nm", "MEX+-3nm", "+3nm", "MEX+xnm"] {
            assert!(
                matches!(split_buffer(bad), Err(SpecError::BadBuffer { .. })),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_items_list_the_bundled_names() {
        let err = ZoneSet::parse_spec("ATLANTIS")
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unknown zone `ATLANTIS`: not a bundled zone (MEX, USA"),
            "{err}"
        );
        assert!(matches!(
            ZoneSet::parse_spec("MEX,,USA"),
            Err(SpecError::Empty { .. })
        ));
    }

    #[test]
    fn spec_loads_bundled_zones_with_buffers() {
        let set = ZoneSet::parse_spec("gtm, SLV+12nm").unwrap_or_else(|e| panic!("{e}"));
        let names: Vec<_> = set.zones().iter().map(|z| z.name.as_str()).collect();
        assert_eq!(names, ["GTM", "SLV+12nm"]);
        assert_eq!(set.zones()[1].buffer_nm, 12.0);
        assert_eq!(set.zones()[0].kind, ZoneKind::Sovereign);
    }
}
