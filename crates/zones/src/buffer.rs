//! Drawing a buffered zone (`MEX+12nm`) as a polygon, for export to GIS tools.
//!
//! Owns the outline only. Queries never use it: [`ZoneIndex::contains`] applies the exact distance rule
//! (inside the base, or within N nm of its boundary).
//!
//! # Method and precision
//! Marching squares over a longitude/latitude lattice covering the buffer: at each lattice node the function
//! `g = signed distance to the base boundary − N nm` (negative inside the base) is evaluated, cells whose corners
//! change sign get contour segments (saddles resolved by the cell centre), and each segment end is moved onto the
//! true contour by root finding along its lattice edge. So:
//! - every vertex lies on the exact buffer boundary to within [`VERTEX_TOLERANCE_M`];
//! - between vertices the outline is a straight segment at most one lattice cell long, which cuts inside a
//!   convex bend of radius R by about cell²/(8R) (≈ 6 m for 0.01° cells on a 12 nm buffer);
//! - holes or slivers narrower than a lattice cell may be missed.

use crate::index::{ZoneId, ZoneIndex};
use crate::polygon::{MultiPolygon, Polygon, Ring};
use crate::predicates::contains_by_crossing_number;
use crate::sphere::METRES_PER_NM;
use std::collections::HashMap;

/// Outline vertices are within this distance of the true buffer boundary.
pub const VERTEX_TOLERANCE_M: f64 = 1.0;

impl ZoneIndex {
    /// The outline of a zone as a multipolygon: the drawn polygon for a plain zone, the marching-squares
    /// outline (see the module docs) with lattice cells of `cell_deg` degrees for a buffered one.
    pub fn outline(&self, zone: ZoneId, cell_deg: f64) -> MultiPolygon {
        let z = &self.zones[zone.0];
        if z.buffer_m <= 0.0 {
            return self.drawn(zone).clone();
        }
        let Some(bbox) = self.drawn(zone).bounding_box() else {
            return MultiPolygon::default();
        };
        let reach_deg = z.buffer_m / 110_500.0 * 1.02;
        let poleward = (bbox.min_latitude.abs().max(bbox.max_latitude.abs()) + reach_deg).min(89.0);
        let lon_reach = reach_deg / poleward.to_radians().cos();
        let cell = cell_deg.max(1e-5);
        let lon0 = bbox.min_longitude - lon_reach - 2.0 * cell;
        let lat0 = (bbox.min_latitude - reach_deg - 2.0 * cell).max(-90.0);
        let lon1 = bbox.max_longitude + lon_reach + 2.0 * cell;
        let lat1 = (bbox.max_latitude + reach_deg + 2.0 * cell).min(90.0);
        let nx = ((lon1 - lon0) / cell).ceil() as usize;
        let ny = ((lat1 - lat0) / cell).ceil() as usize;
        let lattice = Lattice {
            index: self,
            zone,
            buffer_m: z.buffer_m,
            lon0,
            lat0,
            cell,
            nx,
        };
        lattice.contour(ny)
    }

    fn drawn(&self, zone: ZoneId) -> &MultiPolygon {
        &self.zones[zone.0].geometry
    }
}

struct Lattice<'a> {
    index: &'a ZoneIndex,
    zone: ZoneId,
    buffer_m: f64,
    lon0: f64,
    lat0: f64,
    cell: f64,
    nx: usize,
}

