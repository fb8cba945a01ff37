//! Going dark: flights that stop broadcasting where they would be heard, flights heard again
//! after such a gap (and the sovereign boundaries the gap spans), and flights first heard
//! already deep inside a country, in well-covered airspace.
//!
//! Telling intent from coverage is the whole difficulty: aircraft vanish every minute because
//! they descend below a receiver's horizon or fly out of its range. As Global Fishing Watch
//! does for ships that disable AIS, a gap counts only where reception is known to be good
//! ([`crate::coverage`], learned from the traffic) and after the aircraft was heard reliably
//! just before. A gap while a receiver delivered nothing at all is the receiver's outage, not
//! the aircraft's: it is counted ([`DarkStats::receiver_outages`]), never an event.
//!
//! - `signal_lost` — the tracker reports a flight quiet ([`vigia_track::Quiet`]: no trusted
//!   position for `quiet_after_s`); the flight was heard reliably in the minute before its
//!   last position (at least `reliable_ratio` of its broadcasts), and its predicted path (dead
//!   reckoning from the last position, every [`PATH_STEP_S`]) stays where coverage is at
//!   least `min_coverage` resting on at least `min_expected` broadcasts. `adsb_off` when
//!   other frames of the address were still heard (Mode S replies, identification or velocity
//!   squitters: at least [`MIN_OTHER_FRAMES`]), `silent` when nothing was.
//! - `signal_regained` — the same address heard again (a trusted position) within
//!   `regain_within_s`: the gap's duration and extent.
//! - `inferred_crossing` — the great circle from the last position before the gap to the
//!   first after crosses a sovereign boundary: always inferred, never observed, its time
//!   uncertain by the gap. Not made when no aircraft could have flown the gap
//!   ([`MAX_GAP_SPEED_KT`]).
//! - `appeared_inside` — a flight's first trusted position lies inside a sovereign zone,
//!   airborne, not climbing out of an airfield, where coverage pooled over its cell and the
//!   cells around ([`EDGE_CELLS`], same band) is good and every one of them is known: not at
//!   the coverage edge.
//!
//! Coverage at a point is always judged pooled over its cell and the eight around it
//! ([`Coverage::estimate_around`]): one cell's share wanders by a percent with the random
//! spacing of broadcasts.
//!
//! Owns the per-aircraft watch (recent positions, bounded; at most `max_aircraft`, then the
//! least recently heard are dropped), the receivers' activity and the judgements. The events'
//! shapes are in [`crate::event`].

use std::collections::VecDeque;

use rustc_hash::FxHashMap;
use vigia_modes::{Callsign, IcaoAddress};
use vigia_track::{Evidence, FlightId, Quiet, TrustedPosition};
use vigia_zones::{Direction, ZoneIndex, ZoneKind};

use crate::coverage::{Cell, Coverage, BROADCASTS_PER_S};
use crate::event::PositionEvidence;
use crate::geometry::{distance_m, EARTH_RADIUS_M};

/// The predicted path is checked every this many seconds.
pub const PATH_STEP_S: f64 = 10.0;
/// Other frames of the address after its last position that make a gap `adsb_off`.
pub const MIN_OTHER_FRAMES: u32 = 3;
/// Cells around the first position of `appeared_inside` that must be known too (each with a
/// ninth of `min_expected`): the share is judged pooled over them, like the path's.
pub const EDGE_CELLS: i16 = 1;
/// Fastest ground speed a gap may imply for an `inferred_crossing`, knots.
pub const MAX_GAP_SPEED_KT: f64 = 700.0;
/// A receiver that delivered nothing for this long had an outage, seconds.
pub const OUTAGE_S: f64 = 10.0;
/// Time before the last position over which reliability is judged, seconds.
pub const RELIABLE_WINDOW_S: f64 = 60.0;
/// Recent positions kept per aircraft are at least this far apart, seconds.
const KEEP_SPACING_S: f64 = 5.0;
/// Outages remembered.
const MAX_OUTAGES: usize = 256;

