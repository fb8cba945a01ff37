//! The multilateration solver: a reply's position and transmit time from its arrival times.
//!
//! Model: receiver `i` at `rᵢ` (ECEF) stamps the reply at `tᵢ` on the network's common time
//! base; `c·tᵢ = b + |p − rᵢ| + noise`, with `p` the transmitter and `b = c·t₀` its transmit
//! time in metres. With the reply's altitude known (Mode S replies carry it), one more
//! pseudo-measurement `h(p) = h₀ + noise` lets 3 receivers fix a position. Solved by
//! Levenberg–Marquardt on the weighted residuals, from the receivers' centroid at the reply's
//! height (or 10 km up). The covariance `(JᵀWJ)⁻¹` at the solution gives the horizontal 95 %
//! error ellipse; a χ² test on the residuals rejects inconsistent sets (a receiver with a
//! wrong position or clock, a mismatched reply), and a large ellipse rejects bad geometry.

use crate::geodesy::{norm, sub, Ecef, Geodetic, C};

/// One receiver's arrival time of a reply.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// Where the receiver's antenna is, ECEF metres.
    pub receiver: Ecef,
    /// Arrival time on the network's common time base, seconds, relative to an epoch within a
    /// few hours (an `f64` keeps better than 1 ps there; a Unix time would not).
    pub time_s: f64,
    /// Standard deviation of that time, seconds (the receiver clock's jitter after
    /// synchronisation: ~80 ns for a 12 MHz counter, tens of ns for a GPS one).
    pub sigma_s: f64,
}

/// The reply's altitude, as a constraint.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Altitude {
    /// Height above the ellipsoid, metres (a barometric altitude corrected as well as known).
    pub height_m: f64,
    /// Its standard deviation, metres (barometric vs geometric: typically 50–150 m).
    pub sigma_m: f64,
}

/// Limits of an acceptable solution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SolverConfig {
    /// Levenberg–Marquardt iterations at most.
    pub max_iterations: u32,
    /// Largest semi-major axis of the 95 % ellipse accepted, metres (bad geometry beyond).
    pub max_error_m: f64,
    /// z-score of the χ² consistency test (3.09: a consistent set is rejected 1 time in 1 000).
    pub chi2_z: f64,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            max_iterations: 50,
            max_error_m: 10_000.0,
            chi2_z: 3.09,
        }
    }
}

/// A horizontal error ellipse.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ErrorEllipse {
    /// Semi-major axis, metres.
    pub semi_major_m: f64,
    /// Semi-minor axis, metres.
    pub semi_minor_m: f64,
    /// Direction of the major axis, degrees clockwise from north, `[0, 180)`.
    pub orientation_deg: f64,
}

/// A position found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Solution {
    /// Where, ECEF metres.
    pub ecef: Ecef,
    /// Where, geodetic.
    pub position: Geodetic,
    /// When the reply was sent, seconds on the arrivals' time base.
    pub transmit_s: f64,
    /// The horizontal 95 % error ellipse.
    pub ellipse_95: ErrorEllipse,
    /// Standard deviations east and north, metres, and their correlation.
    pub sigma_en_m: (f64, f64, f64),
    /// Sum of squared normalised residuals.
    pub chi2: f64,
    /// Measurements minus unknowns.
    pub dof: usize,
    /// Iterations taken.
    pub iterations: u32,
}

/// Why no position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SolveError {
    /// Fewer measurements than unknowns (4 receivers, or 3 and the altitude).
    TooFew,
    /// A time or position is not finite, or a sigma not positive.
    BadInput,
    /// The iteration did not settle.
    NoConvergence,
    /// The geometry does not fix the position (the 95 % ellipse's major axis in metres).
    BadGeometry(f64),
    /// The residuals are larger than the stated noise explains (χ², degrees of freedom).
    Inconsistent(f64, usize),
}

