//! A constant-velocity Kalman filter per aircraft over its MLAT solutions.
//!
//! Single solutions scatter by their error ellipse (tens to hundreds of metres), which makes
//! the course between consecutive ones meaningless: a circling drone would look like it turns
//! hard every second. The filter keeps position and velocity (east, north, in a plane tangent
//! at the track's first solution), weighs each solution by its own covariance (the solver's
//! ellipse), rejects a solution more than [`GATE`] (χ², 2 degrees of freedom) from its
//! prediction and starts over after [`RESTART_AFTER`] rejections in a row or a silence of
//! [`MAX_GAP_S`]. What it hands on is the filtered position, its 95 % ellipse and the velocity
//! (ground speed and track) — the solution it rests on stays in the evidence.

use crate::geodesy::Geodetic;
use crate::solve::ErrorEllipse;

/// χ² (2 degrees of freedom) beyond which a solution is an outlier: p = 0.0001.
pub const GATE: f64 = 18.4;
/// Rejections in a row after which the filter starts over on the newest solution.
pub const RESTART_AFTER: u32 = 3;
/// Longest silence the filter bridges, seconds.
pub const MAX_GAP_S: f64 = 60.0;
/// Acceleration noise, (m/s²)² per second: manoeuvring aircraft.
const ACCEL: f64 = 4.0;
/// Mean Earth radius, metres (the tangent plane's scale).
const R: f64 = 6_371_008.8;
/// √χ²₂(0.95).
const SCALE_95: f64 = 2.447_746_830_680_816;

/// What the filter says after a solution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Filtered {
    /// Filtered position (the solution's height).
    pub position: Geodetic,
    /// Its 95 % ellipse.
    pub ellipse_95: ErrorEllipse,
    /// Ground speed, knots, once the track has two solutions.
    pub groundspeed_kt: Option<f64>,
    /// Track over ground, degrees, likewise.
    pub track_deg: Option<f64>,
}

/// One aircraft's filter.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackFilter {
    origin: (f64, f64),
    /// State: east, north (m), v_east, v_north (m/s).
    x: [f64; 4],
    p: [[f64; 4]; 4],
    at: f64,
    updates: u32,
    rejected_in_a_row: u32,
    /// Solutions rejected as outliers so far.
    pub rejected: u64,
}

impl TrackFilter {
    /// A filter started on one solution.
    pub fn new(t: f64, position: Geodetic, ellipse: &ErrorEllipse) -> Self {
        let mut f = Self {
            origin: (position.lat, position.lon),
            x: [0.0; 4],
            p: [[0.0; 4]; 4],
            at: t,
            updates: 0,
            rejected_in_a_row: 0,
            rejected: 0,
        };
        f.restart(t, position, ellipse);
        f
    }

    fn restart(&mut self, t: f64, position: Geodetic, ellipse: &ErrorEllipse) {
        self.origin = (position.lat, position.lon);
        let r = covariance(ellipse);
        self.x = [0.0; 4];
        // Velocity unknown to ±300 m/s.
        self.p = [
            [r[0][0], r[0][1], 0.0, 0.0],
            [r[1][0], r[1][1], 0.0, 0.0],
            [0.0, 0.0, 300.0 * 300.0, 0.0],
            [0.0, 0.0, 0.0, 300.0 * 300.0],
        ];
        // State order for p: (e, n, ve, vn).
        self.at = t;
        self.updates = 1;
        self.rejected_in_a_row = 0;
    }

    fn plane(&self, position: Geodetic) -> (f64, f64) {
        let (lat0, lon0) = self.origin;
        let mut dlon = position.lon - lon0;
        if dlon > 180.0 {
            dlon -= 360.0;
        } else if dlon < -180.0 {
            dlon += 360.0;
        }
        (
            dlon.to_radians() * R * lat0.to_radians().cos(),
            (position.lat - lat0).to_radians() * R,
        )
    }

    fn geodetic(&self, e: f64, n: f64, height_m: f64) -> Geodetic {
        let (lat0, lon0) = self.origin;
        let lat = lat0 + (n / R).to_degrees();
        let lon = lon0 + (e / (R * lat0.to_radians().cos())).to_degrees();
        Geodetic::new(lat, (lon + 180.0).rem_euclid(360.0) - 180.0, height_m)
    }

