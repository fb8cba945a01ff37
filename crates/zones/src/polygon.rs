//! The polygon model: rings of longitude/latitude vertices, polygons with holes, multipolygons, and their
//! validation (self-intersections) and area.
//!
//! Owns the geometry as given by a file, after light repair (closing, de-duplication). Edges are straight lines
//! in longitude/latitude, as RFC 7946 §3.1.1 defines GeoJSON lines. Does not own any index or query: see
//! [`crate::grid`] for containment and [`crate::distance`] for distances.

use crate::error::GeometryProblem;
use crate::predicates::orient;

/// A closed ring stored open: vertices as `[longitude, latitude]` in degrees, the closing edge from the last
/// vertex back to the first implied. At least three distinct vertices, no two consecutive equal.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring {
    vertices: Vec<[f64; 2]>,
}

impl Ring {
    /// Builds a ring from `[longitude, latitude]` vertices, dropping a repeated closing vertex and consecutive
    /// duplicates. Returns `None` when fewer than three distinct vertices remain.
    pub fn new(mut vertices: Vec<[f64; 2]>) -> Option<Ring> {
        vertices.dedup();
        while vertices.len() > 1 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        (vertices.len() >= 3).then_some(Ring { vertices })
    }

    /// The vertices, `[longitude, latitude]` in degrees, without the repeated closing vertex.
    pub fn vertices(&self) -> &[[f64; 2]] {
        &self.vertices
    }

    /// The edges `(from, to)`, including the closing one.
    pub fn edges(&self) -> impl Iterator<Item = ([f64; 2], [f64; 2])> + '_ {
        let n = self.vertices.len();
        (0..n).map(move |i| (self.vertices[i], self.vertices[(i + 1) % n]))
    }

    /// Signed area on the authalic sphere in km², positive for counter-clockwise rings.
    ///
    /// Chamberlain & Duquette (2007), "Some algorithms for polygons on a sphere", JPL Publication 07-03, eq. 1:
    /// `A = R²/2 · Σ (λ₂ − λ₁)(2 + sin φ₁ + sin φ₂)`, with R = 6 371.0072 km (the authalic radius of WGS84).
    pub fn signed_area_km2(&self) -> f64 {
        const AUTHALIC_RADIUS_KM: f64 = 6371.0072;
        let sum: f64 = self
            .edges()
            .map(|(a, b)| {
                (b[0] - a[0]).to_radians()
                    * (2.0 + a[1].to_radians().sin() + b[1].to_radians().sin())
            })
            .sum();
        sum * AUTHALIC_RADIUS_KM * AUTHALIC_RADIUS_KM / 2.0
    }
}

/// A polygon: one exterior ring and any number of holes.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    /// The outer boundary.
    pub exterior: Ring,
    /// Holes (lakes, enclaves).
    pub holes: Vec<Ring>,
}

/// A set of polygons; containment uses the even-odd rule over all rings, which equals "inside one polygon and
/// in none of its holes" for valid (non-overlapping) polygons.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MultiPolygon {
    /// The member polygons.
    pub polygons: Vec<Polygon>,
}

/// An axis-aligned box in longitude/latitude degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox {
    /// Western edge, degrees.
    pub min_longitude: f64,
    /// Southern edge, degrees.
    pub min_latitude: f64,
    /// Eastern edge, degrees.
    pub max_longitude: f64,
    /// Northern edge, degrees.
    pub max_latitude: f64,
}

