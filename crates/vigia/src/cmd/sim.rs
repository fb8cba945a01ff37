//! `vigia sim`: fly a scenario (a bundled one or a TOML file) and write the frames a receiver
//! would hear — Beast binary or `timestamp,hex` lines — with the ground truth as JSON Lines,
//! or serve the frames as a Beast TCP server in real time or faster.
//!
//! Wiring only: `vigia-sim` simulates, writes and serves; this module reads the arguments and
//! reports what was done on stderr.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context, Result};
use vigia_sim::output::{
    receiver_uuid, receivers_toml, uuid_text, write_combined_beast, write_frames,
    write_receiver_beast, Captures, FrameFormat,
};
use vigia_sim::{simulate, BundledScenario, End, Options, Scenario, Simulation, Speed, BUNDLED};

/// Arguments of `vigia sim`.
#[derive(clap::Args)]
#[command(
    after_help = "SCENARIO is a bundled scenario (see --list) or a TOML file; the format is documented in
crates/sim/scenarios/README.md. Without --out, --truth or --serve, a summary is printed.

Examples:
  vigia sim --list
  vigia sim p8-baja-clip --out p8.beast --truth p8.truth.jsonl
  vigia sim border-airliners --out frames.csv
  vigia sim mq9-dark-sonora --out network/
  vigia sim mq9-orbit-sonora --serve 127.0.0.1:30005 --speed 10 --start now
  vigia sim my-scenario.toml --seed 7 --out - | vigia decode -"
)]
pub struct Args {
    /// A bundled scenario name or a scenario TOML file.
    #[arg(value_name = "SCENARIO", required_unless_present = "list")]
    scenario: Option<String>,
    /// List the bundled scenarios and exit.
    #[arg(long)]
    list: bool,
    /// Write the frames to this file (`-` for stdout): Beast binary, or `timestamp,hex` lines
    /// for a `.csv` name. A directory (an existing one, or a path ending in `/`) gets one Beast
    /// capture per receiver, the receivers file (`receivers.toml`) and the truth.
    #[arg(long, value_name = "PATH")]
    out: Option<PathBuf>,
    /// Frame format of --out, overriding the file name.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<FormatArg>,
    /// Write the ground truth (true tracks, expected zone events) as JSON Lines.
    #[arg(long, value_name = "PATH")]
    truth: Option<PathBuf>,
    /// Serve the frames as a Beast TCP server on this address (e.g. 127.0.0.1:30005).
    #[arg(long, value_name = "ADDR")]
    serve: Option<String>,
    /// With --serve HOST:PORT: serve each receiver's feed on its own port (PORT, PORT+1, ...;
    /// port 0: any free ones), paced on one clock, as a network of receivers; with --out DIR/
    /// the receivers file says where each is served.
    #[arg(long, requires = "serve")]
    per_receiver: bool,
    /// With --out DIR/: one combined capture (`combined.beast`, every receiver's frames tagged
    /// with its id in band, as an aggregator forwards them) instead of one per receiver.
    #[arg(long)]
    combined: bool,
    /// Push each receiver's feed to this address, as readsb's `--net-connector
    /// HOST,PORT,beast_reduce_plus_out,uuid=…` does (one connection per receiver, its UUID
    /// first); `vigia run --receivers FILE --accept beast://HOST:PORT` takes them. One address
    /// per receiver (comma-separated, in the scenario's order) pushes each to its own, plain
    /// Beast without a UUID (a dump1090's Beast input port, say).
    #[arg(long, value_name = "HOST:PORT[,...]", conflicts_with = "serve")]
    push: Option<String>,
    /// Playback speed of --serve: a factor of real time (1, 10, 0.5) or `max`.
    #[arg(long, default_value = "1", value_name = "SPEED")]
    speed: Speed,
    /// Seed of the random choices, instead of the scenario's.
    #[arg(long)]
    seed: Option<u64>,
    /// Start time: `now`, or Unix seconds; default the scenario's (fixed, so outputs repeat).
    #[arg(long, value_name = "TIME")]
    start: Option<String>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum FormatArg {
    /// Beast binary.
    Beast,
    /// `timestamp,hex` lines.
    Csv,
}

/// Run `vigia sim`.
pub fn run(args: Args) -> Result<ExitCode> {
    if args.list {
        for b in BUNDLED {
            let scenario = b.scenario()?;
            println!("{:<20} {}", b.name, scenario.description);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let Some(name) = args.scenario.as_deref() else {
        bail!("name a scenario, or give --list");
    };
    let scenario = load(name)?;
    let options = Options {
        seed: args.seed,
        start_unix: args.start.as_deref().map(parse_start).transpose()?,
    };
    let sim = simulate(&scenario, &options).with_context(|| format!("simulating {name}"))?;
    let network_dir = args
        .out
        .as_ref()
        .filter(|p| p.is_dir() || p.to_string_lossy().ends_with('/'));
    if args.combined && network_dir.is_none() {
        bail!("--combined writes a network's combined capture: give --out DIR/");
    }
    let receivers = scenario.receivers();
    let listeners = match (&args.serve, args.per_receiver) {
        (Some(address), true) => Some(bind_receivers(address, receivers.len())?),
        _ => None,
    };
    let connect: Vec<String> = listeners
        .iter()
        .flatten()
        .filter_map(|l| l.local_addr().ok())
        .map(|a| format!("beast://{a}"))
        .collect();
    if let Some(dir) = network_dir {
        write_network(&scenario, &sim, dir, &connect, args.combined)?;
    } else if let Some(path) = &args.out {
        let format = match args.format {
            Some(FormatArg::Beast) => FrameFormat::Beast,
            Some(FormatArg::Csv) => FrameFormat::Csv,
            None => FrameFormat::from_path(path),
        };
        write_to(path, |w| write_frames(&sim.frames, format, w))
            .with_context(|| format!("writing frames to {}", path.display()))?;
    }
    if let Some(path) = &args.truth {
        write_to(path, |w| sim.truth.write_jsonl(w))
            .with_context(|| format!("writing the truth to {}", path.display()))?;
    }
    summarize(&sim, &mut io::stderr().lock())?;
    if let Some(push) = &args.push {
        let addresses: Vec<&str> = push.split(',').map(str::trim).collect();
        let targets: Vec<vigia_sim::PushTarget> = match addresses.len() {
            1 => receivers
                .iter()
                .map(|r| (addresses[0].to_string(), Some(receiver_uuid(&r.name))))
                .collect(),
            n if n == receivers.len() => addresses.iter().map(|a| (a.to_string(), None)).collect(),
            n => bail!(
                "--push: give one address, or one per receiver ({}), not {n}",
                receivers.len()
            ),
        };
        for (r, (address, uuid)) in receivers.iter().zip(&targets) {
            match uuid {
                Some(uuid) => eprintln!(
                    "receiver {} pushes to {address} as {}",
                    r.name,
                    uuid_text(uuid)
                ),
                None => eprintln!("receiver {} pushes to {address}", r.name),
            }
        }
        let never = AtomicBool::new(false);
        let stats = vigia_sim::push_network(&targets, &sim.frames, args.speed, &never)
            .with_context(|| format!("pushing to {push}"))?;
        let frames: u64 = stats.iter().map(|s| s.frames).sum();
        eprintln!("pushed {frames} frames from {} receivers", stats.len());
    } else if let Some(listeners) = listeners {
        for (r, url) in receivers.iter().zip(&connect) {
            eprintln!("serving receiver {} as Beast on {url}", r.name);
        }
        eprintln!("waiting for clients (speed {})", speed_name(args.speed));
        let never = AtomicBool::new(false);
        let stats =
            vigia_sim::serve_network(listeners, &sim.frames, args.speed, End::Close, &never)
                .context("serving frames")?;
        let frames: u64 = stats.iter().map(|s| s.frames).sum();
        eprintln!("served {frames} frames from {} receivers", stats.len());
    } else if let Some(address) = &args.serve {
        let listener =
            TcpListener::bind(address).with_context(|| format!("listening on {address}"))?;
        eprintln!(
            "serving {} frames as Beast on {} at speed {}; waiting for a client",
            sim.frames.len(),
            listener.local_addr()?,
            speed_name(args.speed)
        );
        let never = AtomicBool::new(false);
        let stats = vigia_sim::serve(listener, &sim.frames, args.speed, &never)
            .context("serving frames")?;
        eprintln!(
            "served {} frames to {} clients",
            stats.frames, stats.clients
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn speed_name(speed: Speed) -> String {
    match speed {
        Speed::Max => "max".to_string(),
        Speed::Factor(f) => format!("{f}×"),
    }
}

/// One listener per receiver: `address`'s port, then the next ones (port 0: any free).
fn bind_receivers(address: &str, n: usize) -> Result<Vec<TcpListener>> {
    let base: std::net::SocketAddr = address
        .parse()
        .with_context(|| format!("--serve {address}: give HOST:PORT"))?;
    (0..n)
        .map(|i| {
            let mut at = base;
            if base.port() != 0 {
                at.set_port(base.port() + i as u16);
            }
            TcpListener::bind(at).with_context(|| format!("listening on {at}"))
        })
        .collect()
}

/// One Beast capture per receiver, the receivers file and the truth, in `dir`.
fn write_network(
    scenario: &Scenario,
    sim: &Simulation,
    dir: &Path,
    connect: &[String],
    combined: bool,
) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let receivers = scenario.receivers();
    let captures = if combined {
        let uuids: Vec<[u8; 16]> = receivers.iter().map(|r| receiver_uuid(&r.name)).collect();
        let path = dir.join("combined.beast");
        write_to(&path, |w| write_combined_beast(&sim.frames, &uuids, w))
            .with_context(|| format!("writing {}", path.display()))?;
        Captures::Combined
    } else {
        for (i, r) in receivers.iter().enumerate() {
            let path = dir.join(format!("{}.beast", r.name));
            write_to(&path, |w| write_receiver_beast(&sim.frames, i, w))
                .with_context(|| format!("writing {}", path.display()))?;
        }
        Captures::PerReceiver
    };
    let path = dir.join("receivers.toml");
    std::fs::write(&path, receivers_toml(&receivers, connect, captures))
        .with_context(|| format!("writing {}", path.display()))?;
    let path = dir.join("truth.jsonl");
    write_to(&path, |w| sim.truth.write_jsonl(w))
        .with_context(|| format!("writing {}", path.display()))?;
    if combined {
        eprintln!(
            "wrote combined.beast ({} receivers), receivers.toml and truth.jsonl to {} (read them with `vigia analyze {} --receivers {} --start {}`)",
            receivers.len(),
            dir.display(),
            dir.join("combined.beast").display(),
            dir.join("receivers.toml").display(),
            sim.truth.scenario.start
        );
    } else {
        eprintln!(
            "wrote {} captures, receivers.toml and truth.jsonl to {} (read them with `vigia analyze --receivers {} --start {}`)",
            receivers.len(),
            dir.display(),
            dir.join("receivers.toml").display(),
            sim.truth.scenario.start
        );
    }
    Ok(())
}

fn load(name: &str) -> Result<Scenario> {
    if let Some(bundled) = BundledScenario::find(name) {
        return Ok(bundled.scenario()?);
    }
    let path = Path::new(name);
    if !path.exists() {
        let names: Vec<&str> = BUNDLED.iter().map(|b| b.name).collect();
        bail!(
            "{name:?} is neither a bundled scenario ({}) nor a file",
            names.join(", ")
        );
    }
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Scenario::from_toml(&text, &path.display().to_string())?)
}

fn parse_start(text: &str) -> Result<f64> {
    if text == "now" {
        return Ok(SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the clock is before 1970")?
            .as_secs_f64());
    }
    match text.parse::<f64>() {
        Ok(t) if t.is_finite() && t >= 0.0 => Ok(t),
        _ => bail!("--start {text:?}: give `now` or Unix seconds"),
    }
}

fn write_to(path: &Path, write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    if path == Path::new("-") {
        let mut out = BufWriter::new(io::stdout().lock());
        write(&mut out)?;
        return out.flush();
    }
    let mut out = BufWriter::new(File::create(path)?);
    write(&mut out)?;
    out.flush()
}

fn summarize(sim: &Simulation, out: &mut impl Write) -> io::Result<()> {
    let s = &sim.truth.scenario;
    writeln!(
        out,
        "{}: {:.0} s from {}, seed {}, {} frames",
        s.name,
        s.end - s.start,
        s.start,
        s.seed,
        s.frames
    )?;
    for r in &s.receivers {
        writeln!(
            out,
            "  receiver {}: {} frames ({} lost, {} out of range, {} with a flipped bit)",
            r.name, r.frames, r.lost, r.out_of_range, r.bit_errors
        )?;
    }
    for a in &sim.truth.aircraft {
        writeln!(
            out,
            "  {} {:<8} {:<8} {:.0} min",
            a.icao24,
            a.callsign.as_deref().unwrap_or("-"),
            a.aircraft_type,
            (a.last_seen - a.first_seen) / 60.0
        )?;
    }
    for e in &sim.truth.zone_events {
        writeln!(
            out,
            "  {} {:?} {} at +{:.1} s ({:.4}, {:.4})",
            e.icao24,
            e.direction,
            e.zone,
            e.ts - s.start,
            e.lat,
            e.lon
        )?;
    }
    for c in &sim.truth.closest_approaches {
        writeln!(
            out,
            "  {} closest to {}: {:.2} nm at +{:.0} s",
            c.icao24,
            c.zone,
            c.distance_nm,
            c.ts - s.start
        )?;
    }
    for f in &sim.truth.faults {
        writeln!(out, "  fault {}: {} frames", f.kind, f.frames)?;
    }
    Ok(())
}