    /// One more solution at `t`; `None` when it was rejected as an outlier.
    pub fn update(
        &mut self,
        t: f64,
        position: Geodetic,
        ellipse: &ErrorEllipse,
    ) -> Option<Filtered> {
        let dt = t - self.at;
        if !(dt.is_finite() && t.is_finite() && (-1.0..=MAX_GAP_S).contains(&dt)) {
            self.restart(t, position, ellipse);
            return Some(self.output(position.height_m));
        }
        let dt = dt.max(0.0);
        // Predict: x' = F x, P' = F P Fᵀ + Q (white acceleration).
        let mut x = self.x;
        x[0] += dt * x[2];
        x[1] += dt * x[3];
        let mut p = self.p;
        for i in 0..2 {
            let below = p[i + 2];
            for (cell, b) in p[i].iter_mut().zip(below) {
                *cell += dt * b;
            }
        }
        for row in p.iter_mut() {
            row[0] += dt * row[2];
            row[1] += dt * row[3];
        }
        let q = ACCEL;
        let (d3, d2) = (dt * dt * dt / 3.0, dt * dt / 2.0);
        for k in 0..2 {
            p[k][k] += q * d3;
            p[k][k + 2] += q * d2;
            p[k + 2][k] += q * d2;
            p[k + 2][k + 2] += q * dt;
        }
        // Update with z = (e, n), H = [I 0].
        let (ze, zn) = self.plane(position);
        let r = covariance(ellipse);
        let s = [
            [p[0][0] + r[0][0], p[0][1] + r[0][1]],
            [p[1][0] + r[1][0], p[1][1] + r[1][1]],
        ];
        let det = s[0][0] * s[1][1] - s[0][1] * s[1][0];
        if det.abs() < 1e-12 || !det.is_finite() {
            self.restart(t, position, ellipse);
            return Some(self.output(position.height_m));
        }
        let si = [
            [s[1][1] / det, -s[0][1] / det],
            [-s[1][0] / det, s[0][0] / det],
        ];
        let y = [ze - x[0], zn - x[1]];
        let d2 =
            y[0] * (si[0][0] * y[0] + si[0][1] * y[1]) + y[1] * (si[1][0] * y[0] + si[1][1] * y[1]);
        if d2 > GATE && self.updates >= 2 {
            if self.rejected_in_a_row + 1 >= RESTART_AFTER {
                // The track moved on: start over on this solution.
                self.restart(t, position, ellipse);
                return Some(self.output(position.height_m));
            }
            self.rejected += 1;
            self.rejected_in_a_row += 1;
            return None;
        }
        // K = P Hᵀ S⁻¹ (4×2).
        let mut k = [[0.0; 2]; 4];
        for (i, row) in k.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = p[i][0] * si[0][j] + p[i][1] * si[1][j];
            }
        }
        for i in 0..4 {
            x[i] += k[i][0] * y[0] + k[i][1] * y[1];
        }
        // P = (I − K H) P.
        let mut updated = p;
        for i in 0..4 {
            for j in 0..4 {
                updated[i][j] = p[i][j] - (k[i][0] * p[0][j] + k[i][1] * p[1][j]);
            }
        }
        self.x = x;
        self.p = updated;
        self.at = t;
        self.updates += 1;
        self.rejected_in_a_row = 0;
        Some(self.output(position.height_m))
    }

    fn output(&self, height_m: f64) -> Filtered {
        let position = self.geodetic(self.x[0], self.x[1], height_m);
        let (a, b, c) = (self.p[0][0], self.p[1][1], self.p[0][1]);
        // Eigen-decomposition of the 2×2 position covariance (east, north).
        let mean = (a + b) / 2.0;
        let spread = (((a - b) / 2.0).powi(2) + c * c).sqrt();
        let (l1, l2) = (mean + spread, (mean - spread).max(0.0));
        // Major axis angle from east, anticlockwise; as a bearing from north.
        let angle_east = 0.5 * (2.0 * c).atan2(a - b);
        let bearing = (90.0 - angle_east.to_degrees()).rem_euclid(180.0);
        let ellipse_95 = ErrorEllipse {
            semi_major_m: SCALE_95 * l1.sqrt(),
            semi_minor_m: SCALE_95 * l2.sqrt(),
            orientation_deg: bearing,
        };
        let (ve, vn) = (self.x[2], self.x[3]);
        let moving = self.updates >= 2;
        Filtered {
            position,
            ellipse_95,
            groundspeed_kt: moving.then(|| ve.hypot(vn) * 3600.0 / 1852.0),
            track_deg: moving.then(|| ve.atan2(vn).to_degrees().rem_euclid(360.0)),
        }
    }
}