impl core::fmt::Display for SolveError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SolveError::TooFew => {
                f.write_str("fewer than 4 measurements (receivers, plus the altitude)")
            }
            SolveError::BadInput => {
                f.write_str("a time, position or sigma is not a finite positive number")
            }
            SolveError::NoConvergence => f.write_str("the solution did not converge"),
            SolveError::BadGeometry(m) => {
                write!(f, "the receivers' geometry leaves a {m:.0} m error")
            }
            SolveError::Inconsistent(chi2, dof) => {
                write!(
                    f,
                    "arrival times inconsistent (chi2 {chi2:.1} on {dof} degrees of freedom)"
                )
            }
        }
    }
}

impl std::error::Error for SolveError {}

/// The point on the ground below the receivers' centroid (where a solution starts).
pub(crate) fn ground_below(arrivals: &[Arrival]) -> Geodetic {
    let n = arrivals.len().max(1) as f64;
    let centroid = arrivals.iter().fold([0.0; 3], |s, a| {
        [
            s[0] + a.receiver[0] / n,
            s[1] + a.receiver[1] / n,
            s[2] + a.receiver[2] / n,
        ]
    });
    Geodetic::from_ecef(centroid)
}

/// 2-D 95 % scale: √χ²₂(0.95).
const SCALE_95: f64 = 2.447_746_830_680_816;

/// Solve for the transmitter of one reply.
pub fn solve(
    arrivals: &[Arrival],
    altitude: Option<Altitude>,
    config: &SolverConfig,
) -> Result<Solution, SolveError> {
    solve_from(arrivals, altitude, config, None)
}

/// [`solve`], starting the iteration from `start` (latitude, longitude in degrees) instead of
/// above the receivers' centroid: with few measurements the time-of-arrival equations can
/// have a second solution (the mirror image across the receivers' line), which a start on the
/// other side finds.
pub fn solve_from(
    arrivals: &[Arrival],
    altitude: Option<Altitude>,
    config: &SolverConfig,
    start: Option<(f64, f64)>,
) -> Result<Solution, SolveError> {
    let m = arrivals.len() + usize::from(altitude.is_some());
    if m < 4 {
        return Err(SolveError::TooFew);
    }
    let finite = |v: f64| v.is_finite();
    if arrivals.iter().any(|a| {
        !a.receiver.iter().copied().all(finite)
            || !finite(a.time_s)
            || a.sigma_s.is_nan()
            || a.sigma_s <= 0.0
    }) || altitude.is_some_and(|h| !finite(h.height_m) || h.sigma_m.is_nan() || h.sigma_m <= 0.0)
    {
        return Err(SolveError::BadInput);
    }
    // Times as metres from the earliest arrival (better conditioned).
    let t_ref = arrivals
        .iter()
        .map(|a| a.time_s)
        .fold(f64::INFINITY, f64::min);
    let ranges: Vec<f64> = arrivals.iter().map(|a| (a.time_s - t_ref) * C).collect();
    let weights: Vec<f64> = arrivals
        .iter()
        .map(|a| 1.0 / (a.sigma_s * C).powi(2))
        .collect();

    // Start: above the receivers' centroid, at the reply's height.
    let ground = ground_below(arrivals);
    let (start_lat, start_lon) = start.unwrap_or((ground.lat, ground.lon));
    let start_height = altitude.map_or(10_000.0, |h| h.height_m);
    let mut p = Geodetic::new(start_lat, start_lon, start_height).to_ecef();
    let mut b = mean(
        arrivals
            .iter()
            .zip(&ranges)
            .map(|(a, r)| r - norm(sub(p, a.receiver))),
    );

    let cost = |p: Ecef, b: f64| -> f64 {
        let mut c = 0.0;
        for ((a, r), w) in arrivals.iter().zip(&ranges).zip(&weights) {
            let e = r - b - norm(sub(p, a.receiver));
            c += w * e * e;
        }
        if let Some(h) = altitude {
            let e = (Geodetic::from_ecef(p).height_m - h.height_m) / h.sigma_m;
            c += e * e;
        }
        c
    };
    let mut current = cost(p, b);
    let mut lambda = 1e-3;
    let mut iterations = 0;
    let mut converged = false;
    while iterations < config.max_iterations {
        iterations += 1;
        let (normal, gradient) = normal_equations(p, b, arrivals, &ranges, &weights, altitude);
        let mut damped = normal;
        for (k, row) in damped.iter_mut().enumerate() {
            row[k] += lambda * normal[k][k].max(1e-12);
        }
        let Some(step) = solve4(damped, gradient.map(|g| -g)) else {
            lambda *= 10.0;
            continue;
        };
        let trial_p = [p[0] + step[0], p[1] + step[1], p[2] + step[2]];
        let trial_b = b + step[3];
        let trial = cost(trial_p, trial_b);
        if trial.is_finite() && trial <= current {
            p = trial_p;
            b = trial_b;
            let improvement = current - trial;
            current = trial;
            lambda = (lambda / 10.0).max(1e-12);
            if norm([step[0], step[1], step[2]]) < 1e-3 || improvement < 1e-12 * (1.0 + current) {
                converged = true;
                break;
            }
        } else {
            lambda *= 10.0;
            if lambda > 1e12 {
                break;
            }
        }
    }
    if !converged {
        return Err(SolveError::NoConvergence);
    }
    let (normal, _) = normal_equations(p, b, arrivals, &ranges, &weights, altitude);
    let covariance = invert4(normal).ok_or(SolveError::BadGeometry(f64::INFINITY))?;
    let position = Geodetic::from_ecef(p);
    let [east, north, _] = position.enu();
    let project = |u: Ecef, v: Ecef| -> f64 {
        let mut s = 0.0;
        for i in 0..3 {
            for j in 0..3 {
                s += u[i] * covariance[i][j] * v[j];
            }
        }
        s
    };
    let (ee, nn, en) = (
        project(east, east),
        project(north, north),
        project(east, north),
    );
    let ellipse_95 = ellipse(ee, nn, en);
    if ellipse_95.semi_major_m.is_nan() || ellipse_95.semi_major_m > config.max_error_m {
        return Err(SolveError::BadGeometry(ellipse_95.semi_major_m));
    }
    let dof = m - 4;
    if dof > 0 && current > chi2_quantile(dof, config.chi2_z) {
        return Err(SolveError::Inconsistent(current, dof));
    }
    Ok(Solution {
        ecef: p,
        position,
        transmit_s: t_ref + b / C,
        ellipse_95,
        sigma_en_m: (
            ee.max(0.0).sqrt(),
            nn.max(0.0).sqrt(),
            en / (ee * nn).max(1e-300).sqrt(),
        ),
        chi2: current,
        dof,
        iterations,
    })
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = values.fold((0.0, 0.0), |(s, n), v| (s + v, n + 1.0));
    s / n
}

