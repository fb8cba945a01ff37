//! One aircraft's state, and applying one update to it.
//!
//! Owns what the tracker remembers per ICAO address (an address is only held once heard with
//! a verified address, or from an archive) — when it was last heard, its identity (callsign, category, Mode A code), its latest
//! velocity, its CPR buffers, its reliability state and its flight in progress — and the order
//! of work for one update: reject it if it is late, resolve CPR frames into candidates, judge
//! candidates, and emit trusted and rejected positions and ended flights. The rules themselves
//! live in `cpr_pairing`, `reliability`, `plausibility` and `flight`; the map of aircraft and
//! the clock in `tracker`.

use crate::config::TrackerConfig;
use crate::cpr_pairing::{CprBuffer, CprFrame, PositionMethod, References, Resolution};
use crate::event::{Quiet, TrackEvent};
use crate::evidence::{Evidence, FrameBytes, FrameRef, LocalReference};
use crate::flight::{FlightEnd, FlightState};
use crate::plausibility::{Category, Fix, VELOCITY_MAX_AGE_S};
use crate::position::{RejectReason, RejectedPosition, TrustedPosition};
use crate::reliability::{Candidate, Judgement, Released, Reliability};
use crate::stats::TrackStats;
use crate::update::{CommBIdentity, Report, Update};
use vigia_modes::adsb::AltitudeSource;
use vigia_modes::commb::{infer, Bds, CommB, CommBContext};
use vigia_modes::cpr::{self, CprPosition, LatLon};
use vigia_modes::{Callsign, IcaoAddress, Squawk};

/// The latest velocity report.
#[derive(Clone, Copy, PartialEq, Debug)]
struct VelocityReport {
    ts: f64,
    groundspeed_kt: Option<f64>,
    track_deg: Option<f64>,
    vertical_rate_fpm: Option<f64>,
}

/// The state kept for one ICAO address.
#[derive(Clone, Debug)]
pub(crate) struct Aircraft {
    pub icao24: IcaoAddress,
    /// Latest timestamp of any record from it (at intake).
    pub last_heard: f64,
    /// Latest timestamp applied: records older than this are late.
    processed_ts: f64,
    category: Category,
    callsign: Option<Callsign>,
    squawk: Option<Squawk>,
    velocity: Option<VelocityReport>,
    cpr: CprBuffer,
    reliability: Reliability,
    flight: FlightState,
    heard: Heard,
}

/// What was heard from an aircraft besides its trusted positions: the frames a gap in its
/// positions is judged by.
#[derive(Clone, Copy, Debug, Default)]
struct Heard {
    /// Airborne position frames applied (wrapping).
    position_frames: u32,
    /// Latest time any frame was heard, seconds.
    last: f64,
    /// `position_frames` at the latest trusted position.
    at_trusted: u32,
    /// The current gap was reported quiet.
    quiet_reported: bool,
    /// The latest position frame counted and its time: another receiver's copy of it is not
    /// counted again.
    last_position: Option<(FrameBytes, f64)>,
    /// Other frames heard more than [`OTHER_AFTER_S`] after the latest position frame: what
    /// still comes when the positions have stopped.
    other_after: u32,
}

/// Other frames count as heard after the positions stopped only this long after the last
/// position frame (the squitters broadcast with the last positions still arrive).
const OTHER_AFTER_S: f64 = 2.0;

impl Heard {
    #[inline]
    fn other(&mut self, ts: f64) {
        if self
            .last_position
            .is_none_or(|(_, t)| ts > t + OTHER_AFTER_S)
        {
            self.other_after = self.other_after.saturating_add(1);
        }
    }
}

/// Where the events of one update go.
pub(crate) struct Output<'a> {
    pub events: &'a mut Vec<TrackEvent>,
    pub stats: &'a mut TrackStats,
    /// Airborne position frames heard from the aircraft so far, stamped on its positions.
    pub position_frames: u32,
    /// Set when a trusted position was emitted.
    pub trusted: bool,
}

impl<'a> Output<'a> {
    /// Output for one update.
    pub fn new(events: &'a mut Vec<TrackEvent>, stats: &'a mut TrackStats) -> Self {
        Self {
            events,
            stats,
            position_frames: 0,
            trusted: false,
        }
    }
}

