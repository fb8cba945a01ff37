//! The zones shipped inside the binary: sovereign (land + territorial sea) and land polygons of Mexico, the
//! United States and their neighbours, embedded compressed with `include_bytes!`.
//!
//! Owns the list of bundled files and their decompression. Provenance and the ODbL attribution are in
//! `data/README.md`; the data files live in `data/boundaries/`. Does not parse GeoJSON ([`crate::geojson`]).

use crate::error::LoadError;
use crate::geojson::ZoneKind;

/// One embedded boundary file.
#[derive(Debug, Clone, Copy)]
pub struct BundledZone {
    /// The name used in zone specs: `MEX` (sovereign) or `MEX.land`.
    pub name: &'static str,
    /// ISO 3166-1 alpha-3 code of the country.
    pub iso_a3: &'static str,
    /// Sovereign or land.
    pub kind: ZoneKind,
    /// The data file's name in `data/boundaries/`.
    pub file: &'static str,
    bytes: &'static [u8],
}

macro_rules! bundled {
    ($name:literal, $iso:literal, $kind:expr, $file:literal) => {
        BundledZone {
            name: $name,
            iso_a3: $iso,
            kind: $kind,
            file: $file,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../data/boundaries/",
                $file
            )),
        }
    };
}

/// Every bundled zone, sovereign ones first.
pub const BUNDLED: &[BundledZone] = &[
    bundled!(
        "MEX",
        "MEX",
        ZoneKind::Sovereign,
        "MEX.maritime.geojson.zst"
    ),
    bundled!(
        "USA",
        "USA",
        ZoneKind::Sovereign,
        "USA.maritime.geojson.zst"
    ),
    bundled!(
        "CAN",
        "CAN",
        ZoneKind::Sovereign,
        "CAN.maritime.geojson.zst"
    ),
    bundled!(
        "GTM",
        "GTM",
        ZoneKind::Sovereign,
        "GTM.maritime.geojson.zst"
    ),
    bundled!(
        "BLZ",
        "BLZ",
        ZoneKind::Sovereign,
        "BLZ.maritime.geojson.zst"
    ),
    bundled!(
        "HND",
        "HND",
        ZoneKind::Sovereign,
        "HND.maritime.geojson.zst"
    ),
    bundled!(
        "SLV",
        "SLV",
        ZoneKind::Sovereign,
        "SLV.maritime.geojson.zst"
    ),
    bundled!(
        "NIC",
        "NIC",
        ZoneKind::Sovereign,
        "NIC.maritime.geojson.zst"
    ),
    bundled!(
        "CUB",
        "CUB",
        ZoneKind::Sovereign,
        "CUB.maritime.geojson.zst"
    ),
    bundled!(
        "BHS",
        "BHS",
        ZoneKind::Sovereign,
        "BHS.maritime.geojson.zst"
    ),
    bundled!("MEX.land", "MEX", ZoneKind::Land, "MEX.land.geojson.zst"),
    bundled!("USA.land", "USA", ZoneKind::Land, "USA.land.geojson.zst"),
    bundled!("GTM.land", "GTM", ZoneKind::Land, "GTM.land.geojson.zst"),
    bundled!("BLZ.land", "BLZ", ZoneKind::Land, "BLZ.land.geojson.zst"),
    bundled!("HND.land", "HND", ZoneKind::Land, "HND.land.geojson.zst"),
    bundled!("SLV.land", "SLV", ZoneKind::Land, "SLV.land.geojson.zst"),
    bundled!("NIC.land", "NIC", ZoneKind::Land, "NIC.land.geojson.zst"),
    bundled!("CUB.land", "CUB", ZoneKind::Land, "CUB.land.geojson.zst"),
    bundled!("BHS.land", "BHS", ZoneKind::Land, "BHS.land.geojson.zst"),
];

impl BundledZone {
    /// Finds a bundled zone by name, ignoring ASCII case (`mex`, `MEX.LAND`).
    pub fn find(name: &str) -> Option<&'static BundledZone> {
        BUNDLED.iter().find(|z| z.name.eq_ignore_ascii_case(name))
    }

    /// The decompressed GeoJSON text.
    pub fn geojson(&self) -> Result<String, LoadError> {
        let decompress = |cause| LoadError::Decompress {
            file: self.file.to_owned(),
            cause,
        };
        // ruzstd: a pure-Rust decoder, so the core links no C library for its bundled data.
        let mut decoder = ruzstd::decoding::StreamingDecoder::new(self.bytes)
            .map_err(|e| decompress(std::io::Error::other(e.to_string())))?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut decoder, &mut bytes).map_err(decompress)?;
        String::from_utf8(bytes)
            .map_err(|e| decompress(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
    }

    /// The bundled land zones of the bundled sovereign zones named in a zone spec (`MEX,USA+12nm,
    /// area.geojson` → `MEX.land`, `USA.land`), each once; names without land files are skipped.
    pub fn lands_for(spec: &str) -> Vec<&'static BundledZone> {
        let mut lands: Vec<&'static BundledZone> = Vec::new();
        for item in spec.split(',') {
            let base = item.split('+').next().unwrap_or_default().trim();
            let Some(sovereign) = Self::find(base).filter(|z| z.kind == ZoneKind::Sovereign) else {
                continue;
            };
            let land = Self::find(&format!("{}.land", sovereign.iso_a3));
            if let Some(land) = land.filter(|l| !lands.iter().any(|known| known.name == l.name)) {
                lands.push(land);
            }
        }
        lands
    }

    /// Compressed size embedded in the binary, bytes.
    pub fn embedded_bytes(&self) -> usize {
        self.bytes.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn land_goes_with_bundled_sovereign_zones_only() {
        let names = |spec| {
            BundledZone::lands_for(spec)
                .iter()
                .map(|z| z.name)
                .collect::<Vec<&str>>()
        };
        assert_eq!(names("MEX,USA"), ["MEX.land", "USA.land"]);
        assert_eq!(names("mex+12nm, MEX, area.geojson"), ["MEX.land"]);
        // Canada has no bundled land file; a land zone is not sovereign.
        assert!(names("CAN,MEX.land").is_empty());
    }
}
