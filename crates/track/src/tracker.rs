//! The [`Tracker`]: frames and archive rows in, [`TrackEvent`]s out, with bounded memory.
//!
//! Owns the map of aircraft (keyed by ICAO address, fast non-cryptographic hash: addresses are
//! not attacker-chosen keys worth DoS-proofing, and a lookup per frame must be cheap), the
//! intake of each record (who it is from, whether that address can be trusted), the
//! reordering window, the periodic expiry of silent aircraft, and the memory accounting.
//! Streaming and batch use are the same calls: push records as they come, call
//! [`Tracker::finish`] at the end of input.
//!
//! Every record goes through the window and changes state only when released, in timestamp
//! order: what comes out depends on the records, not on how receivers interleaved them within
//! the window, nor on how the input was chunked.
//!
//! Hot path: a frame is decoded (`vigia-modes`) and sorted (`update`); frames with nothing for
//! the tracker stop there. The rest cost a push and a pop in the window (in-order input appends
//! at the back), one map lookup, and their update. Nothing is allocated per frame: the window
//! and the event `Vec` reuse their capacity.

use rustc_hash::FxHashMap;
use vigia_modes::{decode, is_long_container, IcaoAddress, Message};
use vigia_modes::{RawFrame, Record, StateVector};

use crate::aircraft::{Aircraft, Output};
use crate::config::TrackerConfig;
use crate::event::TrackEvent;
use crate::evidence::{Evidence, SourceRef};
use crate::flight::{FlightEnd, FlightId};
use crate::network::MlatPosition;
use crate::reorder::{OrderedBuffer, StreamClock, MAX_WINDOW_RECORDS};
use crate::stats::TrackStats;
use crate::update::{classify, Intake, Report};
use vigia_modes::adsb::AltitudeSource;

/// How often (by the stream clock) silent aircraft are looked for, seconds.
const SWEEP_EVERY_S: f64 = 10.0;

/// Memory held by a tracker, in bytes (allocation sizes, not resident pages).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[non_exhaustive]
pub struct MemoryUse {
    /// Aircraft held.
    pub aircraft: usize,
    /// Fixed size of one aircraft's entry in the map: its state, key and hash-table control
    /// byte. Pending positions and kept points come on top (`aircraft_heap_bytes`).
    pub per_aircraft_bytes: usize,
    /// The map's allocation (its buckets, used or not).
    pub map_bytes: usize,
    /// Heap held by the aircraft themselves: pending positions, kept flight points.
    pub aircraft_heap_bytes: usize,
    /// The reordering window's allocation.
    pub window_bytes: usize,
}

impl MemoryUse {
    /// Everything.
    pub fn total(&self) -> usize {
        self.map_bytes + self.aircraft_heap_bytes + self.window_bytes
    }
}

/// Per-aircraft tracking over a stream of frames or archive rows.
///
/// ```
/// use vigia_track::{Tracker, TrackerConfig, TrackEvent};
/// use vigia_modes::cpr::{encode, CprFormat};
/// use vigia_modes::encode::{adsb, frame};
/// use vigia_modes::adsb::{AirbornePosition, AltitudeSource};
/// use vigia_modes::IcaoAddress;
///
/// // An aircraft flying north at 45°N 7°E, even and odd positions every half second.
/// let address = IcaoAddress::new(0x3c6586);
/// let mut tracker = Tracker::new(TrackerConfig::default());
/// let mut events = Vec::new();
/// for i in 0..20 {
///     let ts = 1_700_000_000.0 + f64::from(i) * 0.5;
///     let format = if i % 2 == 0 { CprFormat::Even } else { CprFormat::Odd };
///     let position = AirbornePosition {
///         tc: 11, surveillance_status: 0, nic_b: false, altitude_ft: Some(35_000),
///         altitude_source: AltitudeSource::Barometric,
///         cpr: encode(45.0 + f64::from(i) * 0.0005, 7.0, format, false),
///     };
///     let bytes = frame::df17(address, 5, adsb::airborne_position(&position).unwrap()).unwrap();
///     tracker.push_frame(ts, &bytes, &mut events);
/// }
/// tracker.finish(&mut events);
/// let trusted = events.iter().filter(|e| matches!(e, TrackEvent::Position(_))).count();
/// // The first frame has no partner; the first pair waits for the next one to confirm it.
/// assert_eq!(trusted, 19);
/// assert!(matches!(events.last(), Some(TrackEvent::FlightEnded(f)) if f.points == 19));
/// ```
pub struct Tracker {
    config: TrackerConfig,
    aircraft: FxHashMap<IcaoAddress, Aircraft>,
    clock: StreamClock,
    /// Frames waiting in the reordering window (small items).
    frames: OrderedBuffer<(IcaoAddress, Intake)>,
    /// Archive rows waiting in the reordering window (ten times larger; kept apart so that
    /// frames do not pay for their size).
    reports: OrderedBuffer<(IcaoAddress, Report)>,
    /// The latest timestamp released from the window: the clock of state and expiry.
    released: f64,
    next_sweep: f64,
    expired: Vec<IcaoAddress>,
    stats: TrackStats,
    /// Flights to continue, by aircraft, until the aircraft is next heard
    /// ([`Tracker::resume_flight`]).
    resume: FxHashMap<IcaoAddress, (FlightId, f64)>,
}

