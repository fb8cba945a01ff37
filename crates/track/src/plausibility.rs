//! Whether one position can follow another: speed by aircraft category, agreement with the
//! aircraft's reported ground speed, and vertical rate.
//!
//! Owns the physical limits (by ADS-B emitter category, DO-260B §2.2.3.2.5.2) and the checks
//! that compare two fixes of one aircraft. It does not decide what to do with a failure
//! (`reliability`) nor which fix is the reference (`aircraft`). Distances are great-circle on a
//! sphere of the mean Earth radius (IUGG, 6 371 008.8 m): at the scales checked here (seconds to
//! a minute of flight) its error against the ellipsoid (< 0.5 %) is far below the margins.

use crate::position::RejectReason;
use vigia_modes::adsb::AltitudeSource;

/// Great-circle distance and the Earth's radius: one home for the whole pipeline.
pub use vigia_modes::sphere::{distance_m, EARTH_RADIUS_M};
/// Metres per second in one knot.
pub const MPS_PER_KT: f64 = 1852.0 / 3600.0;
/// Distance allowed on top of any speed bound, metres. CPR quantisation is about 5 m, but frames
/// merged from several receivers carry their own clock offsets and jitter (a few hundred
/// milliseconds): 300 m is 0.5 s at 1 200 kt.
pub const POSITION_SLACK_M: f64 = 300.0;
/// Altitude difference allowed on top of any vertical-rate bound, feet: Gillham-coded altitudes
/// step by 100 ft and barometric altitudes jitter by a step or two.
pub const ALTITUDE_SLACK_FT: f64 = 400.0;
/// How old a velocity report may be and still bound the next position's speed, seconds.
pub const VELOCITY_MAX_AGE_S: f64 = 30.0;
/// Surface movement never exceeds this, knots (take-off roll; the surface position message
/// itself tops out at 175 kt, DO-260B Table 2-16).
pub const SURFACE_MAX_KT: f64 = 250.0;

/// What kind of aircraft a track is, as far as speed limits go (ADS-B emitter category, TC 1–4
/// identification messages; `Unknown` when none was heard).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Hash)]
#[non_exhaustive]
pub enum Category {
    /// No category heard (or "no information"): military and state aircraft often look so.
    #[default]
    Unknown,
    /// A1: light, < 15 500 lb.
    Light,
    /// A2–A5: small, large, high-vortex large and heavy aircraft.
    Transport,
    /// A6: high performance (> 5 g and > 400 kt).
    HighPerformance,
    /// A7: rotorcraft.
    Rotorcraft,
    /// B1–B4: glider, lighter-than-air, parachutist, ultralight.
    SlowAirborne,
    /// B6: unmanned aerial vehicle.
    Unmanned,
    /// B7: space or trans-atmospheric vehicle.
    Space,
    /// C1–C7: surface vehicles and obstacles.
    Surface,
}

/// Speed and vertical-rate bounds for a category, margins included.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Limits {
    /// Fastest ground speed believed, knots.
    pub speed_kt: f64,
    /// Fastest climb or descent believed, feet per minute.
    pub vertical_rate_fpm: f64,
}

impl Category {
    /// The category of an identification message: type code 1–4 (set D, C, B, A) and the
    /// 3-bit emitter category within the set.
    pub fn from_identification(tc: u8, category: u8) -> Self {
        match (tc, category) {
            (4, 1) => Category::Light,
            (4, 2..=5) => Category::Transport,
            (4, 6) => Category::HighPerformance,
            (4, 7) => Category::Rotorcraft,
            (3, 1..=4) => Category::SlowAirborne,
            (3, 6) => Category::Unmanned,
            (3, 7) => Category::Space,
            (2, 1..=7) => Category::Surface,
            _ => Category::Unknown,
        }
    }

