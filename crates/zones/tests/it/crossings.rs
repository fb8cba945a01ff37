//! Crossings on synthetic paths with a known answer, on buffered zones, and on a real calibration flight around
//! Guatemala City; ellipsoidal distances against Karney's geodesics (georust `geo`'s `Geodesic`).

use crate::support::{north_america, zone, Rng};
use geo::{Distance, Geodesic, Point};
use vigia_zones::sphere::{distance_m, METRES_PER_NM};
use vigia_zones::{Direction, TimedPoint, ZoneId, ZoneIndex, ZoneSet};

fn geodesic_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    Geodesic.distance(Point::new(lon1, lat1), Point::new(lon2, lat2))
}

fn at(ts: f64, latitude: f64, longitude: f64) -> TimedPoint {
    TimedPoint {
        ts,
        latitude,
        longitude,
    }
}

#[test]
fn lambert_distance_agrees_with_karney_geodesics() {
    let mut rng = Rng::new(7);
    let mut worst = 0.0f64;
    for _ in 0..20_000 {
        let (lat1, lon1) = (rng.uniform(-70.0, 70.0), rng.uniform(-180.0, 180.0));
        let (lat2, lon2) = (lat1 + rng.uniform(-4.0, 4.0), lon1 + rng.uniform(-4.0, 4.0));
        let (ours, karney) = (
            distance_m(lat1, lon1, lat2, lon2),
            geodesic_m(lat1, lon1, lat2, lon2),
        );
        worst = worst.max((ours - karney).abs());
    }
    eprintln!("Lambert vs Karney, up to ~600 km: worst {worst:.4} m");
    assert!(worst < 1.0, "{worst} m");
}

/// A zone whose northern edge runs along the parallel 20°N (a straight line in longitude/latitude).
fn strip() -> ZoneIndex {
    let text =
        r#"{"type":"Polygon","coordinates":[[[-110,10],[-90,10],[-90,20],[-110,20],[-110,10]]]}"#;
    ZoneIndex::new(&ZoneSet::from_geojson_str(text, "strip.geojson").expect("valid"))
}

#[test]
fn synthetic_crossings_are_within_a_metre_of_the_true_crossing() {
    let index = strip();
    let mut rng = Rng::new(11);
    let mut worst_m = 0.0f64;
    let mut worst_s = 0.0f64;
    for _ in 0..2_000 {
        // Southbound from north of 20°N to south of it, up to ~100 km, 10–600 s apart.
        let (lat1, lon1) = (20.0 + rng.uniform(0.001, 0.5), rng.uniform(-105.0, -95.0));
        let (lat2, lon2) = (
            20.0 - rng.uniform(0.001, 0.5),
            lon1 + rng.uniform(-0.5, 0.5),
        );
        let dt = rng.uniform(10.0, 600.0);
        let crossings = index.crossings(
            ZoneId(0),
            at(1000.0, lat1, lon1),
            at(1000.0 + dt, lat2, lon2),
        );
        assert_eq!(crossings.len(), 1, "{lat1},{lon1} → {lat2},{lon2}");
        let c = crossings[0];
        assert_eq!(c.direction, Direction::Entry);
        assert_eq!((c.ts_before, c.ts_after), (1000.0, 1000.0 + dt));
        // On the boundary: the parallel 20°N.
        worst_m = worst_m.max(geodesic_m(c.latitude, c.longitude, 20.0, c.longitude));
        // On the path, at the time its distance from the start implies (constant speed).
        let (d1, d2) = (
            geodesic_m(lat1, lon1, c.latitude, c.longitude),
            geodesic_m(c.latitude, c.longitude, lat2, lon2),
        );
        let total = geodesic_m(lat1, lon1, lat2, lon2);
        worst_m = worst_m.max(d1 + d2 - total);
        worst_s = worst_s.max((c.ts - (1000.0 + dt * d1 / total)).abs());
        assert!((c.uncertainty_s - (c.ts - 1000.0).max(1000.0 + dt - c.ts)).abs() < 1e-9);
    }
    eprintln!("synthetic crossings: worst {worst_m:.4} m off, {worst_s:.5} s off");
    assert!(worst_m < 1.0, "{worst_m} m");
    assert!(worst_s < 0.05, "{worst_s} s");
}

#[test]
fn corner_of_the_territorial_sea_clipped_between_samples_60_s_apart() {
    let index = &north_america().1;
    let mex = zone("MEX");
    // Off Cabo San Lucas the 12 nm line bends around the cape; a path that skims the bend from west to east,
    // both samples outside.
    let mut found = None;
    'search: for k in 0..400 {
        let lat = 22.70 - k as f64 * 0.002;
        let (p1, p2) = (at(0.0, lat, -110.05), at(60.0, lat, -109.75));
        if index.contains(mex, p1.latitude, p1.longitude)
            || index.contains(mex, p2.latitude, p2.longitude)
        {
            continue;
        }
        let c = index.crossings(mex, p1, p2);
        if c.len() == 2 {
            found = Some((lat, c));
            break 'search;
        }
    }
    let (lat, c) = found.expect("a clipping path exists off the cape");
    assert_eq!(
        [c[0].direction, c[1].direction],
        [Direction::Entry, Direction::Exit],
        "at {lat}"
    );
    for x in &c {
        let d = index
            .distance_to_boundary_nm(mex, x.latitude, x.longitude)
            .expect("valid");
        assert!(d * METRES_PER_NM < 1.0, "{d} nm from the boundary");
    }
    // Between the two crossings the path is inside.
    let mid = (c[0].longitude + c[1].longitude) / 2.0;
    assert!(index.contains(mex, (c[0].latitude + c[1].latitude) / 2.0, mid));
}

