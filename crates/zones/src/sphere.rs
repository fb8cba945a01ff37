//! Geodesy on the WGS84 ellipsoid through its auxiliary sphere: unit vectors, Lambert's ellipsoidal distance,
//! great-circle interpolation.
//!
//! Owns the distance model and its units (metres, nautical miles). Does not own any search structure (see
//! [`crate::distance`]).
//!
//! # Model and error
//! A point of geodetic latitude φ is placed on the unit sphere at its *reduced* latitude
//! β = atan((1 − f) tan φ). Nearest-point searches run on that sphere with exact vector formulas; the final
//! distance between a point and its nearest boundary point is Lambert's formula for the WGS84 ellipsoid
//! (W. D. Lambert, 1942, "The distance between two widely separated points on the surface of the earth",
//! J. Washington Academy of Sciences 32(5): 125–130), whose error is of order f²: under 1 m up to ~600 km
//! (the integration tests compare 20 000 random pairs with Karney's geodesics, georust `geo`'s `Geodesic`:
//! worst 0.87 m) and ~10 m over thousands of km. Which boundary point is nearest is decided with a
//! first-order ellipsoidal correction of the chord (see [`crate::distance`]), so the nearest point is the
//! ellipsoid's up to a relative error ≲ 1e-5 (sampled worst: 0.1 m at 32 km).

/// WGS84 semi-major axis, metres.
pub const WGS84_A_M: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;
/// Metres in one international nautical mile.
pub const METRES_PER_NM: f64 = 1852.0;

/// A unit vector on the auxiliary (reduced-latitude) sphere.
pub type UnitVector = [f64; 3];

/// The auxiliary-sphere unit vector of a geodetic latitude/longitude in degrees.
#[inline]
pub fn to_unit(latitude_deg: f64, longitude_deg: f64) -> UnitVector {
    let (sin_phi, cos_phi) = latitude_deg.to_radians().sin_cos();
    let (sin_lambda, cos_lambda) = longitude_deg.to_radians().sin_cos();
    let s = (1.0 - WGS84_F) * sin_phi;
    let inv = 1.0 / (cos_phi * cos_phi + s * s).sqrt();
    let (sin_beta, cos_beta) = (s * inv, cos_phi * inv);
    [cos_beta * cos_lambda, cos_beta * sin_lambda, sin_beta]
}

/// Geodetic `(latitude, longitude)` in degrees of an auxiliary-sphere vector (normalised first).
#[inline]
pub fn to_lat_lon(v: UnitVector) -> (f64, f64) {
    let horizontal = v[0].hypot(v[1]);
    let latitude = v[2].atan2((1.0 - WGS84_F) * horizontal).to_degrees();
    let longitude = if horizontal == 0.0 {
        0.0
    } else {
        v[1].atan2(v[0]).to_degrees()
    };
    (latitude, longitude)
}

/// Lambert's ellipsoidal distance in metres between two auxiliary-sphere unit vectors.
///
/// With σ the central angle on the auxiliary sphere, P = (β₁+β₂)/2, Q = (β₂−β₁)/2:
/// `d = a (σ − f/2 (X + Y))`, `X = (σ − sin σ) sin²P cos²Q / cos²(σ/2)`,
/// `Y = (σ + sin σ) cos²P sin²Q / sin²(σ/2)`. Here `sin P cos Q = (z₁+z₂)/2` and `cos P sin Q = (z₂−z₁)/2`
/// and σ comes from the chord, so no trigonometry beyond one `asin` and one `sin` is needed (none below
/// ~64 km). Not for nearly antipodal points (cos(σ/2) → 0).
#[inline]
pub fn lambert_distance_m(p: UnitVector, q: UnitVector) -> f64 {
    let chord2 = sub(p, q).iter().map(|c| c * c).sum::<f64>();
    if chord2 == 0.0 {
        return 0.0;
    }
    let half_chord = (chord2.sqrt() / 2.0).min(1.0);
    let sin2_half = chord2 / 4.0;
    // Below ~64 km, short Taylor series replace asin and sin (exact to f64 rounding: the first omitted terms
    // are below 1e-17 relative) and give σ − sin σ without cancellation.
    let (sigma, sigma_minus_sin, sigma_plus_sin) = if half_chord < 0.005 {
        let h2 = sin2_half;
        let sigma =
            2.0 * half_chord * (1.0 + h2 * (1.0 / 6.0 + h2 * (3.0 / 40.0 + h2 * (5.0 / 112.0))));
        let s2 = sigma * sigma;
        let minus = sigma * s2 * (1.0 / 6.0 - s2 * (1.0 / 120.0 - s2 * (1.0 / 5040.0)));
        (sigma, minus, 2.0 * sigma - minus)
    } else {
        let sigma = 2.0 * half_chord.asin();
        let sin_sigma = sigma.sin();
        (sigma, sigma - sin_sigma, sigma + sin_sigma)
    };
    let cos2_half = (1.0 - sin2_half).max(f64::MIN_POSITIVE);
    let sp_cq = (p[2] + q[2]) / 2.0;
    let cp_sq = (q[2] - p[2]) / 2.0;
    let x = sigma_minus_sin * sp_cq * sp_cq / cos2_half;
    let y = sigma_plus_sin * cp_sq * cp_sq / sin2_half;
    WGS84_A_M * (sigma - WGS84_F / 2.0 * (x + y))
}