impl Lattice<'_> {
    fn point(&self, i: usize, j: usize) -> [f64; 2] {
        [
            self.lon0 + i as f64 * self.cell,
            self.lat0 + j as f64 * self.cell,
        ]
    }

    /// `g` at a position: signed distance to the base boundary minus the buffer, metres.
    fn g(&self, p: [f64; 2]) -> f64 {
        self.index
            .signed_distance_m(self.zone, p[1], p[0])
            .map_or(f64::INFINITY, |s| s - self.buffer_m)
    }

    /// `g` at a node, skipping the distance search deep inside the base (where only the sign matters).
    fn g_node(&self, p: [f64; 2]) -> f64 {
        if self.index.grid(self.zone).contains(p) {
            -self.buffer_m
        } else {
            self.g(p)
        }
    }

    fn contour(&self, ny: usize) -> MultiPolygon {
        let nx = self.nx;
        let mut values = vec![0.0f64; (nx + 1) * (ny + 1)];
        for j in 0..=ny {
            for i in 0..=nx {
                values[j * (nx + 1) + i] = self.g_node(self.point(i, j));
            }
        }
        let value = |i: usize, j: usize| values[j * (nx + 1) + i];
        // Lattice edges: horizontal ones first (bottom edge of cell (i, j)), then vertical ones.
        let h_edge = |i: usize, j: usize| (j * nx + i) as u64;
        let v_offset = (nx * (ny + 1)) as u64;
        let v_edge = |i: usize, j: usize| v_offset + (j * (nx + 1) + i) as u64;
        let mut next: HashMap<u64, u64> = HashMap::new();
        for j in 0..ny {
            for i in 0..nx {
                let corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                let inside: Vec<bool> = corners.iter().map(|&(a, b)| value(a, b) <= 0.0).collect();
                if inside.iter().all(|&x| x) || inside.iter().all(|&x| !x) {
                    continue;
                }
                // Cell edges counter-clockwise: bottom, right, top, left; edge k runs from corner k to k+1.
                let edges = [
                    h_edge(i, j),
                    v_edge(i + 1, j),
                    h_edge(i, j + 1),
                    v_edge(i, j),
                ];
                let in_out: Vec<usize> = (0..4)
                    .filter(|&k| inside[k] && !inside[(k + 1) % 4])
                    .collect();
                let out_in: Vec<usize> = (0..4)
                    .filter(|&k| !inside[k] && inside[(k + 1) % 4])
                    .collect();
                let saddle = in_out.len() == 2;
                let centre_inside = saddle && {
                    let c = [
                        self.lon0 + (i as f64 + 0.5) * self.cell,
                        self.lat0 + (j as f64 + 0.5) * self.cell,
                    ];
                    self.g_node(c) <= 0.0
                };
                for &k in &in_out {
                    let partner = if !saddle {
                        out_in[0]
                    } else if centre_inside {
                        (k + 1) % 4
                    } else {
                        (k + 3) % 4
                    };
                    // The segment leaves the cell with the inside on its left.
                    next.insert(edges[k], edges[partner]);
                }
            }
        }
        let position = |edge: u64| -> [f64; 2] {
            let (a, b) = if edge < v_offset {
                let e = edge as usize;
                ((e % nx, e / nx), (e % nx + 1, e / nx))
            } else {
                let e = (edge - v_offset) as usize;
                (
                    (e % (nx + 1), e / (nx + 1)),
                    (e % (nx + 1), e / (nx + 1) + 1),
                )
            };
            self.root(self.point(a.0, a.1), self.point(b.0, b.1))
        };
        let mut rings: Vec<Vec<[f64; 2]>> = Vec::new();
        let mut keys: Vec<u64> = next.keys().copied().collect();
        keys.sort_unstable();
        for start in keys {
            if !next.contains_key(&start) {
                continue;
            }
            let mut ring = Vec::new();
            let mut edge = start;
            while let Some(following) = next.remove(&edge) {
                ring.push(position(edge));
                edge = following;
            }
            if ring.len() >= 3 {
                rings.push(ring);
            }
        }
        assemble(rings)
    }

    /// The zero of `g` on the segment `a → b` (g changes sign along it), by the Illinois variant of regula falsi.
    fn root(&self, a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
        let at = |t: f64| [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
        let (mut t0, mut t1) = (0.0, 1.0);
        let (mut g0, mut g1) = (self.g(a), self.g(b));
        if !(g0.is_finite() && g1.is_finite()) || (g0 <= 0.0) == (g1 <= 0.0) {
            return at(0.5);
        }
        let length_m = crate::sphere::distance_m(a[1], a[0], b[1], b[0]);
        let mut side = 0i8;
        for _ in 0..60 {
            if (t1 - t0) * length_m < VERTEX_TOLERANCE_M / 4.0 {
                break;
            }
            let t = (t0 * g1 - t1 * g0) / (g1 - g0);
            let t = if t.is_finite() && t > t0 && t < t1 {
                t
            } else {
                (t0 + t1) / 2.0
            };
            let g = self.g(at(t));
            if (g <= 0.0) == (g0 <= 0.0) {
                t0 = t;
                g0 = g;
                if side == -1 {
                    g1 /= 2.0;
                }
                side = -1;
            } else {
                t1 = t;
                g1 = g;
                if side == 1 {
                    g0 /= 2.0;
                }
                side = 1;
            }
            if g.abs() < VERTEX_TOLERANCE_M / 4.0 {
                return at(t);
            }
        }
        at((t0 + t1) / 2.0)
    }
}

