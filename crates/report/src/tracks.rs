//! Flights out: the track exports of `vigia tracks` — GeoJSON (one `LineString` feature per
//! flight with per-vertex times in its properties; a `MultiLineString` when the track has
//! breaks), KML (one `gx:MultiTrack` per flight, a `gx:Track` per segment), CSV and Parquet
//! points with their `flight_id` and `segment` (traffic-style columns and units, readable back by
//! vigia, `traffic` and pandas; the Parquet encoding is `vigia_feed::TrajectoryWriter`'s) —
//! and the CSV of rejected positions with reason and evidence.
//!
//! Owns these file shapes and a [`TrackWriter`] that writes each finished flight as it comes,
//! so that memory holds one flight, not the output. It does not track (`vigia-track`) or read
//! inputs (`vigia-feed`).

use std::io::{self, Write};
use std::path::Path;

use vigia_feed::{TrajectoryPoint, TrajectoryWriter};
use vigia_track::{Evidence, Flight, RejectedPosition, TrackEvent};

use crate::geojson;
use crate::time::iso8601;

/// Metres per foot (KML altitudes are metres).
const METRES_PER_FOOT: f64 = 0.3048;

/// The export formats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TrackFormat {
    /// A GeoJSON FeatureCollection, one feature per flight.
    GeoJson,
    /// KML, one `gx:Track` per flight.
    Kml,
    /// CSV points.
    Csv,
    /// Parquet points.
    Parquet,
}

/// A path whose extension names no export format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}: cannot tell the output format; use .geojson, .kml, .csv or .parquet")]
pub struct UnknownExtension(pub String);

impl TrackFormat {
    /// The format a file's extension names (`.geojson`/`.json`, `.kml`, `.csv`, `.parquet`);
    /// GeoJSON when there is no file (standard output).
    pub fn of(path: Option<&Path>) -> Result<Self, UnknownExtension> {
        let Some(path) = path else {
            return Ok(TrackFormat::GeoJson);
        };
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("geojson" | "json") => Ok(TrackFormat::GeoJson),
            Some("kml") => Ok(TrackFormat::Kml),
            Some("csv") => Ok(TrackFormat::Csv),
            Some("parquet") => Ok(TrackFormat::Parquet),
            _ => Err(UnknownExtension(path.display().to_string())),
        }
    }
}

/// Where a [`TrackWriter`]'s flights go, and in which format.
pub enum TrackSink<W: Write + Send> {
    /// A GeoJSON FeatureCollection.
    GeoJson(W),
    /// A KML document.
    Kml(W),
    /// CSV points.
    Csv(W),
    /// Parquet points (boxed: the encoder is large).
    Parquet(Box<TrajectoryWriter<W>>),
}

/// Writes finished flights (and rejected positions) as they come.
pub struct TrackWriter<W: Write + Send> {
    sink: Option<TrackSink<W>>,
    flights_written: u64,
    rejected: Option<Box<dyn Write + Send>>,
    inputs: Vec<String>,
}

impl<W: Write + Send> TrackWriter<W> {
    /// A writer of flights to `sink`, and of rejected positions to `rejected` when given;
    /// `inputs` names what evidence source indexes point to. Writes the header.
    pub fn new(
        sink: TrackSink<W>,
        rejected: Option<Box<dyn Write + Send>>,
        inputs: Vec<String>,
    ) -> io::Result<Self> {
        let mut writer = Self {
            sink: Some(sink),
            flights_written: 0,
            rejected,
            inputs,
        };
        writer.begin()?;
        Ok(writer)
    }

    /// Flights written so far.
    pub fn flights_written(&self) -> u64 {
        self.flights_written
    }

