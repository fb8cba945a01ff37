//! Parquet trajectories written by Apache Arrow (pyarrow, `tests/data/make_parquet.py`) read
//! exactly as the CSV they were written from; damaged files are errors with their rows
//! counted, never a panic; vigia's own Parquet reads back.

use crate::common::{fixture, fixture_path};
use std::io::Cursor;
use std::sync::Arc;
use vigia_feed::{
    open, ErrorKind, FeedError, Format, FrameError, Location, Record, RecordReader, StateVector,
};

fn states(reader: RecordReader) -> Vec<StateVector> {
    reader
        .map(|item| match item.unwrap() {
            Record::State(state) => *state,
            Record::Frame(_) => panic!("a trajectory file yields state vectors"),
        })
        .collect()
}

fn csv_states(name: &str) -> Vec<StateVector> {
    states(open(&fixture_path(name), None).unwrap())
}

#[test]
fn pyarrow_files_read_exactly_as_their_csv() {
    let cases = [
        (
            "calibration_guatemala_traffic.parquet",
            "calibration_guatemala_head.csv",
            200,
        ),
        (
            "calibration_guatemala_opensky.parquet",
            "calibration_guatemala_opensky.csv",
            50,
        ),
        (
            "calibration_guatemala_opensky_int96.parquet",
            "calibration_guatemala_opensky.csv",
            50,
        ),
    ];
    for (parquet, csv, rows) in cases {
        let reader = open(&fixture_path(parquet), None).unwrap();
        assert_eq!(reader.format(), Format::Parquet, "{parquet}");
        let got = states(reader);
        let want = csv_states(csv);
        assert_eq!(got.len(), rows, "{parquet}");
        assert_eq!(got, want, "{parquet} differs from {csv}");
        // values as the data holds them, not merely as the CSV path reads them
        assert_eq!(got[0].ts, Some(1_522_081_475.0), "{parquet}");
        assert_eq!(got[0].icao24.to_string(), "0b206f", "{parquet}");
        assert_eq!(got[0].callsign.unwrap().as_str(), "YS111N", "{parquet}");
    }
}

#[test]
fn streams_and_compressed_parquet_read_the_same() {
    let bytes = fixture("calibration_guatemala_traffic.parquet");
    let in_place =
        states(open(&fixture_path("calibration_guatemala_traffic.parquet"), None).unwrap());
    let streamed = states(RecordReader::new("stdin", Cursor::new(bytes.clone()), None).unwrap());
    let zst = zstd::encode_all(&bytes[..], 3).unwrap();
    let compressed = states(RecordReader::new("x.parquet.zst", Cursor::new(zst), None).unwrap());
    let seekable =
        states(RecordReader::seekable("x", Cursor::new(bytes), Some(Format::Parquet)).unwrap());
    assert_eq!(in_place.len(), 200);
    assert_eq!(streamed, in_place);
    assert_eq!(compressed, in_place);
    assert_eq!(seekable, in_place);
}

#[test]
fn rows_are_numbered_across_row_groups() {
    let mut reader = open(&fixture_path("calibration_guatemala_traffic.parquet"), None).unwrap();
    assert_eq!(reader.last_row(), None);
    for expected in 1..=200u64 {
        reader.next().unwrap().unwrap();
        assert_eq!(reader.last_row(), Some(expected));
        assert_eq!(reader.last_line(), None);
    }
    // while reading, the bytes of the row groups opened; at the end, the file's size
    let size = fixture("calibration_guatemala_traffic.parquet").len() as u64;
    assert!(reader.stats().bytes() > 0 && reader.stats().bytes() < size);
    assert!(reader.next().is_none());
    assert_eq!(reader.stats().bytes(), size);
    assert_eq!(reader.stats().states(), 200);
}

#[test]
fn a_damaged_row_group_is_skipped_and_counted_and_the_next_one_read() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let mut bytes = fixture("calibration_guatemala_traffic.parquet");
    let meta = SerializedFileReader::new(bytes::Bytes::from(bytes.clone())).unwrap();
    let meta = meta.metadata();
    assert_eq!(meta.num_row_groups(), 2);
    let (first_rows, second_rows) = (
        meta.row_group(0).num_rows() as u64,
        meta.row_group(1).num_rows() as u64,
    );
    // the first group's first column chunk: overwrite its pages' bytes
    let (start, len) = meta.row_group(0).column(0).byte_range();
    for b in &mut bytes[start as usize + 2..(start + len) as usize] {
        *b = 0xff;
    }
    let reader = RecordReader::new("damaged.parquet", Cursor::new(bytes), None).unwrap();
    let items: Vec<_> = reader.collect();
    let ok = items.iter().filter(|i| i.is_ok()).count() as u64;
    let errors: Vec<&FeedError> = items.iter().filter_map(|i| i.as_ref().err()).collect();
    assert_eq!(ok, second_rows, "the second row group is read whole");
    assert_eq!(errors.len(), 1, "{errors:?}");
    match errors[0].frame_error() {
        Some(FrameError::UnreadableRows { at, rows, .. }) => {
            assert_eq!(*at, Location::Row(1));
            assert_eq!(*rows, first_rows);
        }
        other => panic!("{other:?}"),
    }
    assert!(errors[0]
        .to_string()
        .starts_with("damaged.parquet: row 1: 128 rows unreadable and skipped"));
}

