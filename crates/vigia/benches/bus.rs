//! The frame bus end to end against `vigia run`, in one run on this machine: the real corpus
//! replayed by many copies at once (each its own ICAO addresses, parity recomputed:
//! `tests/it/load_gen.rs`) as one Beast stream, into
//! - `vigia run` on SQLite (the reference),
//! - `vigia gateway` → NATS JetStream (Debian's nats-server) → 1 `vigia worker` → PostgreSQL,
//! - the same with 2 workers (2 partitions),
//!
//! each in two phases: `VIGIA_BUS_RATE` frames/s (10 000) for `VIGIA_BUS_SECONDS` (30 s) —
//! alert latency p50/p99, from the frame's arrival at the gateway (or at `vigia run`) to the
//! alert, measured by the process that alerts and written in each alert (`latency_ms`); then
//! a burst of `VIGIA_BUS_BURST` frames/s (100 000) for 10 s — frames processed per second
//! until every frame is processed or counted dropped (the throughput: the bus keeps what the
//! workers have not taken yet; `vigia run`'s queue drops the oldest).
//!
//! `cargo bench -p vigia --bench bus` (about 4 minutes).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/it/load_gen.rs"]
mod load_gen;
#[path = "../tests/it/nats.rs"]
mod nats;

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use load_gen::{bands_geojson, env_or, get, metric, percentile, rss_kib, LoadPlan};

#[derive(Clone, Copy, PartialEq)]
enum Setup {
    Run,
    Bus(u32),
}

impl Setup {
    fn name(self) -> String {
        match self {
            Setup::Run => "vigia run, SQLite".into(),
            Setup::Bus(n) => format!("gateway -> JetStream -> {n} worker(s) -> PostgreSQL"),
        }
    }
}

/// The processes of one setup, and where their counters and alerts are.
struct Deployment {
    children: Vec<Child>,
    apis: Vec<SocketAddr>,
    alerts: Vec<PathBuf>,
    _nats: Option<nats::Nats>,
}

impl Deployment {
    fn processed(&self) -> f64 {
        self.apis
            .iter()
            .map(|a| metric(&get(*a, "/metrics"), "vigia_pipeline_records_total"))
            .sum()
    }

    fn dropped(&self) -> f64 {
        self.apis
            .iter()
            .map(|a| metric(&get(*a, "/metrics"), "vigia_queue_dropped_total"))
            .sum()
    }

    /// Each process's resident memory, MiB.
    fn rss_mib(&self) -> Vec<f64> {
        self.children
            .iter()
            .map(|c| rss_kib(c.id()) as f64 / 1024.0)
            .collect()
    }

