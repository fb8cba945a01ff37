//! The multilateration stage: frames from many receivers in, located Mode S replies out.
//!
//! Each receiver's copy of a frame comes with the receiver's own counter reading and a rough
//! time on the stream's common clock (good to a few milliseconds: enough to tell which copies
//! are the same transmission). Copies of one transmission — identical bytes within
//! [`EngineConfig::group_window_s`] — form a group. A group of an ADS-B airborne position whose
//! position the engine can decode (a global even/odd pair, then local decoding against it) is
//! a clock reference: it feeds the [`ClockNetwork`]. A group of any other reply from an aircraft
//! that has not broadcast a position lately (ADS-B off: a drone answering radar with DF4/5/11/20/21)
//! is located: its receivers' counter times are brought onto the network's time base and
//! [`solve`]d, with the reply's altitude (or the aircraft's latest, ≤ 30 s old) as a constraint.
//! A solution needs one measurement more than its four unknowns (4 receivers and the altitude,
//! or 5): with 3 receivers and the altitude the equations have two exact solutions, mirror
//! images across the receivers' line, and on the simulated border network the solver picked
//! the wrong one 77 km away — across the border. A solution with at most 2 degrees of freedom
//! is also refused when a start elsewhere finds a second consistent one far from it
//! ([`EngineStats::ambiguous`]).
//! A set the χ² test rejects is tried again without each receiver in turn: a receiver whose
//! removal makes it consistent is counted against that receiver ([`EngineStats::blamed`]), and the
//! solution is kept only if exactly one removal works.
//!
//! Memory is bounded: at most [`EngineConfig::max_pending`] groups and
//! [`EngineConfig::max_aircraft`] aircraft are held (the oldest are dropped and counted).

use std::collections::{HashMap, VecDeque};

use vigia_modes::adsb::Me;
use vigia_modes::cpr::{self, CprFormat, CprPosition, LatLon};
use vigia_modes::message::{Body, Message};
use vigia_modes::IcaoAddress;

use crate::clock::{ClockNetwork, Heard, ReceiverId, TimeBase};
use crate::geodesy::Geodetic;
use crate::solve::{solve, Altitude, Arrival, ErrorEllipse, SolveError, SolverConfig};

/// Feet to metres.
const FT: f64 = 0.3048;

/// What kind of counter a receiver stamps frames with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ClockKind {
    /// A free-running 12 MHz counter (Beast, dump1090, readsb): 48 bits, wraps after ~272 days.
    #[default]
    Beast12MHz,
    /// A GPS-disciplined counter (Radarcape style): upper 18 bits seconds of the day, lower 30
    /// bits nanoseconds; rolls over at midnight (UTC).
    Gps,
    /// No usable counter: the receiver's frames are tracked but never used for MLAT.
    None,
}

impl ClockKind {
    /// The name used in receivers files: `12mhz`, `gps`, `none`.
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Beast12MHz => "12mhz",
            ClockKind::Gps => "gps",
            ClockKind::None => "none",
        }
    }

    /// Its typical timing jitter, seconds (one frame's stamp).
    pub fn jitter_s(self) -> f64 {
        match self {
            ClockKind::Beast12MHz => 80e-9,
            ClockKind::Gps => 20e-9,
            ClockKind::None => 1.0,
        }
    }
}

/// One receiver of the network, as the engine needs it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Station {
    /// Where its antenna is.
    pub position: Geodetic,
    /// Its counter.
    pub clock: ClockKind,
    /// Its jitter, seconds (default: the clock kind's).
    pub jitter_s: f64,
}

