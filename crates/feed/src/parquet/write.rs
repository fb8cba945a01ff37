//! [`TrajectoryWriter`]: vigia's validated points as a Parquet file, traffic-style columns.

use parquet::basic::{Compression, ZstdLevel};
use parquet::data_type::{BoolType, ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::errors::ParquetError;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use std::io::{self, Write};
use std::sync::Arc;
use vigia_modes::IcaoAddress;

/// One validated point, as [`TrajectoryWriter`] writes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrajectoryPoint<'a> {
    /// The flight it belongs to.
    pub flight_id: &'a str,
    /// The aircraft.
    pub icao24: IcaoAddress,
    /// Its callsign, if known.
    pub callsign: Option<&'a str>,
    /// Seconds since the Unix epoch.
    pub ts: f64,
    /// Degrees.
    pub latitude: f64,
    /// Degrees.
    pub longitude: f64,
    /// Barometric altitude, feet.
    pub altitude_ft: Option<f64>,
    /// Knots.
    pub groundspeed_kt: Option<f64>,
    /// Degrees from true north.
    pub track_deg: Option<f64>,
    /// Feet per minute.
    pub vertical_rate_fpm: Option<f64>,
    /// On the ground, if known.
    pub on_ground: Option<bool>,
    /// The segment of the flight (a new one starts after a break in the track: consecutive
    /// points of different segments must never be joined).
    pub segment: u32,
    /// What the position was computed from: `adsb`, `mlat` or `archive`.
    pub source: &'a str,
    /// For a multilaterated position, its 95 % error (semi-major axis), metres.
    pub mlat_error_m: Option<f64>,
}

/// The schema [`TrajectoryWriter`] writes: traffic-style names and units, so that the file reads
/// back into vigia, into `traffic` and into anything that reads Parquet.
const SCHEMA: &str = "message trajectory {
  required binary flight_id (STRING);
  required binary icao24 (STRING);
  optional binary callsign (STRING);
  required int64 timestamp (TIMESTAMP(MICROS,true));
  required double latitude;
  required double longitude;
  optional double altitude;
  optional double groundspeed;
  optional double track;
  optional double vertical_rate;
  optional boolean onground;
  required int32 segment (INTEGER(32,false));
  required binary source (STRING);
  optional double mlat_error_m;
}";

/// Rows buffered per row group.
const ROWS_PER_GROUP: usize = 128 * 1024;

/// Buffered columns of the row group being built.
#[derive(Default)]
struct PointColumns {
    flight_id: Vec<ByteArray>,
    icao24: Vec<ByteArray>,
    callsign: Vec<ByteArray>,
    callsign_def: Vec<i16>,
    timestamp: Vec<i64>,
    latitude: Vec<f64>,
    longitude: Vec<f64>,
    /// altitude, groundspeed, track, vertical_rate: values and definition levels.
    optional: [(Vec<f64>, Vec<i16>); 4],
    onground: Vec<bool>,
    onground_def: Vec<i16>,
    segment: Vec<i32>,
    source: Vec<ByteArray>,
    mlat_error: (Vec<f64>, Vec<i16>),
}

impl PointColumns {
    fn len(&self) -> usize {
        self.timestamp.len()
    }

    fn clear(&mut self) {
        *self = Self::default();
    }
}

/// Writes [`TrajectoryPoint`]s as a zstd-compressed Parquet file, one row per point, in row
/// groups of 131 072 rows. Columns: `flight_id`, `icao24`, `callsign`, `timestamp` (UTC,
/// microseconds), `latitude`, `longitude`, `altitude` (ft), `groundspeed` (kt), `track` (°),
/// `vertical_rate` (ft/min), `onground`, `segment` (the flight's segment: points of different
/// segments are never to be joined by a line), `source` (`adsb`, `mlat`, `archive`) and
/// `mlat_error_m` (a multilaterated position's 95 % error, metres).
pub struct TrajectoryWriter<W: Write + Send> {
    writer: SerializedFileWriter<W>,
    columns: PointColumns,
    rows: u64,
}

fn parquet_io(error: ParquetError) -> io::Error {
    match error {
        ParquetError::External(inner) => io::Error::other(inner),
        other => io::Error::other(other.to_string()),
    }
}

