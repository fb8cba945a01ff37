//! Load benchmark of `vigia run` (loopback only, bounded in time): the real corpus replayed by
//! thousands of copies at once — each copy a different set of ICAO addresses (parity
//! recomputed) starting at a different point of the corpus — as one Beast stream at
//! 200 000 frames/s for 60 s (`tests/it/load_gen.rs`).
//!
//! Reports: frames sent and how vigia accounts for every one (read, processed, dropped from
//! the queue), the resident memory of the vigia process every 5 s (flat after warm-up?), and
//! the alert latency — from the arrival of the frame that produced an event to the alert's
//! emission, measured by vigia and written in each alert (`latency_ms`) — p50, p99, max.
//! Alerts come from 10 zone bands laid across the corpus flight's route (48 nm apart;
//! closest approaches within 5 nm).
//!
//! `cargo bench -p vigia --bench load` (env `VIGIA_LOAD_RATE`, `VIGIA_LOAD_SECONDS` to change
//! the rate and the duration).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

#[path = "../tests/it/load_gen.rs"]
mod load_gen;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use load_gen::{bands_geojson, get, metric, rss_kib, LoadPlan};

fn env_or(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    let rate = env_or("VIGIA_LOAD_RATE", 200_000.0);
    let seconds = env_or("VIGIA_LOAD_SECONDS", 60.0);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut plan = LoadPlan::new(&root, rate, seconds);
    println!(
        "corpus: {} frames; {} copies for {rate:.0} frames/s, {seconds:.0} s",
        plan.corpus_frames(),
        plan.copies()
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

    let mut samples = Vec::new();
    let mut next = 0.0;
    let started = std::time::Instant::now();
    let sent = plan.play(&mut conn, seconds, |elapsed| {
        if elapsed >= next {
            let m = get(api, "/metrics");
            samples.push((
                elapsed,
                rss_kib(pid),
                metric(&m, "vigia_queue_dropped_total"),
            ));
            next += 5.0;
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    // Let vigia drain its queue, then account for every frame.
    std::thread::sleep(Duration::from_secs(3));
    let m = get(api, "/metrics");
    samples.push((
        elapsed,
        rss_kib(pid),
        metric(&m, "vigia_queue_dropped_total"),
    ));
    let read = metric(&m, "vigia_source_records_total");
    let processed = metric(&m, "vigia_pipeline_records_total");
    let dropped = metric(&m, "vigia_queue_dropped_total");
    let queued = metric(&m, "vigia_queue_depth");
    let duplicates = metric(&m, "vigia_frames_duplicate_total");
    let malformed = metric(&m, "vigia_source_malformed_total");
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
    println!(
        "sent {sent} frames in {elapsed:.1} s: {:.0} frames/s",
        sent as f64 / elapsed
    );
    println!("vigia read {read} (malformed {malformed}), processed {processed}, dropped from the full queue {dropped}, still queued {queued}, duplicates {duplicates}");
    println!(
        "accounting: sent - read = {}, read - (processed + dropped + queued) = {}",
        sent as f64 - read,
        read - (processed + dropped + queued)
    );
    println!(
        "alerts {}: latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    let line: Vec<String> = samples
        .iter()
        .map(|(t, kib, dropped)| {
            format!(
                "{t:.0}s {:.0} MiB (dropped {dropped})",
                *kib as f64 / 1024.0
            )
        })
        .collect();
    println!("vigia RSS: {}", line.join(", "));
}