/// Tuning of the stage.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EngineConfig {
    /// Copies of identical bytes whose rough times lie within this of the first are one
    /// transmission, seconds (propagation differences across a network reach ~1.5 ms).
    pub group_window_s: f64,
    /// A transmission's group is closed (solved) once the stream is this far past its first
    /// copy, seconds: the window itself for merged captures; longer live, where receivers'
    /// frames arrive with different delays.
    pub close_delay_s: f64,
    /// An aircraft that broadcast an ADS-B position this recently is not located, seconds.
    pub adsb_recent_s: f64,
    /// An altitude heard this recently constrains a reply without one, seconds.
    pub altitude_recent_s: f64,
    /// The time base is rebuilt this often, seconds of stream time.
    pub time_base_every_s: f64,
    /// Most groups held open.
    pub max_pending: usize,
    /// Most aircraft remembered.
    pub max_aircraft: usize,
    /// Most receivers used in one solution.
    pub max_receivers: usize,
    /// The solver's limits.
    pub solver: SolverConfig,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            group_window_s: 0.004,
            close_delay_s: 0.004,
            adsb_recent_s: 30.0,
            altitude_recent_s: 30.0,
            time_base_every_s: 1.0,
            max_pending: 50_000,
            max_aircraft: 50_000,
            max_receivers: crate::MAX_RECEIVERS_PER_FIX,
            solver: SolverConfig::default(),
        }
    }
}

/// One receiver's copy of a frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reception {
    /// Which receiver (an index into the stations given to [`Engine::new`]).
    pub receiver: ReceiverId,
    /// Its raw counter reading (12 MHz ticks, or GPS seconds-of-day/nanoseconds).
    pub ticks: u64,
    /// Time on the stream's common clock, seconds (rough: milliseconds).
    pub rough_s: f64,
}

/// A located reply.
#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    /// The aircraft.
    pub address: IcaoAddress,
    /// When, on the stream's common clock, seconds (the first copy's rough time less its
    /// propagation delay).
    pub rough_s: f64,
    /// Where.
    pub position: Geodetic,
    /// The horizontal 95 % error ellipse.
    pub ellipse_95: ErrorEllipse,
    /// The χ² of the residuals and its degrees of freedom.
    pub chi2: f64,
    /// Degrees of freedom.
    pub dof: usize,
    /// The reported altitude used as a constraint, feet (the reply's own or the latest heard).
    pub altitude_ft: Option<f64>,
    /// The reply's bytes (first `len` valid).
    pub bytes: [u8; 14],
    /// Its length, 7 or 14.
    pub len: u8,
    /// Every receiver used, with its raw counter reading: the evidence.
    pub heard: Vec<(ReceiverId, u64)>,
}

impl Fix {
    /// The reply's bytes.
    pub fn message(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len).min(14)]
    }
}

/// What the stage did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EngineStats {
    /// Frames offered.
    pub frames: u64,
    /// Frames from receivers without a usable counter, or unknown receivers.
    pub unusable: u64,
    /// Transmissions (groups) closed.
    pub groups: u64,
    /// Groups in which one receiver heard the same bytes twice (that receiver's copies were
    /// dropped: a replay, or two receivers under one id).
    pub duplicate_copies: u64,
    /// Clock reference groups fed to the clock network.
    pub clock_references: u64,
    /// Replies of aircraft without a recent ADS-B position that were heard by 2+ receivers.
    pub candidates: u64,
    /// Candidates with too few synchronised receivers.
    pub not_enough_synced: u64,
    /// Solutions found.
    pub solved: u64,
    /// Rejected: inconsistent arrival times.
    pub inconsistent: u64,
    /// Rejected: geometry too poor.
    pub bad_geometry: u64,
    /// Rejected: a second, distant solution fits the arrival times as well (the mirror image
    /// across the receivers' line; few measurements cannot tell them apart).
    pub ambiguous: u64,
    /// Rejected: other solver failures.
    pub failed: u64,
    /// Groups or aircraft dropped at the memory bounds.
    pub evicted: u64,
    /// Per receiver: times its removal alone made an inconsistent set consistent (a receiver
    /// with a wrong position or a jumping clock).
    pub blamed: Vec<u64>,
    /// Per receiver: copies used in solutions.
    pub used: Vec<u64>,
    /// Per receiver: transmissions it gave twice (a replay of another receiver's frames, or
    /// two receivers under its id); those copies were not used.
    pub duplicates: Vec<u64>,
}

#[derive(Clone, Debug, Default)]
struct Aircraft {
    last_seen: f64,
    adsb_position_at: Option<f64>,
    even: Option<(CprPosition, f64)>,
    odd: Option<(CprPosition, f64)>,
    position: Option<(LatLon, f64)>,
    altitude: Option<(f64, f64)>,
}

#[derive(Clone, Debug)]
struct Group {
    first_rough: f64,
    copies: Vec<Reception>,
}

