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

/// The network joint: one per stream of merged receivers.
#[derive(Debug)]
pub struct Network {
    engine: Engine,
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
            seen: FxHashMap::default(),
            swept_at: f64::NEG_INFINITY,
            fixes: Vec::new(),
            filters: FxHashMap::default(),
            duplicates: 0,
            outliers: 0,
        }
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
        if let Some(ticks) = frame.mlat_ticks {
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
