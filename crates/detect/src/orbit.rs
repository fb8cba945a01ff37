//! Orbits and racetracks: sustained turning in one direction, in a bounded area.
//!
//! A stretch of flight is *orbiting* when, within a window of at most
//! [`OrbitConfig::max_window_s`] whose positions fit in a box of at most
//! 2 × [`OrbitConfig::max_radius_m`], the signed course change adds up to at least
//! 360° × [`OrbitConfig::min_turns`]. For each sample the shortest such window ending there is
//! found by scanning back (O(samples × window), a few million steps for a day-long flight). Overlapping windows merge into one episode; an episode
//! shorter than [`OrbitConfig::min_duration_s`] is dropped (a go-around, a single holding
//! lap). Turning both ways (a survey grid's alternating turns, an approach's S-turns) cancels
//! out and never reaches 360°.
//!
//! When the centre of the qualifying windows moves by more than the orbit's radius, the aircraft
//! has moved to another station and a new episode starts.
//!
//! An episode whose samples are mostly straight (turn rate under 0.6°/s) on two opposite
//! courses is a **racetrack** (two parallel legs joined by 180° turns); otherwise a circle.
//!
//! A circle's geometry is *fitted*, not averaged: the windows that find an episode also hold
//! some of the way in and the way out, so their mean position and mean distance overstate the
//! radius (a 6 NM orbit came out at 13 NM) and their first full turn starts late. The circle
//! (centre, radius, RMS residual) is fitted to the samples turning the orbit's way over the
//! minute around them (Kåsa's algebraic fit, then Späth's geometric iteration), and the episode
//! is the run of samples on that circle — within max(15 % of the radius, 3 residuals, 300 m)
//! of it and turning its way — extended both ways from its middle: it starts when the aircraft
//! joined the circle and ends when it left it. A pattern no circle holds for a whole episode
//! (arcs and radials around a navaid, as the real calibration flights fly) keeps the
//! episode its windows found, with its mean position and distance, and a residual that says
//! how far from a circle it is.
//!
//! Not everything that circles is on station. Each episode says what it looks like
//! ([`OrbitPattern`]) from its own geometry and timing: a glider *thermalling* (slow — under
//! 60 kt — or climbing steadily, ≥ 200 ft/min, in a circle under 0.5 NM), *tight turns*
//! (a circle under 0.5 NM, or turning at 1.5°/s or more either way: training turns, a
//! helicopter over a scene), a *holding* pattern (a
//! racetrack with legs under 10 NM, a minute or so each) — or a *station*: the wide, level
//! orbit or long racetrack of an aircraft watching an area. Only stations count towards the
//! surveillance score; the aircraft's category (glider, rotorcraft) is weighed when the flight
//! ends (`score`).

use crate::geometry::{distance_m, turn_deg};
use crate::sample::Leg;

/// Tuning of the orbit detector. Defaults were set on the real calibration flights (orbits of
/// 10–40 NM radius around navaids) and the 40 airliners of `docs/evaluation.md`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrbitConfig {
    /// Largest half-extent of the area one 360° may cover, metres.
    pub max_radius_m: f64,
    /// Longest time one 360° may take, seconds.
    pub max_window_s: f64,
    /// Shortest episode reported, seconds.
    pub min_duration_s: f64,
    /// Full turns needed within one window.
    pub min_turns: f64,
}

impl Default for OrbitConfig {
    fn default() -> Self {
        Self {
            max_radius_m: 80_000.0,
            max_window_s: 5_400.0,
            min_duration_s: 1_200.0,
            min_turns: 1.0,
        }
    }
}

/// What an orbit episode looks like (module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrbitPattern {
    /// Wide and level, or a long racetrack: an aircraft on station.
    Station,
    /// Slow or climbing in a tight circle: a glider in a thermal.
    Thermal,
    /// A tight circle (under 0.5 NM): training turns, a helicopter over a scene.
    TightTurns,
    /// A racetrack with short legs: a holding pattern.
    Holding,
}

impl OrbitPattern {
    /// A short snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            OrbitPattern::Station => "station",
            OrbitPattern::Thermal => "thermal",
            OrbitPattern::TightTurns => "tight_turns",
            OrbitPattern::Holding => "holding",
        }
    }
}