impl Tracker {
    /// A tracker with `config`.
    pub fn new(config: TrackerConfig) -> Self {
        Self {
            clock: StreamClock::default(),
            frames: OrderedBuffer::default(),
            reports: OrderedBuffer::default(),
            config,
            aircraft: FxHashMap::default(),
            released: f64::NEG_INFINITY,
            next_sweep: f64::NEG_INFINITY,
            expired: Vec::new(),
            stats: TrackStats::default(),
            resume: FxHashMap::default(),
        }
    }

    /// Continue flight `id`, last seen at `end_ts`, rather than start a new one when its
    /// aircraft's next trusted position comes within `flight_gap_s` of `end_ts` — a worker that
    /// takes over a partition of the frame bus continues the flights the previous one had
    /// open, so that a flight keeps its id (and its stored row and track) across the takeover.
    pub fn resume_flight(&mut self, id: FlightId, end_ts: f64) {
        match self.aircraft.get_mut(&id.icao24) {
            Some(aircraft) => aircraft.resume_flight(id, end_ts),
            None => {
                self.resume.insert(id.icao24, (id, end_ts));
            }
        }
    }

    /// Forget the flights given to [`Tracker::resume_flight`] whose aircraft has not been heard
    /// since and whose latest time is before `before`: they will not be continued.
    pub fn forget_resumes_before(&mut self, before: f64) {
        self.resume.retain(|_, (_, end)| *end >= before);
    }

    /// The settings in use.
    pub fn config(&self) -> &TrackerConfig {
        &self.config
    }

    /// Counters so far.
    pub fn stats(&self) -> TrackStats {
        let mut stats = self.stats.clone();
        stats.clock_jumps_held = self.clock.jumps_held();
        stats.window_peak = (self.frames.peak() + self.reports.peak()) as u64;
        stats
    }

    /// Aircraft currently held.
    pub fn aircraft(&self) -> usize {
        self.aircraft.len()
    }

    /// Decode and track one Mode S frame (7 or 14 bytes) received at `ts` (seconds).
    #[inline]
    pub fn push_frame(&mut self, ts: f64, message: &[u8], out: &mut Vec<TrackEvent>) {
        self.stats.frames += 1;
        match decode(message) {
            Ok(msg) => self.ingest(ts, &msg, message, out),
            Err(_) => self.stats.undecodable += 1,
        }
    }

    /// Track a frame already decoded by the caller: `msg` decoded from `message`.
    #[inline]
    pub fn push_message(
        &mut self,
        ts: f64,
        msg: &Message,
        message: &[u8],
        out: &mut Vec<TrackEvent>,
    ) {
        self.stats.frames += 1;
        self.ingest(ts, msg, message, out);
    }

    /// [`Tracker::push_raw`] for a frame the caller already decoded (`decoded` is
    /// `vigia_modes::decode` of its message, `None` when it does not decode): the same counts
    /// and the same outcome, without a second decode.
    pub fn push_raw_decoded(
        &mut self,
        frame: &RawFrame,
        decoded: Option<&Message>,
        out: &mut Vec<TrackEvent>,
    ) {
        match (frame.ts, decoded) {
            (Some(ts), Some(msg)) => self.push_message(ts, msg, frame.message(), out),
            // Untimed, or undecodable: counted as `push_raw` counts them.
            _ => self.push_raw(frame, out),
        }
    }