impl MultiPolygon {
    /// All rings, exteriors and holes, in file order.
    pub fn rings(&self) -> impl Iterator<Item = &Ring> + '_ {
        self.polygons
            .iter()
            .flat_map(|p| std::iter::once(&p.exterior).chain(p.holes.iter()))
    }

    /// All edges of all rings.
    pub fn edges(&self) -> impl Iterator<Item = ([f64; 2], [f64; 2])> + '_ {
        self.rings().flat_map(Ring::edges)
    }

    /// Number of vertices over all rings (closing vertices not repeated).
    pub fn vertex_count(&self) -> usize {
        self.rings().map(|r| r.vertices().len()).sum()
    }

    /// Area in km² on the authalic sphere: exteriors minus holes, whatever their winding.
    pub fn area_km2(&self) -> f64 {
        self.polygons
            .iter()
            .map(|p| {
                p.exterior.signed_area_km2().abs()
                    - p.holes
                        .iter()
                        .map(|h| h.signed_area_km2().abs())
                        .sum::<f64>()
            })
            .sum()
    }

    /// The bounding box, or `None` for an empty multipolygon.
    pub fn bounding_box(&self) -> Option<LonLatBox> {
        let mut vertices = self.rings().flat_map(|r| r.vertices().iter());
        let first = vertices.next()?;
        let mut b = LonLatBox {
            min_longitude: first[0],
            min_latitude: first[1],
            max_longitude: first[0],
            max_latitude: first[1],
        };
        for v in vertices {
            b.min_longitude = b.min_longitude.min(v[0]);
            b.max_longitude = b.max_longitude.max(v[0]);
            b.min_latitude = b.min_latitude.min(v[1]);
            b.max_latitude = b.max_latitude.max(v[1]);
        }
        Some(b)
    }

    /// Looks for two edges that cross properly or overlap along a stretch, anywhere in the multipolygon
    /// (within a ring, between rings, between polygons). Edges that merely touch at a point are accepted.
    ///
    /// Runs in about O(n) for real boundaries: edges are bucketed into a grid of about n cells and only edges
    /// sharing a cell are compared, with exact orientation predicates.
    pub fn find_self_intersection(&self) -> Option<GeometryProblem> {
        let mut edges: Vec<TaggedEdge> = Vec::new();
        for (ring_index, ring) in self.rings().enumerate() {
            let n = ring.vertices().len();
            for (edge_index, (a, b)) in ring.edges().enumerate() {
                edges.push(TaggedEdge {
                    a,
                    b,
                    ring: ring_index,
                    index: edge_index,
                    ring_len: n,
                });
            }
        }
        let bbox = self.bounding_box()?;
        let buckets = EdgeBuckets::new(&edges, bbox);
        for cell in buckets.cells() {
            for (i, &ei) in cell.iter().enumerate() {
                for &ej in &cell[i + 1..] {
                    let (e, f) = (&edges[ei as usize], &edges[ej as usize]);
                    if let Some(at) = bad_intersection(e, f) {
                        let (first, second) = if (e.ring, e.index) <= (f.ring, f.index) {
                            (e, f)
                        } else {
                            (f, e)
                        };
                        return Some(GeometryProblem::SelfIntersection {
                            ring_a: first.ring,
                            edge_a: first.index,
                            ring_b: second.ring,
                            edge_b: second.index,
                            longitude: at[0],
                            latitude: at[1],
                        });
                    }
                }
            }
        }
        None
    }
}

struct TaggedEdge {
    a: [f64; 2],
    b: [f64; 2],
    ring: usize,
    index: usize,
    ring_len: usize,
}

impl TaggedEdge {
    fn is_adjacent(&self, other: &TaggedEdge) -> bool {
        self.ring == other.ring
            && ((self.index + 1) % self.ring_len == other.index
                || (other.index + 1) % other.ring_len == self.index)
    }
}

