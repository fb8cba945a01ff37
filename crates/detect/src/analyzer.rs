//! The detection stage: tracker events in, [`Event`]s out.
//!
//! Owns per-flight state — one [`ZoneWatch`] per zone of interest, the thinned samples the
//! behaviour detectors need, identity hints heard in flight — and the order of output: zone
//! events as they happen; orbit, survey, closest-approach and flight records when the tracker
//! ends the flight (its `finish` ends every open flight, so nothing is left behind).

use std::collections::HashMap;
use std::sync::Arc;

use vigia_modes::Callsign;
use vigia_track::{Flight, FlightId, TrackEvent, TrustedPosition};
use vigia_zones::{TimedPoint, ZoneId, ZoneIndex};

use crate::coverage::{Coverage, CoverageConfig, ReceiverCoverage};
use crate::dark::{DarkConfig, DarkStats, DarkWatch, Finding};
use crate::event::{
    Approach, Event, EventKind, FlightSummary, MlatClaim, PositionEvidence, Presence, ZoneCrossing,
    ZonePlace, ZoneVisit, CITED_PER_EPISODE,
};
use crate::identity::IdentityResolver;
use crate::orbit::{find_orbits, Orbit, OrbitConfig, OrbitPattern};
use crate::place::{depth, place};
use crate::sample::{by_segment, legs, Leg, Sample, SAMPLE_SPACING_S};
use crate::score::{score, FlightFacts};
use crate::survey::{find_surveys, Survey, SurveyConfig};
use crate::zone_watch::{ZoneStep, ZoneWatch};

/// Settings of the detection stage.
#[derive(Clone, Debug, PartialEq)]
pub struct AnalyzerConfig {
    /// Report closest approaches within this distance of a zone, nautical miles.
    pub approach_nm: f64,
    /// Orbit detector tuning.
    pub orbit: OrbitConfig,
    /// Survey detector tuning.
    pub survey: SurveyConfig,
    /// Live service: report an orbit while it is being flown (checked every
    /// [`LIVE_ORBIT_CHECK_S`] of a flight's data), not only when the flight ends. Off for
    /// archives, where the end-of-flight report is complete and final.
    pub live_orbits: bool,
    /// Going dark: gaps in well-covered airspace, flights appearing inside a zone.
    pub dark: DarkConfig,
    /// Limits of the coverage model learned from the traffic.
    pub coverage: CoverageConfig,
}

/// How often a live flight's samples are searched for a new orbit, seconds of its data.
pub const LIVE_ORBIT_CHECK_S: f64 = 120.0;

impl Default for AnalyzerConfig {
    fn default() -> Self {
        Self {
            approach_nm: 50.0,
            orbit: OrbitConfig::default(),
            survey: SurveyConfig::default(),
            live_orbits: false,
            dark: DarkConfig::default(),
            coverage: CoverageConfig::default(),
        }
    }
}

/// Counters of the detection stage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnalyzerStats {
    /// Trusted positions seen.
    pub positions: u64,
    /// Rejected positions seen.
    pub rejected: u64,
    /// Flights closed.
    pub flights: u64,
    /// Events emitted (flight records included).
    pub events: u64,
}

struct FlightState {
    last: Option<PositionEvidence>,
    /// The segment of `last`.
    segment: u32,
    callsign: Option<Callsign>,
    watches: Vec<ZoneWatch>,
    samples: Vec<Sample>,
    /// One trusted position with its evidence per [`CITED_SPACING_S`]: what an episode cites
    /// (bounded by the flight's duration, like `samples`, at a twelfth of their rate).
    cited: Vec<PositionEvidence>,
    rejected: u64,
    /// Start times of the orbit episodes already reported live.
    reported_orbits: Vec<f64>,
    /// Time on station of the orbits found live so far, seconds.
    live_orbit_time_s: Option<f64>,
    next_orbit_check: f64,
}

/// Whether an episode starting at `start` is one already reported (episodes grow at their
/// end; their start can move a little as the windows settle).
fn already_reported(reported: &[f64], start: f64) -> bool {
    reported.iter().any(|r| (r - start).abs() <= 900.0)
}

/// The detection stage.
pub struct Analyzer {
    zones: Arc<ZoneIndex>,
    identity: IdentityResolver,
    config: AnalyzerConfig,
    flights: HashMap<FlightId, FlightState>,
    stats: AnalyzerStats,
    steps: Vec<ZoneStep>,
    coverage: Coverage,
    receivers: ReceiverCoverage,
    dark: DarkWatch,
    findings: Vec<Finding>,
}

