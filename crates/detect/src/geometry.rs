//! Small spherical helpers the behaviour detectors share: distance, initial course, a local
//! flat projection. Spherical Earth, mean radius 6 371 008.8 m (IUGG): errors of a few tenths of
//! a percent, far below what orbit and survey shapes need. Sovereignty geometry lives in
//! `vigia-zones`, not here.

/// Mean Earth radius, metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres (haversine).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// Initial course from point 1 to point 2, degrees true in `0..360`.
pub fn course_deg(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dl = (lon2 - lon1).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// Signed smallest turn from course `a` to course `b`, degrees in `(-180, 180]`; positive is
/// a right (clockwise) turn.
pub fn turn_deg(a: f64, b: f64) -> f64 {
    let d = (b - a).rem_euclid(360.0);
    if d > 180.0 {
        d - 360.0
    } else {
        d
    }
}

/// East/north metres of a point relative to an origin (equirectangular; fine over ~100 km).
pub fn local_xy_m(origin_lat: f64, origin_lon: f64, lat: f64, lon: f64) -> (f64, f64) {
    let dlon = turn_deg(origin_lon, lon);
    let x = dlon.to_radians() * EARTH_RADIUS_M * origin_lat.to_radians().cos();
    let y = (lat - origin_lat).to_radians() * EARTH_RADIUS_M;
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude() {
        assert!((distance_m(0.0, 0.0, 1.0, 0.0) - 111_195.0).abs() < 1.0);
        assert!((course_deg(0.0, 0.0, 1.0, 0.0) - 0.0).abs() < 1e-9);
        assert!((course_deg(0.0, 0.0, 0.0, 1.0) - 90.0).abs() < 1e-9);
        assert_eq!(turn_deg(350.0, 10.0), 20.0);
        assert_eq!(turn_deg(10.0, 350.0), -20.0);
    }
}