/// Where two edges cross properly or overlap collinearly, if they do. Adjacent edges of one ring share a
/// vertex by construction, so for them only a fold-back (collinear overlap) counts.
fn bad_intersection(e: &TaggedEdge, f: &TaggedEdge) -> Option<[f64; 2]> {
    let (a, b, c, d) = (e.a, e.b, f.a, f.b);
    if a[0].max(b[0]) < c[0].min(d[0])
        || c[0].max(d[0]) < a[0].min(b[0])
        || a[1].max(b[1]) < c[1].min(d[1])
        || c[1].max(d[1]) < a[1].min(b[1])
    {
        return None;
    }
    let o1 = orient(a, b, c);
    let o2 = orient(a, b, d);
    if o1 == 0.0 && o2 == 0.0 {
        // Collinear: an overlap of positive length is a fold-back or a doubled edge.
        let axis = usize::from((b[0] - a[0]).abs() < (b[1] - a[1]).abs());
        let (e0, e1) = (a[axis].min(b[axis]), a[axis].max(b[axis]));
        let (f0, f1) = (c[axis].min(d[axis]), c[axis].max(d[axis]));
        let (lo, hi) = (e0.max(f0), e1.min(f1));
        if lo < hi {
            let mid = (lo + hi) / 2.0;
            let t = if a[axis] == b[axis] {
                0.0
            } else {
                (mid - a[axis]) / (b[axis] - a[axis])
            };
            return Some([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
        }
        return None;
    }
    if e.is_adjacent(f) {
        return None;
    }
    let o3 = orient(c, d, a);
    let o4 = orient(c, d, b);
    let proper = o1 * o2 < 0.0 && o3 * o4 < 0.0;
    proper.then(|| {
        let t = o3 / (o3 - o4);
        [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
    })
}

/// Edges bucketed by the grid cells their bounding boxes overlap.
struct EdgeBuckets {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl EdgeBuckets {
    fn new(edges: &[TaggedEdge], bbox: LonLatBox) -> EdgeBuckets {
        let width = (bbox.max_longitude - bbox.min_longitude).max(1e-9);
        let height = (bbox.max_latitude - bbox.min_latitude).max(1e-9);
        let target_cells = (edges.len() as f64).clamp(1.0, 4e6);
        let cell = (width * height / target_cells).sqrt().max(1e-9);
        let nx = ((width / cell).ceil() as usize).clamp(1, 4096);
        let ny = ((height / cell).ceil() as usize).clamp(1, 4096);
        let (sx, sy) = (nx as f64 / width, ny as f64 / height);
        let range = |e: &TaggedEdge| {
            let cx = |x: f64| (((x - bbox.min_longitude) * sx) as usize).min(nx - 1);
            let cy = |y: f64| (((y - bbox.min_latitude) * sy) as usize).min(ny - 1);
            (
                cx(e.a[0].min(e.b[0])),
                cx(e.a[0].max(e.b[0])),
                cy(e.a[1].min(e.b[1])),
                cy(e.a[1].max(e.b[1])),
            )
        };
        let mut counts = vec![0u32; nx * ny + 1];
        for e in edges {
            let (x0, x1, y0, y1) = range(e);
            for y in y0..=y1 {
                for x in x0..=x1 {
                    counts[y * nx + x + 1] += 1;
                }
            }
        }
        for i in 1..counts.len() {
            counts[i] += counts[i - 1];
        }
        let mut fill = counts.clone();
        let mut items = vec![0u32; counts[nx * ny] as usize];
        for (i, e) in edges.iter().enumerate() {
            let (x0, x1, y0, y1) = range(e);
            for y in y0..=y1 {
                for x in x0..=x1 {
                    let slot = &mut fill[y * nx + x];
                    items[*slot as usize] = i as u32;
                    *slot += 1;
                }
            }
        }
        EdgeBuckets {
            starts: counts,
            items,
        }
    }

    fn cells(&self) -> impl Iterator<Item = &[u32]> + '_ {
        self.starts
            .windows(2)
            .map(|w| &self.items[w[0] as usize..w[1] as usize])
    }
}

/// Whether the planar ring (lon, lat vertices) holds the point (even-odd crossing count), for
/// the few tests that need no prepared grid (drawing, setting land polygons up).
pub fn ring_holds(ring: &[[f64; 2]], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for (i, a) in ring.iter().enumerate() {
        let b = ring[j];
        if (a[1] > lat) != (b[1] > lat) && lon < (b[0] - a[0]) * (lat - a[1]) / (b[1] - a[1]) + a[0]
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, size: f64) -> Ring {
        Ring::new(vec![
            [x0, y0],
            [x0 + size, y0],
            [x0 + size, y0 + size],
            [x0, y0 + size],
            [x0, y0],
        ])
        .unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn ring_drops_closing_and_repeated_vertices() {
        let ring = Ring::new(vec![
            [0.0, 0.0],
            [1.0, 0.0],
            [1.0, 0.0],
            [1.0, 1.0],
            [0.0, 0.0],
        ]);
        assert_eq!(
            ring.map(|r| r.vertices().len()),
            Some(3),
            "closing and repeated vertex dropped"
        );
        assert!(Ring::new(vec![[0.0, 0.0], [1.0, 0.0], [0.0, 0.0]]).is_none());
    }

    #[test]
    fn one_degree_square_at_equator_has_the_expected_area() {
        let mp = MultiPolygon {
            polygons: vec![Polygon {
                exterior: square(0.0, 0.0, 1.0),
                holes: vec![],
            }],
        };
        // 1° × 1° at the equator ≈ 111.19 km × 111.19 km (authalic radius), minus a hair of curvature.
        let area = mp.area_km2();
        assert!((area - 12_363.0).abs() < 20.0, "area {area}");
    }

    #[test]
    fn bow_tie_is_a_self_intersection() {
        let ring = Ring::new(vec![[0.0, 0.0], [1.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
            .unwrap_or_else(|| unreachable!());
        let mp = MultiPolygon {
            polygons: vec![Polygon {
                exterior: ring,
                holes: vec![],
            }],
        };
        match mp.find_self_intersection() {
            Some(GeometryProblem::SelfIntersection {
                longitude,
                latitude,
                ..
            }) => {
                assert!((longitude - 0.5).abs() < 1e-12 && (latitude - 0.5).abs() < 1e-12)
            }
            other => panic!("expected a self-intersection, got {other:?}"),
        }
    }

    #[test]
    fn hole_touching_the_exterior_at_a_vertex_is_accepted_but_crossing_is_not() {
        let touching = MultiPolygon {
            polygons: vec![Polygon {
                exterior: square(0.0, 0.0, 4.0),
                holes: vec![Ring::new(vec![[0.0, 2.0], [2.0, 1.0], [2.0, 3.0]])
                    .unwrap_or_else(|| unreachable!())],
            }],
        };
        assert_eq!(touching.find_self_intersection(), None);
        let crossing = MultiPolygon {
            polygons: vec![Polygon {
                exterior: square(0.0, 0.0, 4.0),
                holes: vec![square(3.0, 1.0, 2.0)],
            }],
        };
        assert!(matches!(
            crossing.find_self_intersection(),
            Some(GeometryProblem::SelfIntersection { .. })
        ));
    }

    #[test]
    fn fold_back_spike_is_an_overlap() {
        let ring = Ring::new(vec![[0.0, 0.0], [2.0, 0.0], [1.0, 0.0], [1.0, 1.0]])
            .unwrap_or_else(|| unreachable!());
        let mp = MultiPolygon {
            polygons: vec![Polygon {
                exterior: ring,
                holes: vec![],
            }],
        };
        assert!(mp.find_self_intersection().is_some());
    }
}
