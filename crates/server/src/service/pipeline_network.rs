//! The pipeline's network side: multilateration of a receivers file's receivers
//! (`vigia_track::Network`), what every source hears (`Sightings`), and their counters.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use vigia_track::{Network, Tracker, TrackerConfig};

use super::Pipeline;
use crate::service::flood::Candidate;
use crate::service::receivers::{MlatStatus, NetworkView, Sightings};

/// Live multilateration: a transmission's copies are awaited this long, seconds.
const NETWORK_CLOSE_S: f64 = 1.0;
/// The tracker's reordering window when multilaterating, seconds (longer than the wait).
const NETWORK_WINDOW_S: f64 = 2.0;

impl Pipeline {
    /// Multilaterate the frames of sources `0..stations.len()`: every copy goes to the MLAT
    /// engine, located replies come back as positions. The tracker then holds records for
    /// [`NETWORK_WINDOW_S`]: solutions come out after their group closes.
    pub fn multilaterate(&mut self, stations: Vec<vigia_mlat::Station>) {
        let receivers = stations.len().min(usize::from(u16::MAX)) as u16;
        let engine = vigia_mlat::Engine::new(
            stations,
            vigia_mlat::EngineConfig {
                close_delay_s: NETWORK_CLOSE_S,
                ..vigia_mlat::EngineConfig::default()
            },
        );
        self.tracker = Tracker::new(TrackerConfig {
            reorder_window_s: NETWORK_WINDOW_S,
            ..self.tracker.config().clone()
        });
        self.network = Some((Network::live(engine), receivers));
    }

    /// Follow what each source hears (positions by index, as the inputs) and publish it to
    /// `view` with each snapshot.
    pub fn watch_receivers(&mut self, positions: Vec<Option<(f64, f64)>>, view: Arc<NetworkView>) {
        let sources = self
            .inputs
            .iter()
            .cloned()
            .zip(positions.into_iter().chain(std::iter::repeat(None)))
            .collect();
        self.sightings = Sightings::new(sources);
        self.sightings_view = view;
    }

    /// The network's counters into the metrics.
    pub(super) fn count_network(&self) {
        let network_duplicates = self.network.as_ref().map_or(0, |(n, _)| n.duplicates);
        self.metrics.duplicates.store(
            self.dedup.duplicates() + network_duplicates,
            Ordering::Relaxed,
        );
        if let Some((network, _)) = &self.network {
            let m = network.mlat();
            self.metrics
                .mlat_positions
                .store(m.solved, Ordering::Relaxed);
            self.metrics
                .mlat_receivers_synced
                .store(network.engine().synced() as u64, Ordering::Relaxed);
            self.metrics
                .mlat_clock_references
                .store(m.clock_references, Ordering::Relaxed);
        }
    }

    /// Publish what every source hears and the aircraft heard without a position.
    pub(super) fn publish_sightings(&mut self) {
        let network = self.network.as_ref();
        let mlat = |r: u16| -> Option<MlatStatus> {
            let (net, receivers) = network?;
            if r >= *receivers {
                return None;
            }
            let stats = net.mlat();
            Some(MlatStatus {
                synced: net.engine().on_time_base(r),
                used: stats.used.get(usize::from(r)).copied().unwrap_or(0),
                inconsistent: stats.blamed.get(usize::from(r)).copied().unwrap_or(0),
                clock_jumps: net.engine().clock_jumps(r),
                duplicates: stats.duplicates.get(usize::from(r)).copied().unwrap_or(0),
            })
        };
        let sightings = self.sightings.snapshot(self.last_ts, &self.identity, &mlat);
        self.sightings_view.publish(sightings);
        for record in self.sightings.due_events(self.last_ts, &self.identity) {
            self.heard(record);
        }
    }

    /// An aircraft heard without a position for a while: an event, alerted like the others
    /// (a military address heard by a border receiver), through the flood guard (a spoofer
    /// inventing addresses makes one flood, not thousands of events).
    fn heard(&mut self, record: vigia_detect::contract::EventRecord) {
        let vigia_detect::contract::EventBody::HeardWithoutPosition(h) = &record.body else {
            return;
        };
        let Ok(icao24) = record.icao24.parse::<vigia_modes::IcaoAddress>() else {
            return;
        };
        // Not through the pipeline's identity cache: it holds flying aircraft only.
        let id = self.identity.identify(icao24);
        let facts = crate::service::alert::rules::EventFacts {
            military: h.military || id.military(),
            isr_type: id.isr_type.is_some(),
        };
        let candidate = Candidate {
            kind: "heard_without_position",
            zone: None,
            icao24,
            ts: record.ts,
            flight_start: h.first_heard,
            identified: facts.military || facts.isr_type,
            score: 0.0,
        };
        if !self.flood.admit(&candidate) {
            self.metrics.events_folded.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.record_with(record, f64::NAN, facts);
    }
}