    /// Track a frame as read by `vigia-feed`; frames without a receive time are counted as
    /// untimed and skipped (Beast and AVR carry only a receiver counter).
    pub fn push_raw(&mut self, frame: &RawFrame, out: &mut Vec<TrackEvent>) {
        match frame.ts {
            Some(ts) => self.push_frame(ts, frame.message(), out),
            None => {
                self.stats.frames += 1;
                self.stats.untimed += 1;
            }
        }
    }

    /// Track one decoded report (a trajectory CSV row, a readsb trace point), read from
    /// `source`. The address is taken as verified: the archive's producer checked it.
    pub fn push_state(
        &mut self,
        state: &StateVector,
        source: SourceRef,
        out: &mut Vec<TrackEvent>,
    ) {
        self.stats.states += 1;
        let Some(ts) = state.ts.filter(|t| t.is_finite()) else {
            self.stats.untimed += 1;
            return;
        };
        self.clock.observe(ts);
        self.reports
            .push(ts, (state.icao24, Report::from_state(state, source)));
        self.release(out);
    }

    /// Track one multilaterated position: judged like any other position (a track needs
    /// several consistent ones before it is trusted), its evidence the reply, the receivers'
    /// readings and the error ellipse.
    pub fn push_mlat(&mut self, position: &MlatPosition, out: &mut Vec<TrackEvent>) {
        self.stats.mlat += 1;
        let p = position;
        if !(p.ts.is_finite() && p.lat.is_finite() && p.lon.is_finite()) {
            self.stats.untimed += 1;
            return;
        }
        self.clock.observe(p.ts);
        let report = Report {
            position: Some((p.lat, p.lon)),
            altitude_ft: p.altitude_ft,
            altitude_source: AltitudeSource::Barometric,
            groundspeed_kt: p.groundspeed_kt,
            track_deg: p.track_deg,
            vertical_rate_fpm: None,
            callsign: None,
            squawk: None,
            on_ground: Some(false),
            evidence: Evidence::Mlat(p.evidence),
        };
        self.reports.push(p.ts, (p.icao24, report));
        self.release(out);
    }

    /// Let time pass without records (a live feed gone quiet): release what the window holds
    /// up to `now` and expire the aircraft silent since, so that their flights end and come
    /// out. `now` earlier than the stream's time changes nothing.
    pub fn tick(&mut self, now: f64, out: &mut Vec<TrackEvent>) {
        if !now.is_finite() {
            return;
        }
        self.release_until(now - self.config.reorder_window_s.max(0.0), out);
        self.advance(now, out);
    }

    /// Track one record from `vigia-feed`: a frame or a report.
    pub fn push_record(&mut self, record: &Record, source: SourceRef, out: &mut Vec<TrackEvent>) {
        match record {
            Record::Frame(frame) => self.push_raw(frame, out),
            Record::State(state) => self.push_state(state, source, out),
        }
    }

    /// End of input: process everything still held, then end every flight (aircraft in
    /// address order) and drop all state. The tracker can be used again afterwards.
    pub fn finish(&mut self, out: &mut Vec<TrackEvent>) {
        self.release_until(f64::INFINITY, out);
        let mut all: Vec<IcaoAddress> = self.aircraft.keys().copied().collect();
        all.sort_unstable();
        for icao24 in all {
            if let Some(mut aircraft) = self.aircraft.remove(&icao24) {
                let mut output = Output::new(out, &mut self.stats);
                aircraft.finish(FlightEnd::EndOfInput, &self.config, &mut output);
            }
        }
    }

    /// Memory held now.
    pub fn memory(&self) -> MemoryUse {
        let entry = core::mem::size_of::<(IcaoAddress, Aircraft)>() + 1;
        let buckets = if self.aircraft.capacity() == 0 {
            0
        } else {
            (self.aircraft.capacity() * 8 / 7).next_power_of_two()
        };
        MemoryUse {
            aircraft: self.aircraft.len(),
            per_aircraft_bytes: entry,
            map_bytes: buckets * entry,
            aircraft_heap_bytes: self.aircraft.values().map(Aircraft::heap_bytes).sum(),
            window_bytes: self.frames.heap_bytes() + self.reports.heap_bytes(),
        }
    }

