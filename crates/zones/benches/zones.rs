//! Point-in-zone and distance-to-boundary throughput on Mexico's sovereign polygon (22 215 vertices), against
//! georust `geo` in the same run.
//!
//! - containment: 10 M uniform random points over MEX's bounding box grown by 100 nm; vigia's prepared grid
//!   vs `geo::algorithm::indexed::IntervalTreeMultiPolygon` (geo's fastest prepared containment);
//! - distance: 200 k points within ~30 nm of the boundary; vigia's `BoundaryDistance` (ellipsoidal) vs an
//!   `rstar` R-tree of `geo::Line`s (nearest segment in degrees, then haversine to its closest point).
//!
//! Run: `cargo bench -p vigia-zones --bench zones`. Criterion prints throughput in elements/s for each.
//!
//! Measured on the 2-core development VM (shared with other builds, so ±30 % between runs), one run:
//!
//! | benchmark                       | vigia                             | geo peer      | ratio   |
//! |---------------------------------|-----------------------------------|---------------|---------|
//! | containment, 10 M points        | 98 M/s (`ZoneIndex::contains`),   | 5.4 M/s       | 18–23 × |
//! |                                 | 126 M/s (`PreparedPolygon`)       |               |         |
//! | distance, 200 k near the border | 2.7 M/s (ellipsoidal)             | 0.73 M/s      | 3.7 ×   |
//! | distance, 200 k over bbox+100nm | 2.7 M/s                           | 0.65 M/s      | 4.1 ×   |
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use geo::algorithm::indexed::IntervalTreeMultiPolygon;
use geo::{
    ClosestPoint, Contains, Coord, Distance, Haversine, Line, LineString, MultiPolygon, Point,
    Polygon,
};
use std::hint::black_box;
use std::time::Duration;
use vigia_zones::{ZoneIndex, ZoneSet};

struct Rng(u64);

impl Rng {
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        lo + (hi - lo) * (((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64)
    }
}

fn to_geo(zones: &ZoneSet) -> MultiPolygon<f64> {
    let ring = |r: &vigia_zones::polygon::Ring| {
        let mut c: Vec<Coord<f64>> = r
            .vertices()
            .iter()
            .map(|v| Coord { x: v[0], y: v[1] })
            .collect();
        c.push(c[0]);
        LineString::new(c)
    };
    MultiPolygon::new(
        zones.zones()[0]
            .geometry
            .polygons
            .iter()
            .map(|p| Polygon::new(ring(&p.exterior), p.holes.iter().map(ring).collect()))
            .collect(),
    )
}

fn benches(c: &mut Criterion) {
    let zones = ZoneSet::bundled(&["MEX"]).expect("bundled");
    let index = ZoneIndex::new(&zones);
    let mex = index.id("MEX").expect("bundled");
    let geo_mp = to_geo(&zones);
    let tree = IntervalTreeMultiPolygon::new(&geo_mp);

    // MEX bbox: lon [-118.599, -86.493], lat [14.389, 32.719]; 100 nm = 1.667° of latitude and 1.98° of
    // longitude at the box's northern edge.
    let mut rng = Rng(42);
    let points: Vec<(f64, f64)> = (0..10_000_000)
        .map(|_| {
            (
                rng.uniform(14.389 - 1.667, 32.719 + 1.667),
                rng.uniform(-118.599 - 1.98, -86.493 + 1.98),
            )
        })
        .collect();
    let ours = points
        .iter()
        .filter(|&&(lat, lon)| index.contains(mex, lat, lon))
        .count();
    let theirs = points
        .iter()
        .filter(|&&(lat, lon)| tree.contains(&Coord { x: lon, y: lat }))
        .count();
    assert_eq!(ours, theirs, "same answers before timing");

    let mut group = c.benchmark_group("contains_mex_10M_points");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(points.len() as u64));
    group.bench_function("vigia_zone_index", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|&&(lat, lon)| index.contains(mex, lat, lon))
                .count()
        })
    });
    let grid = index.grid(mex);
    group.bench_function("vigia_prepared_polygon", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|&&(lat, lon)| grid.contains([lon, lat]))
                .count()
        })
    });
    group.bench_function("geo_interval_tree", |b| {
        b.iter(|| {
            points
                .iter()
                .filter(|&&(lat, lon)| tree.contains(&Coord { x: lon, y: lat }))
                .count()
        })
    });
    group.finish();

    // Points near the border: a random boundary vertex moved up to ±0.5° (~30 nm).
    let vertices: Vec<[f64; 2]> = zones.zones()[0]
        .geometry
        .rings()
        .flat_map(|r| r.vertices().to_vec())
        .collect();
    let near: Vec<(f64, f64)> = (0..200_000)
        .map(|_| {
            let v = vertices
                [(rng.uniform(0.0, vertices.len() as f64) as usize).min(vertices.len() - 1)];
            (v[1] + rng.uniform(-0.5, 0.5), v[0] + rng.uniform(-0.5, 0.5))
        })
        .collect();
    let distances = index.boundary_distance(mex);
    let lines: Vec<Line<f64>> = geo_mp
        .iter()
        .flat_map(|p| {
            p.exterior()
                .lines()
                .chain(p.interiors().iter().flat_map(|r| r.lines()))
                .collect::<Vec<_>>()
        })
        .collect();
    let rtree = rstar::RTree::bulk_load(lines);
    let geo_distance = |lat: f64, lon: f64| {
        let p = Point::new(lon, lat);
        let line = rtree.nearest_neighbor(&p).expect("edges");
        match line.closest_point(&p) {
            geo::Closest::Intersection(q) | geo::Closest::SinglePoint(q) => {
                Haversine.distance(p, q)
            }
            geo::Closest::Indeterminate => f64::NAN,
        }
    };
    let mut group = c.benchmark_group("distance_mex_200k_points_near_border");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(near.len() as u64));
    group.bench_function("vigia_boundary_distance", |b| {
        b.iter(|| {
            near.iter()
                .map(|&(lat, lon)| distances.nearest(lat, lon).map_or(0.0, |n| n.distance_m))
                .sum::<f64>()
        })
    });
    group.bench_function("geo_rstar_haversine", |b| {
        b.iter(|| {
            near.iter()
                .map(|&(lat, lon)| geo_distance(lat, lon))
                .sum::<f64>()
        })
    });
    group.finish();

    // Same for uniform points over the bounding box + 100 nm (many far from the border).
    let spread = &points[..200_000];
    let mut group = c.benchmark_group("distance_mex_200k_points_bbox");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4))
        .warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements(spread.len() as u64));
    group.bench_function("vigia_boundary_distance", |b| {
        b.iter(|| {
            spread
                .iter()
                .map(|&(lat, lon)| distances.nearest(lat, lon).map_or(0.0, |n| n.distance_m))
                .sum::<f64>()
        })
    });
    group.bench_function("geo_rstar_haversine", |b| {
        b.iter(|| {
            spread
                .iter()
                .map(|&(lat, lon)| geo_distance(lat, lon))
                .sum::<f64>()
        })
    });
    group.finish();
    black_box(());
}

criterion_group!(zones_benches, benches);
criterion_main!(zones_benches);