/// Radius under which a circle is a tight one, metres (0.5 NM).
const TIGHT_RADIUS_M: f64 = 926.0;
/// Ground speed under which a circling aircraft is a glider or a hovering helicopter, knots.
const SLOW_KT: f64 = 60.0;
/// Steady climb that marks thermalling, feet per minute.
const THERMAL_CLIMB_FPM: f64 = 200.0;
/// Mean turn rate (both ways) that marks tight turns, degrees per second: half a standard-rate
/// turn; an orbit on station turns at 0.1–0.5°/s (6 NM at 160 kt: 0.42°/s).
const TIGHT_TURN_DEG_S: f64 = 1.5;
/// Racetrack legs shorter than this are a holding pattern's, metres (10 NM).
const HOLDING_LEG_M: f64 = 18_520.0;

/// The shape of an orbit episode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OrbitShape {
    /// Continuous turning around a centre.
    Circle,
    /// Two parallel legs joined by 180° turns.
    Racetrack {
        /// Axis of the legs, degrees in `0..180`.
        axis_deg: f64,
        /// Mean length of a straight leg, metres.
        leg_length_m: f64,
    },
}

/// One orbit episode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Orbit {
    /// Start time, seconds.
    pub start_ts: f64,
    /// End time, seconds.
    pub end_ts: f64,
    /// Centre (fitted circle's centre; a racetrack's mean position), degrees.
    pub centre_lat: f64,
    /// Centre, degrees.
    pub centre_lon: f64,
    /// Radius of the fitted circle (a racetrack's mean distance from its centre), metres.
    pub radius_m: f64,
    /// Largest distance of a sample from the centre, metres.
    pub extent_m: f64,
    /// Root-mean-square distance of the samples from the fitted circle, metres (for a
    /// racetrack, from the mean radius).
    pub residual_m: f64,
    /// Net full turns flown.
    pub turns: f64,
    /// True for right (clockwise) turns.
    pub clockwise: bool,
    /// Altitude band, feet (lowest, highest), when known.
    pub altitude_band_ft: Option<(f64, f64)>,
    /// Circle or racetrack.
    pub shape: OrbitShape,
    /// Mean ground speed (distance flown over time), knots.
    pub groundspeed_kt: f64,
    /// Net climb (positive) or descent over the episode, feet per minute, when altitudes
    /// were known.
    pub climb_fpm: Option<f64>,
    /// What it looks like.
    pub pattern: OrbitPattern,
}

impl Orbit {
    /// Time on station, seconds.
    pub fn duration_s(&self) -> f64 {
        self.end_ts - self.start_ts
    }
}

/// Find orbit episodes in a flight's legs (see [`crate::sample::legs`]).
pub fn find_orbits(legs: &[Leg], config: &OrbitConfig) -> Vec<Orbit> {
    if legs.len() < 3 {
        return Vec::new();
    }
    // Prefix sums of signed turning, and positions in metres (longitude unwrapped from the
    // first sample, scaled at each sample's own latitude: exact enough within one window).
    let mut prefix = Vec::with_capacity(legs.len() + 1);
    prefix.push(0.0);
    let lon0 = legs[0].at.lon;
    let xy: Vec<(f64, f64)> = legs
        .iter()
        .map(|l| {
            let dlon = turn_deg(lon0, l.at.lon);
            let x =
                dlon.to_radians() * crate::geometry::EARTH_RADIUS_M * l.at.lat.to_radians().cos();
            let y = l.at.lat.to_radians() * crate::geometry::EARTH_RADIUS_M;
            (x, y)
        })
        .collect();
    for l in legs {
        let last = prefix.last().copied().unwrap_or(0.0);
        prefix.push(last + l.turn_deg);
    }
    let needed = 360.0 * config.min_turns;
    // For each sample j, the shortest window ending at j that holds a full turn (scanning
    // back), within the time and size limits. Its centroid is the local centre of turning.
    // Covered intervals carry an anchor: the centroid and mean radius of their first window.
    // A window whose centroid has moved more than that radius (at least 5 km) from the anchor
    // starts a new episode: the aircraft has moved to another station.
    let mut covered: Vec<Station> = Vec::new();
    for j in 1..legs.len() {
        let (mut lo_x, mut hi_x, mut lo_y, mut hi_y) = (xy[j].0, xy[j].0, xy[j].1, xy[j].1);
        let mut found = None;
        let mut i = j;
        while i > 0 {
            i -= 1;
            if legs[j].at.ts - legs[i].at.ts > config.max_window_s {
                break;
            }
            lo_x = lo_x.min(xy[i].0);
            hi_x = hi_x.max(xy[i].0);
            lo_y = lo_y.min(xy[i].1);
            hi_y = hi_y.max(xy[i].1);
            if hi_x - lo_x > 2.0 * config.max_radius_m || hi_y - lo_y > 2.0 * config.max_radius_m {
                break;
            }
            // Turning inside the window [i, j]: the turns of legs i+1 ..= j.
            if (prefix[j + 1] - prefix[i + 1]).abs() >= needed {
                found = Some(i);
                break;
            }
        }
        let Some(i) = found else { continue };
        let window = &xy[i..=j];
        let n = window.len() as f64;
        let c = (
            window.iter().map(|p| p.0).sum::<f64>() / n,
            window.iter().map(|p| p.1).sum::<f64>() / n,
        );
        let radius = mean_radius(window, c);
        let station = Station {
            start: i,
            end: j,
            centre: c,
            radius,
            last_near: j,
        };
        match covered.last_mut() {
            Some(last) if i <= last.end + 1 => {
                let moved = (c.0 - last.centre.0).hypot(c.1 - last.centre.1);
                // Only a clean circle (no point farther than 1.5 radii from its centre: not a
                // window mixing a turn with a transit) elsewhere starts a new station.
                let compact = window
                    .iter()
                    .all(|p| (p.0 - c.0).hypot(p.1 - c.1) <= 1.5 * radius);
                let far = moved > last.radius.max(radius).max(5_000.0);
                if far && compact {
                    covered.push(station);
                } else {
                    last.end = j;
                    if !far {
                        last.last_near = j;
                    }
                }
            }
            _ => covered.push(station),
        }
    }
    let episodes: Vec<Orbit> = covered
        .into_iter()
        // An episode ends with the last full turn centred near its anchor: the windows after
        // it only hold the way out.
        .filter_map(|s| episode(legs, s.start, s.last_near, config))
        .collect();
    distinct(episodes)
}

