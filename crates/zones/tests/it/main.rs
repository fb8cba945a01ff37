//! Integration tests of vigia-zones: the bundled boundaries, known places, a differential test against georust
//! `geo`, property tests, and crossings on synthetic paths and a real flight.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bundled;
mod crossings;
mod differential;
mod export;
mod places;
mod properties;
mod support;

#[cfg(unix)]
#[test]
fn an_endless_zone_file_is_refused_at_the_limit() {
    // `--zones /dev/zero` read until memory ran out.
    let error = vigia_zones::ZoneSet::from_geojson("/dev/zero").unwrap_err();
    assert!(error.to_string().contains("larger than 128 MiB"), "{error}");
}

#[test]
fn a_bundled_sovereign_zone_knows_its_land_territory() {
    let set = vigia_zones::ZoneSet::parse_spec("MEX,MEX+50nm").unwrap();
    let index = vigia_zones::ZoneIndex::new(&set);
    let mex = index.id("MEX").unwrap();
    let land = index.land(mex).expect("MEX.land is bundled");
    // Hermosillo is over land, ~100 km from the Gulf of California; a point 5 NM off
    // Ensenada is in the territorial sea, not over land.
    assert!(land.contains(29.0729, -110.9559));
    let d = land.distance_nm(29.0729, -110.9559).unwrap();
    assert!((40.0..70.0).contains(&d), "{d}");
    assert!(!land.contains(31.80, -116.75));
    assert!(index.contains(mex, 31.80, -116.75));
    // A buffered zone is not a country: no land territory.
    assert!(index.land(index.id("MEX+50nm").unwrap()).is_none());
}

#[test]
fn an_island_in_a_lake_is_land_territory() {
    // Ometepe, an island in Lake Nicaragua: inside the lake (a hole of NIC.land) inside the
    // mainland; the even-odd rule over exteriors read it as outside.
    let set = vigia_zones::ZoneSet::parse_spec("NIC").unwrap();
    let index = vigia_zones::ZoneIndex::new(&set);
    let land = index.land(index.id("NIC").unwrap()).unwrap();
    assert!(land.contains(11.5, -85.6), "Ometepe");
    assert!(
        land.contains(11.9, -85.6),
        "Lake Nicaragua is territory too"
    );
    assert!(land.contains(12.13, -86.25), "Managua");
}