impl Analyzer {
    /// A stage watching every zone of `zones`.
    pub fn new(zones: Arc<ZoneIndex>, identity: IdentityResolver, config: AnalyzerConfig) -> Self {
        Self {
            zones,
            identity,
            coverage: Coverage::new(config.coverage),
            receivers: ReceiverCoverage::new(config.coverage),
            dark: DarkWatch::new(config.dark),
            findings: Vec::new(),
            config,
            flights: HashMap::new(),
            stats: AnalyzerStats::default(),
            steps: Vec::new(),
        }
    }

    /// Counters so far.
    pub fn stats(&self) -> AnalyzerStats {
        self.stats
    }

    /// Flights currently open.
    pub fn open_flights(&self) -> usize {
        self.flights.len()
    }

    /// Time on station of the orbits `flight` has flown so far, as found live (none for
    /// archives, or before an orbit qualifies).
    pub fn live_orbit_time_s(&self, flight: FlightId) -> Option<f64> {
        self.flights.get(&flight)?.live_orbit_time_s
    }

    /// The zones `flight` was inside at its last trusted position, in the index's order.
    pub fn zones_inside(&self, flight: FlightId) -> impl Iterator<Item = &str> {
        self.flights
            .get(&flight)
            .into_iter()
            .flat_map(|f| f.watches.iter())
            .filter(|w| w.is_inside())
            .map(|w| self.zones.name(w.zone()))
    }

    /// The coverage model learned so far.
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// The coverage model, to merge saved tallies into.
    pub fn coverage_mut(&mut self) -> &mut Coverage {
        &mut self.coverage
    }

    /// Counters of going-dark detection.
    pub fn dark_stats(&self) -> DarkStats {
        self.dark.stats()
    }

    /// Each receiver's own coverage model (receivers by source index).
    pub fn receiver_coverage(&self) -> &ReceiverCoverage {
        &self.receivers
    }

    /// Each receiver's model, to merge saved tallies into.
    pub fn receiver_coverage_mut(&mut self) -> &mut ReceiverCoverage {
        &mut self.receivers
    }

    /// Receiver `source` delivered `message` at `ts` (every receiver's copy, before any
    /// de-duplication): a gap during its outage is not the aircraft's, and its own coverage
    /// counts what it heard.
    #[inline]
    pub fn source_frame(&mut self, source: u16, ts: f64, message: &[u8]) {
        if self.config.dark.enabled {
            self.dark.source_heard(source, ts);
            self.receivers.frame(source, message);
        }
    }

    /// Consume one tracker event.
    pub fn push(&mut self, event: &TrackEvent, out: &mut Vec<Event>) {
        let before = out.len();
        match event {
            TrackEvent::Position(p) => {
                self.dark
                    .position(p, &self.zones, &self.coverage, &mut self.findings);
                self.position(p, out);
                if self.config.dark.enabled {
                    self.coverage.observe(p);
                    self.receivers.observe(p);
                }
                self.emit_findings(p.icao24, p.flight_id, out);
            }
            TrackEvent::Quiet(q) => {
                self.dark
                    .quiet(q, &self.zones, &self.coverage, &mut self.findings);
                self.emit_findings(q.icao24, q.flight_id, out);
            }
            TrackEvent::Rejected(r) => {
                self.stats.rejected += 1;
                if let Some(f) = r.flight_id.and_then(|id| self.flights.get_mut(&id)) {
                    f.rejected += 1;
                }
            }
            TrackEvent::FlightEnded(f) => self.flight_ended(f, out),
            _ => {}
        }
        self.stats.events += (out.len() - before) as u64;
    }

