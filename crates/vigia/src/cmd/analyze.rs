//! `vigia analyze`: archives in, events out — the analyst's command.
//!
//! Wiring only: `vigia-feed` reads every input (any format it knows), `vigia-track` validates
//! positions and splits flights, `vigia-detect` (with `vigia-zones`) turns them into zone
//! events with evidence, orbits, surveys, closest approaches and scored flight records.
//! [`json`] (in `vigia-store`, shared with the service) shapes the events; [`report`] writes
//! the Markdown summary.

mod report;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use vigia_detect::identity::{AircraftDb, IdentityResolver};
use vigia_detect::{Analyzer, AnalyzerConfig, Event};
use vigia_feed::{Format, Record, RecordReader};
use vigia_store::json;
use vigia_track::{SourceRef, TrackEvent, Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

pub use report::Summary;

/// Arguments of `vigia analyze`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia analyze tests/data/long_flight.csv.zst
  vigia analyze --zones MEX,USA --out events.jsonl --report summary.md month/*.csv.gz
  vigia analyze --zones my_area.geojson --aircraft-db aircraftDatabase.csv capture.bin")]
pub struct Args {
    /// Zones to watch: bundled names (`MEX,USA`), buffers (`MEX+12nm`) or GeoJSON files.
    #[arg(long, default_value = "MEX,USA")]
    zones: String,
    /// Input format; `auto` recognises it from the first bytes.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Aircraft database (OpenSky aircraftDatabase.csv or tar1090-db aircraft.csv).
    #[arg(long, value_name = "FILE")]
    aircraft_db: Option<PathBuf>,
    /// Write events as JSON Lines here (default: standard output).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write a Markdown summary here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Report closest approaches within this distance of a zone, nautical miles.
    #[arg(long, default_value_t = 50.0)]
    approach_nm: f64,
    /// Receiver position `LAT,LON`, for local CPR decoding.
    #[arg(long, value_name = "LAT,LON", value_parser = super::lat_lon, allow_hyphen_values = true)]
    r#ref: Option<vigia_modes::cpr::LatLon>,
    /// Input files (`-` for standard input): frames (Beast, hex, AVR), SBS, readsb JSON, trajectory CSV or Parquet; gzip and zstd are recognised.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The counters of one analysis run.
#[derive(Default)]
pub struct Counters {
    /// Records read (frames and reports).
    pub records: u64,
    /// Input records rejected by the framers.
    pub malformed: u64,
    /// Frames without a usable time.
    pub untimed: u64,
    /// Events by type.
    pub events: BTreeMap<&'static str, u64>,
}

/// Run `vigia analyze`.
pub fn run(args: Args) -> Result<ExitCode> {
    let started = Instant::now();
    let format: Option<Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse().map_err(|e| anyhow::anyhow!("--format: {e}"))?),
    };
    let zone_set = ZoneSet::parse_spec(&args.zones)
        .with_context(|| format!("loading zones {:?}", args.zones))?;
    for w in zone_set.warnings() {
        eprintln!("vigia: warning: {w}");
    }
    let zones = Arc::new(ZoneIndex::new(&zone_set));
    let db = match &args.aircraft_db {
        Some(path) => {
            let file = File::open(path)
                .with_context(|| format!("{}: cannot open aircraft database", path.display()))?;
            let db = AircraftDb::read(io::BufReader::new(file))
                .with_context(|| format!("{}: cannot read aircraft database", path.display()))?;
            for (line, why) in &db.rejected_lines {
                eprintln!("vigia: {}:{line}: skipped: {why}", path.display());
            }
            Some(db)
        }
        None => None,
    };
    let mut tracker = Tracker::new(TrackerConfig {
        receiver: args.r#ref,
        ..TrackerConfig::default()
    });
    let mut analyzer = Analyzer::new(
        zones.clone(),
        IdentityResolver::new(db),
        AnalyzerConfig {
            approach_nm: args.approach_nm,
            ..AnalyzerConfig::default()
        },
    );
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let inputs: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let mut n = Counters::default();
    let mut summary = Summary::default();
    let mut track_events = Vec::new();
    let mut events = Vec::new();
    let progress = progress_bar();
    let mut bad = super::BadInput::default();
    let mut opened = 0usize;
    let mut receiver_clock = false;
    for (index, path) in args.paths.iter().enumerate() {
        let reader = if path.as_os_str() == "-" {
            RecordReader::new("-", io::stdin(), format)
        } else {
            match File::open(path) {
                Ok(f) => RecordReader::seekable(path.display().to_string(), f, format),
                Err(e) => {
                    eprintln!("vigia: {}: cannot open: {e}", path.display());
                    continue;
                }
            }
        };
        let mut reader = match reader {
            Ok(r) => r,
            Err(e) => {
                eprintln!("vigia: {e}");
                continue;
            }
        };
        opened += 1;
        let mut record_no = 0u64;
        while let Some(item) = reader.next() {
            let mut record = match item {
                Ok(r) => r,
                Err(e) => {
                    if let Some(line) = bad.count(&e) {
                        progress.suspend(|| eprintln!("{line}"));
                    }
                    n.malformed = bad.records;
                    continue;
                }
            };
            record_no += 1;
            n.records += 1;
            if let Record::Frame(f) = &mut record {
                // Beast/AVR carry only the receiver's 12 MHz counter: use it as a clock.
                if f.ts.is_none() {
                    if let Some(ticks) = f.mlat_ticks {
                        f.ts = Some(ticks as f64 / 12e6);
                        receiver_clock = true;
                    } else {
                        n.untimed += 1;
                    }
                }
            }
            let source = SourceRef {
                input: index as u32,
                record: record_no,
                line: reader.last_line(),
                row: reader.last_row(),
            };
            tracker.push_record(&record, source, &mut track_events);
            if !track_events.is_empty() {
                drain(&mut analyzer, &mut track_events, &mut events);
                emit(&mut out, &mut events, &inputs, &mut n, &mut summary)?;
            }
            if n.records % 65_536 == 0 {
                progress.set_message(format!("{} records, {} events", n.records, summary.total()));
                progress.tick();
            }
        }
    }
    tracker.finish(&mut track_events);
    drain(&mut analyzer, &mut track_events, &mut events);
    emit(&mut out, &mut events, &inputs, &mut n, &mut summary)?;
    out.flush().context("writing events")?;
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    summary.set_totals(&n, analyzer.stats(), elapsed, &inputs, &args.zones);
    eprint!("{}", summary.human());
    if receiver_clock {
        eprintln!("note: times are receiver-clock seconds (the input carries no wall-clock time)");
    }
    if let Some(line) = bad.summary() {
        eprintln!("{line}");
    }
    if let Some(path) = &args.report {
        std::fs::write(path, summary.markdown())
            .with_context(|| format!("{}: cannot write report", path.display()))?;
    }
    if opened == 0 || (n.records == 0 && n.malformed > 0) {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn drain(analyzer: &mut Analyzer, track_events: &mut Vec<TrackEvent>, out: &mut Vec<Event>) {
    for e in track_events.drain(..) {
        analyzer.push(&e, out);
    }
}

fn emit(
    out: &mut dyn Write,
    events: &mut Vec<Event>,
    inputs: &[String],
    n: &mut Counters,
    summary: &mut Summary,
) -> Result<()> {
    for e in events.drain(..) {
        *n.events.entry(e.kind.type_name()).or_default() += 1;
        serde_json::to_writer(&mut *out, &json::event(&e, inputs)).context("writing events")?;
        out.write_all(b"\n").context("writing events")?;
        summary.add(&e);
    }
    Ok(())
}

fn progress_bar() -> indicatif::ProgressBar {
    if io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    } else {
        indicatif::ProgressBar::hidden()
    }
}
