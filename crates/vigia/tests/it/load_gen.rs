//! A load generator from the real corpus, shared by the load test and the load benchmark
//! (`benches/load.rs` includes this file): thousands of copies of rs1090's corpus at once,
//! each with its own ICAO addresses (parity recomputed) and its own starting point, sent as
//! one Beast stream in real time at a chosen rate.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use vigia_feed::framer::beast;
use vigia_feed::{RawFrame, Record, RecordReader};
use vigia_modes::crc;

/// The frame with its aircraft address XORed with `mask`, parity recomputed so that the
/// syndrome is what it was (0 or the interrogator code for DF11/17/18; the new address for
/// Address/Parity replies). Other frames are returned as they are.
pub fn readdress(frame: &RawFrame, mask: u32) -> RawFrame {
    let mut out = *frame;
    let n = usize::from(frame.len);
    if n != 7 && n != 14 {
        return out;
    }
    let Some(syndrome) = crc::syndrome(frame.message()) else {
        return out;
    };
    let parity = match frame.bytes[0] >> 3 {
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

/// `n` zone bands (0.1° tall, `spacing_deg` apart from 44° N) across the corpus flight's
/// route, as GeoJSON (`B0`, `B1`, …).
pub fn bands_geojson(n: u32, spacing_deg: f64) -> String {
    let features: Vec<String> = (0..n)
        .map(|j| {
            let south = 44.0 + spacing_deg * f64::from(j);
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

/// Resident memory of a process, KiB (0 if unknown).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The sum of a Prometheus metric's samples (all label sets).
pub fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter(|l| l[name.len()..].starts_with([' ', '{']))
        .filter_map(|l| l.rsplit(' ').next().and_then(|v| v.parse::<f64>().ok()))
        .sum()
}

/// The API address a starting `vigia run` prints on its standard error (piped); the rest of
/// its standard error is drained in the background. (The benches use it.)
#[allow(dead_code)]
pub fn api_address(child: &mut std::process::Child) -> SocketAddr {
    use std::io::{BufRead, BufReader};
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let api = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "vigia exited");
        if let Some(rest) = line.split("api listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in stderr.lines() {});
    api
}

/// GET `path`, the body.
pub fn get(address: SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(address).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

/// Copies of the corpus to play.
pub struct LoadPlan {
    frames: Vec<RawFrame>,
    starts: Vec<f64>,
    masks: Vec<u32>,
    cursors: Vec<usize>,
}

impl LoadPlan {
    /// Enough copies of the corpus under `root` for `rate` frames/s during `seconds`.
    pub fn new(root: &Path, rate: f64, seconds: f64) -> Self {
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
        let copies = (rate * span / frames.len() as f64).ceil() as usize;
        // Copy k starts at its own point of the corpus (golden-ratio spread).
        let usable = (span - seconds - 5.0).max(1.0);
        let starts: Vec<f64> = (0..copies)
            .map(|k| t0 + (k as f64 * 0.618_034 * usable) % usable)
            .collect();
        let masks = (0..copies)
            .map(|k| ((k as u32 + 1).wrapping_mul(0x9e3b) & 0x00ff_ffff) | 1)
            .collect();
        let cursors = starts
            .iter()
            .map(|s| frames.partition_point(|f| f.ts.unwrap() < *s))
            .collect();
        Self {
            frames,
            starts,
            masks,
            cursors,
        }
    }

    /// Copies played at once.
    pub fn copies(&self) -> usize {
        self.starts.len()
    }

    /// Frames in the corpus.
    pub fn corpus_frames(&self) -> usize {
        self.frames.len()
    }

    /// Play `seconds` in real time on `conn`, calling `tick(elapsed)` between writes; returns
    /// the frames sent.
    pub fn play(&mut self, conn: &mut TcpStream, seconds: f64, mut tick: impl FnMut(f64)) -> u64 {
        let started = Instant::now();
        let mut sent = 0u64;
        let mut buffer = Vec::with_capacity(1 << 20);
        let mut due: Vec<(f64, u32, u32)> = Vec::new();
        for second in 0..seconds.ceil() as u64 {
            let end = (second as f64 + 1.0).min(seconds);
            due.clear();
            for k in 0..self.starts.len() {
                while let Some(f) = self.frames.get(self.cursors[k]) {
                    let t = f.ts.unwrap() - self.starts[k];
                    if t >= end {
                        break;
                    }
                    due.push((t, k as u32, self.cursors[k] as u32));
                    self.cursors[k] += 1;
                }
            }
            due.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
            let mut i = 0;
            while i < due.len() {
                let now = started.elapsed().as_secs_f64();
                buffer.clear();
                while i < due.len() && due[i].0 <= now {
                    let (_, k, idx) = due[i];
                    let f = readdress(&self.frames[idx as usize], self.masks[k as usize]);
                    buffer.extend_from_slice(&beast::encode(&f).unwrap());
                    sent += 1;
                    i += 1;
                }
                if buffer.is_empty() {
                    std::thread::sleep(Duration::from_micros(500));
                } else {
                    conn.write_all(&buffer).unwrap();
                }
                tick(started.elapsed().as_secs_f64());
            }
        }
        sent
    }
}

/// The `connect` URLs of a receivers file `vigia sim --per-receiver` is writing, once it names
/// `count` of them (within 60 s). (The load bench, which includes this file, does not.)
#[allow(dead_code)]
pub fn receiver_urls(path: &std::path::Path, count: usize) -> Vec<String> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let urls: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("connect = "))
            .map(|u| u.trim_matches('"').to_string())
            .collect();
        if urls.len() == count {
            return urls;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the simulator did not start"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// A number from the environment variable `name`, else `default`. (The benches use it.)
#[allow(dead_code)]
pub fn env_or(name: &str, default: f64) -> f64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `p` quantile (0 to 1) of `sorted`; NaN if it is empty. (The benches use it.)
#[allow(dead_code)]
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}
