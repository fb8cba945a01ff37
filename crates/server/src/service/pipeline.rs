//! The pipeline thread: records from the queue → de-duplication → [`Tracker`] → [`Analyzer`]
//! → write batches for the store, and the live aircraft table.
//!
//! Owns the order of things for live data. A frame that carries its receiver's 12 MHz counter
//! (Beast) is timed by that counter, one clock per receiver counter of each source
//! ([`vigia_feed::ReceiverClocks`]), anchored to the wall clock where it first appears: a
//! capture replayed faster than real time keeps the aircraft's real timing (de-duplication
//! and plausibility see it), and the live table ages by the same clock. Other records are
//! timed by their arrival. Times are made non-decreasing (records from several source tasks
//! interleave by microseconds), so the tracker needs no reordering window and an event comes
//! out while its frame is processed.
//! Positions are thinned (`position_interval_s`) and written every `flush_ms`; a batch that
//! carries events is sent to the writer at once. Nothing here blocks on a socket; if the
//! writer falls behind, this thread waits for it and the queue in front drops the oldest
//! frames, counted — memory stays bounded either way.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver, Sender, SyncSender, TryRecvError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use vigia_detect::contract::EventRecord;
use vigia_detect::identity::{Identity, IdentityResolver};
use vigia_detect::score::{live_score, SURVEILLANCE_LIKE};
use vigia_detect::{Analyzer, AnalyzerConfig, Event, EventKind};
use vigia_feed::net::{unix_now, Arrival, FrameQueue};
use vigia_feed::Record;
use vigia_modes::{Callsign, IcaoAddress, Squawk};
use vigia_store::{FlightRow, NewEvent, PositionRow, Store, WriteBatch};
use vigia_track::{
    FlightId, Network, SourceRef, TrackEvent, Tracker, TrackerConfig, TrustedPosition,
};
use vigia_zones::ZoneIndex;

use crate::service::alert::rules::EventFacts;
use crate::service::alert::Alerter;
use crate::service::clock::SourceClocks;
use crate::service::dedup::Dedup;
use crate::service::flood::{Candidate, FloodGuard, RejectWatch};
use crate::service::live::{LiveAircraft, LiveTable, LiveView};
use crate::service::metrics::Metrics;
use crate::service::receivers::{NetworkView, Sightings};
use crate::service::stream::StreamMessage;
use crate::service::writer::{EventMeta, Writer, WriterMessage};
use crate::settings::PipelineSettings;

/// Write batches that may wait for the writer before the pipeline waits.
pub(crate) const WRITER_QUEUE: usize = 64;

/// Requests to the running pipeline (from the API).
#[non_exhaustive]
pub enum Control {
    /// Watch these zones from now on (open flights start their zone state afresh).
    ReplaceZones(Arc<ZoneIndex>),
}

/// What the pipeline is built from.
pub struct PipelineParts {
    /// Pipeline knobs.
    pub settings: PipelineSettings,
    /// Tracker settings (its reordering window is ignored: live records are in order).
    pub tracker: TrackerConfig,
    /// Detection settings.
    pub analyzer: AnalyzerConfig,
    /// Zones watched.
    pub zones: Arc<ZoneIndex>,
    /// Identity tables.
    pub identity: IdentityResolver,
    /// Source ids by index (names the sources in evidence).
    pub inputs: Vec<String>,
    /// The receivers whose frames are multilaterated (sources `0..network.len()`); empty: none.
    pub network: Vec<vigia_mlat::Station>,
    /// The queue from the sources.
    pub queue: Arc<FrameQueue>,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Where the live snapshot is published.
    pub live: Arc<LiveView>,
    /// Where the receivers' status and the aircraft heard without a position are published.
    pub network_view: Arc<crate::service::receivers::NetworkView>,
    /// Each source's position, if known (by index, as `inputs`).
    pub positions: Vec<Option<(f64, f64)>>,
    /// Live updates and events for stream subscribers.
    pub stream: tokio::sync::broadcast::Sender<StreamMessage>,
    /// The store, opened for writing.
    pub store: Store,
    /// Alert rules and sinks.
    pub alerter: Alerter,
    /// Positions older than this many days are deleted (checked hourly).
    pub retain_days: f64,
    /// A second connection for checkpoints, run on a thread of their own so that the writer
    /// never stalls copying the WAL into the database (none: SQLite's automatic checkpoints).
    pub checkpointer: Option<Store>,
    /// Work on one partition of the frame bus (`vigia worker`); none: frames from receivers.
    pub bus: Option<BusPart>,
}

