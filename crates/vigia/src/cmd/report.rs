//! `vigia report`: one stored event as a self-contained HTML incident report (or, without
//! `--event`, the list of events a report can be made for).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use vigia_store::{EventFilter, Store};
use vigia_zones::ZoneSet;

/// Arguments of `vigia report`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia report --db vigia.db                      # list the events with their ids
  vigia report --db vigia.db --event 42 --out incident-42.html")]
pub struct Args {
    /// The store written by `vigia run` or `vigia demo`.
    #[arg(long, default_value = "vigia.db")]
    db: PathBuf,
    /// The event's id (see the list printed without it, or /api/events).
    #[arg(long)]
    event: Option<i64>,
    /// Where to write the HTML page.
    #[arg(long, default_value = "report.html")]
    out: PathBuf,
    /// Zones to draw on the map.
    #[arg(long, default_value = "MEX,USA")]
    zones: String,
}

/// Run `vigia report`.
pub fn run(args: Args) -> Result<ExitCode> {
    let store = Store::open_read_only(&args.db)
        .with_context(|| format!("{}: cannot open the store", vigia_store::shown(&args.db)))?;
    let Some(id) = args.event else {
        let events = store
            .events(&EventFilter::default())
            .context("reading events")?;
        for e in events.iter().filter(|e| e.kind != "flight") {
            println!(
                "{:>6}  {:<16}  {}  {:<6}  {}",
                e.id,
                e.kind,
                vigia_report::time::utc(e.ts),
                e.zone.as_deref().unwrap_or("-"),
                e.icao24
            );
        }
        return Ok(ExitCode::SUCCESS);
    };
    let zones = ZoneSet::parse_spec(&args.zones)
        .with_context(|| format!("loading zones {:?}", args.zones))?;
    let generator = format!("vigia {}", env!("CARGO_PKG_VERSION"));
    let html = vigia_report::report_from_store(&store, id, &zones, &generator)
        .context("reading the event")?
        .with_context(|| format!("no event {id} in {}", vigia_store::shown(&args.db)))?;
    std::fs::write(&args.out, html)
        .with_context(|| format!("{}: cannot write", args.out.display()))?;
    eprintln!("wrote {}", args.out.display());
    Ok(ExitCode::SUCCESS)
}