    #[inline]
    fn ingest(&mut self, ts: f64, msg: &Message, message: &[u8], out: &mut Vec<TrackEvent>) {
        // A 56-bit reply in a 112-bit container: the reply is the first 7 bytes.
        let message = if is_long_container(message) {
            self.stats.long_containers += 1;
            &message[..7]
        } else {
            message
        };
        if !ts.is_finite() {
            self.stats.untimed += 1;
            return;
        }
        match classify(msg, message) {
            Intake::Ignored => {
                self.stats.ignored += 1;
                // Still heard: what a gap in its positions is judged by.
                if let Some(aircraft) = self.aircraft.get_mut(&msg.address) {
                    aircraft.heard_other(ts);
                }
            }
            intake => {
                self.clock.observe(ts);
                self.frames.push(ts, (msg.address, intake));
                self.release(out);
            }
        }
    }

    /// Process what the window releases. Everything that changes state — creating aircraft,
    /// "last heard", expiry — happens here, in timestamp order, so that the outcome depends
    /// only on the records and not on how they were interleaved within the window.
    #[inline]
    fn release(&mut self, out: &mut Vec<TrackEvent>) {
        let ready = self.clock.now() - self.config.reorder_window_s.max(0.0);
        self.release_until(ready, out);
        while self.frames.len() + self.reports.len() > MAX_WINDOW_RECORDS {
            let earliest = match (self.frames.front_ts(), self.reports.front_ts()) {
                (Some(f), Some(r)) => f.min(r),
                (f, r) => f.or(r).unwrap_or(ready),
            };
            let before = self.frames.len() + self.reports.len();
            self.release_until(earliest, out);
            let released = before - (self.frames.len() + self.reports.len());
            self.stats.window_full += released as u64;
            if released == 0 {
                break;
            }
        }
    }

    /// Release every record stamped `ready` or earlier, frames and rows merged by time
    /// (frames first on equal timestamps).
    #[inline]
    fn release_until(&mut self, ready: f64, out: &mut Vec<TrackEvent>) {
        loop {
            let frame = self.frames.front_ts().filter(|ts| *ts <= ready);
            let report = self.reports.front_ts().filter(|ts| *ts <= ready);
            match (frame, report) {
                (Some(f), Some(r)) if r < f => self.release_report(out),
                (Some(_), _) => {
                    if let Some((ts, (icao24, intake))) = self.frames.pop() {
                        self.apply(ts, icao24, intake, out);
                    }
                }
                (None, Some(_)) => self.release_report(out),
                (None, None) => return,
            }
        }
    }

    fn release_report(&mut self, out: &mut Vec<TrackEvent>) {
        let Some((ts, (icao24, report))) = self.reports.pop() else {
            return;
        };
        self.advance(ts, out);
        if self.aircraft.len() >= self.config.max_aircraft.max(1)
            && !self.aircraft.contains_key(&icao24)
        {
            self.evict(out);
        }
        let aircraft = entry(
            &mut self.aircraft,
            &mut self.stats,
            &mut self.resume,
            icao24,
            ts,
        );
        aircraft.last_heard = aircraft.last_heard.max(ts);
        let mut output = Output::new(out, &mut self.stats);
        aircraft.apply_report(ts, &report, &self.config, &mut output);
        aircraft.settle(&output);
    }

    /// Move the release clock to `ts`, expiring silent aircraft when it is time.
    #[inline]
    fn advance(&mut self, ts: f64, out: &mut Vec<TrackEvent>) {
        if ts > self.released {
            self.released = ts;
            if ts >= self.next_sweep {
                self.next_sweep = ts + SWEEP_EVERY_S;
                self.expire(out);
            }
        }
    }

    #[inline]
    fn apply(&mut self, ts: f64, icao24: IcaoAddress, intake: Intake, out: &mut Vec<TrackEvent>) {
        self.advance(ts, out);
        if matches!(intake, Intake::Verified(_))
            && self.aircraft.len() >= self.config.max_aircraft.max(1)
            && !self.aircraft.contains_key(&icao24)
        {
            self.evict(out);
        }
        let (aircraft, update) = match intake {
            Intake::Verified(update) => (
                entry(
                    &mut self.aircraft,
                    &mut self.stats,
                    &mut self.resume,
                    icao24,
                    ts,
                ),
                update,
            ),
            Intake::Recovered(update) => match self.aircraft.get_mut(&icao24) {
                Some(aircraft) => (aircraft, update),
                None => {
                    self.stats.unknown_address += 1;
                    return;
                }
            },
            Intake::Ignored => return,
        };
        aircraft.last_heard = aircraft.last_heard.max(ts);
        let mut output = Output::new(out, &mut self.stats);
        aircraft.apply(ts, update, &self.config, &mut output);
        aircraft.settle(&output);
    }