/// Ellipsoidal distance in metres between two geodetic positions in degrees (Lambert's formula).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    lambert_distance_m(to_unit(lat1, lon1), to_unit(lat2, lon2))
}

/// The point a fraction `t ∈ [0, 1]` of the way along the great circle from `a` to `b` (spherical linear
/// interpolation; Shoemake 1985). Falls back to the normalised chord for (nearly) coincident points.
#[inline]
pub fn slerp(a: UnitVector, b: UnitVector, t: f64) -> UnitVector {
    let chord = norm(sub(b, a));
    let omega = 2.0 * (chord / 2.0).min(1.0).asin();
    if omega < 1e-12 {
        return normalize(add(a, scale(sub(b, a), t)));
    }
    let s = omega.sin();
    let wa = ((1.0 - t) * omega).sin() / s;
    let wb = (t * omega).sin() / s;
    normalize(add(scale(a, wa), scale(b, wb)))
}

/// Central angle in radians between two unit vectors (numerically stable for small angles).
#[inline]
pub fn central_angle(a: UnitVector, b: UnitVector) -> f64 {
    2.0 * (norm(sub(a, b)) / 2.0).min(1.0).asin()
}

#[inline]
pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

#[inline]
pub(crate) fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

#[inline]
pub(crate) fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

#[inline]
pub(crate) fn add(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

#[inline]
pub(crate) fn scale(a: [f64; 3], k: f64) -> [f64; 3] {
    [a[0] * k, a[1] * k, a[2] * k]
}

#[inline]
pub(crate) fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

#[inline]
pub(crate) fn normalize(a: [f64; 3]) -> [f64; 3] {
    let n = norm(a);
    if n == 0.0 {
        a
    } else {
        scale(a, 1.0 / n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_of_lat_lon_through_the_auxiliary_sphere() {
        for &(lat, lon) in &[
            (0.0, 0.0),
            (32.5, -117.0),
            (-45.0, 170.0),
            (89.9, 10.0),
            (14.6, -90.5),
        ] {
            let (lat2, lon2) = to_lat_lon(to_unit(lat, lon));
            assert!(
                (lat - lat2).abs() < 1e-12 && (lon - lon2).abs() < 1e-12,
                "{lat},{lon}"
            );
        }
    }

    #[test]
    fn one_degree_of_latitude_and_of_equatorial_longitude() {
        // Meridian arc 0°→1°: 110 574.4 m; equator 0°→1° of longitude: 111 319.5 m (WGS84).
        let meridian = distance_m(0.0, 0.0, 1.0, 0.0);
        let equator = distance_m(0.0, 0.0, 0.0, 1.0);
        assert!((meridian - 110_574.4).abs() < 0.5, "{meridian}");
        assert!((equator - 111_319.5).abs() < 0.5, "{equator}");
    }

    #[test]
    fn series_and_trigonometry_agree_where_they_meet() {
        // Just below and above the switch (half chord 0.005): the two branches give the same distance.
        let p = to_unit(20.0, -100.0);
        for &dlat in &[0.5729, 0.5730, 0.5731, 0.01, 1e-7] {
            let q = to_unit(20.0 + dlat, -100.0 + dlat);
            let d = lambert_distance_m(p, q);
            let h = norm(sub(p, q)) / 2.0;
            let sigma = 2.0 * h.asin();
            let (x, y) = ((sigma - sigma.sin()), (sigma + sigma.sin()));
            let (sp, cp) = ((p[2] + q[2]) / 2.0, (q[2] - p[2]) / 2.0);
            let reference = WGS84_A_M
                * (sigma - WGS84_F / 2.0 * (x * sp * sp / (1.0 - h * h) + y * cp * cp / (h * h)));
            assert!(
                (d - reference).abs() <= 1e-9 * reference + 1e-9,
                "{dlat}: {d} vs {reference}"
            );
        }
    }

    #[test]
    fn slerp_halfway_is_equidistant() {
        let a = to_unit(10.0, -100.0);
        let b = to_unit(20.0, -90.0);
        let m = slerp(a, b, 0.5);
        assert!((central_angle(a, m) - central_angle(m, b)).abs() < 1e-12);
        assert!((norm(m) - 1.0).abs() < 1e-15);
    }
}