/// The running pipeline and writer threads.
pub struct PipelineHandle {
    pipeline: JoinHandle<()>,
    writer: JoinHandle<()>,
    checkpointer: Option<(JoinHandle<()>, Arc<std::sync::atomic::AtomicBool>)>,
    control: Sender<Control>,
}

impl PipelineHandle {
    /// Send a control request; `false` if the pipeline has stopped.
    pub fn control(&self) -> Sender<Control> {
        self.control.clone()
    }

    /// Wait for both threads to finish (after the queue was closed): everything taken from the
    /// queue is processed and committed, the store checkpointed.
    pub fn join(self) {
        let _ = self.pipeline.join();
        if let Some((thread, stop)) = self.checkpointer {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
        let _ = self.writer.join();
    }
}

/// Start the pipeline and writer threads. They run until `parts.queue` is closed and drained.
pub fn spawn(parts: PipelineParts) -> std::io::Result<PipelineHandle> {
    let (writes, write_rx) = mpsc::sync_channel(WRITER_QUEUE);
    let (control, control_rx) = mpsc::channel();
    let mut store = parts.store;
    // A worker sees one partition's aircraft: its coverage is not a receiver's.
    let coverage = if parts.bus.is_some() {
        Vec::new()
    } else {
        pipeline_coverage_saved(&store, &parts.inputs)
    };
    let checkpointer = match parts.checkpointer {
        Some(mut connection) => {
            store
                .set_auto_checkpoint(0)
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let flag = stop.clone();
            let metrics = parts.metrics.clone();
            let thread = std::thread::Builder::new()
                .name("vigia-checkpoint".into())
                .spawn(move || {
                    while !flag.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(250));
                        // 16 384 pages: 64 MiB of WAL at the default page size.
                        if connection.checkpoint_passive(16_384).is_err() {
                            metrics.store_errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                })?;
            Some((thread, stop))
        }
        None => None,
    };
    let mut writer = Writer::new(
        store,
        parts.alerter,
        parts.metrics.clone(),
        parts.stream.clone(),
        parts.retain_days,
    );
    if let Some(part) = &parts.bus {
        writer.report_offsets(part.committed.clone());
    }
    let writer = std::thread::Builder::new()
        .name("vigia-writer".into())
        .spawn(move || writer.run(write_rx))?;
    let queue = parts.queue.clone();
    let mut pipeline = Pipeline::new(
        parts.settings,
        parts.tracker,
        parts.analyzer,
        parts.zones,
        parts.identity,
        parts.inputs,
        parts.metrics,
        parts.live,
        parts.stream,
        writes,
    );
    pipeline.seed_coverage(coverage);
    if let Some(part) = parts.bus {
        pipeline.serve_partition(part);
    }
    if !parts.network.is_empty() {
        pipeline.multilaterate(parts.network);
    }
    pipeline.watch_receivers(parts.positions, parts.network_view);
    let pipeline = std::thread::Builder::new()
        .name("vigia-pipeline".into())
        .spawn(move || pipeline.run(&queue, &control_rx))?;
    Ok(PipelineHandle {
        pipeline,
        writer,
        checkpointer,
        control,
    })
}

/// Per-aircraft facts that do not change within a run.
struct Known {
    identity: Identity,
    facts: EventFacts,
}

/// A flight in progress, as the store sees it.
struct FlightProgress {
    row: FlightRow,
    /// Time of the last position stored.
    last_stored: f64,
    /// Stream time the row was last written.
    last_written: f64,
    /// Changed since written.
    dirty: bool,
    /// Changed in a way worth writing at once (a zone, the end).
    urgent: bool,
}

/// A flight's row is rewritten at most this often while only its latest position changes,
/// seconds (the live position is in the live table; the track in `positions`).
const FLIGHT_ROW_EVERY_S: f64 = 10.0;
/// Flight rows rewritten per flush on top of urgent ones.
const FLIGHT_ROWS_PER_FLUSH: usize = 1000;

/// The pipeline stage (the thread body; usable directly in tests).
pub struct Pipeline {
    settings: PipelineSettings,
    dedup: Dedup,
    tracker: Tracker,
    analyzer: Analyzer,
    analyzer_config: AnalyzerConfig,
    identity: IdentityResolver,
    inputs: Vec<String>,
    metrics: Arc<Metrics>,
    view: Arc<LiveView>,
    stream: tokio::sync::broadcast::Sender<StreamMessage>,
    writes: SyncSender<WriterMessage>,
    live: LiveTable,
    known: FxHashMap<IcaoAddress, Known>,
    flights: FxHashMap<FlightId, FlightProgress>,
    batch: WriteBatch,
    metas: Vec<EventMeta>,
    track_events: Vec<TrackEvent>,
    events: Vec<Event>,
    last_ts: f64,
    /// Wall-clock time when `last_ts` was set: the stream clock advances with the wall clock
    /// between records.
    last_wall: f64,
    /// Receiver-counter clocks per source.
    clocks: SourceClocks,
    /// The event budget and the flood being counted.
    flood: FloodGuard,
    /// Rejected positions per minute, for spoofing warnings.
    rejects: RejectWatch,
    record_no: u64,
    /// Multilateration of the network's receivers (sources `0..receivers`), if configured.
    network: Option<(Network, u16)>,
    /// What each receiver hears; aircraft heard without a position.
    sightings: Sightings,
    sightings_view: Arc<NetworkView>,
    next_flush: Instant,
    next_snapshot: Instant,
    next_coverage: Instant,
    /// The frame bus's side, for a worker.
    bus: Option<BusState>,
    /// The record being processed is replayed after a takeover: state only, nothing written.
    replaying: bool,
}

/// How often the coverage model is saved to the store.
const COVERAGE_SAVE_EVERY: Duration = Duration::from_secs(60);

/// A frame from the bus this much older than its partition's clock, or less, was published
/// twice (a retry after a bus outage), seconds.
const REPUBLISHED_WITHIN_S: f64 = 300.0;

/// Seconds without a record after which the pipeline moves the tracker's clock itself.
const QUIET_S: f64 = 5.0;

impl Pipeline {
    /// A pipeline sending its batches to `writes`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        settings: PipelineSettings,
        tracker: TrackerConfig,
        analyzer: AnalyzerConfig,
        zones: Arc<ZoneIndex>,
        identity: IdentityResolver,
        inputs: Vec<String>,
        metrics: Arc<Metrics>,
        view: Arc<LiveView>,
        stream: tokio::sync::broadcast::Sender<StreamMessage>,
        writes: SyncSender<WriterMessage>,
    ) -> Self {
        let tracker = Tracker::new(TrackerConfig {
            reorder_window_s: 0.0,
            ..tracker
        });
        let rejects = RejectWatch::new(inputs.clone());
        Self {
            dedup: Dedup::new(settings.dedup_window_s),
            analyzer: Analyzer::new(zones, identity.clone(), analyzer.clone()),
            analyzer_config: analyzer,
            tracker,
            identity,
            inputs,
            metrics,
            view,
            stream,
            writes,
            live: LiveTable::default(),
            known: FxHashMap::default(),
            flights: FxHashMap::default(),
            batch: WriteBatch::default(),
            metas: Vec::new(),
            track_events: Vec::new(),
            events: Vec::new(),
            last_ts: f64::NEG_INFINITY,
            last_wall: f64::NEG_INFINITY,
            clocks: SourceClocks::default(),
            flood: FloodGuard::new(settings.flood_burst, settings.flood_events_per_minute),
            rejects,
            record_no: 0,
            network: None,
            sightings: Sightings::new(Vec::new()),
            sightings_view: Arc::default(),
            next_flush: Instant::now() + Duration::from_millis(settings.flush_ms),
            next_snapshot: Instant::now() + Duration::from_millis(settings.snapshot_ms),
            // A first save soon after the start: the map's layer is not empty for a minute.
            next_coverage: Instant::now() + Duration::from_secs(10),
            bus: None,
            replaying: false,
            settings,
        }
    }

