//! Stored events and flights for a period and a zone, as files analysts open elsewhere:
//! GeoJSON that QGIS styles and animates (ISO 8601 times in `time`, `start`, `end`; score,
//! zone, type, military as plain properties), CSV, and KML styled by score (Google Earth's time
//! slider reads its `TimeStamp` / `TimeSpan`).
//!
//! Writers take rows one at a time (the caller pages through the store): memory does not grow
//! with the period. Text from the data is escaped for each format (XML for KML, RFC 4180
//! quoting for CSV, JSON by serde).

use std::io::{self, Write};

use serde_json::{json, Value};
use vigia_store::{PositionRow, StoredEvent, StoredFlight};

use crate::time::iso8601;
use crate::tracks::xml_escape;

/// The file formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// GeoJSON FeatureCollection.
    GeoJson,
    /// Comma-separated values with a header row.
    Csv,
    /// KML 2.2, placemarks styled by score.
    Kml,
}

impl ExportFormat {
    /// The format a file name's extension names (`.geojson`/`.json`, `.csv`, `.kml`).
    pub fn of(path: &std::path::Path) -> Option<ExportFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "geojson" | "json" => Some(ExportFormat::GeoJson),
            "csv" => Some(ExportFormat::Csv),
            "kml" => Some(ExportFormat::Kml),
            _ => None,
        }
    }
}

/// The score band a KML style and a QGIS rule can key on.
pub fn score_band(score: Option<f64>) -> &'static str {
    match score {
        Some(s) if s >= 0.5 => "alert",
        Some(s) if s >= vigia_detect::score::SURVEILLANCE_LIKE => "surveillance-like",
        _ => "routine",
    }
}

/// An event's place, from its document (`latitude`/`longitude`), when it has one.
fn place(document: &Value) -> Option<(f64, f64)> {
    Some((
        document["latitude"].as_f64()?,
        document["longitude"].as_f64()?,
    ))
}

fn event_properties(e: &StoredEvent, document: &Value) -> Value {
    json!({
        "id": e.id,
        "type": e.kind,
        "time": iso8601(e.ts),
        "ts": e.ts,
        "icao24": e.icao24,
        "callsign": document["callsign"],
        "zone": e.zone,
        "score": e.score,
        "band": score_band(e.score),
        "military": document["identity"]["military"].as_bool().or(document["military"].as_bool()),
        "flight_id": e.flight_id,
        "committed": iso8601(e.committed_at),
        "acknowledged": e.acknowledged_at.map(iso8601),
    })
}

fn flight_properties(f: &StoredFlight) -> Value {
    let r = &f.row;
    json!({
        "id": r.id,
        "icao24": r.icao24,
        "callsign": r.callsign,
        "start": iso8601(r.start_ts),
        "end": iso8601(r.end_ts),
        "start_ts": r.start_ts,
        "end_ts": r.end_ts,
        "duration_s": r.end_ts - r.start_ts,
        "positions": r.positions,
        "zones": r.zones.join(","),
        "score": r.score,
        "band": score_band(r.score),
        "military": r.military,
        "ended": r.ended,
    })
}

/// A file being written: its format, its start already out, the features so far.
struct Collection<W: Write> {
    out: W,
    format: ExportFormat,
    written: u64,
}

impl<W: Write> Collection<W> {
    /// Writes the start: the GeoJSON collection, the CSV header, the KML document and styles.
    fn start(
        mut out: W,
        format: ExportFormat,
        csv_header: &str,
        kml_name: &str,
    ) -> io::Result<Self> {
        match format {
            ExportFormat::GeoJson => {
                write!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?
            }
            ExportFormat::Csv => writeln!(out, "{csv_header}")?,
            ExportFormat::Kml => kml_head(&mut out, kml_name)?,
        }
        Ok(Self {
            out,
            format,
            written: 0,
        })
    }

    /// One GeoJSON feature, comma-separated from the previous one.
    fn feature(&mut self, geometry: Value, properties: Value) -> io::Result<()> {
        let feature = json!({"type": "Feature", "geometry": geometry, "properties": properties});
        if self.written > 0 {
            self.out.write_all(b",")?;
        }
        writeln!(self.out)?;
        serde_json::to_writer(&mut self.out, &feature).map_err(io::Error::other)
    }

