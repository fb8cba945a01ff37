//! The scenario file format (TOML), read into values and checked.
//!
//! Owns the shape of a scenario — receivers, aircraft with their transponder and flight
//! plan, faults — its defaults and its validation. The format is documented for users in
//! `scenarios/README.md`; the bundled scenarios there are examples of every feature. It does
//! not fly anything ([`crate::flight`]) nor emit frames ([`crate::emit`]).
//!
//! Coordinates are `[latitude, longitude]` in degrees; times are seconds after the
//! scenario's `start`; distances are nautical miles; altitudes feet; speeds knots.

use serde::Deserialize;
use vigia_modes::{Callsign, IcaoAddress, Squawk};

/// 2024-01-01T00:00:00Z: the default start, so that outputs are byte-identical run to run.
pub const DEFAULT_START_UNIX: f64 = 1_704_067_200.0;

/// Why a scenario file was not accepted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The text is not TOML, or does not have the scenario's shape (unknown key, wrong type).
    #[error("{source_name}: {message}")]
    Syntax {
        /// The file (or bundled scenario) name.
        source_name: String,
        /// The parser's explanation, with the line it points at.
        message: String,
    },
    /// The shape is right but a value is not: a bad address, an empty flight plan, ...
    #[error("{source_name}: {at}: {reason}")]
    Invalid {
        /// The file (or bundled scenario) name.
        source_name: String,
        /// Where, as a path into the file (`aircraft[2].leg[1]`).
        at: String,
        /// What is wrong.
        reason: String,
    },
}

/// A whole scenario.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name (`p8-baja-clip`).
    pub name: String,
    /// What the scenario shows.
    #[serde(default)]
    pub description: String,
    /// Seed of every random choice (jitter, loss, noise, garbage).
    #[serde(default)]
    pub seed: u64,
    /// Start time, seconds since the Unix epoch (TOML: an offset date-time such as
    /// `2024-05-01T18:00:00Z`; default [`DEFAULT_START_UNIX`]).
    #[serde(default = "default_start", deserialize_with = "start_unix")]
    pub start: f64,
    /// Stop after this many seconds even if aircraft are still flying.
    pub duration_s: Option<f64>,
    /// Zones whose entries and exits the truth lists (bundled names, `MEX`, `USA`, ...).
    #[serde(default = "default_zones")]
    pub zones: Vec<String>,
    /// Zones (among `zones`) for which the truth gives the closest approach of aircraft
    /// that never entered them; default: the first of `zones`, the one the scenario is
    /// about. (Preparing a zone's boundary for distance queries takes a moment, so the
    /// others are not measured unless asked.)
    pub approach_zones: Option<Vec<String>>,
    /// Interval of the true-track samples in the truth, seconds.
    #[serde(default = "default_truth_interval")]
    pub truth_interval_s: f64,
    /// Receivers; none means one perfect receiver that hears everything.
    #[serde(default, rename = "receiver")]
    pub receivers: Vec<Receiver>,
    /// The aircraft.
    #[serde(rename = "aircraft")]
    pub aircraft: Vec<Aircraft>,
    /// Faults to inject.
    #[serde(default, rename = "fault")]
    pub faults: Vec<Fault>,
}

fn default_start() -> f64 {
    DEFAULT_START_UNIX
}

fn default_zones() -> Vec<String> {
    vec!["MEX".into(), "USA".into()]
}

fn default_truth_interval() -> f64 {
    1.0
}

/// A ground receiver: where it is, how far it hears, how many frames it loses.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Receiver {
    /// Name (used by faults and in the truth).
    pub name: String,
    /// `[lat, lon]`; without one the receiver hears every frame (no range, no horizon).
    pub position: Option<[f64; 2]>,
    /// Antenna altitude, feet (for the radio horizon).
    #[serde(default)]
    pub altitude_ft: f64,
    /// Range, nautical miles: frames from farther are not heard, and loss grows over the
    /// last fifth of the range.
    #[serde(default = "default_range")]
    pub range_nm: f64,
    /// Probability that a frame is lost even in range.
    #[serde(default)]
    pub loss: f64,
    /// Probability that a heard frame arrives with one bit flipped (its CRC then fails).
    #[serde(default)]
    pub noise: f64,
    /// The receiver's counter: `12mhz` (a free-running Beast counter, the default), `gps` (a
    /// GPS-disciplined counter: seconds of the day and nanoseconds) or `none`.
    #[serde(default = "default_clock")]
    pub clock: String,
    /// Rate error of a `12mhz` counter, parts per million (a crystal's: 5–100).
    #[serde(default)]
    pub drift_ppm: f64,
    /// Standard deviation of each timestamp, nanoseconds (80 for a 12 MHz counter after
    /// quantisation; tens for a GPS one). 0: the counter is exact (to its tick).
    #[serde(default)]
    pub jitter_ns: f64,
}