    /// The thread body: until the queue is closed and drained.
    pub fn run(&mut self, queue: &FrameQueue, control: &Receiver<Control>) {
        let mut arrivals = Vec::with_capacity(4096);
        loop {
            let open = queue.pop_batch(&mut arrivals, 4096, Duration::from_millis(20));
            match control.try_recv() {
                Ok(Control::ReplaceZones(zones)) => self.replace_zones(zones),
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
            }
            self.process(&mut arrivals);
            self.tick(Instant::now());
            if !open {
                break;
            }
        }
        if let Some(flood) = self.flood.take() {
            self.record(flood, f64::NAN);
        }
        self.flush(true);
        self.save_coverage();
        let _ = self.writes.send(WriterMessage::Shutdown);
    }

    /// Process `arrivals` (emptied); a batch with events goes to the writer at once.
    pub fn process(&mut self, arrivals: &mut Vec<Arrival>) {
        let n = arrivals.len() as u64;
        let wall = if self.bus.is_some() { unix_now() } else { 0.0 };
        // By reference: an arrival is large (it may hold a whole report); moving each one
        // once more costs more than the dedup.
        for arrival in arrivals.iter_mut() {
            let record = &mut arrival.record;
            // The receiver's counter when there is one, else the arrival; non-decreasing:
            // source tasks interleave by microseconds. From the bus: the gateway's time.
            let own = match record {
                Record::Frame(frame) if self.bus.is_some() => frame.ts.unwrap_or(arrival.received),
                Record::Frame(frame) => self.clocks.time(arrival.source, frame, arrival.received),
                Record::State(_) => arrival.received,
            };
            // From the bus, a partition's frames come in the gateway's time order: one older
            // than the clock by more than the de-duplication window (and less than a bus
            // outage lasts) was published twice (a retry after an outage) or by a gateway
            // whose clock is behind — dropped, counted. Younger copies are the
            // de-duplication's; much older ones (a clock that jumped ahead) are taken at the
            // clock's time, as `vigia run` takes them, rather than dropped for good.
            let behind = self.last_ts - own;
            if self.bus.is_some()
                && behind > self.settings.dedup_window_s
                && behind < REPUBLISHED_WITHIN_S
            {
                self.metrics.bus_late.fetch_add(1, Ordering::Relaxed);
                self.bus_processed(arrival.seq, arrival.received);
                continue;
            }
            let ts = own.max(self.last_ts);
            self.last_ts = ts;
            self.replaying = self.bus.as_ref().is_some_and(|b| b.replaying(arrival.seq));
            // From the bus, arrival times are the gateway's (old ones in a replay): the stream
            // clock goes on from this process's wall clock.
            self.last_wall = if self.bus.is_some() {
                wall
            } else {
                arrival.received
            };
            // Decoded once — by the source's task, else here: for the receivers' sightings
            // and, below, for the tracker.
            let msg = match &*record {
                Record::Frame(frame) => {
                    let msg = match arrival.decoded.take() {
                        Some(decoded) => decoded,
                        None => vigia_modes::decode(frame.message()).ok(),
                    };
                    if let Some(row) = msg.as_ref().and_then(|m| self.live.get_mut(m.address)) {
                        row.heard(ts, frame.signal);
                    }
                    if !self.replaying {
                        self.sightings
                            .frame(arrival.source, ts, frame, msg.as_ref());
                    }
                    self.analyzer
                        .source_frame(arrival.source, ts, frame.message());
                    msg
                }
                Record::State(_) => None,
            };
            // A network receiver's frames stay on their own clock: the network aligns them,
            // de-duplicates them and multilaterates.
            let via_network = matches!(
                (&self.network, &*record),
                (Some((_, receivers)), Record::Frame(frame))
                    if arrival.source < *receivers && frame.mlat_ticks.is_some()
            );
            match record {
                Record::Frame(frame) if via_network => frame.ts = Some(own),
                Record::Frame(frame) => {
                    if !self.dedup.first(ts, frame.message()) {
                        self.bus_processed(arrival.seq, arrival.received);
                        continue;
                    }
                    frame.ts = Some(ts);
                }
                Record::State(state) => state.ts = Some(ts),
            }
            self.record_no += 1;
            let source = SourceRef {
                input: u32::from(arrival.source),
                record: self.record_no,
                line: None,
                row: None,
            };
            match (&mut self.network, &*record) {
                (Some((network, _)), Record::Frame(frame)) if via_network => network.push(
                    arrival.source,
                    frame,
                    source,
                    &mut self.tracker,
                    &mut self.track_events,
                ),
                (_, Record::Frame(frame)) => {
                    self.tracker
                        .push_raw_decoded(frame, msg.as_ref(), &mut self.track_events);
                }
                _ => self
                    .tracker
                    .push_record(record, source, &mut self.track_events),
            }
            if !self.track_events.is_empty() {
                self.after_tracking(arrival.received);
            }
            self.bus_processed(arrival.seq, arrival.received);
        }
        self.replaying = false;
        arrivals.clear();
        self.metrics.records.fetch_add(n, Ordering::Relaxed);
        self.count_network();
        if !self.batch.events.is_empty() {
            self.send_events();
        }
    }

