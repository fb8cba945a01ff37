//! Floods: spoofed traffic must not bury a genuine event under thousands of false ones.
//!
//! Owns two watches the pipeline runs on stream time:
//!
//! - [`FloodGuard`]: events pass one by one within a budget per event type (a token bucket:
//!   `flood_burst` at once, `flood_events_per_minute` after). Past it, events from *new*
//!   aircraft — first heard less than `ESTABLISHED_S` before, not military, no surveillance
//!   type, score under [`SURVEILLANCE_LIKE`] — are folded into one `flood` event (counts by
//!   type and zone, distinct addresses, a sample), written when the flood has been quiet for
//!   `FLOOD_QUIET_S` or has lasted `FLOOD_MAX_S`. Established and identified aircraft always
//!   pass: the P-8 that has flown the coast for an hour is never folded into a spoofer's flood.
//! - [`RejectWatch`]: positions trusted and rejected per minute; when a minute's rejections
//!   jump (at least `MIN_REJECTED` and five times the moving average before), a
//!   `spoofing_suspected` event says so, at most once per `SPOOF_COOLDOWN_S`.
//!
//! Memory is bounded: one bucket per event type, one open flood with at most
//! `MAX_DISTINCT` addresses remembered.

use std::collections::{BTreeMap, HashMap, HashSet};

use vigia_detect::contract::{EventBody, EventRecord, FloodRecord, SpoofingRecord};
use vigia_detect::score::SURVEILLANCE_LIKE;
use vigia_modes::IcaoAddress;

/// An aircraft heard for this long before an event is established: its events always pass.
pub const ESTABLISHED_S: f64 = 600.0;
/// A flood with no folded event for this long is written, seconds.
pub const FLOOD_QUIET_S: f64 = 60.0;
/// A flood is written (and a new one opened) after this long at most, seconds.
pub const FLOOD_MAX_S: f64 = 600.0;
/// Distinct addresses counted per flood or per minute of rejections.
const MAX_DISTINCT: usize = 100_000;
/// Addresses kept as a sample.
const SAMPLE: usize = 20;
/// Fewest rejections in a minute that can be a jump.
pub const MIN_REJECTED: u64 = 30;
/// A minute's rejections are a jump at this many times the moving average.
const JUMP_FACTOR: f64 = 5.0;
/// Between two `spoofing_suspected` events, seconds.
pub const SPOOF_COOLDOWN_S: f64 = 600.0;

/// What the guard needs to know of an event.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    /// Its type name.
    pub kind: &'a str,
    /// Its zone.
    pub zone: Option<&'a str>,
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// When.
    pub ts: f64,
    /// When its flight was first heard.
    pub flight_start: f64,
    /// Military or a surveillance type.
    pub identified: bool,
    /// Its score.
    pub score: f64,
}

/// A token bucket over stream time.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: f64,
}

/// The event budget and the flood being counted.
#[derive(Debug)]
pub struct FloodGuard {
    burst: f64,
    per_second: f64,
    buckets: HashMap<String, Bucket>,
    open: Option<Open>,
}

#[derive(Debug, Default)]
struct Open {
    record: FloodRecord,
    seen: HashSet<IcaoAddress>,
}

