//! `vigia aircraft-db`: the aircraft database that gives registrations, types, operators and
//! military flags — imported from a file the user has, or downloaded — checked and installed
//! where `vigia run` (`aircraft_db = …`) and `vigia analyze --aircraft-db` read it.
//!
//! Wiring only: `vigia_detect::identity::AircraftDb` reads (OpenSky's `aircraftDatabase.csv`,
//! tar1090-db's `aircraft.csv`, plain or gzip/zstd-compressed), merges and writes;
//! `vigia_server::client::download` fetches over HTTPS.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use vigia_detect::identity::AircraftDb;
use vigia_modes::IcaoAddress;

/// OpenSky Network's aircraft database (their terms apply; see README "Aircraft database").
const OPENSKY_URL: &str = "https://opensky-network.org/datasets/metadata/aircraftDatabase.csv";
/// tar1090-db's export of the Mictronics database (their terms apply).
const TAR1090_URL: &str =
    "https://github.com/wiedehopf/tar1090-db/raw/refs/heads/csv/aircraft.csv.gz";
/// Largest download kept (OpenSky's file is about 100 MB).
const MAX_DOWNLOAD: u64 = 1 << 30;

#[derive(clap::Subcommand)]
enum Action {
    /// Check database files you have and install them (merged, later files win field by field).
    Import {
        /// OpenSky aircraftDatabase.csv or tar1090-db aircraft.csv, plain, .gz or .zst.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Where to install it (gzip-compressed CSV; `vigia run` reads `aircraft_db = PATH`).
        #[arg(long, default_value = "aircraft.csv.gz")]
        out: PathBuf,
    },
    /// Download a database and install it, as `import` does.
    Update {
        /// `opensky`, `tar1090`, or an http(s):// URL of a file in either layout.
        #[arg(long, default_value = "tar1090")]
        source: String,
        /// Where to install it.
        #[arg(long, default_value = "aircraft.csv.gz")]
        out: PathBuf,
        /// Per-response timeout, seconds (the whole download gets 20 times it).
        #[arg(long, default_value_t = 60.0)]
        timeout: f64,
    },
    /// What an installed database says of some addresses.
    Show {
        /// The installed database.
        #[arg(long, default_value = "aircraft.csv.gz")]
        db: PathBuf,
        /// ICAO addresses, 6 hex digits.
        #[arg(required = true)]
        addresses: Vec<String>,
    },
}

/// Arguments of `vigia aircraft-db`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia aircraft-db import aircraftDatabase.csv --out /var/lib/vigia/aircraft.csv.gz
  vigia aircraft-db update --source tar1090 --out /var/lib/vigia/aircraft.csv.gz
  vigia aircraft-db show --db /var/lib/vigia/aircraft.csv.gz ae01c5
Then set aircraft_db = \"/var/lib/vigia/aircraft.csv.gz\" in vigia.toml and restart the service.")]
pub struct Args {
    #[command(subcommand)]
    action: Action,
}

