//! Load benchmark of `vigia run` (loopback only, bounded in time): the real corpus replayed by
//! thousands of copies at once — each copy a different set of ICAO addresses (parity
//! recomputed) starting at a different point of the corpus — as one Beast stream at
//! 200 000 frames/s for 60 s.
//!
//! Reports: frames sent and how vigia accounts for every one (read, processed, dropped from
//! the queue), the resident memory of the vigia process each 5 s (flat after warm-up?), and
//! the alert latency — from the arrival of the frame that produced an event to the alert's
//! emission, measured by vigia and written in each alert (`latency_ms`) — p50, p99, max.
//! Alerts come from 10 zone bands laid across the corpus flight's route (48 nm apart;
//! closest approaches within 5 nm).
//!
//! `cargo bench -p vigia --bench load` (env `VIGIA_LOAD_RATE`, `VIGIA_LOAD_SECONDS` to change
//! the rate and the duration).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use vigia_feed::framer::beast;
use vigia_feed::{RawFrame, Record, RecordReader};
use vigia_modes::crc;

fn env_or(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The frame with its aircraft address XORed with `mask`, parity recomputed so that the
/// syndrome is what it was (0 or the interrogator code for DF11/17/18; the new address for
/// Address/Parity replies).
fn readdress(frame: &RawFrame, mask: u32) -> RawFrame {
    let mut out = *frame;
    let n = usize::from(frame.len);
    if n != 7 && n != 14 {
        return out;
    }
    let df = frame.bytes[0] >> 3;
    let Some(syndrome) = crc::syndrome(frame.message()) else {
        return out;
    };
    let parity = match df {
        11 | 17 | 18 => {
            let a = (u32::from(out.bytes[1]) << 16
                | u32::from(out.bytes[2]) << 8
                | u32::from(out.bytes[3]))
                ^ mask;
            out.bytes[1..4].copy_from_slice(&a.to_be_bytes()[1..]);
            crc::checksum(&out.bytes[..n - 3]) ^ syndrome
        }
        0 | 4 | 5 | 16 | 20 | 21 => crc::checksum(&out.bytes[..n - 3]) ^ (syndrome ^ mask),
        _ => return out,
    };
    out.bytes[n - 3..n].copy_from_slice(&parity.to_be_bytes()[1..]);
    out
}

fn bands_geojson() -> String {
    let features: Vec<String> = (0..10)
        .map(|j| {
            let south = 44.0 + 0.8 * f64::from(j);
            let north = south + 0.1;
            format!(
                r#"{{"type":"Feature","properties":{{"name":"B{j}"}},"geometry":{{"type":"Polygon","coordinates":[[[-5,{south}],[10,{south}],[10,{north}],[-5,{north}],[-5,{south}]]]}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

fn get(address: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(address).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
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
    let corpus = root.join("tests/data/long_flight.csv.zst");
    let frames: Vec<RawFrame> =
        RecordReader::new("corpus", std::fs::File::open(&corpus).unwrap(), None)
            .unwrap()
            .filter_map(|r| match r {
                Ok(Record::Frame(f)) if f.ts.is_some() => Some(f),
                _ => None,
            })
            .collect();
    let t0 = frames[0].ts.unwrap();
    let span = frames.last().unwrap().ts.unwrap() - t0;
    let per_copy = frames.len() as f64 / span;
    let copies = (rate / per_copy).ceil() as usize;
    println!(
        "corpus: {} frames over {span:.0} s ({per_copy:.1} frames/s); {copies} copies for {rate:.0} frames/s, {seconds:.0} s",
        frames.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let zones = dir.path().join("bands.geojson");
    std::fs::write(&zones, bands_geojson()).unwrap();
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
        .args([
            "run",
            "--config",
            config.to_str().unwrap(),
            "--connect",
            &format!("beast://{source}"),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let api: SocketAddr = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "vigia exited");
        if let Some(rest) = line.split("api listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in stderr.lines() {});
    let (mut conn, _) = listener.accept().unwrap();
    conn.set_nodelay(true).unwrap();

    // Copy k starts at its own point of the corpus and plays it in real time.
    let usable = (span - seconds - 5.0).max(1.0);
    let starts: Vec<f64> = (0..copies)
        .map(|k| t0 + (k as f64 * 0.618_034 * usable) % usable)
        .collect();
    let masks: Vec<u32> = (0..copies)
        .map(|k| ((k as u32 + 1).wrapping_mul(0x9e3b) & 0x00ff_ffff) | 1)
        .collect();
    let mut cursors: Vec<usize> = starts
        .iter()
        .map(|s| frames.partition_point(|f| f.ts.unwrap() < *s))
        .collect();
    let started = Instant::now();
    let mut sent: u64 = 0;
    let mut rss = Vec::new();
    let mut next_rss = Duration::ZERO;
    let mut buffer = Vec::with_capacity(1 << 20);
    let mut due: Vec<(f64, u32, u32)> = Vec::new();
    for second in 0..seconds as u64 {
        // This second's frames of every copy, in time order.
        due.clear();
        let end = second as f64 + 1.0;
        for k in 0..copies {
            while let Some(f) = frames.get(cursors[k]) {
                let t = f.ts.unwrap() - starts[k];
                if t >= end {
                    break;
                }
                due.push((t, k as u32, cursors[k] as u32));
                cursors[k] += 1;
            }
        }
        due.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut i = 0;
        while i < due.len() {
            let now = started.elapsed().as_secs_f64();
            buffer.clear();
            while i < due.len() && due[i].0 <= now {
                let (_, k, idx) = due[i];
                let f = readdress(&frames[idx as usize], masks[k as usize]);
                buffer.extend_from_slice(&beast::encode(&f).unwrap());
                sent += 1;
                i += 1;
            }
            if !buffer.is_empty() {
                conn.write_all(&buffer).unwrap();
            } else {
                std::thread::sleep(Duration::from_micros(500));
            }
            if started.elapsed() >= next_rss {
                let m = get(api, "/metrics");
                rss.push((
                    started.elapsed().as_secs_f64(),
                    rss_kib(pid),
                    metric(&m, "vigia_queue_dropped_total"),
                ));
                next_rss += Duration::from_secs(5);
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    rss.push((
        elapsed,
        rss_kib(pid),
        metric(&get(api, "/metrics"), "vigia_queue_dropped_total"),
    ));
    // Let vigia drain its queue, then account for every frame.
    std::thread::sleep(Duration::from_secs(3));
    let metrics = get(api, "/metrics");
    let read = metric(&metrics, "vigia_source_records_total");
    let processed = metric(&metrics, "vigia_pipeline_records_total");
    let dropped = metric(&metrics, "vigia_queue_dropped_total");
    let depth = metric(&metrics, "vigia_queue_depth");
    let duplicates = metric(&metrics, "vigia_frames_duplicate_total");
    let malformed = metric(&metrics, "vigia_source_malformed_total");
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
    println!(
        "vigia read {read} (malformed {malformed}), processed {processed}, dropped from the full queue {dropped}, still queued {depth}, duplicates {duplicates}"
    );
    println!(
        "accounting: sent - read = {}, read - (processed + dropped + queued) = {}",
        sent as f64 - read,
        read - (processed + dropped + depth)
    );
    println!(
        "alerts {}: latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN)
    );
    let line: Vec<String> = rss
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
