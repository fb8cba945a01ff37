//! `vigia run`: the long-running service — sources, pipeline, store, alerts and HTTP API.
//!
//! Wiring only: the configuration (`config.rs`, overridden by flags) decides the sources, the
//! zones, the store and the alerts; `vigia_feed::net` reads the sockets; `vigia_server` runs
//! the pipeline and writer threads and the API. On SIGINT or SIGTERM the sources stop, the
//! pipeline drains what it has taken, the store commits and checkpoints, and the process exits.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result};
use vigia_detect::identity::{AircraftDb, IdentityResolver};
use vigia_detect::AnalyzerConfig;
use vigia_feed::net::{run_client, run_listener, unix_now, FrameQueue, SourceCounters, SourceSpec};
use vigia_modes::cpr::LatLon;
use vigia_server::alert::{sinks, Alerter};
use vigia_server::api::{Shared, ZoneLoader};
use vigia_server::live::LiveView;
use vigia_server::metrics::Metrics;
use vigia_server::pipeline::{self, PipelineParts};
use vigia_server::{AppState, ZonesView};
use vigia_store::{ReceiverRow, Store};
use vigia_zones::{ZoneIndex, ZoneSet};

use super::config::{Checked, Config, ListenerConfig, Position, SourceConfig};

/// Arguments of `vigia run`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia run --connect beast://127.0.0.1:30005 --lat 32.5 --lon -117.0
  vigia run --connect beast://rx1:30005 --connect sbs://rx2:30003 --zones MEX,USA --db /var/lib/vigia.db
  vigia run --accept beast://127.0.0.1:30104      # receivers push (readsb --net-connector ...,beast_out)
  vigia run --config vigia.toml                   # everything else: sources, alerts, token, retention

The API listens on 127.0.0.1:8080 by default: /api/aircraft, /api/events, /api/stream, /metrics, ...")]
pub struct Args {
    /// Configuration file (TOML); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Connect to a receiver: beast://HOST:30005, avr://HOST:30002, sbs://HOST:30003 (repeatable).
    #[arg(long, value_name = "URL")]
    connect: Vec<String>,
    /// Listen for receivers that push: beast://ADDRESS:PORT (repeatable).
    #[arg(long, value_name = "URL")]
    accept: Vec<String>,
    /// HTTP API address.
    #[arg(long, value_name = "ADDRESS")]
    listen: Option<String>,
    /// SQLite database file.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Zones to watch (`MEX,USA`, `MEX+12nm`, a GeoJSON file).
    #[arg(long)]
    zones: Option<String>,
    /// Receiver latitude, degrees.
    #[arg(long, allow_hyphen_values = true, requires = "lon")]
    lat: Option<f64>,
    /// Receiver longitude, degrees.
    #[arg(long, allow_hyphen_values = true, requires = "lat")]
    lon: Option<f64>,
    /// Keep positions this many days (events are kept).
    #[arg(long)]
    retain_days: Option<f64>,
    /// Also write alerts as JSON lines to this file.
    #[arg(long, value_name = "FILE")]
    alert_file: Option<String>,
}