    fn after_tracking(&mut self, arrival: f64) {
        if self.replaying {
            // Replayed after a takeover: the detectors' state only; every result is stored.
            for te in self.track_events.drain(..) {
                self.analyzer.push(&te, &mut self.events);
                if let TrackEvent::FlightEnded(f) = &te {
                    self.flights.remove(&f.id);
                }
            }
            self.events.clear();
            return;
        }
        let mut track_events = std::mem::take(&mut self.track_events);
        for te in track_events.drain(..) {
            // The analyzer first: the live row shows the zones it found the aircraft in.
            self.analyzer.push(&te, &mut self.events);
            let warning = match &te {
                TrackEvent::Position(p) => {
                    self.position(p);
                    self.rejects.trusted(p.ts)
                }
                TrackEvent::Rejected(r) => {
                    self.rejects
                        .rejected(r.ts, r.icao24, r.reason.kind().name())
                }
                _ => None,
            };
            if let Some(warning) = warning {
                self.record(warning, arrival);
            }
            let mut events = std::mem::take(&mut self.events);
            for e in events.drain(..) {
                self.event(e, arrival);
            }
            self.events = events;
            if let TrackEvent::FlightEnded(f) = &te {
                self.flight_ended(f.id);
            }
        }
        self.track_events = track_events;
    }