    fn position(&mut self, p: &TrustedPosition, out: &mut Vec<Event>) {
        self.stats.positions += 1;
        let zones = &self.zones;
        let approach_nm = self.config.approach_nm;
        let f = self
            .flights
            .entry(p.flight_id)
            .or_insert_with(|| FlightState {
                last: None,
                segment: p.segment,
                callsign: None,
                watches: zones
                    .ids()
                    .map(|z| ZoneWatch::new(z, approach_nm))
                    .collect(),
                samples: Vec::new(),
                cited: Vec::new(),
                rejected: 0,
                reported_orbits: Vec::new(),
                live_orbit_time_s: None,
                next_orbit_check: p.ts + LIVE_ORBIT_CHECK_S,
            });
        if p.callsign.is_some() {
            f.callsign = p.callsign;
        }
        let next = PositionEvidence::of(p);
        if f.samples
            .last()
            .is_none_or(|s| p.ts - s.ts >= SAMPLE_SPACING_S || s.segment != p.segment)
        {
            f.samples.push(Sample {
                ts: p.ts,
                lat: p.lat,
                lon: p.lon,
                altitude_ft: p.altitude_ft,
                segment: p.segment,
            });
        }
        if f.cited
            .last()
            .is_none_or(|c| p.ts - c.ts >= CITED_SPACING_S)
        {
            f.cited.push(next);
        }
        let prev = f.last;
        // A new segment: the tracker found the jump from the last position impossible.
        let restart = prev.is_some() && p.segment != f.segment;
        f.segment = p.segment;
        // Zones entered by this step, to name an exit's next zone.
        let mut entered: Vec<(ZoneId, usize)> = Vec::new();
        let first_event = out.len();
        for w in &mut f.watches {
            self.steps.clear();
            if restart {
                w.restart(zones, prev.as_ref(), &next);
            } else {
                w.step(zones, prev.as_ref(), &next, &mut self.steps);
            }
            for step in self.steps.drain(..) {
                let name = zones.name(w.zone()).to_string();
                let zone = w.zone();
                let crossing = |c| {
                    let before = prev.unwrap_or(next);
                    ZoneCrossing {
                        zone: name.clone(),
                        crossing: c,
                        mlat: MlatClaim::of(&[&before, &next], |lat, lon| {
                            zones.distance_to_boundary_nm(zone, lat, lon)
                        }),
                        before,
                        after: next,
                    }
                };
                let (ts, kind) = match step {
                    ZoneStep::Entry(c) => {
                        entered.push((w.zone(), out.len()));
                        (c.ts, EventKind::ZoneEntry(Box::new(crossing(c))))
                    }
                    ZoneStep::Presence(pair) => {
                        let (first, second) = *pair;
                        (
                            first.ts,
                            EventKind::ZonePresence(Box::new(Presence {
                                zone: name.clone(),
                                depth_nm: zones.distance_to_boundary_nm(
                                    w.zone(),
                                    first.lat,
                                    first.lon,
                                ),
                                over_land: zones
                                    .land(w.zone())
                                    .map(|l| l.contains(first.lat, first.lon)),
                                mlat: MlatClaim::of(&[&first, &second], |lat, lon| {
                                    zones.distance_to_boundary_nm(zone, lat, lon)
                                }),
                                first,
                                second,
                            })),
                        )
                    }
                    ZoneStep::Exit(c, time_inside_s) => (
                        c.ts,
                        EventKind::ZoneExit {
                            depth: depth(
                                zones,
                                w.zone(),
                                since(&f.samples, c.ts - time_inside_s, c.ts),
                            ),
                            crossing: Box::new(crossing(c)),
                            time_inside_s,
                            next_zone: None,
                        },
                    ),
                    ZoneStep::Transit(a, b) => (
                        a.ts,
                        EventKind::ZoneTransit {
                            entry: Box::new(crossing(a)),
                            exit: Box::new(crossing(b)),
                        },
                    ),
                };
                out.push(Event {
                    icao24: p.icao24,
                    flight_id: p.flight_id,
                    callsign: f.callsign,
                    ts,
                    kind,
                    places: Vec::new(),
                    cited: Vec::new(),
                });
            }
        }
        // An exit and an entry on the same step: the exit names the zone entered next.
        if let Some(&(zone, _)) = entered.first() {
            let next_name = zones.name(zone).to_string();
            for e in &mut out[first_event..] {
                if let EventKind::ZoneExit { next_zone, .. } = &mut e.kind {
                    *next_zone = Some(next_name.clone());
                }
            }
        }
        // Events of one step in time order.
        out[first_event..].sort_by(|a, b| a.ts.total_cmp(&b.ts));
        f.last = Some(next);
        if self.config.live_orbits && p.ts >= f.next_orbit_check {
            f.next_orbit_check = p.ts + LIVE_ORBIT_CHECK_S;
            let orbits = orbits_of(&legs(&f.samples), &self.config.orbit);
            if !orbits.is_empty() {
                f.live_orbit_time_s = Some(
                    orbits
                        .iter()
                        .filter(|o| o.pattern == OrbitPattern::Station)
                        .map(Orbit::duration_s)
                        .sum(),
                );
            }
            for o in orbits {
                if !already_reported(&f.reported_orbits, o.start_ts) {
                    f.reported_orbits.push(o.start_ts);
                    out.push(Event {
                        icao24: p.icao24,
                        flight_id: p.flight_id,
                        callsign: f.callsign,
                        ts: o.start_ts,
                        places: orbit_places(zones, &f.samples, &o),
                        cited: cite(&f.cited, o.start_ts, o.end_ts),
                        kind: EventKind::Orbit(o),
                    });
                }
            }
        }
    }