/// The stage's state. Frames in (roughly time-ordered), fixes out.
#[derive(Debug)]
pub struct Engine {
    config: EngineConfig,
    stations: Vec<Station>,
    /// Per receiver: the last unwrapped reading, and its first (times are counted from it).
    counters: Vec<Option<(u64, u64)>>,
    gps_days: Vec<(u64, u64)>,
    clocks: ClockNetwork,
    base: Option<TimeBase>,
    base_at: f64,
    pending: HashMap<([u8; 14], u8), Group>,
    order: VecDeque<(f64, ([u8; 14], u8))>,
    aircraft: HashMap<IcaoAddress, Aircraft>,
    stats: EngineStats,
}

impl Engine {
    /// An engine for these receivers (receiver `i` of a [`Reception`] is `stations[i]`).
    pub fn new(stations: Vec<Station>, config: EngineConfig) -> Self {
        let mut clocks = ClockNetwork::new();
        for (i, s) in stations.iter().enumerate() {
            if s.clock != ClockKind::None {
                clocks.add_receiver(i as ReceiverId, s.position.to_ecef(), s.jitter_s);
            }
        }
        let n = stations.len();
        Self {
            config,
            counters: vec![None; n],
            gps_days: vec![(0, 0); n],
            stations,
            clocks,
            base: None,
            base_at: f64::NEG_INFINITY,
            pending: HashMap::new(),
            order: VecDeque::new(),
            aircraft: HashMap::new(),
            stats: EngineStats {
                blamed: vec![0; n],
                duplicates: vec![0; n],
                used: vec![0; n],
                ..EngineStats::default()
            },
        }
    }

    /// What it did so far.
    pub fn stats(&self) -> &EngineStats {
        &self.stats
    }

    /// The clock network (pairs, their state).
    pub fn clocks(&self) -> &ClockNetwork {
        &self.clocks
    }

    /// Whether `receiver` is on the current time base.
    pub fn on_time_base(&self, receiver: ReceiverId) -> bool {
        self.base
            .as_ref()
            .is_some_and(|b| b.paths.contains_key(&receiver))
    }

    /// Jumps of `receiver`'s clock seen so far (see [`ClockNetwork::jumps`]).
    pub fn clock_jumps(&self, receiver: ReceiverId) -> u64 {
        self.clocks.jumps(receiver)
    }

    /// Receivers on the current time base.
    pub fn synced(&self) -> usize {
        self.base.as_ref().map_or(0, TimeBase::len)
    }

    /// One receiver's copy of a frame. Fixes of transmissions that closed meanwhile are pushed
    /// to `out`.
    pub fn push(&mut self, message: &[u8], reception: Reception, out: &mut Vec<Fix>) {
        self.stats.frames += 1;
        let r = usize::from(reception.receiver);
        let usable = self
            .stations
            .get(r)
            .is_some_and(|s| s.clock != ClockKind::None)
            && matches!(message.len(), 7 | 14)
            && reception.rough_s.is_finite();
        self.close_until(
            reception.rough_s - self.config.close_delay_s.max(self.config.group_window_s),
            out,
        );
        if !usable {
            self.stats.unusable += 1;
            return;
        }
        let mut bytes = [0u8; 14];
        bytes[..message.len()].copy_from_slice(message);
        let key = (bytes, message.len() as u8);
        match self.pending.get_mut(&key) {
            Some(group) if reception.rough_s - group.first_rough <= self.config.group_window_s => {
                group.copies.push(reception);
            }
            Some(_) => {
                // The same bytes again, later: the earlier transmission is complete.
                if let Some(group) = self.pending.remove(&key) {
                    self.process(key, group, out);
                }
                self.open(key, reception);
            }
            None => {
                if self.pending.len() >= self.config.max_pending {
                    self.stats.evicted += 1;
                    self.close_oldest(out);
                }
                self.open(key, reception);
            }
        }
    }

    /// End of input: close every open group.
    pub fn finish(&mut self, out: &mut Vec<Fix>) {
        self.close_until(f64::INFINITY, out);
    }

    fn open(&mut self, key: ([u8; 14], u8), reception: Reception) {
        self.order.push_back((reception.rough_s, key));
        self.pending.insert(
            key,
            Group {
                first_rough: reception.rough_s,
                copies: vec![reception],
            },
        );
    }

