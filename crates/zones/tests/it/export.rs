//! Buffered zones drawn for export: valid polygons whose vertices lie on the exact buffer boundary.

use vigia_zones::sphere::METRES_PER_NM;
use vigia_zones::{ZoneId, ZoneIndex, ZoneSet};

#[test]
fn salvador_plus_12_nm_outline_is_valid_and_on_the_buffer() {
    let set = ZoneSet::parse_spec("SLV+12nm").expect("bundled");
    let index = ZoneIndex::new(&set);
    let outline = index.outline(ZoneId(0), 0.02);
    assert_eq!(outline.find_self_intersection(), None);
    assert!(!outline.polygons.is_empty());
    let base = index.boundary_distance(ZoneId(0));
    let mut checked = 0;
    for ring in outline.rings() {
        for v in ring.vertices().iter().step_by(7) {
            let d = base.nearest(v[1], v[0]).expect("valid").distance_m;
            assert!(
                (d - 12.0 * METRES_PER_NM).abs() <= 1.0,
                "{v:?} is {d} m from SLV"
            );
            checked += 1;
        }
    }
    assert!(checked > 50);
    // Every point of the drawn outline's interior sample is in the buffered zone, and vice versa.
    let drawn = {
        let mut s = ZoneSet::default();
        s.push(vigia_zones::Zone {
            name: "drawn".into(),
            kind: vigia_zones::ZoneKind::Custom,
            altitude_band_ft: None,
            geometry: outline,
            buffer_nm: 0.0,
            source: "outline".into(),
        });
        ZoneIndex::new(&s)
    };
    let mut disagreements = 0;
    let mut total = 0;
    for i in 0..60 {
        for j in 0..40 {
            let (lat, lon) = (12.5 + j as f64 * 0.05, -90.6 + i as f64 * 0.06);
            total += 1;
            if drawn.contains(ZoneId(0), lat, lon) != index.contains(ZoneId(0), lat, lon) {
                // Only within a lattice cell of the boundary (chords cut bends).
                let d = base.nearest(lat, lon).expect("valid").distance_m;
                assert!((d - 12.0 * METRES_PER_NM).abs() < 100.0, "{lat},{lon}: {d}");
                disagreements += 1;
            }
        }
    }
    assert!(disagreements * 100 < total, "{disagreements} of {total}");
}
