//! `vigia tracks`: frames or archives in, validated flights out — one feature per flight.
//!
//! Wiring and presentation only: `vigia-feed` reads the inputs, `vigia-track` validates
//! positions and splits flights (keeping each flight's points until it ends), and this file
//! writes each finished flight as it comes: a GeoJSON `LineString` feature with per-vertex
//! times in its properties, a KML `gx:Track`, or CSV / Parquet points with their `flight_id`
//! (traffic-style column names and units, so that the points read back into vigia and into
//! `traffic`; the Parquet encoding is `vigia_feed::TrajectoryWriter`'s).
//! Rejected positions can go to a CSV of their own, with reason and evidence.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use vigia_feed::{
    FeedError, Format, FrameError, Record, RecordReader, TrajectoryPoint, TrajectoryWriter,
};
use vigia_modes::cpr::LatLon;
use vigia_track::{
    Evidence, Flight, RejectKind, RejectedPosition, SourceRef, TrackEvent, TrackStats, Tracker,
    TrackerConfig,
};

/// Metres per foot (KML altitudes are metres).
const METRES_PER_FOOT: f64 = 0.3048;

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
    /// Sort each input by time before tracking, for archives that list flights out of time
    /// order (holds one input in memory).
    #[arg(long)]
    sort: bool,
    /// Input files (`-` for standard input): frames (Beast, hex, AVR), SBS, readsb JSON, trajectory CSV or Parquet; gzip and zstd are recognised.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

/// The output formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum OutFormat {
    GeoJson,
    Kml,
    Csv,
    Parquet,
}

impl OutFormat {
    fn of(path: Option<&Path>) -> Result<Self> {
        let Some(path) = path else {
            return Ok(OutFormat::GeoJson);
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("geojson" | "json") => Ok(OutFormat::GeoJson),
            Some("kml") => Ok(OutFormat::Kml),
            Some("csv") => Ok(OutFormat::Csv),
            Some("parquet") => Ok(OutFormat::Parquet),
            _ => bail!(
                "{}: cannot tell the output format; use .geojson, .kml, .csv or .parquet",
                path.display()
            ),
        }
    }
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

/// Counts bytes read from a file, for the progress bar.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Parquet is read by seeking to its column chunks; what is read is still counted.
impl<R: io::Seek> io::Seek for Counting<R> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        self.inner.seek(to)
    }
}

/// Writes finished flights (and rejected positions) as they come.
struct Writer {
    format: OutFormat,
    out: Box<dyn Write>,
    /// The Parquet encoder, for `.parquet` (then `out` is unused).
    parquet: Option<TrajectoryWriter<BufWriter<File>>>,
    flights_written: u64,
    rejected: Option<Box<dyn Write>>,
    inputs: Vec<String>,
}

impl Writer {
    fn begin(&mut self) -> io::Result<()> {
        match self.format {
            OutFormat::GeoJson => write!(self.out, "{{\"type\":\"FeatureCollection\",\"features\":["),
            OutFormat::Kml => write!(
                self.out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\" xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n<Document>\n<name>vigia tracks</name>\n"
            ),
            OutFormat::Csv => writeln!(
                self.out,
                "flight_id,icao24,callsign,timestamp,latitude,longitude,altitude,groundspeed,track,vertical_rate,onground"
            ),
            OutFormat::Parquet => Ok(()),
        }?;
        if let Some(out) = &mut self.rejected {
            writeln!(
                out,
                "icao24,ts,latitude,longitude,altitude_ft,reason,detail,flight_id,evidence"
            )?;
        }
        Ok(())
    }

