//! Differential test: the prepared grid against georust `geo`'s `Contains` (an independent exact
//! implementation, Shewchuk predicates too) on a million points in and around Mexico and the United States.
//! Half the points are spread over the zones' surroundings, half are placed within a few metres to a few
//! kilometres of a random edge, where the grid's exact edge tests do the work.
//!
//! The only disagreements allowed are points within 1e-9° of an edge (geo calls boundary points outside; the
//! crate's rule assigns them to one side): with random `f64` points none are expected.

use crate::support::{north_america, Rng};
use geo::{Contains, Coord, LineString, MultiPolygon, Polygon};
use vigia_zones::Zone;

fn to_geo(zone: &Zone) -> MultiPolygon<f64> {
    let ring = |r: &vigia_zones::polygon::Ring| {
        let mut coords: Vec<Coord<f64>> = r
            .vertices()
            .iter()
            .map(|v| Coord { x: v[0], y: v[1] })
            .collect();
        coords.push(coords[0]);
        LineString::new(coords)
    };
    MultiPolygon::new(
        zone.geometry
            .polygons
            .iter()
            .map(|p| Polygon::new(ring(&p.exterior), p.holes.iter().map(ring).collect()))
            .collect(),
    )
}

/// Planar distance in degrees from `p` to the nearest edge.
fn degrees_to_nearest_edge(zone: &Zone, p: [f64; 2]) -> f64 {
    zone.geometry
        .edges()
        .map(|(a, b)| {
            let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
            let len2 = dx * dx + dy * dy;
            let t = if len2 == 0.0 {
                0.0
            } else {
                (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2).clamp(0.0, 1.0)
            };
            (p[0] - a[0] - t * dx).hypot(p[1] - a[1] - t * dy)
        })
        .fold(f64::INFINITY, f64::min)
}

fn differential(name: &str, boxes: &[[f64; 4]], spread: usize, near_edges: usize, seed: u64) {
    let (set, index) = north_america();
    let id = index.id(name).expect("bundled");
    let zone = &set.zones()[id.0];
    let reference = to_geo(zone);
    let edges: Vec<_> = zone.geometry.edges().collect();
    let mut rng = Rng::new(seed);
    let mut points = Vec::with_capacity(spread + near_edges);
    for k in 0..spread {
        let b = boxes[k % boxes.len()];
        points.push([rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3])]);
    }
    while points.len() < spread + near_edges {
        let (a, b) = edges[rng.below(edges.len())];
        let t = rng.uniform(0.0, 1.0);
        let scale = 10f64.powf(rng.uniform(-7.0, -1.5));
        let p = [
            a[0] + t * (b[0] - a[0]) + rng.uniform(-scale, scale),
            a[1] + t * (b[1] - a[1]) + rng.uniform(-scale, scale),
        ];
        // Longitudes past ±180° are wrapped by vigia but not by geo's planar test: not comparable.
        if (-180.0..180.0).contains(&p[0]) {
            points.push(p);
        }
    }
    let mut inside = 0usize;
    let mut disagreements = Vec::new();
    for p in &points {
        let ours = index.contains(id, p[1], p[0]);
        let theirs = reference.contains(&Coord { x: p[0], y: p[1] });
        inside += usize::from(ours);
        if ours != theirs {
            disagreements.push(*p);
        }
    }
    let unexplained: Vec<_> = disagreements
        .iter()
        .filter(|p| degrees_to_nearest_edge(zone, **p) > 1e-9)
        .collect();
    eprintln!(
        "{name}: {} points, {inside} inside, {} disagreements with geo, {} farther than 1e-9° from an edge",
        points.len(),
        disagreements.len(),
        unexplained.len()
    );
    assert!(inside > points.len() / 10, "the sample reaches inside");
    assert!(unexplained.is_empty(), "{name}: {unexplained:?}");
}

#[test]
fn grid_agrees_with_geo_contains_around_mexico() {
    // The bounding box of MEX's sovereign polygon plus about 100 nm.
    differential("MEX", &[[-120.3, 12.7, -84.8, 34.4]], 250_000, 250_000, 1);
}

#[test]
fn grid_agrees_with_geo_contains_around_the_united_states() {
    let boxes = [
        [-126.0, 23.0, -65.0, 50.0],  // contiguous states
        [-180.0, 50.0, -129.0, 72.0], // Alaska
        [172.0, 50.0, 180.0, 56.0],   // the Aleutians west of the antimeridian
        [-161.0, 18.5, -154.0, 22.5], // Hawaii
        [-68.0, 17.5, -64.0, 19.0],   // Puerto Rico and the US Virgin Islands
    ];
    differential("USA", &boxes, 250_000, 250_000, 2);
}
