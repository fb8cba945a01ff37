//! Spherical geodesy for flying the scenarios: distance, bearing, destination, and the
//! cross-track/along-track split of a point against a great-circle segment.
//!
//! A sphere of the mean Earth radius (IUGG R1 = 6 371 008.8 m) is close enough for
//! kinematics: the simulator only needs the aircraft to move the distance its speed says,
//! and the truth is taken from the positions it computes, so the model's 0.3 % departure
//! from the ellipsoid never becomes an error between frames and truth. Formulas from
//! Chris Veness, "Calculate distance, bearing and more between latitude/longitude points"
//! (movable-type.co.uk), after Sinnott (1984) and the aviation formulary of Ed Williams.
//!
//! Angles in degrees at the interface, distances in metres.

pub use vigia_modes::sphere::{EARTH_RADIUS_M, METRES_PER_NM};
/// Metres per second in a knot.
pub const MPS_PER_KT: f64 = METRES_PER_NM / 3600.0;

/// A position: latitude and longitude in degrees.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Point {
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east, `-180..180`.
    pub lon: f64,
}

impl Point {
    /// A point from `[latitude, longitude]`, as scenarios write them.
    pub fn new(lat: f64, lon: f64) -> Self {
        Self {
            lat,
            lon: wrap_lon(lon),
        }
    }
}

/// Longitude folded into `-180..180`.
pub fn wrap_lon(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// Angular distance between two points, radians (haversine).
fn angle(a: Point, b: Point) -> f64 {
    vigia_modes::sphere::central_angle_rad(a.lat, a.lon, b.lat, b.lon)
}

/// Great-circle distance, metres.
pub fn distance_m(a: Point, b: Point) -> f64 {
    EARTH_RADIUS_M * angle(a, b)
}

/// Initial bearing from `a` to `b`, degrees `0..360` clockwise from north.
pub fn bearing_deg(a: Point, b: Point) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * p2.cos();
    let x = p1.cos() * p2.sin() - p1.sin() * p2.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// The point `distance_m` from `start` along the initial bearing `bearing_deg`.
pub fn destination(start: Point, bearing_deg: f64, distance_m: f64) -> Point {
    let d = distance_m / EARTH_RADIUS_M;
    let t = bearing_deg.to_radians();
    let p1 = start.lat.to_radians();
    let l1 = start.lon.to_radians();
    let p2 = (p1.sin() * d.cos() + p1.cos() * d.sin() * t.cos())
        .clamp(-1.0, 1.0)
        .asin();
    let l2 = l1 + (t.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * p2.sin());
    Point::new(p2.to_degrees(), l2.to_degrees())
}

/// Where `p` lies against the great circle from `a` to `b`: metres along it from `a`
/// (negative behind `a`) and metres across it (positive to the right).
pub fn along_across_m(a: Point, b: Point, p: Point) -> (f64, f64) {
    let d13 = angle(a, p);
    let t13 = bearing_deg(a, p).to_radians();
    let t12 = bearing_deg(a, b).to_radians();
    let across = (d13.sin() * (t13 - t12).sin()).clamp(-1.0, 1.0).asin();
    let along = (d13.cos() / across.cos()).clamp(-1.0, 1.0).acos();
    let sign = if (t13 - t12).cos() < 0.0 { -1.0 } else { 1.0 };
    (sign * along * EARTH_RADIUS_M, across * EARTH_RADIUS_M)
}

/// Signed difference `to - from` between two headings, degrees in `-180..180`.
pub fn heading_difference(from: f64, to: f64) -> f64 {
    (to - from + 540.0).rem_euclid(360.0) - 180.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destination_inverts_distance_and_bearing() {
        let tijuana = Point::new(32.5411, -116.9702);
        let el_paso = Point::new(31.8072, -106.3776);
        let d = distance_m(tijuana, el_paso);
        // About 540 nm apart.
        assert!(
            (d / METRES_PER_NM - 540.0).abs() < 5.0,
            "{}",
            d / METRES_PER_NM
        );
        let there = destination(tijuana, bearing_deg(tijuana, el_paso), d);
        assert!(distance_m(there, el_paso) < 0.01);
    }

    #[test]
    fn along_and_across_a_meridian() {
        let a = Point::new(0.0, 0.0);
        let b = Point::new(1.0, 0.0);
        // East of a northbound track is to the right.
        let (along, across) = along_across_m(a, b, Point::new(0.5, 0.01));
        assert!((along - 0.5 * 111_195.0).abs() < 50.0, "{along}");
        assert!((across - 0.01 * 111_195.0).abs() < 1.0, "{across}");
        let (behind, _) = along_across_m(a, b, Point::new(-0.1, 0.0));
        assert!(behind < 0.0);
    }

    #[test]
    fn heading_differences_take_the_short_way() {
        assert_eq!(heading_difference(350.0, 10.0), 20.0);
        assert_eq!(heading_difference(10.0, 350.0), -20.0);
        assert_eq!(wrap_lon(190.0), -170.0);
    }
}