    fn known(&mut self, icao24: IcaoAddress) -> &Known {
        let identity = &self.identity;
        self.known.entry(icao24).or_insert_with(|| {
            let id = identity.identify(icao24);
            Known {
                facts: EventFacts {
                    military: id.military(),
                    isr_type: id.isr_type.is_some(),
                },
                identity: id,
            }
        })
    }

    fn position(&mut self, p: &TrustedPosition) {
        self.bus_position(p.icao24, p.flight_id);
        self.sightings.position(p.icao24, p.ts, p.lat, p.lon);
        let progress = self
            .flights
            .entry(p.flight_id)
            .or_insert_with(|| FlightProgress {
                row: FlightRow {
                    id: p.flight_id.to_string(),
                    icao24: p.icao24.to_string(),
                    start_ts: p.ts,
                    end_ts: p.ts,
                    ..FlightRow::default()
                },
                last_stored: f64::NEG_INFINITY,
                last_written: f64::NEG_INFINITY,
                dirty: true,
                urgent: true,
            });
        progress.row.end_ts = p.ts;
        progress.row.positions += 1;
        progress.row.last = Some((p.lat, p.lon, p.altitude_ft));
        if let Some(c) = p.callsign {
            if progress.row.callsign.as_deref() != Some(c.as_str()) {
                progress.row.callsign = Some(c.to_string());
            }
        }
        progress.dirty = true;
        let duration_s = p.ts - progress.row.start_ts;
        let positions = progress.row.positions;
        if p.ts - progress.last_stored >= self.settings.position_interval_s {
            progress.last_stored = p.ts;
            self.batch.positions.push(PositionRow {
                flight_id: progress.row.id.clone(),
                icao24: progress.row.icao24.clone(),
                ts: p.ts,
                lat: p.lat,
                lon: p.lon,
                altitude_ft: p.altitude_ft,
                groundspeed_kt: p.groundspeed_kt,
                track_deg: p.track_deg,
                vertical_rate_fpm: p.vertical_rate_fpm,
                on_ground: p.on_ground,
            });
        }
        let analyzer = &self.analyzer;
        // The common case: the same aircraft, flight, callsign and squawk as its last
        // position — update the row in place, without allocating.
        if let Some(row) = self.live.get_mut(p.icao24) {
            let same = row.flight_id == progress.row.id
                && row.callsign.as_deref() == p.callsign.as_ref().map(Callsign::as_str)
                && row.squawk_code == p.squawk.map(|s| s.0);
            if same {
                row.lat = p.lat;
                row.lon = p.lon;
                row.altitude_ft = p.altitude_ft;
                row.groundspeed_kt = p.groundspeed_kt;
                row.track_deg = p.track_deg;
                row.vertical_rate_fpm = p.vertical_rate_fpm;
                row.on_ground = p.on_ground;
                row.last_update = p.ts;
                row.last_seen = row.last_seen.max(p.ts);
                row.position_source = position_source(&p.evidence);
                row.positions = positions;
                let mut n = 0;
                let mut unchanged = true;
                for z in analyzer.zones_inside(p.flight_id) {
                    unchanged &= row.zones.iter().any(|r| r == z);
                    n += 1;
                }
                if !unchanged || n != row.zones.len() {
                    row.zones = analyzer
                        .zones_inside(p.flight_id)
                        .map(str::to_string)
                        .collect();
                    row.zones.sort();
                }
                progress.row.score = Some(row.score);
                self.live.touch(p.icao24);
                return;
            }
        }
        let flight_id = progress.row.id.clone();
        let mut zones_now: Vec<String> = analyzer
            .zones_inside(p.flight_id)
            .map(str::to_string)
            .collect();
        zones_now.sort();
        let known = self.known(p.icao24);
        let id = known.identity.clone();
        let military = known.facts.military;
        let orbit_time_s = self.analyzer.live_orbit_time_s(p.flight_id);
        let (score, reasons) = live_score(
            &self.identity,
            &id,
            p.callsign,
            p.squawk,
            duration_s,
            orbit_time_s,
        );
        if let Some(progress) = self.flights.get_mut(&p.flight_id) {
            progress.row.score = Some(score);
            progress.row.military = Some(military);
        }
        let record = id.record.as_ref();
        // What was counted of the aircraft's frames carries over to its new row.
        let (messages, last_seen, rssi, signal_power) = self
            .live
            .get_mut(p.icao24)
            .map_or((0, p.ts, None, None), |r| {
                (r.messages, r.last_seen.max(p.ts), r.rssi, r.signal_power)
            });
        self.live.upsert(
            p.icao24,
            LiveAircraft {
                icao24: p.icao24.to_string(),
                callsign: p.callsign.map(|c| c.to_string()),
                squawk: p.squawk.map(|s| s.to_string()),
                squawk_code: p.squawk.map(|s| s.0),
                lat: p.lat,
                lon: p.lon,
                altitude_ft: p.altitude_ft,
                groundspeed_kt: p.groundspeed_kt,
                track_deg: p.track_deg,
                vertical_rate_fpm: p.vertical_rate_fpm,
                on_ground: p.on_ground,
                last_update: p.ts,
                flight_id,
                positions,
                zones: zones_now,
                score,
                surveillance_like: score >= SURVEILLANCE_LIKE,
                reasons: reasons.into_iter().map(|r| r.text).collect(),
                military,
                country: id.country.clone(),
                registration: record.and_then(|r| r.registration.clone()),
                type_designator: record.and_then(|r| r.type_designator.clone()),
                position_source: position_source(&p.evidence),
                messages,
                last_seen,
                rssi,
                signal_power,
            },
        );
    }