    /// Going-dark findings as events of `flight`.
    fn emit_findings(
        &mut self,
        icao24: vigia_modes::IcaoAddress,
        flight: FlightId,
        out: &mut Vec<Event>,
    ) {
        if self.findings.is_empty() {
            return;
        }
        let callsign = self.flights.get(&flight).and_then(|f| f.callsign);
        for finding in self.findings.drain(..) {
            let (ts, before, kind) = match finding {
                Finding::Lost(l) => (l.since, None, EventKind::SignalLost(l)),
                Finding::Regained(r) => (r.after.ts, r.callsign, EventKind::SignalRegained(r)),
                Finding::Crossing(c) => (c.ts, c.callsign, EventKind::InferredCrossing(c)),
                Finding::Appeared(a) => (a.first.ts, None, EventKind::AppearedInside(a)),
            };
            out.push(Event {
                icao24,
                flight_id: flight,
                callsign: callsign.or(before),
                ts,
                kind,
                places: Vec::new(),
                cited: Vec::new(),
            });
        }
    }

    fn flight_ended(&mut self, flight: &Flight, out: &mut Vec<Event>) {
        self.coverage.forget(flight.id.icao24);
        self.receivers.forget(flight.id.icao24);
        let state = self.flights.remove(&flight.id);
        self.close(flight, state, out);
    }

    fn close(&mut self, flight: &Flight, state: Option<FlightState>, out: &mut Vec<Event>) {
        self.stats.flights += 1;
        let icao24 = flight.id.icao24;
        let callsign = flight.callsigns.last().copied();
        let event = |ts, kind, places, cited| Event {
            icao24,
            flight_id: flight.id,
            callsign,
            ts,
            kind,
            places,
            cited,
        };
        let mut visits = Vec::new();
        let mut orbit_time: Option<f64> = None; // total time orbiting
        let mut surveys = 0;
        if let Some(state) = &state {
            let l = legs(&state.samples);
            for o in orbits_of(&l, &self.config.orbit) {
                // Time on station: all the flight's orbit episodes that are stations (not a
                // thermal, tight turns or a holding), of an aircraft that is not a glider.
                if o.pattern == OrbitPattern::Station
                    && flight.category != vigia_track::Category::SlowAirborne
                {
                    orbit_time = Some(orbit_time.unwrap_or(0.0) + o.duration_s());
                }
                if !already_reported(&state.reported_orbits, o.start_ts) {
                    let places = orbit_places(&self.zones, &state.samples, &o);
                    let cited = cite(&state.cited, o.start_ts, o.end_ts);
                    out.push(event(o.start_ts, EventKind::Orbit(o), places, cited));
                }
            }
            for s in by_segment(&l).flat_map(|part| find_surveys(part, &self.config.survey)) {
                surveys += 1;
                let places = survey_places(&self.zones, &state.samples, &s);
                let cited = cite(&state.cited, s.start_ts, s.end_ts);
                out.push(event(s.start_ts, EventKind::Survey(s), places, cited));
            }
            for w in &state.watches {
                let name = self.zones.name(w.zone()).to_string();
                if w.visited() {
                    visits.push(ZoneVisit {
                        zone: name,
                        time_inside_s: w.time_inside_until(flight.end_ts),
                        positions_inside: w.positions_inside,
                        entries: w.entries,
                        first_seen_inside: w.first_seen_inside,
                        depth: depth(&self.zones, w.zone(), &state.samples),
                    });
                    continue;
                }
                let Some((d, near, after)) = w.nearest() else {
                    continue;
                };
                if d > self.config.approach_nm * 1852.0 {
                    continue;
                }
                // Refine along the path within ±10 min of the nearest checked position, in its
                // segment: never across a break.
                let segment = w.nearest_segment();
                let track: Vec<TimedPoint> = state
                    .samples
                    .iter()
                    .filter(|s| s.segment == segment && (s.ts - near.ts).abs() <= 600.0)
                    .map(|s| TimedPoint {
                        ts: s.ts,
                        latitude: s.lat,
                        longitude: s.lon,
                    })
                    .collect();
                if let Some(approach) = w.closest_approach(&self.zones, &track) {
                    out.push(event(
                        approach.ts,
                        EventKind::ClosestApproach(Box::new(Approach {
                            zone: name,
                            approach,
                            before: near,
                            after: after.unwrap_or(near),
                        })),
                        Vec::new(),
                        Vec::new(),
                    ));
                }
            }
        }
        let identity = self.identity.identify(icao24);
        let prefix = callsign.and_then(|c| self.identity.callsign_prefix(&c));
        let facts = FlightFacts {
            identity: Some(&identity),
            callsign_prefix: prefix.map(|p| (p.kind, p.prefix.as_str(), p.operator.as_str())),
            orbit_time_s: orbit_time,
            surveys,
            squawks: flight.squawks.iter().map(|s| s.0).collect(),
            uav_category: flight.category == vigia_track::Category::Unmanned,
            has_callsign: !flight.callsigns.is_empty(),
            duration_s: flight.end_ts - flight.start_ts,
        };
        let (s, reasons) = score(&facts);
        let summary = FlightSummary {
            start_ts: flight.start_ts,
            end_ts: flight.end_ts,
            callsigns: flight.callsigns.clone(),
            squawks: flight.squawks.clone(),
            positions: flight.points,
            rejected: flight.rejected,
            identity,
            score: s,
            reasons,
            zones: visits,
        };
        out.push(event(
            flight.end_ts,
            EventKind::Flight(Box::new(summary)),
            Vec::new(),
            Vec::new(),
        ));
    }
}