impl Output<'_> {
    fn trusted(
        &mut self,
        icao24: IcaoAddress,
        c: &Candidate,
        flight: &mut FlightState,
        config: &TrackerConfig,
    ) {
        let events = &mut *self.events;
        let stats = &mut *self.stats;
        let placed = flight.add_trusted(icao24, c, config, &mut |ended| {
            stats.flights += 1;
            events.push(TrackEvent::FlightEnded(ended));
        });
        stats.positions += 1;
        stats.segment_breaks += u64::from(placed.segment_break.is_some());
        self.trusted = true;
        events.push(TrackEvent::Position(TrustedPosition {
            icao24,
            ts: c.fix.ts,
            lat: c.fix.lat,
            lon: c.fix.lon,
            altitude_ft: c.fix.altitude_ft,
            altitude_source: c.fix.altitude_source,
            groundspeed_kt: c.groundspeed_kt,
            track_deg: c.track_deg,
            vertical_rate_fpm: c.vertical_rate_fpm,
            on_ground: c.fix.on_ground,
            callsign: c.callsign,
            squawk: c.squawk,
            flight_id: placed.flight_id,
            segment: placed.segment,
            segment_break: placed.segment_break,
            evidence: c.evidence,
            position_frames: self.position_frames,
        }));
    }

    #[allow(clippy::too_many_arguments)]
    fn rejected(
        &mut self,
        icao24: IcaoAddress,
        ts: f64,
        position: LatLon,
        altitude_ft: Option<f64>,
        reason: RejectReason,
        evidence: Evidence,
        flight: &mut FlightState,
    ) {
        self.stats.count_rejected(reason.kind());
        self.events.push(TrackEvent::Rejected(RejectedPosition {
            icao24,
            ts,
            lat: position.lat,
            lon: position.lon,
            altitude_ft,
            reason,
            flight_id: flight.add_rejected(),
            evidence,
        }));
    }

    fn release(
        &mut self,
        icao24: IcaoAddress,
        r: Released,
        flight: &mut FlightState,
        config: &TrackerConfig,
    ) {
        match r {
            Released::Trusted(c) => self.trusted(icao24, &c, flight, config),
            Released::Unconfirmed(c) => self.rejected(
                icao24,
                c.fix.ts,
                LatLon {
                    lat: c.fix.lat,
                    lon: c.fix.lon,
                },
                c.fix.altitude_ft,
                RejectReason::Unconfirmed,
                c.evidence,
                flight,
            ),
        }
    }
}

impl Aircraft {
    /// Continue flight `id` (last seen at `end_ts`) if the aircraft's next flight starts
    /// within the flight gap of it.
    pub(crate) fn resume_flight(&mut self, id: crate::FlightId, end_ts: f64) {
        self.flight.resume(id, end_ts);
    }

    pub fn new(icao24: IcaoAddress, ts: f64) -> Self {
        Self {
            icao24,
            last_heard: ts,
            processed_ts: f64::NEG_INFINITY,
            category: Category::Unknown,
            callsign: None,
            squawk: None,
            velocity: None,
            cpr: CprBuffer::default(),
            reliability: Reliability::default(),
            flight: FlightState::default(),
            heard: Heard {
                last: ts,
                ..Heard::default()
            },
        }
    }

    /// A frame of this address that carries nothing the tracker keeps (a surveillance or
    /// all-call reply, a status squitter), heard at `ts` (intake order).
    #[inline]
    pub fn heard_other(&mut self, ts: f64) {
        self.heard.other(ts);
        self.heard.last = self.heard.last.max(ts);
    }

    /// After an update: remember the counts at a new trusted position.
    #[inline]
    pub fn settle(&mut self, out: &Output<'_>) {
        if out.trusted {
            self.heard.at_trusted = self.heard.position_frames;
            self.heard.quiet_reported = false;
        }
    }

    /// The flight in progress, if its latest trusted position is `quiet_after_s` old at `now`
    /// and the gap was not reported yet: report it (once).
    pub fn quiet(&mut self, now: f64, quiet_after_s: f64) -> Option<Quiet> {
        if self.heard.quiet_reported {
            return None;
        }
        let (flight_id, since) = self.flight.current()?;
        if now - since < quiet_after_s {
            return None;
        }
        self.heard.quiet_reported = true;
        let p = self.heard.at_trusted;
        Some(Quiet {
            icao24: self.icao24,
            flight_id,
            since,
            now,
            position_frames: self.heard.position_frames.wrapping_sub(p),
            other_frames: self.heard.other_after,
            last_heard: self.heard.last,
        })
    }

