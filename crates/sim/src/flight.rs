//! Kinematics: an aircraft flies its [`Path`] and leaves a true track, one state every
//! [`STEP_S`].
//!
//! The autopilot steers towards a point a little way ahead on the path (pure pursuit,
//! Coulter 1992), with the turn rate limited by bank angle (`rate = g·tan(bank)/v`) and by
//! the aircraft's largest rate (3°/s, standard rate, by default), so turns are as wide as a
//! real aircraft's at that speed. Altitude follows each leg's target at the climb or descent
//! rate and levels off smoothly; speed changes at 2 kt/s in the air and 3 kt/s on the
//! ground. There is no wind: ground speed is airspeed and track is heading. The true track
//! is exactly what is flown, so the truth never disagrees with the frames through a model
//! error.

use crate::geo::{bearing_deg, destination, heading_difference, Point, MPS_PER_KT};
use crate::route::Path;
use crate::scenario::Aircraft;

/// Integration step of the kinematics, seconds.
pub const STEP_S: f64 = 0.1;
/// Standard gravity, m/s².
const G: f64 = 9.806_65;
/// A flight whose plan never ends is cut off after this long, seconds.
const MAX_FLIGHT_S: f64 = 48.0 * 3600.0;

/// The aircraft's true state at one instant.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct State {
    /// Seconds after the scenario start.
    pub t: f64,
    /// Position.
    pub position: Point,
    /// Pressure altitude (= geometric: standard atmosphere), feet.
    pub altitude_ft: f64,
    /// Track over ground (= heading: no wind), degrees true.
    pub track_deg: f64,
    /// Ground speed, knots.
    pub groundspeed_kt: f64,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: f64,
    /// Rate of turn, degrees per second (positive to the right).
    pub turn_rate_deg_s: f64,
    /// On the ground.
    pub on_ground: bool,
    /// The altitude the autopilot is holding or going to (the "selected altitude"), feet.
    pub selected_altitude_ft: f64,
    /// Index of the leg being flown.
    pub leg: usize,
}

/// When each leg of the plan was flown.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct LegTimes {
    /// Index of the leg in the plan.
    pub leg: usize,
    /// Seconds after the scenario start when the leg began.
    pub start_s: f64,
    /// When it ended.
    pub end_s: f64,
}

/// A flown track: states every [`STEP_S`] from departure to the end of the plan.
#[derive(Clone, Debug)]
pub struct Flight {
    states: Vec<State>,
    legs: Vec<LegTimes>,
}

/// Autopilot targets, set by the leg being flown.
struct Targets {
    altitude_ft: f64,
    speed_kt: f64,
    climb_fpm: f64,
    descent_fpm: f64,
    on_ground: bool,
}

/// Fly an aircraft's plan, stopping at its end or at `stop_s` (seconds after the start).
pub fn fly(aircraft: &Aircraft, stop_s: Option<f64>) -> Flight {
    let path = Path::plan(aircraft);
    let stop = stop_s
        .unwrap_or(f64::INFINITY)
        .min(aircraft.depart_s + MAX_FLIGHT_S);
    let mut state = State {
        t: aircraft.depart_s,
        position: Point::new(aircraft.position[0], aircraft.position[1]),
        altitude_ft: aircraft.altitude_ft,
        track_deg: aircraft.heading_deg.rem_euclid(360.0),
        groundspeed_kt: aircraft.speed_kt,
        vertical_rate_fpm: 0.0,
        turn_rate_deg_s: 0.0,
        on_ground: aircraft.on_ground,
        selected_altitude_ft: aircraft.altitude_ft,
        leg: 0,
    };
    let mut targets = Targets {
        altitude_ft: aircraft.altitude_ft,
        speed_kt: aircraft.speed_kt,
        climb_fpm: aircraft.climb_fpm,
        descent_fpm: aircraft.descent_fpm,
        on_ground: aircraft.on_ground,
    };
    let mut current_leg = None;
    let mut s = 0.0;
    let mut states = Vec::new();
    let mut legs: Vec<LegTimes> = Vec::new();
    let end = path.length_m() - 1.0;
    while state.t <= stop {
        let v_mps = state.groundspeed_kt.max(1.0) * MPS_PER_KT;
        let lookahead_m = (v_mps * 12.0).clamp(150.0, 4000.0);
        s = path
            .project(state.position, s, s + 2.0 * lookahead_m + v_mps)
            .max(s);
        let leg = path.leg_at(s);
        if current_leg != Some(leg) {
            current_leg = Some(leg);
            apply_leg(aircraft, leg, &mut targets);
            if let Some(last) = legs.last_mut() {
                last.end_s = state.t;
            }
            legs.push(LegTimes {
                leg,
                start_s: state.t,
                end_s: state.t,
            });
        }
        state.leg = leg;
        state.on_ground = targets.on_ground;
        state.selected_altitude_ft = targets.altitude_ft;
        states.push(state);
        if s >= end {
            break;
        }
        // Lateral: turn towards the point ahead, no faster than bank and rate allow.
        let aim = path.point_at(s + lookahead_m);
        let error = heading_difference(state.track_deg, bearing_deg(state.position, aim));
        let max_rate = if state.on_ground {
            20.0
        } else {
            let bank_limited = (G * aircraft.max_bank_deg.to_radians().tan() / v_mps).to_degrees();
            bank_limited.min(aircraft.max_turn_rate_deg_s)
        };
        state.turn_rate_deg_s = (error / 2.0).clamp(-max_rate, max_rate);
        // Speed.
        let accel = if state.on_ground { 3.0 } else { 2.0 } * STEP_S;
        state.groundspeed_kt += (targets.speed_kt - state.groundspeed_kt).clamp(-accel, accel);
        // Vertical: capture the target altitude over the last ~15 s of a climb or descent.
        if state.on_ground {
            state.vertical_rate_fpm = 0.0;
        } else {
            let wanted = ((targets.altitude_ft - state.altitude_ft) * 4.0)
                .clamp(-targets.descent_fpm, targets.climb_fpm);
            let change = 400.0 * STEP_S;
            state.vertical_rate_fpm += (wanted - state.vertical_rate_fpm).clamp(-change, change);
            state.altitude_ft += state.vertical_rate_fpm / 60.0 * STEP_S;
        }
        // Move along the mean track of the step.
        let mean_track = state.track_deg + state.turn_rate_deg_s * STEP_S / 2.0;
        state.position = destination(state.position, mean_track, v_mps * STEP_S);
        state.track_deg = (state.track_deg + state.turn_rate_deg_s * STEP_S).rem_euclid(360.0);
        state.t += STEP_S;
    }
    if let (Some(last), Some(final_state)) = (legs.last_mut(), states.last()) {
        last.end_s = final_state.t;
    }
    Flight { states, legs }
}

