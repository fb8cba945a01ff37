//! The query side: a [`ZoneIndex`] prepared from a [`ZoneSet`] answers which zones contain a point and how far
//! a point is from a zone's boundary.
//!
//! Owns the per-zone prepared structures and the rules that combine them (altitude bands, buffers, longitude
//! wrapping). Crossings and closest approach live in [`crate::crossing`]; the exactness argument lives in
//! [`crate::grid`].
//!
//! # Rules
//! - Longitudes are wrapped into [-180, 180) first, so 180° is treated as -180° (consistent with the boundary
//!   rule's eastward nudge). Latitudes outside [-90, 90] and NaN are in no zone and have no distance.
//! - A buffered zone `Z+N nm` contains a point when `Z` contains it or the point is within N nm (ellipsoidal
//!   distance, [`crate::sphere`]) of `Z`'s boundary. Its distance to boundary is `|s − N|` nm, where `s` is the
//!   signed distance to `Z`'s boundary (negative inside `Z`): exact outside the buffer, a lower bound inside.

use crate::distance::{BoundaryDistance, NearestBoundary};
use crate::geojson::ZoneKind;
use crate::grid::PreparedPolygon;
use crate::polygon::{LonLatBox, MultiPolygon};
use crate::sphere::METRES_PER_NM;
use crate::zone::ZoneSet;
use std::sync::OnceLock;

/// Identifies a zone of a [`ZoneIndex`]: its position in the [`ZoneSet`] it was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ZoneId(pub usize);

pub(crate) struct PreparedZone {
    pub(crate) name: String,
    pub(crate) kind: ZoneKind,
    pub(crate) altitude_band_ft: Option<(f64, f64)>,
    pub(crate) buffer_m: f64,
    pub(crate) grid: PreparedPolygon,
    pub(crate) geometry: MultiPolygon,
    distance: OnceLock<BoundaryDistance>,
    /// Points outside this box are farther than the buffer from the zone (degrees; the whole world when the
    /// buffer is too large for a box to help).
    reach: LonLatBox,
    /// The bundled land polygon of a sovereign bundled zone (`MEX` → `MEX.land`), loaded on first use.
    land_name: Option<&'static str>,
    land: OnceLock<Option<LandTerritory>>,
}

/// A country's land territory (its bundled `.land` polygon, inland waters included): whether a
/// point is over it, and how far it is from the coast or land border. Loaded when first asked — events ask, positions
/// do not — so a large country costs nothing until an event needs it.
pub struct LandTerritory {
    grid: PreparedPolygon,
    distance: BoundaryDistance,
}

impl LandTerritory {
    fn load(name: &str) -> Option<LandTerritory> {
        let bundled = crate::bundled::BundledZone::find(name)?;
        let set = ZoneSet::parse_spec(bundled.name).ok()?;
        let geometry = &set.zones().first()?.geometry;
        // Exterior rings only: the land polygons' holes are lakes and reservoirs (3 495 in
        // MEX.land, median 0.4 km²), which are territory too; the edge that matters is the coast
        // or the land border. An island in such a lake (19 in MEX.land, Ometepe in NIC.land)
        // lies inside another exterior: under the even-odd rule it would flip to "outside", and
        // it is territory anyway, so it is left out.
        let holes: Vec<(&crate::polygon::Ring, crate::polygon::LonLatBox)> = geometry
            .polygons
            .iter()
            .flat_map(|p| p.holes.iter())
            .filter_map(|h| ring_box(h.vertices()).map(|b| (h, b)))
            .collect();
        let in_a_lake = |p: &crate::polygon::Polygon| {
            p.exterior.vertices().first().is_some_and(|v| {
                holes.iter().any(|(h, b)| {
                    (b.min_longitude..=b.max_longitude).contains(&v[0])
                        && (b.min_latitude..=b.max_latitude).contains(&v[1])
                        && crate::polygon::ring_holds(h.vertices(), v[0], v[1])
                })
            })
        };
        let kept: Vec<&crate::polygon::Polygon> =
            geometry.polygons.iter().filter(|p| !in_a_lake(p)).collect();
        let exteriors = || kept.iter().map(|p| &p.exterior);
        Some(LandTerritory {
            grid: PreparedPolygon::new(exteriors().flat_map(|r| r.edges())),
            // No grid: a few queries per event, exact, built in a fraction of a second.
            distance: BoundaryDistance::ungridded(exteriors().map(|r| r.vertices())),
        })
    }

