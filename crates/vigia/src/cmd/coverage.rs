//! `vigia coverage`: where the receivers hear — frames in, the coverage model out as GeoJSON.
//!
//! Wiring only: `vigia-feed` reads the inputs, `vigia-track` validates positions,
//! `vigia_detect::coverage` counts the position broadcasts expected and received by grid cell
//! and altitude band, and `vigia_report::coverage` writes them (the same file `vigia analyze
//! --coverage` and `vigia run` learn from).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use vigia_detect::coverage::{band, CellTally, Coverage, CoverageConfig, ReceiverCoverage};
use vigia_detect::Analyzer;
use vigia_feed::{Format, InputItem};
use vigia_track::{TrackEvent, Tracker, TrackerConfig};

use super::network::Records;

/// Arguments of `vigia coverage`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia coverage --out coverage.geojson capture.beast --start 2024-05-01T14:00:00Z
  vigia coverage --out fl180.geojson --altitude 18000 --min-expected 200 month/*.bin
  vigia coverage --receivers net/receivers.toml --out network.geojson
  vigia analyze --coverage coverage.geojson next-day.beast")]
pub struct Args {
    /// Write the model here (GeoJSON: one square per cell and altitude band, with `expected`,
    /// `received` and `coverage` properties). Default: standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Only the band holding this altitude, feet (bands: below 5 000, 5 000–15 000,
    /// 15 000–25 000, above).
    #[arg(long, value_name = "FEET")]
    altitude: Option<f64>,
    /// Only cells resting on at least this many expected broadcasts.
    #[arg(long, value_name = "N", default_value_t = 0.0)]
    min_expected: f64,
    /// Add a model learned earlier (this file's own format).
    #[arg(long, value_name = "FILE")]
    merge: Vec<PathBuf>,
    /// Write one receiver's own model instead of the network's: its id in the receivers file,
    /// or the input's name or number (from 0).
    #[arg(long, value_name = "ID")]
    receiver: Option<String>,
    /// Input format; `auto` recognises it from the first bytes.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Wall-clock time of a receiver-clock capture's first frame: Unix seconds or ISO 8601.
    #[arg(long, value_name = "UNIX|ISO", value_parser = super::start_time)]
    start: Option<f64>,
    /// Receiver position `LAT,LON`, for local CPR decoding.
    #[arg(long, value_name = "LAT,LON", value_parser = super::lat_lon, allow_hyphen_values = true)]
    r#ref: Option<vigia_modes::cpr::LatLon>,
    #[command(flatten)]
    threads: super::Threads,
    /// Frame captures (Beast, hex, AVR; gzip and zstd recognised). Archive rows and
    /// multilaterated positions say nothing of what was missed and are not counted.
    #[arg(required_unless_present = "receivers", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A receivers file (TOML): the network's captures, merged.
    #[arg(long, value_name = "FILE")]
    receivers: Option<PathBuf>,
}

/// Read a model file written by `vigia coverage`.
pub fn load(path: &Path) -> Result<Vec<CellTally>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read coverage model", path.display()))?;
    vigia_report::coverage::read(&text)
        .with_context(|| format!("{}: not a coverage model", path.display()))
}

/// The line `vigia analyze` prints about going dark, if any gap was judged.
pub fn dark_line(analyzer: &Analyzer) -> Option<String> {
    let d = analyzer.dark_stats();
    (d.quiet > 0).then(|| {
        format!(
            "going dark: {} gaps judged against {} coverage cells: {} not heard reliably before, {} where coverage is poor or unknown, {} during a receiver's outage",
            d.quiet,
            analyzer.coverage().len(),
            d.unreliable,
            d.poor_coverage,
            d.receiver_outages
        )
    })
}

/// Run `vigia coverage`.
pub fn run(args: Args) -> Result<ExitCode> {
    let format: Option<Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse().map_err(|e| anyhow::anyhow!("--format: {e}"))?),
    };
    let mut model = Coverage::new(CoverageConfig::default());
    for path in &args.merge {
        model.merge(load(path)?);
    }
    let mut tracker = Tracker::new(TrackerConfig {
        receiver: args.r#ref,
        ..TrackerConfig::default()
    });
    let mut reader = Records::open(
        args.receivers.as_deref(),
        &args.paths,
        format,
        args.start,
        false,
        args.threads.get(),
    )?;
    let mut events = Vec::new();
    let mut bad = super::BadInput::default();
    let mut receivers = ReceiverCoverage::new(CoverageConfig::default());
    let learn =
        |events: &mut Vec<TrackEvent>, model: &mut Coverage, receivers: &mut ReceiverCoverage| {
            for e in events.drain(..) {
                match e {
                    TrackEvent::Position(p) => {
                        model.observe(&p);
                        receivers.observe(&p);
                    }
                    TrackEvent::FlightEnded(f) => {
                        model.forget(f.id.icao24);
                        receivers.forget(f.id.icao24);
                    }
                    _ => {}
                }
            }
        };
    while let Some(item) = reader.next_item() {
        match item {
            InputItem::Record(record, source) => {
                if let vigia_modes::Record::Frame(f) = &record {
                    receivers.frame(source.input as u16, f.message());
                }
                reader.track(&record, source, &mut tracker, &mut events);
                learn(&mut events, &mut model, &mut receivers);
            }
            InputItem::Bad(e) => {
                if let Some(line) = bad.count(&e) {
                    eprintln!("{line}");
                }
            }
            InputItem::Unreadable { error, .. } => eprintln!("{}", super::unreadable(&error)),
            _ => {}
        }
    }
    reader.finish(&mut tracker, &mut events);
    tracker.finish(&mut events);
    learn(&mut events, &mut model, &mut receivers);
    let names = reader.names();
    let share = |cells: &[CellTally]| {
        let (e, r) = cells.iter().fold((0.0, 0.0), |(e, r), c| {
            (
                e + c.tally.expected,
                r + c.tally.received.min(c.tally.expected),
            )
        });
        if e > 0.0 {
            100.0 * r / e
        } else {
            0.0
        }
    };
    for r in 0..receivers.len() {
        let cells = receivers
            .model(r as u16)
            .map(|m| m.cells())
            .unwrap_or_default();
        eprintln!(
            "coverage: receiver {}: {:.1} % of the broadcasts sent where the network tracked aircraft",
            names.get(r).map_or_else(|| r.to_string(), Clone::clone),
            share(&cells)
        );
    }
    let cells = match &args.receiver {
        None => model.cells(),
        Some(id) => {
            let index = names
                .iter()
                .position(|n| n == id)
                .or_else(|| id.parse::<usize>().ok())
                .filter(|i| *i < receivers.len())
                .with_context(|| {
                    format!(
                        "--receiver {id}: no such receiver (inputs: {})",
                        names.join(", ")
                    )
                })?;
            receivers
                .model(index as u16)
                .map(|m| m.cells())
                .unwrap_or_default()
        }
    };
    let value = vigia_report::coverage::write(&cells, args.altitude.map(band), args.min_expected);
    let text = serde_json::to_string(&value).context("writing coverage")?;
    match &args.out {
        Some(path) => std::fs::write(path, text + "\n")
            .with_context(|| format!("{}: cannot write", path.display()))?,
        None => println!("{text}"),
    }
    let (expected, received) = cells.iter().fold((0.0, 0.0), |(e, r), c| {
        (
            e + c.tally.expected,
            r + c.tally.received.min(c.tally.expected),
        )
    });
    let s = model.stats();
    eprintln!(
        "coverage: {} cells from {} steps between trusted positions ({} not counted): {:.0} position broadcasts expected, {:.1} % received",
        cells.len(),
        s.steps,
        s.skipped,
        expected,
        if expected > 0.0 { 100.0 * received / expected } else { 0.0 }
    );
    if let Some(line) = bad.summary() {
        eprintln!("{line}");
    }
    if reader.opened() == 0 || bad.cut_short > 0 {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