    fn close_oldest(&mut self, out: &mut Vec<Fix>) {
        while let Some((t, key)) = self.order.pop_front() {
            if let Some(group) = self.pending.get(&key) {
                if group.first_rough == t {
                    if let Some(group) = self.pending.remove(&key) {
                        self.process(key, group, out);
                    }
                    return;
                }
            }
        }
    }

    fn close_until(&mut self, until: f64, out: &mut Vec<Fix>) {
        while let Some(&(t, key)) = self.order.front() {
            if t >= until {
                break;
            }
            self.order.pop_front();
            // The entry may be stale (its group closed early and a new one opened).
            if self.pending.get(&key).is_some_and(|g| g.first_rough == t) {
                if let Some(group) = self.pending.remove(&key) {
                    self.process(key, group, out);
                }
            }
        }
    }

    /// A receiver's counter reading as seconds since its first reading.
    fn counter_seconds(&mut self, receiver: ReceiverId, ticks: u64) -> Option<f64> {
        let r = usize::from(receiver);
        let clock = self.stations.get(r)?.clock;
        let continuous = match clock {
            ClockKind::None => return None,
            ClockKind::Beast12MHz => {
                let previous = self.counters[r].map_or(ticks, |c| c.0);
                crate::clock::unwrap_counter(previous, ticks)
            }
            ClockKind::Gps => {
                // Nanoseconds since the first day's midnight; a jump back by more than half a
                // day is the midnight rollover.
                const DAY_NS: u64 = 86_400_000_000_000;
                let ns = (ticks >> 30) * 1_000_000_000 + (ticks & ((1 << 30) - 1));
                let (day, last_ns) = self.gps_days[r];
                let day = if ns + DAY_NS / 2 < last_ns {
                    day + 1
                } else {
                    day
                };
                self.gps_days[r] = (day, ns);
                day * DAY_NS + ns
            }
        };
        let first = self.counters[r].map_or(continuous, |c| c.1);
        self.counters[r] = Some((continuous.max(first), first));
        let elapsed = continuous.saturating_sub(first) as f64;
        Some(match clock {
            ClockKind::Gps => elapsed * 1e-9,
            _ => elapsed / vigia_modes::record::MLAT_TICKS_PER_S,
        })
    }

    fn process(&mut self, key: ([u8; 14], u8), group: Group, out: &mut Vec<Fix>) {
        self.stats.groups += 1;
        let mut copies = group.copies;
        // One receiver's copies twice in one transmission: a replay or two receivers sharing
        // an id. Neither copy can be trusted.
        copies.sort_by_key(|c| c.receiver);
        let before = copies.len();
        let mut kept: Vec<Reception> = Vec::with_capacity(copies.len());
        let mut i = 0;
        while i < copies.len() {
            let mut j = i + 1;
            while j < copies.len() && copies[j].receiver == copies[i].receiver {
                j += 1;
            }
            if j - i == 1 {
                kept.push(copies[i]);
            } else if let Some(d) = self
                .stats
                .duplicates
                .get_mut(usize::from(copies[i].receiver))
            {
                *d += 1;
            }
            i = j;
        }
        if kept.len() < before {
            self.stats.duplicate_copies += 1;
        }
        let message = &key.0[..usize::from(key.1)];
        let Ok(msg) = vigia_modes::decode(message) else {
            return;
        };
        let at = group.first_rough;
        let timed: Vec<(Reception, f64)> = kept
            .into_iter()
            .filter_map(|c| Some((c, self.counter_seconds(c.receiver, c.ticks)?)))
            .collect();
        if at - self.base_at >= self.config.time_base_every_s {
            self.base = self.clocks.time_base();
            self.base_at = at;
        }
        let transmitter = self.learn(&msg, at);
        if let Some(position) = transmitter {
            if timed.len() >= 2 {
                self.stats.clock_references += 1;
                let heard: Vec<Heard> = timed
                    .iter()
                    .map(|(c, s)| Heard {
                        receiver: c.receiver,
                        time_s: *s,
                    })
                    .collect();
                self.clocks.observe(position.to_ecef(), &heard);
            }
            return;
        }
        let recently_adsb = self
            .aircraft
            .get(&msg.address)
            .and_then(|a| a.adsb_position_at)
            .is_some_and(|t| at - t <= self.config.adsb_recent_s);
        if recently_adsb || timed.len() < 2 || !locatable(&msg) {
            return;
        }
        self.stats.candidates += 1;
        if let Some(fix) = self.locate(&msg, key, at, &timed) {
            out.push(fix);
        }
    }

