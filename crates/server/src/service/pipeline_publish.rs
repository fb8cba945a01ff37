//! What the pipeline shows of itself: the live table published for the API (and streamed to
//! the map's subscribers when something changed), the counters it keeps in the metrics, and
//! how the live table names where a position came from.

use std::sync::atomic::Ordering;
use std::sync::{Arc, PoisonError};

use vigia_modes::IcaoAddress;

use super::Pipeline;
use crate::service::live::Snapshot;
use crate::service::stream::StreamMessage;

impl Pipeline {
    /// Publish the live snapshot and stream the aircraft that changed.
    pub fn publish(&mut self, now: f64) {
        let horizon = now - self.settings.live_timeout_s;
        let removed = self.live.expire(horizon);
        let (snapshot, changed) = self.live.snapshot(now);
        let count = snapshot.aircraft.len();
        self.view.publish(Arc::new(snapshot));
        // Nobody listening: no JSON to make.
        if self.stream.receiver_count() > 0 && (!changed.is_empty() || !removed.is_empty()) {
            let update = Snapshot {
                now,
                aircraft: changed,
            };
            let data = serde_json::json!({
                "now": update.now,
                "aircraft": update.aircraft,
                "removed": removed,
            });
            let _ = self
                .stream
                .send(StreamMessage::new("aircraft", data.to_string()));
        }
        self.publish_sightings();
        let flying: rustc_hash::FxHashSet<IcaoAddress> =
            self.flights.keys().map(|f| f.icao24).collect();
        let live = &mut self.live;
        self.known
            .retain(|icao, _| flying.contains(icao) || live.get_mut(*icao).is_some());
        self.metrics
            .live_aircraft
            .store(count as u64, Ordering::Relaxed);
        self.metrics
            .tracked_aircraft
            .store(self.tracker.aircraft() as u64, Ordering::Relaxed);
        *self
            .metrics
            .tracker
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = self.tracker.stats();
    }
}

/// How a trusted position was obtained, as the live table names it.
pub(super) fn position_source(evidence: &vigia_track::Evidence) -> &'static str {
    match evidence {
        vigia_track::Evidence::Mlat(_) => "mlat",
        vigia_track::Evidence::Report(_) => "archive",
        _ => "adsb",
    }
}
