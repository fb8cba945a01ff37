//! Flights: an aircraft's trusted positions split where a person would split them.
//!
//! Owns the rules that cut an aircraft's history into flights and the summary of each
//! ([`Flight`]): id, start/end, callsigns, squawks, bounding box, point count, and optionally
//! the points. A flight ends
//!
//! - on a **gap**: no trusted position for `flight_gap_s` (default 15 min);
//! - on a **new take-off**: the aircraft was airborne for at least [`MIN_AIRBORNE_S`], then on
//!   the ground for at least `ground_split_s` (default 2 min), and now is airborne again. The
//!   on-ground flag of real data flickers during landing rolls and taxiing (single "airborne"
//!   reports with stale positions, garbage altitudes); both durations keep flickers from
//!   splitting a flight, and taxiing stays with the flight it belongs to;
//! - when the aircraft **expires** or the **input ends**.
//!
//! Within a flight, positions form **segments**: a trusted position that no aircraft of the
//! flight's category could have reached from the previous trusted one (the tracker re-acquired
//! the aircraft after a stretch of rejected, spoofed or garbled positions) starts a new segment
//! and carries the reason. Consecutive positions of one segment are always plausible.
//!
//! A flight's id is its aircraft and the Unix second of its first trusted position: stable
//! across runs, however the input is chunked. This file does not judge positions
//! (`reliability`) and knows nothing of zones.

use core::fmt;

use crate::plausibility::Category;

use crate::config::TrackerConfig;
use crate::plausibility::{check, Fix};
use crate::position::RejectReason;
use crate::reliability::Candidate;
use vigia_modes::{Callsign, IcaoAddress, Squawk};

/// Airborne time a flight needs before a landing and a new take-off split it, seconds.
pub const MIN_AIRBORNE_S: f64 = 60.0;
/// Longest step between two airborne positions that counts as airborne time, seconds
/// (a coverage hole does not prove the aircraft was flying).
const MAX_AIRBORNE_STEP_S: f64 = 30.0;
/// Distinct callsigns and squawks a flight remembers (more is a data problem, not a flight).
const MAX_IDENTITIES: usize = 4;

/// A flight's identity: the aircraft and the Unix second of its first trusted position.
/// Displays as `3944e1-1633608318`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct FlightId {
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Start time, whole seconds since the Unix epoch (rounded down).
    pub start: i64,
}

impl fmt::Display for FlightId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.icao24, self.start)
    }
}

/// Why a flight ended.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[non_exhaustive]
pub enum FlightEnd {
    /// No trusted position for `flight_gap_s`.
    Gap,
    /// The aircraft landed and took off again.
    Landed,
    /// The aircraft was not heard for `expire_after_s`.
    Expired,
    /// The input ended ([`crate::Tracker::finish`]).
    EndOfInput,
}

impl FlightEnd {
    /// A short snake_case name.
    pub const fn name(self) -> &'static str {
        match self {
            FlightEnd::Gap => "gap",
            FlightEnd::Landed => "landed",
            FlightEnd::Expired => "expired",
            FlightEnd::EndOfInput => "end_of_input",
        }
    }
}

/// Latitude/longitude bounds, degrees (plain minimum and maximum: a flight across the
/// antimeridian gets a box spanning the globe).
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct BoundingBox {
    /// Southernmost latitude.
    pub min_lat: f64,
    /// Westernmost longitude.
    pub min_lon: f64,
    /// Northernmost latitude.
    pub max_lat: f64,
    /// Easternmost longitude.
    pub max_lon: f64,
}

impl BoundingBox {
    fn point(lat: f64, lon: f64) -> Self {
        Self {
            min_lat: lat,
            min_lon: lon,
            max_lat: lat,
            max_lon: lon,
        }
    }

    fn extend(&mut self, lat: f64, lon: f64) {
        self.min_lat = self.min_lat.min(lat);
        self.max_lat = self.max_lat.max(lat);
        self.min_lon = self.min_lon.min(lon);
        self.max_lon = self.max_lon.max(lon);
    }
}

/// One trusted point of a flight, as kept with `keep_points`.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct FlightPoint {
    /// Time, seconds.
    pub ts: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet.
    pub altitude_ft: Option<f32>,
    /// Ground speed, knots.
    pub groundspeed_kt: Option<f32>,
    /// Track over ground, degrees.
    pub track_deg: Option<f32>,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: Option<f32>,
    /// On the ground, if known.
    pub on_ground: Option<bool>,
    /// The segment of the flight (see [`crate::TrustedPosition::segment`]).
    pub segment: u32,
    /// What the position was computed from.
    pub source: PositionSource,
    /// For a multilaterated position: the semi-major axis of its 95 % error ellipse, metres.
    pub mlat_error_m: Option<f32>,
}