    /// Whether the point is over the land territory.
    pub fn contains(&self, latitude: f64, longitude: f64) -> bool {
        latitude.is_finite()
            && (-90.0..=90.0).contains(&latitude)
            && self.grid.contains([wrap_longitude(longitude), latitude])
    }

    /// Distance from the point to the land's edge (coast or land border), nautical miles.
    pub fn distance_nm(&self, latitude: f64, longitude: f64) -> Option<f64> {
        self.distance
            .nearest(latitude, wrap_longitude(longitude))
            .map(|n| n.distance_nm())
    }
}

/// Prepared zones: O(1) exact containment, fast boundary distance, crossings.
///
/// ```
/// use vigia_zones::{ZoneIndex, ZoneSet};
/// let zones = ZoneSet::parse_spec("GTM,SLV+12nm")?;
/// let index = ZoneIndex::new(&zones);
/// let guatemala = index.id("GTM").expect("bundled");
/// assert!(index.contains(guatemala, 14.5833, -90.5275)); // La Aurora airport, Guatemala City
/// let inside: Vec<_> = index.locate(14.5833, -90.5275).map(|z| index.name(z)).collect();
/// assert_eq!(inside, ["GTM"]);
/// let d = index.distance_to_boundary_nm(guatemala, 14.5833, -90.5275).expect("a boundary");
/// assert!(d > 20.0 && d < 60.0);
/// # Ok::<(), vigia_zones::SpecError>(())
/// ```
pub struct ZoneIndex {
    pub(crate) zones: Vec<PreparedZone>,
}

impl ZoneIndex {
    /// Prepares every zone of the set (containment grids now, distance indexes on first use).
    pub fn new(set: &ZoneSet) -> ZoneIndex {
        let zones = set
            .zones()
            .iter()
            .map(|zone| {
                let buffer_m = zone.buffer_nm * METRES_PER_NM;
                PreparedZone {
                    name: zone.name.clone(),
                    kind: zone.kind,
                    altitude_band_ft: zone.altitude_band_ft,
                    buffer_m,
                    grid: PreparedPolygon::new(zone.geometry.edges()),
                    reach: reach_box(zone.geometry.bounding_box(), buffer_m),
                    geometry: zone.geometry.clone(),
                    distance: OnceLock::new(),
                    land_name: land_of(zone),
                    land: OnceLock::new(),
                }
            })
            .collect();
        ZoneIndex { zones }
    }

    /// Number of zones.
    pub fn len(&self) -> usize {
        self.zones.len()
    }

    /// Whether the index has no zone.
    pub fn is_empty(&self) -> bool {
        self.zones.is_empty()
    }