/// Settings of going-dark detection.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DarkConfig {
    /// Detect at all, and learn the coverage model as the analyzer runs. Default true.
    pub enabled: bool,
    /// Share of position broadcasts the network must hear in a cell for a gap there to count.
    /// Default 0.99. One receiver rarely hears 99 % anywhere: lower it (0.8) for a single
    /// receiver, knowing that a turn can shadow an antenna for tens of seconds.
    pub min_coverage: f64,
    /// Broadcasts a cell's estimate must rest on. Default 100 (50 s of one aircraft; a cell is
    /// crossed in 40 s at 250 kt: two airliners through it are enough).
    pub min_expected: f64,
    /// Share of its broadcasts heard in the minute before the gap. Default 0.8.
    pub reliable_ratio: f64,
    /// A gap regained later than this is not followed up, seconds. Default 3 h.
    pub regain_within_s: f64,
    /// Aircraft watched at most. Default 50 000.
    pub max_aircraft: usize,
}

impl Default for DarkConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            min_coverage: 0.99,
            min_expected: 100.0,
            reliable_ratio: 0.8,
            regain_within_s: 3.0 * 3600.0,
            max_aircraft: 50_000,
        }
    }
}

/// Counters of going-dark detection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DarkStats {
    /// Quiet flights judged.
    pub quiet: u64,
    /// Of them, not heard reliably in the minute before.
    pub unreliable: u64,
    /// Of them, whose predicted path left well-covered cells (or cells without estimate).
    pub poor_coverage: u64,
    /// Of them, during a receiver's outage.
    pub receiver_outages: u64,
    /// Aircraft dropped from the watch at `max_aircraft`.
    pub dropped: u64,
}

/// Whether everything stopped or only the ADS-B positions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DarkKind {
    /// ADS-B positions stopped; other frames of the address were still heard.
    AdsbOff,
    /// Nothing more was heard from the address.
    Silent,
}

impl DarkKind {
    /// `adsb_off` or `silent`.
    pub fn name(self) -> &'static str {
        match self {
            DarkKind::AdsbOff => "adsb_off",
            DarkKind::Silent => "silent",
        }
    }
}

/// One point of a predicted path and the coverage there.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PathPoint {
    /// Time, seconds.
    pub ts: f64,
    /// Degrees.
    pub lat: f64,
    /// Degrees.
    pub lon: f64,
    /// Share of broadcasts the network hears there.
    pub coverage: f64,
    /// Broadcasts the estimate rests on.
    pub expected: f64,
}

/// The nearest sovereign boundary to a point.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    /// The zone.
    pub zone: String,
    /// Whether the point is inside it.
    pub inside: bool,
    /// Distance to its boundary, nautical miles.
    pub distance_nm: f64,
}

/// A flight stopped being heard where it would have been.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalLost {
    /// What stopped.
    pub kind: DarkKind,
    /// Time of the last trusted position, seconds.
    pub since: f64,
    /// When the gap was judged, seconds.
    pub noticed: f64,
    /// Latest time any frame of the address was heard, seconds.
    pub last_heard: f64,
    /// Other frames heard since the last position.
    pub other_frames: u32,
    /// Position frames heard since that made no trusted position.
    pub position_frames: u32,
    /// Share of its broadcasts heard in the minute before.
    pub reliability: f64,
    /// The predicted path and its coverage.
    pub path: Vec<PathPoint>,
    /// The last trusted positions, oldest first, with their frames.
    pub last: Vec<PositionEvidence>,
    /// The nearest sovereign boundary to the last position.
    pub boundary: Option<Boundary>,
}

/// A flight heard again after a `signal_lost`.
#[derive(Clone, Debug, PartialEq)]
pub struct SignalRegained {
    /// What had stopped.
    pub kind: DarkKind,
    /// The last trusted position before the gap.
    pub before: PositionEvidence,
    /// The first after it.
    pub after: PositionEvidence,
    /// The gap, seconds.
    pub gap_s: f64,
    /// Great-circle distance between the two, nautical miles.
    pub distance_nm: f64,
    /// The ground speed the gap implies, knots.
    pub implied_speed_kt: f64,
    /// The flight the gap began in.
    pub lost_flight: FlightId,
    /// The callsign heard before the gap (the flight after it may not have sent one yet).
    pub callsign: Option<Callsign>,
}

