//! Frames from a network of receivers into one tracker: every receiver's copy goes to the
//! multilateration stage (`vigia-mlat`), one copy of each transmission to the tracker, and the
//! located replies come back as positions with their MLAT evidence.
//!
//! Owns the joint: the de-duplication of copies (identical bytes within
//! [`DUPLICATE_WINDOW_S`]; bounded, swept as time passes), each aircraft's track filter over
//! its solutions ([`vigia_mlat::TrackFilter`]: the position handed on is filtered, with a
//! velocity, and the solution stays in the evidence) and the conversion of a
//! [`vigia_mlat::Fix`] into a tracked position ([`MlatPosition`]). It does not read files or sockets (the caller
//! hands frames with their receiver and a time on the stream's common clock) and does not
//! locate anything itself.

use rustc_hash::FxHashMap;
use vigia_mlat::{Engine, EngineStats, Filtered, Fix, Reception, TrackFilter};
use vigia_modes::IcaoAddress;
use vigia_modes::RawFrame;

use crate::event::TrackEvent;
use crate::evidence::{FrameRef, MlatEvidence, SourceRef, MLAT_RECEIVERS};
use crate::tracker::Tracker;

/// Copies of identical bytes within this many seconds are one transmission for the tracker.
pub const DUPLICATE_WINDOW_S: f64 = 0.25;

/// A live network's receivers on one rough clock: each receiver's frames are timed by its
/// counter anchored where its first frame arrived, which leaves them seconds apart (network
/// and output buffering delays). ADS-B airborne positions heard by two receivers align them:
/// a receiver's first [`Aligner::FIRST_MATCHES`] matches with an aligned one (within
/// ±[`Aligner::SEARCH_S`]) set its correction to their median; later matches nudge both sides
/// by halves, as for merged captures.
#[derive(Debug, Default)]
pub struct Aligner {
    /// Per receiver: its correction (None until aligned) and the first differences seen.
    receivers: Vec<(Option<f64>, Vec<f64>)>,
    recent: FxHashMap<[u8; 14], (u16, f64)>,
    order: std::collections::VecDeque<(f64, [u8; 14])>,
}

impl Aligner {
    /// Matches that align a receiver the first time.
    pub const FIRST_MATCHES: usize = 5;
    /// How far apart two receivers' copies may be before they are aligned, seconds.
    pub const SEARCH_S: f64 = 60.0;
    const NUDGE_S: f64 = 0.05;
    const GAIN: f64 = 0.1;
    const MAX_RECENT: usize = 200_000;

    /// `receiver`'s time `ts` on the common rough clock; `None` until it is aligned (the
    /// first receiver heard is the reference).
    pub fn time(&mut self, receiver: u16, frame: &RawFrame, ts: f64) -> Option<f64> {
        let r = usize::from(receiver);
        if self.receivers.len() <= r {
            self.receivers.resize(r + 1, (None, Vec::new()));
        }
        if self.receivers.iter().all(|x| x.0.is_none()) {
            self.receivers[r].0 = Some(0.0);
        }
        let position = frame.len == 14
            && frame.bytes[0] >> 3 == 17
            && matches!(frame.bytes[4] >> 3, 9..=18 | 20..=22);
        if position {
            self.learn(receiver, frame.bytes, ts);
        }
        self.receivers[r].0.map(|c| ts + c)
    }

