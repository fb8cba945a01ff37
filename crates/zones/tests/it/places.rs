//! Known places on both sides of the US–Mexico border and off the Mexican coast.

use crate::support::{north_america, zone};

fn zones_at(latitude: f64, longitude: f64) -> Vec<&'static str> {
    let index = &north_america().1;
    index
        .locate(latitude, longitude)
        .map(|z| index.name(z))
        .filter(|name| !name.ends_with(".land"))
        .collect()
}

#[test]
fn border_cities_are_in_their_own_country() {
    for (place, latitude, longitude, country) in [
        ("Tijuana", 32.5149, -117.0382, "MEX"),
        ("Ciudad Juárez", 31.6904, -106.4245, "MEX"),
        ("Matamoros", 25.8690, -97.5027, "MEX"),
        ("El Paso", 31.7619, -106.4850, "USA"),
        ("San Diego", 32.7157, -117.1611, "USA"),
        ("Brownsville", 25.9017, -97.4975, "USA"),
    ] {
        assert_eq!(zones_at(latitude, longitude), [country], "{place}");
    }
}

/// Walks west from Ensenada's shore until the point is `target_nm` from Mexico's land polygon.
fn off_ensenada(target_nm: f64) -> (f64, f64) {
    let index = &north_america().1;
    let land = zone("MEX.land");
    let latitude = 31.80;
    let mut longitude = -116.62; // Ensenada's waterfront
    while index
        .distance_to_boundary_nm(land, latitude, longitude)
        .expect("valid")
        < target_nm
        || index.contains(land, latitude, longitude)
    {
        longitude -= 0.001;
    }
    (latitude, longitude)
}

#[test]
fn territorial_sea_off_ensenada_ends_about_12_nm_out() {
    let (lat10, lon10) = off_ensenada(10.0);
    assert_eq!(
        zones_at(lat10, lon10),
        ["MEX"],
        "10 nm off Ensenada ({lat10}, {lon10})"
    );
    let (lat30, lon30) = off_ensenada(30.0);
    assert!(
        zones_at(lat30, lon30).is_empty(),
        "30 nm off Ensenada ({lat30}, {lon30})"
    );
}

#[test]
fn guadalupe_island_has_its_own_territorial_sea() {
    let index = &north_america().1;
    let (mex, land) = (zone("MEX"), zone("MEX.land"));
    // West of the island, 8–10 nm from its shore: sovereign sea, not land.
    let (lat, lon) = (29.05, -118.50);
    let to_shore = index
        .distance_to_boundary_nm(land, lat, lon)
        .expect("valid");
    assert!((5.0..11.0).contains(&to_shore), "{to_shore} nm from land");
    assert!(index.contains(mex, lat, lon) && !index.contains(land, lat, lon));
    // Half-way between the island and the peninsula: high seas.
    assert!(zones_at(29.2, -116.9).is_empty());
    // The island's sea is an island in the zone: its edge is about 12 nm from the shore.
    let mut lon_edge = -118.50;
    while index.contains(mex, lat, lon_edge) {
        lon_edge -= 0.0005;
    }
    let edge_to_shore = index
        .distance_to_boundary_nm(land, lat, lon_edge)
        .expect("valid");
    assert!((11.0..13.5).contains(&edge_to_shore), "{edge_to_shore}");
}

#[test]
fn gulf_of_mexico_between_the_two_territorial_seas_is_in_neither() {
    for (latitude, longitude) in [(25.0, -93.0), (26.5, -96.2), (23.0, -90.0)] {
        assert!(
            zones_at(latitude, longitude).is_empty(),
            "{latitude},{longitude}"
        );
    }
    // But 5 nm off Padre Island (Texas) is US territorial sea.
    assert_eq!(zones_at(26.8, -97.25), ["USA"]);
}

#[test]
fn invalid_positions_are_in_no_zone_and_have_no_distance() {
    let index = &north_america().1;
    let mex = zone("MEX");
    assert!(!index.contains(mex, f64::NAN, -100.0));
    assert!(!index.contains(mex, 95.0, -100.0));
    assert_eq!(index.distance_to_boundary_nm(mex, f64::NAN, -100.0), None);
    assert_eq!(
        index.distance_to_boundary_nm(mex, 20.0, f64::INFINITY),
        None
    );
    // Longitudes are wrapped: 260°E is 100°W.
    assert!(index.contains(mex, 20.0, 260.0));
}