fn default_clock() -> String {
    "12mhz".into()
}

fn default_range() -> f64 {
    250.0
}

/// One aircraft: identity, transponder, initial state and flight plan.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aircraft {
    /// ICAO 24-bit address, six hex digits.
    #[serde(deserialize_with = "address")]
    pub icao24: IcaoAddress,
    /// Identification broadcast in TC 1–4 and BDS 2,0.
    #[serde(default, deserialize_with = "callsign")]
    pub callsign: Option<Callsign>,
    /// Emitter category as written in DO-260B, set letter and number: `A3` large, `A5`
    /// heavy, `B6` UAV, `A0` none.
    #[serde(default = "default_category")]
    pub category: String,
    /// Aircraft type, for people (`MQ-9`, `B738`).
    #[serde(default, rename = "type")]
    pub aircraft_type: String,
    /// Mode A code, four octal digits; without one no identity replies are sent.
    #[serde(default, deserialize_with = "squawk")]
    pub squawk: Option<Squawk>,
    /// Seconds after the start when the aircraft appears.
    #[serde(default)]
    pub depart_s: f64,
    /// Initial `[lat, lon]`.
    pub position: [f64; 2],
    /// Initial altitude, feet (the field elevation for an aircraft on the ground).
    #[serde(default)]
    pub altitude_ft: f64,
    /// Initial ground speed, knots (the target speed until a leg sets another).
    pub speed_kt: f64,
    /// Initial heading, degrees true.
    #[serde(default)]
    pub heading_deg: f64,
    /// Whether the aircraft starts on the ground.
    #[serde(default)]
    pub on_ground: bool,
    /// Largest bank angle in turns, degrees.
    #[serde(default = "default_bank")]
    pub max_bank_deg: f64,
    /// Largest turn rate in the air, degrees per second (3 = standard rate).
    #[serde(default = "default_turn_rate")]
    pub max_turn_rate_deg_s: f64,
    /// Climb rate, feet per minute.
    #[serde(default = "default_vertical_rate")]
    pub climb_fpm: f64,
    /// Descent rate, feet per minute.
    #[serde(default = "default_vertical_rate")]
    pub descent_fpm: f64,
    /// What the transponder sends.
    #[serde(default)]
    pub transponder: Transponder,
    /// The flight plan, flown in order; the aircraft disappears at its end.
    #[serde(rename = "leg")]
    pub legs: Vec<Leg>,
}

fn default_category() -> String {
    "A0".into()
}
fn default_bank() -> f64 {
    25.0
}
fn default_turn_rate() -> f64 {
    3.0
}
fn default_vertical_rate() -> f64 {
    1500.0
}

impl Aircraft {
    /// The (type code, category) pair of the identification message for `category`.
    pub fn category_code(&self) -> Option<(u8, u8)> {
        let b = self.category.as_bytes();
        if b.len() != 2 {
            return None;
        }
        let tc = match b[0].to_ascii_uppercase() {
            b'A' => 4,
            b'B' => 3,
            b'C' => 2,
            b'D' => 1,
            _ => return None,
        };
        let ca = b[1].checked_sub(b'0').filter(|c| *c <= 7)?;
        Some((tc, ca))
    }
}

/// What a transponder sends besides its position.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Transponder {
    /// ADS-B extended squitters (DF17): positions and velocity twice a second, identification
    /// every 5 s, operational status every 2.5 s, aircraft status (Mode A code) every 5 s.
    pub adsb: bool,
    /// DF11 acquisition squitters, about once a second.
    pub acquisition_squitter: bool,
    /// Rate of DF4 and of DF5 surveillance replies (each), per second: how often ground
    /// radars interrogate the aircraft.
    pub surveillance_per_s: f64,
    /// Rate of Comm-B replies (DF20/21, BDS 2,0, 4,0, 5,0 and 6,0 in turn), per second.
    pub commb_per_s: f64,
    /// Navigation accuracy category sent in the operational status.
    pub nac_p: u8,
}

