//! What each receiver hears, and the aircraft heard without a position: `/api/receivers` and
//! `/api/heard`.
//!
//! The pipeline shows every frame to [`Sightings`] with its source (a receiver): per receiver
//! it counts frames and messages per second, the aircraft heard in the last minute, and how far
//! it hears in each 10° sector (the polar coverage plot receiver owners know from graphs1090:
//! the farthest trusted position of an aircraft it heard, by bearing). An aircraft heard through
//! Mode S replies — address, altitude, squawk — that broadcasts no position and has no trusted
//! one (from multilateration, say) is *present within the reach of the receivers that hear it*:
//! it is listed, with its identity (country, military block), the receivers and since when. An address recovered
//! from Address/Parity (DF0/4/5/20/21) counts only once it is heard [`MIN_REPLIES`] times, or
//! was seen with a verified one: a corrupted reply also yields "an address".
//!
//! Memory is bounded: at most [`MAX_HEARD`] aircraft are followed (the least recently heard
//! go first), and receivers are configured.

use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use serde::Serialize;
use vigia_detect::contract::{EventBody, EventRecord, HeardFrame, HeardReceiver, HeardRecord};
use vigia_detect::identity::IdentityResolver;
use vigia_modes::adsb::Me;
use vigia_modes::commb::{Bds, CommB};
use vigia_modes::message::{AddressCheck, Body};
use vigia_modes::{IcaoAddress, Message, RawFrame};

/// Aircraft followed at most.
pub const MAX_HEARD: usize = 20_000;
/// Replies an address recovered from parity needs before it is believed.
pub const MIN_REPLIES: u32 = 5;
/// An aircraft unheard for this long is forgotten, seconds.
const FORGET_S: f64 = 60.0;
/// Sectors of the coverage plot.
const SECTORS: usize = 36;
/// An aircraft heard this long (and at least [`MIN_REPLIES`] times) without a position becomes
/// a `heard_without_position` event, seconds (a position may yet come: multilateration needs
/// synchronised clocks first).
pub const HEARD_EVENT_AFTER_S: f64 = 30.0;
/// Replies kept per aircraft as the event's evidence.
const SAMPLES: usize = 4;

/// One receiver's state, as `/api/receivers` shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReceiverStatus {
    /// Its id.
    pub id: String,
    /// Where it is, when known: `[lat, lon]`.
    pub position: Option<[f64; 2]>,
    /// Frames taken from it.
    pub frames: u64,
    /// Frames per second over the last minute (exponentially weighted).
    pub messages_per_s: f64,
    /// Aircraft heard in the last minute.
    pub aircraft: usize,
    /// Farthest trusted position of an aircraft it heard, by bearing: 36 sectors of 10° from
    /// north, nautical miles (0: none).
    pub range_nm: Vec<f64>,
    /// Multilateration, for the receivers of a receivers file: whether its clock is on the
    /// network's time base, in how many solutions it was used, how often it alone made a set
    /// inconsistent.
    pub mlat: Option<MlatStatus>,
}

/// A receiver's part in multilateration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MlatStatus {
    /// Its clock is on the network's time base.
    pub synced: bool,
    /// Solutions it was used in.
    pub used: u64,
    /// Times its removal alone made an inconsistent set consistent.
    pub inconsistent: u64,
    /// Jumps of its clock (its pairs with several others restarted together).
    pub clock_jumps: u64,
    /// Transmissions it gave twice (a replay, or two receivers under its id), not used.
    pub duplicates: u64,
}

/// An aircraft heard without a position.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heard {
    /// ICAO address.
    pub icao24: String,
    /// State of registration (address block).
    pub country: Option<String>,
    /// In a military address block.
    pub military: bool,
    /// Latest altitude replied, feet.
    pub altitude_ft: Option<i32>,
    /// Latest Mode A code.
    pub squawk: Option<String>,
    /// Callsign from a Comm-B identification, if replied.
    pub callsign: Option<String>,
    /// The receivers that heard it in the last minute.
    pub receivers: Vec<String>,
    /// First heard (stream time).
    pub first_heard: f64,
    /// Last heard.
    pub last_heard: f64,
    /// Replies heard.
    pub replies: u64,
}