    /// Whether the aircraft ever had a trusted position.
    pub fn confirmed(&self) -> bool {
        self.reliability.last_trusted().is_some()
    }

    /// Bytes this aircraft holds on the heap (pending candidates, kept points).
    pub fn heap_bytes(&self) -> usize {
        self.reliability.heap_bytes() + self.flight.heap_bytes()
    }

    /// Apply one frame's update stamped `ts`.
    pub fn apply(&mut self, ts: f64, update: Update, config: &TrackerConfig, out: &mut Output<'_>) {
        self.heard.last = self.heard.last.max(ts);
        if let Update::Airborne { frame, .. } = update {
            let copy = self
                .heard
                .last_position
                .is_some_and(|(bytes, t)| bytes == frame && (ts - t).abs() < 1.0);
            if !copy {
                self.heard.position_frames = self.heard.position_frames.wrapping_add(1);
                self.heard.last_position = Some((frame, ts));
                self.heard.other_after = 0;
            }
        } else {
            self.heard.other(ts);
        }
        out.position_frames = self.heard.position_frames;
        if ts < self.processed_ts {
            out.stats.late += 1;
            self.late(ts, &update, out);
            return;
        }
        self.processed_ts = ts;
        match update {
            Update::Airborne {
                frame,
                cpr,
                altitude_ft,
                altitude_source,
            } => {
                let frame = CprFrame {
                    frame: frame.at(ts),
                    cpr,
                    altitude_ft,
                };
                self.position(frame, false, altitude_source, config, out);
            }
            Update::Surface {
                frame,
                cpr,
                groundspeed_kt,
                track_deg,
            } => {
                self.velocity = Some(VelocityReport {
                    ts,
                    groundspeed_kt: groundspeed_kt.map(f64::from),
                    track_deg: track_deg.map(f64::from),
                    vertical_rate_fpm: Some(0.0),
                });
                let frame = CprFrame {
                    frame: frame.at(ts),
                    cpr,
                    altitude_ft: None,
                };
                self.position(frame, true, AltitudeSource::Barometric, config, out);
            }
            Update::Velocity {
                groundspeed_kt,
                track_deg,
                vertical_rate_fpm,
            } => {
                self.velocity = Some(VelocityReport {
                    ts,
                    groundspeed_kt: groundspeed_kt.map(f64::from),
                    track_deg: track_deg.map(f64::from),
                    vertical_rate_fpm: vertical_rate_fpm.map(f64::from),
                });
            }
            Update::Identification { callsign, category } => {
                self.callsign = callsign.or(self.callsign);
                if category != Category::Unknown {
                    self.category = category;
                    self.flight.set_category(category);
                }
            }
            Update::Identity { squawk, commb } => {
                self.squawk = squawk.or(self.squawk);
                self.commb_identity(ts, commb);
            }
        }
    }

    /// A Comm-B identification fills the callsign of an aircraft that sent none by ADS-B.
    fn commb_identity(&mut self, ts: f64, commb: CommBIdentity) {
        let callsign = match commb {
            CommBIdentity::None => return,
            CommBIdentity::Callsign(c) => c,
            CommBIdentity::Ambiguous(mb) => {
                let velocity = self.fresh_velocity(ts);
                let context = CommBContext {
                    groundspeed_kt: velocity.and_then(|v| v.groundspeed_kt),
                    track_deg: velocity.and_then(|v| v.track_deg),
                    vertical_rate_fpm: velocity.and_then(|v| v.vertical_rate_fpm),
                    callsign: self.callsign,
                };
                match infer(mb, Some(&context)) {
                    CommB::Known(Bds::Identification(c)) => c,
                    _ => return,
                }
            }
        };
        if self.callsign.is_none() {
            self.callsign = Some(callsign);
        }
    }

    fn fresh_velocity(&self, ts: f64) -> Option<VelocityReport> {
        self.velocity
            .filter(|v| ts - v.ts <= VELOCITY_MAX_AGE_S && ts >= v.ts)
    }

