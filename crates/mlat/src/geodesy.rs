//! WGS-84 positions: geodetic (latitude, longitude, height above the ellipsoid) and
//! Earth-centred Earth-fixed (ECEF) metres, and the local east-north-up frame.

/// WGS-84 semi-major axis, metres.
pub const A: f64 = 6_378_137.0;
/// WGS-84 flattening.
pub const F: f64 = 1.0 / 298.257_223_563;
/// First eccentricity squared.
pub const E2: f64 = F * (2.0 - F);
/// Speed of light in vacuum, metres per second (the air slows it by ~3e-4, below the clocks'
/// noise over the ranges of one network).
pub const C: f64 = 299_792_458.0;

/// A geodetic position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geodetic {
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Height above the WGS-84 ellipsoid, metres.
    pub height_m: f64,
}

/// An ECEF position or vector, metres.
pub type Ecef = [f64; 3];

impl Geodetic {
    /// A position.
    pub fn new(lat: f64, lon: f64, height_m: f64) -> Self {
        Self { lat, lon, height_m }
    }

    /// Its ECEF coordinates.
    pub fn to_ecef(self) -> Ecef {
        let (phi, lambda) = (self.lat.to_radians(), self.lon.to_radians());
        let (sp, cp) = phi.sin_cos();
        let n = A / (1.0 - E2 * sp * sp).sqrt();
        [
            (n + self.height_m) * cp * lambda.cos(),
            (n + self.height_m) * cp * lambda.sin(),
            (n * (1.0 - E2) + self.height_m) * sp,
        ]
    }

    /// The geodetic position of an ECEF point (fixed-point iteration, the error shrinking by about
    /// e² per step: four steps reach well under a millimetre at any height an aircraft flies at).
    pub fn from_ecef(p: Ecef) -> Self {
        let [x, y, z] = p;
        let lon = y.atan2(x);
        let r = x.hypot(y);
        let mut phi = z.atan2(r * (1.0 - E2));
        let mut h = 0.0;
        for _ in 0..4 {
            let sp = phi.sin();
            let n = A / (1.0 - E2 * sp * sp).sqrt();
            h = if phi.cos().abs() > 1e-9 {
                r / phi.cos() - n
            } else {
                z.abs() - n * (1.0 - E2)
            };
            phi = z.atan2(r * (1.0 - E2 * n / (n + h)));
        }
        Self {
            lat: phi.to_degrees(),
            lon: lon.to_degrees(),
            height_m: h,
        }
    }

    /// Unit vectors east, north and up at this position, in ECEF.
    pub fn enu(self) -> [Ecef; 3] {
        let (phi, lambda) = (self.lat.to_radians(), self.lon.to_radians());
        let (sp, cp) = phi.sin_cos();
        let (sl, cl) = lambda.sin_cos();
        [
            [-sl, cl, 0.0],
            [-sp * cl, -sp * sl, cp],
            [cp * cl, cp * sl, sp],
        ]
    }
}

pub(crate) fn sub(a: Ecef, b: Ecef) -> Ecef {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: Ecef, b: Ecef) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(crate) fn norm(a: Ecef) -> f64 {
    dot(a, a).sqrt()
}

/// Straight-line distance between two ECEF points, metres.
pub fn distance(a: Ecef, b: Ecef) -> f64 {
    norm(sub(a, b))
}
