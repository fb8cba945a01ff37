//! The whole service, assembled: [`Service`].
//!
//! [`Service::new`] takes a [`Config`], checks it, loads the zones and the aircraft database,
//! opens the store (closing flights a previous run left open), records the receivers and
//! binds the ports receivers push to. [`Service::serve`] — the mini-redis shape: it takes the
//! HTTP listener and a shutdown future — starts the pipeline and writer threads, the source
//! tasks and the HTTP server, and when `shutdown` completes stops the sources, lets the
//! pipeline drain what it took, commits, checkpoints and returns. `vigia run`, `vigia demo` and
//! the tests build the service this one way. This module is the only one that knows both the
//! service side (`crate::service`) and the HTTP side (`crate::http`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use vigia_detect::identity::{AircraftDb, IdentityResolver};
use vigia_detect::AnalyzerConfig;
use vigia_feed::net::{
    run_client, run_listener, unix_now, FrameQueue, Routes, SourceCounters, SourceEvent, SourceLog,
    SourceSpec,
};
use vigia_modes::cpr::LatLon;
use vigia_store::{ReceiverRow, Store, StoreError};
use vigia_zones::ZoneIndex;

use crate::bus::consumer::WorkerRole;
use crate::bus::BusSettings;
use crate::config::{Checked, Config};
use crate::http::ServeError;
use crate::service::alert::{self, sinks, Alerter};
use crate::service::live::LiveView;
use crate::service::metrics::Metrics;
use crate::service::pipeline::{self, BusPart, PipelineParts};
use crate::service::zones;
use crate::service::ServiceState;