    /// What one reply tells about its aircraft; the transmitter's position when it is an ADS-B
    /// airborne position that decodes.
    fn learn(&mut self, msg: &Message, at: f64) -> Option<Geodetic> {
        if !self.aircraft.contains_key(&msg.address)
            && self.aircraft.len() >= self.config.max_aircraft
        {
            // The least recently heard tenth goes at once: a spoofer inventing addresses costs
            // O(1) per address on average, not a scan of the table each.
            let mut seen: Vec<f64> = self.aircraft.values().map(|a| a.last_seen).collect();
            let cut = seen.len() / 10;
            if seen.is_empty() {
                seen.push(f64::INFINITY);
            }
            let threshold = seen
                .select_nth_unstable_by(cut, f64::total_cmp)
                .1
                .to_owned();
            let before = self.aircraft.len();
            self.aircraft.retain(|_, a| a.last_seen > threshold);
            self.stats.evicted += (before - self.aircraft.len()) as u64;
        }
        let aircraft = self.aircraft.entry(msg.address).or_default();
        aircraft.last_seen = at;
        let altitude = match msg.body {
            Body::ShortAirAir { altitude_ft, .. }
            | Body::SurveillanceAltitude { altitude_ft, .. }
            | Body::LongAirAir { altitude_ft, .. }
            | Body::CommBAltitude { altitude_ft, .. } => altitude_ft,
            Body::ExtendedSquitter {
                me: Me::AirbornePosition(p),
                ..
            } => p.altitude_ft,
            _ => None,
        };
        if let Some(ft) = altitude {
            aircraft.altitude = Some((f64::from(ft), at));
        }
        let Body::ExtendedSquitter {
            me: Me::AirbornePosition(p),
            ..
        } = msg.body
        else {
            return None;
        };
        let ft = p.altitude_ft?;
        match p.cpr.format {
            CprFormat::Even => aircraft.even = Some((p.cpr, at)),
            CprFormat::Odd => aircraft.odd = Some((p.cpr, at)),
        }
        let recent = aircraft.position.filter(|(_, t)| at - t <= 10.0);
        let position = match recent {
            Some((reference, _)) => cpr::local(p.cpr, reference, false).ok(),
            None => match (aircraft.even, aircraft.odd) {
                (Some((e, te)), Some((o, to))) if (te - to).abs() <= 10.0 => {
                    cpr::airborne_global(e, o, p.cpr.format).ok()
                }
                _ => None,
            },
        }?;
        if let Some((previous, t)) = recent {
            // 1 000 kt (515 m/s) at most: a decode that jumps is not a clock reference.
            let moved_m = vigia_modes::sphere::distance_m(
                previous.lat,
                previous.lon,
                position.lat,
                position.lon,
            );
            if moved_m > 515.0 * (at - t).max(1.0) + 2_000.0 {
                aircraft.position = None;
                return None;
            }
        }
        aircraft.position = Some((position, at));
        aircraft.adsb_position_at = Some(at);
        Some(Geodetic::new(
            position.lat,
            position.lon,
            f64::from(ft) * FT,
        ))
    }

