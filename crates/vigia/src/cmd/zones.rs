//! `vigia zones`: list the bundled zones, classify points against zones, export zones (buffered ones drawn as
//! polygons) as GeoJSON.
//!
//! Wiring only: `vigia-zones` loads, indexes and draws; this module parses input lines and formats output.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use vigia_detect::identity::aircraft_db::{read_line_bounded, MAX_LINE_BYTES};
use vigia_zones::{ZoneIndex, ZoneSet, BUNDLED};

/// Arguments of `vigia zones`.
#[derive(clap::Args)]
#[command(after_help = "Examples:
  vigia zones list
  printf '32.5149,-117.0382\\n31.7619,-106.4850\\n' | vigia zones classify --zones MEX,USA -
  vigia zones export --zones MEX+12nm --out mex_12nm.geojson")]
pub struct Args {
    #[command(subcommand)]
    command: ZonesCommand,
}

#[derive(clap::Subcommand)]
enum ZonesCommand {
    /// List the bundled zones with their kind, area and vertex count.
    #[command(after_help = "Example:\n  vigia zones list")]
    List,
    /// Say which zones contain each point and how far it is from the nearest zone boundary.
    Classify(ClassifyArgs),
    /// Write zones as GeoJSON (buffered zones drawn as polygons), e.g. for QGIS.
    Export(ExportArgs),
}

/// Arguments of `vigia zones classify`.
#[derive(clap::Args)]
#[command(
    after_help = "Input: `lat,lon` lines, or CSV whose header names `latitude`/`longitude` (or `lat`/`lon`)
columns. Output: CSV `latitude,longitude,zone,distance_nm`, where `zone` lists the containing zones separated
by `;` (empty when none) and `distance_nm` is the distance to the nearest boundary among the zones.
Lines with unparsable, NaN or out-of-range coordinates are reported on stderr with file:line and counted,
never classified.

Examples:
  vigia zones classify --zones MEX,USA points.csv > classified.csv
  printf '32.5149,-117.0382\\n' | vigia zones classify --zones MEX+12nm,area.geojson -"
)]
struct ClassifyArgs {
    /// Zones: bundled names (`vigia zones list`), GeoJSON paths, each optionally buffered (`MEX+12nm`).
    #[arg(long, value_name = "SPEC")]
    zones: String,
    /// Input file, or `-` for stdin.
    #[arg(value_name = "PATH", default_value = "-")]
    path: PathBuf,
}

/// Arguments of `vigia zones export`.
#[derive(clap::Args)]
#[command(
    after_help = "Buffered zones are drawn by marching squares: every vertex lies on the exact buffer
boundary to within 1 m; between vertices the outline may cut a bend by up to cell²/(8·radius).

Examples:
  vigia zones export --zones MEX+12nm --out mex_12nm.geojson
  vigia zones export --zones GTM,SLV+50nm --cell-deg 0.005 --out central_america.geojson"
)]
struct ExportArgs {
    /// Zones: bundled names, GeoJSON paths, each optionally buffered (`MEX+50nm`).
    #[arg(long, value_name = "SPEC")]
    zones: String,
    /// Output GeoJSON file, or `-` for stdout.
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// Lattice cell for drawing buffered zones, degrees (default: 0.01°, coarser for very large zones).
    #[arg(long, value_name = "DEG")]
    cell_deg: Option<f64>,
}

/// Runs `vigia zones`.
pub fn run(args: Args) -> Result<ExitCode> {
    match args.command {
        ZonesCommand::List => list(),
        ZonesCommand::Classify(args) => classify(args),
        ZonesCommand::Export(args) => export(args),
    }
}

fn load(spec: &str) -> Result<ZoneSet> {
    let set = ZoneSet::parse_spec(spec).with_context(|| format!("loading zones `{spec}`"))?;
    for warning in set.warnings() {
        eprintln!("vigia: warning: {warning}");
    }
    Ok(set)
}

fn list() -> Result<ExitCode> {
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "{:<10} {:<9} {:>9} {:>13} {:>8}  file",
        "name", "kind", "vertices", "area_km2", "polygons"
    )?;
    for bundled in BUNDLED {
        let set = ZoneSet::bundled(&[bundled.name])
            .with_context(|| format!("loading {}", bundled.name))?;
        for zone in set.zones() {
            writeln!(
                out,
                "{:<10} {:<9} {:>9} {:>13.0} {:>8}  {}",
                zone.name,
                zone.kind.as_str(),
                zone.geometry.vertex_count(),
                zone.geometry.area_km2(),
                zone.geometry.polygons.len(),
                bundled.file
            )?;
        }
    }
    writeln!(
        out,
        "Boundaries © OpenStreetMap contributors, ODbL 1.0 (see data/README.md)."
    )?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Where the coordinates are in each input line.
