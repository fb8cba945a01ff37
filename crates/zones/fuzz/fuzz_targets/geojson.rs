//! Any bytes through the GeoJSON reader; whatever loads is indexed and queried. Nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vigia_zones::{TimedPoint, ZoneIndex, ZoneSet};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(set) = ZoneSet::from_geojson_str(text, "fuzz.geojson") else {
        return;
    };
    for warning in set.warnings() {
        let _ = warning.to_string();
    }
    // Keep each input cheap: skip huge geometries (the reader itself was exercised above).
    if set
        .zones()
        .iter()
        .map(|z| z.geometry.vertex_count())
        .sum::<usize>()
        > 2_000
    {
        return;
    }
    let index = ZoneIndex::new(&set);
    let mut probes = vec![
        (f64::NAN, 0.0),
        (0.0, f64::INFINITY),
        (90.0, 180.0),
        (-90.0, -180.0),
        (0.0, 180.0),
        (45.0, 720.0),
    ];
    for zone in set.zones() {
        for ring in zone.geometry.rings().take(4) {
            for v in ring.vertices().iter().take(8) {
                probes.push((v[1], v[0]));
                probes.push((v[1] + 1e-9, v[0] - 1e-9));
            }
        }
    }
    for zone in index.ids() {
        for &(lat, lon) in &probes {
            let _ = index.contains(zone, lat, lon);
            let _ = index.distance_to_boundary_nm(zone, lat, lon);
        }
        for pair in probes.windows(2).take(6) {
            let p1 = TimedPoint {
                ts: 0.0,
                latitude: pair[0].0,
                longitude: pair[0].1,
            };
            let p2 = TimedPoint {
                ts: 60.0,
                latitude: pair[1].0,
                longitude: pair[1].1,
            };
            let _ = index.crossings(zone, p1, p2);
        }
    }
    let _ = index.locate(10.0, 10.0).count();
});