/// Live messages a subscriber may fall behind by before it skips.
const STREAM_CAPACITY: usize = 4096;

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The configuration has problems (each names its key).
    #[error("the configuration has problems:\n  {}", .0.join("\n  "))]
    Config(Vec<String>),
    /// The zones do not load.
    #[error("zones {spec:?}: {source}")]
    Zones {
        /// The spec.
        spec: String,
        /// Why (boxed: a load error is large and rare).
        #[source]
        source: Box<vigia_zones::SpecError>,
    },
    /// The aircraft database cannot be opened.
    #[error("{path}: cannot open the aircraft database: {source}")]
    AircraftDbOpen {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The aircraft database cannot be read.
    #[error("{path}: cannot read the aircraft database: {source}")]
    AircraftDb {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: vigia_detect::identity::AircraftDbError,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A port receivers push to cannot be bound.
    #[error("{address}: cannot listen for receivers: {source}")]
    Listen {
        /// The address.
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// An alert sink cannot be opened.
    #[error("alerts.sinks[{index}]: {source}")]
    Sink {
        /// Its index in `alerts.sinks`.
        index: usize,
        /// Why.
        #[source]
        source: alert::sinks::SinkError,
    },
    /// A thread of the service could not be started.
    #[error("starting the pipeline: {0}")]
    Thread(#[source] std::io::Error),
    /// The HTTP server failed.
    #[error(transparent)]
    Http(#[from] ServeError),
    /// The frame bus (NATS JetStream) cannot be used.
    #[error("frame bus: {0}")]
    Bus(String),
}

/// A configured service, ready to [`serve`](Service::serve).
pub struct Service {
    checked: Checked,
    zones: Arc<ZoneIndex>,
    identity: IdentityResolver,
    store: Store,
    checkpointer: Store,
    /// Bound listeners of receivers that push, by source index.
    pushed: Vec<(usize, std::net::TcpListener)>,
    state: Arc<ServiceState>,
    stop: tokio::sync::watch::Sender<bool>,
    counters: Vec<Arc<SourceCounters>>,
    queue: Arc<FrameQueue>,
    /// Flights a previous run left open, closed at start.
    closed_flights: u64,
    /// Working on a partition of the frame bus (`vigia worker`) instead of receivers.
    worker: Option<(WorkerRole, Vec<vigia_store::FlightRow>)>,
}

impl Service {
    /// Check `config`, load what it names and open the store. Nothing runs yet.
    pub fn new(config: Config) -> Result<Self, ServiceError> {
        Self::build(config, None)
    }

    /// A worker of the frame bus: partition `partition` of `bus` instead of receivers
    /// (`config.sources` name the receivers and their positions, as the gateway's do). The
    /// flights the store has open are continued, not closed; the partition's committed offset
    /// says where the previous worker stopped.
    pub fn worker(config: Config, bus: BusSettings, partition: u32) -> Result<Self, ServiceError> {
        Self::build(config, Some((bus, partition)))
    }

    fn build(config: Config, worker: Option<(BusSettings, u32)>) -> Result<Self, ServiceError> {
        let checked = config.check().map_err(ServiceError::Config)?;
        for w in checked.warnings() {
            eprintln!("vigia: warning: {w}");
        }
        let config = &checked.config;
        let (zones, zones_view) =
            zones::load(&config.zones).map_err(|source| ServiceError::Zones {
                spec: config.zones.clone(),
                source: Box::new(source),
            })?;
        let db = match &config.aircraft_db {
            Some(path) => Some(read_aircraft_db(path)?),
            None => None,
        };
        let mut store = Store::open(&config.store.path)?;
        let (closed_flights, worker) = match worker {
            // Other workers' flights are open too: a worker continues its own.
            Some((settings, partition)) => {
                let resume = store.bus_offset(partition)?;
                let role = WorkerRole {
                    settings,
                    partition,
                    resume,
                    committed: Arc::new(std::sync::atomic::AtomicU64::new(
                        resume.map_or(0, |o| o.seq),
                    )),
                };
                (0, Some((role, store.open_flights()?)))
            }
            // With no receivers the service writes nothing (an API server in front of the
            // workers' database): the flights open in the store are theirs.
            None if checked.sources.is_empty() => (0, None),
            None => (store.close_open_flights()?, None),
        };
        let now = unix_now();
        for s in &checked.sources {
            store.upsert_receiver(&ReceiverRow {
                id: s.spec.id.clone(),
                url: if s.listen {
                    format!("{}-listen://{}", s.spec.format.name(), s.spec.address)
                } else if s.pushes {
                    format!("{}-push://{}", s.spec.format.name(), s.spec.id)
                } else {
                    s.spec.url()
                },
                position: s.spec.position,
                seen: now,
            })?;
        }
        let pushed = if worker.is_some() {
            Vec::new()
        } else {
            bind_pushed(&checked)?
        };
        let counters: Vec<Arc<SourceCounters>> = checked
            .sources
            .iter()
            .map(|_| Arc::new(SourceCounters::new()))
            .collect();
        let queue = Arc::new(FrameQueue::new(
            config.pipeline.queue_capacity,
            counters.clone(),
        ));
        let metrics = Arc::new(Metrics::new(
            checked
                .sources
                .iter()
                .map(|s| s.spec.id.clone())
                .zip(counters.iter().cloned())
                .collect(),
            queue.clone(),
            sinks::names(&config.alerts.sinks),
        ));
        let (stream, _) = tokio::sync::broadcast::channel(STREAM_CAPACITY);
        let (stop, shutdown) = tokio::sync::watch::channel(false);
        let state = Arc::new(ServiceState {
            live: Arc::new(LiveView::new()),
            network: Arc::default(),
            db: Mutex::new(Store::open_read_only(&config.store.path)?),
            db_writer: Mutex::new(Store::open(&config.store.path)?),
            zones: RwLock::new(zones_view),
            metrics,
            stream,
            token: config.server.token.clone(),
            allowed_hosts: config.server.allowed_hosts.clone(),
            tile_hosts: config.server.tile_hosts.clone(),
            limits: config.server.limits(),
            control: Mutex::new(None),
            shutdown,
            started: now,
            receiver: config
                .receiver
                .map(|r| (r.lat, r.lon))
                .or_else(|| checked.sources.iter().find_map(|s| s.spec.position)),
        });
        Ok(Self {
            checkpointer: Store::open(&config.store.path)?,
            zones,
            identity: IdentityResolver::new(db),
            store,
            pushed,
            state,
            stop,
            counters,
            queue,
            closed_flights,
            checked,
            worker,
        })
    }

    /// The checked configuration.
    pub fn config(&self) -> &Checked {
        &self.checked
    }

    /// The addresses receivers push to, with their sources (port 0 resolved).
    pub fn push_addresses(&self) -> Vec<(&SourceSpec, SocketAddr)> {
        self.pushed
            .iter()
            .filter_map(|(i, l)| Some((&self.checked.sources.get(*i)?.spec, l.local_addr().ok()?)))
            .collect()
    }

    /// Flights a previous run left open that were marked ended at start.
    pub fn closed_flights(&self) -> u64 {
        self.closed_flights
    }

    /// What the HTTP side reads (also for tests that look inside a running service).
    pub fn state(&self) -> Arc<ServiceState> {
        self.state.clone()
    }

    /// Run until `shutdown` completes: pipeline and writer threads, sources, and the HTTP API
    /// on `listener`. Then stop the sources, drain the pipeline, commit and checkpoint.
    ///
    /// Must run inside a tokio runtime (the sources, the webhook sink and HTTP are tasks).
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServiceError> {
        let Service {
            checked,
            zones,
            identity,
            store,
            checkpointer,
            pushed,
            state,
            stop,
            counters,
            queue,
            worker,
            ..
        } = self;
        let config = &checked.config;
        let runtime = tokio::runtime::Handle::current();
        let mut opened = Vec::new();
        // Webhook spools live beside the store (the working directory, with PostgreSQL).
        let spool_dir = if vigia_store::is_postgres(&config.store.path) {
            Some(std::path::Path::new("."))
        } else {
            config.store.path.parent().map(|p| {
                if p.as_os_str().is_empty() {
                    std::path::Path::new(".")
                } else {
                    p
                }
            })
        };
        // Links in chat alerts: where people open the map.
        let public_url = config
            .alerts
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.server.listen));
        for (index, s) in config.alerts.sinks.iter().enumerate() {
            let sink = sinks::open(
                s,
                &runtime,
                state.metrics.clone(),
                index,
                spool_dir,
                &public_url,
            )
            .map_err(|source| ServiceError::Sink { index, source })?;
            opened.push(sink);
        }
        let alerter = Alerter::new(&config.alerts, opened, state.metrics.clone());
        // The tracker's receiver: the configured one, else the first source's.
        let mut tracker = config.tracker.clone();
        let receiver = config
            .receiver
            .map(|p| (p.lat, p.lon))
            .or_else(|| checked.sources.iter().find_map(|s| s.spec.position));
        if let Some((lat, lon)) = receiver {
            tracker.receiver = Some(LatLon { lat, lon });
        }
        let (role, open_flights) = worker.unzip();
        let handle = pipeline::spawn(PipelineParts {
            settings: config.pipeline.clone(),
            tracker,
            analyzer: AnalyzerConfig {
                approach_nm: config.approach_nm,
                dark: config.dark.detect(),
                // Tell the receiver owner about an orbit while it is flown, not when it ends.
                live_orbits: true,
                ..AnalyzerConfig::default()
            },
            zones,
            identity,
            inputs: checked.sources.iter().map(|s| s.spec.id.clone()).collect(),
            network: crate::config::mlat_stations(&checked.network),
            queue: queue.clone(),
            metrics: state.metrics.clone(),
            live: state.live.clone(),
            network_view: state.network.clone(),
            positions: checked.sources.iter().map(|s| s.spec.position).collect(),
            stream: state.stream.clone(),
            store,
            alerter,
            retain_days: config.store.retain_days,
            checkpointer: Some(checkpointer),
            bus: role.as_ref().map(|role| BusPart {
                partition: role.partition,
                partitions: role.settings.partitions,
                replay_until: role.resume.map_or(0, |o| o.seq),
                open_flights: open_flights.unwrap_or_default(),
                committed: role.committed.clone(),
            }),
        })
        .map_err(ServiceError::Thread)?;
        *state.control.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle.control());

        if let Some(role) = role {
            crate::bus::start_worker(role, &checked, queue.clone(), &state)?;
        } else {
            start_sources(&checked, pushed, &queue, &counters, &state.shutdown)?;
        }
        let mut http_shutdown = state.shutdown.clone();
        let server = tokio::spawn(crate::http::serve(listener, state.clone(), async move {
            let _ = http_shutdown.wait_for(|stop| *stop).await;
        }));
        shutdown.await;
        let _ = stop.send(true);
        let served = match server.await {
            Ok(result) => result.map_err(ServiceError::from),
            Err(e) => Err(ServiceError::Http(ServeError::Io(std::io::Error::other(
                e.to_string(),
            )))),
        };
        // Sources have stopped: let the pipeline drain what it took, commit and checkpoint.
        queue.close();
        let _ = tokio::task::spawn_blocking(move || handle.join()).await;
        served
    }
}

/// Bind the ports receivers push to, by source index.
pub(crate) fn bind_pushed(
    checked: &Checked,
) -> Result<Vec<(usize, std::net::TcpListener)>, ServiceError> {
    let mut pushed = Vec::new();
    for (i, s) in checked.sources.iter().enumerate().filter(|(_, s)| s.listen) {
        let listener = std::net::TcpListener::bind(&s.spec.address)
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|source| ServiceError::Listen {
                address: s.spec.address.clone(),
                source,
            })?;
        pushed.push((i, listener));
    }
    Ok(pushed)
}

