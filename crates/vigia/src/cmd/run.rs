//! `vigia run`: the long-running service — sources, pipeline, store, alerts and HTTP API.
//!
//! Wiring only: the configuration file (`vigia_server::config`), overridden by flags, decides
//! the sources, the zones, the store and the alerts; [`vigia_server::Service`] runs them. On
//! SIGINT or SIGTERM the sources stop, the pipeline drains what it has taken, the store commits
//! and checkpoints, and the process exits.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use vigia_feed::net::SourceSpec;
use vigia_server::config::{Config, ListenerConfig, Position, SourceConfig};
use vigia_server::{AlertRule, Service, SinkSettings};

/// Arguments of `vigia run`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia run --connect beast://127.0.0.1:30005 --lat 32.5 --lon -117.0
  vigia run --connect beast://rx1:30005 --connect sbs://rx2:30003 --zones MEX,USA --db /var/lib/vigia.db
  vigia run --accept beast://127.0.0.1:30104      # receivers push (readsb --net-connector ...,beast_out)
  vigia run --receivers receivers.toml            # a network: multilateration of aircraft without a position
  vigia run --connect 'beast://rx1:30005?id=nogales&lat=31.34&lon=-110.94&alt=1200' --connect ...
                                                  # the same, each receiver described in its URL
  vigia run --config vigia.toml                   # everything else: sources, alerts, token, retention

The API listens on 127.0.0.1:8080 by default: /api/aircraft, /api/events, /api/stream, /metrics, ...")]
pub struct Args {
    /// Configuration file (TOML); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Connect to a receiver: beast://HOST:30005, avr://HOST:30002, sbs://HOST:30003 (repeatable).
    /// `?id=NAME&lat=..&lon=..&alt=..[&clock=12mhz|gps]` says which receiver it is; one with a
    /// height is multilaterated with the others.
    #[arg(long, value_name = "URL")]
    connect: Vec<String>,
    /// A receivers file (TOML, `[[receiver]]` with id, lat, lon, alt_m, clock, connect): connect
    /// to every receiver and locate aircraft without a position by multilateration.
    #[arg(long, value_name = "FILE")]
    receivers: Option<PathBuf>,
    /// Listen for receivers that push: beast://ADDRESS:PORT (repeatable).
    #[arg(long, value_name = "URL")]
    accept: Vec<String>,
    /// HTTP API address.
    #[arg(long, value_name = "ADDRESS")]
    listen: Option<String>,
    /// The store: a SQLite file, or a PostgreSQL + PostGIS database
    /// (`postgres://user:password@host:port/db`).
    #[arg(long, value_name = "FILE|URL")]
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
pub(crate) fn configure(args: &Args) -> Result<Config> {
    let mut config = match &args.config {
        Some(path) => Config::read(path)?,
        None => Config::default(),
    };
    if let Some(path) = &args.receivers {
        config.receivers = Some(path.clone());
    }
    for url in &args.connect {
        config.sources.push(SourceConfig {
            url: url.clone(),
            id: None,
            lat: None,
            lon: None,
            alt_m: None,
            clock: None,
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
            .push(SinkSettings::File { path: path.clone() });
        if config.alerts.rules.is_empty() {
            config.alerts.rules.push(AlertRule::default());
        }
    }
    Ok(config)
}

/// Run `vigia run`.
pub fn run(args: Args) -> Result<ExitCode> {
    serve(configure(&args)?)
}

/// Run the service with `config` until SIGINT or SIGTERM.
pub fn serve(config: Config) -> Result<ExitCode> {
    serve_service(Service::new(config)?)
}

/// Run `service` until SIGINT or SIGTERM.
pub(crate) fn serve_service(service: Service) -> Result<ExitCode> {
    let closed = service.closed_flights();
    if closed > 0 {
        eprintln!("vigia: {closed} flights of the previous run marked ended");
    }
    for (spec, address) in service.push_addresses() {
        eprintln!("vigia: accepting {} on {address}", spec.format);
    }
    let checked = service.config();
    let (listen, sources) = (checked.listen, checked.sources.len());
    let (zones, db) = (
        checked.config.zones.clone(),
        checked.config.store.path.clone(),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("vigia-io")
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("{listen}: cannot listen for the API"))?;
        eprintln!(
            "vigia: api listening on http://{} ({sources} sources, zones {zones}, db {})",
            listener.local_addr()?,
            vigia_store::shown(&db)
        );
        service
            .serve(listener, async {
                let signal = wait_for_signal().await;
                eprintln!("vigia: {signal}: shutting down");
            })
            .await
            .map_err(anyhow::Error::from)
    })?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    eprintln!(
        "vigia: stopped; database {} flushed",
        vigia_store::shown(&db)
    );
    Ok(ExitCode::SUCCESS)
}

pub(crate) async fn wait_for_signal() -> &'static str {
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