/// The (east, north) covariance of a 95 % ellipse.
fn covariance(ellipse: &ErrorEllipse) -> [[f64; 2]; 2] {
    let a = (ellipse.semi_major_m / SCALE_95).max(1.0);
    let b = (ellipse.semi_minor_m / SCALE_95).max(1.0);
    let theta = ellipse.orientation_deg.to_radians();
    // Major axis unit vector in (east, north).
    let (ue, un) = (theta.sin(), theta.cos());
    let (a2, b2) = (a * a, b * b);
    [
        [a2 * ue * ue + b2 * un * un, (a2 - b2) * ue * un],
        [(a2 - b2) * ue * un, a2 * un * un + b2 * ue * ue],
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ellipse(major: f64, minor: f64, orientation: f64) -> ErrorEllipse {
        ErrorEllipse {
            semi_major_m: major,
            semi_minor_m: minor,
            orientation_deg: orientation,
        }
    }

    #[test]
    fn the_ellipse_survives_the_round_trip_through_its_covariance() {
        let e = ellipse(400.0, 100.0, 30.0);
        let f = TrackFilter::new(0.0, Geodetic::new(30.0, -110.0, 5000.0), &e);
        let out = f.output(5000.0);
        assert!((out.ellipse_95.semi_major_m - 400.0).abs() < 1.0, "{out:?}");
        assert!((out.ellipse_95.semi_minor_m - 100.0).abs() < 1.0, "{out:?}");
        assert!(
            (out.ellipse_95.orientation_deg - 30.0).abs() < 0.5,
            "{out:?}"
        );
    }

    #[test]
    fn a_straight_track_gives_its_speed_and_course_and_shrinks_the_error() {
        // Due east at 100 m/s, solutions each second, exact.
        let e = ellipse(300.0, 300.0, 0.0);
        let start = Geodetic::new(30.0, -110.0, 5000.0);
        let mut f = TrackFilter::new(0.0, start, &e);
        let mut last = None;
        for k in 1..=60 {
            let t = f64::from(k);
            let lon = -110.0 + (100.0 * t / (R * 30f64.to_radians().cos())).to_degrees();
            last = f.update(t, Geodetic::new(30.0, lon, 5000.0), &e);
        }
        let out = last.unwrap();
        assert!((out.groundspeed_kt.unwrap() - 194.4).abs() < 2.0, "{out:?}");
        assert!((out.track_deg.unwrap() - 90.0).abs() < 1.0, "{out:?}");
        assert!(out.ellipse_95.semi_major_m < 150.0, "{out:?}");
    }

    #[test]
    fn an_outlier_is_rejected_and_a_jump_restarts() {
        let e = ellipse(100.0, 100.0, 0.0);
        let here = Geodetic::new(30.0, -110.0, 5000.0);
        let far = Geodetic::new(30.2, -110.0, 5000.0);
        let mut f = TrackFilter::new(0.0, here, &e);
        for k in 1..=5 {
            assert!(f.update(f64::from(k), here, &e).is_some());
        }
        assert!(f.update(6.0, far, &e).is_none());
        assert!(f.update(7.0, far, &e).is_none());
        let restarted = f.update(8.0, far, &e).unwrap();
        assert!((restarted.position.lat - 30.2).abs() < 1e-6);
        assert_eq!(f.rejected, 2);
    }
}
