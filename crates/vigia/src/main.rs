//! The `vigia` binary: parses the command line and wires the pipeline crates together.
//!
//! Each subcommand lives in its own module under `cmd/`; this file only dispatches.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// vigia: surveillance flights and sovereign airspace, from open ADS-B / Mode S broadcasts.
#[derive(Parser)]
#[command(name = "vigia", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decode raw Mode S frames (Beast, AVR, hex lines, SBS, readsb) to JSON Lines.
    Decode(cmd::decode::Args),
    /// Analyse archives: zone entries/exits with evidence, orbits, surveys, scored flights.
    Analyze(cmd::analyze::Args),
    /// Where the receivers hear: the coverage model (grid cells, altitude bands) as GeoJSON.
    Coverage(cmd::coverage::Args),
    /// Run the service: live receivers in, tracked aircraft, events, alerts and an HTTP API out.
    Run(cmd::run::Args),
    /// The receivers' side of a frame bus (NATS JetStream): frames published by aircraft address.
    Gateway(cmd::bus::GatewayArgs),
    /// The service on one partition of a frame bus: track, detect, store, alert, API.
    Worker(cmd::bus::WorkerArgs),
    /// Check the service's configuration file, or print the default one.
    Config(cmd::config::Args),
    /// Airspace zones: list the bundled ones, classify points, export (buffered) zones as GeoJSON.
    Zones(cmd::zones::Args),
    /// Simulate a scenario: Beast frames (file or TCP server) and the ground truth.
    Sim(cmd::sim::Args),
    /// Validated flights from frames or archives: GeoJSON, KML, CSV or Parquet, one flight per feature (points for CSV/Parquet).
    Tracks(cmd::tracks::Args),
    /// Write a stored event's incident report: map, timeline, identity, evidence frames.
    Report(cmd::report::Args),
    /// The whole service offline: replays border scenarios and a real capture; prints the map's URL.
    Demo(cmd::demo::Args),
    /// Stored events or flights of a period and a zone as GeoJSON (QGIS), CSV or KML.
    Export(cmd::export::Args),
    /// The aircraft database (registration, type, operator, military): import, download, look up.
    AircraftDb(cmd::aircraft_db::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The Parquet reader turns the parquet crate's panics on malformed pages into located input
    // errors; do not also print them as crashes.
    vigia_feed::quiet_decoder_panics();
    let result = match cli.command {
        Command::Decode(args) => cmd::decode::run(args),
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Coverage(args) => cmd::coverage::run(args),
        Command::Run(args) => cmd::run::run(args),
        Command::Gateway(args) => cmd::bus::gateway(args),
        Command::Worker(args) => cmd::bus::worker(args),
        Command::Config(args) => cmd::config::run(args),
        Command::Zones(args) => cmd::zones::run(args),
        Command::Sim(args) => cmd::sim::run(args),
        Command::Tracks(args) => cmd::tracks::run(args),
        Command::Report(args) => cmd::report::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::Export(args) => cmd::export::run(args),
        Command::AircraftDb(args) => cmd::aircraft_db::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("vigia: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