/// `JᵀWJ` and `JᵀW r` at `(p, b)`.
fn normal_equations(
    p: Ecef,
    b: f64,
    arrivals: &[Arrival],
    ranges: &[f64],
    weights: &[f64],
    altitude: Option<Altitude>,
) -> ([[f64; 4]; 4], [f64; 4]) {
    let mut normal = [[0.0; 4]; 4];
    let mut gradient = [0.0; 4];
    let mut add = |row: [f64; 4], residual: f64, w: f64| {
        for i in 0..4 {
            gradient[i] += row[i] * w * residual;
            for j in 0..4 {
                normal[i][j] += row[i] * w * row[j];
            }
        }
    };
    for ((a, r), w) in arrivals.iter().zip(ranges).zip(weights) {
        let d = sub(p, a.receiver);
        let range = norm(d).max(1e-6);
        let residual = r - b - range;
        add(
            [-d[0] / range, -d[1] / range, -d[2] / range, -1.0],
            residual,
            *w,
        );
    }
    if let Some(h) = altitude {
        let here = Geodetic::from_ecef(p);
        let up = here.enu()[2];
        let residual = here.height_m - h.height_m;
        add(
            [up[0], up[1], up[2], 0.0],
            residual,
            1.0 / (h.sigma_m * h.sigma_m),
        );
    }
    (normal, gradient)
}

