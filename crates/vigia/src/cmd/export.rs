//! `vigia export`: stored events or flights of a period and a zone, as GeoJSON (for QGIS:
//! ISO 8601 times, score, band, zone, type as properties), CSV or KML (styled by score).
//!
//! Wiring only: the store pages through the rows (`Store::events_in`, `Store::flights_in`),
//! `vigia_report::export` writes them.

use std::fs::File;
use std::io::BufWriter;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use vigia_report::export::{EventWriter, ExportFormat, FlightWriter};
use vigia_store::{ExportWindow, Store};

/// Rows read from the store at a time.
const PAGE: usize = 1000;

#[derive(Clone, Copy, clap::ValueEnum)]
enum What {
    /// Events (zone entries, presences, orbits, going dark…), one point each.
    Events,
    /// Flights, with their stored tracks.
    Flights,
}

/// Arguments of `vigia export`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia export events --db vigia.db --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z --zone MEX --out events.geojson
  vigia export flights --db vigia.db --zone MEX --out flights.kml
  vigia export events --db vigia.db --out events.csv")]
pub struct Args {
    /// What to export.
    #[arg(value_enum)]
    what: What,
    /// The store written by `vigia run` or `vigia demo`.
    #[arg(long, default_value = "vigia.db")]
    db: PathBuf,
    /// From this time on (events: their time; flights: those still flying then): Unix
    /// seconds or ISO 8601.
    #[arg(long, value_name = "UNIX|ISO", value_parser = super::start_time)]
    since: Option<f64>,
    /// Up to this time (flights: those started by then).
    #[arg(long, value_name = "UNIX|ISO", value_parser = super::start_time)]
    until: Option<f64>,
    /// Only this zone's events, only flights that were in it.
    #[arg(long)]
    zone: Option<String>,
    /// The file to write; its extension names the format: .geojson, .csv or .kml.
    #[arg(long)]
    out: PathBuf,
}

/// Run `vigia export`.
pub fn run(args: Args) -> Result<ExitCode> {
    let format = ExportFormat::of(&args.out).with_context(|| {
        format!(
            "{}: cannot tell the format; use .geojson, .csv or .kml",
            args.out.display()
        )
    })?;
    if let (Some(since), Some(until)) = (args.since, args.until) {
        anyhow::ensure!(since <= until, "--since is after --until");
    }
    let store = Store::open_read_only(&args.db)
        .with_context(|| format!("{}: cannot open the store", vigia_store::shown(&args.db)))?;
    let window = ExportWindow {
        since: args.since,
        until: args.until,
        zone: args.zone.clone(),
    };
    let file = File::create(&args.out)
        .with_context(|| format!("{}: cannot create", args.out.display()))?;
    let out = BufWriter::new(file);
    let written = |e: std::io::Error| {
        anyhow::Error::new(e).context(format!("{}: writing", args.out.display()))
    };
    let (n, noun) = match args.what {
        What::Events => {
            let mut writer = EventWriter::new(out, format).map_err(written)?;
            let mut after = None;
            loop {
                let page = store
                    .events_in(&window, after, PAGE)
                    .context("reading events")?;
                for e in &page {
                    writer.event(e).map_err(written)?;
                }
                match page.last() {
                    Some(last) if page.len() == PAGE => after = Some((last.ts, last.id)),
                    _ => break,
                }
            }
            (writer.finish().map_err(written)?, "events")
        }
        What::Flights => {
            let mut writer = FlightWriter::new(out, format).map_err(written)?;
            let mut after = None;
            loop {
                let page = store
                    .flights_in(&window, after, PAGE)
                    .context("reading flights")?;
                for f in &page {
                    let track = store.flight_track(&f.row.id).context("reading a track")?;
                    writer.flight(f, &track).map_err(written)?;
                }
                match page.last() {
                    Some(last) if page.len() == PAGE => {
                        after = Some((last.row.start_ts, last.row.id.clone()));
                    }
                    _ => break,
                }
            }
            (writer.finish().map_err(written)?, "flights")
        }
    };
    eprintln!("wrote {n} {noun} to {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
