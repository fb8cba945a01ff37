//! The live ceiling of `vigia run` (loopback only, bounded in time): the real corpus replayed by
//! thousands of copies at once — each copy a different set of ICAO addresses (parity
//! recomputed) starting at a different point of the corpus — as one Beast stream in real time
//! (`tests/it/load_gen.rs`), at rising rates, each held `VIGIA_LOAD_SECONDS` (60) against a
//! fresh `vigia run`.
//!
//! A rate is *held* when vigia read every frame sent, dropped none from its queue, processed
//! them all, and the alert latency's 99th percentile — from the arrival of the frame that made
//! an event to the alert's emission, measured by vigia and written in each alert
//! (`latency_ms`) — is at most 100 ms. Alerts come from 10 zone bands laid across the corpus
//! flight's route (48 nm apart; closest approaches within 5 nm).
//!
//! The search doubles the rate from `VIGIA_LOAD_START` (100 000 frames/s) until a rate is not
//! held, then halves the interval twice. For each trial: frames sent, read, processed,
//! dropped; latency p50/p99/max; the resident memory at the end and per aircraft tracked; and
//! each of vigia's threads' share of a core over the trial — the stage that binds is the one
//! near 100 %. The load generator runs on the same two cores: when it cannot send the rate
//! (less than 98 % of it), the search stops there and says so.
//!
//! `cargo bench -p vigia --bench load` (about 8 minutes); `VIGIA_LOAD_RATE=N` runs one trial
//! at N frames/s instead.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/it/load_gen.rs"]
mod load_gen;

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use load_gen::{bands_geojson, env_or, get, metric, percentile, rss_kib, LoadPlan};

/// CPU seconds (user + system) of each thread of `pid`, summed by thread name.
fn thread_cpu(pid: u32) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return out;
    };
    for task in tasks.flatten() {
        let path = task.path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        let stat = std::fs::read_to_string(path.join("stat")).unwrap_or_default();
        // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            continue;
        };
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks: f64 = [11, 12]
            .iter()
            .filter_map(|&i| fields.get(i).and_then(|v| v.parse::<f64>().ok()))
            .sum();
        *out.entry(name.trim().to_string()).or_default() += ticks / 100.0;
    }
    out
}

struct Trial {
    rate: f64,
    sent: u64,
    elapsed: f64,
    read: f64,
    processed: f64,
    dropped: f64,
    latencies: Vec<f64>,
    rss_mib: f64,
    /// Resident memory before the first frame.
    idle_mib: f64,
    aircraft: f64,
    /// Each thread's share of a core over the trial, busiest first.
    threads: Vec<(String, f64)>,
}

impl Trial {
    fn generator_kept_up(&self) -> bool {
        self.sent as f64 >= 0.98 * self.rate * (self.elapsed.min(self.seconds()))
    }

    fn seconds(&self) -> f64 {
        env_or("VIGIA_LOAD_SECONDS", 60.0)
    }

    /// Resident memory above idle per aircraft tracked, KiB.
    fn per_aircraft_kib(&self) -> f64 {
        (self.rss_mib - self.idle_mib) * 1024.0 / self.aircraft.max(1.0)
    }

    fn held(&self) -> bool {
        self.dropped == 0.0
            && self.read >= self.sent as f64
            && self.processed >= self.read
            && percentile(&self.latencies, 0.99) <= 100.0
    }

    fn print(&self) {
        println!(
            "{:>9.0} frames/s asked, {:.0} sent: read {:.0}, processed {:.0}, dropped {:.0}; alerts {} p50 {:.1} ms p99 {:.1} ms max {:.1} ms; RSS {:.0} MiB ({:.0} idle), {:.0} aircraft ({:.1} KiB each above idle) -> {}",
            self.rate,
            self.sent as f64 / self.elapsed,
            self.read,
            self.processed,
            self.dropped,
            self.latencies.len(),
            percentile(&self.latencies, 0.5),
            percentile(&self.latencies, 0.99),
            self.latencies.last().copied().unwrap_or(f64::NAN),
            self.rss_mib,
            self.idle_mib,
            self.aircraft,
            self.per_aircraft_kib(),
            if !self.generator_kept_up() {
                "generator could not send the rate"
            } else if self.held() {
                "held"
            } else {
                "NOT held"
            }
        );
        let busy: Vec<String> = self
            .threads
            .iter()
            .take(5)
            .map(|(name, share)| format!("{name} {:.0} %", share * 100.0))
            .collect();
        println!("          threads (share of a core): {}", busy.join(", "));
    }
}