/// Solve the symmetric positive definite 4×4 system `a x = y` (Cholesky); `None` when it is
/// not positive definite.
fn solve4(a: [[f64; 4]; 4], y: [f64; 4]) -> Option<[f64; 4]> {
    let l = cholesky(a)?;
    let mut z = [0.0; 4];
    for i in 0..4 {
        let s: f64 = (0..i).map(|k| l[i][k] * z[k]).sum();
        z[i] = (y[i] - s) / l[i][i];
    }
    let mut x = [0.0; 4];
    for i in (0..4).rev() {
        let s: f64 = (i + 1..4).map(|k| l[k][i] * x[k]).sum();
        x[i] = (z[i] - s) / l[i][i];
    }
    Some(x)
}

fn cholesky(a: [[f64; 4]; 4]) -> Option<[[f64; 4]; 4]> {
    let mut l = [[0.0; 4]; 4];
    for i in 0..4 {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = a[i][i] - s;
                if d.is_nan() || d <= 0.0 {
                    return None;
                }
                l[i][j] = d.sqrt();
            } else {
                l[i][j] = (a[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

fn invert4(a: [[f64; 4]; 4]) -> Option<[[f64; 4]; 4]> {
    let mut inverse = [[0.0; 4]; 4];
    for k in 0..4 {
        let mut unit = [0.0; 4];
        unit[k] = 1.0;
        let column = solve4(a, unit)?;
        for i in 0..4 {
            inverse[i][k] = column[i];
        }
    }
    Some(inverse)
}

/// The 95 % ellipse of a 2-D covariance (east, north).
fn ellipse(ee: f64, nn: f64, en: f64) -> ErrorEllipse {
    let mean = (ee + nn) / 2.0;
    let spread = (((ee - nn) / 2.0).powi(2) + en * en).sqrt();
    let (major, minor) = (mean + spread, (mean - spread).max(0.0));
    // Angle of the major axis from east, counter-clockwise; as a bearing from north.
    let from_east = 0.5 * (2.0 * en).atan2(ee - nn);
    let bearing = (90.0 - from_east.to_degrees()).rem_euclid(180.0);
    ErrorEllipse {
        semi_major_m: SCALE_95 * major.sqrt(),
        semi_minor_m: SCALE_95 * minor.sqrt(),
        orientation_deg: bearing,
    }
}

/// The χ² quantile with `k` degrees of freedom at standard-normal score `z`
/// (Wilson–Hilferty).
fn chi2_quantile(k: usize, z: f64) -> f64 {
    let k = k as f64;
    let a = 2.0 / (9.0 * k);
    k * (1.0 - a + z * a.sqrt()).powi(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chi2_quantile_matches_the_tables() {
        // χ²(0.999) for 1, 2, 5, 10 degrees of freedom: 10.83, 13.82, 20.52, 29.59.
        for (k, table) in [(1, 10.83), (2, 13.82), (5, 20.52), (10, 29.59)] {
            let q = chi2_quantile(k, 3.09);
            assert!((q - table).abs() / table < 0.08, "{k}: {q}");
        }
    }

    #[test]
    fn an_ellipse_from_a_covariance() {
        let e = ellipse(100.0, 25.0, 0.0);
        assert!((e.semi_major_m - SCALE_95 * 10.0).abs() < 1e-9);
        assert!((e.semi_minor_m - SCALE_95 * 5.0).abs() < 1e-9);
        assert!((e.orientation_deg - 90.0).abs() < 1e-9, "{e:?}");
        assert!((ellipse(25.0, 100.0, 0.0).orientation_deg).abs() < 1e-9);
    }

    #[test]
    fn a_4x4_system_is_solved() {
        let a = [
            [4.0, 1.0, 0.0, 0.0],
            [1.0, 3.0, 0.5, 0.0],
            [0.0, 0.5, 2.0, 0.1],
            [0.0, 0.0, 0.1, 1.0],
        ];
        let x = solve4(a, [1.0, 2.0, 3.0, 4.0]).unwrap();
        for i in 0..4 {
            let y: f64 = (0..4).map(|j| a[i][j] * x[j]).sum();
            assert!((y - [1.0, 2.0, 3.0, 4.0][i]).abs() < 1e-12);
        }
        assert!(solve4([[0.0; 4]; 4], [1.0; 4]).is_none());
    }
}