/// What a position was computed from, in one word.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PositionSource {
    /// The aircraft's own broadcast (ADS-B CPR frames).
    Adsb,
    /// Multilateration of a Mode S reply.
    Mlat,
    /// A decoded archive row (its producer's position).
    Archive,
}

impl PositionSource {
    /// `adsb`, `mlat` or `archive`.
    pub const fn name(self) -> &'static str {
        match self {
            PositionSource::Adsb => "adsb",
            PositionSource::Mlat => "mlat",
            PositionSource::Archive => "archive",
        }
    }

    /// The source of a position with this evidence.
    pub fn of(evidence: &crate::Evidence) -> Self {
        match evidence {
            crate::Evidence::Mlat(_) => PositionSource::Mlat,
            crate::Evidence::Report(_) => PositionSource::Archive,
            _ => PositionSource::Adsb,
        }
    }
}

/// Where a trusted position went: its flight, its segment and, on the first position after a
/// break, why the previous segment ended.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) struct Placement {
    pub flight_id: FlightId,
    pub segment: u32,
    pub segment_break: Option<RejectReason>,
}

/// A finished flight.
#[derive(Clone, PartialEq, Debug)]
pub struct Flight {
    /// Its id.
    pub id: FlightId,
    /// Time of its first trusted position, seconds.
    pub start_ts: f64,
    /// Time of its last trusted position, seconds.
    pub end_ts: f64,
    /// Distinct callsigns heard during the flight, in order (at most 4).
    pub callsigns: Vec<Callsign>,
    /// Distinct Mode A codes heard during the flight, in order (at most 4).
    pub squawks: Vec<Squawk>,
    /// Bounds of its trusted positions.
    pub bbox: BoundingBox,
    /// Number of trusted positions.
    pub points: u64,
    /// Number of segments (1 + breaks where consecutive positions were impossible).
    pub segments: u32,
    /// Number of positions rejected while it was in progress.
    pub rejected: u64,
    /// Whether any of its positions was reported airborne (`on_ground == Some(false)`: an
    /// airborne position frame, or a row saying so). Archives without an on-ground column
    /// leave it false.
    pub airborne: bool,
    /// Why it ended.
    pub end: FlightEnd,
    /// Its trusted points in time order, when the tracker keeps them (`keep_points`).
    pub track: Vec<FlightPoint>,
    /// The emitter category the aircraft last announced (ADS-B TC 1–4), `Unknown` if none.
    pub category: Category,
}

/// The flight in progress for one aircraft.
#[derive(Clone, Debug)]
struct FlightBuilder {
    id: FlightId,
    start_ts: f64,
    end_ts: f64,
    bbox: BoundingBox,
    points: u64,
    rejected: u64,
    callsigns: [Option<Callsign>; MAX_IDENTITIES],
    squawks: [Option<Squawk>; MAX_IDENTITIES],
    airborne: bool,
    airborne_s: f64,
    last_airborne_ts: Option<f64>,
    /// First and last time of the current uninterrupted run of on-ground positions.
    ground_run: Option<(f64, f64)>,
    track: Vec<FlightPoint>,
    /// The last trusted position, and the segment it is in.
    last: Fix,
    segment: u32,
}

fn remember<T: Copy + PartialEq>(list: &mut [Option<T>; MAX_IDENTITIES], value: Option<T>) {
    let Some(value) = value else { return };
    for slot in list.iter_mut() {
        match slot {
            Some(seen) if *seen == value => return,
            Some(_) => {}
            None => {
                *slot = Some(value);
                return;
            }
        }
    }
}

impl FlightBuilder {
    fn into_flight(self, end: FlightEnd, category: Category) -> Flight {
        Flight {
            id: self.id,
            start_ts: self.start_ts,
            end_ts: self.end_ts,
            callsigns: self.callsigns.iter().flatten().copied().collect(),
            squawks: self.squawks.iter().flatten().copied().collect(),
            bbox: self.bbox,
            points: self.points,
            segments: self.segment + 1,
            rejected: self.rejected,
            airborne: self.airborne,
            end,
            track: self.track,
            category,
        }
    }

    /// Whether an airborne position now means a new take-off after a landing.
    fn took_off_again(&self, on_ground: Option<bool>, ground_split_s: f64) -> bool {
        on_ground == Some(false)
            && self.airborne_s >= MIN_AIRBORNE_S
            && self
                .ground_run
                .is_some_and(|(first, last)| last - first >= ground_split_s)
    }