struct Columns {
    latitude: usize,
    longitude: usize,
}

/// Reads the header if the first line has one; `None` means the first line is data (`lat,lon`).
fn columns(first_line: &str) -> Result<Option<Columns>> {
    let fields: Vec<&str> = first_line.split(',').map(str::trim).collect();
    if fields.len() >= 2 && fields[0].parse::<f64>().is_ok() && fields[1].parse::<f64>().is_ok() {
        return Ok(None);
    }
    let find = |names: &[&str]| {
        fields
            .iter()
            .position(|f| names.iter().any(|n| f.eq_ignore_ascii_case(n)))
    };
    match (find(&["latitude", "lat"]), find(&["longitude", "lon", "lng"])) {
        (Some(latitude), Some(longitude)) => Ok(Some(Columns { latitude, longitude })),
        _ => bail!("first line is neither `lat,lon` numbers nor a header naming latitude and longitude columns"),
    }
}

fn classify(args: ClassifyArgs) -> Result<ExitCode> {
    let set = load(&args.zones)?;
    let index = ZoneIndex::new(&set);
    let stdin = args.path.as_os_str() == "-";
    let name = if stdin {
        "<stdin>".to_owned()
    } else {
        args.path.display().to_string()
    };
    let input: Box<dyn BufRead> = if stdin {
        Box::new(BufReader::new(io::stdin().lock()))
    } else {
        Box::new(BufReader::new(
            File::open(&args.path).with_context(|| format!("opening {name}"))?,
        ))
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let (classified, rejected) =
        classify_lines(&index, input, &name, &mut out, &mut io::stderr().lock())?;
    out.flush()?;
    if rejected > 0 {
        eprintln!("vigia: {name}: {rejected} lines rejected, {classified} classified");
    }
    Ok(ExitCode::SUCCESS)
}

/// Classifies every line of `input` (named `name` in messages) to `out` as CSV; reports each rejected line on
/// `err`. Returns the counts of classified and rejected lines.
fn classify_lines(
    index: &ZoneIndex,
    mut input: impl BufRead,
    name: &str,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Result<(u64, u64)> {
    writeln!(out, "latitude,longitude,zone,distance_nm")?;
    let mut layout: Option<Columns> = None;
    let (mut classified, mut rejected) = (0u64, 0u64);
    let mut zones_here = String::new();
    let mut buf = Vec::new();
    for number in 0.. {
        let line_no = number + 1;
        // Bounded lines: an endless line or a bad byte is one rejected line, not the end.
        let whole = read_line_bounded(&mut input, &mut buf, MAX_LINE_BYTES)
            .with_context(|| format!("reading {name} at line {line_no}"))?;
        let Some(whole) = whole else { break };
        let line = match std::str::from_utf8(&buf) {
            Ok(text) if whole => text,
            Ok(_) | Err(_) => {
                rejected += 1;
                let why = if whole {
                    "not UTF-8 text"
                } else {
                    "line longer than 64 KiB"
                };
                writeln!(err, "vigia: {name}:{line_no}: rejected ({why})")?;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        if number == 0 {
            layout = columns(line).with_context(|| format!("{name}:1"))?;
            if layout.is_some() {
                continue;
            }
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        let (lat_col, lon_col) = layout
            .as_ref()
            .map_or((0, 1), |c| (c.latitude, c.longitude));
        let parsed = match (fields.get(lat_col), fields.get(lon_col)) {
            (Some(lat), Some(lon)) => lat.parse::<f64>().ok().zip(lon.parse::<f64>().ok()),
            _ => None,
        };
        let verdict = match parsed {
            None => Err("not two numbers"),
            Some((lat, lon)) if lat.is_nan() || lon.is_nan() => Err("NaN coordinate"),
            Some((lat, lon))
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) =>
            {
                Err("coordinate out of range")
            }
            Some(position) => Ok(position),
        };
        let (lat, lon) = match verdict {
            Ok(position) => position,
            Err(reason) => {
                rejected += 1;
                writeln!(err, "vigia: {name}:{line_no}: rejected ({reason}): {line}")?;
                continue;
            }
        };
        zones_here.clear();
        for zone in index.locate(lat, lon) {
            if !zones_here.is_empty() {
                zones_here.push(';');
            }
            zones_here.push_str(index.name(zone));
        }
        let distance = index
            .ids()
            .filter_map(|zone| index.distance_to_boundary_nm(zone, lat, lon))
            .fold(f64::INFINITY, f64::min);
        let distance = if distance.is_finite() {
            format!("{distance:.4}")
        } else {
            String::new()
        };
        writeln!(out, "{lat},{lon},{},{distance}", csv_field(&zones_here))?;
        classified += 1;
    }
    Ok((classified, rejected))
}

/// Quotes a CSV field when it needs it (zone names from user files may hold commas or quotes).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let set = load(&args.zones)?;
    let index = ZoneIndex::new(&set);
    if let Some(cell) = args.cell_deg {
        if !(cell.is_finite() && cell > 0.0) {
            bail!("--cell-deg must be a positive number of degrees, got {cell}");
        }
    }
    let outlines: Vec<_> = index
        .ids()
        .map(|zone| {
            let cell = args
                .cell_deg
                .unwrap_or_else(|| vigia_zones::buffer::default_cell_deg(&index, zone));
            (zone, index.outline(zone, cell))
        })
        .collect();
    let text = vigia_zones::geojson::to_geojson(outlines.iter().map(|(zone, outline)| {
        (
            index.name(*zone),
            index.kind(*zone),
            index.altitude_band_ft(*zone),
            outline,
        )
    }));
    if args.out.as_os_str() == "-" {
        let mut out = io::stdout().lock();
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")?;
    } else {
        std::fs::write(&args.out, text + "\n")
            .with_context(|| format!("writing {}", args.out.display()))?;
        eprintln!(
            "vigia: wrote {} zone(s) to {} (boundaries © OpenStreetMap contributors, ODbL 1.0)",
            outlines.len(),
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_or_data_on_the_first_line() {
        assert!(matches!(columns("32.5,-117.0"), Ok(None)));
        let c = columns("timestamp,icao24,latitude,longitude")
            .ok()
            .flatten();
        assert_eq!(c.map(|c| (c.latitude, c.longitude)), Some((2, 3)));
        let c = columns("LON,LAT").ok().flatten();
        assert_eq!(c.map(|c| (c.latitude, c.longitude)), Some((1, 0)));
        assert!(columns("a,b").is_err());
    }

    #[test]
    fn classify_writes_zones_and_distances_and_reports_rejected_lines() {
        let set = ZoneSet::parse_spec("MEX,USA").unwrap_or_else(|e| panic!("{e}"));
        let index = ZoneIndex::new(&set);
        let input =
            "id,lat,lon\nTijuana,32.5149,-117.0382\nEl Paso,31.7619,-106.4850\ngulf,25.0,-93.0\n\
                     nan,NaN,-100\nfar,91,0\nbad,x,y\n";
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let counts = classify_lines(&index, input.as_bytes(), "points.csv", &mut out, &mut err)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counts, (3, 3));
        assert_eq!(
            String::from_utf8_lossy(&out),
            "latitude,longitude,zone,distance_nm\n32.5149,-117.0382,MEX,1.5951\n31.7619,-106.485,USA,0.7556\n\
             25,-93,,180.5322\n"
        );
        assert_eq!(
            String::from_utf8_lossy(&err),
            "vigia: points.csv:5: rejected (NaN coordinate): nan,NaN,-100\n\
             vigia: points.csv:6: rejected (coordinate out of range): far,91,0\n\
             vigia: points.csv:7: rejected (not two numbers): bad,x,y\n"
        );
    }

    #[test]
    fn a_bad_byte_or_an_endless_line_is_one_rejected_line() {
        // One bad UTF-8 byte used to end the whole run.
        let set = ZoneSet::parse_spec("MEX").unwrap_or_else(|e| panic!("{e}"));
        let index = ZoneIndex::new(&set);
        let mut input = b"32.5149,-117.0382\n2\xff,1\n".to_vec();
        input.extend(std::iter::repeat_n(b'9', 200_000));
        input.extend(b"\n31.0,-110.0\n");
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let counts = classify_lines(&index, input.as_slice(), "p.csv", &mut out, &mut err)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(counts, (2, 2));
        assert_eq!(
            String::from_utf8_lossy(&err),
            "vigia: p.csv:2: rejected (not UTF-8 text)\nvigia: p.csv:3: rejected (line longer than 64 KiB)\n"
        );
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("MEX;USA"), "MEX;USA");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"x\""), "\"say \"\"x\"\"\"");
    }
}