impl Default for Transponder {
    fn default() -> Self {
        Self {
            adsb: true,
            acquisition_squitter: true,
            surveillance_per_s: 0.0,
            commb_per_s: 0.0,
            nac_p: 9,
        }
    }
}

/// One leg of a flight plan: a route (exactly one of `to`, `course`, `orbit`, `racetrack`,
/// `grid`) and the altitude and speed to hold on it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Leg {
    /// Fly direct to `[lat, lon]`.
    pub to: Option<[f64; 2]>,
    /// Fly a course for a distance.
    pub course: Option<Course>,
    /// Orbit a point.
    pub orbit: Option<Orbit>,
    /// Fly a racetrack pattern.
    pub racetrack: Option<Racetrack>,
    /// Fly a survey grid (parallel lines).
    pub grid: Option<Grid>,
    /// Altitude to climb or descend to on this leg, feet.
    pub altitude_ft: Option<f64>,
    /// Speed to accelerate or slow to on this leg, knots.
    pub speed_kt: Option<f64>,
    /// Climb or descent rate for this leg, feet per minute (default: the aircraft's).
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground during this leg (taxi, take-off roll): surface position messages.
    pub on_ground: Option<bool>,
    /// What the transponder sends during this leg: `all` (the default: as the aircraft's
    /// `transponder` says), `mode_s` (ADS-B switched off: replies and acquisition squitters
    /// only) or `none` (the transponder off: silent).
    pub transmit: Option<Transmit>,
}

/// What a transponder sends during a leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transmit {
    /// Everything the aircraft's transponder is set to send.
    #[default]
    All,
    /// ADS-B off: no extended squitter (DF17); Mode S replies and DF11 continue.
    ModeS,
    /// Nothing.
    None,
}

/// Fly `heading_deg` for `distance_nm`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Course {
    /// Course, degrees true.
    pub heading_deg: f64,
    /// Distance, nautical miles.
    pub distance_nm: f64,
}

/// Which way a pattern turns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Turn {
    /// Clockwise seen from above.
    #[default]
    Right,
    /// Counter-clockwise.
    Left,
}

impl Turn {
    /// +1 for right, −1 for left.
    pub fn sign(self) -> f64 {
        match self {
            Turn::Right => 1.0,
            Turn::Left => -1.0,
        }
    }
}

/// Circle `centre` at `radius_nm`, `turns` times.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Orbit {
    /// `[lat, lon]` of the centre.
    pub centre: [f64; 2],
    /// Radius, nautical miles.
    pub radius_nm: f64,
    /// Number of turns (fractions allowed).
    pub turns: f64,
    /// Direction of the turns.
    #[serde(default)]
    pub direction: Turn,
}

/// A racetrack (holding-pattern shape): an inbound leg ending at `fix` on
/// `inbound_course_deg`, a 180° turn, an outbound leg `width_nm` to the side, a 180° turn.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Racetrack {
    /// `[lat, lon]` where the inbound leg ends.
    pub fix: [f64; 2],
    /// Course of the inbound leg, degrees true.
    pub inbound_course_deg: f64,
    /// Length of the straight legs, nautical miles.
    pub leg_nm: f64,
    /// Distance between the two straight legs, nautical miles.
    pub width_nm: f64,
    /// Number of laps.
    pub laps: u32,
    /// Direction of the turns.
    #[serde(default)]
    pub direction: Turn,
}

/// A survey grid: `lines` parallel lines of `line_nm`, `spacing_nm` apart, flown
/// alternately out and back, the first from `start` on `heading_deg`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grid {
    /// `[lat, lon]` where the first line starts.
    pub start: [f64; 2],
    /// Direction of the first line, degrees true.
    pub heading_deg: f64,
    /// Length of each line, nautical miles.
    pub line_nm: f64,
    /// Distance between lines, nautical miles.
    pub spacing_nm: f64,
    /// Number of lines.
    pub lines: u32,
    /// Side on which the next line lies.
    #[serde(default)]
    pub direction: Turn,
}