    fn add(&mut self, c: &Candidate, keep_points: bool) {
        let fix = &c.fix;
        self.last = *fix;
        self.end_ts = fix.ts;
        self.bbox.extend(fix.lat, fix.lon);
        self.points += 1;
        remember(&mut self.callsigns, c.callsign);
        remember(&mut self.squawks, c.squawk);
        match fix.on_ground {
            Some(false) => {
                if let (Some(previous), None) = (self.last_airborne_ts, self.ground_run) {
                    self.airborne_s += (fix.ts - previous).clamp(0.0, MAX_AIRBORNE_STEP_S);
                }
                self.airborne = true;
                self.last_airborne_ts = Some(fix.ts);
                self.ground_run = None;
            }
            Some(true) => {
                let first = self.ground_run.map_or(fix.ts, |(first, _)| first);
                self.ground_run = Some((first, fix.ts));
            }
            None => {}
        }
        if keep_points {
            self.track.push(FlightPoint {
                ts: fix.ts,
                lat: fix.lat,
                lon: fix.lon,
                altitude_ft: fix.altitude_ft.map(|v| v as f32),
                groundspeed_kt: c.groundspeed_kt.map(|v| v as f32),
                track_deg: c.track_deg.map(|v| v as f32),
                vertical_rate_fpm: c.vertical_rate_fpm.map(|v| v as f32),
                on_ground: fix.on_ground,
                segment: self.segment,
                source: PositionSource::of(&c.evidence),
                mlat_error_m: c.evidence.mlat().map(|m| m.semi_major_m),
            });
        }
    }
}

/// An aircraft's flight in progress, if any.
#[derive(Clone, Debug, Default)]
pub(crate) struct FlightState {
    current: Option<FlightBuilder>,
    category: Category,
    /// A flight started elsewhere (a worker that had this aircraft before) and its latest
    /// time: the next flight continues it when it starts within `flight_gap_s`.
    resume: Option<(FlightId, f64)>,
}

impl FlightState {
    /// Continue flight `id`, last seen at `end_ts`, if the next trusted position comes within
    /// the flight gap of it.
    pub fn resume(&mut self, id: FlightId, end_ts: f64) {
        self.resume = Some((id, end_ts));
    }

    /// The emitter category the aircraft announced; flights carry it when they end.
    pub fn set_category(&mut self, category: Category) {
        self.category = category;
    }

    /// Bytes held by kept points.
    pub fn heap_bytes(&self) -> usize {
        self.current.as_ref().map_or(0, |f| {
            f.track.capacity() * core::mem::size_of::<FlightPoint>()
        })
    }

    /// Add a trusted position of `icao24`, ending the flight in progress first if the position
    /// starts a new one (`ended` receives it), and starting a new segment if no aircraft of
    /// the flight's category could have reached it from the previous trusted position.
    pub fn add_trusted(
        &mut self,
        icao24: IcaoAddress,
        c: &Candidate,
        config: &TrackerConfig,
        ended: &mut impl FnMut(Flight),
    ) -> Placement {
        let ts = c.fix.ts;
        let end = self.current.as_ref().and_then(|f| {
            if ts - f.end_ts > config.flight_gap_s {
                Some(FlightEnd::Gap)
            } else if f.took_off_again(c.fix.on_ground, config.ground_split_s) {
                Some(FlightEnd::Landed)
            } else {
                None
            }
        });
        if let Some(reason) = end {
            self.end(reason, ended);
        }
        let limits = self.category.limits();
        let segment_break = self
            .current
            .as_ref()
            .and_then(|f| check(&f.last, &c.fix, limits, None).err());
        let resumed = self.resume.take().filter(|(id, end)| {
            self.current.is_none()
                && id.icao24 == icao24
                && ts - end <= config.flight_gap_s
                && ts >= id.start as f64
        });
        let flight = self.current.get_or_insert_with(|| FlightBuilder {
            id: resumed.map_or(
                FlightId {
                    icao24,
                    start: ts.floor() as i64,
                },
                |r| r.0,
            ),
            start_ts: resumed.map_or(ts, |r| r.0.start as f64),
            end_ts: ts,
            bbox: BoundingBox::point(c.fix.lat, c.fix.lon),
            points: 0,
            rejected: 0,
            callsigns: [None; MAX_IDENTITIES],
            squawks: [None; MAX_IDENTITIES],
            airborne: false,
            airborne_s: 0.0,
            last_airborne_ts: None,
            ground_run: None,
            track: Vec::new(),
            last: c.fix,
            segment: 0,
        });
        if segment_break.is_some() {
            flight.segment += 1;
        }
        flight.add(c, config.keep_points);
        Placement {
            flight_id: flight.id,
            segment: flight.segment,
            segment_break,
        }
    }

    /// The flight in progress and the time of its latest trusted position, seconds.
    pub fn current(&self) -> Option<(FlightId, f64)> {
        self.current.as_ref().map(|f| (f.id, f.end_ts))
    }