    fn event(&mut self, e: Event, arrival: f64) {
        if matches!(e.kind, EventKind::Orbit(_)) {
            self.rescore(e.icao24, e.flight_id);
        }
        let facts = self.known(e.icao24).facts;
        let score = match &e.kind {
            EventKind::Flight(summary) => summary.score,
            _ => self.live.get_mut(e.icao24).map_or(0.0, |r| r.score),
        };
        let new = NewEvent::from_event(&e, &self.inputs, Some(score));
        let candidate = Candidate {
            kind: &new.kind,
            zone: new.zone.as_deref(),
            icao24: e.icao24,
            ts: e.ts,
            flight_start: self
                .flights
                .get(&e.flight_id)
                .map_or(e.ts, |p| p.row.start_ts),
            identified: facts.military || facts.isr_type,
            score,
        };
        let admitted = self.flood.admit(&candidate);
        if let Some(progress) = self.flights.get_mut(&e.flight_id) {
            if let Some(zone) = &new.zone {
                if e.kind.is_sovereignty_event() && !progress.row.zones.contains(zone) {
                    progress.row.zones.push(zone.clone());
                    progress.dirty = true;
                    progress.urgent = true;
                }
            }
            if let EventKind::Flight(summary) = &e.kind {
                progress.row.ended = true;
                progress.row.score = Some(summary.score);
                progress.row.military = Some(summary.identity.military());
                progress.row.summary = Some(new.document.clone());
                progress.row.zones = summary.zones.iter().map(|z| z.zone.clone()).collect();
                progress.row.end_ts = progress.row.end_ts.max(summary.end_ts);
                progress.dirty = true;
                progress.urgent = true;
            }
        }
        if !admitted {
            // Counted into the open flood (the flight row above still changed).
            self.metrics.events_folded.fetch_add(1, Ordering::Relaxed);
            if matches!(e.kind, EventKind::Flight(_)) {
                // The flight's earlier events go first; then its alert memory can go.
                if !self.batch.events.is_empty() {
                    self.send_events();
                }
                let _ = self
                    .writes
                    .send(WriterMessage::Forget(e.flight_id.to_string()));
            }
            return;
        }
        self.metas.push(EventMeta {
            facts,
            arrival: Some(arrival),
            ends_flight: matches!(e.kind, EventKind::Flight(_)),
        });
        self.batch.events.push(new);
    }

