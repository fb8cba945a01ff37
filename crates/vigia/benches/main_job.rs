//! The main job as a user runs it, whole process, against vigia's own decoder in the same run:
//! rs1090's real capture (172 432 frames) repeated with shifted times into a file of
//! `VIGIA_MAIN_COPIES` copies (default 10: 1.72 M frames, `timestamp,hex` text), and a file
//! of its first 100 lines.
//!
//! Reports, best and median of `VIGIA_MAIN_RUNS` runs (default 5) each, in seconds:
//! `vigia decode --output none` (reading and decoding only), `vigia tracks`, `vigia analyze`
//! with the default zones (MEX,USA) on one thread and on two, each as a ratio to decode; the
//! 100-line file through `vigia analyze`; and `vigia run`'s start with the default zones
//! (spawn to the first answer of `/healthz`). Then two threads against one, `vigia analyze`
//! and `vigia tracks`, on `VIGIA_THREADS_COPIES` copies (default 58: 10.0 M frames), the one-
//! and two-thread runs alternating.
//!
//! `cargo bench -p vigia --bench main_job`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufWriter, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Best and median wall time of `runs` runs of vigia with `args`.
fn time(args: &[&str], runs: usize) -> (f64, f64) {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let out = Command::new(env!("CARGO_BIN_EXE_vigia"))
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "vigia {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            start.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    (times[0], times[times.len() / 2])
}

/// The corpus repeated `copies` times, each copy's times shifted past the previous one's end.
fn write_corpus(root: &Path, path: &Path, copies: usize) -> usize {
    let mut text = String::new();
    zstd::Decoder::new(std::fs::File::open(root.join("tests/data/long_flight.csv.zst")).unwrap())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let lines: Vec<(f64, &str)> = text
        .lines()
        .filter_map(|l| {
            let (ts, hex) = l.split_once(',')?;
            Some((ts.parse().ok()?, hex))
        })
        .collect();
    let span = lines.last().unwrap().0 - lines[0].0 + 60.0;
    let mut out = BufWriter::new(std::fs::File::create(path).unwrap());
    for k in 0..copies {
        for (ts, hex) in &lines {
            writeln!(out, "{:.6},{hex}", ts + k as f64 * span).unwrap();
        }
    }
    out.flush().unwrap();
    let mut small =
        BufWriter::new(std::fs::File::create(path.with_file_name("hundred_lines.csv")).unwrap());
    for line in text.lines().take(100) {
        writeln!(small, "{line}").unwrap();
    }
    small.flush().unwrap();
    lines.len() * copies
}

/// Seconds from spawning `vigia run` (default zones, no source) to its first `/healthz` answer.
fn service_start(dir: &Path) -> f64 {
    let config = dir.join("start.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\nlisten = \"127.0.0.1:0\"\n[store]\npath = {:?}\n",
            dir.join("start.db").display().to_string()
        ),
    )
    .unwrap();
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigia"))
        .args(["run", "--config", config.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The service prints the address it listens on.
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufReader::new(stderr).lines();
    let address = loop {
        let line = lines.next().expect("vigia run names its address").unwrap();
        if let Some(rest) = line.split("api listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_string();
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    let elapsed = loop {
        if let Ok(mut s) = TcpStream::connect(&address) {
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            write!(
                s,
                "GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.1 200") || reply.starts_with("HTTP/1.1 503") {
                break start.elapsed().as_secs_f64();
            }
        }
        assert!(start.elapsed() < Duration::from_secs(30), "no /healthz");
        std::thread::sleep(Duration::from_millis(2));
    };
    child.kill().ok();
    child.wait().ok();
    elapsed
}

/// `a` and `b` timed in alternation (so that a slower spell of the machine falls on both):
/// best and median of each.
fn pair(a: &[&str], b: &[&str], runs: usize) -> ((f64, f64), (f64, f64)) {
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        ta.push(time(a, 1).0);
        tb.push(time(b, 1).0);
    }
    let stats = |mut t: Vec<f64>| {
        t.sort_by(f64::total_cmp);
        (t[0], t[t.len() / 2])
    };
    (stats(ta), stats(tb))
}

fn main() {
    let copies = env_or("VIGIA_MAIN_COPIES", 10);
    let thread_copies = env_or("VIGIA_THREADS_COPIES", 58);
    let runs = env_or("VIGIA_MAIN_RUNS", 5).max(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus.csv");
    let frames = write_corpus(&root, &corpus, copies);
    let small = dir.path().join("hundred_lines.csv");
    let (c, s) = (corpus.to_str().unwrap(), small.to_str().unwrap());
    let tracks_out = dir.path().join("tracks.csv");
    let t = tracks_out.to_str().unwrap();
    println!("corpus: {frames} frames ({copies} copies of rs1090's long_flight), {runs} runs each; best / median, s");
    let decode = time(&["decode", "--output", "none", c], runs);
    println!(
        "decode --output none     {:>7.3} {:>7.3}",
        decode.0, decode.1
    );
    let rows: [(&str, Vec<&str>); 4] = [
        ("tracks", vec!["tracks", "--threads", "1", "--out", t, c]),
        (
            "analyze --threads 1",
            vec!["analyze", "--threads", "1", "--out", "/dev/null", c],
        ),
        (
            "analyze --threads 2",
            vec!["analyze", "--threads", "2", "--out", "/dev/null", c],
        ),
        (
            "tracks --threads 2",
            vec!["tracks", "--threads", "2", "--out", t, c],
        ),
    ];
    for (name, args) in rows {
        let (best, median) = time(&args, runs);
        println!(
            "{name:<24} {best:>7.3} {median:>7.3}   {:.2}x decode ({:.2} M frames/s)",
            best / decode.0,
            frames as f64 / best / 1e6
        );
    }
    let (best, median) = time(&["analyze", "--out", "/dev/null", s], runs);
    println!(
        "analyze, 100 lines       {:>7.3} {:>7.3}   ({:.0} ms)",
        best,
        median,
        best * 1e3
    );
    let starts: Vec<f64> = (0..runs.min(3))
        .map(|_| service_start(dir.path()))
        .collect();
    let best = starts.iter().copied().fold(f64::INFINITY, f64::min);
    println!("vigia run to /healthz    {best:>7.3}   (default zones MEX,USA)");

    // Two threads against one, on the larger corpus, the runs alternating.
    std::fs::remove_file(&corpus).ok();
    let large = dir.path().join("large.csv");
    let frames = write_corpus(&root, &large, thread_copies);
    let l = large.to_str().unwrap();
    println!(
        "two threads vs one: {frames} frames ({thread_copies} copies), {runs} runs each, alternating; best / median, s"
    );
    for (name, one, two) in [
        (
            "analyze",
            vec!["analyze", "--threads", "1", "--out", "/dev/null", l],
            vec!["analyze", "--threads", "2", "--out", "/dev/null", l],
        ),
        (
            "tracks",
            vec!["tracks", "--threads", "1", "--out", t, l],
            vec!["tracks", "--threads", "2", "--out", t, l],
        ),
    ] {
        let (a, b) = pair(&one, &two, runs);
        println!(
            "{name:<8} 1 thread {:>7.3} {:>7.3}   2 threads {:>7.3} {:>7.3}   {:.2}x (best) {:.2}x (median)",
            a.0,
            a.1,
            b.0,
            b.1,
            a.0 / b.0,
            a.1 / b.1
        );
    }
}