    fn event(&mut self, event: &TrackEvent) -> io::Result<()> {
        match event {
            TrackEvent::FlightEnded(flight) => {
                match self.format {
                    OutFormat::GeoJson => {
                        let feature = geojson_feature(flight);
                        let separator = if self.flights_written == 0 {
                            "\n"
                        } else {
                            ",\n"
                        };
                        write!(self.out, "{separator}{feature}")?;
                    }
                    OutFormat::Kml => write_kml_placemark(&mut self.out, flight)?,
                    OutFormat::Csv => write_csv_points(&mut self.out, flight)?,
                    OutFormat::Parquet => {
                        if let Some(parquet) = &mut self.parquet {
                            write_parquet_points(parquet, flight)?;
                        }
                    }
                }
                self.flights_written += 1;
            }
            TrackEvent::Rejected(r) => {
                if let Some(out) = &mut self.rejected {
                    write_rejected(out, r, &self.inputs)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self) -> io::Result<()> {
        match self.format {
            OutFormat::GeoJson => writeln!(self.out, "\n]}}"),
            OutFormat::Kml => writeln!(self.out, "</Document>\n</kml>"),
            OutFormat::Csv => Ok(()),
            OutFormat::Parquet => match self.parquet.take() {
                Some(parquet) => parquet.finish()?.flush(),
                None => Ok(()),
            },
        }?;
        self.out.flush()?;
        if let Some(out) = &mut self.rejected {
            out.flush()?;
        }
        Ok(())
    }
}

fn callsigns(flight: &Flight) -> String {
    flight
        .callsigns
        .iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One flight as a GeoJSON feature: a `LineString` (a `Point` for a one-point flight), with
/// per-vertex times, altitudes, speeds and tracks in parallel arrays.
fn geojson_feature(flight: &Flight) -> serde_json::Value {
    use serde_json::json;
    let coordinates: Vec<_> = flight.track.iter().map(|p| json!([p.lon, p.lat])).collect();
    let geometry = match coordinates.as_slice() {
        [single] => json!({ "type": "Point", "coordinates": single }),
        _ => json!({ "type": "LineString", "coordinates": coordinates }),
    };
    let b = flight.bbox;
    json!({
        "type": "Feature",
        "bbox": [b.min_lon, b.min_lat, b.max_lon, b.max_lat],
        "geometry": geometry,
        "properties": {
            "flight_id": flight.id.to_string(),
            "icao24": flight.id.icao24.to_string(),
            "callsigns": flight.callsigns.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            "squawks": flight.squawks.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            "start_ts": flight.start_ts,
            "end_ts": flight.end_ts,
            "points": flight.points,
            "rejected": flight.rejected,
            "airborne": flight.airborne,
            "end": flight.end.name(),
            "times": flight.track.iter().map(|p| p.ts).collect::<Vec<_>>(),
            "altitudes_ft": flight.track.iter().map(|p| p.altitude_ft).collect::<Vec<_>>(),
            "groundspeeds_kt": flight.track.iter().map(|p| p.groundspeed_kt).collect::<Vec<_>>(),
            "tracks_deg": flight.track.iter().map(|p| p.track_deg).collect::<Vec<_>>(),
            "on_ground": flight.track.iter().map(|p| p.on_ground).collect::<Vec<_>>(),
        }
    })
}

fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn write_csv_points(out: &mut dyn Write, flight: &Flight) -> io::Result<()> {
    let id = flight.id.to_string();
    let icao24 = flight.id.icao24.to_string();
    let callsign = flight.callsigns.first().map(|c| c.as_str()).unwrap_or("");
    for p in &flight.track {
        writeln!(
            out,
            "{id},{icao24},{callsign},{:.3},{:.6},{:.6},{},{},{},{},{}",
            p.ts,
            p.lat,
            p.lon,
            opt(p.altitude_ft),
            opt(p.groundspeed_kt),
            opt(p.track_deg),
            opt(p.vertical_rate_fpm),
            opt(p.on_ground),
        )?;
    }
    Ok(())
}

fn write_parquet_points(
    out: &mut TrajectoryWriter<BufWriter<File>>,
    flight: &Flight,
) -> io::Result<()> {
    let id = flight.id.to_string();
    let callsign = flight.callsigns.first().map(|c| c.as_str());
    for p in &flight.track {
        out.write(&TrajectoryPoint {
            flight_id: &id,
            icao24: flight.id.icao24,
            callsign,
            ts: p.ts,
            latitude: p.lat,
            longitude: p.lon,
            altitude_ft: p.altitude_ft.map(f64::from),
            groundspeed_kt: p.groundspeed_kt.map(f64::from),
            track_deg: p.track_deg.map(f64::from),
            vertical_rate_fpm: p.vertical_rate_fpm.map(f64::from),
            on_ground: p.on_ground,
        })?;
    }
    Ok(())
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_kml_placemark(out: &mut dyn Write, flight: &Flight) -> io::Result<()> {
    let name = match callsigns(flight) {
        c if c.is_empty() => flight.id.to_string(),
        c => format!("{c} ({})", flight.id),
    };
    writeln!(out, "<Placemark>\n<name>{}</name>", xml_escape(&name))?;
    writeln!(
        out,
        "<description>{} points, {} rejected, {} to {}, ended: {}</description>",
        flight.points,
        flight.rejected,
        vigia_report::time::iso8601(flight.start_ts),
        vigia_report::time::iso8601(flight.end_ts),
        flight.end.name()
    )?;
    writeln!(out, "<gx:Track>\n<altitudeMode>absolute</altitudeMode>")?;
    for p in &flight.track {
        writeln!(out, "<when>{}</when>", vigia_report::time::iso8601(p.ts))?;
    }
    for p in &flight.track {
        let metres = p
            .altitude_ft
            .map_or(0.0, |ft| f64::from(ft) * METRES_PER_FOOT);
        writeln!(
            out,
            "<gx:coord>{:.6} {:.6} {metres:.1}</gx:coord>",
            p.lon, p.lat
        )?;
    }
    writeln!(out, "</gx:Track>\n</Placemark>")
}

fn write_rejected(out: &mut dyn Write, r: &RejectedPosition, inputs: &[String]) -> io::Result<()> {
    let evidence = match r.evidence {
        Evidence::Report(source) => {
            let input = inputs
                .get(source.input as usize)
                .map_or("?", String::as_str);
            match (source.line, source.row) {
                (Some(line), _) => format!("{input}:{line}"),
                (None, Some(row)) => format!("{input} row {row}"),
                (None, None) => format!("{input} record {}", source.record),
            }
        }
        frames => frames.to_string(),
    };
    writeln!(
        out,
        "{},{:.3},{:.6},{:.6},{},{},\"{}\",{},{}",
        r.icao24,
        r.ts,
        r.lat,
        r.lon,
        opt(r.altitude_ft),
        r.reason.kind(),
        r.reason,
        opt(r.flight_id),
        evidence
    )
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
    let out_format = OutFormat::of(args.out.as_deref())?;
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
    let create = |path: &Path| {
        File::create(path)
            .map(BufWriter::new)
            .with_context(|| format!("{}: cannot create", path.display()))
    };
    let (out, parquet): (Box<dyn Write>, _) = match (&args.out, out_format) {
        (Some(path), OutFormat::Parquet) => {
            let created_by = concat!("vigia ", env!("CARGO_PKG_VERSION"));
            let parquet = TrajectoryWriter::new(create(path)?, created_by)
                .with_context(|| format!("{}: cannot write Parquet", path.display()))?;
            (Box::new(io::sink()), Some(parquet))
        }
        (Some(path), _) => (Box::new(create(path)?), None),
        (None, _) => (Box::new(BufWriter::new(io::stdout().lock())), None),
    };
    let rejected: Option<Box<dyn Write>> = match &args.rejected {
        Some(path) => Some(Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("{}: cannot create", path.display()))?,
        ))),
        None => None,
    };
    let inputs: Vec<String> = args.paths.iter().map(|p| p.display().to_string()).collect();
    let mut writer = Writer {
        format: out_format,
        out,
        parquet,
        flights_written: 0,
        rejected,
        inputs,
    };
    writer.begin().context("writing output")?;
    let total_bytes: u64 = args
        .paths
        .iter()
        .filter(|p| p.as_os_str() != "-")
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = progress_bar(total_bytes);
    let read = Arc::new(AtomicU64::new(0));
    let mut tracker = Tracker::new(config);
    let mut events = Vec::new();
    let mut n = Counters::default();
    let mut opened = 0usize;
    for (index, path) in args.paths.iter().enumerate() {
        let reader = if path.as_os_str() == "-" {
            RecordReader::new("-", io::stdin(), format)
        } else {
            match File::open(path) {
                Ok(file) => {
                    let counting = Counting {
                        inner: file,
                        read: read.clone(),
                    };
                    RecordReader::seekable(path.display().to_string(), counting, format)
                }
                Err(e) => {
                    progress.suspend(|| eprintln!("vigia: {}: cannot open: {e}", path.display()));
                    continue;
                }
            }
        };
        let mut reader = match reader {
            Ok(reader) => reader,
            Err(e) => {
                progress.suspend(|| eprintln!("vigia: {e}"));
                continue;
            }
        };
        opened += 1;
        let mut held = Vec::new();
        let mut record_no = 0u64;
        while let Some(item) = reader.next() {
            let mut record = match item {
                Ok(record) => record,
                Err(e) => {
                    report_bad_input(&e, &mut n, &progress);
                    continue;
                }
            };
            record_no += 1;
            n.records += 1;
            if let Record::Frame(frame) = &mut record {
                // Beast and AVR carry only the receiver's 12 MHz counter: use it as the clock.
                if let (None, Some(ticks)) = (frame.ts, frame.mlat_ticks) {
                    frame.ts = Some(ticks as f64 / 12e6);
                    n.receiver_clock = true;
                }
            }
            let source = SourceRef {
                input: index as u32,
                record: record_no,
                line: reader.last_line(),
                row: reader.last_row(),
            };
            if args.sort {
                held.push((record, source));
                continue;
            }
            tracker.push_record(&record, source, &mut events);
            drain(&mut writer, &mut events)?;
            if n.records % 65_536 == 0 {
                progress.set_position(read.load(Ordering::Relaxed));
                progress.set_message(format!("{} records", n.records));
            }
        }
        if args.sort {
            held.sort_by(|a, b| {
                let t = |r: &Record| r.ts().unwrap_or(f64::NEG_INFINITY);
                t(&a.0).total_cmp(&t(&b.0))
            });
            for (record, source) in &held {
                tracker.push_record(record, *source, &mut events);
                drain(&mut writer, &mut events)?;
            }
        }
    }
    let memory = tracker.memory();
    tracker.finish(&mut events);
    drain(&mut writer, &mut events)?;
    writer.end().context("writing output")?;
    progress.finish_and_clear();
    let stats = tracker.stats();
    if args.stats {
        eprint!("{}", summary(&stats, &n, writer.flights_written));
        eprintln!(
            "memory: {} bytes per aircraft, plus its flight's points while it flies ({} aircraft held at the end of input, {} bytes in all)",
            memory.per_aircraft_bytes,
            memory.aircraft,
            memory.total()
        );
    }
    if n.receiver_clock {
        eprintln!("note: times are receiver-clock seconds (the input carries no wall-clock time)");
    }
    if let Some(line) = n.bad.summary() {
        eprintln!("{line}");
    }
    if stats.late > 0 {
        eprintln!(
            "vigia: {} records arrived after later ones of the same aircraft (beyond the {} s window); positions among them are rejected as out_of_order{}",
            stats.late,
            tracker.config().reorder_window_s,
            if args.sort { "" } else { " (--sort orders each input by time first)" }
        );
    }
    if opened == 0 || n.missing_columns > 0 || (n.records == 0 && n.bad.records > 0) {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn drain(writer: &mut Writer, events: &mut Vec<TrackEvent>) -> Result<()> {
    for event in events.drain(..) {
        writer.event(&event).context("writing output")?;
    }
    Ok(())
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
            sort: false,
            paths,
        }
    }

    #[test]
    fn iso8601_dates() {
        assert_eq!(vigia_report::time::iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            vigia_report::time::iso8601(1522081475.25),
            "2018-03-26T16:24:35.250Z"
        );
        assert_eq!(
            vigia_report::time::iso8601(951_782_400.0),
            "2000-02-29T00:00:00.000Z"
        );
        assert_eq!(
            vigia_report::time::iso8601(-1.0),
            "1969-12-31T23:59:59.000Z"
        );
    }

    #[test]
    fn output_format_from_extension() {
        assert_eq!(OutFormat::of(None).unwrap(), OutFormat::GeoJson);
        assert_eq!(
            OutFormat::of(Some(Path::new("a.KML"))).unwrap(),
            OutFormat::Kml
        );
        assert_eq!(
            OutFormat::of(Some(Path::new("a.parquet"))).unwrap(),
            OutFormat::Parquet
        );
        assert!(OutFormat::of(Some(Path::new("a.txt"))).is_err());
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