/// Episodes that are one station seen twice (stations anchored on windows that mix the way
/// in with the first turn can restart on the same circle) are one: of two that overlap for
/// more than half the shorter one's time with their centres within the larger radius, the
/// longer stays.
fn distinct(mut episodes: Vec<Orbit>) -> Vec<Orbit> {
    episodes.sort_by(|a, b| (b.end_ts - b.start_ts).total_cmp(&(a.end_ts - a.start_ts)));
    let mut kept: Vec<Orbit> = Vec::with_capacity(episodes.len());
    for e in episodes {
        let same = kept.iter().any(|k| {
            let overlap = e.end_ts.min(k.end_ts) - e.start_ts.max(k.start_ts);
            let shorter = (e.end_ts - e.start_ts).min(k.end_ts - k.start_ts);
            let apart = crate::geometry::EARTH_RADIUS_M
                * vigia_modes::sphere::central_angle_rad(
                    e.centre_lat,
                    e.centre_lon,
                    k.centre_lat,
                    k.centre_lon,
                );
            overlap > 0.5 * shorter && apart <= e.radius_m.max(k.radius_m)
        });
        if !same {
            kept.push(e);
        }
    }
    kept.sort_by(|a, b| a.start_ts.total_cmp(&b.start_ts));
    kept
}

/// Positions in metres on a plane tangent at `(lat0, lon0)` (exact enough for one orbit).
fn to_xy(lat0: f64, lon0: f64, lat: f64, lon: f64) -> (f64, f64) {
    let r = crate::geometry::EARTH_RADIUS_M;
    (
        turn_deg(lon0, lon).to_radians() * r * lat0.to_radians().cos(),
        (lat - lat0).to_radians() * r,
    )
}

fn from_xy(lat0: f64, lon0: f64, (x, y): (f64, f64)) -> (f64, f64) {
    let r = crate::geometry::EARTH_RADIUS_M;
    let lat = lat0 + (y / r).to_degrees();
    let lon = lon0 + (x / (r * lat0.to_radians().cos())).to_degrees();
    (lat, ((lon + 540.0) % 360.0) - 180.0)
}