    fn latencies(&self) -> Vec<f64> {
        let mut out: Vec<f64> = self
            .alerts
            .iter()
            .flat_map(|p| {
                std::fs::read_to_string(p)
                    .unwrap_or_default()
                    .lines()
                    .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                    .filter_map(|v| v["alert"]["latency_ms"].as_f64())
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort_by(f64::total_cmp);
        out
    }

    /// Stop everything; the gateway's last line (what it published and dropped), if any.
    fn stop(mut self) -> Option<String> {
        let mut said = None;
        for child in &mut self.children {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
        }
        for child in &mut self.children {
            if let Some(err) = child.stderr.take() {
                use std::io::BufRead;
                for line in std::io::BufReader::new(err).lines().map_while(Result::ok) {
                    if line.contains("vigia gateway: stopped") {
                        said = Some(line);
                    }
                }
            }
            let _ = child.wait();
        }
        said
    }
}

fn write_config(dir: &Path, name: &str, zones: &Path) -> (PathBuf, PathBuf) {
    let alerts = dir.join(format!("{name}-alerts.jsonl"));
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(
        &config,
        format!(
            "zones = {:?}\napproach_nm = 5\n[server]\nlisten = \"127.0.0.1:0\"\n\
             [[alerts.rules]]\nname = \"bands\"\ntypes = [\"zone_entry\"]\n\
             [[alerts.sinks]]\nkind = \"file\"\npath = {:?}\n",
            zones.display().to_string(),
            alerts.display().to_string()
        ),
    )
    .unwrap();
    (config, alerts)
}

fn deploy(setup: Setup, dir: &Path, source: SocketAddr) -> Deployment {
    let zones = dir.join("bands.geojson");
    std::fs::write(&zones, bands_geojson(10, 0.8)).unwrap();
    let feed = format!("beast://{source}?id=rx");
    let vigia = env!("CARGO_BIN_EXE_vigia");
    match setup {
        Setup::Run => {
            let (config, alerts) = write_config(dir, "run", &zones);
            let mut child = Command::new(vigia)
                .args([
                    "run",
                    "--config",
                    config.to_str().unwrap(),
                    "--connect",
                    &feed,
                ])
                .args(["--db", dir.join("run.db").to_str().unwrap()])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            let api = load_gen::api_address(&mut child);
            Deployment {
                children: vec![child],
                apis: vec![api],
                alerts: vec![alerts],
                _nats: None,
            }
        }
        Setup::Bus(n) => {
            let nats = nats::Nats::start(dir);
            let url = vigia_store::testing::fresh_database();
            let mut children = Vec::new();
            let mut apis = Vec::new();
            let mut all_alerts = Vec::new();
            for i in 0..n {
                let (config, alerts) = write_config(dir, &format!("worker{i}"), &zones);
                let mut child = Command::new(vigia)
                    .args(["worker", "--nats", &nats.url, "--partition"])
                    .arg(format!("{i}/{n}"))
                    .args(["--config", config.to_str().unwrap(), "--connect", &feed])
                    .args(["--db", &url])
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap();
                apis.push(load_gen::api_address(&mut child));
                children.push(child);
                all_alerts.push(alerts);
            }
            // The gateway last: the workers are waiting for its stream.
            let gateway = Command::new(vigia)
                .args(["gateway", "--nats", &nats.url, "--partitions"])
                .arg(n.to_string())
                .args(["--connect", &feed])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            children.push(gateway);
            Deployment {
                children,
                apis,
                alerts: all_alerts,
                _nats: Some(nats),
            }
        }
    }
}

struct Phase {
    sent: u64,
    seconds: f64,
    processed: f64,
    dropped: f64,
    /// From the start of sending until every frame was processed (or stood still), seconds.
    done_s: f64,
}

/// Send `rate` frames/s for `seconds` to whoever connects to `listener`, then wait until the
/// deployment has processed them all (or stands still for 5 s).
fn phase(
    plan: &mut LoadPlan,
    listener: &TcpListener,
    d: &Deployment,
    seconds: f64,
    before: f64,
) -> Phase {
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_nodelay(true).unwrap();
    let started = Instant::now();
    let sent = plan.play(&mut conn, seconds, |_| {});
    let mut last = (d.processed(), Instant::now());
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let processed = d.processed();
        if processed - before >= sent as f64 - d.dropped() {
            last = (processed, Instant::now());
            break;
        }
        if processed > last.0 {
            last = (processed, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(5) {
            break;
        }
    }
    drop(conn);
    Phase {
        sent,
        seconds,
        processed: last.0 - before,
        dropped: d.dropped(),
        done_s: last.1.duration_since(started).as_secs_f64(),
    }
}

fn main() {
    let rate = env_or("VIGIA_BUS_RATE", 10_000.0);
    let seconds = env_or("VIGIA_BUS_SECONDS", 30.0);
    let burst = env_or("VIGIA_BUS_BURST", 100_000.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    println!(
        "the real corpus as many address-varied copies: {rate:.0} frames/s for {seconds:.0} s, then {burst:.0} frames/s for 10 s"
    );
    let mut throughputs = Vec::new();
    for setup in [Setup::Run, Setup::Bus(1), Setup::Bus(2)] {
        let dir = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let d = deploy(setup, dir.path(), listener.local_addr().unwrap());
        let mut steady = LoadPlan::new(&root, rate, seconds);
        if setup == Setup::Run {
            println!(
                "({} copies of the {}-frame corpus at once)",
                steady.copies(),
                steady.corpus_frames()
            );
        }
        let held = phase(&mut steady, &listener, &d, seconds, 0.0);
        let latencies = d.latencies();
        let rss: Vec<String> = d.rss_mib().iter().map(|m| format!("{m:.0}")).collect();
        let mut burst_plan = LoadPlan::new(&root, burst, 10.0);
        let flood = phase(&mut burst_plan, &listener, &d, 10.0, held.processed);
        let throughput = flood.processed / flood.done_s.max(flood.seconds);
        let gateway = d.stop();
        println!("{}:", setup.name());
        println!(
            "  {:.0} frames/s: {} sent, {:.0} processed, {:.0} dropped, all done {:.1} s after the start; {} alerts, latency p50 {:.1} ms, p99 {:.1} ms",
            rate,
            held.sent,
            held.processed,
            held.dropped,
            held.done_s,
            latencies.len(),
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99)
        );
        println!(
            "  burst of {:.0} frames/s for 10 s: {} sent, {:.0} processed ({:.0} dropped in all) in {:.1} s: {:.0} frames/s end to end",
            burst, flood.sent, flood.processed, flood.dropped, flood.done_s, throughput
        );
        println!(
            "  resident memory after the steady phase, MiB ({}): {}",
            match setup {
                Setup::Run => "vigia run",
                Setup::Bus(_) => "workers, then the gateway",
            },
            rss.join(", ")
        );
        if let Some(line) = gateway {
            println!("  {line}");
        }
        throughputs.push((setup, throughput));
    }
    let reference = throughputs[0].1;
    for (setup, t) in &throughputs[1..] {
        println!(
            "{}: {:.2}x the frames/s of vigia run",
            setup.name(),
            t / reference
        );
    }
}