fn apply_leg(aircraft: &Aircraft, leg: usize, targets: &mut Targets) {
    let Some(spec) = aircraft.legs.get(leg) else {
        return;
    };
    if let Some(a) = spec.altitude_ft {
        targets.altitude_ft = a;
    }
    if let Some(v) = spec.speed_kt {
        targets.speed_kt = v;
    }
    let (climb, descent) = match spec.vertical_rate_fpm {
        Some(rate) => (rate, rate),
        None => (aircraft.climb_fpm, aircraft.descent_fpm),
    };
    targets.climb_fpm = climb;
    targets.descent_fpm = descent;
    targets.on_ground = spec.on_ground.unwrap_or(false);
}

impl Flight {
    /// Every state, one per [`STEP_S`].
    pub fn states(&self) -> &[State] {
        &self.states
    }

    /// When each leg was flown, in order.
    pub fn legs(&self) -> &[LegTimes] {
        &self.legs
    }

    /// Departure, seconds after the start.
    pub fn start_s(&self) -> f64 {
        self.states.first().map_or(0.0, |s| s.t)
    }

    /// End of the flight, seconds after the start.
    pub fn end_s(&self) -> f64 {
        self.states.last().map_or(0.0, |s| s.t)
    }

    /// The state at `t` (linear between steps), `None` outside the flight.
    pub fn at(&self, t: f64) -> Option<State> {
        let first = self.states.first()?;
        let x = (t - first.t) / STEP_S;
        if x < -1e-9 || !x.is_finite() {
            return None;
        }
        let i = x.floor() as usize;
        let a = *self.states.get(i)?;
        let Some(b) = self.states.get(i + 1) else {
            return ((t - a.t).abs() < 1e-6).then_some(a);
        };
        let f = (x - i as f64).clamp(0.0, 1.0);
        let lerp = |p: f64, q: f64| p + (q - p) * f;
        Some(State {
            t,
            position: Point::new(
                lerp(a.position.lat, b.position.lat),
                a.position.lon + heading_difference(a.position.lon, b.position.lon) * f,
            ),
            altitude_ft: lerp(a.altitude_ft, b.altitude_ft),
            track_deg: (a.track_deg + heading_difference(a.track_deg, b.track_deg) * f)
                .rem_euclid(360.0),
            groundspeed_kt: lerp(a.groundspeed_kt, b.groundspeed_kt),
            vertical_rate_fpm: lerp(a.vertical_rate_fpm, b.vertical_rate_fpm),
            turn_rate_deg_s: lerp(a.turn_rate_deg_s, b.turn_rate_deg_s),
            on_ground: a.on_ground,
            selected_altitude_ft: a.selected_altitude_ft,
            leg: a.leg,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::geo::{distance_m, METRES_PER_NM};
    use crate::scenario::Scenario;

    fn aircraft(extra: &str, legs: &str) -> Aircraft {
        let text = format!(
            "name = \"t\"\n[[aircraft]]\nicao24 = \"abcdef\"\nposition = [30.0, -110.0]\naltitude_ft = 10000\n{extra}\n{legs}"
        );
        Scenario::from_toml(&text, "t").unwrap().aircraft.remove(0)
    }

    #[test]
    fn flies_an_orbit_at_its_radius_with_bank_limited_turns() {
        let a = aircraft(
            "speed_kt = 170\nheading_deg = 90",
            "[[aircraft.leg]]\norbit = { centre = [30.0, -109.7], radius_nm = 6, turns = 3 }",
        );
        let flight = fly(&a, None);
        let centre = Point::new(30.0, -109.7);
        // After the entry, the aircraft stays within 0.3 nm of the circle.
        let orbit = flight.legs()[0];
        let settled = flight
            .states()
            .iter()
            .filter(|s| s.t > orbit.start_s + 600.0);
        for s in settled {
            let r = distance_m(centre, s.position) / METRES_PER_NM;
            assert!((r - 6.0).abs() < 0.3, "r = {r} at {}", s.t);
        }
        // Three turns of 2π·6 nm at 170 kt, plus the way in: about 40 minutes.
        let minutes = flight.end_s() / 60.0;
        assert!((38.0..48.0).contains(&minutes), "{minutes}");
        // No state turns faster than standard rate.
        assert!(flight
            .states()
            .iter()
            .all(|s| s.turn_rate_deg_s.abs() <= 3.0 + 1e-9));
    }

    #[test]
    fn climbs_at_the_rate_and_levels_off() {
        let a = aircraft(
            "speed_kt = 250\nclimb_fpm = 2000",
            "[[aircraft.leg]]\ncourse = { heading_deg = 0, distance_nm = 60 }\naltitude_ft = 20000",
        );
        let flight = fly(&a, None);
        let max_rate = flight
            .states()
            .iter()
            .map(|s| s.vertical_rate_fpm)
            .fold(0.0, f64::max);
        assert!((max_rate - 2000.0).abs() < 1.0, "{max_rate}");
        let last = flight.states().last().unwrap();
        assert!(
            (last.altitude_ft - 20000.0).abs() < 5.0,
            "{}",
            last.altitude_ft
        );
        // The 10 000 ft climb takes about 5 minutes at 2000 ft/min.
        let at_5_5_min = flight.at(330.0).unwrap();
        assert!(
            at_5_5_min.altitude_ft > 19_800.0,
            "{}",
            at_5_5_min.altitude_ft
        );
    }

    #[test]
    fn turn_radius_respects_the_bank_limit() {
        // A fast jet reversing course: bank-limited to 25° at 450 kt, ~1.2 °/s.
        let a = aircraft(
            "speed_kt = 450",
            "[[aircraft.leg]]\ncourse = { heading_deg = 180, distance_nm = 40 }",
        );
        let flight = fly(&a, None);
        let rate = 9.806_65 * 25f64.to_radians().tan() / (450.0 * MPS_PER_KT);
        let max = flight
            .states()
            .iter()
            .map(|s| s.turn_rate_deg_s.abs())
            .fold(0.0, f64::max);
        assert!((max - rate.to_degrees()).abs() < 1e-6, "{max}");
    }

    #[test]
    fn a_survey_grid_flies_every_line() {
        let a = aircraft(
            "speed_kt = 120\nheading_deg = 90\nmax_bank_deg = 30",
            "[[aircraft.leg]]\ngrid = { start = [30.0, -109.9], heading_deg = 90, line_nm = 10, spacing_nm = 2, lines = 4, direction = \"left\" }",
        );
        let flight = fly(&a, None);
        // Four lines, each 2 nm north of the last (left of eastbound), flown east, west,
        // east, west: the track reaches every line's latitude and turns around at the ends.
        for line in 0..4 {
            let lat = 30.0 + f64::from(line) * 2.0 / 60.0;
            let on_line = flight
                .states()
                .iter()
                .filter(|s| (s.position.lat - lat).abs() < 0.002)
                .count();
            // 10 nm at 120 kt is 300 s: most of it within 0.1 nm of the line.
            assert!(on_line > 2000, "line {line}: {on_line} states");
        }
        let westbound = flight
            .states()
            .iter()
            .filter(|s| (s.track_deg - 270.0).abs() < 5.0)
            .count();
        assert!(westbound > 4000, "{westbound}");
    }

    #[test]
    fn interpolation_lies_between_steps() {
        let a = aircraft("speed_kt = 200", "[[aircraft.leg]]\nto = [30.5, -110.0]");
        let flight = fly(&a, None);
        let s = flight.at(10.05).unwrap();
        let (p, q) = (flight.at(10.0).unwrap(), flight.at(10.1).unwrap());
        assert!(s.position.lat > p.position.lat && s.position.lat < q.position.lat);
        assert!(flight.at(-1.0).is_none());
        assert!(flight.at(flight.end_s() + 1.0).is_none());
    }
}
