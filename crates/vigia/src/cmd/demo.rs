//! `vigia demo`: the whole service, offline, in one command — the README's main job.
//!
//! Builds a replay from the bundled real capture (rs1090's `long_flight`, recorded near
//! Toulouse, time-shifted to now and moved to Tijuana: `vigia_sim::relocate`, so its airliner
//! takes off across the border instead of over France) and the simulator's border scenarios, each cut to start shortly before its interesting
//! part (the P-8 clips Mexico's territorial sea about a minute in at `--speed 1`), serves it
//! as a Beast feed on a loopback port (`vigia_sim::serve_until`), serves the six receivers of
//! the dark-drone scenario as six feeds with a receivers file (the service multilaterates the
//! drone, whose ADS-B is off), and runs the service (`vigia run`'s) connected to them on a
//! temporary SQLite store. Wiring only: the scenarios and
//! the replay are `vigia-sim`'s, the service is `vigia-server`'s.

use std::io::Read;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use vigia_modes::cpr::LatLon;
use vigia_modes::{RawFrame, MLAT_TICKS_PER_S};
use vigia_server::config::{Config, SourceConfig};
use vigia_sim::{serve_until, simulate_bundled, End, Options, Speed};

/// The bundled real capture (rs1090 0.7.0 `data/long_flight.csv`, MIT; tests/data/README.md).
const REAL_CAPTURE: &[u8] = include_bytes!("../../../../tests/data/long_flight.csv.zst");

/// Where the real capture was recorded (Toulouse-Blagnac), and where the demo flies it
/// (Tijuana's airport, on the border): its gate-to-gate flight leaves Mexico for the United
/// States a minute after take-off.
const CAPTURED_AT: LatLon = LatLon {
    lat: 43.6293,
    lon: 1.3638,
};
const FLOWN_AT: LatLon = LatLon {
    lat: 32.5411,
    lon: -116.9700,
};

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
  vigia demo --speed 10 --listen 127.0.0.1:9090
  vigia demo --token \"$(openssl rand -hex 16)\"   # alerts can be acknowledged from the map")]
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
    /// Token the map asks for to acknowledge alerts (without one, acknowledging is refused).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
}

/// A frame of the replay due `at_s` seconds from its start: its receive time is `at_s`, and
/// its receiver counter the 12 MHz ticks of `at_s`, as a receiver started with the replay would
/// stamp it.
fn scheduled(at_s: f64, message: &[u8]) -> Option<RawFrame> {
    let mut frame = RawFrame::from_message(message)?;
    frame.ts = Some(at_s);
    frame.mlat_ticks = Some((at_s * MLAT_TICKS_PER_S) as u64 & 0xFFFF_FFFF_FFFF);
    frame.signal = Some(120);
    Some(frame)
}

fn real_capture() -> Result<Vec<RawFrame>> {
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
        let t0 = *first.get_or_insert(ts);
        if let Some(frame) = bytes.as_deref().and_then(|m| scheduled(ts - t0, m)) {
            out.push(frame);
        }
    }
    let relocation = vigia_sim::relocate::Relocation {
        from: CAPTURED_AT,
        to: FLOWN_AT,
    };
    let (moved, _) = vigia_sim::relocate::relocate(&out, Some(CAPTURED_AT), &relocation);
    Ok(moved)
}

fn scenarios() -> Result<Vec<RawFrame>> {
    let mut out = Vec::new();
    for (name, skip_s) in SCENARIOS {
        let sim = simulate_bundled(name, &Options::default())
            .with_context(|| format!("simulating {name}"))?;
        let start = sim.frames.first().map_or(0.0, |f| f.ts) + skip_s;
        for f in sim.frames.iter().filter(|f| f.ts >= start) {
            if let Some(frame) = scheduled(f.ts - start, f.message()) {
                out.push(frame);
            }
        }
    }
    Ok(out)
}

/// The dark drone (`mq9-dark-sonora`): its six receivers served as six Beast feeds on
/// loopback, paced on one clock, and a receivers file beside the store naming them; the
/// service multilaterates the drone, whose ADS-B is off.
fn dark_drone_network(db: &std::path::Path, speed: Speed) -> Result<PathBuf> {
    let scenario = vigia_sim::BundledScenario::find("mq9-dark-sonora")
        .context("the dark-drone scenario")?
        .scenario()?;
    let sim = vigia_sim::simulate(&scenario, &Options::default())
        .context("simulating mq9-dark-sonora")?;
    let receivers = scenario.receivers();
    let listeners = (0..receivers.len())
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<std::io::Result<Vec<_>>>()
        .context("binding the receivers' ports")?;
    let connect: Vec<String> = listeners
        .iter()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| format!("beast://{a}"))
        .collect();
    // Beside the store, or in the temporary directory when the store is PostgreSQL.
    let path = if vigia_store::is_postgres(db) {
        std::env::temp_dir().join(format!("vigia-demo-{}.receivers.toml", std::process::id()))
    } else {
        db.with_extension("receivers.toml")
    };
    std::fs::write(
        &path,
        vigia_sim::output::receivers_toml(
            &receivers,
            &connect,
            vigia_sim::output::Captures::PerReceiver,
        ),
    )
    .with_context(|| format!("writing {}", path.display()))?;
    std::thread::spawn(move || {
        vigia_sim::serve_network(listeners, &sim.frames, speed, End::Hold, &NEVER)
    });
    eprintln!(
        "vigia demo: {} receivers along the border hear a drone with its ADS-B off ({})",
        receivers.len(),
        path.display()
    );
    Ok(path)
}

/// Never set: the replay holds its connection open for the life of the process.
static NEVER: AtomicBool = AtomicBool::new(false);

/// Run `vigia demo`.
pub fn run(args: Args) -> Result<ExitCode> {
    // Times scale with the replay (frames carry their receiver counter); outside this range
    // a replay cannot be honoured: too slow to show anything, or faster than a feed is read.
    anyhow::ensure!(
        (0.1..=1000.0).contains(&args.speed),
        "--speed {} cannot be honoured: give a factor from 0.1 to 1000",
        args.speed
    );
    let mut frames = scenarios()?;
    frames.extend(real_capture()?);
    frames.sort_by(|a, b| a.ts.unwrap_or(0.0).total_cmp(&b.ts.unwrap_or(0.0)));
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the replay port")?;
    let feed = listener.local_addr().context("replay port")?;
    let count = frames.len();
    let speed = Speed::Factor(args.speed);
    std::thread::spawn(move || serve_until(listener, &frames, speed, End::Hold, &NEVER));
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let db = args
        .db
        .unwrap_or_else(|| std::env::temp_dir().join(format!("vigia-demo-{stamp}.db")));
    eprintln!(
        "vigia demo: replaying {count} frames (simulated border scenarios + a real capture moved from Toulouse to Tijuana) at {}x",
        args.speed
    );
    eprintln!(
        "vigia demo: open http://{}/  (store: {})",
        args.listen,
        vigia_store::shown(&db)
    );
    let mut config = Config {
        receivers: Some(dark_drone_network(&db, speed)?),
        ..Config::default()
    };
    config.sources.push(SourceConfig {
        url: format!("beast://{feed}"),
        id: None,
        lat: None,
        lon: None,
        alt_m: None,
        clock: None,
    });
    config.server.listen = args.listen;
    config.server.token = args.token;
    config.store.path = db;
    config.zones = "MEX,USA".into();
    super::run::serve(config)
}
