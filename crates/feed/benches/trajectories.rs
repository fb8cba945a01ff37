//! Reading decoded trajectories: the real airliner trajectories of
//! `crates/track/tests/data/airliners_quickstart_40.csv.zst` (54 271 rows, 40 aircraft; see that
//! folder's README) as CSV, and the same rows as Parquet (written by vigia's `TrajectoryWriter`:
//! zstd, dictionary strings, one row group), each read whole into state vectors by
//! `RecordReader`. The peer, in the same run: the parquet crate's own row API (`RowIter`, the
//! generic record reader that comes with the crate) over the same file, reading the same
//! eleven columns.
//!
//! Run with `cargo bench -p vigia-feed --bench trajectories`; throughput is in rows/s.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::RowAccessor;
use std::hint::black_box;
use std::time::Duration;
use vigia_feed::{Format, Record, RecordReader, TrajectoryPoint, TrajectoryWriter};

fn csv() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../track/tests/data/airliners_quickstart_40.csv.zst"
    );
    zstd::decode_all(&std::fs::read(path).expect("the airliners fixture")[..]).unwrap()
}

fn as_parquet(text: &'static [u8]) -> Vec<u8> {
    let mut writer = TrajectoryWriter::new(Vec::new(), "vigia bench").unwrap();
    for item in RecordReader::new("csv", text, None).unwrap() {
        let Record::State(s) = item.unwrap() else {
            unreachable!()
        };
        let id = s.icao24.to_string();
        let callsign = s.callsign.map(|c| c.to_string());
        writer
            .write(&TrajectoryPoint {
                flight_id: &id,
                icao24: s.icao24,
                callsign: callsign.as_deref(),
                ts: s.ts.unwrap(),
                latitude: s.latitude.unwrap_or(0.0),
                longitude: s.longitude.unwrap_or(0.0),
                altitude_ft: s.altitude_ft,
                groundspeed_kt: s.groundspeed_kt,
                track_deg: s.track_deg,
                vertical_rate_fpm: s.vertical_rate_fpm,
                on_ground: s.on_ground,
                segment: 0,
                source: "adsb",
                mlat_error_m: None,
            })
            .unwrap();
    }
    writer.finish().unwrap()
}

fn trajectories(c: &mut Criterion) {
    let text: &'static [u8] = Box::leak(csv().into_boxed_slice());
    let rows = RecordReader::new("csv", text, None).unwrap().count();
    assert_eq!(rows, 54_271);
    let parquet: &'static [u8] = Box::leak(as_parquet(text).into_boxed_slice());
    let bytes = bytes::Bytes::from_static(parquet);

    let mut group = c.benchmark_group("trajectories");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(rows as u64));
    group.bench_function("vigia_csv", |b| {
        b.iter(|| {
            let reader = RecordReader::new("csv", black_box(text), Some(Format::TrajectoryCsv));
            assert_eq!(reader.unwrap().filter(Result::is_ok).count(), rows)
        })
    });
    group.bench_function("vigia_parquet", |b| {
        b.iter(|| {
            let source = std::io::Cursor::new(black_box(parquet));
            let reader = RecordReader::seekable("pq", source, Some(Format::Parquet)).unwrap();
            assert_eq!(reader.filter(Result::is_ok).count(), rows)
        })
    });
    group.bench_function("parquet_crate_row_iter", |b| {
        b.iter(|| {
            let file = SerializedFileReader::new(black_box(bytes.clone())).unwrap();
            let mut n = 0;
            let mut sum = 0.0;
            for row in file.get_row_iter(None).unwrap() {
                let row = row.unwrap();
                sum += row.get_double(4).unwrap() + row.get_timestamp_micros(3).unwrap() as f64;
                n += 1;
            }
            black_box(sum);
            assert_eq!(n, rows)
        })
    });
    group.finish();
}

criterion_group!(benches, trajectories);
criterion_main!(benches);