/// Run `vigia aircraft-db`.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.action {
        Action::Import { files, out } => {
            let db = read_all(&files)?;
            install(&db, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Action::Update {
            source,
            out,
            timeout,
        } => {
            let url = match source.as_str() {
                "opensky" => OPENSKY_URL.to_string(),
                "tar1090" => TAR1090_URL.to_string(),
                url if url.starts_with("http://") || url.starts_with("https://") => url.into(),
                other => {
                    bail!("--source {other:?}: expected opensky, tar1090 or an http(s):// URL")
                }
            };
            if !(0.1..=3600.0).contains(&timeout) {
                bail!("--timeout {timeout}: expected 0.1 to 3600 seconds");
            }
            // Downloaded beside the destination, so a failure leaves the installed one alone.
            let part = temp_beside(&out, ".aircraft-download-")?;
            eprintln!("vigia: downloading {url}");
            let bytes = vigia_server::client::download(
                &url,
                part.path(),
                MAX_DOWNLOAD,
                Duration::from_secs_f64(timeout),
            )?;
            eprintln!("vigia: {bytes} bytes");
            let db = read_all(&[part.path().to_path_buf()])
                .with_context(|| format!("{url}: not an aircraft database"))?;
            install(&db, &out)?;
            Ok(ExitCode::SUCCESS)
        }
        Action::Show { db, addresses } => {
            let db = read_one(&db)?;
            let mut out = std::io::stdout().lock();
            let mut missing = false;
            for text in addresses {
                let address: IcaoAddress = text
                    .trim()
                    .parse()
                    .map_err(|e| anyhow::anyhow!("{text:?}: {e}"))?;
                match db.get(address) {
                    Some(r) => writeln!(
                        out,
                        "{address}  registration {}  type {}  operator {}  military {}",
                        r.registration.as_deref().unwrap_or("-"),
                        r.type_designator.as_deref().unwrap_or("-"),
                        r.operator.as_deref().unwrap_or("-"),
                        if r.military { "yes" } else { "no" }
                    )?,
                    None => {
                        missing = true;
                        writeln!(out, "{address}  not in the database")?;
                    }
                }
            }
            Ok(if missing {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Read one database file (plain or compressed), its skipped lines reported by file and line.
pub fn read_one(path: &Path) -> Result<AircraftDb> {
    let reader = vigia_feed::open_text(path)
        .with_context(|| format!("{}: cannot open aircraft database", path.display()))?;
    let db = AircraftDb::read(reader)
        .with_context(|| format!("{}: cannot read aircraft database", path.display()))?;
    for (line, why) in &db.rejected_lines {
        eprintln!("vigia: {}:{line}: skipped: {why}", path.display());
    }
    if db.rejected > db.rejected_lines.len() as u64 {
        eprintln!(
            "vigia: {}: {} lines skipped in all",
            path.display(),
            db.rejected
        );
    }
    Ok(db)
}

fn read_all(files: &[PathBuf]) -> Result<AircraftDb> {
    let mut all = AircraftDb::default();
    for path in files {
        all.merge(read_one(path)?);
    }
    if all.is_empty() {
        bail!("no aircraft read: not an OpenSky or tar1090-db aircraft database");
    }
    Ok(all)
}

/// Write `db` to `out` (gzip CSV) through a temporary file renamed over it: a reader never
/// sees half a database. Prints what it holds.
fn install(db: &AircraftDb, out: &Path) -> Result<()> {
    let part = temp_beside(out, ".aircraft-")?;
    let mut gz = flate2::write::GzEncoder::new(
        std::io::BufWriter::new(part.as_file()),
        flate2::Compression::default(),
    );
    db.write_csv(&mut gz)
        .and_then(|()| gz.finish()?.flush())
        .with_context(|| format!("{}: cannot write", part.path().display()))?;
    // Readable by the service's user whoever installs it (a temporary file is 0600): the
    // database holds nothing secret.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(part.path(), std::fs::Permissions::from_mode(0o644))?;
    }
    part.as_file().sync_all()?;
    part.persist(out)
        .with_context(|| format!("{}: cannot install", out.display()))?;
    let (mut military, mut typed, mut operated) = (0, 0, 0);
    for (_, r) in db.iter() {
        military += usize::from(r.military);
        typed += usize::from(r.type_designator.is_some());
        operated += usize::from(r.operator.is_some());
    }
    eprintln!(
        "vigia: {}: {} aircraft ({typed} with a type, {operated} with an operator, {military} flagged military)",
        out.display(),
        db.len()
    );
    Ok(())
}

/// A temporary file in `out`'s directory (removed unless persisted).
fn temp_beside(out: &Path, prefix: &str) -> Result<tempfile::NamedTempFile> {
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    tempfile::Builder::new()
        .prefix(prefix)
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot write there", dir.display()))
}