/// A sovereign boundary crossed, inferred across a gap.
#[derive(Clone, Debug, PartialEq)]
pub struct InferredCrossing {
    /// The zone.
    pub zone: String,
    /// Into or out of it.
    pub direction: Direction,
    /// Where the great circle between the two positions crosses the boundary, degrees.
    pub lat: f64,
    /// Degrees.
    pub lon: f64,
    /// The time at constant speed along it, seconds: a guess inside the gap.
    pub ts: f64,
    /// The last trusted position before the gap.
    pub before: PositionEvidence,
    /// The first after it.
    pub after: PositionEvidence,
    /// The gap, seconds: the crossing happened at some time within it.
    pub gap_s: f64,
    /// The callsign heard before the gap.
    pub callsign: Option<Callsign>,
}

/// A flight first heard already inside a sovereign zone, in well-covered airspace.
#[derive(Clone, Debug, PartialEq)]
pub struct AppearedInside {
    /// The zone.
    pub zone: String,
    /// The first trusted position.
    pub first: PositionEvidence,
    /// How far inside, nautical miles.
    pub depth_nm: Option<f64>,
    /// Coverage of the first position's cell.
    pub coverage: f64,
    /// Broadcasts that estimate rests on.
    pub expected: f64,
    /// The lowest coverage among the cells around it.
    pub around_min: f64,
    /// Vertical rate at the first position, feet per minute.
    pub vertical_rate_fpm: Option<f64>,
}

/// What the watch found.
#[derive(Clone, Debug, PartialEq)]
pub enum Finding {
    /// See [`SignalLost`].
    Lost(Box<SignalLost>),
    /// See [`SignalRegained`].
    Regained(Box<SignalRegained>),
    /// See [`InferredCrossing`].
    Crossing(Box<InferredCrossing>),
    /// See [`AppearedInside`].
    Appeared(Box<AppearedInside>),
}

#[derive(Clone, Copy, Debug)]
struct Kept {
    p: PositionEvidence,
    callsign: Option<Callsign>,
    frames: u32,
    groundspeed_kt: Option<f64>,
    track_deg: Option<f64>,
}

#[derive(Clone, Debug)]
struct Lost {
    kind: DarkKind,
    callsign: Option<Callsign>,
    before: PositionEvidence,
    flight: FlightId,
}

#[derive(Clone, Debug)]
struct Watch {
    flight: FlightId,
    recent: VecDeque<Kept>,
    /// The newest position (kept apart: `recent` is thinned).
    newest: Kept,
    lost: Option<Lost>,
}

/// The receivers' activity: when each last delivered a frame, and recent outages.
#[derive(Clone, Debug, Default)]
pub struct Activity {
    last: Vec<f64>,
    outages: VecDeque<(u16, f64, f64)>,
}

impl Activity {
    /// Receiver `source` delivered a frame at `ts`.
    #[inline]
    pub fn heard(&mut self, source: u16, ts: f64) {
        if !ts.is_finite() {
            return;
        }
        let i = usize::from(source);
        if i >= self.last.len() {
            if i > usize::from(u16::MAX) {
                return;
            }
            self.last.resize(i + 1, f64::NEG_INFINITY);
        }
        let last = self.last[i];
        if ts - last > OUTAGE_S && last.is_finite() {
            if self.outages.len() >= MAX_OUTAGES {
                self.outages.pop_front();
            }
            self.outages.push_back((source, last, ts));
        }
        if ts > last {
            self.last[i] = ts;
        }
    }

    /// Whether a receiver active in the minute before `from` delivered nothing for
    /// [`OUTAGE_S`] at some time between `from` and `to`.
    pub fn outage(&self, from: f64, to: f64) -> bool {
        let recorded = self
            .outages
            .iter()
            .any(|&(_, start, end)| start < to && end > from && start >= from - RELIABLE_WINDOW_S);
        let ongoing = self
            .last
            .iter()
            .any(|&l| l >= from - RELIABLE_WINDOW_S && to - l > OUTAGE_S);
        recorded || ongoing
    }
}