fn trial(root: &Path, rate: f64, seconds: f64) -> Trial {
    let mut plan = LoadPlan::new(root, rate, seconds);
    println!(
        "{rate:.0} frames/s: {} copies of the {}-frame corpus at once",
        plan.copies(),
        plan.corpus_frames()
    );
    let dir = tempfile::tempdir().unwrap();
    let zones = dir.path().join("bands.geojson");
    std::fs::write(&zones, bands_geojson(10, 0.8)).unwrap();
    let alerts = dir.path().join("alerts.jsonl");
    let config = dir.path().join("vigia.toml");
    std::fs::write(
        &config,
        format!(
            "zones = {:?}\napproach_nm = 5\n[server]\nlisten = \"127.0.0.1:0\"\n[store]\npath = {:?}\n\
             [[alerts.rules]]\nname = \"bands\"\ntypes = [\"zone_entry\"]\n\
             [[alerts.sinks]]\nkind = \"file\"\npath = {:?}\n",
            zones.display().to_string(),
            dir.path().join("vigia.db").display().to_string(),
            alerts.display().to_string()
        ),
    )
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let source = listener.local_addr().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["run", "--config", config.to_str().unwrap()])
        .args(["--connect", &format!("beast://{source}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let api = load_gen::api_address(&mut child);
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_nodelay(true).unwrap();
    let idle_mib = rss_kib(pid) as f64 / 1024.0;
    let cpu_before = thread_cpu(pid);
    let started = std::time::Instant::now();
    let sent = plan.play(&mut conn, seconds, |_| {});
    let elapsed = started.elapsed().as_secs_f64();
    let cpu_after = thread_cpu(pid);
    let mut threads: Vec<(String, f64)> = cpu_after
        .iter()
        .map(|(name, t)| {
            let before = cpu_before.get(name).copied().unwrap_or(0.0);
            (name.clone(), (t - before) / elapsed)
        })
        .collect();
    threads.sort_by(|a, b| b.1.total_cmp(&a.1));
    let m = get(api, "/metrics");
    let aircraft = metric(&m, "vigia_tracked_aircraft");
    let rss_mib = rss_kib(pid) as f64 / 1024.0;
    // Let vigia drain its queue, then account for every frame.
    std::thread::sleep(Duration::from_secs(3));
    let m = get(api, "/metrics");
    let (read, processed, dropped) = (
        metric(&m, "vigia_source_records_total"),
        metric(&m, "vigia_pipeline_records_total"),
        metric(&m, "vigia_queue_dropped_total"),
    );
    drop(conn);
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = child.wait();
    let mut latencies: Vec<f64> = std::fs::read_to_string(&alerts)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["alert"]["latency_ms"].as_f64())
        .collect();
    latencies.sort_by(f64::total_cmp);
    Trial {
        rate,
        sent,
        elapsed,
        read,
        processed,
        dropped,
        latencies,
        rss_mib,
        idle_mib,
        aircraft,
        threads,
    }
}

fn main() {
    let seconds = env_or("VIGIA_LOAD_SECONDS", 60.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    if let Ok(rate) = std::env::var("VIGIA_LOAD_RATE") {
        let rate: f64 = rate.parse().expect("VIGIA_LOAD_RATE: frames per second");
        trial(&root, rate, seconds).print();
        return;
    }
    println!("the live ceiling: each rate held {seconds:.0} s against a fresh vigia run");
    let mut held: Option<Trial> = None;
    let mut failed: Option<f64> = None;
    let mut rate = env_or("VIGIA_LOAD_START", 100_000.0);
    let mut bisections = 0;
    loop {
        let t = trial(&root, rate, seconds);
        t.print();
        if !t.generator_kept_up() {
            println!("the generator (on the same cores) could not send {rate:.0} frames/s: the search stops here");
            break;
        }
        if t.held() {
            held = Some(t);
        } else {
            failed = Some(rate);
        }
        let low = held.as_ref().map_or(0.0, |h| h.rate);
        rate = match failed {
            None => rate * 2.0,
            Some(high) if bisections < 2 => {
                bisections += 1;
                ((low + high) / 2.0 / 1000.0).round() * 1000.0
            }
            Some(_) => break,
        };
    }
    match held {
        Some(t) => {
            println!(
                "ceiling: {:.0} frames/s held for {seconds:.0} s (p99 alert latency {:.1} ms, 0 dropped); RSS {:.0} MiB ({:.0} idle) with {:.0} aircraft tracked: {:.1} KiB per aircraft above idle",
                t.sent as f64 / t.elapsed,
                percentile(&t.latencies, 0.99),
                t.rss_mib,
                t.idle_mib,
                t.aircraft,
                t.per_aircraft_kib()
            );
            if let Some((name, share)) = t.threads.first() {
                println!(
                    "busiest thread at the ceiling: {name} ({:.0} % of a core)",
                    share * 100.0
                );
            }
        }
        None => println!("no rate held"),
    }
}