    /// An event the service makes itself (a flood, a spoofing warning): stored and alerted
    /// like the others.
    fn record(&mut self, document: EventRecord, arrival: f64) {
        self.record_with(document, arrival, EventFacts::default());
    }

    /// [`Self::record`], with what is known of the aircraft for the alert rules.
    pub(super) fn record_with(&mut self, document: EventRecord, arrival: f64, facts: EventFacts) {
        self.metas.push(EventMeta {
            facts,
            arrival: arrival.is_finite().then_some(arrival),
            // No flight goes on after it: its alert memory goes at once.
            ends_flight: true,
        });
        self.batch.events.push(NewEvent::from_record(document));
    }

    /// Score the live aircraft again with what became known of its flight (an orbit on
    /// station), so that the map shows the score and reasons the flight record will have.
    fn rescore(&mut self, icao24: IcaoAddress, flight: FlightId) {
        let identity = self.known(icao24).identity.clone();
        let orbit_time_s = self.analyzer.live_orbit_time_s(flight);
        let resolver = &self.identity;
        let Some(row) = self.live.get_mut(icao24) else {
            return;
        };
        let callsign = row
            .callsign
            .as_deref()
            .and_then(|c| Callsign::parse(c).ok());
        let squawk = row.squawk_code.map(Squawk);
        let start = self
            .flights
            .get(&flight)
            .map_or(row.last_update, |f| f.row.start_ts);
        let (score, reasons) = live_score(
            resolver,
            &identity,
            callsign,
            squawk,
            row.last_update - start,
            orbit_time_s,
        );
        row.score = score;
        row.surveillance_like = score >= SURVEILLANCE_LIKE;
        row.reasons = reasons.into_iter().map(|r| r.text).collect();
        if let Some(progress) = self.flights.get_mut(&flight) {
            progress.row.score = Some(score);
        }
        self.live.touch(icao24);
    }

