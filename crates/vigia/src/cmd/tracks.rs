//! `vigia tracks`: frames or archives in, validated flights out — one feature per flight.
//!
//! Wiring only: `vigia-feed` reads the inputs ([`vigia_feed::Inputs`]), `vigia-track`
//! validates positions and splits flights (keeping each flight's points until it ends), and
//! `vigia_report::tracks` writes each finished flight as it comes — GeoJSON, KML, CSV or
//! Parquet — and the rejected positions with reason and evidence.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::mpsc::{sync_channel, SyncSender};
use std::thread::JoinHandle;

use anyhow::{Context, Result};
use vigia_feed::{FeedError, Format, FrameError, InputItem, Inputs, TrajectoryWriter};
use vigia_modes::cpr::LatLon;
use vigia_report::tracks::{TrackFormat, TrackSink, TrackWriter};
use vigia_track::{RejectKind, TrackEvent, TrackStats, Tracker, TrackerConfig};

use super::network::Records;

/// Arguments of `vigia tracks`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia tracks --out flights.geojson tests/data/long_flight.csv.zst --ref 43.7,1.36
  vigia tracks --out points.csv --stats trajectories/*.csv.gz
  vigia tracks --out points.parquet states_2022-06-27-*.parquet
  vigia tracks --out flights.kml --rejected rejected.csv capture.bin")]
pub struct Args {
    /// Input format; `auto` recognises it from the first bytes.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Write flights here; the extension chooses the format: `.geojson`/`.json` (one
    /// LineString feature per flight), `.kml` (one gx:Track per flight), `.csv` or `.parquet`
    /// (one row per point, with its flight_id; columns flight_id, icao24, callsign, timestamp,
    /// latitude, longitude, altitude [ft], groundspeed [kt], track [deg], vertical_rate
    /// [ft/min], onground). Default: GeoJSON on standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Write rejected positions as CSV here (time, position, reason, evidence).
    #[arg(long, value_name = "FILE")]
    rejected: Option<PathBuf>,
    /// Print flights, points and rejected positions by reason on standard error.
    #[arg(long)]
    stats: bool,
    /// Receiver position `LAT,LON`, for local CPR decoding of first and surface frames.
    #[arg(long = "ref", value_name = "LAT,LON", allow_hyphen_values = true)]
    reference: Option<String>,
    /// Consistent positions needed before a track is trusted.
    #[arg(long, value_name = "N")]
    trusted_after: Option<u8>,
    /// Seconds without a trusted position that end a flight.
    #[arg(long, value_name = "SECONDS")]
    flight_gap: Option<f64>,
    /// Seconds records are held to restore time order across receivers.
    #[arg(long, value_name = "SECONDS")]
    reorder_window: Option<f64>,
    /// Read archives in file order instead of time order. By default each archive file
    /// (trajectory CSV or Parquet, SBS, readsb JSON) is ordered by time in memory, up to
    /// 250 000 records at a time, whatever its row order; frame captures and standard input
    /// are read as they come.
    #[arg(long)]
    no_sort: bool,
    /// Accepted for compatibility: ordering archives by time is the default.
    #[arg(long, hide = true)]
    sort: bool,
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
}

fn parse_ref(text: &str) -> Result<LatLon> {
    let (a, b) = text
        .split_once(',')
        .context("--ref takes LAT,LON in degrees")?;
    let lat: f64 = a.trim().parse().context("--ref latitude")?;
    let lon: f64 = b.trim().parse().context("--ref longitude")?;
    anyhow::ensure!(
        (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon),
        "--ref {text} is not a latitude,longitude"
    );
    Ok(LatLon { lat, lon })
}

fn progress_bar(total_bytes: u64) -> indicatif::ProgressBar {
    if !io::stderr().is_terminal() || total_bytes == 0 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total_bytes);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {elapsed} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// Counters of one run that the tracker does not keep.
#[derive(Default, Debug)]
struct Counters {
    records: u64,
    bad: super::BadInput,
    missing_columns: u64,
    receiver_clock: bool,
}

/// Run `vigia tracks`.
pub fn run(args: Args) -> Result<ExitCode> {
    let format: Option<Format> = match args.format.as_str() {
        "auto" => None,
        name => Some(name.parse().map_err(|e| anyhow::anyhow!("--format: {e}"))?),
    };
    let out_format = TrackFormat::of(args.out.as_deref())?;
    let mut config = TrackerConfig {
        keep_points: true,
        ..TrackerConfig::default()
    };
    if let Some(r) = &args.reference {
        config.receiver = Some(parse_ref(r)?);
    }
    if let Some(n) = args.trusted_after {
        config.trusted_after = n;
    }
    if let Some(gap) = args.flight_gap {
        config.flight_gap_s = gap;
    }
    if let Some(window) = args.reorder_window {
        config.reorder_window_s = window;
    }
    let create = |path: &Path| -> Result<Box<dyn Write + Send>> {
        Ok(Box::new(BufWriter::new(File::create(path).with_context(
            || format!("{}: cannot create", path.display()),
        )?)))
    };
    let out: Box<dyn Write + Send> = match &args.out {
        Some(path) => create(path)?,
        None => Box::new(BufWriter::new(io::stdout())),
    };
    let sink = match out_format {
        TrackFormat::GeoJson => TrackSink::GeoJson(out),
        TrackFormat::Kml => TrackSink::Kml(out),
        TrackFormat::Csv => TrackSink::Csv(out),
        TrackFormat::Parquet => {
            let created_by = concat!("vigia ", env!("CARGO_PKG_VERSION"));
            TrackSink::Parquet(Box::new(
                TrajectoryWriter::new(out, created_by).with_context(|| {
                    format!("{}: cannot write Parquet", display(args.out.as_deref()))
                })?,
            ))
        }
    };
    let rejected: Option<Box<dyn Write + Send>> = match &args.rejected {
        Some(path) => Some(create(path)?),
        None => None,
    };
    let threads = args.threads.get();
    let mut reader = Records::open(
        args.receivers.as_deref(),
        &args.paths,
        format,
        args.start,
        args.no_sort,
        threads,
    )?;
    let names = reader.names();
    let writer = TrackWriter::new(sink, rejected, names.clone()).context("writing output")?;
    let mut writer = Output::start(writer, threads)?;
    let progress = progress_bar(reader.total_bytes());
    let mut tracker = Tracker::new(config);
    let mut events = Vec::new();
    let mut n = Counters::default();
    while let Some(item) = reader.next_item() {
        let (record, source) = match item {
            InputItem::Record(record, source) => (record, source),
            InputItem::Bad(e) => {
                report_bad_input(&e, &mut n, &progress);
                continue;
            }
            InputItem::Unreadable { error, .. } => {
                progress.suspend(|| eprintln!("{}", super::unreadable(&error)));
                continue;
            }
            _ => continue,
        };
        n.records += 1;
        reader.track(&record, source, &mut tracker, &mut events);
        writer.events(&mut events)?;
        if n.records % 65_536 == 0 {
            progress.set_position(reader.bytes_read());
            progress.set_message(format!("{} records", n.records));
        }
    }
    n.receiver_clock = reader.inputs().is_some_and(Inputs::timed_by_receiver);
    let opened = reader.opened();
    let memory = tracker.memory();
    reader.finish(&mut tracker, &mut events);
    tracker.finish(&mut events);
    writer.events(&mut events)?;
    let writer = writer.finish()?;
    progress.finish_and_clear();
    let stats = tracker.stats();
    if args.stats {
        eprint!("{}", summary(&stats, &n, writer.flights_written()));
        eprintln!(
            "memory: {} bytes per aircraft, plus its flight's points while it flies ({} aircraft held at the end of input, {} bytes in all)",
            memory.per_aircraft_bytes,
            memory.aircraft,
            memory.total()
        );
    }
    if let Some(files) = reader.inputs() {
        if n.receiver_clock {
            super::receiver_clock_notes(args.start, files.receiver_clocks())
                .iter()
                .for_each(|line| eprintln!("{line}"));
        }
    }
    for line in reader.network_lines() {
        eprintln!("{line}");
    }
    if let Some(line) = n.bad.summary() {
        eprintln!("{line}");
    }
    if let Some(files) = reader.inputs() {
        if let Some(line) = files.dropped_fields().summary(&names) {
            eprintln!("{line}");
        }
        if let Some(line) = super::ordering_line(files.ordering()) {
            eprintln!("{line}");
        }
    }
    if let Some(line) = super::surface_hint(&stats, args.reference.is_some()) {
        eprintln!("{line}");
    }
    if stats.late > 0 {
        eprintln!(
            "vigia: {} records arrived after later ones of the same aircraft (beyond the {} s window); positions among them are rejected as out_of_order{}",
            stats.late,
            tracker.config().reorder_window_s,
            if args.no_sort { " (without --no-sort, archives are read in time order)" } else { "" }
        );
    }
    if opened == 0
        || n.missing_columns > 0
        || n.bad.cut_short > 0
        || (n.records == 0 && n.bad.records > 0)
    {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn display(path: Option<&Path>) -> String {
    path.map_or_else(|| "-".into(), |p| p.display().to_string())
}

type Writer = TrackWriter<Box<dyn Write + Send>>;

/// Where finished flights are written: here, or (with two threads or more) on a thread of
/// its own, in the same order, so that formatting them does not hold up the tracking.
enum Output {
    Here(Writer),
    Thread {
        /// Batches of the events the writer uses, in order.
        sender: Option<SyncSender<Vec<TrackEvent>>>,
        thread: Option<JoinHandle<io::Result<Writer>>>,
    },
}

/// Batches of events waiting for the writer's thread at most.
const WRITER_BATCHES: usize = 64;

impl Output {
    fn start(writer: Writer, threads: usize) -> Result<Self> {
        if threads < 2 {
            return Ok(Output::Here(writer));
        }
        let (sender, batches) = sync_channel::<Vec<TrackEvent>>(WRITER_BATCHES);
        let thread = std::thread::Builder::new()
            .name("vigia-write".into())
            .spawn(move || {
                let mut writer = writer;
                for batch in batches {
                    for event in &batch {
                        writer.event(event)?;
                    }
                }
                writer.finish()?;
                Ok(writer)
            })
            .context("starting the writing thread")?;
        Ok(Output::Thread {
            sender: Some(sender),
            thread: Some(thread),
        })
    }

    /// Write what `events` mean (finished flights, rejected positions); empties it.
    fn events(&mut self, events: &mut Vec<TrackEvent>) -> Result<()> {
        match self {
            Output::Here(writer) => {
                for event in events.drain(..) {
                    writer.event(&event).context("writing output")?;
                }
            }
            Output::Thread { sender, .. } => {
                events
                    .retain(|e| matches!(e, TrackEvent::FlightEnded(_) | TrackEvent::Rejected(_)));
                if events.is_empty() {
                    return Ok(());
                }
                let batch = std::mem::take(events);
                if sender.as_ref().is_none_or(|s| s.send(batch).is_err()) {
                    // The writer stopped: its error says why.
                    self.join()?;
                }
            }
        }
        Ok(())
    }

    fn join(&mut self) -> Result<Writer> {
        let Output::Thread { sender, thread } = self else {
            anyhow::bail!("no writing thread");
        };
        sender.take();
        match thread.take().map(JoinHandle::join) {
            Some(Ok(written)) => written.context("writing output"),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => anyhow::bail!("writing output: the writer stopped"),
        }
    }

    /// Close the output (see [`TrackWriter::finish`]) and hand the writer back, for its counts.
    fn finish(mut self) -> Result<Writer> {
        match self {
            Output::Here(mut writer) => {
                writer.finish().context("writing output")?;
                Ok(writer)
            }
            Output::Thread { .. } => self.join(),
        }
    }
}

/// Count a rejected input record; show the first few (`file: line N: why`), and always a
/// header that lacks the required columns.
fn report_bad_input(error: &FeedError, n: &mut Counters, progress: &indicatif::ProgressBar) {
    let missing_columns = matches!(error.frame_error(), Some(FrameError::MissingColumns { .. }));
    if missing_columns {
        n.missing_columns += 1;
        progress.suspend(|| eprintln!("vigia: {error}"));
        return;
    }
    if let Some(line) = n.bad.count(error) {
        progress.suspend(|| eprintln!("{line}"));
    }
}

/// The `--stats` report.
fn summary(stats: &TrackStats, n: &Counters, flights: u64) -> String {
    let mut text = String::new();
    let mut line = |s: String| {
        text.push_str(&s);
        text.push('\n');
    };
    line(format!(
        "records: {} read, {} malformed",
        n.records, n.bad.records
    ));
    line(format!(
        "flights: {flights} (aircraft: {} at most at once)",
        stats.aircraft_peak
    ));
    line(format!("points: {} trusted", stats.positions));
    if stats.segment_breaks > 0 {
        line(format!(
            "track breaks: {} (a trusted position no aircraft could reach from the previous one starts a new segment; see the segment column)",
            stats.segment_breaks
        ));
    }
    line(format!("rejected positions: {}", stats.rejected_total()));
    for kind in RejectKind::ALL {
        let count = stats.rejected(kind);
        if count > 0 {
            line(format!("  {:<22}{count}", kind.name()));
        }
    }
    if stats.late > 0 {
        line(format!("late records: {}", stats.late));
    }
    if stats.cpr_undecodable_pairs > 0 {
        line(format!(
            "CPR pairs across zones (not decodable): {}",
            stats.cpr_undecodable_pairs
        ));
    }
    if stats.evicted > 0 {
        line(format!(
            "aircraft evicted at the table's limit (never confirmed first): {}",
            stats.evicted
        ));
    }
    if stats.window_full > 0 {
        line(format!(
            "records released early because the reordering window was full: {}",
            stats.window_full
        ));
    }
    if stats.long_containers > 0 {
        line(format!(
            "short replies in 112-bit containers (decoded from their first 56 bits): {}",
            stats.long_containers
        ));
    }
    if stats.undecodable + stats.unknown_address + stats.untimed > 0 {
        line(format!(
            "frames unused: {} undecodable, {} from unknown addresses, {} without time",
            stats.undecodable, stats.unknown_address, stats.untimed
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn fixture(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../track/tests/data")
            .join(name)
    }

    fn args(paths: Vec<PathBuf>, out: &Path) -> Args {
        Args {
            format: "auto".into(),
            out: Some(out.to_path_buf()),
            rejected: None,
            stats: false,
            reference: None,
            trusted_after: None,
            flight_gap: None,
            reorder_window: None,
            no_sort: false,
            sort: false,
            start: None,
            threads: super::super::Threads::exactly(2),
            paths,
            receivers: None,
        }
    }

    #[test]
    fn output_format_from_extension() {
        assert_eq!(TrackFormat::of(None).unwrap(), TrackFormat::GeoJson);
        assert_eq!(
            TrackFormat::of(Some(Path::new("a.KML"))).unwrap(),
            TrackFormat::Kml
        );
        assert_eq!(
            TrackFormat::of(Some(Path::new("a.parquet"))).unwrap(),
            TrackFormat::Parquet
        );
        assert!(TrackFormat::of(Some(Path::new("a.txt"))).is_err());
    }

    #[test]
    fn geojson_one_feature_per_flight_with_times() {
        let dir = std::env::temp_dir().join(format!("vigia-tracks-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let out = dir.join("kingston.geojson");
        let code = run(args(vec![fixture("calibration_kingston.csv.zst")], &out)).unwrap();
        assert_eq!(code, ExitCode::SUCCESS);
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let features = doc["features"].as_array().unwrap();
        assert_eq!(features.len(), 1);
        let f = &features[0];
        assert_eq!(f["geometry"]["type"], "LineString");
        let coordinates = f["geometry"]["coordinates"].as_array().unwrap();
        let times = f["properties"]["times"].as_array().unwrap();
        assert_eq!(coordinates.len(), 1455);
        assert_eq!(times.len(), coordinates.len());
        assert_eq!(times[0], 1530033130.0);
        assert_eq!(f["properties"]["flight_id"], "0b206f-1530033130");
        assert_eq!(f["properties"]["callsigns"][0], "YS111N");
        assert_eq!(
            f["properties"]["end"],
            vigia_track::FlightEnd::EndOfInput.name()
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn csv_kml_and_rejected_outputs() {
        let dir = std::env::temp_dir().join(format!("vigia-tracks-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let csv = dir.join("points.csv");
        let mut a = args(vec![fixture("calibration_vancouver.csv.zst")], &csv);
        a.rejected = Some(dir.join("rejected.csv"));
        assert_eq!(run(a).unwrap(), ExitCode::SUCCESS);
        let text = std::fs::read_to_string(&csv).unwrap();
        let mut lines = text.lines();
        assert!(lines
            .next()
            .unwrap()
            .starts_with("flight_id,icao24,callsign,timestamp,latitude"));
        let first = lines.next().unwrap();
        assert!(
            first.starts_with(
                "c052bb-1538840575,c052bb,NVC103,1538840575.000,49.929276,-119.374474,2225,158,"
            ),
            "{first}"
        );
        assert_eq!(text.lines().count(), 1 + 1876);
        let rejected = std::fs::read_to_string(dir.join("rejected.csv")).unwrap();
        // Three rows whose positions run ahead of their time, each cited by file and line.
        assert_eq!(rejected.lines().count(), 1 + 3);
        assert!(rejected
            .lines()
            .nth(1)
            .unwrap()
            .contains("contradicts_velocity"));
        assert!(
            rejected.contains("calibration_vancouver.csv.zst:751"),
            "{rejected}"
        );

        let kml = dir.join("flights.kml");
        assert_eq!(
            run(args(vec![fixture("calibration_montreal.csv.zst")], &kml)).unwrap(),
            ExitCode::SUCCESS
        );
        let text = std::fs::read_to_string(&kml).unwrap();
        assert_eq!(text.matches("<Placemark>").count(), 1);
        assert_eq!(text.matches("<when>").count(), 1941);
        assert_eq!(text.matches("<gx:coord>").count(), 1941);
        assert!(
            text.contains("<when>2018-12-11T14:58:10.000Z</when>"),
            "first point"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn missing_columns_fail_with_the_file_named() {
        let dir = std::env::temp_dir().join(format!("vigia-tracks-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("bad.csv");
        std::fs::write(&input, "when,icao24,lat\n1,abc123,2\n").unwrap();
        let code = run(args(vec![input], &dir.join("out.geojson"))).unwrap();
        assert_eq!(code, ExitCode::FAILURE);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn summary_lists_rejections_by_reason() {
        let mut tracker = Tracker::new(TrackerConfig::default());
        let mut events = Vec::new();
        tracker.finish(&mut events);
        let text = summary(&tracker.stats(), &Counters::default(), 0);
        assert_eq!(
            text,
            "records: 0 read, 0 malformed\nflights: 0 (aircraft: 0 at most at once)\npoints: 0 trusted\nrejected positions: 0\n"
        );
    }
}
