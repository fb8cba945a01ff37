//! Property tests of the geometry invariants.

use crate::support::{north_america, zone};
use proptest::prelude::*;
use vigia_zones::grid::PreparedPolygon;
use vigia_zones::sphere::distance_m;
use vigia_zones::{Direction, TimedPoint};

/// A star-shaped ring around the origin from angular steps and radii (self-intersection free), snapped to a
/// coarse lattice so vertices often share coordinates with each other and with query points.
fn star_ring(radii: &[f64]) -> Vec<[f64; 2]> {
    let n = radii.len();
    let mut v: Vec<[f64; 2]> = radii
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let t = k as f64 / n as f64 * std::f64::consts::TAU;
            [
                (r * t.cos() * 64.0).round() / 64.0,
                (r * t.sin() * 64.0).round() / 64.0,
            ]
        })
        .collect();
    v.dedup();
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The grid equals the reference crossing-number rule everywhere: random points, lattice points (which sit
    /// exactly on vertices, edges and cell lines), and the vertices themselves.
    #[test]
    fn grid_equals_the_exact_rule(
        radii in prop::collection::vec(0.2f64..1.0, 3..60),
        points in prop::collection::vec((-1.2f64..1.2, -1.2f64..1.2), 200),
        lattice in prop::collection::vec((-80i32..80, -80i32..80), 200),
    ) {
        let ring = star_ring(&radii);
        prop_assume!(ring.len() >= 3);
        let edges: Vec<_> = (0..ring.len()).map(|i| (ring[i], ring[(i + 1) % ring.len()])).collect();
        let grid = PreparedPolygon::new(edges);
        let lattice_points = lattice.iter().map(|&(i, j)| [f64::from(i) / 64.0, f64::from(j) / 64.0]);
        for p in points.iter().map(|&(x, y)| [x, y]).chain(lattice_points).chain(ring.iter().copied()) {
            prop_assert_eq!(grid.contains(p), grid.contains_slow(p), "at {:?}", p);
        }
    }

    /// The number of crossings on a path has the parity of the change of state between its ends, and the
    /// directions alternate starting from the first sample's state.
    #[test]
    fn crossing_parity_matches_the_endpoints(
        lat1 in 13.0f64..18.5, lon1 in -93.0f64..-87.5,
        lat2 in 13.0f64..18.5, lon2 in -93.0f64..-87.5,
    ) {
        let index = &north_america().1;
        let gtm = zone("GTM");
        let p1 = TimedPoint { ts: 0.0, latitude: lat1, longitude: lon1 };
        let p2 = TimedPoint { ts: 600.0, latitude: lat2, longitude: lon2 };
        let crossings = index.crossings(gtm, p1, p2);
        let (in1, in2) = (index.contains(gtm, lat1, lon1), index.contains(gtm, lat2, lon2));
        prop_assert_eq!(crossings.len() % 2 == 1, in1 != in2);
        let mut state = in1;
        let mut last_ts = 0.0;
        for c in &crossings {
            prop_assert_eq!(c.direction == Direction::Entry, !state);
            prop_assert!(c.ts >= last_ts && c.ts <= 600.0);
            state = !state;
            last_ts = c.ts;
        }
    }

    /// Distance to the boundary is never negative, equals the brute-force search, and changes no faster than
    /// the point moves.
    #[test]
    fn distance_is_consistent(
        lat in 12.0f64..19.0, lon in -94.0f64..-86.5,
        dlat in -0.05f64..0.05, dlon in -0.05f64..0.05,
    ) {
        let index = &north_america().1;
        let gtm = zone("GTM");
        let d = index.distance_to_boundary_nm(gtm, lat, lon).expect("valid");
        prop_assert!(d >= 0.0);
        let brute = index.boundary_distance(gtm).nearest_brute_force(lat, lon).expect("valid");
        // The search picks the winner by a first-order ellipsoidal rank: within 1e-5 of the true minimum.
        prop_assert!(d >= brute.distance_nm() - 1e-9 && d <= brute.distance_nm() * (1.0 + 1e-5) + 1e-9,
            "{} vs brute force {}", d, brute.distance_nm());
        let (blat, blon) = brute.point();
        let foot = index.distance_to_boundary_nm(gtm, blat, blon).expect("valid");
        prop_assert!(foot < 0.001, "the nearest point is on the boundary: {}", foot);
        let moved = index.distance_to_boundary_nm(gtm, lat + dlat, lon + dlon).expect("valid");
        let step_nm = distance_m(lat, lon, lat + dlat, lon + dlon) / 1852.0;
        prop_assert!((moved - d).abs() <= step_nm * 1.0001 + 1e-4, "{} → {} over {} nm", d, moved, step_nm);
    }
}