    /// All zone ids, in set order.
    pub fn ids(&self) -> impl Iterator<Item = ZoneId> + '_ {
        (0..self.zones.len()).map(ZoneId)
    }

    /// The id of the first zone with this name.
    pub fn id(&self, name: &str) -> Option<ZoneId> {
        self.zones.iter().position(|z| z.name == name).map(ZoneId)
    }

    /// The zone's name. Panics on an id from another index.
    pub fn name(&self, zone: ZoneId) -> &str {
        &self.zones[zone.0].name
    }

    /// The zone's kind.
    pub fn kind(&self, zone: ZoneId) -> ZoneKind {
        self.zones[zone.0].kind
    }

    /// The zone's altitude band in feet, if it has one.
    pub fn altitude_band_ft(&self, zone: ZoneId) -> Option<(f64, f64)> {
        self.zones[zone.0].altitude_band_ft
    }

    /// The zone's buffer in nautical miles (0 for a zone drawn as given).
    pub fn buffer_nm(&self, zone: ZoneId) -> f64 {
        self.zones[zone.0].buffer_m / METRES_PER_NM
    }

    /// Whether the zone contains the point, ignoring any altitude band. Exact on the polygon as given, with the
    /// boundary rule of [`crate::predicates`]; O(1) for almost every point of an unbuffered zone.
    #[inline]
    pub fn contains(&self, zone: ZoneId, latitude: f64, longitude: f64) -> bool {
        let z = &self.zones[zone.0];
        let longitude = wrap_longitude(longitude);
        // Latitudes beyond ±90° (and NaN) fall outside every grid, whose rows span the polygon's latitudes.
        if z.buffer_m <= 0.0 {
            return z.grid.contains([longitude, latitude]);
        }
        if !(-90.0..=90.0).contains(&latitude) {
            return false;
        }
        if z.grid.contains([longitude, latitude]) {
            return true;
        }
        if !in_box(&z.reach, latitude, longitude) {
            return false;
        }
        self.nearest_boundary(zone, latitude, longitude)
            .is_some_and(|n| n.distance_m <= z.buffer_m)
    }

    /// Whether the zone contains the point at this altitude: [`Self::contains`] and, when the zone has an
    /// altitude band, `floor ≤ altitude_ft ≤ ceiling`. A zone without band contains every altitude.
    pub fn contains_at(
        &self,
        zone: ZoneId,
        latitude: f64,
        longitude: f64,
        altitude_ft: f64,
    ) -> bool {
        let in_band = match self.zones[zone.0].altitude_band_ft {
            None => true,
            Some((floor, ceiling)) => floor <= altitude_ft && altitude_ft <= ceiling,
        };
        in_band && self.contains(zone, latitude, longitude)
    }

    /// The zones that contain the point (altitude bands ignored), in set order. Lazy; never allocates.
    pub fn locate(&self, latitude: f64, longitude: f64) -> impl Iterator<Item = ZoneId> + '_ {
        self.ids()
            .filter(move |&z| self.contains(z, latitude, longitude))
    }

    /// The nearest point of the zone's drawn boundary (the base polygon's, for a buffered zone), with its
    /// ellipsoidal distance. `None` for an invalid position. Builds the zone's distance index on first use.
    pub fn nearest_boundary(
        &self,
        zone: ZoneId,
        latitude: f64,
        longitude: f64,
    ) -> Option<NearestBoundary> {
        if !(-90.0..=90.0).contains(&latitude) {
            return None;
        }
        self.boundary_distance(zone)
            .nearest(latitude, wrap_longitude(longitude))
    }

    /// Distance in nautical miles from the point to the zone's boundary (see the module docs for buffered
    /// zones). `None` for an invalid position or a zone without boundary.
    pub fn distance_to_boundary_nm(
        &self,
        zone: ZoneId,
        latitude: f64,
        longitude: f64,
    ) -> Option<f64> {
        let nearest = self.nearest_boundary(zone, latitude, longitude)?;
        let z = &self.zones[zone.0];
        if z.buffer_m <= 0.0 {
            return Some(nearest.distance_nm());
        }
        let signed_m = if z.grid.contains([wrap_longitude(longitude), latitude]) {
            -nearest.distance_m
        } else {
            nearest.distance_m
        };
        Some((signed_m - z.buffer_m).abs() / METRES_PER_NM)
    }

    /// Signed distance in metres to the zone's drawn boundary, negative inside the drawn polygon.
    pub(crate) fn signed_distance_m(
        &self,
        zone: ZoneId,
        latitude: f64,
        longitude: f64,
    ) -> Option<f64> {
        let nearest = self.nearest_boundary(zone, latitude, longitude)?;
        let inside = self.zones[zone.0]
            .grid
            .contains([wrap_longitude(longitude), latitude]);
        Some(if inside {
            -nearest.distance_m
        } else {
            nearest.distance_m
        })
    }

    /// Builds every zone's whole distance index now rather than on first use, block by block (e.g.
    /// before timing queries).
    pub fn prepare_distances(&self) {
        for z in self.ids() {
            self.boundary_distance(z).prepare_all();
        }
    }

    /// The zone's nearest-boundary index (its arcs read on first use, its grid prepared block by
    /// block as queries need it), for benchmarks and checks.
    pub fn boundary_distance(&self, zone: ZoneId) -> &BoundaryDistance {
        let z = &self.zones[zone.0];
        z.distance
            .get_or_init(|| BoundaryDistance::new(z.geometry.rings().map(|r| r.vertices())))
    }

    /// The land territory of a sovereign zone bundled with vigia (`MEX` → `MEX.land`), loaded on
    /// first use; `None` for other zones.
    pub fn land(&self, zone: ZoneId) -> Option<&LandTerritory> {
        let z = &self.zones[zone.0];
        z.land
            .get_or_init(|| z.land_name.and_then(LandTerritory::load))
            .as_ref()
    }

    /// The containment grid of a zone, for benchmarks and checks.
    pub fn grid(&self, zone: ZoneId) -> &PreparedPolygon {
        &self.zones[zone.0].grid
    }
}