impl FloodGuard {
    /// `burst` events of a type at once, `per_minute` after.
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            burst: f64::from(burst.max(1)),
            per_second: f64::from(per_minute.max(1)) / 60.0,
            buckets: HashMap::new(),
            open: None,
        }
    }

    /// Whether the event passes; `false`: it was folded into the open flood.
    pub fn admit(&mut self, c: &Candidate) -> bool {
        let bucket = self.buckets.entry(c.kind.to_string()).or_insert(Bucket {
            tokens: self.burst,
            at: c.ts,
        });
        let elapsed = (c.ts - bucket.at).max(0.0);
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.at = bucket.at.max(c.ts);
        let protected =
            c.identified || c.score >= SURVEILLANCE_LIKE || c.ts - c.flight_start >= ESTABLISHED_S;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return true;
        }
        if protected {
            return true;
        }
        self.fold(c);
        false
    }

    fn fold(&mut self, c: &Candidate) {
        let open = self.open.get_or_insert_with(|| Open {
            record: FloodRecord {
                start: c.ts,
                end: c.ts,
                reason: "more events than the per-type budget, from aircraft first heard minutes \
                         before: likely spoofed positions or a faulty decoder"
                    .into(),
                ..FloodRecord::default()
            },
            seen: HashSet::new(),
        });
        let r = &mut open.record;
        r.start = r.start.min(c.ts);
        r.end = r.end.max(c.ts);
        r.events += 1;
        *r.by_type.entry(c.kind.to_string()).or_default() += 1;
        if let Some(zone) = c.zone {
            *r.by_zone.entry(zone.to_string()).or_default() += 1;
        }
        if open.seen.len() < MAX_DISTINCT && open.seen.insert(c.icao24) {
            r.addresses += 1;
            if r.sample.len() < SAMPLE {
                r.sample.push(c.icao24.to_string());
            }
        }
    }

    /// The flood to write at stream time `now`, if it is over (quiet or long enough).
    pub fn due(&mut self, now: f64) -> Option<EventRecord> {
        let over = self.open.as_ref().is_some_and(|o| {
            now - o.record.end >= FLOOD_QUIET_S || now - o.record.start >= FLOOD_MAX_S
        });
        if over {
            self.take()
        } else {
            None
        }
    }

    /// The open flood, whatever its age (at shutdown).
    pub fn take(&mut self) -> Option<EventRecord> {
        let open = self.open.take()?;
        let r = open.record;
        Some(EventRecord {
            icao24: String::new(),
            flight_id: format!("flood-{}", r.start.floor() as i64),
            callsign: None,
            ts: r.start,
            score: None,
            body: EventBody::Flood(r),
        })
    }
}

/// Trusted and rejected positions per minute, and the jumps.
#[derive(Debug)]
pub struct RejectWatch {
    sources: Vec<String>,
    minute: Option<Minute>,
    average: Option<f64>,
    last_event: f64,
}

#[derive(Debug, Default)]
struct Minute {
    start: f64,
    trusted: u64,
    rejected: u64,
    reasons: BTreeMap<&'static str, u64>,
    seen: HashSet<IcaoAddress>,
}

impl RejectWatch {
    /// A watch over positions from `sources` (their ids, named in the event).
    pub fn new(sources: Vec<String>) -> Self {
        Self {
            sources,
            minute: None,
            average: None,
            last_event: f64::NEG_INFINITY,
        }
    }

    /// A trusted position at `ts`; the event for the minute that just ended, if it jumped.
    pub fn trusted(&mut self, ts: f64) -> Option<EventRecord> {
        let event = self.roll(ts);
        if let Some(m) = &mut self.minute {
            m.trusted += 1;
        }
        event
    }

    /// A rejected position at `ts`, for `reason`.
    pub fn rejected(
        &mut self,
        ts: f64,
        icao24: IcaoAddress,
        reason: &'static str,
    ) -> Option<EventRecord> {
        let event = self.roll(ts);
        if let Some(m) = &mut self.minute {
            m.rejected += 1;
            *m.reasons.entry(reason).or_default() += 1;
            if m.seen.len() < MAX_DISTINCT {
                m.seen.insert(icao24);
            }
        }
        event
    }

