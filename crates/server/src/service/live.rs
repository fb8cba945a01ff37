//! The live aircraft table: what `/api/aircraft` and the stream's `aircraft` messages show.
//!
//! Owns one row per aircraft with a trusted position — position, motion, identity, score,
//! zones — updated by the pipeline thread, and the [`Snapshot`] it publishes every second.
//! Readers take an `Arc` of the latest snapshot (a pointer copy under a read lock), never the
//! pipeline's table: the API cannot slow the pipeline down.

use std::sync::{Arc, PoisonError, RwLock};

use rustc_hash::FxHashMap;
use serde::Serialize;
use vigia_modes::IcaoAddress;

/// One aircraft as the map draws it. Units in the names; times in seconds since the epoch.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveAircraft {
    /// ICAO address, lowercase hex.
    pub icao24: String,
    /// Latest callsign.
    pub callsign: Option<String>,
    /// Latest Mode A code.
    pub squawk: Option<String>,
    /// The same, as a number (for comparisons; not shown).
    #[serde(skip)]
    pub squawk_code: Option<u16>,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Altitude, feet.
    pub altitude_ft: Option<f64>,
    /// Ground speed, knots.
    pub groundspeed_kt: Option<f64>,
    /// Track, degrees clockwise from true north.
    pub track_deg: Option<f64>,
    /// Vertical rate, feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground.
    pub on_ground: Option<bool>,
    /// Time of the latest trusted position.
    pub last_update: f64,
    /// Current flight id.
    pub flight_id: String,
    /// Trusted positions in this flight.
    pub positions: u64,
    /// Zones the aircraft is in now.
    pub zones: Vec<String>,
    /// Live surveillance score (identity, callsign, squawk; orbits count at flight end).
    pub score: f64,
    /// Whether the score is at or above the one surveillance-like line
    /// (`vigia_detect::score::SURVEILLANCE_LIKE`): what the map colours and filters by.
    pub surveillance_like: bool,
    /// Why the score is what it is (the reasons' texts).
    pub reasons: Vec<String>,
    /// Military by address block or database.
    pub military: bool,
    /// State of registration.
    pub country: Option<String>,
    /// Registration (aircraft database).
    pub registration: Option<String>,
    /// ICAO type designator (aircraft database).
    pub type_designator: Option<String>,
    /// How the latest position was obtained: `adsb`, `mlat` or `archive`.
    pub position_source: &'static str,
    /// Frames heard from the aircraft since it was listed (every kind, every receiver's copy).
    pub messages: u64,
    /// When the aircraft was last heard, any frame (seconds, stream clock).
    pub last_seen: f64,
    /// Recent signal power of its frames, dBFS (from the Beast signal byte; `None` without one).
    pub rssi: Option<f64>,
    /// The same as a linear power, averaged (for the next frame).
    #[serde(skip)]
    pub signal_power: Option<f64>,
}

impl LiveAircraft {
    /// Count one more frame heard from the aircraft at `ts`, with the receiver's signal byte.
    pub fn heard(&mut self, ts: f64, signal: Option<u8>) {
        self.messages += 1;
        self.last_seen = self.last_seen.max(ts);
        if let Some(byte) = signal.filter(|b| *b > 0) {
            // readsb's convention: power (level / 255)², averaged over recent frames.
            let power = (f64::from(byte) / 255.0).powi(2);
            let mean = self.signal_power.map_or(power, |m| m + (power - m) / 8.0);
            self.signal_power = Some(mean);
            self.rssi = Some((10.0 * mean.log10() * 10.0).round() / 10.0);
        }
    }
}

/// The live table at one moment.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Snapshot {
    /// When it was taken (system clock).
    pub now: f64,
    /// Aircraft, by address.
    pub aircraft: Vec<LiveAircraft>,
}

/// The latest published snapshot, shared with the API, and its JSON — made once per snapshot
/// on first demand and shared by every request and stream subscriber that asks for it (each
/// new subscriber used to serialise the whole table itself).
#[derive(Debug, Default)]
pub struct LiveView {
    latest: RwLock<Published>,
}