/// The bounding box of a ring's vertices.
fn ring_box(vertices: &[[f64; 2]]) -> Option<LonLatBox> {
    let first = vertices.first()?;
    Some(vertices.iter().fold(
        LonLatBox {
            min_longitude: first[0],
            min_latitude: first[1],
            max_longitude: first[0],
            max_latitude: first[1],
        },
        |b, v| LonLatBox {
            min_longitude: b.min_longitude.min(v[0]),
            min_latitude: b.min_latitude.min(v[1]),
            max_longitude: b.max_longitude.max(v[0]),
            max_latitude: b.max_latitude.max(v[1]),
        },
    ))
}

/// The bundled land zone of a bundled sovereign zone, unbuffered and as bundled.
fn land_of(zone: &crate::zone::Zone) -> Option<&'static str> {
    if zone.kind != ZoneKind::Sovereign || zone.buffer_nm > 0.0 {
        return None;
    }
    let sovereign = crate::bundled::BundledZone::find(&zone.name)?;
    if zone.source != sovereign.file {
        return None;
    }
    crate::bundled::BUNDLED
        .iter()
        .find(|b| b.kind == ZoneKind::Land && b.iso_a3 == sovereign.iso_a3)
        .map(|b| b.name)
}

/// Wraps a longitude into [-180, 180).
#[inline]
pub fn wrap_longitude(longitude: f64) -> f64 {
    if (-180.0..180.0).contains(&longitude) {
        longitude
    } else {
        (longitude + 180.0).rem_euclid(360.0) - 180.0
    }
}

fn in_box(b: &LonLatBox, latitude: f64, longitude: f64) -> bool {
    b.min_latitude <= latitude
        && latitude <= b.max_latitude
        && b.min_longitude <= longitude
        && longitude <= b.max_longitude
}