    fn candidate(&self, fix: Fix, anchored: bool, evidence: Evidence) -> Candidate {
        let velocity = self.fresh_velocity(fix.ts);
        Candidate {
            fix,
            anchored,
            groundspeed_kt: velocity.and_then(|v| v.groundspeed_kt),
            track_deg: velocity.and_then(|v| v.track_deg),
            vertical_rate_fpm: velocity.and_then(|v| v.vertical_rate_fpm),
            callsign: self.callsign,
            squawk: self.squawk,
            evidence,
        }
    }

    fn references(&self, config: &TrackerConfig) -> References {
        let limits = self.category.limits();
        References {
            own: self.reliability.last_trusted().map(|f| {
                (
                    f.ts,
                    LatLon {
                        lat: f.lat,
                        lon: f.lon,
                    },
                )
            }),
            receiver: config.receiver,
            max_speed_kt: limits.speed_kt,
            max_vertical_rate_fpm: limits.vertical_rate_fpm,
        }
    }

    fn position(
        &mut self,
        frame: CprFrame,
        surface: bool,
        altitude_source: AltitudeSource,
        config: &TrackerConfig,
        out: &mut Output<'_>,
    ) {
        let refs = self.references(config);
        let Resolution {
            resolved,
            failed_pair,
            undecodable_pair,
            needs_reference,
        } = self.cpr.resolve(frame, surface, &refs);
        out.stats.cpr_undecodable_pairs += u64::from(undecodable_pair);
        out.stats.surface_without_reference += u64::from(needs_reference);
        let ts = frame.frame.ts;
        let altitude_ft = frame.altitude_ft.map(f64::from);
        let pair_rejection = failed_pair.map(|failed| {
            (
                failed.position,
                failed.reason,
                Evidence::CprPair {
                    newest: frame.frame,
                    partner: failed.partner.frame,
                },
            )
        });
        let Some(resolved) = resolved else {
            if let Some((position, reason, evidence)) = pair_rejection {
                out.rejected(
                    self.icao24,
                    ts,
                    position,
                    altitude_ft,
                    reason,
                    evidence,
                    &mut self.flight,
                );
            }
            return;
        };
        let evidence = match (resolved.fix.method, resolved.partner) {
            (PositionMethod::Global, Some(partner)) => Evidence::CprPair {
                newest: frame.frame,
                partner: partner.frame,
            },
            (PositionMethod::LocalReceiver, _) => Evidence::CprLocal {
                frame: frame.frame,
                reference: LocalReference::Receiver,
            },
            _ => Evidence::CprLocal {
                frame: frame.frame,
                reference: LocalReference::Aircraft {
                    ts: refs.own.map_or(f64::NAN, |(t, _)| t),
                },
            },
        };
        let fix = Fix {
            ts,
            lat: resolved.fix.position.lat,
            lon: resolved.fix.position.lon,
            altitude_ft,
            altitude_source,
            on_ground: Some(surface),
        };
        let anchored = resolved.fix.method != PositionMethod::LocalReceiver;
        let candidate = self.candidate(fix, anchored, evidence);
        let reported_kt = candidate.groundspeed_kt;
        let Some((rejected, reason)) = self.judge(candidate, reported_kt, config, out) else {
            return;
        };
        // When the pair was bad and the frame alone does not fit the track either, the pair's
        // failure is the root cause, and its two frames the evidence.
        let (position, reason, evidence) = pair_rejection.unwrap_or((
            LatLon {
                lat: rejected.fix.lat,
                lon: rejected.fix.lon,
            },
            reason,
            rejected.evidence,
        ));
        out.rejected(
            self.icao24,
            ts,
            position,
            altitude_ft,
            reason,
            evidence,
            &mut self.flight,
        );
    }

    /// Judge a candidate; emits what becomes trusted (and releases), returns a rejection for
    /// the caller to report.
    fn judge(
        &mut self,
        candidate: Candidate,
        reported_kt: Option<f64>,
        config: &TrackerConfig,
        out: &mut Output<'_>,
    ) -> Option<(Candidate, RejectReason)> {
        let icao24 = self.icao24;
        let flight = &mut self.flight;
        let judgement = self.reliability.judge(
            candidate,
            config.confirmations(),
            config.retrust_after_s,
            self.category.limits(),
            reported_kt,
            &mut |released| out.release(icao24, released, flight, config),
        );
        match judgement {
            Judgement::Trusted(c) => {
                out.trusted(icao24, &c, flight, config);
                None
            }
            Judgement::Pending => None,
            Judgement::Rejected(c, reason) => Some((c, reason)),
        }
    }