/// Groups counter-clockwise rings (exteriors) with the clockwise rings (holes) inside them.
fn assemble(rings: Vec<Vec<[f64; 2]>>) -> MultiPolygon {
    let signed_area = |r: &[[f64; 2]]| {
        (0..r.len())
            .map(|k| {
                let (a, b) = (r[k], r[(k + 1) % r.len()]);
                a[0] * b[1] - b[0] * a[1]
            })
            .sum::<f64>()
    };
    let (exteriors, holes): (Vec<_>, Vec<_>) =
        rings.into_iter().partition(|r| signed_area(r) > 0.0);
    let mut polygons: Vec<Polygon> = exteriors
        .into_iter()
        .filter_map(Ring::new)
        .map(|exterior| Polygon {
            exterior,
            holes: Vec::new(),
        })
        .collect();
    for hole in holes.into_iter().filter_map(Ring::new) {
        let probe = hole.vertices()[0];
        let owner = polygons.iter_mut().find(|p| {
            let edges: Vec<_> = p.exterior.edges().collect();
            contains_by_crossing_number(&edges, probe)
        });
        if let Some(owner) = owner {
            owner.holes.push(hole);
        }
    }
    MultiPolygon { polygons }
}

/// The default lattice cell for exporting a buffered zone: 0.01° (about 1 km), coarsened so the lattice has at
/// most about 4 million nodes.
pub fn default_cell_deg(index: &ZoneIndex, zone: ZoneId) -> f64 {
    let z = &index.zones[zone.0];
    let Some(b) = z.geometry.bounding_box() else {
        return 0.01;
    };
    let reach = 2.0 * z.buffer_m / METRES_PER_NM / 60.0 + 1.0;
    let area =
        (b.max_longitude - b.min_longitude + reach) * (b.max_latitude - b.min_latitude + reach);
    (area / 4e6).sqrt().max(0.01)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::zone::ZoneSet;

    #[test]
    fn buffered_square_outline_is_at_the_buffer_distance() {
        let text = r#"{"type":"Polygon","coordinates":[[[-100,20],[-99,20],[-99,21],[-100,21],[-100,20]]]}"#;
        let set = ZoneSet::from_geojson_str(text, "sq.geojson").unwrap_or_else(|e| panic!("{e}"));
        let mut buffered = ZoneSet::default();
        buffered.push(set.zones()[0].buffered(10.0));
        let index = ZoneIndex::new(&buffered);
        let outline = index.outline(ZoneId(0), 0.02);
        assert_eq!(outline.polygons.len(), 1);
        assert!(outline.polygons[0].holes.is_empty());
        let base = index.boundary_distance(ZoneId(0));
        for v in outline.polygons[0].exterior.vertices() {
            let d = base
                .nearest(v[1], v[0])
                .map(|n| n.distance_m)
                .unwrap_or(f64::NAN);
            assert!(
                (d - 10.0 * METRES_PER_NM).abs() <= VERTEX_TOLERANCE_M,
                "{v:?}: {d}"
            );
        }
        // The outline contains the square and the buffer's corners are rounded.
        assert!(outline.area_km2() > 111.0 * 104.0 + 4.0 * 18.5 * 104.0);
    }
}
