//! `vigia demo`: the whole service, offline, in one command — the README's main job.
//!
//! Builds a replay from the bundled real capture (rs1090's `long_flight`, time-shifted to now)
//! and the simulator's border scenarios, each cut to start shortly before its interesting
//! part (the P-8 clips Mexico's territorial sea about a minute in at `--speed 1`), serves it
//! as a Beast feed on a loopback port, and runs `vigia run` connected to it on a temporary
//! SQLite store. Wiring only: the scenarios are `vigia-sim`'s, the service is `vigia run`.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::Parser;
use vigia_feed::{framer::beast, RawFrame};
use vigia_sim::{simulate_bundled, Options};

/// The bundled real capture (rs1090 0.7.0 `data/long_flight.csv`, MIT; tests/data/README.md).
const REAL_CAPTURE: &[u8] = include_bytes!("../../../../tests/data/long_flight.csv.zst");

/// Scenarios replayed, with the seconds of each skipped so that it starts near its point.
const SCENARIOS: [(&str, f64); 5] = [
    ("p8-baja-clip", 1480.0),
    ("rc135-gulf", 600.0),
    ("mq9-orbit-sonora", 900.0),
    ("border-airliners", 0.0),
    ("spoofer", 300.0),
];

/// Arguments of `vigia demo`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia demo                         # then open http://127.0.0.1:8080/
  vigia demo --speed 10 --listen 127.0.0.1:9090")]
pub struct Args {
    /// HTTP address of the map and API.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Replay speed (1 = real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// SQLite store (default: a new file in the temporary directory).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
}

/// One frame of the replay: when it is due (seconds from the start) and its bytes.
struct Scheduled {
    at_s: f64,
    frame: RawFrame,
}

fn real_capture() -> Result<Vec<Scheduled>> {
    let mut text = String::new();
    zstd::Decoder::new(REAL_CAPTURE)
        .context("embedded capture")?
        .read_to_string(&mut text)
        .context("embedded capture")?;
    let mut out = Vec::new();
    let mut first: Option<f64> = None;
    for line in text.lines() {
        let Some((ts, hex)) = line.split_once(',') else {
            continue;
        };
        let (Ok(ts), Some(msg)) = (ts.parse::<f64>(), hex.get(18..)) else {
            continue;
        };
        let bytes: Option<Vec<u8>> = (0..msg.len())
            .step_by(2)
            .map(|i| {
                msg.get(i..i + 2)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .collect();
        let Some(frame) = bytes.as_deref().and_then(RawFrame::from_message) else {
            continue;
        };
        let t0 = *first.get_or_insert(ts);
        out.push(Scheduled {
            at_s: ts - t0,
            frame,
        });
    }
    Ok(out)
}

fn scenarios() -> Result<Vec<Scheduled>> {
    let mut out = Vec::new();
    for (name, skip_s) in SCENARIOS {
        let sim = simulate_bundled(name, &Options::default())
            .with_context(|| format!("simulating {name}"))?;
        let start = sim.frames.first().map_or(0.0, |f| f.ts) + skip_s;
        for f in sim.frames.iter().filter(|f| f.ts >= start) {
            if let Some(frame) = RawFrame::from_message(f.message()) {
                out.push(Scheduled {
                    at_s: f.ts - start,
                    frame,
                });
            }
        }
    }
    Ok(out)
}

/// Serve the replay to the first client that connects, paced by `speed`.
fn serve(listener: TcpListener, mut frames: Vec<Scheduled>, speed: f64) {
    frames.sort_by(|a, b| a.at_s.total_cmp(&b.at_s));
    let Ok((mut client, _)) = listener.accept() else {
        return;
    };
    let started = Instant::now();
    let mut buf = Vec::with_capacity(64 * 1024);
    for s in &frames {
        let due = Duration::from_secs_f64((s.at_s / speed).max(0.0));
        let now = started.elapsed();
        if due > now {
            if !flush(&mut client, &mut buf) {
                return;
            }
            std::thread::sleep(due - now);
        }
        let mut frame = s.frame;
        frame.mlat_ticks = Some((s.at_s * 12e6) as u64 & 0xFFFF_FFFF_FFFF);
        frame.signal = Some(120);
        if let Some(bytes) = beast::encode(&frame) {
            buf.extend_from_slice(&bytes);
        }
        if buf.len() > 32 * 1024 && !flush(&mut client, &mut buf) {
            return;
        }
    }
    flush(&mut client, &mut buf);
    // Keep the connection open so the service does not reconnect to an empty feed.
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

fn flush(client: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let ok = client.write_all(buf).is_ok();
    buf.clear();
    ok
}

#[derive(Parser)]
struct RunCli {
    #[command(flatten)]
    args: super::run::Args,
}

/// Run `vigia demo`.
pub fn run(args: Args) -> Result<ExitCode> {
    anyhow::ensure!(
        args.speed > 0.0 && args.speed.is_finite(),
        "--speed must be positive"
    );
    let mut frames = scenarios()?;
    frames.extend(real_capture()?);
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the replay port")?;
    let feed = listener.local_addr().context("replay port")?;
    let count = frames.len();
    let speed = args.speed;
    std::thread::spawn(move || serve(listener, frames, speed));
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let db = args
        .db
        .unwrap_or_else(|| std::env::temp_dir().join(format!("vigia-demo-{stamp}.db")));
    eprintln!(
        "vigia demo: replaying {count} frames (simulated border scenarios + a real capture) at {}x",
        args.speed
    );
    eprintln!(
        "vigia demo: open http://{}/  (store: {})",
        args.listen,
        db.display()
    );
    let cli = RunCli::try_parse_from([
        "run".to_string(),
        "--connect".into(),
        format!("beast://{feed}"),
        "--listen".into(),
        args.listen.clone(),
        "--db".into(),
        db.display().to_string(),
        "--zones".into(),
        "MEX,USA".into(),
    ])
    .context("configuring the service")?;
    super::run::run(cli.args)
}
