//! `vigia gateway` and `vigia worker`: the service cut in two across NATS JetStream, for a
//! receiver network too large for one process (see docs/deployment.md).
//!
//! Wiring only: the gateway takes the receivers of the configuration (as `vigia run` does) and
//! publishes their frames by aircraft address ([`vigia_server::bus::Gateway`]); a worker runs
//! the service's pipeline, store, alerts and API on one partition
//! ([`vigia_server::Service::worker`]).

use std::process::ExitCode;

use anyhow::{Context, Result};
use vigia_server::bus::{parse_partition, BusSettings, Gateway};
use vigia_server::Service;

/// Where the bus is (both commands).
#[derive(clap::Args)]
pub struct BusArgs {
    /// The NATS server with JetStream (`nats-server -js`); several separated by commas.
    #[arg(long, value_name = "URL", default_value = "nats://127.0.0.1:4222")]
    nats: String,
    /// The JetStream stream of frames.
    #[arg(long, default_value = "VIGIA_FRAMES")]
    stream: String,
    /// Its subjects: SUBJECT.<partition>.
    #[arg(long, default_value = "vigia.frames")]
    subject: String,
}

impl BusArgs {
    fn settings(&self, partitions: u32) -> BusSettings {
        BusSettings {
            url: self.nats.clone(),
            stream: self.stream.clone(),
            subject: self.subject.clone(),
            partitions,
            ..BusSettings::default()
        }
    }
}

/// Arguments of `vigia gateway`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia gateway --partitions 4 --connect beast://rx1:30005 --accept beast://0.0.0.0:30104
  vigia gateway --partitions 4 --config network.toml --nats nats://bus1:4222,nats://bus2:4222

Then one worker per partition: vigia worker --partition 0/4 --config network.toml --db postgres://...")]
pub struct GatewayArgs {
    #[command(flatten)]
    bus: BusArgs,
    /// Cut the stream into this many partitions by aircraft address (the workers' N).
    #[arg(long, default_value_t = 1)]
    partitions: u32,
    /// Keep frames in the stream this many hours (at least a takeover's replay).
    #[arg(long, default_value_t = 24.0)]
    retain_hours: f64,
    #[command(flatten)]
    run: super::run::Args,
}

/// Arguments of `vigia worker`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia worker --partition 0/2 --config network.toml --db postgres://vigia@db/vigia --listen 127.0.0.1:8081
  vigia worker --partition 1/2 --config network.toml --db postgres://vigia@db/vigia --listen 127.0.0.1:8082

The configuration's sources name the receivers (ids and positions, for evidence and
multilateration); a worker does not connect to them. A worker that dies is replaced by starting
another with the same --partition: it goes on from what the store has committed.")]
pub struct WorkerArgs {
    #[command(flatten)]
    bus: BusArgs,
    /// The partition: i/N (0 <= i < N), N as the gateway's --partitions.
    #[arg(long, value_name = "i/N", value_parser = parse_partition)]
    partition: (u32, u32),
    /// Replay the frames published this many seconds before where the previous worker
    /// stopped (tracks, pairs and zone states are rebuilt from them; nothing is written twice).
    #[arg(long, default_value_t = 60.0)]
    replay_s: f64,
    #[command(flatten)]
    run: super::run::Args,
}

/// Run `vigia gateway` until SIGINT or SIGTERM.
pub fn gateway(args: GatewayArgs) -> Result<ExitCode> {
    let config = super::run::configure(&args.run)?;
    if args.partitions == 0 || args.partitions > 4096 {
        anyhow::bail!("--partitions: 1 to 4096");
    }
    let mut settings = args.bus.settings(args.partitions);
    settings.max_age_s = args.retain_hours * 3600.0;
    let gateway = Gateway::new(config, settings.clone())?;
    for (id, address) in gateway.push_addresses() {
        eprintln!("vigia gateway: accepting {id} on {address}");
    }
    let stats = gateway.stats();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("vigia-io")
        .build()
        .context("starting the async runtime")?;
    eprintln!(
        "vigia gateway: publishing to {} (stream {}, {} partitions)",
        settings.url, settings.stream, settings.partitions
    );
    runtime.block_on(gateway.run(async {
        let signal = super::run::wait_for_signal().await;
        eprintln!("vigia gateway: {signal}: shutting down");
    }))?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    let load = |a: &std::sync::atomic::AtomicU64| a.load(std::sync::atomic::Ordering::Relaxed);
    eprintln!(
        "vigia gateway: stopped; {} frames, {} published, {} dropped, {} retried, {} not frames, {} given up",
        load(&stats.frames),
        load(&stats.published),
        load(&stats.dropped),
        load(&stats.retried),
        load(&stats.not_frames),
        load(&stats.given_up)
    );
    Ok(ExitCode::SUCCESS)
}

/// Run `vigia worker` until SIGINT or SIGTERM.
pub fn worker(args: WorkerArgs) -> Result<ExitCode> {
    let config = super::run::configure(&args.run)?;
    let (partition, partitions) = args.partition;
    let mut settings = args.bus.settings(partitions);
    settings.replay_s = args.replay_s.max(0.0);
    eprintln!(
        "vigia worker: partition {partition}/{partitions} of stream {} at {}",
        settings.stream, settings.url
    );
    super::run::serve_service(Service::worker(config, settings, partition)?)
}