    fn locate(
        &mut self,
        msg: &Message,
        key: ([u8; 14], u8),
        at: f64,
        timed: &[(Reception, f64)],
    ) -> Option<Fix> {
        let base = self.base.as_ref()?;
        let mut used: Vec<(Reception, Arrival)> = Vec::new();
        for (c, seconds) in timed {
            let Some((t, sigma)) = base.to_reference(c.receiver, *seconds) else {
                continue;
            };
            let station = &self.stations[usize::from(c.receiver)];
            used.push((
                *c,
                Arrival {
                    receiver: station.position.to_ecef(),
                    time_s: t,
                    sigma_s: (station.jitter_s.powi(2) + sigma * sigma).sqrt(),
                },
            ));
            if used.len() >= self.config.max_receivers {
                break;
            }
        }
        let aircraft = self.aircraft.get(&msg.address);
        let altitude_ft = aircraft
            .and_then(|a| a.altitude)
            .filter(|(_, t)| at - t <= self.config.altitude_recent_s)
            .map(|(ft, _)| ft);
        let altitude = altitude_ft.map(|ft| Altitude {
            height_m: ft * FT,
            sigma_m: 100.0,
        });
        // At least one measurement more than the four unknowns: without one the arrival times
        // have two exact solutions as often as not, and nothing tells which is the aircraft.
        if used.len() + usize::from(altitude.is_some()) < 5 || used.len() < 4 {
            self.stats.not_enough_synced += 1;
            return None;
        }
        let arrivals: Vec<Arrival> = used.iter().map(|(_, a)| *a).collect();
        let mut result = solve(&arrivals, altitude, &self.config.solver);
        let mut dropped: Option<usize> = None;
        if matches!(result, Err(SolveError::Inconsistent(..)))
            && used.len() + usize::from(altitude.is_some()) >= 6
        {
            // Leave one out: a single bad receiver shows as the one whose removal alone fixes it.
            let mut fixes = Vec::new();
            for skip in 0..arrivals.len() {
                let rest: Vec<Arrival> = arrivals
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .map(|(_, a)| *a)
                    .collect();
                if let Ok(s) = solve(&rest, altitude, &self.config.solver) {
                    fixes.push((skip, s));
                }
            }
            if let [(skip, s)] = fixes.as_slice() {
                self.stats.blamed[usize::from(used[*skip].0.receiver)] += 1;
                dropped = Some(*skip);
                result = Ok(*s);
            }
        }
        let solution = match result {
            Ok(s) if self.ambiguous(&arrivals, altitude, &s, dropped) => {
                self.stats.ambiguous += 1;
                return None;
            }
            Ok(s) => s,
            Err(SolveError::Inconsistent(..)) => {
                self.stats.inconsistent += 1;
                return None;
            }
            Err(SolveError::BadGeometry(_)) => {
                self.stats.bad_geometry += 1;
                return None;
            }
            Err(_) => {
                self.stats.failed += 1;
                return None;
            }
        };
        self.stats.solved += 1;
        let heard: Vec<(ReceiverId, u64)> = used
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != dropped)
            .map(|(_, (c, _))| (c.receiver, c.ticks))
            .collect();
        for (r, _) in &heard {
            self.stats.used[usize::from(*r)] += 1;
        }
        // The first copy's rough time, less its flight time from the solved position.
        let first = used
            .iter()
            .map(|(c, a)| (c.rough_s, a))
            .min_by(|a, b| a.0.total_cmp(&b.0))?;
        let delay = crate::geodesy::distance(solution.ecef, first.1.receiver) / crate::C;
        Some(Fix {
            address: msg.address,
            rough_s: first.0 - delay,
            position: solution.position,
            ellipse_95: solution.ellipse_95,
            chi2: solution.chi2,
            dof: solution.dof,
            altitude_ft,
            bytes: key.0,
            len: key.1,
            heard,
        })
    }
}

impl Engine {
    /// Whether a start on another side of the receivers finds a second consistent solution
    /// far from `found` (beyond 5 times its 95 % error, and 2 km). Checked when the solution
    /// has at most 2 degrees of freedom: more measurements rule the mirror out.
    fn ambiguous(
        &self,
        arrivals: &[Arrival],
        altitude: Option<Altitude>,
        found: &crate::solve::Solution,
        dropped: Option<usize>,
    ) -> bool {
        if found.dof > 2 {
            return false;
        }
        let kept: Vec<Arrival> = arrivals
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != dropped)
            .map(|(_, a)| *a)
            .collect();
        let c = crate::solve::ground_below(&kept);
        // The found position reflected through the centroid, and four points 150 km out.
        let (dlat, dlon) = (found.position.lat - c.lat, found.position.lon - c.lon);
        let starts = [
            (c.lat - dlat, c.lon - dlon),
            (c.lat + 1.35, c.lon),
            (c.lat - 1.35, c.lon),
            (c.lat, c.lon + 1.6),
            (c.lat, c.lon - 1.6),
        ];
        let limit = (5.0 * found.ellipse_95.semi_major_m).max(2_000.0);
        starts.iter().any(|start| {
            crate::solve::solve_from(&kept, altitude, &self.config.solver, Some(*start))
                .is_ok_and(|other| crate::geodesy::distance(other.ecef, found.ecef) > limit)
        })
    }
}