#[derive(Debug, Default, Clone)]
struct Published {
    snapshot: Arc<Snapshot>,
    json: Arc<std::sync::OnceLock<Arc<str>>>,
}

impl LiveView {
    /// An empty view.
    pub fn new() -> Self {
        Self::default()
    }

    /// The latest snapshot.
    pub fn get(&self) -> Arc<Snapshot> {
        self.latest
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .snapshot
            .clone()
    }

    /// The latest snapshot as JSON, `{"now", "count", "aircraft", "removed": []}`: serialised
    /// once per snapshot, shared.
    pub fn json(&self) -> Arc<str> {
        let published = self
            .latest
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        published
            .json
            .get_or_init(|| {
                let s = &published.snapshot;
                serde_json::json!({
                    "now": s.now,
                    "count": s.aircraft.len(),
                    "aircraft": s.aircraft,
                    "removed": [],
                })
                .to_string()
                .into()
            })
            .clone()
    }

    /// Replace the snapshot.
    pub fn publish(&self, snapshot: Arc<Snapshot>) {
        *self.latest.write().unwrap_or_else(PoisonError::into_inner) = Published {
            snapshot,
            json: Arc::default(),
        };
    }
}

/// The pipeline's own table.
#[derive(Debug, Default)]
pub struct LiveTable {
    rows: FxHashMap<IcaoAddress, LiveAircraft>,
    changed: Vec<IcaoAddress>,
}

impl LiveTable {
    /// The row of `icao24`, if any.
    pub fn get_mut(&mut self, icao24: IcaoAddress) -> Option<&mut LiveAircraft> {
        self.rows.get_mut(&icao24)
    }

    /// Insert or replace a row; marks it changed.
    pub fn upsert(&mut self, icao24: IcaoAddress, row: LiveAircraft) {
        self.rows.insert(icao24, row);
        self.touch(icao24);
    }

    /// Mark a row changed (for the stream).
    pub fn touch(&mut self, icao24: IcaoAddress) {
        self.changed.push(icao24);
        // Bounded: an aircraft touched many times a second is listed once after a dedup.
        if self.changed.len() > 4 * self.rows.len() + 1024 {
            self.changed.sort_unstable();
            self.changed.dedup();
        }
    }

    /// Drop rows not updated since `horizon`; returns the addresses dropped.
    pub fn expire(&mut self, horizon: f64) -> Vec<String> {
        let mut gone = Vec::new();
        self.rows.retain(|_, row| {
            let keep = row.last_update >= horizon;
            if !keep {
                gone.push(row.icao24.clone());
            }
            keep
        });
        gone
    }

    /// Remove one row (its flight ended).
    pub fn remove(&mut self, icao24: IcaoAddress) -> Option<LiveAircraft> {
        self.rows.remove(&icao24)
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// A snapshot of every row (sorted by address) and the rows changed since the last call.
    pub fn snapshot(&mut self, now: f64) -> (Snapshot, Vec<LiveAircraft>) {
        let mut aircraft: Vec<LiveAircraft> = self.rows.values().cloned().collect();
        aircraft.sort_by(|a, b| a.icao24.cmp(&b.icao24));
        self.changed.sort_unstable();
        self.changed.dedup();
        let changed = self
            .changed
            .drain(..)
            .filter_map(|a| self.rows.get(&a).cloned())
            .collect();
        (Snapshot { now, aircraft }, changed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_is_serialised_once_for_every_reader() {
        let view = LiveView::new();
        view.publish(Arc::new(Snapshot {
            now: 1.0,
            aircraft: Vec::new(),
        }));
        let (a, b) = (view.json(), view.json());
        assert!(Arc::ptr_eq(&a, &b), "shared, not made again");
        assert_eq!(&*a, r#"{"aircraft":[],"count":0,"now":1.0,"removed":[]}"#);
        view.publish(Arc::new(Snapshot {
            now: 2.0,
            aircraft: Vec::new(),
        }));
        assert!(!Arc::ptr_eq(&a, &view.json()), "a new snapshot, a new text");
    }
}