    /// Count a rejected position against the flight in progress; returns its id.
    pub fn add_rejected(&mut self) -> Option<FlightId> {
        let flight = self.current.as_mut()?;
        flight.rejected += 1;
        Some(flight.id)
    }

    /// End the flight in progress, if any.
    pub fn end(&mut self, reason: FlightEnd, ended: &mut impl FnMut(Flight)) {
        if let Some(flight) = self.current.take() {
            ended(flight.into_flight(reason, self.category));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Evidence, SourceRef};
    use crate::plausibility::Fix;
    use vigia_modes::adsb::AltitudeSource;

    fn at(ts: f64, on_ground: Option<bool>) -> Candidate {
        Candidate {
            anchored: true,
            fix: Fix {
                ts,
                lat: 45.0 + ts * 1e-4,
                lon: 7.0,
                altitude_ft: None,
                altitude_source: AltitudeSource::Barometric,
                on_ground,
            },
            groundspeed_kt: None,
            track_deg: None,
            vertical_rate_fpm: None,
            callsign: Callsign::parse(if ts < 5000.0 { "AAA1" } else { "BBB2" }).ok(),
            squawk: None,
            evidence: Evidence::Report(SourceRef::default()),
        }
    }

    /// Feed (ts, on_ground) every `step` seconds between bounds; returns the ended flights.
    fn fly(segments: &[(f64, f64, Option<bool>)], step: f64) -> Vec<Flight> {
        let config = TrackerConfig {
            keep_points: true,
            ..TrackerConfig::default()
        };
        let mut state = FlightState::default();
        let mut flights = Vec::new();
        let icao = IcaoAddress::new(0xabc123);
        for &(from, to, on_ground) in segments {
            let mut ts = from;
            while ts <= to {
                state.add_trusted(icao, &at(ts, on_ground), &config, &mut |f| flights.push(f));
                ts += step;
            }
        }
        state.end(FlightEnd::EndOfInput, &mut |f| flights.push(f));
        flights
    }

    #[test]
    fn taxi_flight_taxi_is_one_flight() {
        let flights = fly(
            &[
                (0.0, 300.0, Some(true)),
                (301.0, 3000.0, Some(false)),
                (3001.0, 3600.0, Some(true)),
            ],
            1.0,
        );
        assert_eq!(flights.len(), 1);
        let f = &flights[0];
        assert_eq!(f.id.to_string(), "abc123-0");
        assert_eq!((f.start_ts, f.end_ts, f.points), (0.0, 3600.0, 3601));
        assert_eq!(f.track.len(), 3601);
        assert!(f.airborne);
        assert_eq!(f.end, FlightEnd::EndOfInput);
    }

    #[test]
    fn a_turnaround_splits_but_flickers_do_not() {
        // Landing roll with a 57 s ground run and a 2 s "airborne" flicker: one flight.
        let flights = fly(
            &[
                (0.0, 1000.0, Some(false)),
                (1001.0, 1057.0, Some(true)),
                (1058.0, 1060.0, Some(false)),
                (1061.0, 1600.0, Some(true)),
            ],
            1.0,
        );
        assert_eq!(flights.len(), 1);
        // A 10-minute turnaround, then a take-off: two flights, split at the take-off.
        let flights = fly(
            &[
                (0.0, 1000.0, Some(false)),
                (1001.0, 1600.0, Some(true)),
                (1601.0, 2600.0, Some(false)),
            ],
            1.0,
        );
        assert_eq!(flights.len(), 2);
        assert_eq!(flights[0].end, FlightEnd::Landed);
        assert_eq!(flights[0].end_ts, 1600.0);
        assert_eq!(flights[1].start_ts, 1601.0);
        // Unknown on-ground state never splits.
        assert_eq!(fly(&[(0.0, 4000.0, None)], 5.0).len(), 1);
    }

    #[test]
    fn a_gap_splits_and_callsigns_are_collected() {
        let flights = fly(&[(0.0, 1000.0, None), (6000.0, 7000.0, None)], 5.0);
        assert_eq!(flights.len(), 2);
        assert_eq!(flights[0].end, FlightEnd::Gap);
        assert_eq!(flights[0].callsigns[0].as_str(), "AAA1");
        assert_eq!(flights[1].callsigns[0].as_str(), "BBB2");
        assert_eq!(flights[1].id.start, 6000);
        let b = flights[0].bbox;
        assert_eq!((b.min_lat, b.max_lat), (45.0, 45.1));
    }

    #[test]
    fn identities_are_distinct_and_bounded() {
        let mut list = [None; MAX_IDENTITIES];
        for v in [1, 1, 2, 3, 2, 4, 5, 6] {
            remember(&mut list, Some(v));
        }
        assert_eq!(list, [Some(1), Some(2), Some(3), Some(4)]);
    }
}