/// The route of a leg, once checked that exactly one is given.
#[derive(Debug, Clone, Copy)]
pub enum Route<'a> {
    /// Direct to a point.
    To([f64; 2]),
    /// A course for a distance.
    Course(&'a Course),
    /// An orbit.
    Orbit(&'a Orbit),
    /// A racetrack.
    Racetrack(&'a Racetrack),
    /// A survey grid.
    Grid(&'a Grid),
}

impl Leg {
    /// The leg's route; `None` unless exactly one route is given (checked by
    /// [`Scenario::from_toml`]).
    pub fn route(&self) -> Option<Route<'_>> {
        let routes = [
            self.to.map(Route::To),
            self.course.as_ref().map(Route::Course),
            self.orbit.as_ref().map(Route::Orbit),
            self.racetrack.as_ref().map(Route::Racetrack),
            self.grid.as_ref().map(Route::Grid),
        ];
        let mut given = routes.into_iter().flatten();
        match (given.next(), given.next()) {
            (Some(route), None) => Some(route),
            _ => None,
        }
    }
}

/// A fault to inject.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Fault {
    /// Random bytes framed as Mode S replies (most fail their CRC), at a mean rate.
    Garbage {
        /// Mean frames per second.
        rate_per_s: f64,
        /// The receiver that outputs them (default: the first).
        receiver: Option<String>,
    },
    /// One position message sent from the wrong place.
    DisplacedPosition {
        /// ICAO address of the aircraft.
        #[serde(deserialize_with = "address")]
        aircraft: IcaoAddress,
        /// The first position message at or after this time is displaced.
        at_s: f64,
        /// How far, nautical miles.
        distance_nm: f64,
        /// Which way, degrees true.
        bearing_deg: f64,
    },
    /// Positions of the aircraft's address sent from a displaced track during a window.
    Spoof {
        /// ICAO address of the aircraft.
        #[serde(deserialize_with = "address")]
        aircraft: IcaoAddress,
        /// Start of the window, seconds.
        start_s: f64,
        /// End of the window, seconds.
        end_s: f64,
        /// How far the spoofed track is from the true one, nautical miles.
        distance_nm: f64,
        /// Which way, degrees true.
        bearing_deg: f64,
        /// Whether a second transmitter sends the spoofed positions between the real ones
        /// (`interleave`), or the real positions are replaced (`replace`).
        #[serde(default)]
        mode: SpoofMode,
    },
    /// A receiver sends another's frames as its own: every frame `from` hears between
    /// `start_s` and `end_s` is output by `to` as well, `delay_s` later, stamped by `to`'s
    /// clock (a feeder relaying a neighbour's feed under its own id).
    Replay {
        /// The receiver whose frames are replayed.
        from: String,
        /// The receiver that replays them.
        to: String,
        /// Delay of the relay, seconds.
        #[serde(default)]
        delay_s: f64,
        /// Start of the window, seconds.
        #[serde(default)]
        start_s: f64,
        /// End of the window, seconds (default: the end).
        end_s: Option<f64>,
    },
    /// A receiver's clock jumps: every timestamp after `at_s` is off by `jump_s`.
    TimeJump {
        /// When, seconds.
        at_s: f64,
        /// By how much, seconds (negative jumps back).
        jump_s: f64,
        /// The receiver (default: all).
        receiver: Option<String>,
    },
}

/// How a spoofed track is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpoofMode {
    /// A second transmitter with the same address, beside the real one.
    #[default]
    Interleave,
    /// The real positions are replaced.
    Replace,
}