/// The configuration file with the flags applied.
fn configure(args: &Args) -> Result<Checked> {
    let mut config = match &args.config {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    for url in &args.connect {
        config.sources.push(SourceConfig {
            url: url.clone(),
            id: None,
            lat: None,
            lon: None,
        });
    }
    for url in &args.accept {
        let spec: SourceSpec = url.parse().with_context(|| format!("--accept {url}"))?;
        config.listeners.push(ListenerConfig {
            bind: spec.address,
            format: spec.format.name().into(),
            id: None,
        });
    }
    if let Some(listen) = &args.listen {
        config.server.listen = listen.clone();
    }
    if let Some(db) = &args.db {
        config.store.path = db.clone();
    }
    if let Some(zones) = &args.zones {
        config.zones = zones.clone();
    }
    if let (Some(lat), Some(lon)) = (args.lat, args.lon) {
        config.receiver = Some(Position { lat, lon });
    }
    if let Some(days) = args.retain_days {
        config.store.retain_days = days;
    }
    if let Some(path) = &args.alert_file {
        config
            .alerts
            .sinks
            .push(vigia_server::SinkSettings::File { path: path.clone() });
        if config.alerts.rules.is_empty() {
            config.alerts.rules.push(vigia_server::AlertRule::default());
        }
    }
    config.check().map_err(|problems| {
        anyhow::anyhow!(
            "the configuration has problems:\n  {}",
            problems.join("\n  ")
        )
    })
}

fn load_zones(spec: &str) -> Result<(Arc<ZoneIndex>, ZonesView), String> {
    let set = ZoneSet::parse_spec(spec).map_err(|e| format!("zones {spec:?}: {e}"))?;
    let index = ZoneIndex::new(&set);
    let view = ZonesView::new(spec, &set, &index);
    Ok((Arc::new(index), view))
}

/// Run `vigia run`.
pub fn run(args: Args) -> Result<ExitCode> {
    let checked = configure(&args)?;
    let config = checked.config;
    let (zones, zones_view) = load_zones(&config.zones).map_err(anyhow::Error::msg)?;
    let db = match &config.aircraft_db {
        Some(path) => {
            let file = std::fs::File::open(path)
                .with_context(|| format!("{}: cannot open aircraft database", path.display()))?;
            Some(
                AircraftDb::read(std::io::BufReader::new(file)).with_context(|| {
                    format!("{}: cannot read aircraft database", path.display())
                })?,
            )
        }
        None => None,
    };
    let mut store = Store::open(&config.store.path)?;
    let closed = store.close_open_flights()?;
    if closed > 0 {
        eprintln!("vigia: {closed} flights of the previous run marked ended");
    }
    let now = unix_now();
    for s in &checked.sources {
        store.upsert_receiver(&ReceiverRow {
            id: s.spec.id.clone(),
            url: if s.listen {
                format!("{}-listen://{}", s.spec.format.name(), s.spec.address)
            } else {
                s.spec.url()
            },
            position: s.spec.position,
            seen: now,
        })?;
    }
    let api_db = Store::open_read_only(&config.store.path)?;
    let ack_db = Store::open(&config.store.path)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("vigia-io")
        .build()
        .context("starting the async runtime")?;
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
        config.alerts.sinks.iter().map(sinks::name).collect(),
    ));
    let mut opened = Vec::new();
    for (i, s) in config.alerts.sinks.iter().enumerate() {
        opened.push(sinks::open(s, runtime.handle(), metrics.clone(), i)?);
    }
    let alerter = Alerter::new(&config.alerts, opened, metrics.clone());
    let live = Arc::new(LiveView::new());
    let (stream, _) = tokio::sync::broadcast::channel(4096);
    let (stop, shutdown) = tokio::sync::watch::channel(false);

    // The tracker's receiver: the configured one, else the first source's.
    let mut tracker = config.tracker.clone();
    let receiver = config
        .receiver
        .map(|p| (p.lat, p.lon))
        .or_else(|| checked.sources.iter().find_map(|s| s.spec.position));
    if let Some((lat, lon)) = receiver {
        tracker.receiver = Some(LatLon { lat, lon });
    }
    let handle = pipeline::spawn(PipelineParts {
        settings: config.pipeline.clone(),
        tracker,
        analyzer: AnalyzerConfig {
            approach_nm: config.approach_nm,
            // Tell the receiver owner about an orbit while it is flown, not when it ends.
            live_orbits: true,
            ..AnalyzerConfig::default()
        },
        zones,
        identity: IdentityResolver::new(db),
        inputs: checked.sources.iter().map(|s| s.spec.id.clone()).collect(),
        queue: queue.clone(),
        metrics: metrics.clone(),
        live: live.clone(),
        stream: stream.clone(),
        store,
        alerter,
        retain_days: config.store.retain_days,
        checkpointer: Some(Store::open(&config.store.path)?),
    })
    .context("starting the pipeline")?;

    let served = runtime.block_on(async {
        for (i, s) in checked.sources.iter().enumerate() {
            let index = i as u16;
            if s.listen {
                let listener = tokio::net::TcpListener::bind(&s.spec.address)
                    .await
                    .with_context(|| format!("{}: cannot listen", s.spec.address))?;
                eprintln!(
                    "vigia: accepting {} on {}",
                    s.spec.format,
                    listener.local_addr()?
                );
                tokio::spawn(run_listener(
                    listener,
                    index,
                    s.spec.format,
                    checked.client.stall_timeout,
                    queue.clone(),
                    counters[i].clone(),
                    shutdown.clone(),
                ));
            } else {
                tokio::spawn(run_client(
                    index,
                    s.spec.clone(),
                    checked.client,
                    queue.clone(),
                    counters[i].clone(),
                    shutdown.clone(),
                ));
            }
        }
        let listener = tokio::net::TcpListener::bind(checked.listen)
            .await
            .with_context(|| format!("{}: cannot listen for the API", checked.listen))?;
        eprintln!(
            "vigia: api listening on http://{} ({} sources, zones {}, db {})",
            listener.local_addr()?,
            checked.sources.len(),
            config.zones,
            config.store.path.display()
        );
        let zones_spec = config.zones.clone();
        let loader: Arc<ZoneLoader> = Arc::new(move || load_zones(&zones_spec));
        let state = AppState {
            inner: Arc::new(Shared {
                live,
                db: Mutex::new(api_db),
                db_writer: Mutex::new(ack_db),
                zones: std::sync::RwLock::new(zones_view),
                metrics,
                stream,
                token: config.server.token.clone(),
                reload: Some((loader, Mutex::new(handle.control()))),
                shutdown: shutdown.clone(),
                started: now,
            }),
        };
        let mut server_shutdown = shutdown.clone();
        let server = tokio::spawn(vigia_server::run(listener, state, async move {
            let _ = server_shutdown.wait_for(|stop| *stop).await;
        }));
        let signal = wait_for_signal().await;
        eprintln!("vigia: {signal}: shutting down");
        let _ = stop.send(true);
        match server.await {
            Ok(result) => result.map_err(anyhow::Error::from),
            Err(e) => Err(anyhow::anyhow!("HTTP server: {e}")),
        }
    });
    // Sources have stopped: let the pipeline drain what it took, commit and checkpoint.
    queue.close();
    handle.join();
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    served?;
    eprintln!(
        "vigia: stopped; database {} flushed",
        config.store.path.display()
    );
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        let _ = tokio::signal::ctrl_c().await;
        return "interrupt";
    };
    tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    }
}