/// The zone's bounding box grown by the buffer, conservatively (a degree of latitude is at least 59.6 nm; a
/// degree of longitude at least 59.6 · cos φ nm at the box's most poleward latitude).
fn reach_box(bbox: Option<LonLatBox>, buffer_m: f64) -> LonLatBox {
    let world = LonLatBox {
        min_longitude: -180.0,
        min_latitude: -90.0,
        max_longitude: 180.0,
        max_latitude: 90.0,
    };
    let Some(b) = bbox else { return world };
    const MIN_M_PER_DEG: f64 = 110_500.0;
    let dlat = buffer_m / MIN_M_PER_DEG * 1.01 + 1e-9;
    let min_latitude = (b.min_latitude - dlat).max(-90.0);
    let max_latitude = (b.max_latitude + dlat).min(90.0);
    let poleward = min_latitude.abs().max(max_latitude.abs());
    if poleward >= 89.0 {
        return world;
    }
    let dlon = dlat / poleward.to_radians().cos();
    if b.min_longitude - dlon <= -180.0 || b.max_longitude + dlon >= 180.0 {
        return LonLatBox {
            min_longitude: -180.0,
            max_longitude: 180.0,
            min_latitude,
            max_latitude,
        };
    }
    LonLatBox {
        min_longitude: b.min_longitude - dlon,
        max_longitude: b.max_longitude + dlon,
        min_latitude,
        max_latitude,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longitudes_wrap_to_the_half_open_range() {
        assert_eq!(wrap_longitude(180.0), -180.0);
        assert_eq!(wrap_longitude(-180.0), -180.0);
        assert_eq!(wrap_longitude(190.0), -170.0);
        assert_eq!(wrap_longitude(-190.0), 170.0);
        assert_eq!(wrap_longitude(12.5), 12.5);
        assert!(wrap_longitude(f64::NAN).is_nan());
    }

    #[test]
    fn altitude_band_limits_a_custom_zone() {
        let text = r#"{"type":"Feature","properties":{"name":"TMA","floor_ft":2500,"ceiling_ft":19500},
            "geometry":{"type":"Polygon","coordinates":[[[-91,14],[-90,14],[-90,15],[-91,15],[-91,14]]]}}"#;
        let set = ZoneSet::from_geojson_str(text, "tma.geojson").unwrap_or_else(|e| panic!("{e}"));
        let index = ZoneIndex::new(&set);
        let tma = index.id("TMA").unwrap_or_else(|| panic!("named"));
        assert_eq!(index.kind(tma), ZoneKind::Custom);
        assert!(index.contains(tma, 14.5, -90.5));
        assert!(!index.contains_at(tma, 14.5, -90.5, 1_000.0));
        assert!(index.contains_at(tma, 14.5, -90.5, 2_500.0));
        assert!(index.contains_at(tma, 14.5, -90.5, 19_500.0));
        assert!(!index.contains_at(tma, 14.5, -90.5, 25_000.0));
        assert!(!index.contains_at(tma, 16.0, -90.5, 10_000.0));
    }

    #[test]
    fn buffered_zone_reaches_exactly_its_buffer() {
        let set = ZoneSet::parse_spec("SLV,SLV+12nm").unwrap_or_else(|e| panic!("{e}"));
        let index = ZoneIndex::new(&set);
        let (plain, buffered) = (ZoneId(0), ZoneId(1));
        // Walk south from San Salvador out to sea; the buffered zone ends 12 nm past the plain one.
        let mut last_plain = None;
        let mut last_buffered = None;
        for k in 0..4000 {
            let lat = 13.70 - k as f64 * 0.0005;
            if index.contains(plain, lat, -89.2) {
                last_plain = Some(lat);
            }
            if index.contains(buffered, lat, -89.2) {
                last_buffered = Some(lat);
            }
        }
        let (Some(a), Some(b)) = (last_plain, last_buffered) else {
            panic!("walk never inside")
        };
        // The buffer's edge is 12 nm from the nearest boundary point, which need not lie due north.
        let gap_nm = crate::sphere::distance_m(a, -89.2, b, -89.2) / METRES_PER_NM;
        assert!((12.0 - 0.05..16.0).contains(&gap_nm), "gap {gap_nm}");
        let from_base = index
            .distance_to_boundary_nm(plain, b, -89.2)
            .unwrap_or(f64::NAN);
        assert!((from_base - 12.0).abs() < 0.05, "{from_base}");
        let edge = index
            .distance_to_boundary_nm(buffered, b, -89.2)
            .unwrap_or(f64::NAN);
        assert!(edge < 0.05, "{edge}");
    }
}