    fn flight_ended(&mut self, id: FlightId) {
        if let Some(progress) = self.flights.remove(&id) {
            let mut row = progress.row;
            row.ended = true;
            self.batch.flights.push(row);
        }
        let same = self
            .live
            .get_mut(id.icao24)
            .is_some_and(|r| r.flight_id == id.to_string());
        if same {
            self.live.remove(id.icao24);
        }
    }

    /// Periodic work: flush on time, publish the snapshot on time.
    pub fn tick(&mut self, now: Instant) {
        // A feed gone quiet: time still passes for the tracker, so silent aircraft expire
        // and their flights end and come out (the tracker's clock otherwise moves only with
        // data).
        let wall = unix_now();
        if self.last_wall.is_finite() && wall - self.last_wall > QUIET_S {
            let stream_now = self.stream_now(wall);
            self.last_ts = stream_now.max(self.last_ts);
            self.last_wall = wall;
            self.tracker.tick(stream_now, &mut self.track_events);
            if !self.track_events.is_empty() {
                self.after_tracking(wall);
            }
        }
        self.flood_due(self.stream_now(wall));
        if now >= self.next_flush {
            self.next_flush = now + Duration::from_millis(self.settings.flush_ms);
            self.flush(false);
        }
        if now >= self.next_snapshot {
            self.next_snapshot = now + Duration::from_millis(self.settings.snapshot_ms);
            self.publish(self.stream_now(unix_now()));
        }
        if now >= self.next_coverage {
            self.next_coverage = now + COVERAGE_SAVE_EVERY;
            self.save_coverage();
        }
    }

    /// Write the flood if it is over at stream time `now` (the periodic tick does this).
    pub fn flood_due(&mut self, now: f64) {
        if let Some(flood) = self.flood.due(now) {
            self.record(flood, f64::NAN);
            self.send_events();
        }
    }

    /// The stream clock at wall time `wall`: the last record's time, advanced by the wall time
    /// since it came (the same as `wall` for a receiver timed by arrival).
    pub fn stream_now(&self, wall: f64) -> f64 {
        if self.last_ts.is_finite() {
            self.last_ts + (wall - self.last_wall).max(0.0)
        } else {
            wall
        }
    }
}

#[path = "pipeline_network.rs"]
mod network;

#[path = "pipeline_coverage.rs"]
mod coverage;

#[path = "pipeline_publish.rs"]
mod publish;

#[path = "pipeline_batches.rs"]
mod batches;

#[path = "pipeline_bus.rs"]
mod bus;
pub use bus::BusPart;
use bus::BusState;
use coverage::saved as pipeline_coverage_saved;
use publish::position_source;

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "pipeline_flood_tests.rs"]
mod flood_tests;

#[cfg(test)]
#[path = "pipeline_bus_tests.rs"]
mod bus_tests;