/// A circle fitted to points: centre, radius, RMS residual (metres). Kåsa's algebraic fit
/// (least squares on x² + y² + Dx + Ey + F), then Späth's geometric iteration (c ← mean(p) −
/// r·mean(u), r = mean |p − c|), which converges to the geometric least-squares circle.
pub fn fit_circle(points: &[(f64, f64)]) -> Option<((f64, f64), f64, f64)> {
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let (mx, my) = (
        points.iter().map(|p| p.0).sum::<f64>() / n,
        points.iter().map(|p| p.1).sum::<f64>() / n,
    );
    // Centred moments.
    let (mut suu, mut svv, mut suv, mut suuu, mut svvv, mut suvv, mut svuu) =
        (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0);
    for p in points {
        let (u, v) = (p.0 - mx, p.1 - my);
        suu += u * u;
        svv += v * v;
        suv += u * v;
        suuu += u * u * u;
        svvv += v * v * v;
        suvv += u * v * v;
        svuu += v * u * u;
    }
    let det = suu * svv - suv * suv;
    if det.abs() < 1e-9 {
        return None; // collinear
    }
    let (b1, b2) = (0.5 * (suuu + suvv), 0.5 * (svvv + svuu));
    let mut c = (
        mx + (b1 * svv - b2 * suv) / det,
        my + (b2 * suu - b1 * suv) / det,
    );
    let dist = |c: (f64, f64), p: &(f64, f64)| (p.0 - c.0).hypot(p.1 - c.1);
    let mut r = points.iter().map(|p| dist(c, p)).sum::<f64>() / n;
    for _ in 0..50 {
        let (mut ux, mut uy) = (0.0, 0.0);
        for p in points {
            let d = dist(c, p).max(1e-9);
            ux += (p.0 - c.0) / d;
            uy += (p.1 - c.1) / d;
        }
        let next = (mx - r * ux / n, my - r * uy / n);
        let moved = (next.0 - c.0).hypot(next.1 - c.1);
        c = next;
        r = points.iter().map(|p| dist(c, p)).sum::<f64>() / n;
        if moved < 0.01 {
            break;
        }
    }
    let rms = (points.iter().map(|p| (dist(c, p) - r).powi(2)).sum::<f64>() / n).sqrt();
    (r.is_finite() && r > 0.0).then_some((c, r, rms))
}

/// A circle fitted to an episode: centre (degrees), radius and residual (metres), and the
/// first and last index of the run of legs on it.
type FittedCircle = ((f64, f64), f64, f64, usize, usize);

/// The circle an episode `legs[start..=end]` flies, and the run of legs on it.
fn fit_episode(legs: &[Leg], start: usize, end: usize) -> Option<FittedCircle> {
    let (lat0, lon0) = (legs[start].at.lat, legs[start].at.lon);
    let xy: Vec<(f64, f64)> = legs
        .iter()
        .map(|l| to_xy(lat0, lon0, l.at.lat, l.at.lon))
        .collect();
    // The orbit's direction: that of its last full turn (an episode's first windows can
    // reach back into a previous orbit flown the other way).
    let mut last_turn: f64 = 0.0;
    let mut k = end;
    while k > start && last_turn.abs() < 360.0 {
        last_turn += legs[k].turn_deg;
        k -= 1;
    }
    let sign = last_turn.signum();
    // The samples turning the orbit's way inside the episode: more than 0.08°/s over a minute
    // around them (a 40 NM orbit at 300 kt turns at 0.12°/s; one 5 s leg's course is too noisy
    // to say, a minute's turn is the difference of two courses).
    let mut prefix = Vec::with_capacity(legs.len() + 1);
    prefix.push(0.0);
    for l in legs {
        prefix.push(prefix[prefix.len() - 1] + l.turn_deg);
    }
    const HALF: usize = 6;
    let turns_our_way = |k: usize| {
        let (a, b) = (k.saturating_sub(HALF), (k + HALF).min(legs.len() - 1));
        let dt = legs[b].at.ts - legs[a].at.ts;
        // turns of legs a+1 ..= b
        dt > 0.0 && (prefix[b + 1] - prefix[a + 1]) * sign / dt > 0.08
    };
    let turning: Vec<usize> = (start + 1..=end).filter(|&k| turns_our_way(k)).collect();
    let pts: Vec<(f64, f64)> = turning.iter().map(|&k| xy[k]).collect();
    let (mut c, mut r, mut rms) = fit_circle(&pts)?;
    let (mut first, mut last) = (start, end);
    for _ in 0..2 {
        let tol = (0.15 * r).max(3.0 * rms).max(300.0);
        // On the circle: near it, and turning its way (a tangent way in or out is near it too).
        let on =
            |k: usize| ((xy[k].0 - c.0).hypot(xy[k].1 - c.1) - r).abs() <= tol && turns_our_way(k);
        // Grow from the middle of the turning samples while on the circle (a sample or two off
        // it — noise, a lost frame — does not end the run).
        let seed = turning[turning.len() / 2];
        let grow = |mut k: usize, step: isize| {
            let mut misses = 0;
            let mut edge = k;
            loop {
                let next = k as isize + step;
                if next < 0 || next as usize >= legs.len() {
                    break;
                }
                // The time between the sample left and the one reached: a coverage gap ends
                // the run (nobody saw the aircraft on the circle then).
                let gap = if step > 0 {
                    legs[next as usize].dt_s
                } else {
                    legs[k].dt_s
                };
                k = next as usize;
                if gap > crate::sample::MAX_GAP_S {
                    break;
                }
                if on(k) {
                    edge = k;
                    misses = 0;
                } else {
                    misses += 1;
                    if misses > 2 {
                        break;
                    }
                }
            }
            edge
        };
        first = grow(seed, -1);
        last = grow(seed, 1);
        let run: Vec<(f64, f64)> = (first..=last).map(|k| xy[k]).collect();
        (c, r, rms) = fit_circle(&run)?;
    }
    let (clat, clon) = from_xy(lat0, lon0, c);
    Some(((clat, clon), r, rms, first, last))
}