    /// Apply one archive row stamped `ts`.
    pub fn apply_report(
        &mut self,
        ts: f64,
        report: &Report,
        config: &TrackerConfig,
        out: &mut Output<'_>,
    ) {
        out.position_frames = self.heard.position_frames;
        if ts < self.processed_ts {
            out.stats.late += 1;
            if let Some((lat, lon)) = report.position {
                let reason = RejectReason::OutOfOrder {
                    late_s: (self.processed_ts - ts) as f32,
                };
                let evidence = report.evidence;
                let position = LatLon { lat, lon };
                out.rejected(
                    self.icao24,
                    ts,
                    position,
                    report.altitude_ft,
                    reason,
                    evidence,
                    &mut self.flight,
                );
            }
            return;
        }
        self.processed_ts = ts;
        self.callsign = report.callsign.or(self.callsign);
        self.squawk = report.squawk.or(self.squawk);
        if report.groundspeed_kt.is_some()
            || report.track_deg.is_some()
            || report.vertical_rate_fpm.is_some()
        {
            self.velocity = Some(VelocityReport {
                ts,
                groundspeed_kt: report.groundspeed_kt,
                track_deg: report.track_deg,
                vertical_rate_fpm: report.vertical_rate_fpm,
            });
        }
        let Some((lat, lon)) = report.position else {
            return;
        };
        let fix = Fix {
            ts,
            lat,
            lon,
            altitude_ft: report.altitude_ft,
            altitude_source: report.altitude_source,
            on_ground: report.on_ground,
        };
        let candidate = self.candidate(fix, true, report.evidence);
        if let Some((c, reason)) = self.judge(candidate, report.groundspeed_kt, config, out) {
            out.rejected(
                self.icao24,
                ts,
                LatLon { lat, lon },
                report.altitude_ft,
                reason,
                c.evidence,
                &mut self.flight,
            );
        }
    }

    /// A frame older than what this aircraft already processed (already counted): reported as
    /// a rejected position when it carries one that local decoding against the track can
    /// place.
    fn late(&mut self, ts: f64, update: &Update, out: &mut Output<'_>) {
        let reason = RejectReason::OutOfOrder {
            late_s: (self.processed_ts - ts) as f32,
        };
        let (position, altitude_ft, evidence) = match update {
            Update::Airborne {
                frame,
                cpr,
                altitude_ft,
                ..
            } => match self.place(&frame.at(ts), cpr, false) {
                Some(found) => (found.0, altitude_ft.map(f64::from), found.1),
                None => return,
            },
            Update::Surface { frame, cpr, .. } => match self.place(&frame.at(ts), cpr, true) {
                Some(found) => (found.0, None, found.1),
                None => return,
            },
            _ => return,
        };
        out.rejected(
            self.icao24,
            ts,
            position,
            altitude_ft,
            reason,
            evidence,
            &mut self.flight,
        );
    }

    /// Where one frame says the aircraft is, decoded against its last trusted position.
    fn place(
        &self,
        frame: &FrameRef,
        cpr: &CprPosition,
        surface: bool,
    ) -> Option<(LatLon, Evidence)> {
        let reference = self.reliability.last_trusted()?;
        let position = cpr::local(
            *cpr,
            LatLon {
                lat: reference.lat,
                lon: reference.lon,
            },
            surface,
        )
        .ok()?;
        Some((
            position,
            Evidence::CprLocal {
                frame: *frame,
                reference: LocalReference::Aircraft { ts: reference.ts },
            },
        ))
    }

    /// Finalise: pending positions are unconfirmed, the flight in progress ends.
    pub fn finish(&mut self, reason: FlightEnd, config: &TrackerConfig, out: &mut Output<'_>) {
        out.position_frames = self.heard.position_frames;
        let icao24 = self.icao24;
        let flight = &mut self.flight;
        self.reliability
            .abandon(&mut |released| out.release(icao24, released, flight, config));
        let events = &mut *out.events;
        let stats = &mut *out.stats;
        self.flight.end(reason, &mut |ended| {
            stats.flights += 1;
            events.push(TrackEvent::FlightEnded(ended));
        });
    }
}