/// The going-dark watch.
#[derive(Debug, Default)]
pub struct DarkWatch {
    config: DarkConfig,
    watches: FxHashMap<IcaoAddress, Watch>,
    activity: Activity,
    stats: DarkStats,
    now: f64,
}

/// The point `distance_m` from `(lat, lon)` along `course_deg` (great circle).
fn destination(lat: f64, lon: f64, course_deg: f64, distance_m: f64) -> (f64, f64) {
    let d = distance_m / EARTH_RADIUS_M;
    let (phi, lambda, theta) = (lat.to_radians(), lon.to_radians(), course_deg.to_radians());
    let phi2 = (phi.sin() * d.cos() + phi.cos() * d.sin() * theta.cos()).asin();
    let lambda2 =
        lambda + (theta.sin() * d.sin() * phi.cos()).atan2(d.cos() - phi.sin() * phi2.sin());
    (
        phi2.to_degrees(),
        (lambda2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0,
    )
}

impl DarkWatch {
    /// A watch with `config`.
    pub fn new(config: DarkConfig) -> Self {
        Self {
            config,
            now: f64::NEG_INFINITY,
            ..Self::default()
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> DarkStats {
        self.stats
    }

    /// Receiver `source` delivered a frame at `ts`.
    #[inline]
    pub fn source_heard(&mut self, source: u16, ts: f64) {
        if self.config.enabled {
            self.activity.heard(source, ts);
        }
    }

    /// A trusted position: follow up a lost signal, judge a new flight's first position, keep
    /// recent positions.
    pub fn position(
        &mut self,
        p: &TrustedPosition,
        zones: &ZoneIndex,
        coverage: &Coverage,
        out: &mut Vec<Finding>,
    ) {
        if !self.config.enabled {
            return;
        }
        self.now = self.now.max(p.ts);
        let from_frames = matches!(
            p.evidence,
            Evidence::CprPair { .. } | Evidence::CprLocal { .. }
        );
        let kept = Kept {
            p: PositionEvidence::of(p),
            callsign: p.callsign,
            frames: p.position_frames,
            groundspeed_kt: p.groundspeed_kt,
            track_deg: p.track_deg,
        };
        if let Some(w) = self.watches.get_mut(&p.icao24) {
            let mut new_flight = w.flight != p.flight_id;
            if let Some(lost) = w.lost.take() {
                if p.ts - lost.before.ts <= self.config.regain_within_s {
                    regained(&lost, &kept.p, zones, out);
                    new_flight = false;
                }
            }
            if w.flight != p.flight_id {
                w.flight = p.flight_id;
                w.recent.clear();
            }
            if new_flight && from_frames {
                let config = self.config;
                appeared(&config, p, &kept.p, zones, coverage, out);
            }
            let Some(w) = self.watches.get_mut(&p.icao24) else {
                return;
            };
            while w
                .recent
                .front()
                .is_some_and(|k| p.ts - k.p.ts > RELIABLE_WINDOW_S + KEEP_SPACING_S)
            {
                w.recent.pop_front();
            }
            if w.recent
                .back()
                .is_none_or(|k| p.ts - k.p.ts >= KEEP_SPACING_S)
            {
                w.recent.push_back(kept);
            }
            w.newest = kept;
            return;
        }
        if !from_frames {
            return;
        }
        if self.watches.len() >= self.config.max_aircraft {
            self.evict();
        }
        appeared(&self.config, p, &kept.p, zones, coverage, out);
        self.watches.insert(
            p.icao24,
            Watch {
                flight: p.flight_id,
                recent: VecDeque::from([kept]),
                newest: kept,
                lost: None,
            },
        );
    }

    /// Drop the least recently heard tenth of the watch (and, first, watches older than the
    /// regain horizon).
    fn evict(&mut self) {
        let horizon = self.now - self.config.regain_within_s;
        self.watches.retain(|_, w| w.newest.p.ts >= horizon);
        let excess = self
            .watches
            .len()
            .saturating_sub(self.config.max_aircraft * 9 / 10);
        if excess == 0 {
            return;
        }
        let mut ages: Vec<(f64, IcaoAddress)> = self
            .watches
            .iter()
            .map(|(a, w)| (w.newest.p.ts, *a))
            .collect();
        ages.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        for (_, a) in ages.into_iter().take(excess) {
            self.watches.remove(&a);
            self.stats.dropped += 1;
        }
    }

    /// A flight gone quiet: judge the gap.
    pub fn quiet(
        &mut self,
        q: &Quiet,
        zones: &ZoneIndex,
        coverage: &Coverage,
        out: &mut Vec<Finding>,
    ) {
        if !self.config.enabled {
            return;
        }
        self.now = self.now.max(q.now);
        let Some(w) = self.watches.get_mut(&q.icao24) else {
            return;
        };
        if w.flight != q.flight_id || w.lost.is_some() || w.newest.p.ts < q.since {
            return;
        }
        self.stats.quiet += 1;
        let newest = w.newest;
        // Heard reliably in the minute before the last position.
        let window: Vec<&Kept> = w
            .recent
            .iter()
            .chain(std::iter::once(&w.newest))
            .filter(|k| newest.p.ts - k.p.ts <= RELIABLE_WINDOW_S)
            .collect();
        let reliability = match (window.first(), window.last()) {
            (Some(a), Some(b)) if b.p.ts - a.p.ts >= RELIABLE_WINDOW_S / 2.0 => {
                f64::from(b.frames.wrapping_sub(a.frames)) / (BROADCASTS_PER_S * (b.p.ts - a.p.ts))
            }
            _ => 0.0,
        };
        if reliability < self.config.reliable_ratio {
            self.stats.unreliable += 1;
            return;
        }
        let Some(altitude_ft) = newest.p.altitude_ft else {
            self.stats.poor_coverage += 1;
            return;
        };
        let path = predicted_path(&newest, q.now, coverage, altitude_ft);
        let covered = path.iter().all(|x| {
            x.coverage >= self.config.min_coverage && x.expected >= self.config.min_expected
        });
        if !covered {
            self.stats.poor_coverage += 1;
            return;
        }
        if self.activity.outage(q.since, q.now) {
            self.stats.receiver_outages += 1;
            return;
        }
        let kind = if q.other_frames >= MIN_OTHER_FRAMES {
            DarkKind::AdsbOff
        } else {
            DarkKind::Silent
        };
        w.lost = Some(Lost {
            kind,
            callsign: w
                .recent
                .iter()
                .rev()
                .chain(std::iter::once(&newest))
                .find_map(|k| k.callsign),
            before: newest.p,
            flight: q.flight_id,
        });
        let mut last: Vec<PositionEvidence> = w.recent.iter().map(|k| k.p).collect();
        if last.last().is_none_or(|l| l.ts != newest.p.ts) {
            last.push(newest.p);
        }
        let keep = last.len().saturating_sub(4);
        last.drain(..keep);
        out.push(Finding::Lost(Box::new(SignalLost {
            kind,
            since: newest.p.ts,
            noticed: q.now,
            last_heard: q.last_heard,
            other_frames: q.other_frames,
            position_frames: q.position_frames,
            reliability: reliability.min(1.0),
            path,
            last,
            boundary: nearest_boundary(zones, newest.p.lat, newest.p.lon),
        })));
    }
}

/// A flight's first trusted position: inside a sovereign zone, in well-covered airspace?
fn appeared(
    config: &DarkConfig,
    p: &TrustedPosition,
    first: &PositionEvidence,
    zones: &ZoneIndex,
    coverage: &Coverage,
    out: &mut Vec<Finding>,
) {
    let Some(altitude_ft) = p.altitude_ft else {
        return;
    };
    // On the ground, or climbing out of an airfield below 12 000 ft.
    let climbing_out = altitude_ft < 12_000.0 && p.vertical_rate_fpm.is_some_and(|v| v > 500.0);
    if p.on_ground == Some(true) || climbing_out {
        return;
    }
    let (c, n) = (config.min_coverage, config.min_expected);
    // Well covered around it (pooled), and every cell around known: not the coverage edge.
    let Some(here) = coverage.estimate_around(p.lat, p.lon, altitude_ft) else {
        return;
    };
    if here.ratio < c || here.expected < n {
        return;
    }
    let Some(cell) = Cell::at(p.lat, p.lon, altitude_ft) else {
        return;
    };
    let mut around_min = 1.0f64;
    for dlat in -EDGE_CELLS..=EDGE_CELLS {
        for dlon in -EDGE_CELLS..=EDGE_CELLS {
            match coverage.tally(cell.offset(dlat, dlon)) {
                Some(t) if t.expected >= n / 9.0 => around_min = around_min.min(t.ratio()),
                _ => return,
            }
        }
    }
    for zone in zones.ids() {
        if zones.kind(zone) != ZoneKind::Sovereign || !zones.contains(zone, p.lat, p.lon) {
            continue;
        }
        out.push(Finding::Appeared(Box::new(AppearedInside {
            zone: zones.name(zone).to_string(),
            first: *first,
            depth_nm: zones.distance_to_boundary_nm(zone, p.lat, p.lon),
            coverage: here.ratio,
            expected: here.expected,
            around_min,
            vertical_rate_fpm: p.vertical_rate_fpm,
        })));
    }
}

/// The path dead reckoning predicts from `k` until `until`, with the coverage along it.
fn predicted_path(k: &Kept, until: f64, coverage: &Coverage, altitude_ft: f64) -> Vec<PathPoint> {
    let mut path = Vec::new();
    let mut t = k.p.ts;
    loop {
        let (lat, lon) = match (k.groundspeed_kt, k.track_deg) {
            (Some(gs), Some(trk)) => {
                destination(k.p.lat, k.p.lon, trk, gs * 1852.0 / 3600.0 * (t - k.p.ts))
            }
            _ => (k.p.lat, k.p.lon),
        };
        let e = coverage.estimate_around(lat, lon, altitude_ft);
        path.push(PathPoint {
            ts: t,
            lat,
            lon,
            coverage: e.map_or(0.0, |e| e.ratio),
            expected: e.map_or(0.0, |e| e.expected),
        });
        if t >= until {
            return path;
        }
        t = (t + PATH_STEP_S).min(until);
    }
}

/// The nearest sovereign boundary to a point.
fn nearest_boundary(zones: &ZoneIndex, lat: f64, lon: f64) -> Option<Boundary> {
    zones
        .ids()
        .filter(|z| zones.kind(*z) == ZoneKind::Sovereign)
        .filter_map(|z| {
            let d = zones.distance_to_boundary_nm(z, lat, lon)?;
            Some(Boundary {
                zone: zones.name(z).to_string(),
                inside: zones.contains(z, lat, lon),
                distance_nm: d,
            })
        })
        .min_by(|a, b| a.distance_nm.total_cmp(&b.distance_nm))
}

/// The gap closed: its extent, and the sovereign boundaries it spans.
fn regained(lost: &Lost, after: &PositionEvidence, zones: &ZoneIndex, out: &mut Vec<Finding>) {
    let before = lost.before;
    let gap_s = after.ts - before.ts;
    if gap_s <= 0.0 {
        return;
    }
    let distance_nm = distance_m(before.lat, before.lon, after.lat, after.lon) / 1852.0;
    let implied_speed_kt = distance_nm / (gap_s / 3600.0);
    out.push(Finding::Regained(Box::new(SignalRegained {
        kind: lost.kind,
        before,
        after: *after,
        gap_s,
        distance_nm,
        implied_speed_kt,
        lost_flight: lost.flight,
        callsign: lost.callsign,
    })));
    if implied_speed_kt > MAX_GAP_SPEED_KT {
        return;
    }
    let (p1, p2) = (before.timed(), after.timed());
    for zone in zones.ids() {
        if zones.kind(zone) != ZoneKind::Sovereign {
            continue;
        }
        for c in zones.crossings(zone, p1, p2) {
            out.push(Finding::Crossing(Box::new(InferredCrossing {
                zone: zones.name(zone).to_string(),
                direction: c.direction,
                lat: c.latitude,
                lon: c.longitude,
                ts: c.ts,
                before,
                after: *after,
                gap_s,
                callsign: lost.callsign,
            })));
        }
    }
}

#[cfg(test)]
mod tests;