/// One station being followed: the samples its windows cover, its anchor (centre and mean
/// radius of its first full-turn window), and the end of its last window centred near it.
struct Station {
    start: usize,
    end: usize,
    centre: (f64, f64),
    radius: f64,
    last_near: usize,
}

fn mean_radius(points: &[(f64, f64)], c: (f64, f64)) -> f64 {
    points
        .iter()
        .map(|p| (p.0 - c.0).hypot(p.1 - c.1))
        .sum::<f64>()
        / points.len().max(1) as f64
}

fn episode(all: &[Leg], start: usize, end: usize, config: &OrbitConfig) -> Option<Orbit> {
    let window = all.get(start..=end)?;
    let shape = shape(window);
    // A circle: fitted, and the episode is the run of samples on it.
    // When no circle holds the episode (the pattern is not a circle: arcs and radials around
    // a navaid, a drifting orbit), the episode stays as its windows found it, with the mean
    // position and distance, and the residual says how far from a circle that is.
    let fitted = match shape {
        OrbitShape::Circle => fit_episode(all, start, end).filter(|&(.., first, last)| {
            let turned: f64 = all[first + 1..=last].iter().map(|l| l.turn_deg).sum();
            all[last].at.ts - all[first].at.ts >= config.min_duration_s
                && turned.abs() >= 0.9 * 360.0 * config.min_turns
        }),
        OrbitShape::Racetrack { .. } => None,
    };
    let legs = match fitted {
        Some((_, _, _, first, last)) => &all[first..=last],
        None => window,
    };
    let (first, last) = (legs.first()?, legs.last()?);
    if last.at.ts - first.at.ts < config.min_duration_s {
        return None;
    }
    let n = legs.len() as f64;
    let (centre_lat, centre_lon) = match fitted {
        Some((centre, ..)) => centre,
        None => {
            let lat = legs.iter().map(|l| l.at.lat).sum::<f64>() / n;
            // Mean longitude through unit vectors (safe across the antimeridian).
            let (sx, sy) = legs.iter().fold((0.0, 0.0), |(x, y), l| {
                (
                    x + l.at.lon.to_radians().cos(),
                    y + l.at.lon.to_radians().sin(),
                )
            });
            (lat, sy.atan2(sx).to_degrees())
        }
    };
    let distances: Vec<f64> = legs
        .iter()
        .map(|l| distance_m(centre_lat, centre_lon, l.at.lat, l.at.lon))
        .collect();
    let mean_m = distances.iter().sum::<f64>() / n;
    let (radius_m, residual_m) = match fitted {
        Some((_, r, rms, ..)) => (r, rms),
        None => (
            mean_m,
            (distances.iter().map(|d| (d - mean_m).powi(2)).sum::<f64>() / n).sqrt(),
        ),
    };
    let extent_m = distances.iter().copied().fold(0.0, f64::max);
    let net_turn: f64 = legs.iter().skip(1).map(|l| l.turn_deg).sum();
    // A stretch stitched from windows of a transit between two stations can lack a net turn.
    if net_turn.abs() < 0.9 * 360.0 * config.min_turns {
        return None;
    }
    let altitudes: Vec<f64> = legs.iter().filter_map(|l| l.at.altitude_ft).collect();
    let altitude_band_ft = (!altitudes.is_empty()).then(|| {
        (
            altitudes.iter().copied().fold(f64::INFINITY, f64::min),
            altitudes.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        )
    });
    let duration_s = last.at.ts - first.at.ts;
    let flown_m: f64 = legs.iter().skip(1).map(|l| l.length_m).sum();
    let groundspeed_kt = flown_m / duration_s / (1852.0 / 3600.0);
    let with_altitude: Vec<&Leg> = legs.iter().filter(|l| l.at.altitude_ft.is_some()).collect();
    let climb_fpm = match (with_altitude.first(), with_altitude.last()) {
        (Some(a), Some(b)) if b.at.ts > a.at.ts => Some(
            (b.at.altitude_ft.unwrap_or(0.0) - a.at.altitude_ft.unwrap_or(0.0))
                / (b.at.ts - a.at.ts)
                * 60.0,
        ),
        _ => None,
    };
    // Gross turning (both ways): training turns reverse, and a figure of eight has no net
    // turn, but both turn hard all the time.
    let turn_rate = legs.iter().skip(1).map(|l| l.turn_deg.abs()).sum::<f64>() / duration_s;
    let pattern = classify(shape, radius_m, groundspeed_kt, climb_fpm, turn_rate);
    Some(Orbit {
        start_ts: first.at.ts,
        end_ts: last.at.ts,
        centre_lat,
        centre_lon,
        radius_m,
        extent_m,
        residual_m,
        turns: net_turn.abs() / 360.0,
        clockwise: net_turn > 0.0,
        altitude_band_ft,
        shape,
        groundspeed_kt,
        climb_fpm,
        pattern,
    })
}

