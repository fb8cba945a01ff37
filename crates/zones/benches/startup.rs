//! Start-up cost of every bundled zone, stage by stage, in one process run from cold (nothing
//! cached between zones but the code): decompress and parse the GeoJSON, prepare the
//! containment grid, answer the first containment query, and the first boundary-distance query
//! (which builds what the distance search needs), then the next thousand distance queries near
//! the first one (what a flight's next positions cost).
//!
//! `cargo bench -p vigia-zones --bench startup` prints one row per zone (milliseconds).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Instant;
use vigia_zones::{ZoneIndex, ZoneSet, BUNDLED};

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    println!(
        "{:<9} {:>9} {:>9} {:>9} {:>11} {:>13} {:>9}",
        "zone", "parse", "grid", "contains", "first dist", "next 1000", "total"
    );
    for bundled in BUNDLED {
        let start = Instant::now();
        let t = Instant::now();
        let set = ZoneSet::bundled(&[bundled.name]).expect("bundled zone parses");
        let parse = ms(t);
        let t = Instant::now();
        let index = ZoneIndex::new(&set);
        let grid = ms(t);
        let zone = index.ids().next().expect("one zone");
        // A point near the zone's boundary: the first vertex of its first ring, nudged.
        let first = set.zones()[0].geometry.polygons[0].exterior.vertices()[0];
        let (lat, lon) = (first[1] + 0.05, first[0] + 0.05);
        let t = Instant::now();
        let inside = index.contains(zone, lat, lon);
        let contains = ms(t);
        let t = Instant::now();
        let d = index
            .distance_to_boundary_nm(zone, lat, lon)
            .expect("a boundary");
        let first_distance = ms(t);
        let t = Instant::now();
        let mut sum = 0.0;
        for k in 0..1000 {
            let step = f64::from(k) * 0.0005;
            sum += index
                .distance_to_boundary_nm(zone, lat + step, lon - step)
                .expect("a boundary");
        }
        let next = ms(t);
        let total = ms(start);
        assert!(d.is_finite() && sum.is_finite());
        std::hint::black_box(inside);
        println!(
            "{:<9} {parse:>9.2} {grid:>9.2} {contains:>9.3} {first_distance:>11.2} {next:>13.2} {total:>9.2}",
            bundled.name
        );
    }
}