impl Scenario {
    /// Read and check a scenario; `source_name` names it in errors.
    pub fn from_toml(text: &str, source_name: &str) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
            source_name: source_name.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        scenario
            .check()
            .map_err(|(at, reason)| ScenarioError::Invalid {
                source_name: source_name.to_string(),
                at,
                reason,
            })?;
        Ok(scenario)
    }

    /// The zones whose closest approaches the truth reports.
    pub fn approach_zones(&self) -> Vec<String> {
        match &self.approach_zones {
            Some(zones) => zones.clone(),
            None => self.zones.iter().take(1).cloned().collect(),
        }
    }

    /// The receivers to simulate: those given, or one that hears everything.
    pub fn receivers(&self) -> Vec<Receiver> {
        if self.receivers.is_empty() {
            vec![Receiver {
                name: "receiver".into(),
                position: None,
                altitude_ft: 0.0,
                range_nm: default_range(),
                loss: 0.0,
                noise: 0.0,
                clock: default_clock(),
                drift_ppm: 0.0,
                jitter_ns: 0.0,
            }]
        } else {
            self.receivers.clone()
        }
    }

    fn check(&self) -> Result<(), (String, String)> {
        let fail = |at: String, reason: &str| Err((at, reason.to_string()));
        if let Some(zone) = self
            .approach_zones
            .iter()
            .flatten()
            .find(|z| !self.zones.contains(z))
        {
            return fail(format!("approach_zones: {zone}"), "not one of zones");
        }
        if self.aircraft.is_empty() {
            return fail("aircraft".into(), "a scenario needs at least one aircraft");
        }
        // Bounds that keep a scenario's work and memory small whatever the file says.
        if !(0.1..=3600.0).contains(&self.truth_interval_s) {
            return fail("truth_interval_s".into(), "must be in 0.1..=3600 s");
        }
        if self
            .duration_s
            .is_some_and(|d| !is_positive(d) || d > MAX_DURATION_S)
        {
            return fail("duration_s".into(), "must be in 0..=604800 s (a week)");
        }
        for (i, r) in self.receivers.iter().enumerate() {
            let at = format!("receiver[{i}]");
            if let Some(p) = r.position {
                check_point(&p).map_err(|reason| (format!("{at}.position"), reason))?;
            }
            if !is_positive(r.range_nm) {
                return fail(format!("{at}.range_nm"), "must be positive");
            }
            if !(0.0..=1.0).contains(&r.loss) || !(0.0..=1.0).contains(&r.noise) {
                return fail(at, "loss and noise are probabilities in 0..=1");
            }
            if !matches!(r.clock.as_str(), "12mhz" | "gps" | "none") {
                return fail(format!("{at}.clock"), "expected 12mhz, gps or none");
            }
            if !(-1000.0..=1000.0).contains(&r.drift_ppm) {
                return fail(format!("{at}.drift_ppm"), "must be in -1000..=1000");
            }
            if !(0.0..=1_000_000.0).contains(&r.jitter_ns) {
                return fail(format!("{at}.jitter_ns"), "must be in 0..=1000000");
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, r) in self.receivers.iter().enumerate() {
            if !names.insert(r.name.as_str()) {
                return fail(
                    format!("receiver[{i}].name"),
                    "two receivers share this name",
                );
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, a) in self.aircraft.iter().enumerate() {
            let at = format!("aircraft[{i}]");
            if !seen.insert(a.icao24) {
                return fail(format!("{at}.icao24"), "two aircraft share this address");
            }
            if a.category_code().is_none() {
                return fail(
                    format!("{at}.category"),
                    "expected a set letter A-D and a digit 0-7, like A3",
                );
            }
            check_point(&a.position).map_err(|reason| (format!("{at}.position"), reason))?;
            if !(0.0..1000.0).contains(&a.speed_kt) {
                return fail(format!("{at}.speed_kt"), "must be in 0..1000");
            }
            if !(0.0..80.0).contains(&a.max_bank_deg)
                || a.max_bank_deg == 0.0
                || !is_positive(a.max_turn_rate_deg_s)
                || !is_positive(a.climb_fpm)
                || !is_positive(a.descent_fpm)
            {
                return fail(at, "bank, turn rate, climb and descent must be positive");
            }
            if !(-1000.0..=60_000.0).contains(&a.altitude_ft) {
                return fail(format!("{at}.altitude_ft"), "must be in -1000..=60000");
            }
            if a.transponder.nac_p > 11 {
                return fail(format!("{at}.transponder.nac_p"), "must be 0..=11");
            }
            if a.legs.is_empty() {
                return fail(format!("{at}.leg"), "the flight plan is empty");
            }
            for (j, leg) in a.legs.iter().enumerate() {
                check_leg(leg).map_err(|reason| (format!("{at}.leg[{j}]"), reason))?;
            }
        }
        for (i, f) in self.faults.iter().enumerate() {
            let at = format!("fault[{i}]");
            let aircraft = match f {
                Fault::DisplacedPosition { aircraft, .. } | Fault::Spoof { aircraft, .. } => {
                    Some(*aircraft)
                }
                _ => None,
            };
            if let Some(address) = aircraft {
                if !seen.contains(&address) {
                    return fail(format!("{at}.aircraft"), "no aircraft has this address");
                }
            }
            let receiver = match f {
                Fault::Garbage { receiver, .. } | Fault::TimeJump { receiver, .. } => {
                    receiver.as_deref()
                }
                _ => None,
            };
            if let Some(name) = receiver {
                if !self.receivers().iter().any(|r| r.name == name) {
                    return fail(format!("{at}.receiver"), "no receiver has this name");
                }
            }
            if let Fault::Replay {
                from, to, delay_s, ..
            } = f
            {
                for (key, name) in [("from", from), ("to", to)] {
                    if !self.receivers().iter().any(|r| &r.name == name) {
                        return fail(format!("{at}.{key}"), "no receiver has this name");
                    }
                }
                if from == to {
                    return fail(format!("{at}.to"), "a receiver cannot replay itself");
                }
                if !(0.0..=60.0).contains(delay_s) {
                    return fail(format!("{at}.delay_s"), "must be in 0..=60");
                }
            }
            match f {
                Fault::Garbage { rate_per_s, .. } if !is_positive(*rate_per_s) => {
                    return fail(format!("{at}.rate_per_s"), "must be positive");
                }
                Fault::Spoof { start_s, end_s, .. } if end_s <= start_s || end_s.is_nan() => {
                    return fail(at, "end_s must come after start_s");
                }
                _ => {}
            }
        }
        Ok(())
    }
}

/// Positive and finite (NaN is not).
fn is_positive(v: f64) -> bool {
    v > 0.0 && v.is_finite()
}

fn check_point(p: &[f64; 2]) -> Result<(), String> {
    if (-85.0..=85.0).contains(&p[0]) && (-180.0..=180.0).contains(&p[1]) {
        Ok(())
    } else {
        Err(format!(
            "[{}, {}] is not a [latitude, longitude] within ±85°, ±180°",
            p[0], p[1]
        ))
    }
}

/// Longest scenario, seconds (a week of flight is more than any test needs).
const MAX_DURATION_S: f64 = 604_800.0;
/// Most turns, laps or lines of one leg, and the longest distance of one, nautical miles:
/// bounds on a leg's work (an orbit of 10⁹ turns once aborted the simulator).
const MAX_REPEATS: f64 = 1_000.0;
const MAX_LEG_NM: f64 = 20_000.0;

fn check_leg(leg: &Leg) -> Result<(), String> {
    let positive = |v: f64, name: &str| {
        if v > 0.0 && v.is_finite() {
            Ok(())
        } else {
            Err(format!("{name} must be positive"))
        }
    };
    let bounded = |v: f64, max: f64, name: &str| {
        positive(v, name)?;
        if v <= max {
            Ok(())
        } else {
            Err(format!("{name} must be at most {max}"))
        }
    };
    match leg.route() {
        None => return Err("give exactly one of to, course, orbit, racetrack, grid".to_string()),
        Some(Route::To(p)) => check_point(&p)?,
        Some(Route::Course(c)) => bounded(c.distance_nm, MAX_LEG_NM, "distance_nm")?,
        Some(Route::Orbit(o)) => {
            check_point(&o.centre)?;
            bounded(o.radius_nm, 500.0, "radius_nm")?;
            bounded(o.turns, MAX_REPEATS, "turns")?;
        }
        Some(Route::Racetrack(r)) => {
            check_point(&r.fix)?;
            bounded(r.leg_nm, 1_000.0, "leg_nm")?;
            bounded(r.width_nm, 500.0, "width_nm")?;
            bounded(f64::from(r.laps), MAX_REPEATS, "laps")?;
        }
        Some(Route::Grid(g)) => {
            check_point(&g.start)?;
            bounded(g.line_nm, 1_000.0, "line_nm")?;
            bounded(g.spacing_nm, 500.0, "spacing_nm")?;
            bounded(f64::from(g.lines), MAX_REPEATS, "lines")?;
        }
    }
    if let Some(a) = leg.altitude_ft {
        if !(-1000.0..=60_000.0).contains(&a) {
            return Err("altitude_ft must be in -1000..=60000".into());
        }
    }
    if let Some(s) = leg.speed_kt {
        if !is_positive(s) || s >= 1000.0 {
            return Err("speed_kt must be in 0..1000".into());
        }
    }
    if let Some(r) = leg.vertical_rate_fpm {
        positive(r, "vertical_rate_fpm")?;
    }
    Ok(())
}

fn address<'de, D: serde::Deserializer<'de>>(d: D) -> Result<IcaoAddress, D::Error> {
    let text = String::deserialize(d)?;
    text.parse().map_err(serde::de::Error::custom)
}

fn callsign<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Callsign>, D::Error> {
    let text = String::deserialize(d)?;
    Callsign::parse(&text)
        .map(Some)
        .map_err(|e| serde::de::Error::custom(format!("callsign {text:?}: {e}")))
}

fn squawk<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Squawk>, D::Error> {
    let text = String::deserialize(d)?;
    if text.len() != 4 {
        return Err(serde::de::Error::custom(format!(
            "squawk {text:?}: expected four octal digits"
        )));
    }
    u16::from_str_radix(&text, 8)
        .map(|s| Some(Squawk(s)))
        .map_err(|_| {
            serde::de::Error::custom(format!("squawk {text:?}: expected four octal digits"))
        })
}

fn start_unix<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    let datetime = toml::value::Datetime::deserialize(d)?;
    let error = || {
        serde::de::Error::custom(
            "start: expected a date-time with offset, like 2024-05-01T18:00:00Z",
        )
    };
    let (Some(date), Some(time), Some(offset)) = (datetime.date, datetime.time, datetime.offset)
    else {
        return Err(error());
    };
    let offset_minutes = match offset {
        toml::value::Offset::Z => 0,
        toml::value::Offset::Custom { minutes } => i64::from(minutes),
    };
    let days = days_from_civil(
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    );
    let seconds = days * 86_400
        + i64::from(time.hour) * 3600
        + i64::from(time.minute) * 60
        + i64::from(time.second)
        - offset_minutes * 60;
    Ok(seconds as f64 + f64::from(time.nanosecond) * 1e-9)
}