    /// Writes the end; how many were written.
    fn finish(mut self) -> io::Result<u64> {
        match self.format {
            ExportFormat::GeoJson => writeln!(self.out, "\n]}}")?,
            ExportFormat::Csv => {}
            ExportFormat::Kml => writeln!(self.out, "</Document>\n</kml>")?,
        }
        self.out.flush()?;
        Ok(self.written)
    }
}

/// Writes events, one at a time, in one format.
pub struct EventWriter<W: Write>(Collection<W>);

impl<W: Write> EventWriter<W> {
    /// Starts the file.
    pub fn new(out: W, format: ExportFormat) -> io::Result<Self> {
        let header =
            "id,type,time,icao24,callsign,zone,latitude,longitude,score,band,military,flight_id";
        Ok(Self(Collection::start(
            out,
            format,
            header,
            "vigia events",
        )?))
    }

    /// One event.
    pub fn event(&mut self, e: &StoredEvent) -> io::Result<()> {
        let document = serde_json::to_value(&e.document).map_err(io::Error::other)?;
        let props = event_properties(e, &document);
        let at = place(&document);
        let c = &mut self.0;
        match c.format {
            ExportFormat::GeoJson => {
                let geometry = at.map_or(
                    Value::Null,
                    |(lat, lon)| json!({"type": "Point", "coordinates": [lon, lat]}),
                );
                c.feature(geometry, props)?;
            }
            ExportFormat::Csv => {
                let (lat, lon) = at.map_or((String::new(), String::new()), |(a, o)| {
                    (format!("{a:.6}"), format!("{o:.6}"))
                });
                let fields = [
                    e.id.to_string(),
                    e.kind.clone(),
                    iso8601(e.ts),
                    e.icao24.clone(),
                    text(&props["callsign"]),
                    e.zone.clone().unwrap_or_default(),
                    lat,
                    lon,
                    e.score.map_or(String::new(), |s| format!("{s:.2}")),
                    score_band(e.score).to_string(),
                    text(&props["military"]),
                    e.flight_id.clone(),
                ];
                csv_row(&mut c.out, &fields)?;
            }
            ExportFormat::Kml => {
                // An event without a place (a flight record) has nothing to show on a globe.
                let Some((lat, lon)) = at else {
                    return Ok(());
                };
                let name = format!(
                    "{} {} {}",
                    e.kind,
                    e.zone.as_deref().unwrap_or(""),
                    props["callsign"].as_str().unwrap_or(&e.icao24)
                );
                writeln!(
                    c.out,
                    "<Placemark>\n<name>{}</name>\n<styleUrl>#{}</styleUrl>\n<TimeStamp><when>{}</when></TimeStamp>\n<description>{} · {} · score {} · flight {}</description>\n<Point><coordinates>{lon:.6},{lat:.6}</coordinates></Point>\n</Placemark>",
                    xml_escape(name.trim()),
                    score_band(e.score),
                    iso8601(e.ts),
                    xml_escape(&e.icao24),
                    iso8601(e.ts),
                    e.score.map_or("—".to_string(), |s| format!("{s:.2}")),
                    xml_escape(&e.flight_id),
                )?;
            }
        }
        c.written += 1;
        Ok(())
    }

    /// Ends the file; how many events were written.
    pub fn finish(self) -> io::Result<u64> {
        self.0.finish()
    }
}

/// Writes flights with their tracks, one at a time, in one format (CSV: one row per flight).
pub struct FlightWriter<W: Write>(Collection<W>);

impl<W: Write> FlightWriter<W> {
    /// Starts the file.
    pub fn new(out: W, format: ExportFormat) -> io::Result<Self> {
        let header =
            "id,icao24,callsign,start,end,duration_s,positions,zones,score,band,military,ended";
        Ok(Self(Collection::start(
            out,
            format,
            header,
            "vigia flights",
        )?))
    }

