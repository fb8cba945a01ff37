//! The live pipeline with multilateration on and off, in the same run, on the same frames:
//! the six receivers of `vigia sim mq9-dark-sonora` (353 000 frames, 45 simulated minutes)
//! served as six Beast feeds at 100× real time (13 000 frames/s in all); `vigia run
//! --receivers` (MLAT on: every copy aligned, grouped, clock references, solutions) against
//! `vigia run --connect` ×6 (MLAT off: the same feeds de-duplicated and tracked).
//!
//! Live multilateration needs the feeds interleaved as real receivers' are (a transmission's
//! copies are awaited 1 s of stream time): served "as fast as read", one feed's whole capture
//! would arrive before the next one's. So the feeds are paced, and what is measured is the
//! CPU time the vigia process spends per frame (user + system, from /proc): frames per
//! CPU-second is the rate one core could take, MLAT on and off.
//!
//! A third run, MLAT off and `[dark] enabled = false`, measures the coverage model and the
//! going-dark judgements the same way (on by default).
//!
//! `cargo bench -p vigia --bench network` (env `VIGIA_NETWORK_SPEED`, default 100).
// A bench that cannot start panics: its children are not waited for then.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::zombie_processes,
    missing_docs
)]

#[path = "../tests/it/load_gen.rs"]
#[allow(dead_code)]
mod load_gen;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use load_gen::{get, metric};

struct Run {
    processed: f64,
    cpu_s: f64,
    dropped: f64,
    mlat_positions: f64,
}

/// CPU seconds (user + system) the process has used.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn vigia(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Serve the six feeds (written to `dir` with the receivers file naming their ports).
fn serve(dir: &Path) -> (Child, Vec<String>) {
    let out = format!("{}/", dir.display());
    let sim = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["sim", "mq9-dark-sonora", "--out", &out])
        .args([
            "--serve",
            "127.0.0.1:0",
            "--per-receiver",
            "--speed",
            &speed(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let urls = load_gen::receiver_urls(&dir.join("receivers.toml"), 6);
    (sim, urls)
}

fn speed() -> String {
    std::env::var("VIGIA_NETWORK_SPEED").unwrap_or_else(|_| "100".into())
}

fn run(mlat: bool, dark: bool) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let (mut sim, urls) = serve(dir.path());
    let config = dir.path().join("vigia.toml");
    std::fs::write(
        &config,
        format!(
            "zones = \"MEX,USA\"\n[server]\nlisten = \"127.0.0.1:0\"\n[store]\npath = {:?}\n\
             [pipeline]\nqueue_capacity = 2000000\n[dark]\nenabled = {dark}\n",
            dir.path().join("v.db").display().to_string()
        ),
    )
    .unwrap();
    let receivers = dir.path().join("receivers.toml");
    let mut args = vec!["run", "--config", config.to_str().unwrap()];
    if mlat {
        args.extend(["--receivers", receivers.to_str().unwrap()]);
    } else {
        for url in &urls {
            args.extend(["--connect", url.as_str()]);
        }
    }
    let mut child = vigia(&args);
    let api = load_gen::api_address(&mut child);
    // Idle CPU so far (start-up, zones) is not the pipeline's.
    let pid = child.id();
    let idle = cpu_seconds(pid);
    // Until every frame served has been processed and nothing moves.
    let started = Instant::now();
    let (mut last, mut processed) = (started, 0.0);
    loop {
        std::thread::sleep(Duration::from_millis(200));
        let m = get(api, "/metrics");
        let now_processed = metric(&m, "vigia_pipeline_records_total");
        let now = Instant::now();
        if now_processed > processed {
            last = now;
            processed = now_processed;
        }
        let served = sim.try_wait().unwrap().is_some();
        if served && processed > 0.0 && now.duration_since(last) > Duration::from_secs(2) {
            let result = Run {
                processed,
                cpu_s: cpu_seconds(pid) - idle,
                dropped: metric(&m, "vigia_queue_dropped_total"),
                mlat_positions: metric(&m, "vigia_mlat_positions_total"),
            };
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .status();
            let _ = child.wait();
            return result;
        }
        assert!(started.elapsed() < Duration::from_secs(600), "no end");
    }
}

fn main() {
    let off = run(false, true);
    let dark_off = run(false, false);
    let on = run(true, true);
    println!("six feeds at {}× real time:", speed());
    for (name, r) in [
        ("MLAT off, dark on ", &off),
        ("MLAT off, dark off", &dark_off),
        ("MLAT on,  dark on ", &on),
    ] {
        println!(
            "{name}: {:.0} frames processed with {:.2} CPU-s = {:.0} frames per CPU-second (dropped {}, MLAT positions {})",
            r.processed,
            r.cpu_s,
            r.processed / r.cpu_s,
            r.dropped,
            r.mlat_positions
        );
    }
    println!(
        "MLAT on / off: {:.2}× the CPU time per frame",
        (on.cpu_s / on.processed) / (off.cpu_s / off.processed)
    );
    println!(
        "coverage and going dark on / off: {:.2}× the CPU time per frame",
        (off.cpu_s / off.processed) / (dark_off.cpu_s / dark_off.processed)
    );
}
