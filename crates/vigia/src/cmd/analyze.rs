//! `vigia analyze`: archives in, events out — the analyst's command.
//!
//! Wiring only: `vigia-feed` reads every input (any format it knows), `vigia-track` validates
//! positions and splits flights, `vigia-detect` (with `vigia-zones`) turns them into zone
//! events with evidence, orbits, surveys, closest approaches and scored flight records.
//! Events are written as the event contract has them (`vigia_detect::EventRecord`), the
//! summary by `vigia_report::summary`.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig, Event, EventRecord};
use vigia_feed::{Format, InputItem, Inputs};
use vigia_modes::Record;

use super::network::Records;
use vigia_report::summary::{RunCounts, Summary};

use vigia_track::{TrackEvent, Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

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
    /// Read archives in file order instead of time order (by default each archive file is
    /// ordered by time in memory, up to 250 000 records at a time).
    #[arg(long)]
    no_sort: bool,
    /// Report closest approaches within this distance of a zone, nautical miles.
    #[arg(long, default_value_t = 50.0)]
    approach_nm: f64,
    /// Receiver position `LAT,LON`, for local CPR decoding.
    #[arg(long, value_name = "LAT,LON", value_parser = super::lat_lon, allow_hyphen_values = true)]
    r#ref: Option<vigia_modes::cpr::LatLon>,
    /// Wall-clock time of a receiver-clock capture's first frame (Beast and AVR files carry
    /// only the receiver's counter): Unix seconds or ISO 8601 (`2024-05-01T14:00:00Z`).
    /// Without it such times are shown as `clock HH:MM:SS`, never as dates.
    #[arg(long, value_name = "UNIX|ISO", value_parser = super::start_time)]
    start: Option<f64>,
    #[command(flatten)]
    threads: super::Threads,
    /// Input files (`-` for standard input): frames (Beast, hex, AVR), SBS, readsb JSON, trajectory CSV or Parquet; gzip and zstd are recognised.
    #[arg(required_unless_present = "receivers", value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A receivers file (TOML): read every receiver's capture, merged, and locate the replies
    /// of aircraft without a broadcast position by multilateration.
    /// With it, PATHs are combined captures: several receivers' frames in one Beast stream,
    /// each tagged with the receiver's id in band (`0x1a 0xe3`, matched to `uuid`).
    #[arg(long, value_name = "FILE")]
    receivers: Option<PathBuf>,
    /// A coverage model learned earlier (`vigia coverage --out FILE`): where the receivers hear
    /// well from the start, for `signal_lost` and `appeared_inside`. The model also keeps
    /// learning from these inputs.
    #[arg(long, value_name = "FILE")]
    coverage: Option<PathBuf>,
    /// Share of position broadcasts the receivers must hear where a gap or an appearance is
    /// judged (0–1). One receiver rarely hears 99 %: 0.8 suits a single station.
    #[arg(long, value_name = "RATIO", default_value_t = 0.99)]
    min_coverage: f64,
    /// No going-dark events (`signal_lost`, `signal_regained`, `inferred_crossing`,
    /// `appeared_inside`).
    #[arg(long)]
    no_dark: bool,
}

