//! Counters of the whole service and their Prometheus text (`GET /metrics`).
//!
//! Owns the counters the pipeline, the writer and the sinks bump (atomics, no lock on the hot
//! path), the alert-latency histogram, and the rendering in the Prometheus text exposition
//! format (version 0.0.4). Per-source counters live with the sources (`vigia_feed::net`) and
//! are read here; frames per second per source are computed between two scrapes.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use vigia_feed::net::{FrameQueue, SourceCounters};
use vigia_track::TrackStats;

/// Upper bounds of the alert-latency histogram, seconds.
pub const LATENCY_BUCKETS_S: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// A cumulative latency histogram.
#[derive(Debug, Default)]
pub struct LatencyHistogram {
    buckets: [AtomicU64; 12],
    count: AtomicU64,
    sum_us: AtomicU64,
}

impl LatencyHistogram {
    /// Record one latency, seconds.
    pub fn observe(&self, seconds: f64) {
        let s = seconds.max(0.0);
        for (bound, bucket) in LATENCY_BUCKETS_S.iter().zip(&self.buckets) {
            if s <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add((s * 1e6) as u64, Ordering::Relaxed);
    }

    /// Observations so far.
    pub fn count(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

/// Counters of one alert sink.
#[derive(Debug, Default)]
pub struct SinkCounters {
    /// The sink's name (`stdout`, `file:alerts.jsonl`, `webhook:http://…`).
    pub name: String,
    /// Alerts delivered.
    pub sent: AtomicU64,
    /// Alerts that could not be delivered (after retries), or were dropped because the sink's
    /// queue was full.
    pub failures: AtomicU64,
}

/// Everything `/metrics` shows.
#[derive(Debug)]
pub struct Metrics {
    /// Sources by index: id and counters.
    pub sources: Vec<(String, Arc<SourceCounters>)>,
    /// The queue to the pipeline.
    pub queue: Arc<FrameQueue>,
    /// Records the pipeline took from the queue.
    pub records: AtomicU64,
    /// Frames dropped as duplicates of another receiver's.
    pub duplicates: AtomicU64,
    /// Positions located by multilateration.
    pub mlat_positions: AtomicU64,
    /// Receivers on the multilateration time base.
    pub mlat_receivers_synced: AtomicU64,
    /// ADS-B transmissions heard by 2+ receivers used to synchronise clocks.
    pub mlat_clock_references: AtomicU64,
    /// Tracker counters, published by the pipeline.
    pub tracker: Mutex<TrackStats>,
    /// Aircraft the tracker holds.
    pub tracked_aircraft: AtomicU64,
    /// Aircraft in the live table.
    pub live_aircraft: AtomicU64,
    /// Events committed, by type.
    pub events: Mutex<BTreeMap<String, u64>>,
    /// Alerts raised (before sinks).
    pub alerts: AtomicU64,
    /// Per-sink counters.
    pub sinks: Vec<SinkCounters>,
    /// Frame arrival to alert emission.
    pub alert_latency: LatencyHistogram,
    /// Store commits.
    pub store_commits: AtomicU64,
    /// Store errors.
    pub store_errors: AtomicU64,
    /// Positions written.
    pub positions_written: AtomicU64,
    /// Batches waiting for the writer.
    pub writer_queue: AtomicU64,
    /// Alerts held back by a rule's budget (summarised, never sent one by one).
    pub alerts_held: AtomicU64,
    /// Events folded into `flood` events instead of being stored one by one.
    pub events_folded: AtomicU64,
    /// Events made again (a worker replaying the frames of a partition it took over) and not
    /// stored twice: their key was stored already.
    pub events_already_stored: AtomicU64,
    /// Frames taken from the frame bus (`vigia worker`).
    pub bus_frames: AtomicU64,
    /// Of those, frames replayed after a takeover (state rebuilt, nothing written).
    pub bus_replayed: AtomicU64,
    /// Bus messages refused: damaged, or from a receiver the configuration does not list.
    pub bus_rejected: AtomicU64,
    /// Bus frames older than the partition's clock by more than the de-duplication window
    /// (stored twice by a retried publish, or from a gateway whose clock is behind): dropped.
    pub bus_late: AtomicU64,
    /// HTTP connections open now.
    pub http_open: AtomicU64,
    /// HTTP connections closed at once because `server.max_connections` were open.
    pub http_refused: AtomicU64,
    /// HTTP connections closed for sending nothing (headers too slow, or idle too long).
    pub http_timed_out: AtomicU64,
    rates: Mutex<Rates>,
}

#[derive(Debug, Default)]
struct Rates {
    at: f64,
    records: Vec<u64>,
    per_second: Vec<f64>,
}

/// A per-source family: name, type, help, and the counter it reads.
type SourceFamily = (
    &'static str,
    &'static str,
    &'static str,
    fn(&vigia_feed::net::CountersSnapshot) -> u64,
);

/// The per-source families, in the order they are rendered.
const SOURCE_FAMILIES: [SourceFamily; 9] = [
    (
        "vigia_source_bytes_total",
        "counter",
        "Bytes read from the source.",
        |s| s.bytes,
    ),
    (
        "vigia_source_records_total",
        "counter",
        "Frames or reports framed from the source.",
        |s| s.records,
    ),
    (
        "vigia_source_malformed_total",
        "counter",
        "Malformed pieces skipped (resynchronised).",
        |s| s.malformed,
    ),
    (
        "vigia_source_connects_total",
        "counter",
        "Connections established or accepted.",
        |s| s.connects,
    ),
    (
        "vigia_source_connect_failures_total",
        "counter",
        "Connection attempts that failed.",
        |s| s.connect_failures,
    ),
    (
        "vigia_source_disconnects_total",
        "counter",
        "Connections lost.",
        |s| s.disconnects,
    ),
    (
        "vigia_source_stalls_total",
        "counter",
        "Connections replaced after no data for the stall timeout.",
        |s| s.stalls,
    ),
    (
        "vigia_source_dropped_total",
        "counter",
        "Records of the source evicted from the full pipeline queue.",
        |s| s.dropped,
    ),
    (
        "vigia_source_connected",
        "gauge",
        "Connections open now.",
        |s| s.connected,
    ),
];

/// A service-wide family: name, type, help, and the value it reads.
type ServiceFamily = (
    &'static str,
    &'static str,
    &'static str,
    fn(&Metrics, &TrackStats) -> u64,
);

fn load(a: &AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

/// The service-wide families, in the order they are rendered.
const SERVICE_FAMILIES: [ServiceFamily; 30] = [
    (
        "vigia_alerts_held_total",
        "counter",
        "Alerts past a rule's max_per_minute, held back and summarised.",
        |m, _| load(&m.alerts_held),
    ),
    (
        "vigia_events_folded_total",
        "counter",
        "Events from new aircraft past the per-type budget, counted into flood events.",
        |m, _| load(&m.events_folded),
    ),
    (
        "vigia_events_already_stored_total",
        "counter",
        "Events made again after a worker took a partition over, found stored and not written twice.",
        |m, _| load(&m.events_already_stored),
    ),
    (
        "vigia_bus_frames_total",
        "counter",
        "Frames taken from the frame bus (vigia worker).",
        |m, _| load(&m.bus_frames),
    ),
    (
        "vigia_bus_replayed_total",
        "counter",
        "Frames replayed after taking a partition over: state rebuilt, their results already stored.",
        |m, _| load(&m.bus_replayed),
    ),
    (
        "vigia_bus_rejected_total",
        "counter",
        "Bus messages refused: damaged, or from a receiver the configuration does not list.",
        |m, _| load(&m.bus_rejected),
    ),
    (
        "vigia_bus_late_total",
        "counter",
        "Bus frames older than the partition's clock by more than the de-duplication window (published twice after a bus outage): dropped.",
        |m, _| load(&m.bus_late),
    ),
    (
        "vigia_http_connections",
        "gauge",
        "HTTP connections open.",
        |m, _| load(&m.http_open),
    ),
    (
        "vigia_http_connections_refused_total",
        "counter",
        "HTTP connections closed at once because server.max_connections were open.",
        |m, _| load(&m.http_refused),
    ),
    (
        "vigia_http_connections_timed_out_total",
        "counter",
        "HTTP connections closed for slow headers or idleness.",
        |m, _| load(&m.http_timed_out),
    ),
    (
        "vigia_queue_depth",
        "gauge",
        "Records waiting for the pipeline.",
        |m, _| m.queue.len() as u64,
    ),
    (
        "vigia_queue_capacity",
        "gauge",
        "Capacity of the pipeline queue.",
        |m, _| m.queue.capacity() as u64,
    ),
    (
        "vigia_queue_dropped_total",
        "counter",
        "Records evicted from the full pipeline queue.",
        |m, _| m.queue.dropped(),
    ),
    (
        "vigia_writer_queue_depth",
        "gauge",
        "Write batches waiting for the store writer.",
        |m, _| load(&m.writer_queue),
    ),
    (
        "vigia_pipeline_records_total",
        "counter",
        "Records taken by the pipeline.",
        |m, _| load(&m.records),
    ),
    (
        "vigia_frames_duplicate_total",
        "counter",
        "Frames dropped as copies from another receiver.",
        |m, _| load(&m.duplicates),
    ),
    (
        "vigia_mlat_positions_total",
        "counter",
        "Mode S replies located by multilateration (receivers file given).",
        |m, _| load(&m.mlat_positions),
    ),
    (
        "vigia_mlat_receivers_synced",
        "gauge",
        "Receivers on the multilateration time base.",
        |m, _| load(&m.mlat_receivers_synced),
    ),
    (
        "vigia_mlat_clock_references_total",
        "counter",
        "ADS-B transmissions heard by two or more receivers, used to synchronise their clocks.",
        |m, _| load(&m.mlat_clock_references),
    ),
    (
        "vigia_decode_errors_total",
        "counter",
        "Frames that failed Mode S decoding (parity, length).",
        |_, t| t.undecodable,
    ),
    (
        "vigia_frames_tracked_total",
        "counter",
        "Frames given to the tracker.",
        |_, t| t.frames,
    ),
    (
        "vigia_positions_trusted_total",
        "counter",
        "Trusted positions.",
        |_, t| t.positions,
    ),
    (
        "vigia_positions_rejected_total",
        "counter",
        "Rejected positions.",
        |_, t| t.rejected_total(),
    ),
    (
        "vigia_flights_total",
        "counter",
        "Flights ended.",
        |_, t| t.flights,
    ),
    (
        "vigia_tracked_aircraft",
        "gauge",
        "Aircraft held by the tracker.",
        |m, _| load(&m.tracked_aircraft),
    ),
    (
        "vigia_live_aircraft",
        "gauge",
        "Aircraft in the live table.",
        |m, _| load(&m.live_aircraft),
    ),
    (
        "vigia_alerts_total",
        "counter",
        "Alerts raised by the rules.",
        |m, _| load(&m.alerts),
    ),
    (
        "vigia_store_commits_total",
        "counter",
        "Store transactions committed.",
        |m, _| load(&m.store_commits),
    ),
    (
        "vigia_store_errors_total",
        "counter",
        "Store writes that failed.",
        |m, _| load(&m.store_errors),
    ),
    (
        "vigia_store_positions_total",
        "counter",
        "Positions written to the store.",
        |m, _| load(&m.positions_written),
    ),
];

/// A per-sink family: name, help, and the counter it reads.
type SinkFamily = (&'static str, &'static str, fn(&SinkCounters) -> &AtomicU64);

/// The per-sink families.
const SINK_FAMILIES: [SinkFamily; 2] = [
    (
        "vigia_alert_sink_sent_total",
        "Alerts delivered, by sink.",
        |s| &s.sent,
    ),
    (
        "vigia_alert_sink_failures_total",
        "Alerts a sink failed to deliver, by sink.",
        |s| &s.failures,
    ),
];

impl Metrics {
    /// Metrics for these sources, queue and sinks (by name).
    pub fn new(
        sources: Vec<(String, Arc<SourceCounters>)>,
        queue: Arc<FrameQueue>,
        sinks: Vec<String>,
    ) -> Self {
        Self {
            sources,
            queue,
            records: AtomicU64::new(0),
            duplicates: AtomicU64::new(0),
            mlat_positions: AtomicU64::new(0),
            mlat_receivers_synced: AtomicU64::new(0),
            mlat_clock_references: AtomicU64::new(0),
            tracker: Mutex::new(TrackStats::default()),
            tracked_aircraft: AtomicU64::new(0),
            live_aircraft: AtomicU64::new(0),
            events: Mutex::new(BTreeMap::new()),
            alerts: AtomicU64::new(0),
            sinks: sinks
                .into_iter()
                .map(|name| SinkCounters {
                    name,
                    ..SinkCounters::default()
                })
                .collect(),
            alert_latency: LatencyHistogram::default(),
            store_commits: AtomicU64::new(0),
            store_errors: AtomicU64::new(0),
            positions_written: AtomicU64::new(0),
            writer_queue: AtomicU64::new(0),
            events_folded: AtomicU64::new(0),
            events_already_stored: AtomicU64::new(0),
            bus_frames: AtomicU64::new(0),
            bus_replayed: AtomicU64::new(0),
            bus_rejected: AtomicU64::new(0),
            bus_late: AtomicU64::new(0),
            alerts_held: AtomicU64::new(0),
            http_open: AtomicU64::new(0),
            http_refused: AtomicU64::new(0),
            http_timed_out: AtomicU64::new(0),
            rates: Mutex::new(Rates::default()),
        }
    }

    /// Count a committed event of type `kind`.
    pub fn count_event(&self, kind: &str) {
        let mut events = self.events.lock().unwrap_or_else(PoisonError::into_inner);
        *events.entry(kind.to_string()).or_default() += 1;
    }

    /// Records per second of each source since the previous call (at least 0.5 s apart;
    /// closer calls return the previous rates).
    pub fn source_rates(&self, now: f64) -> Vec<f64> {
        let mut rates = self.rates.lock().unwrap_or_else(PoisonError::into_inner);
        let records: Vec<u64> = self
            .sources
            .iter()
            .map(|(_, c)| c.snapshot().records)
            .collect();
        if rates.records.len() != records.len() {
            rates.records = records;
            rates.at = now;
            rates.per_second = vec![0.0; self.sources.len()];
        } else if now - rates.at >= 0.5 {
            let dt = now - rates.at;
            rates.per_second = records
                .iter()
                .zip(&rates.records)
                .map(|(a, b)| a.saturating_sub(*b) as f64 / dt)
                .collect();
            rates.records = records;
            rates.at = now;
        }
        rates.per_second.clone()
    }

    /// The Prometheus text.
    pub fn render(&self, now: f64) -> String {
        let mut out = String::with_capacity(8192);
        let rates = self.source_rates(now);
        let mut family = |name: &str, kind: &str, help: &str, rows: Vec<(String, f64)>| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
            for (labels, value) in rows {
                let _ = writeln!(out, "{name}{labels} {value}");
            }
        };
        let per_source = |f: &dyn Fn(&vigia_feed::net::CountersSnapshot) -> u64| {
            self.sources
                .iter()
                .map(|(id, c)| {
                    (
                        format!("{{source=\"{}\"}}", escape(id)),
                        f(&c.snapshot()) as f64,
                    )
                })
                .collect::<Vec<_>>()
        };
        for (name, kind, help, value) in SOURCE_FAMILIES {
            family(name, kind, help, per_source(&|s| value(s)));
        }
        family(
            "vigia_source_frames_per_second",
            "gauge",
            "Records per second between the last two scrapes.",
            self.sources
                .iter()
                .zip(&rates)
                .map(|((id, _), r)| {
                    (
                        format!("{{source=\"{}\"}}", escape(id)),
                        (r * 10.0).round() / 10.0,
                    )
                })
                .collect(),
        );
        let tracker = self
            .tracker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        for (name, kind, help, value) in SERVICE_FAMILIES {
            family(
                name,
                kind,
                help,
                vec![(String::new(), value(self, &tracker) as f64)],
            );
        }
        let get = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let events = self
            .events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        family(
            "vigia_events_total",
            "counter",
            "Events committed, by type.",
            events
                .iter()
                .map(|(k, v)| (format!("{{type=\"{}\"}}", escape(k)), *v as f64))
                .collect(),
        );
        for (name, help, value) in SINK_FAMILIES {
            family(
                name,
                "counter",
                help,
                self.sinks
                    .iter()
                    .map(|s| {
                        (
                            format!("{{sink=\"{}\"}}", escape(&s.name)),
                            get(value(s)) as f64,
                        )
                    })
                    .collect(),
            );
        }
        let _ = writeln!(
            out,
            "# HELP vigia_alert_latency_seconds Frame arrival to alert emission.\n# TYPE vigia_alert_latency_seconds histogram"
        );
        let h = &self.alert_latency;
        for (bound, bucket) in LATENCY_BUCKETS_S.iter().zip(&h.buckets) {
            let _ = writeln!(
                out,
                "vigia_alert_latency_seconds_bucket{{le=\"{bound}\"}} {}",
                get(bucket)
            );
        }
        let _ = writeln!(
            out,
            "vigia_alert_latency_seconds_bucket{{le=\"+Inf\"}} {}",
            h.count()
        );
        let _ = writeln!(
            out,
            "vigia_alert_latency_seconds_sum {}",
            get(&h.sum_us) as f64 / 1e6
        );
        let _ = writeln!(out, "vigia_alert_latency_seconds_count {}", h.count());
        out
    }
}

/// Escape a label value (backslash, quote, newline).
/// Per-receiver families from the network snapshot (`/api/receivers` as Prometheus text):
/// what each receiver hears, how far, and its part in multilateration; and the aircraft heard
/// without a position.
pub fn render_network(snapshot: &crate::service::receivers::NetworkSnapshot, out: &mut String) {
    type Row = fn(&crate::service::receivers::ReceiverStatus) -> Option<f64>;
    let families: [(&str, &str, &str, Row); 8] = [
        ("vigia_receiver_messages_per_second", "gauge", "Frames per second from the receiver, over the last minute.", |r| Some((r.messages_per_s * 10.0).round() / 10.0)),
        ("vigia_receiver_aircraft", "gauge", "Aircraft the receiver heard in the last minute.", |r| Some(r.aircraft as f64)),
        ("vigia_receiver_range_nm_max", "gauge", "Farthest trusted position of an aircraft the receiver heard, any bearing, NM.", |r| Some(r.range_nm.iter().copied().fold(0.0, f64::max))),
        ("vigia_receiver_mlat_synced", "gauge", "1 when the receiver's clock is on the network's time base.", |r| r.mlat.as_ref().map(|m| f64::from(u8::from(m.synced)))),
        ("vigia_receiver_mlat_used_total", "counter", "Multilateration solutions the receiver was used in.", |r| r.mlat.as_ref().map(|m| m.used as f64)),
        ("vigia_receiver_mlat_inconsistent_total", "counter", "Times the receiver alone made a multilateration set inconsistent (wrong position or clock).", |r| r.mlat.as_ref().map(|m| m.inconsistent as f64)),
        ("vigia_receiver_clock_jumps_total", "counter", "Jumps of the receiver's clock (its pairs with several others restarted together).", |r| r.mlat.as_ref().map(|m| m.clock_jumps as f64)),
        ("vigia_receiver_duplicates_total", "counter", "Transmissions the receiver gave twice (a replay, or two receivers under its id); not used.", |r| r.mlat.as_ref().map(|m| m.duplicates as f64)),
    ];
    for (name, kind, help, value) in families {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        for r in &snapshot.receivers {
            if let Some(v) = value(r) {
                let _ = writeln!(out, "{name}{{receiver=\"{}\"}} {v}", escape(&r.id));
            }
        }
    }
    let military = snapshot.heard.iter().filter(|h| h.military).count();
    let _ = writeln!(
        out,
        "# HELP vigia_heard_without_position Aircraft heard through Mode S replies without a position.\n# TYPE vigia_heard_without_position gauge\nvigia_heard_without_position {}\nvigia_heard_without_position{{military=\"true\"}} {military}",
        snapshot.heard.len()
    );
}

fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_has_every_family_and_escapes_labels() {
        let counters = Arc::new(SourceCounters::new());
        let queue = Arc::new(FrameQueue::new(10, vec![counters.clone()]));
        let m = Metrics::new(
            vec![("home \"roof\"".into(), counters)],
            queue,
            vec!["stdout".into()],
        );
        m.count_event("zone_entry");
        m.alert_latency.observe(0.003);
        let text = m.render(1.0);
        assert!(
            text.contains("vigia_source_records_total{source=\"home \\\"roof\\\"\"} 0"),
            "{text}"
        );
        assert!(text.contains("vigia_events_total{type=\"zone_entry\"} 1"));
        assert!(text.contains("vigia_alert_latency_seconds_bucket{le=\"0.005\"} 1"));
        assert!(text.contains("vigia_alert_latency_seconds_bucket{le=\"0.0025\"} 0"));
        assert!(text.contains("vigia_queue_capacity 10"));
        assert!(text.contains("vigia_alert_sink_failures_total{sink=\"stdout\"} 0"));
    }
}