pub use vigia_modes::civil::days_from_civil;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const MINIMAL: &str = r#"
        name = "minimal"
        start = 2024-05-01T18:00:00Z
        [[aircraft]]
        icao24 = "0d0a1b"
        callsign = "XAABC"
        position = [30.0, -110.0]
        speed_kt = 120
        [[aircraft.leg]]
        to = [30.1, -110.0]
    "#;

    #[test]
    fn minimal_scenario_has_defaults() {
        let s = Scenario::from_toml(MINIMAL, "minimal").unwrap();
        assert_eq!(s.start, 1_714_586_400.0);
        assert_eq!(s.zones, ["MEX", "USA"]);
        assert_eq!(s.receivers().len(), 1);
        assert!(s.aircraft[0].transponder.adsb);
        assert_eq!(s.aircraft[0].category_code(), Some((4, 0)));
    }

    #[test]
    fn errors_say_where() {
        let bad = MINIMAL.replace(
            "to = [30.1, -110.0]",
            "to = [30.1, -110.0]\norbit = { centre = [30.0, -110.0], radius_nm = 5, turns = 1 }",
        );
        let e = Scenario::from_toml(&bad, "bad.toml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "bad.toml: aircraft[0].leg[0]: give exactly one of to, course, orbit, racetrack, grid"
        );
        let typo = MINIMAL.replace("speed_kt = 120", "sped_kt = 120");
        let e = Scenario::from_toml(&typo, "typo.toml").unwrap_err();
        assert!(e.to_string().contains("sped_kt"), "{e}");
        let squawk = MINIMAL.replace("speed_kt = 120", "speed_kt = 120\nsquawk = \"7800\"");
        assert!(Scenario::from_toml(&squawk, "s").is_err());
    }

    #[test]
    fn unbounded_work_is_refused() {
        // An orbit of 10⁹ turns aborted the simulator; a truth every nanosecond reached 8.6 GB.
        let turns = MINIMAL.replace(
            "to = [30.1, -110.0]",
            "orbit = { centre = [30.0, -110.0], radius_nm = 5, turns = 1e9 }",
        );
        let e = Scenario::from_toml(&turns, "t.toml").unwrap_err();
        assert!(e.to_string().contains("turns must be at most 1000"), "{e}");
        let truth = format!("truth_interval_s = 1e-9\n{MINIMAL}");
        let e = Scenario::from_toml(&truth, "t.toml").unwrap_err();
        assert!(e.to_string().contains("truth_interval_s"), "{e}");
        let long = format!("duration_s = 1e12\n{MINIMAL}");
        assert!(Scenario::from_toml(&long, "t.toml").is_err());
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(
            days_from_civil(2024, 1, 1) * 86_400,
            DEFAULT_START_UNIX as i64
        );
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
