//! `vigia decode`: raw frames (or decoded reports) in, one JSON object per frame out.
//!
//! Wiring only: `vigia-feed` frames the input, `vigia-modes` decodes, `vigia-track`'s CPR
//! pairing resolves positions per aircraft as the stream goes; [`row`] maps a decoded
//! message to the JSON Lines shape users see. Counters and the throughput report go to
//! stderr with `--stats`.

mod row;

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::ValueEnum;
use vigia_feed::{Format, InputItem, Inputs};
use vigia_modes::Record;
use vigia_modes::{adsb::Me, cpr::LatLon, DecodeError, DecodeOptions};
use vigia_track::CprPairing;

use row::Row;

/// Arguments of `vigia decode`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia decode capture.bin                       # Beast binary, JSON Lines to stdout
  vigia decode --stats --output none frames.csv.zst
  nc localhost 30002 | vigia decode --format avr --ref 32.5,-117.0 -")]
pub struct Args {
    /// Input format; `auto` recognises it from the first bytes.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: FormatChoice,
    /// What to write: JSON Lines to stdout, or nothing (to measure throughput).
    #[arg(long, value_enum, default_value_t = Output::Jsonl)]
    output: Output,
    /// Print counters and throughput to stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Receiver position `LAT,LON` (degrees), for local CPR decoding of surface and lone
    /// airborne frames.
    #[arg(long, value_name = "LAT,LON", value_parser = super::lat_lon, allow_hyphen_values = true)]
    r#ref: Option<LatLon>,
    /// Repair single-bit errors in DF17/18 (off by default, as in readsb).
    #[arg(long)]
    fix: bool,
    /// Input files (`-` for stdin); gzip and zstd are recognised.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
}

#[derive(Clone, Copy)]
struct FormatChoice(Option<Format>);

fn parse_format(text: &str) -> Result<FormatChoice, String> {
    if text == "auto" {
        return Ok(FormatChoice(None));
    }
    text.parse::<Format>()
        .map(|f| FormatChoice(Some(f)))
        .map_err(|e| e.to_string())
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Jsonl,
    None,
}

#[derive(Default)]
struct Counters {
    records: u64,
    decoded: u64,
    states: u64,
    crc_rejected: u64,
    unknown: u64,
    long_containers: u64,
    malformed: u64,
    mode_ac: u64,
}

/// Run `vigia decode`.
pub fn run(args: Args) -> Result<ExitCode> {
    let started = Instant::now();
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut pairing = CprPairing::new(args.r#ref);
    let options = DecodeOptions {
        fix_single_bit: args.fix,
    };
    let mut n = Counters::default();
    let mut bad = super::BadInput::default();
    let mut inputs = Inputs::new(args.paths.clone(), args.format.0);
    for item in inputs.by_ref() {
        let record = match item {
            InputItem::Record(record, _) => record,
            InputItem::Bad(e) => {
                if let Some(line) = bad.count(&e) {
                    eprintln!("{line}");
                }
                n.malformed = bad.records;
                continue;
            }
            InputItem::Unreadable { error, .. } => {
                eprintln!("{}", super::unreadable(&error));
                continue;
            }
            _ => continue,
        };
        n.records += 1;
        match record {
            Record::Frame(frame) => {
                if frame.len == 2 {
                    n.mode_ac += 1;
                    continue;
                }
                let msg = match vigia_modes::decode_with(frame.message(), options) {
                    Ok(m) => m,
                    Err(DecodeError::BadCrc { .. }) => {
                        n.crc_rejected += 1;
                        continue;
                    }
                    Err(_) => {
                        n.unknown += 1;
                        continue;
                    }
                };
                n.decoded += 1;
                n.long_containers += u64::from(vigia_modes::is_long_container(frame.message()));
                // Time for CPR pairing: the receive time, else the receiver's 12 MHz
                // counter; with neither, only local decoding against --ref is possible
                // (NaN never passes a freshness test).
                let clock = frame.ts.or(frame.receiver_seconds()).unwrap_or(f64::NAN);
                let position = match msg.me() {
                    Some(Me::AirbornePosition(p)) => {
                        pairing.resolve(clock, msg.address, p.cpr, false)
                    }
                    Some(Me::SurfacePosition(p)) => {
                        pairing.resolve(clock, msg.address, p.cpr, true)
                    }
                    _ => None,
                };
                if args.output == Output::Jsonl {
                    let row = Row::from_message(frame.ts, &msg, position.map(|f| f.position));
                    if closed_pipe(write_row(&mut out, &row))? {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
            Record::State(state) => {
                n.states += 1;
                if args.output == Output::Jsonl
                    && closed_pipe(write_row(&mut out, &Row::from_state(&state)))?
                {
                    return Ok(ExitCode::SUCCESS);
                }
            }
        }
    }
    if closed_pipe(out.flush())? {
        return Ok(ExitCode::SUCCESS);
    }
    let elapsed = started.elapsed().as_secs_f64();
    if args.stats {
        let frames = n.records - n.states;
        eprintln!(
            "frames read {frames}, decoded {}, crc-rejected {}, malformed {}, unknown {}, mode-a/c {}, state records {}",
            n.decoded, n.crc_rejected, n.malformed, n.unknown, n.mode_ac, n.states
        );
        if n.long_containers > 0 {
            eprintln!(
                "short replies in 112-bit containers: {} (this receiver pads 56-bit replies; decoded from their first 56 bits)",
                n.long_containers
            );
        }
        eprintln!(
            "elapsed {elapsed:.3} s, {:.0} frames/s",
            (frames + n.malformed) as f64 / elapsed.max(1e-9)
        );
    }
    if let Some(line) = bad.summary() {
        eprintln!("{line}");
    }
    if inputs.opened() == 0 || (n.records == 0 && n.malformed > 0) {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

fn write_row(out: &mut impl Write, row: &Row) -> io::Result<()> {
    serde_json::to_writer(&mut *out, row)?;
    out.write_all(b"\n")
}

/// A reader that went away (`vigia decode … | head`) ends the run quietly and successfully.
fn closed_pipe(result: io::Result<()>) -> Result<bool> {
    match result {
        Ok(()) => Ok(false),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(true),
        Err(e) => Err(e).context("writing output"),
    }
}