#[test]
fn buffered_zone_crossing_lies_at_the_buffer_distance() {
    let set = ZoneSet::parse_spec("SLV+50nm").expect("bundled");
    let index = ZoneIndex::new(&set);
    // Northbound from the open Pacific towards San Salvador.
    let c = index.crossings(ZoneId(0), at(0.0, 11.0, -89.2), at(1800.0, 13.7, -89.2));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].direction, Direction::Entry);
    let to_base_nm = index
        .boundary_distance(ZoneId(0))
        .nearest(c[0].latitude, c[0].longitude)
        .expect("valid")
        .distance_nm();
    assert!(
        (to_base_nm - 50.0).abs() * METRES_PER_NM < 1.0,
        "{to_base_nm}"
    );
}

fn guatemala_flight() -> Vec<TimedPoint> {
    let text = include_str!("../data/calibration_guatemala.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).expect("column");
    let (ts, lat, lon) = (col("timestamp"), col("latitude"), col("longitude"));
    lines
        .filter_map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            Some(at(
                f[ts].parse().ok()?,
                f[lat].parse().ok()?,
                f[lon].parse().ok()?,
            ))
        })
        .collect()
}

#[test]
fn guatemala_calibration_flight_stays_in_guatemala() {
    let index = &north_america().1;
    let gtm = zone("GTM");
    let track = guatemala_flight();
    assert_eq!(track.len(), 1855);
    assert!(track
        .iter()
        .all(|p| index.contains(gtm, p.latitude, p.longitude)));
    for pair in track.windows(2) {
        assert!(index.crossings(gtm, pair[0], pair[1]).is_empty());
    }
    // Its nearest approach to the border (from inside): El Salvador's border, south-east of the orbits.
    let closest = index.closest_approach(gtm, &track).expect("a boundary");
    eprintln!("Guatemala calibration flight, closest to GTM's boundary: {closest:?}");
    assert!(
        closest.distance_nm > 5.0 && closest.distance_nm < 60.0,
        "{closest:?}"
    );
    let at_samples = track
        .iter()
        .map(|p| {
            index
                .distance_to_boundary_nm(gtm, p.latitude, p.longitude)
                .expect("valid")
        })
        .fold(f64::INFINITY, f64::min);
    assert!(closest.distance_nm <= at_samples + 1e-9);
}

/// A custom zone: the 20 nm circle around La Aurora airport (MGGT), drawn as a 720-gon whose vertices lie on the
/// geodesic circle, so its edges stray at most ~0.4 m inside the circle.
fn la_aurora_circle() -> ZoneIndex {
    let (lat0, lon0) = (14.5833, -90.5275);
    let radius_m = 20.0 * METRES_PER_NM;
    let ring: Vec<String> = (0..=720)
        .map(|k| {
            let bearing = (k % 720) as f64 * 0.5;
            // Walk along the bearing until the geodesic distance is the radius (bisection on the step).
            let (mut lo, mut hi) = (0.0, 1.0);
            for _ in 0..60 {
                let s = (lo + hi) / 2.0;
                let (lat, lon) = (
                    lat0 + s * bearing.to_radians().cos(),
                    lon0 + s * bearing.to_radians().sin() / lat0.to_radians().cos(),
                );
                if geodesic_m(lat0, lon0, lat, lon) < radius_m {
                    lo = s
                } else {
                    hi = s
                }
            }
            let (lat, lon) = (
                lat0 + lo * bearing.to_radians().cos(),
                lon0 + lo * bearing.to_radians().sin() / lat0.to_radians().cos(),
            );
            format!("[{lon},{lat}]")
        })
        .collect();
    let text = format!(
        r#"{{"type":"Feature","properties":{{"name":"MGGT 20nm"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
        ring.join(",")
    );
    ZoneIndex::new(&ZoneSet::from_geojson_str(&text, "mggt.geojson").expect("valid"))
}

#[test]
fn guatemala_calibration_flight_crosses_a_circle_around_la_aurora() {
    let index = la_aurora_circle();
    let circle = ZoneId(0);
    let track = guatemala_flight();
    let mut count = 0;
    for pair in track.windows(2) {
        let crossings = index.crossings(circle, pair[0], pair[1]);
        let (in1, in2) = (
            index.contains(circle, pair[0].latitude, pair[0].longitude),
            index.contains(circle, pair[1].latitude, pair[1].longitude),
        );
        assert_eq!(crossings.len() % 2 == 1, in1 != in2);
        for c in &crossings {
            count += 1;
            assert!(pair[0].ts <= c.ts && c.ts <= pair[1].ts);
            assert!(c.uncertainty_s <= pair[1].ts - pair[0].ts);
            // On the circle: 20 nm from the airport, to the polygon's ~0.4 m and 1 m of crossing error.
            let r = geodesic_m(14.5833, -90.5275, c.latitude, c.longitude);
            assert!((r - 20.0 * METRES_PER_NM).abs() < 1.5, "{r} m");
        }
    }
    eprintln!("Guatemala calibration flight: {count} crossings of the 20 nm circle");
    assert!(count >= 2);
}