/// Replies worth locating: those a transponder sends (not DF18 ground stations' TIS-B, not
/// Mode A/C).
fn locatable(msg: &Message) -> bool {
    matches!(msg.df, 0 | 4 | 5 | 11 | 16 | 17 | 20 | 21)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gps_counter_rolls_over_at_midnight() {
        let station = Station {
            position: Geodetic::new(31.0, -110.0, 1000.0),
            clock: ClockKind::Gps,
            jitter_s: 20e-9,
        };
        let mut engine = Engine::new(vec![station], EngineConfig::default());
        let gps = |s: u64, ns: u64| (s << 30) | ns;
        assert_eq!(
            engine.counter_seconds(0, gps(86_399, 500_000_000)),
            Some(0.0)
        );
        let after = engine.counter_seconds(0, gps(0, 250_000_000)).unwrap();
        assert!((after - 0.75).abs() < 1e-9, "{after}");
    }

    #[test]
    fn invented_addresses_keep_the_tables_bounded() {
        let station = Station {
            position: Geodetic::new(31.0, -110.0, 1000.0),
            clock: ClockKind::Beast12MHz,
            jitter_s: 80e-9,
        };
        let config = EngineConfig {
            max_aircraft: 100,
            max_pending: 50,
            ..EngineConfig::default()
        };
        let mut engine = Engine::new(vec![station], config);
        let mut out = Vec::new();
        for (i, a) in (0x200000u32..0x200000 + 5_000).enumerate() {
            let bytes = vigia_modes::encode::frame::df11(IcaoAddress::new(a), 5, 0).unwrap();
            let reception = Reception {
                receiver: 0,
                ticks: i as u64 * 1_200,
                rough_s: i as f64 * 0.0001,
            };
            engine.push(&bytes, reception, &mut out);
            assert!(engine.aircraft.len() <= 100 && engine.pending.len() <= 50);
        }
        engine.finish(&mut out);
        assert!(engine.stats().evicted > 4_000, "{:?}", engine.stats());
        assert!(out.is_empty(), "one receiver locates nothing");
    }

    #[test]
    fn a_receiver_heard_twice_in_one_transmission_is_counted_and_not_used() {
        // Two receivers under one id (or a replay): receiver 1 gives every reply twice.
        let station = |lat: f64| Station {
            position: Geodetic::new(lat, -110.0, 1000.0),
            clock: ClockKind::Beast12MHz,
            jitter_s: 80e-9,
        };
        let mut engine = Engine::new(vec![station(31.0), station(31.5)], EngineConfig::default());
        let mut out = Vec::new();
        let bytes = vigia_modes::encode::frame::df11(IcaoAddress::new(0xae5421), 5, 0).unwrap();
        for k in 0..10u64 {
            let t = k as f64;
            for (receiver, ticks) in [(0, 1_000), (1, 2_000), (1, 2_600)] {
                let reception = Reception {
                    receiver,
                    ticks: k * 12_000_000 + ticks,
                    rough_s: t,
                };
                engine.push(&bytes, reception, &mut out);
            }
        }
        engine.finish(&mut out);
        let stats = engine.stats();
        assert_eq!(stats.duplicate_copies, 10);
        assert_eq!(stats.duplicates, vec![0, 10]);
        assert!(out.is_empty());
    }

    #[test]
    fn beast_counter_unwraps() {
        let station = Station {
            position: Geodetic::new(31.0, -110.0, 1000.0),
            clock: ClockKind::Beast12MHz,
            jitter_s: 80e-9,
        };
        let mut engine = Engine::new(vec![station], EngineConfig::default());
        let last = (1u64 << 48) - 12_000_000;
        assert_eq!(engine.counter_seconds(0, last), Some(0.0));
        let after = engine.counter_seconds(0, 12_000_000).unwrap();
        assert!((after - 2.0).abs() < 1e-9, "{after}");
    }
}