    fn learn(&mut self, receiver: u16, bytes: [u8; 14], ts: f64) {
        let r = usize::from(receiver);
        while let Some(&(t, key)) = self.order.front() {
            if ts - t <= Self::SEARCH_S && self.recent.len() < Self::MAX_RECENT {
                break;
            }
            self.order.pop_front();
            if self.recent.get(&key).is_some_and(|e| e.1 == t) {
                self.recent.remove(&key);
            }
        }
        let Some(&(other, t_other)) = self.recent.get(&bytes) else {
            // Remembered on the receiver's own clock; aligned when used.
            self.recent.insert(bytes, (receiver, ts));
            self.order.push_back((ts, bytes));
            return;
        };
        let o = usize::from(other);
        if other == receiver || o >= self.receivers.len() {
            return;
        }
        match (self.receivers[r].0, self.receivers[o].0) {
            (None, Some(c_other)) => {
                let firsts = &mut self.receivers[r].1;
                firsts.push(t_other + c_other - ts);
                if firsts.len() >= Self::FIRST_MATCHES {
                    let mut d = std::mem::take(firsts);
                    d.sort_by(f64::total_cmp);
                    self.receivers[r].0 = Some(d[d.len() / 2]);
                }
            }
            (Some(c), Some(c_other)) => {
                let residual = (ts + c) - (t_other + c_other);
                if residual.abs() < Self::NUDGE_S {
                    let delta = Self::GAIN * residual / 2.0;
                    if let Some(x) = self.receivers[r].0.as_mut() {
                        *x -= delta;
                    }
                    if let Some(x) = self.receivers[o].0.as_mut() {
                        *x += delta;
                    }
                }
            }
            _ => {}
        }
    }

    /// Receivers aligned so far.
    pub fn aligned(&self) -> usize {
        self.receivers.iter().filter(|r| r.0.is_some()).count()
    }
}

/// The network joint: one per stream of merged receivers.
#[derive(Debug)]
pub struct Network {
    engine: Engine,
    /// Live: the receivers' rough clocks still have to be aligned.
    aligner: Option<Aligner>,
    seen: FxHashMap<([u8; 14], u8), f64>,
    swept_at: f64,
    fixes: Vec<Fix>,
    filters: FxHashMap<IcaoAddress, (f64, TrackFilter)>,
    /// Copies not passed to the tracker (another receiver's copy was).
    pub duplicates: u64,
    /// MLAT solutions the aircraft's track filter rejected as outliers.
    pub outliers: u64,
}

impl Network {
    /// A joint around this engine.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine,
            aligner: None,
            seen: FxHashMap::default(),
            swept_at: f64::NEG_INFINITY,
            fixes: Vec::new(),
            filters: FxHashMap::default(),
            duplicates: 0,
            outliers: 0,
        }
    }

    /// A joint for live receivers, whose frames' times are anchored where each receiver's
    /// first frame arrived: they are aligned on the ADS-B traffic first ([`Aligner`]).
    pub fn live(engine: Engine) -> Self {
        Self {
            aligner: Some(Aligner::default()),
            ..Self::new(engine)
        }
    }

    /// Receivers aligned on the rough clock (live), or `None` for merged captures.
    pub fn aligned(&self) -> Option<usize> {
        self.aligner.as_ref().map(Aligner::aligned)
    }

    /// The MLAT stage's counters.
    pub fn mlat(&self) -> &EngineStats {
        self.engine.stats()
    }

    /// The engine (clocks, time base).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// One receiver's frame; `frame.ts` is its time on the stream's common clock.
    pub fn push(
        &mut self,
        receiver: u16,
        frame: &RawFrame,
        source: SourceRef,
        tracker: &mut Tracker,
        out: &mut Vec<TrackEvent>,
    ) {
        let Some(ts) = frame.ts.filter(|t| t.is_finite()) else {
            tracker.push_raw(frame, out);
            return;
        };
        let aligned = match self.aligner.as_mut() {
            Some(aligner) => aligner.time(receiver, frame, ts),
            None => Some(ts),
        };
        if let (Some(ts), Some(ticks)) = (aligned, frame.mlat_ticks) {
            self.engine.push(
                frame.message(),
                Reception {
                    receiver,
                    ticks,
                    rough_s: ts,
                },
                &mut self.fixes,
            );
        }
        if ts - self.swept_at > 1.0 {
            self.seen.retain(|_, t| ts - *t <= DUPLICATE_WINDOW_S);
            self.swept_at = ts;
        }
        let mut bytes = [0u8; 14];
        bytes[..frame.message().len()].copy_from_slice(frame.message());
        let key = (bytes, frame.len);
        match self.seen.get(&key) {
            Some(t) if (ts - t).abs() <= DUPLICATE_WINDOW_S => self.duplicates += 1,
            _ => {
                self.seen.insert(key, ts);
                tracker.push_record(&vigia_modes::Record::Frame(*frame), source, out);
            }
        }
        self.deliver(tracker, out);
    }

    /// End of input: the transmissions still open are solved and delivered.
    pub fn finish(&mut self, tracker: &mut Tracker, out: &mut Vec<TrackEvent>) {
        self.engine.finish(&mut self.fixes);
        self.deliver(tracker, out);
    }

    fn deliver(&mut self, tracker: &mut Tracker, out: &mut Vec<TrackEvent>) {
        for fix in std::mem::take(&mut self.fixes) {
            if self.filters.len() >= MAX_FILTERS && !self.filters.contains_key(&fix.address) {
                let now = fix.rough_s;
                self.filters
                    .retain(|_, f| now - f.0 <= vigia_mlat::filter::MAX_GAP_S);
                if self.filters.len() >= MAX_FILTERS {
                    self.filters.clear();
                }
            }
            let filtered = match self.filters.get_mut(&fix.address) {
                Some((at, filter)) => {
                    *at = fix.rough_s;
                    filter.update(fix.rough_s, fix.position, &fix.ellipse_95)
                }
                None => {
                    let filter = TrackFilter::new(fix.rough_s, fix.position, &fix.ellipse_95);
                    self.filters.insert(fix.address, (fix.rough_s, filter));
                    Some(Filtered {
                        position: fix.position,
                        ellipse_95: fix.ellipse_95,
                        groundspeed_kt: None,
                        track_deg: None,
                    })
                }
            };
            let Some(filtered) = filtered else {
                self.outliers += 1;
                continue;
            };
            tracker.push_mlat(&tracked(&fix, &filtered), out);
        }
    }
}