/// Start a task per source (clients that connect, listeners receivers push to) feeding
/// `queue`, until `shutdown` turns true. `pushed` are the bound listeners, by source index.
pub(crate) fn start_sources(
    checked: &Checked,
    pushed: Vec<(usize, std::net::TcpListener)>,
    queue: &Arc<FrameQueue>,
    counters: &[Arc<SourceCounters>],
    shutdown: &tokio::sync::watch::Receiver<bool>,
) -> Result<(), ServiceError> {
    // Receivers that push are found by the id they announce, on any Beast listener.
    let routes = Arc::new(Routes {
        directory: vigia_feed::Directory::new(&checked.network),
        counters: counters.to_vec(),
    });
    let log = source_log(&checked.sources);
    let mut pushed = pushed.into_iter().peekable();
    for (i, s) in checked.sources.iter().enumerate() {
        let index = i as u16;
        let shutdown = shutdown.clone();
        if s.pushes {
            continue;
        }
        if s.listen {
            let Some((_, listener)) = pushed.next_if(|(at, _)| *at == i) else {
                continue;
            };
            let listener = tokio::net::TcpListener::from_std(listener).map_err(|source| {
                ServiceError::Listen {
                    address: s.spec.address.clone(),
                    source,
                }
            })?;
            tokio::spawn(run_listener(
                listener,
                index,
                s.spec.format,
                checked.client.stall_timeout,
                queue.clone(),
                counters[i].clone(),
                shutdown,
                (s.spec.format == vigia_feed::Format::Beast && !routes.directory.is_empty())
                    .then(|| routes.clone()),
                Some(log.clone()),
            ));
        } else {
            tokio::spawn(run_client(
                index,
                s.spec.clone(),
                checked.client,
                queue.clone(),
                counters[i].clone(),
                shutdown,
                Some(log.clone()),
            ));
        }
    }
    Ok(())
}