/// What `/api/receivers` and `/api/heard` serve, published by the pipeline.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct NetworkSnapshot {
    /// When it was taken (stream time).
    pub now: f64,
    /// Every source, in configuration order.
    pub receivers: Vec<ReceiverStatus>,
    /// Aircraft heard without a position, most recently heard first.
    pub heard: Vec<Heard>,
}

/// The latest snapshot, shared with the API.
#[derive(Debug, Default)]
pub struct NetworkView {
    latest: RwLock<Arc<NetworkSnapshot>>,
}

impl NetworkView {
    /// Publish a snapshot.
    pub fn publish(&self, snapshot: NetworkSnapshot) {
        *self.latest.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(snapshot);
    }

    /// The latest snapshot.
    pub fn latest(&self) -> Arc<NetworkSnapshot> {
        self.latest
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[derive(Debug, Clone)]
struct Receiver {
    id: String,
    position: Option<(f64, f64)>,
    frames: u64,
    rate: f64,
    rate_at: f64,
    range_nm: [f64; SECTORS],
}

#[derive(Debug, Clone)]
struct Aircraft {
    verified: bool,
    replies: u64,
    first: f64,
    last: f64,
    /// Per receiver (by index, up to 64): last time heard.
    heard_by: FxHashMap<u16, f64>,
    altitude_ft: Option<i32>,
    squawk: Option<u16>,
    callsign: Option<String>,
    positioned_at: Option<f64>,
    /// Last ADS-B position broadcast (the tracker may not have trusted it yet).
    broadcast_at: Option<f64>,
    /// The first replies (time, receiver, bytes), as evidence.
    samples: Vec<(f64, u16, RawFrame)>,
    /// Its `heard_without_position` event was made (once per time it is heard).
    announced: bool,
}

impl Aircraft {
    /// Heard without a position at `now`: a believable address (verified, or replied often),
    /// no trusted position and no position broadcast in the last minute.
    fn unplaced(&self, now: f64) -> bool {
        (self.verified || self.replies >= u64::from(MIN_REPLIES))
            && self.positioned_at.is_none_or(|t| now - t > FORGET_S)
            && self.broadcast_at.is_none_or(|t| now - t > FORGET_S)
    }
}

/// The pipeline's side.
#[derive(Debug)]
pub struct Sightings {
    receivers: Vec<Receiver>,
    aircraft: FxHashMap<IcaoAddress, Aircraft>,
}

impl Sightings {
    /// For these sources (ids and positions, by index).
    pub fn new(sources: Vec<(String, Option<(f64, f64)>)>) -> Self {
        Self {
            receivers: sources
                .into_iter()
                .map(|(id, position)| Receiver {
                    id,
                    position,
                    frames: 0,
                    rate: 0.0,
                    rate_at: f64::NEG_INFINITY,
                    range_nm: [0.0; SECTORS],
                })
                .collect(),
            aircraft: FxHashMap::default(),
        }
    }

    /// A frame from `source` at stream time `ts`, decoded.
    pub fn frame(&mut self, source: u16, ts: f64, frame: &RawFrame, msg: Option<&Message>) {
        if let Some(r) = self.receivers.get_mut(usize::from(source)) {
            r.frames += 1;
            // Rate: an exponentially weighted count with a one-minute time constant.
            let dt = (ts - r.rate_at).clamp(0.0, 3600.0);
            r.rate = r.rate * (-dt / 60.0).exp() + 1.0 / 60.0;
            r.rate_at = ts;
        }
        let Some(msg) = msg else { return };
        if !matches!(msg.df, 0 | 4 | 5 | 11 | 16 | 17 | 18 | 20 | 21) {
            return;
        }
        if !self.aircraft.contains_key(&msg.address) && self.aircraft.len() >= MAX_HEARD {
            self.forget(ts);
            if self.aircraft.len() >= MAX_HEARD {
                // Still full of recent ones (a spoofer inventing addresses): the least recently
                // heard tenth goes at once, so that each new address costs O(1) on average.
                let mut last: Vec<f64> = self.aircraft.values().map(|a| a.last).collect();
                let cut = last.len() / 10;
                if last.is_empty() {
                    last.push(f64::INFINITY);
                }
                let threshold = last
                    .select_nth_unstable_by(cut, f64::total_cmp)
                    .1
                    .to_owned();
                self.aircraft.retain(|_, a| a.last > threshold);
            }
        }
        if self
            .aircraft
            .get(&msg.address)
            .is_some_and(|a| ts - a.last > FORGET_S)
        {
            // Heard again after a silence: a new sighting.
            self.aircraft.remove(&msg.address);
        }
        let a = self
            .aircraft
            .entry(msg.address)
            .or_insert_with(|| Aircraft {
                verified: false,
                replies: 0,
                first: ts,
                last: ts,
                heard_by: FxHashMap::default(),
                altitude_ft: None,
                squawk: None,
                callsign: None,
                positioned_at: None,
                broadcast_at: None,
                samples: Vec::new(),
                announced: false,
            });
        // Any of its frames is evidence: replies, or ADS-B messages other than positions (an
        // aircraft broadcasting its velocity and identity but no position is heard too).
        if a.samples.len() < SAMPLES {
            a.samples.push((ts, source, *frame));
        }
        a.verified |= matches!(
            msg.address_check,
            AddressCheck::Verified | AddressCheck::Corrected
        ) && matches!(msg.df, 11 | 17 | 18);
        a.replies += 1;
        a.last = a.last.max(ts);
        if a.heard_by.len() < 64 || a.heard_by.contains_key(&source) {
            a.heard_by.insert(source, ts);
        }
        if let Body::ExtendedSquitter {
            me: Me::AirbornePosition(_) | Me::SurfacePosition(_),
            ..
        } = msg.body
        {
            a.broadcast_at = Some(ts);
        }
        match msg.body {
            Body::ShortAirAir { altitude_ft, .. }
            | Body::SurveillanceAltitude { altitude_ft, .. }
            | Body::LongAirAir { altitude_ft, .. }
            | Body::CommBAltitude { altitude_ft, .. } => {
                a.altitude_ft = altitude_ft.or(a.altitude_ft);
            }
            Body::SurveillanceIdentity { squawk, .. } | Body::CommBIdentity { squawk, .. } => {
                a.squawk = Some(squawk.0);
            }
            _ => {}
        }
        if let Body::CommBAltitude { commb, .. } | Body::CommBIdentity { commb, .. } = &msg.body {
            if let CommB::Known(Bds::Identification(callsign)) = commb {
                a.callsign = Some(callsign.to_string().trim().to_string());
            }
        }
    }

    /// A trusted position of `icao24` at `ts`: it is positioned, and the receivers that heard
    /// it lately reach that far in that direction.
    pub fn position(&mut self, icao24: IcaoAddress, ts: f64, lat: f64, lon: f64) {
        let Some(a) = self.aircraft.get_mut(&icao24) else {
            return;
        };
        a.positioned_at = Some(ts);
        for (&r, &heard) in &a.heard_by {
            if ts - heard > 10.0 {
                continue;
            }
            let Some(rx) = self.receivers.get_mut(usize::from(r)) else {
                continue;
            };
            let Some((rlat, rlon)) = rx.position else {
                continue;
            };
            let nm = vigia_modes::sphere::distance_m(rlat, rlon, lat, lon) / 1852.0;
            let bearing = vigia_modes::sphere::course_deg(rlat, rlon, lat, lon);
            let sector = ((bearing.rem_euclid(360.0) / 10.0) as usize).min(SECTORS - 1);
            if nm.is_finite() && nm < 1_000.0 {
                rx.range_nm[sector] = rx.range_nm[sector].max(nm);
            }
        }
    }

    fn forget(&mut self, now: f64) {
        self.aircraft.retain(|_, a| now - a.last <= FORGET_S);
    }

    /// The snapshot now; `mlat` gives, per receiver of a network, (synced, used, blamed).
    pub fn snapshot(
        &mut self,
        now: f64,
        identity: &IdentityResolver,
        mlat: &dyn Fn(u16) -> Option<MlatStatus>,
    ) -> NetworkSnapshot {
        self.forget(now);
        let mut counts = vec![0usize; self.receivers.len()];
        for a in self.aircraft.values() {
            for (&r, &t) in &a.heard_by {
                if now - t <= FORGET_S {
                    if let Some(c) = counts.get_mut(usize::from(r)) {
                        *c += 1;
                    }
                }
            }
        }
        let receivers = self
            .receivers
            .iter()
            .enumerate()
            .map(|(i, r)| ReceiverStatus {
                id: r.id.clone(),
                position: r.position.map(|(lat, lon)| [lat, lon]),
                frames: r.frames,
                messages_per_s: (r.rate
                    * (-(now - r.rate_at).clamp(0.0, 3600.0) / 60.0).exp()
                    * 100.0)
                    .round()
                    / 100.0,
                aircraft: counts[i],
                range_nm: r
                    .range_nm
                    .iter()
                    .map(|v| (v * 10.0).round() / 10.0)
                    .collect(),
                mlat: mlat(i as u16),
            })
            .collect();
        let mut heard: Vec<Heard> = self
            .aircraft
            .iter()
            .filter(|(_, a)| a.unplaced(now))
            .map(|(icao, a)| {
                let id = identity.identify(*icao);
                let mut by: Vec<(u16, f64)> = a
                    .heard_by
                    .iter()
                    .filter(|(_, t)| now - **t <= FORGET_S)
                    .map(|(r, t)| (*r, *t))
                    .collect();
                by.sort_by_key(|x| x.0);
                Heard {
                    icao24: icao.to_string(),
                    military: id.military(),
                    country: id.country,
                    altitude_ft: a.altitude_ft,
                    squawk: a.squawk.map(|s| format!("{s:04o}")),
                    callsign: a.callsign.clone(),
                    receivers: by
                        .iter()
                        .filter_map(|(r, _)| self.receivers.get(usize::from(*r)))
                        .map(|r| r.id.clone())
                        .collect(),
                    first_heard: a.first,
                    last_heard: a.last,
                    replies: a.replies,
                }
            })
            .collect();
        heard.sort_by(|a, b| b.last_heard.total_cmp(&a.last_heard));
        NetworkSnapshot {
            now,
            receivers,
            heard,
        }
    }

    /// The aircraft heard for [`HEARD_EVENT_AFTER_S`] without a position and not yet made an
    /// event of, as `heard_without_position` events (each aircraft once while it is heard).
    pub fn due_events(&mut self, now: f64, identity: &IdentityResolver) -> Vec<EventRecord> {
        self.forget(now);
        let receivers = &self.receivers;
        let mut due = Vec::new();
        for (icao, a) in &mut self.aircraft {
            // An event rests on several frames, not one verified reply.
            if a.announced
                || now - a.first < HEARD_EVENT_AFTER_S
                || a.replies < u64::from(MIN_REPLIES)
                || !a.unplaced(now)
            {
                continue;
            }
            a.announced = true;
            let id = identity.identify(*icao);
            let mut by: Vec<u16> = a.heard_by.keys().copied().collect();
            by.sort_unstable();
            let receiver = |r: u16| receivers.get(usize::from(r));
            let record = HeardRecord {
                first_heard: a.first,
                last_heard: a.last,
                replies: a.replies,
                military: id.military(),
                country: id.country.clone(),
                altitude_ft: a.altitude_ft,
                squawk: a.squawk.map(|s| format!("{s:04o}")),
                receivers: by
                    .iter()
                    .filter_map(|r| receiver(*r))
                    .map(|r| HeardReceiver {
                        id: r.id.clone(),
                        position: r.position.map(|(lat, lon)| [lat, lon]),
                    })
                    .collect(),
                frames: a
                    .samples
                    .iter()
                    .map(|(ts, r, f)| HeardFrame {
                        ts: *ts,
                        hex: f.message().iter().map(|b| format!("{b:02x}")).collect(),
                        receiver: receiver(*r).map_or_else(String::new, |r| r.id.clone()),
                    })
                    .collect(),
            };
            due.push(EventRecord {
                icao24: icao.to_string(),
                flight_id: format!("{icao}-heard-{}", a.first.floor() as i64),
                callsign: a.callsign.clone(),
                ts: now,
                score: None,
                body: EventBody::HeardWithoutPosition(record),
            });
        }
        due.sort_by(|a, b| a.icao24.cmp(&b.icao24));
        due
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use vigia_modes::encode::frame::df11;

    fn all_call(address: u32) -> (RawFrame, Message) {
        let bytes = df11(IcaoAddress::new(address), 5, 0).unwrap();
        (
            RawFrame::from_message(&bytes).unwrap(),
            vigia_modes::decode(&bytes).unwrap(),
        )
    }

    fn hear(s: &mut Sightings, source: u16, ts: f64, address: u32) {
        let (frame, msg) = all_call(address);
        s.frame(source, ts, &frame, Some(&msg));
    }

    #[test]
    fn invented_addresses_keep_the_list_bounded_and_cheap() {
        let mut s = Sightings::new(vec![("rx".into(), Some((31.0, -110.0)))]);
        // More addresses than the list holds, all within the same minute.
        for (i, a) in (0x100000u32..0x100000 + (MAX_HEARD as u32) * 3).enumerate() {
            hear(&mut s, 0, i as f64 * 0.001, a);
            assert!(s.aircraft.len() <= MAX_HEARD);
        }
        let ids = IdentityResolver::new(None);
        let snapshot = s.snapshot(60.0, &ids, &|_| None);
        assert!(!snapshot.heard.is_empty() && snapshot.heard.len() <= MAX_HEARD);
        // The newest are the ones kept.
        let newest = format!("{:06x}", 0x100000 + MAX_HEARD * 3 - 1);
        assert!(snapshot.heard.iter().any(|h| h.icao24 == newest));
        assert_eq!(snapshot.receivers[0].frames, MAX_HEARD as u64 * 3);
    }

    #[test]
    fn an_aircraft_broadcasting_positions_is_not_listed() {
        let mut s = Sightings::new(vec![("rx".into(), None)]);
        hear(&mut s, 0, 1.0, 0xae5421);
        let ids = IdentityResolver::new(None);
        let listed = s.snapshot(2.0, &ids, &|_| None);
        assert_eq!(listed.heard.len(), 1);
        assert!(listed.heard[0].military);
        s.position(IcaoAddress::new(0xae5421), 3.0, 30.0, -110.0);
        assert!(s.snapshot(4.0, &ids, &|_| None).heard.is_empty());
    }

    #[test]
    fn an_aircraft_heard_for_half_a_minute_without_a_position_is_an_event_once() {
        let mut s = Sightings::new(vec![
            ("nogales".into(), Some((31.34, -110.94))),
            ("douglas".into(), None),
        ]);
        let ids = IdentityResolver::new(None);
        for i in 0..40 {
            hear(&mut s, (i % 2) as u16, f64::from(i), 0xae5421);
            // An airliner with its position: never an event.
            hear(&mut s, 0, f64::from(i), 0xa4f2c1);
            s.position(IcaoAddress::new(0xa4f2c1), f64::from(i), 31.0, -110.0);
            let due = s.due_events(f64::from(i), &ids);
            if i < 30 {
                assert!(due.is_empty(), "at {i}: {due:?}");
            } else if i == 30 {
                assert_eq!(due.len(), 1);
                let EventBody::HeardWithoutPosition(h) = &due[0].body else {
                    panic!("{due:?}")
                };
                assert_eq!(due[0].icao24, "ae5421");
                assert!(h.military);
                assert_eq!(h.receivers.len(), 2);
                assert_eq!(h.receivers[0].position, Some([31.34, -110.94]));
                assert_eq!(h.frames.len(), SAMPLES);
                assert_eq!(h.frames[1].receiver, "douglas");
                assert_eq!(h.frames[0].hex.len(), 14);
            } else {
                assert!(due.is_empty(), "once");
            }
        }
        // Forgotten after a minute of silence, then heard again: a new event.
        for i in 0..31 {
            hear(&mut s, 0, 200.0 + f64::from(i), 0xae5421);
        }
        assert_eq!(s.due_events(230.0, &ids).len(), 1);
    }
}