    /// Close the minute when `ts` is past it; judge it.
    fn roll(&mut self, ts: f64) -> Option<EventRecord> {
        if !ts.is_finite() {
            return None;
        }
        let current = self.minute.get_or_insert_with(|| Minute {
            start: ts,
            ..Minute::default()
        });
        if ts < current.start + 60.0 {
            return None;
        }
        let ended = std::mem::replace(
            current,
            Minute {
                start: ts,
                ..Minute::default()
            },
        );
        let rejected = ended.rejected as f64;
        let before = self.average;
        // The average follows quiet minutes fully and jumps slowly (it must not learn a flood
        // as the new normal within a minute or two).
        self.average = Some(match before {
            None => rejected,
            Some(a) if rejected <= a => rejected,
            Some(a) => a + 0.1 * (rejected - a),
        });
        let baseline = before?;
        let jumped = ended.rejected >= MIN_REJECTED
            && rejected >= JUMP_FACTOR * baseline.max(1.0)
            && ended.start - self.last_event >= SPOOF_COOLDOWN_S;
        if !jumped {
            return None;
        }
        self.last_event = ended.start;
        let mut reasons: Vec<(String, u64)> = ended
            .reasons
            .iter()
            .map(|(r, n)| ((*r).to_string(), *n))
            .collect();
        reasons.sort_by_key(|r| std::cmp::Reverse(r.1));
        Some(EventRecord {
            icao24: String::new(),
            flight_id: format!("spoofing-{}", ended.start.floor() as i64),
            callsign: None,
            ts: ended.start,
            score: None,
            body: EventBody::SpoofingSuspected(SpoofingRecord {
                start: ended.start,
                end: ended.start + 60.0,
                sources: self.sources.clone(),
                rejected: ended.rejected,
                trusted: ended.trusted,
                baseline_per_min: (baseline * 10.0).round() / 10.0,
                addresses: ended.seen.len() as u64,
                reasons,
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(k: u32, ts: f64, flight_start: f64) -> Candidate<'static> {
        Candidate {
            kind: "zone_entry",
            zone: Some("MEX"),
            icao24: IcaoAddress::new(0x100000 + k),
            ts,
            flight_start,
            identified: false,
            score: 0.0,
        }
    }

    #[test]
    fn a_burst_of_new_aircraft_is_folded_and_the_established_pass() {
        let mut guard = FloodGuard::new(30, 60);
        let mut passed = 0;
        // 5 000 invented border-crossers in 26 s, each heard for a few seconds.
        for k in 0..5000 {
            let ts = 1000.0 + f64::from(k) * 26.0 / 5000.0;
            passed += u32::from(guard.admit(&candidate(k, ts, ts - 5.0)));
        }
        assert!((30..=60).contains(&passed), "{passed}");
        // Meanwhile an aircraft heard for an hour, and a military one, cross: both pass.
        assert!(guard.admit(&candidate(9999, 1026.0, 1026.0 - 3600.0)));
        let military = Candidate {
            identified: true,
            ..candidate(9998, 1026.0, 1025.0)
        };
        assert!(guard.admit(&military));
        assert!(guard.due(1030.0).is_none(), "still flooding");
        let flood = guard
            .due(1026.0 + FLOOD_QUIET_S)
            .expect("written when quiet");
        let EventBody::Flood(r) = &flood.body else {
            panic!("{flood:?}")
        };
        assert_eq!(r.events, 5000 - u64::from(passed));
        assert_eq!(r.addresses, r.events);
        assert_eq!(r.by_zone["MEX"], r.events);
        assert_eq!(r.sample.len(), 20);
        assert_eq!(flood.type_name(), "flood");
        assert!(guard.due(5000.0).is_none(), "written once");
        // The budget refills: a minute later events pass one by one again.
        assert!(guard.admit(&candidate(1, 1200.0, 1199.0)));
    }

    #[test]
    fn a_jump_in_rejections_is_reported_once() {
        let mut watch = RejectWatch::new(vec!["rx".into()]);
        let mut events = Vec::new();
        let a = IcaoAddress::new(0xabcdef);
        // Ten quiet minutes: 2 rejections and 100 trusted positions a minute.
        for minute in 0..10 {
            let t0 = f64::from(minute) * 60.0;
            for k in 0..100 {
                events.extend(watch.trusted(t0 + f64::from(k) * 0.5));
            }
            events.extend(watch.rejected(t0 + 55.0, a, "speed"));
            events.extend(watch.rejected(t0 + 56.0, a, "speed"));
        }
        assert!(events.is_empty(), "{events:?}");
        // Then 3 000 rejected positions from 3 000 addresses in a minute, for three minutes.
        for minute in 10..13 {
            let t0 = f64::from(minute) * 60.0;
            for k in 0..3000u32 {
                let ts = t0 + f64::from(k) * 0.02;
                events.extend(watch.rejected(ts, IcaoAddress::new(0x200000 + k), "jump"));
            }
        }
        events.extend(watch.trusted(13.0 * 60.0 + 1.0));
        assert_eq!(events.len(), 1, "{events:?}");
        let EventBody::SpoofingSuspected(r) = &events[0].body else {
            panic!()
        };
        assert_eq!((r.rejected, r.addresses, r.start), (3000, 3000, 600.0));
        assert!(r.baseline_per_min <= 2.0, "{r:?}");
        assert_eq!(r.reasons[0], ("jump".to_string(), 3000));
        assert_eq!(events[0].type_name(), "spoofing_suspected");
    }
}