#[test]
fn truncated_and_foreign_files_are_named_errors() {
    let bytes = fixture("calibration_guatemala_opensky.parquet");
    let truncated = bytes[..bytes.len() - 100].to_vec();
    let error = RecordReader::new("cut.parquet", Cursor::new(truncated), None).unwrap_err();
    assert!(matches!(error, FeedError::Parquet { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("cut.parquet: not a readable Parquet file: "),
        "{error}"
    );
    // named as Parquet, but a CSV
    let csv = fixture("calibration_guatemala_opensky.csv");
    let error = RecordReader::new("a.csv", Cursor::new(csv), Some(Format::Parquet)).unwrap_err();
    assert!(matches!(error, FeedError::Parquet { .. }), "{error}");
}

/// A Parquet file with these columns, written with the parquet crate's own writer.
fn parquet_with(
    schema: &str,
    write: impl FnOnce(&mut parquet::file::writer::SerializedRowGroupWriter<'_, Vec<u8>>),
) -> Vec<u8> {
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    let schema = Arc::new(parquet::schema::parser::parse_message_type(schema).unwrap());
    let mut writer =
        SerializedFileWriter::new(Vec::new(), schema, Arc::new(WriterProperties::default()))
            .unwrap();
    let mut group = writer.next_row_group().unwrap();
    write(&mut group);
    group.close().unwrap();
    writer.into_inner().unwrap()
}

#[test]
fn missing_and_unsupported_columns_are_reported_once() {
    use parquet::data_type::{
        ByteArray, ByteArrayType, FixedLenByteArray, FixedLenByteArrayType, Int64Type,
    };
    let file = parquet_with(
        "message m { required int64 when; required binary who (STRING); }",
        |group| {
            let mut c = group.next_column().unwrap().unwrap();
            c.typed::<Int64Type>()
                .write_batch(&[1, 2], None, None)
                .unwrap();
            c.close().unwrap();
            let mut c = group.next_column().unwrap().unwrap();
            let who = [ByteArray::from("abc123"), ByteArray::from("abc123")];
            c.typed::<ByteArrayType>()
                .write_batch(&who, None, None)
                .unwrap();
            c.close().unwrap();
        },
    );
    let items: Vec<_> = RecordReader::new("m.parquet", Cursor::new(file), None)
        .unwrap()
        .collect();
    assert_eq!(items.len(), 1);
    let error = items[0].as_ref().unwrap_err();
    assert_eq!(
        error.frame_error().map(FrameError::kind),
        Some(ErrorKind::MissingColumns)
    );
    assert!(error
        .to_string()
        .starts_with("m.parquet: schema: header lacks required columns"));

    // a latitude stored as fixed-length bytes: reported, ignored, the rows still read
    let file = parquet_with(
        "message m { required int64 timestamp; required binary icao24 (STRING); required fixed_len_byte_array(4) latitude; }",
        |group| {
            let mut c = group.next_column().unwrap().unwrap();
            c.typed::<Int64Type>().write_batch(&[1, 2], None, None).unwrap();
            c.close().unwrap();
            let mut c = group.next_column().unwrap().unwrap();
            let icao = [ByteArray::from("abc123"), ByteArray::from("zzz")];
            c.typed::<ByteArrayType>().write_batch(&icao, None, None).unwrap();
            c.close().unwrap();
            let mut c = group.next_column().unwrap().unwrap();
            let lat = [FixedLenByteArray::from(vec![0u8; 4]), FixedLenByteArray::from(vec![1u8; 4])];
            c.typed::<FixedLenByteArrayType>().write_batch(&lat, None, None).unwrap();
            c.close().unwrap();
        },
    );
    let mut reader = RecordReader::new("m.parquet", Cursor::new(file), None).unwrap();
    let items: Vec<_> = reader.by_ref().collect();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(
        items[0].as_ref().unwrap_err().to_string(),
        "m.parquet: schema: column \"latitude\" is stored as FIXED_LEN_BYTE_ARRAY, which vigia does not read; the column is ignored"
    );
    let Ok(Record::State(state)) = &items[1] else {
        panic!("{:?}", items[1])
    };
    assert_eq!((state.ts, state.latitude), (Some(1.0), None));
    assert_eq!(
        items[2].as_ref().unwrap_err().to_string(),
        "m.parquet: row 2: bad value in field icao24"
    );
    assert_eq!(reader.stats().rejected(ErrorKind::UnsupportedColumn), 1);
    assert_eq!(reader.stats().rejected(ErrorKind::BadField), 1);
}

/// Found by the `parquet` fuzz target: a mutated dictionary page on which the parquet crate
/// panics ("Decoder for dict should have been set"). vigia reports the row group as
/// unreadable and goes on; nothing panics out of the reader.
#[test]
fn a_page_the_decoder_panics_on_is_reported_as_unreadable_rows() {
    let bytes = fixture("fuzz_parquet_dictionary_panic.parquet");
    let reader = RecordReader::new("fuzzed.parquet", Cursor::new(bytes), None).unwrap();
    let items: Vec<_> = reader.collect();
    let unreadable: Vec<_> = items
        .iter()
        .filter_map(|i| i.as_ref().err())
        .filter_map(FeedError::frame_error)
        .filter(|e| e.kind() == ErrorKind::UnreadableRows)
        .collect();
    assert!(!unreadable.is_empty(), "{items:?}");
    assert!(
        unreadable.iter().any(|e| e
            .to_string()
            .contains("the Parquet decoder failed on malformed data")),
        "{unreadable:?}"
    );
}

mod round_trip {
    use super::*;
    use proptest::prelude::*;
    use vigia_feed::{TrajectoryPoint, TrajectoryWriter};
    use vigia_modes::IcaoAddress;

    #[derive(Debug, Clone)]
    struct Point {
        icao24: u32,
        callsign: Option<String>,
        ts_micros: i64,
        latitude: f64,
        longitude: f64,
        optional: [Option<f64>; 4],
        on_ground: Option<bool>,
    }

    fn point() -> impl Strategy<Value = Point> {
        (
            0u32..=0xff_ffff,
            proptest::option::of("[A-Z0-9]{1,8}"),
            0i64..4_102_444_800_000_000,
            -90.0f64..=90.0,
            -180.0f64..=180.0,
            // Within the physical ranges a reader keeps (altitude, ground speed, track,
            // vertical rate).
            (
                proptest::option::of(-2e3f64..2e5),
                proptest::option::of(0f64..4e3),
                proptest::option::of(-180f64..360.0),
                proptest::option::of(-1e5f64..1e5),
            )
                .prop_map(|(a, b, c, d)| [a, b, c, d]),
            proptest::option::of(any::<bool>()),
        )
            .prop_map(
                |(icao24, callsign, ts_micros, latitude, longitude, optional, on_ground)| Point {
                    icao24,
                    callsign,
                    ts_micros,
                    latitude,
                    longitude,
                    optional,
                    on_ground,
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Any points vigia writes read back as the same state vectors (times to the
        /// microsecond the file stores), in order, whatever the row count.
        #[test]
        fn written_points_read_back_exactly(points in proptest::collection::vec(point(), 0..300)) {
            let mut writer = TrajectoryWriter::new(Vec::new(), "proptest").unwrap();
            for p in &points {
                writer.write(&TrajectoryPoint {
                    flight_id: "f",
                    icao24: IcaoAddress::new(p.icao24),
                    callsign: p.callsign.as_deref(),
                    ts: p.ts_micros as f64 / 1e6,
                    latitude: p.latitude,
                    longitude: p.longitude,
                    altitude_ft: p.optional[0],
                    groundspeed_kt: p.optional[1],
                    track_deg: p.optional[2],
                    vertical_rate_fpm: p.optional[3],
                    on_ground: p.on_ground,
                    segment: 0,
                    source: "adsb",
                    mlat_error_m: None,
                }).unwrap();
            }
            let bytes = writer.finish().unwrap();
            let read = states(RecordReader::new("rt", Cursor::new(bytes), None).unwrap());
            prop_assert_eq!(read.len(), points.len());
            for (s, p) in read.iter().zip(&points) {
                prop_assert_eq!(s.icao24, IcaoAddress::new(p.icao24));
                prop_assert_eq!(s.callsign.map(|c| c.to_string()), p.callsign.clone());
                prop_assert_eq!(s.ts, Some(p.ts_micros as f64 / 1e6));
                prop_assert_eq!((s.latitude, s.longitude), (Some(p.latitude), Some(p.longitude)));
                prop_assert_eq!(
                    [s.altitude_ft, s.groundspeed_kt, s.track_deg, s.vertical_rate_fpm],
                    p.optional
                );
                prop_assert_eq!(s.on_ground, p.on_ground);
            }
        }
    }
}

/// Found by the `parquet` fuzz target: a page header whose list claims far more elements than
/// the file holds. The parquet crate skips such a list one element at a time, and with a
/// reader that answers "nothing" at the end of the file it spun for a minute over 3 KB; vigia's
/// readers make a read past the end an error, so the row group fails at once — through the
/// file (seekable) and through memory (a stream) alike.
#[test]
fn a_header_that_reads_past_the_end_fails_instead_of_spinning() {
    let bytes = fixture("fuzz_parquet_endless_header.parquet");
    let through_file = open(&fixture_path("fuzz_parquet_endless_header.parquet"), None)
        .unwrap()
        .collect::<Vec<_>>();
    let through_memory = RecordReader::new("stream", Cursor::new(bytes), None)
        .unwrap()
        .collect::<Vec<_>>();
    for items in [through_file, through_memory] {
        assert_eq!(items.len(), 1, "{items:?}");
        let error = items[0].as_ref().unwrap_err();
        assert!(
            matches!(
                error.frame_error(),
                Some(FrameError::UnreadableRows { rows: 50, .. })
            ),
            "{error}"
        );
        assert!(
            error.to_string().contains("read past the end of the file"),
            "{error}"
        );
    }
}