    /// Finalise and drop the aircraft not heard for `expire_after_s` (by the release clock),
    /// in address order.
    fn expire(&mut self, out: &mut Vec<TrackEvent>) {
        let horizon = self.released - self.config.expire_after_s;
        let unconfirmed = self.released - self.config.unconfirmed_expire_s;
        self.expired.clear();
        self.expired.extend(
            self.aircraft
                .iter()
                .filter(|(_, a)| {
                    a.last_heard < horizon || (!a.confirmed() && a.last_heard < unconfirmed)
                })
                .map(|(icao24, _)| *icao24),
        );
        self.expired.sort_unstable();
        let n = self.drop_listed(FlightEnd::Expired, out);
        self.stats.expired += n;
        self.report_quiet(out);
    }

    /// Report, once per gap and in address order, the flights whose latest trusted position is
    /// `quiet_after_s` old.
    fn report_quiet(&mut self, out: &mut Vec<TrackEvent>) {
        let (now, after) = (self.released, self.config.quiet_after_s);
        if !after.is_finite() {
            return;
        }
        let start = out.len();
        out.extend(
            self.aircraft
                .values_mut()
                .filter_map(|a| a.quiet(now, after))
                .map(TrackEvent::Quiet),
        );
        out[start..].sort_unstable_by_key(|e| match e {
            TrackEvent::Quiet(q) => q.icao24,
            _ => IcaoAddress::new(0),
        });
        self.stats.quiet += (out.len() - start) as u64;
    }

    /// At `max_aircraft`: finalise and drop a tenth of the aircraft, those never confirmed
    /// first, then the least recently heard (in address order, for the same output however the
    /// input is chunked).
    fn evict(&mut self, out: &mut Vec<TrackEvent>) {
        let keep = self.config.max_aircraft.max(1) * 9 / 10;
        let excess = self.aircraft.len().saturating_sub(keep).max(1);
        let mut order: Vec<(bool, f64, IcaoAddress)> = self
            .aircraft
            .iter()
            .map(|(icao24, a)| (a.confirmed(), a.last_heard, *icao24))
            .collect();
        let by_age = |a: &(bool, f64, IcaoAddress), b: &(bool, f64, IcaoAddress)| {
            a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2))
        };
        if excess < order.len() {
            order.select_nth_unstable_by(excess, by_age);
        }
        self.expired.clear();
        self.expired
            .extend(order.iter().take(excess).map(|(_, _, icao24)| *icao24));
        self.expired.sort_unstable();
        let n = self.drop_listed(FlightEnd::Expired, out);
        self.stats.evicted += n;
    }

    /// Finalise and drop the aircraft listed in `expired`; returns how many; gives memory back
    /// when the map is mostly empty.
    fn drop_listed(&mut self, end: FlightEnd, out: &mut Vec<TrackEvent>) -> u64 {
        let mut n = 0;
        for i in 0..self.expired.len() {
            if let Some(mut aircraft) = self.aircraft.remove(&self.expired[i]) {
                n += 1;
                let mut output = Output::new(out, &mut self.stats);
                aircraft.finish(end, &self.config, &mut output);
            }
        }
        if self.aircraft.capacity() > 4096 && self.aircraft.len() * 4 < self.aircraft.capacity() {
            self.aircraft.shrink_to(self.aircraft.len() * 2);
        }
        n
    }
}

/// The aircraft for a verified address, created if new.
#[inline]
fn entry<'a>(
    aircraft: &'a mut FxHashMap<IcaoAddress, Aircraft>,
    stats: &mut TrackStats,
    resume: &mut FxHashMap<IcaoAddress, (FlightId, f64)>,
    icao24: IcaoAddress,
    ts: f64,
) -> &'a mut Aircraft {
    let held = aircraft.len() as u64 + 1;
    aircraft.entry(icao24).or_insert_with(|| {
        stats.aircraft_peak = stats.aircraft_peak.max(held);
        let mut new = Aircraft::new(icao24, ts);
        if !resume.is_empty() {
            if let Some((id, end)) = resume.remove(&icao24) {
                new.resume_flight(id, end);
            }
        }
        new
    })
}
