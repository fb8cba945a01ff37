//! Distances on the mean-radius sphere, for the stages that need a quick, good-enough Earth:
//! plausibility of speeds (`vigia-track`), the shapes of orbits and surveys (`vigia-detect`),
//! flying the simulator's scenarios (`vigia-sim`).
//!
//! A sphere of the IUGG mean radius R1 = 6 371 008.8 m departs from the WGS84 ellipsoid by up to
//! ~0.3 %: far below what those uses need. Sovereignty geometry — distance to a boundary,
//! crossings — is `vigia-zones`' ellipsoidal model, never this. Haversine formula (R. W.
//! Sinnott, "Virtues of the Haversine", Sky and Telescope 68(2), 1984).

/// Mean Earth radius, metres (IUGG R1).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Metres in one international nautical mile.
pub const METRES_PER_NM: f64 = 1852.0;

/// Central angle between two points given in degrees, radians (haversine).
pub fn central_angle_rad(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp * 0.5).sin().powi(2) + p1.cos() * p2.cos() * (dl * 0.5).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// Great-circle distance between two points given in degrees, metres.
///
/// ```
/// use vigia_modes::sphere::distance_m;
/// // One degree of latitude: 111.2 km on this sphere.
/// assert!((distance_m(10.0, 20.0, 11.0, 20.0) - 111_195.0).abs() < 1.0);
/// ```
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    EARTH_RADIUS_M * central_angle_rad(lat1, lon1, lat2, lon2)
}

/// Initial course from point 1 to point 2, degrees true in `0..360`.
pub fn course_deg(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}