/// The orbits of each segment of a flight (none spans a break).
fn orbits_of(legs: &[Leg], config: &OrbitConfig) -> Vec<Orbit> {
    by_segment(legs)
        .flat_map(|part| find_orbits(part, config))
        .collect()
}

/// The samples from `start` to `end`, seconds (samples are in time order).
fn since(samples: &[Sample], start: f64, end: f64) -> &[Sample] {
    let a = samples.partition_point(|s| s.ts < start);
    let b = samples.partition_point(|s| s.ts <= end);
    &samples[a..b.max(a)]
}

/// Where an orbit lies relative to every zone.
fn orbit_places(zones: &ZoneIndex, samples: &[Sample], o: &Orbit) -> Vec<ZonePlace> {
    let flown = since(samples, o.start_ts, o.end_ts);
    zones
        .ids()
        .map(|z| place(zones, z, flown, (o.centre_lat, o.centre_lon)))
        .collect()
}

/// Spacing of the positions kept as an episode's evidence, seconds.
const CITED_SPACING_S: f64 = 60.0;

/// The positions an episode from `start` to `end` cites: the first and last kept within it and
/// evenly spaced ones between, [`CITED_PER_EPISODE`] at most.
fn cite(kept: &[PositionEvidence], start: f64, end: f64) -> Vec<PositionEvidence> {
    let from = kept.partition_point(|c| c.ts < start);
    let to = kept.partition_point(|c| c.ts <= end);
    let within = &kept[from..to.max(from)];
    if within.len() <= CITED_PER_EPISODE {
        return within.to_vec();
    }
    let last = within.len() - 1;
    (0..CITED_PER_EPISODE)
        .map(|k| within[k * last / (CITED_PER_EPISODE - 1)])
        .collect()
}

/// Where a survey lies relative to every zone.
fn survey_places(zones: &ZoneIndex, samples: &[Sample], s: &Survey) -> Vec<ZonePlace> {
    let flown = since(samples, s.start_ts, s.end_ts);
    zones
        .ids()
        .map(|z| place(zones, z, flown, (s.centre_lat, s.centre_lon)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::already_reported;

    #[test]
    fn an_episode_is_reported_once_while_it_grows() {
        assert!(already_reported(&[1000.0], 1500.0));
        assert!(!already_reported(&[1000.0], 5000.0));
        assert!(!already_reported(&[], 1000.0));
    }
}