/// What an episode looks like, from its shape, size, speed and climb (module docs).
pub fn classify(
    shape: OrbitShape,
    radius_m: f64,
    groundspeed_kt: f64,
    climb_fpm: Option<f64>,
    turn_rate_deg_s: f64,
) -> OrbitPattern {
    match shape {
        OrbitShape::Racetrack { leg_length_m, .. } if leg_length_m < HOLDING_LEG_M => {
            OrbitPattern::Holding
        }
        OrbitShape::Racetrack { .. } => OrbitPattern::Station,
        OrbitShape::Circle => {
            let climbing = climb_fpm.is_some_and(|c| c >= THERMAL_CLIMB_FPM);
            if groundspeed_kt < SLOW_KT || (climbing && radius_m < TIGHT_RADIUS_M) {
                OrbitPattern::Thermal
            } else if radius_m < TIGHT_RADIUS_M || turn_rate_deg_s >= TIGHT_TURN_DEG_S {
                OrbitPattern::TightTurns
            } else {
                OrbitPattern::Station
            }
        }
    }
}

/// Racetrack when at least 35 % of the samples are straight and the straight samples fly
/// two opposite courses (their doubled-angle mean is concentrated, R̄ ≥ 0.8, while their plain
/// mean is not, R̄ ≤ 0.5).
fn shape(legs: &[Leg]) -> OrbitShape {
    let straight: Vec<&Leg> = legs
        .iter()
        .skip(1)
        .filter(|l| l.dt_s > 0.0 && (l.turn_deg / l.dt_s).abs() < 0.6)
        .collect();
    if (straight.len() as f64) < 0.35 * legs.len() as f64 || straight.is_empty() {
        return OrbitShape::Circle;
    }
    let n = straight.len() as f64;
    let resultant = |k: f64| {
        let (c, s) = straight.iter().fold((0.0, 0.0), |(c, s), l| {
            let a = (k * l.course_deg).to_radians();
            (c + a.cos(), s + a.sin())
        });
        ((c / n).hypot(s / n), s.atan2(c).to_degrees())
    };
    let (axial_r, axial_angle) = resultant(2.0);
    let (plain_r, _) = resultant(1.0);
    if axial_r < 0.8 || plain_r > 0.5 {
        return OrbitShape::Circle;
    }
    // Leg length: runs of consecutive straight samples.
    let mut runs = Vec::new();
    let mut run = 0.0;
    for l in legs.iter().skip(1) {
        if l.dt_s > 0.0 && (l.turn_deg / l.dt_s).abs() < 0.6 {
            run += l.length_m;
        } else if run > 0.0 {
            runs.push(run);
            run = 0.0;
        }
    }
    if run > 0.0 {
        runs.push(run);
    }
    let long: Vec<f64> = runs.into_iter().filter(|r| *r > 2_000.0).collect();
    let leg_length_m = if long.is_empty() {
        0.0
    } else {
        long.iter().sum::<f64>() / long.len() as f64
    };
    OrbitShape::Racetrack {
        axis_deg: (axial_angle / 2.0).rem_euclid(180.0),
        leg_length_m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sample::{legs, Sample};

    /// A circle of `radius_m` around (lat0, lon0) flown at `speed_mps` for `turns` turns,
    /// sampled every 5 s, clockwise when `cw`.
    pub(crate) fn circle(
        lat0: f64,
        lon0: f64,
        radius_m: f64,
        speed_mps: f64,
        turns: f64,
        cw: bool,
    ) -> Vec<Sample> {
        let period = 2.0 * std::f64::consts::PI * radius_m / speed_mps;
        let steps = (turns * period / 5.0) as usize;
        (0..=steps)
            .map(|k| {
                let t = k as f64 * 5.0;
                let a = 2.0 * std::f64::consts::PI * t / period * if cw { -1.0 } else { 1.0 };
                let (x, y) = (radius_m * a.cos(), radius_m * a.sin());
                Sample {
                    ts: t,
                    lat: lat0 + (y / crate::geometry::EARTH_RADIUS_M).to_degrees(),
                    lon: lon0
                        + (x / (crate::geometry::EARTH_RADIUS_M * lat0.to_radians().cos()))
                            .to_degrees(),
                    altitude_ft: Some(18_000.0),
                    segment: 0,
                }
            })
            .collect()
    }

    #[test]
    fn a_circle_is_fitted_through_noise() {
        // 60 points on a 11.1 km circle, ±50 m of radial noise (deterministic).
        let pts: Vec<(f64, f64)> = (0..60)
            .map(|k| {
                let a = f64::from(k) * 0.1;
                let r = 11_112.0 + 50.0 * (f64::from(k) * 1.7).sin();
                (3_000.0 + r * a.cos(), -2_000.0 + r * a.sin())
            })
            .collect();
        let ((x, y), r, rms) = fit_circle(&pts).unwrap();
        assert!(
            (x - 3_000.0).abs() < 30.0 && (y + 2_000.0).abs() < 30.0,
            "{x} {y}"
        );
        assert!((r - 11_112.0).abs() < 30.0, "{r}");
        assert!(rms > 20.0 && rms < 60.0, "{rms}");
        assert!(
            fit_circle(&[(0.0, 0.0), (1.0, 1.0), (2.0, 2.0)]).is_none(),
            "collinear"
        );
    }

    #[test]
    fn the_way_in_and_out_is_not_the_orbit() {
        // 15 min straight towards a 6 NM circle, 4 turns on it, 15 min straight away: the
        // simulator's case that came out as a 13 NM orbit. The circle is the circle, and the
        // orbit starts when the aircraft joins it.
        let r = 6.0 * 1852.0;
        let v = 82.0; // 160 kt
        let (lat0, lon0) = (29.1, -110.0);
        let m = |x: f64, y: f64| {
            (
                lat0 + (y / crate::geometry::EARTH_RADIUS_M).to_degrees(),
                lon0 + (x / (crate::geometry::EARTH_RADIUS_M * lat0.to_radians().cos()))
                    .to_degrees(),
            )
        };
        let mut samples = Vec::new();
        let sample = |ts: f64, (lat, lon): (f64, f64)| Sample {
            ts,
            lat,
            lon,
            altitude_ft: Some(18_000.0),
            segment: 0,
        };
        // In from the west along y = -r (tangent at (0, -r)), left turns (counter-clockwise).
        for k in 0..180 {
            let t = f64::from(k) * 5.0;
            samples.push(sample(t, m(-v * (900.0 - t), -r)));
        }
        let join = 900.0;
        let circle = circle(lat0, lon0, r, v, 4.0, false);
        let period = 2.0 * std::f64::consts::PI * r / v;
        for s in &circle {
            // Rotate by -90° so that the circle starts at (0, -r) heading east.
            let a = 2.0 * std::f64::consts::PI * s.ts / period - std::f64::consts::FRAC_PI_2;
            samples.push(sample(join + s.ts, m(r * a.cos(), r * a.sin())));
        }
        let leave = samples.last().unwrap().ts;
        for k in 1..180 {
            let t = f64::from(k) * 5.0;
            samples.push(sample(leave + t, m(v * t, -r)));
        }
        let orbits = find_orbits(&legs(&samples), &OrbitConfig::default());
        assert_eq!(orbits.len(), 1, "{orbits:?}");
        let o = orbits[0];
        assert!((o.radius_m / 1852.0 - 6.0).abs() < 0.1, "{o:?}");
        assert!(
            distance_m(o.centre_lat, o.centre_lon, lat0, lon0) < 100.0,
            "{o:?}"
        );
        assert!(o.residual_m < 50.0, "{o:?}");
        assert!(
            (o.start_ts - join).abs() <= 30.0,
            "starts at the join: {o:?}"
        );
        assert!(
            (o.end_ts - leave).abs() <= 30.0,
            "ends when it leaves: {o:?}"
        );
    }

    #[test]
    fn a_long_circle_is_one_orbit() {
        // 10 km radius at 80 m/s: one turn in 785 s; 4 turns ≈ 52 min.
        let samples = circle(29.0, -111.0, 10_000.0, 80.0, 4.0, true);
        let orbits = find_orbits(&legs(&samples), &OrbitConfig::default());
        assert_eq!(orbits.len(), 1, "{orbits:?}");
        let o = orbits[0];
        assert!((o.turns - 4.0).abs() < 0.2, "{}", o.turns);
        assert!(o.clockwise);
        assert!((o.radius_m - 10_000.0).abs() < 300.0, "{}", o.radius_m);
        assert!((o.centre_lat - 29.0).abs() < 0.01 && (o.centre_lon + 111.0).abs() < 0.01);
        assert_eq!(o.shape, OrbitShape::Circle);
        assert_eq!(o.altitude_band_ft, Some((18_000.0, 18_000.0)));
    }

    #[test]
    fn a_straight_flight_and_a_short_loop_are_not_orbits() {
        let straight: Vec<Sample> = (0..2000)
            .map(|k| Sample {
                ts: k as f64 * 5.0,
                lat: 20.0 + k as f64 * 0.003,
                lon: -100.0,
                altitude_ft: None,
                segment: 0,
            })
            .collect();
        assert!(find_orbits(&legs(&straight), &OrbitConfig::default()).is_empty());
        // One 360° loop lasting ~13 min: below the minimum duration.
        let loop_ = circle(20.0, -100.0, 10_000.0, 80.0, 1.05, false);
        assert!(find_orbits(&legs(&loop_), &OrbitConfig::default()).is_empty());
    }

    #[test]
    fn two_stations_are_two_orbits() {
        // 4 turns of 8 km radius, a 40 km transit, 4 turns around a second centre.
        let mut samples = circle(29.0, -111.0, 8_000.0, 70.0, 4.0, false);
        let t_end = samples.last().unwrap().ts;
        let second: Vec<Sample> = circle(29.36, -111.0, 8_000.0, 70.0, 4.0, true)
            .into_iter()
            .map(|s| Sample {
                ts: s.ts + t_end + 600.0,
                ..s
            })
            .collect();
        samples.extend(second);
        let orbits = find_orbits(&legs(&samples), &OrbitConfig::default());
        assert_eq!(orbits.len(), 2, "{orbits:?}");
        assert!(orbits[0].centre_lat < 29.1 && orbits[1].centre_lat > 29.25);
        assert!(!orbits[0].clockwise && orbits[1].clockwise);
    }

    #[test]
    fn a_racetrack_is_recognised() {
        // Legs of 30 km north/south joined by 180° turns of 5 km radius, at 100 m/s.
        let mut samples = Vec::new();
        let (lat0, lon0): (f64, f64) = (25.0, -95.0);
        let m_per_deg_lat = crate::geometry::EARTH_RADIUS_M.to_radians();
        let m_per_deg_lon = m_per_deg_lat * lat0.to_radians().cos();
        let mut t = 0.0;
        for _lap in 0..5 {
            // north leg at x = 0
            for k in 0..60 {
                samples.push((t, 0.0, k as f64 * 500.0));
                t += 5.0;
            }
            // right turn to the east side (x = 10 km), 180° over ~157 s
            for k in 0..32 {
                let a = std::f64::consts::PI * k as f64 / 31.0;
                samples.push((t, 5_000.0 - 5_000.0 * a.cos(), 30_000.0 + 5_000.0 * a.sin()));
                t += 5.0;
            }
            // south leg at x = 10 km
            for k in 0..60 {
                samples.push((t, 10_000.0, 30_000.0 - k as f64 * 500.0));
                t += 5.0;
            }
            // right turn back to x = 0
            for k in 0..32 {
                let a = std::f64::consts::PI * k as f64 / 31.0;
                samples.push((t, 5_000.0 + 5_000.0 * a.cos(), -5_000.0 * a.sin()));
                t += 5.0;
            }
        }
        let samples: Vec<Sample> = samples
            .into_iter()
            .map(|(t, x, y)| Sample {
                ts: t,
                lat: lat0 + y / m_per_deg_lat,
                lon: lon0 + x / m_per_deg_lon,
                altitude_ft: Some(30_000.0),
                segment: 0,
            })
            .collect();
        let orbits = find_orbits(&legs(&samples), &OrbitConfig::default());
        assert_eq!(orbits.len(), 1, "{orbits:?}");
        match orbits[0].shape {
            OrbitShape::Racetrack {
                axis_deg,
                leg_length_m,
            } => {
                assert!(!(5.0..=175.0).contains(&axis_deg), "{axis_deg}");
                assert!((leg_length_m - 30_000.0).abs() < 5_000.0, "{leg_length_m}");
            }
            other => panic!("{other:?}"),
        }
        assert!(orbits[0].turns > 4.0);
    }
}