/// Most aircraft whose MLAT track is filtered at once.
const MAX_FILTERS: usize = 50_000;

/// A multilaterated position as the tracker takes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MlatPosition {
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// When, seconds.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet (the reported one, else the solution's height).
    pub altitude_ft: Option<f64>,
    /// Ground speed from the track filter, knots.
    pub groundspeed_kt: Option<f64>,
    /// Track from the track filter, degrees.
    pub track_deg: Option<f64>,
    /// The reply, the receivers, the ellipses.
    pub evidence: MlatEvidence,
}

/// A fix and its filtered state as the tracker takes them.
fn tracked(fix: &Fix, filtered: &Filtered) -> MlatPosition {
    let mut receivers = [0u16; MLAT_RECEIVERS];
    let mut ticks = [0u64; MLAT_RECEIVERS];
    let mut count = 0;
    for (i, (r, t)) in fix.heard.iter().take(MLAT_RECEIVERS).enumerate() {
        receivers[i] = *r;
        ticks[i] = *t;
        count = i + 1;
    }
    let altitude_ft = fix
        .altitude_ft
        .or(Some(fix.position.height_m / 0.3048).filter(|h| h.is_finite()));
    MlatPosition {
        icao24: fix.address,
        ts: fix.rough_s,
        lat: filtered.position.lat,
        lon: filtered.position.lon,
        altitude_ft,
        groundspeed_kt: filtered.groundspeed_kt,
        track_deg: filtered.track_deg,
        evidence: MlatEvidence {
            frame: FrameRef::new(fix.rough_s, fix.message()),
            count: count as u8,
            receivers,
            ticks,
            solution_lat: fix.position.lat,
            solution_lon: fix.position.lon,
            solution_error_m: fix.ellipse_95.semi_major_m as f32,
            semi_major_m: filtered.ellipse_95.semi_major_m as f32,
            semi_minor_m: filtered.ellipse_95.semi_minor_m as f32,
            orientation_deg: filtered.ellipse_95.orientation_deg as f32,
        },
    }
}