impl<W: Write + Send> TrajectoryWriter<W> {
    /// Start a file on `out`; `created_by` names the program (it goes in the file's metadata).
    pub fn new(out: W, created_by: &str) -> io::Result<Self> {
        let schema = parquet::schema::parser::parse_message_type(SCHEMA).map_err(parquet_io)?;
        let level = ZstdLevel::try_new(3).map_err(parquet_io)?;
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(level))
            .set_created_by(created_by.to_string())
            .set_key_value_metadata(Some(vec![KeyValue::new(
                "vigia.units".to_string(),
                "timestamp UTC; latitude, longitude, track degrees (WGS84); altitude ft (barometric); groundspeed kt; vertical_rate ft/min".to_string(),
            )]))
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(schema), Arc::new(properties))
            .map_err(parquet_io)?;
        Ok(Self {
            writer,
            columns: PointColumns::default(),
            rows: 0,
        })
    }

    /// Add one point.
    pub fn write(&mut self, point: &TrajectoryPoint<'_>) -> io::Result<()> {
        let c = &mut self.columns;
        c.flight_id.push(ByteArray::from(point.flight_id));
        c.icao24
            .push(ByteArray::from(point.icao24.to_string().as_str()));
        match point.callsign {
            Some(callsign) => {
                c.callsign.push(ByteArray::from(callsign));
                c.callsign_def.push(1);
            }
            None => c.callsign_def.push(0),
        }
        c.timestamp.push((point.ts * 1e6).round() as i64);
        c.latitude.push(point.latitude);
        c.longitude.push(point.longitude);
        let optional = [
            point.altitude_ft,
            point.groundspeed_kt,
            point.track_deg,
            point.vertical_rate_fpm,
        ];
        for ((values, def), value) in c.optional.iter_mut().zip(optional) {
            match value.filter(|v| v.is_finite()) {
                Some(v) => {
                    values.push(v);
                    def.push(1);
                }
                None => def.push(0),
            }
        }
        match point.on_ground {
            Some(b) => {
                c.onground.push(b);
                c.onground_def.push(1);
            }
            None => c.onground_def.push(0),
        }
        c.segment.push(point.segment as i32);
        c.source.push(ByteArray::from(point.source));
        match point.mlat_error_m.filter(|v| v.is_finite()) {
            Some(v) => {
                c.mlat_error.0.push(v);
                c.mlat_error.1.push(1);
            }
            None => c.mlat_error.1.push(0),
        }
        self.rows += 1;
        if c.len() >= ROWS_PER_GROUP {
            self.flush_group()?;
        }
        Ok(())
    }

    /// Points written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    fn flush_group(&mut self) -> io::Result<()> {
        if self.columns.len() == 0 {
            return Ok(());
        }
        let c = &self.columns;
        let mut group = self.writer.next_row_group().map_err(parquet_io)?;
        let mut index = 0;
        while let Some(mut column) = group.next_column().map_err(parquet_io)? {
            let written = match index {
                0 => column
                    .typed::<ByteArrayType>()
                    .write_batch(&c.flight_id, None, None),
                1 => column
                    .typed::<ByteArrayType>()
                    .write_batch(&c.icao24, None, None),
                2 => column.typed::<ByteArrayType>().write_batch(
                    &c.callsign,
                    Some(&c.callsign_def),
                    None,
                ),
                3 => column
                    .typed::<Int64Type>()
                    .write_batch(&c.timestamp, None, None),
                4 => column
                    .typed::<DoubleType>()
                    .write_batch(&c.latitude, None, None),
                5 => column
                    .typed::<DoubleType>()
                    .write_batch(&c.longitude, None, None),
                6..=9 => {
                    let (values, def) = &c.optional[index - 6];
                    column
                        .typed::<DoubleType>()
                        .write_batch(values, Some(def), None)
                }
                10 => {
                    column
                        .typed::<BoolType>()
                        .write_batch(&c.onground, Some(&c.onground_def), None)
                }
                11 => column
                    .typed::<Int32Type>()
                    .write_batch(&c.segment, None, None),
                12 => column
                    .typed::<ByteArrayType>()
                    .write_batch(&c.source, None, None),
                _ => column.typed::<DoubleType>().write_batch(
                    &c.mlat_error.0,
                    Some(&c.mlat_error.1),
                    None,
                ),
            };
            written.map_err(parquet_io)?;
            column.close().map_err(parquet_io)?;
            index += 1;
        }
        group.close().map_err(parquet_io)?;
        self.columns.clear();
        Ok(())
    }

    /// Write the last row group and the footer; the output is a complete file only after this.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_group()?;
        self.writer.into_inner().map_err(parquet_io)
    }
}