/// What happens to the sources' connections, on standard error: every connection made and
/// lost, and failed attempts — the 1st, 2nd, 4th, 8th… in a row, so that a receiver that
/// stays down is named about once per backoff ceiling, not once per attempt.
fn source_log(sources: &[crate::config::CheckedSource]) -> SourceLog {
    let names: Vec<String> = sources
        .iter()
        .map(|s| {
            let (kind, id, at) = (
                if s.listen { "listener" } else { "source" },
                &s.spec.id,
                &s.spec.address,
            );
            if id.is_empty() || id == at {
                format!("{kind} {at}")
            } else {
                format!("{kind} {id} ({at})")
            }
        })
        .collect();
    Arc::new(move |source: u16, event: &SourceEvent| {
        let name = names
            .get(usize::from(source))
            .map_or_else(|| format!("source {source}"), Clone::clone);
        if let Some(line) = source_line(&name, event) {
            eprintln!("{line}");
        }
    })
}

/// The log line for `event` of the source called `name`, if it is worth a line.
pub(crate) fn source_line(name: &str, event: &SourceEvent) -> Option<String> {
    let secs = |d: &std::time::Duration| format!("{:.1} s", d.as_secs_f64());
    Some(match event {
        SourceEvent::Connected { peer } => format!("vigia: {name}: connected ({peer})"),
        SourceEvent::ConnectFailed {
            error,
            attempt,
            retry_in,
        } => {
            if !attempt.is_power_of_two() {
                return None;
            }
            let again = if *attempt > 1 {
                format!(" ({attempt} attempts in a row)")
            } else {
                String::new()
            };
            format!(
                "vigia: {name}: cannot connect: {error}{again}; retrying in {}",
                secs(retry_in)
            )
        }
        SourceEvent::Ended {
            peer,
            stalled,
            records,
            retry_in,
        } => {
            let how = match (stalled, records) {
                (true, _) => "stalled (nothing received for the stall timeout), closed",
                (false, true) => "connection closed",
                (false, false) => "connection closed before any frame",
            };
            match retry_in {
                Some(d) => format!("vigia: {name}: {how} ({peer}); reconnecting in {}", secs(d)),
                None => format!("vigia: {name}: {how} ({peer})"),
            }
        }
    })
}

fn read_aircraft_db(path: &std::path::Path) -> Result<AircraftDb, ServiceError> {
    let name = || path.display().to_string();
    // Plain, or compressed as `vigia aircraft-db import` installs it (gzip).
    let file = vigia_feed::open_text(path).map_err(|source| ServiceError::AircraftDbOpen {
        path: name(),
        source,
    })?;
    AircraftDb::read(file).map_err(|source| ServiceError::AircraftDb {
        path: name(),
        source,
    })
}