    fn begin(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Some(TrackSink::GeoJson(out)) => write!(out, "{{\"type\":\"FeatureCollection\",\"features\":["),
            Some(TrackSink::Kml(out)) => write!(
                out,
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\" xmlns:gx=\"http://www.google.com/kml/ext/2.2\">\n<Document>\n<name>vigia tracks</name>\n"
            ),
            Some(TrackSink::Csv(out)) => writeln!(
                out,
                "flight_id,icao24,callsign,timestamp,latitude,longitude,altitude,groundspeed,track,vertical_rate,onground,segment,source,mlat_error_m"
            ),
            Some(TrackSink::Parquet(_)) | None => Ok(()),
        }?;
        if let Some(out) = &mut self.rejected {
            writeln!(
                out,
                "icao24,ts,latitude,longitude,altitude_ft,reason,detail,flight_id,evidence"
            )?;
        }
        Ok(())
    }

    /// Write what `event` means for the output: a finished flight, a rejected position.
    pub fn event(&mut self, event: &TrackEvent) -> io::Result<()> {
        match event {
            TrackEvent::FlightEnded(flight) => {
                match &mut self.sink {
                    Some(TrackSink::GeoJson(out)) => {
                        let feature = geojson::flight(flight);
                        let separator = if self.flights_written == 0 {
                            "\n"
                        } else {
                            ",\n"
                        };
                        write!(out, "{separator}{feature}")?;
                    }
                    Some(TrackSink::Kml(out)) => write_kml_placemark(out, flight)?,
                    Some(TrackSink::Csv(out)) => write_csv_points(out, flight)?,
                    Some(TrackSink::Parquet(parquet)) => write_parquet_points(parquet, flight)?,
                    None => {}
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

    /// Close the output (the GeoJSON collection, the KML document, the Parquet footer) and
    /// flush everything.
    pub fn finish(&mut self) -> io::Result<()> {
        match self.sink.take() {
            Some(TrackSink::GeoJson(mut out)) => {
                writeln!(out, "\n]}}")?;
                out.flush()
            }
            Some(TrackSink::Kml(mut out)) => {
                writeln!(out, "</Document>\n</kml>")?;
                out.flush()
            }
            Some(TrackSink::Csv(mut out)) => out.flush(),
            Some(TrackSink::Parquet(parquet)) => parquet.finish()?.flush(),
            None => Ok(()),
        }?;
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

fn opt<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn write_csv_points(out: &mut impl Write, flight: &Flight) -> io::Result<()> {
    let id = flight.id.to_string();
    let icao24 = flight.id.icao24.to_string();
    let callsign = flight.callsigns.first().map(|c| c.as_str()).unwrap_or("");
    for p in &flight.track {
        writeln!(
            out,
            "{id},{icao24},{callsign},{:.3},{:.6},{:.6},{},{},{},{},{},{},{},{}",
            p.ts,
            p.lat,
            p.lon,
            opt(p.altitude_ft),
            opt(p.groundspeed_kt),
            opt(p.track_deg),
            opt(p.vertical_rate_fpm),
            opt(p.on_ground),
            p.segment,
            p.source.name(),
            opt(p.mlat_error_m.map(|m| m.round())),
        )?;
    }
    Ok(())
}

fn write_parquet_points<W: Write + Send>(
    out: &mut TrajectoryWriter<W>,
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
            segment: p.segment,
            source: p.source.name(),
            mlat_error_m: p.mlat_error_m.map(f64::from),
        })?;
    }
    Ok(())
}

pub(crate) fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn write_kml_placemark(out: &mut impl Write, flight: &Flight) -> io::Result<()> {
    let name = match callsigns(flight) {
        c if c.is_empty() => flight.id.to_string(),
        c => format!("{c} ({})", flight.id),
    };
    writeln!(out, "<Placemark>\n<name>{}</name>", xml_escape(&name))?;
    writeln!(
        out,
        "<description>{} points in {} segment(s), {} rejected, {} to {}, ended: {}</description>",
        flight.points,
        flight.segments,
        flight.rejected,
        when(flight.start_ts),
        when(flight.end_ts),
        flight.end.name()
    )?;
    if crate::time::is_receiver_clock(flight.start_ts) {
        // Receiver-clock readings are not dates: no <when> (it would say 1970). The path
        // alone, one line per segment; `--start` anchors a capture to real time.
        writeln!(out, "<MultiGeometry>")?;
        for part in flight.track.chunk_by(|a, b| a.segment == b.segment) {
            writeln!(
                out,
                "<LineString>\n<altitudeMode>absolute</altitudeMode>\n<coordinates>"
            )?;
            for p in part {
                let metres = p
                    .altitude_ft
                    .map_or(0.0, |ft| f64::from(ft) * METRES_PER_FOOT);
                writeln!(out, "{:.6},{:.6},{metres:.1}", p.lon, p.lat)?;
            }
            writeln!(out, "</coordinates>\n</LineString>")?;
        }
        return writeln!(out, "</MultiGeometry>\n</Placemark>");
    }
    // One gx:Track per segment, in a gx:MultiTrack that does not join them: a break in the
    // track is never drawn as a line.
    writeln!(out, "<gx:MultiTrack>\n<gx:interpolate>0</gx:interpolate>")?;
    for part in flight.track.chunk_by(|a, b| a.segment == b.segment) {
        writeln!(out, "<gx:Track>\n<altitudeMode>absolute</altitudeMode>")?;
        for p in part {
            writeln!(out, "<when>{}</when>", iso8601(p.ts))?;
        }
        for p in part {
            let metres = p
                .altitude_ft
                .map_or(0.0, |ft| f64::from(ft) * METRES_PER_FOOT);
            writeln!(
                out,
                "<gx:coord>{:.6} {:.6} {metres:.1}</gx:coord>",
                p.lon, p.lat
            )?;
        }
        writeln!(out, "</gx:Track>")?;
    }
    writeln!(out, "</gx:MultiTrack>\n</Placemark>")
}

/// A time for people: ISO 8601, or the receiver clock's reading (never a 1970 date).
fn when(ts: f64) -> String {
    if crate::time::is_receiver_clock(ts) {
        format!(
            "{} (receiver clock, not a date; --start anchors it)",
            crate::time::utc(ts)
        )
    } else {
        iso8601(ts)
    }
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