    /// The bounds a position of this category must respect. Ground speeds include the strongest
    /// jet-stream tailwinds (~250 kt) on top of the airspeed the category allows.
    pub fn limits(self) -> Limits {
        let (speed_kt, vertical_rate_fpm) = match self {
            // Unknown may be a fighter: Mach 1.5 at altitude, a fighter's climb.
            Category::Unknown => (1_000.0, 30_000.0),
            Category::Light => (400.0, 6_000.0),
            Category::Transport => (800.0, 10_000.0),
            Category::HighPerformance => (2_000.0, 60_000.0),
            Category::Rotorcraft => (300.0, 6_000.0),
            Category::SlowAirborne => (300.0, 6_000.0),
            Category::Unmanned => (700.0, 10_000.0),
            Category::Space => (20_000.0, 1_000_000.0),
            Category::Surface => (150.0, 3_000.0),
        };
        Limits {
            speed_kt,
            vertical_rate_fpm,
        }
    }
}

/// One position of an aircraft, as the checks see it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Fix {
    pub ts: f64,
    pub lat: f64,
    pub lon: f64,
    pub altitude_ft: Option<f64>,
    pub altitude_source: AltitudeSource,
    pub on_ground: Option<bool>,
}

/// Distance between two points given in degrees, metres, by the equirectangular
/// approximation (one cosine instead of haversine's four trigonometric calls; see the module
/// docs for its accuracy). Longitudes are compared the short way round.
#[inline]
pub fn nearby_distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let mut dlon = lon2 - lon1;
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    let x = dlon.to_radians() * ((lat1 + lat2) * 0.5).to_radians().cos();
    let y = (lat2 - lat1).to_radians();
    // Not `hypot`: its overflow care costs more than the rest, and these are small numbers.
    EARTH_RADIUS_M * (x * x + y * y).sqrt()
}