/// Run `vigia analyze`.
pub fn run(args: Args) -> Result<ExitCode> {
    let started = Instant::now();
    let format: Option<Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse().map_err(|e| anyhow::anyhow!("--format: {e}"))?),
    };
    // Reading starts first: on several threads it goes on while the zones are prepared.
    let mut reader = Records::open(
        args.receivers.as_deref(),
        &args.paths,
        format,
        args.start,
        args.no_sort,
        args.threads.get(),
    )?;
    let zone_set = ZoneSet::parse_spec(&args.zones)
        .with_context(|| format!("loading zones {:?}", args.zones))?;
    for w in zone_set.warnings() {
        eprintln!("vigia: warning: {w}");
    }
    let zones = Arc::new(ZoneIndex::new(&zone_set));
    let db = match &args.aircraft_db {
        Some(path) => Some(super::aircraft_db::read_one(path)?),
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
            dark: vigia_detect::dark::DarkConfig {
                enabled: !args.no_dark,
                min_coverage: args.min_coverage,
                ..vigia_detect::dark::DarkConfig::default()
            },
            ..AnalyzerConfig::default()
        },
    );
    if let Some(path) = &args.coverage {
        analyzer.coverage_mut().merge(super::coverage::load(path)?);
    }
    let mut out: Box<dyn Write> = match &args.out {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let inputs = reader.names();
    let mut n = RunCounts::default();
    let mut summary = Summary::default();
    let mut track_events = Vec::new();
    let mut events = Vec::new();
    let progress = progress_bar();
    let mut bad = super::BadInput::default();
    while let Some(item) = reader.next_item() {
        let (record, source) = match item {
            InputItem::Record(record, source) => (record, source),
            InputItem::Bad(e) => {
                if let Some(line) = bad.count(&e) {
                    progress.suspend(|| eprintln!("{line}"));
                }
                n.malformed = bad.records;
                continue;
            }
            InputItem::Unreadable { error, .. } => {
                progress.suspend(|| eprintln!("{}", super::unreadable(&error)));
                continue;
            }
            _ => continue,
        };
        n.records += 1;
        if let Record::Frame(f) = &record {
            if let Some(ts) = f.ts {
                analyzer.source_frame(source.input as u16, ts, f.message());
            }
        }
        reader.track(&record, source, &mut tracker, &mut track_events);
        if !track_events.is_empty() {
            drain(&mut analyzer, &mut track_events, &mut events);
            emit(&mut out, &mut events, &inputs, &mut n, &mut summary)?;
        }
        if n.records % 65_536 == 0 {
            progress.set_message(format!("{} records, {} events", n.records, summary.total()));
            progress.tick();
        }
    }
    n.untimed = reader.inputs().map_or(0, Inputs::untimed);
    reader.finish(&mut tracker, &mut track_events);
    tracker.finish(&mut track_events);
    drain(&mut analyzer, &mut track_events, &mut events);
    emit(&mut out, &mut events, &inputs, &mut n, &mut summary)?;
    out.flush().context("writing events")?;
    progress.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    summary.set_totals(&n, analyzer.stats(), elapsed, &inputs, &args.zones);
    eprint!("{}", summary.human());
    if let Some(files) = reader.inputs() {
        if files.timed_by_receiver() {
            super::receiver_clock_notes(args.start, files.receiver_clocks())
                .iter()
                .for_each(|line| eprintln!("{line}"));
        }
    }
    if let Some(line) = super::coverage::dark_line(&analyzer) {
        eprintln!("{line}");
    }
    for line in reader.network_lines() {
        eprintln!("{line}");
    }
    if let Some(line) = bad.summary() {
        eprintln!("{line}");
    }
    if let Some(files) = reader.inputs() {
        if let Some(line) = files.dropped_fields().summary(&inputs) {
            eprintln!("{line}");
        }
        if let Some(line) = super::ordering_line(files.ordering()) {
            eprintln!("{line}");
        }
    }
    if let Some(line) = super::surface_hint(&tracker.stats(), args.r#ref.is_some()) {
        eprintln!("{line}");
    }
    if let Some(path) = &args.report {
        std::fs::write(path, summary.markdown())
            .with_context(|| format!("{}: cannot write report", path.display()))?;
    }
    if reader.opened() == 0 || bad.cut_short > 0 || (n.records == 0 && n.malformed > 0) {
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
    n: &mut RunCounts,
    summary: &mut Summary,
) -> Result<()> {
    for e in events.drain(..) {
        *n.events.entry(e.kind.type_name()).or_default() += 1;
        // Through a `Value`: its keys are sorted, so the bytes do not depend on field order.
        let record =
            serde_json::to_value(EventRecord::new(&e, inputs)).context("writing events")?;
        serde_json::to_writer(&mut *out, &record).context("writing events")?;
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
