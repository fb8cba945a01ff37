//! Small spherical helpers the behaviour detectors share: distance, initial course, a local
//! flat projection. Spherical Earth, mean radius 6 371 008.8 m (IUGG): errors of a few tenths of
//! a percent, far below what orbit and survey shapes need. Sovereignty geometry lives in
//! `vigia-zones`, not here.

pub use vigia_modes::sphere::{course_deg, distance_m, EARTH_RADIUS_M};

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