/// Check that `next` can follow `prev` for an aircraft with `limits`, reporting `reported_kt`
/// (its most recent ground speed, when fresh) — the first failed check, in the order: speed
/// limit, reported velocity, vertical rate.
pub(crate) fn check(
    prev: &Fix,
    next: &Fix,
    limits: Limits,
    reported_kt: Option<f64>,
) -> Result<(), RejectReason> {
    let dt = (next.ts - prev.ts).abs();
    let distance = nearby_distance_m(prev.lat, prev.lon, next.lat, next.lon);
    let implied_kt = |d: f64| {
        if dt > 0.0 {
            d / dt / MPS_PER_KT
        } else {
            f64::INFINITY
        }
    };
    let on_surface = next.on_ground == Some(true) && prev.on_ground == Some(true);
    let limit_kt = if on_surface {
        limits.speed_kt.min(SURFACE_MAX_KT)
    } else {
        limits.speed_kt
    };
    if distance > limit_kt * MPS_PER_KT * dt + POSITION_SLACK_M {
        return Err(RejectReason::ImpossibleSpeed {
            implied_kt: implied_kt(distance) as f32,
            limit_kt: limit_kt as f32,
        });
    }
    if let Some(reported) = reported_kt.filter(|v| v.is_finite() && *v >= 0.0) {
        // Ground speed changes slowly: allow 25 % and 50 kt for acceleration and for turns
        // that make the report lag behind.
        let allowed_kt = reported * 1.25 + 50.0;
        if distance > allowed_kt * MPS_PER_KT * dt + POSITION_SLACK_M {
            return Err(RejectReason::ContradictsVelocity {
                implied_kt: implied_kt(distance) as f32,
                reported_kt: reported as f32,
            });
        }
    }
    if let (Some(a), Some(b)) = (prev.altitude_ft, next.altitude_ft) {
        if prev.altitude_source == next.altitude_source {
            let climb = (b - a).abs();
            if climb > limits.vertical_rate_fpm * dt / 60.0 + ALTITUDE_SLACK_FT {
                let rate = if dt > 0.0 {
                    (b - a) / dt * 60.0
                } else {
                    (b - a).signum() * f64::INFINITY
                };
                return Err(RejectReason::AltitudeJump {
                    rate_fpm: rate as f32,
                    limit_fpm: limits.vertical_rate_fpm as f32,
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(ts: f64, lat: f64, lon: f64, altitude_ft: f64) -> Fix {
        Fix {
            ts,
            lat,
            lon,
            altitude_ft: Some(altitude_ft),
            altitude_source: AltitudeSource::Barometric,
            on_ground: Some(false),
        }
    }

    #[test]
    fn one_degree_of_latitude_is_111_km() {
        let d = distance_m(45.0, 7.0, 46.0, 7.0);
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
        assert_eq!(distance_m(10.0, 20.0, 10.0, 20.0), 0.0);
        // across the antimeridian
        assert!((distance_m(0.0, 179.5, 0.0, -179.5) - 111_195.0).abs() < 10.0);
    }

    #[test]
    fn nearby_distance_is_close_to_the_great_circle() {
        for (lat1, lon1, lat2, lon2) in [
            (45.0, 7.0, 45.3, 7.4),
            (52.3, 4.7, 49.0, 2.5),
            (14.5, -90.5, 15.4, -90.0),
            (0.0, 179.9, 0.1, -179.9),
            (-33.9, 151.2, -34.1, 150.8),
        ] {
            let exact = distance_m(lat1, lon1, lat2, lon2);
            let near = nearby_distance_m(lat1, lon1, lat2, lon2);
            assert!((near - exact).abs() / exact < 0.005, "{exact} {near}");
        }
    }

    #[test]
    fn categories_from_identification() {
        assert_eq!(Category::from_identification(4, 3), Category::Transport);
        assert_eq!(Category::from_identification(4, 0), Category::Unknown);
        assert_eq!(Category::from_identification(4, 7), Category::Rotorcraft);
        assert_eq!(Category::from_identification(2, 1), Category::Surface);
        assert_eq!(Category::from_identification(1, 3), Category::Unknown);
    }

    #[test]
    fn speed_bound_with_slack() {
        let limits = Category::Transport.limits();
        let a = fix(0.0, 45.0, 7.0, 30_000.0);
        // 450 kt for 10 s: 2.3 km.
        let ok = fix(10.0, 45.0 + 2_315.0 / 111_195.0, 7.0, 30_000.0);
        assert_eq!(check(&a, &ok, limits, Some(450.0)), Ok(()));
        // 50 km in 10 s.
        let far = fix(10.0, 45.45, 7.0, 30_000.0);
        assert!(matches!(
            check(&a, &far, limits, None),
            Err(RejectReason::ImpossibleSpeed { .. })
        ));
        // 3 km in 5 s is 1 166 kt: below nothing for transports, contradicts 150 kt.
        let quick = fix(5.0, 45.0 + 3_000.0 / 111_195.0, 7.0, 30_000.0);
        assert!(matches!(
            check(&a, &quick, Category::Unknown.limits(), Some(150.0)),
            Err(RejectReason::ImpossibleSpeed { .. })
        ));
        let medium = fix(5.0, 45.0 + 1_500.0 / 111_195.0, 7.0, 30_000.0);
        assert_eq!(check(&a, &medium, Category::Unknown.limits(), None), Ok(()));
        assert!(matches!(
            check(&a, &medium, Category::Unknown.limits(), Some(150.0)),
            Err(RejectReason::ContradictsVelocity { .. })
        ));
        // Same time, same place: fine (duplicate reports from two receivers).
        assert_eq!(check(&a, &a, limits, Some(450.0)), Ok(()));
    }

    #[test]
    fn altitude_bound_only_within_one_source() {
        let limits = Category::Transport.limits();
        let a = fix(0.0, 45.0, 7.0, 3_000.0);
        let jump = fix(1.0, 45.0, 7.0, 28_400.0);
        assert!(matches!(
            check(&a, &jump, limits, None),
            Err(RejectReason::AltitudeJump { .. })
        ));
        let gnss = Fix {
            altitude_source: AltitudeSource::Gnss,
            ..jump
        };
        assert_eq!(check(&a, &gnss, limits, None), Ok(()));
        let climb = fix(60.0, 45.0, 7.0, 6_000.0);
        assert_eq!(check(&a, &climb, limits, None), Ok(()));
    }
}