    /// One flight and its stored track (time order).
    pub fn flight(&mut self, f: &StoredFlight, track: &[PositionRow]) -> io::Result<()> {
        let props = flight_properties(f);
        let r = &f.row;
        let c = &mut self.0;
        match c.format {
            ExportFormat::GeoJson => {
                let mut props = props;
                if let Some(map) = props.as_object_mut() {
                    map.insert(
                        "times".into(),
                        json!(track.iter().map(|p| iso8601(p.ts)).collect::<Vec<_>>()),
                    );
                }
                let geometry = match track {
                    [] => Value::Null,
                    [p] => json!({"type": "Point", "coordinates": [p.lon, p.lat]}),
                    _ => {
                        json!({"type": "LineString", "coordinates": track.iter().map(|p| match p.altitude_ft {
                        Some(ft) => json!([p.lon, p.lat, (ft * 0.3048 * 10.0).round() / 10.0]),
                        None => json!([p.lon, p.lat]),
                    }).collect::<Vec<_>>()})
                    }
                };
                c.feature(geometry, props)?;
            }
            ExportFormat::Csv => {
                let fields = [
                    r.id.clone(),
                    r.icao24.clone(),
                    r.callsign.clone().unwrap_or_default(),
                    iso8601(r.start_ts),
                    iso8601(r.end_ts),
                    format!("{:.0}", r.end_ts - r.start_ts),
                    r.positions.to_string(),
                    r.zones.join(" "),
                    r.score.map_or(String::new(), |s| format!("{s:.2}")),
                    score_band(r.score).to_string(),
                    r.military.map_or(String::new(), |m| m.to_string()),
                    r.ended.to_string(),
                ];
                csv_row(&mut c.out, &fields)?;
            }
            ExportFormat::Kml => {
                if track.len() < 2 {
                    return Ok(());
                }
                let name = r.callsign.clone().unwrap_or_else(|| r.icao24.clone());
                writeln!(
                    c.out,
                    "<Placemark>\n<name>{}</name>\n<styleUrl>#{}</styleUrl>\n<TimeSpan><begin>{}</begin><end>{}</end></TimeSpan>\n<description>{} · {} positions · zones {} · score {}</description>\n<LineString>\n<altitudeMode>absolute</altitudeMode>\n<coordinates>",
                    xml_escape(&name),
                    score_band(r.score),
                    iso8601(r.start_ts),
                    iso8601(r.end_ts),
                    xml_escape(&r.icao24),
                    r.positions,
                    xml_escape(&r.zones.join(" ")),
                    r.score.map_or("—".to_string(), |s| format!("{s:.2}")),
                )?;
                for p in track {
                    let metres = p.altitude_ft.map_or(0.0, |ft| ft * 0.3048);
                    writeln!(c.out, "{:.6},{:.6},{metres:.1}", p.lon, p.lat)?;
                }
                writeln!(c.out, "</coordinates>\n</LineString>\n</Placemark>")?;
            }
        }
        c.written += 1;
        Ok(())
    }

    /// Ends the file; how many flights were written.
    pub fn finish(self) -> io::Result<u64> {
        self.0.finish()
    }
}

/// The KML document's start, with one style per score band: red for alert (≥ 0.5), orange
/// for surveillance-like (≥ 0.3), grey for routine.
fn kml_head(out: &mut impl Write, name: &str) -> io::Result<()> {
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n<name>{name}</name>"
    )?;
    // KML colours are aabbggrr.
    for (band, colour, width) in [
        ("alert", "ff2828c6", 3.0),
        ("surveillance-like", "ff0080f5", 2.5),
        ("routine", "b0808080", 1.5),
    ] {
        writeln!(
            out,
            "<Style id=\"{band}\"><LineStyle><color>{colour}</color><width>{width}</width></LineStyle><IconStyle><color>{colour}</color></IconStyle></Style>"
        )?;
    }
    Ok(())
}

/// A JSON value as CSV text: strings bare, null empty, the rest as JSON writes them.
fn text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// One CSV row, each field quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_row(out: &mut impl Write, fields: &[String]) -> io::Result<()> {
    let row: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    writeln!(out, "{}", row.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_they_must_be() {
        let mut out = Vec::new();
        csv_row(&mut out, &["a".into(), "b,c".into(), "say \"hi\"".into()]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a,\"b,c\",\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn bands_follow_the_score_lines() {
        assert_eq!(score_band(Some(0.61)), "alert");
        assert_eq!(score_band(Some(0.35)), "surveillance-like");
        assert_eq!(score_band(Some(0.1)), "routine");
        assert_eq!(score_band(None), "routine");
    }

    #[test]
    fn formats_come_from_the_extension() {
        assert_eq!(
            ExportFormat::of("a/events.GeoJSON".as_ref()),
            Some(ExportFormat::GeoJson)
        );
        assert_eq!(ExportFormat::of("f.kml".as_ref()), Some(ExportFormat::Kml));
        assert_eq!(ExportFormat::of("f.txt".as_ref()), None);
    }
}
