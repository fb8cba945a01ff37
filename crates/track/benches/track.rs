//! Frames → validated positions on the real corpus: decoding alone against decoding and
//! tracking, single thread, frames already in memory (receive time and message bytes).
//!
//! `cargo bench -p vigia-track --bench track`
//!
//! The tracker runs with its defaults (2 s reordering window, 2 confirmations) and the
//! receiver position the corpus was recorded around (Toulouse), so surface frames are
//! decoded too.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Read;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigia_modes::cpr::LatLon;
use vigia_track::{TrackEvent, Tracker, TrackerConfig};

/// `(receive time, message)` for every corpus frame, Beast header stripped.
fn corpus() -> Vec<(f64, Vec<u8>)> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/long_flight.csv.zst"
    );
    let mut text = String::new();
    zstd::Decoder::new(std::fs::File::open(path).unwrap())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text.lines()
        .map(|line| {
            let (ts, hex) = line.split_once(',').unwrap();
            let hex = &hex[18..];
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            (ts.parse().unwrap(), bytes)
        })
        .collect()
}

fn config() -> TrackerConfig {
    TrackerConfig {
        receiver: Some(LatLon {
            lat: 43.7,
            lon: 1.36,
        }),
        ..TrackerConfig::default()
    }
}

fn bench(c: &mut Criterion) {
    let frames = corpus();
    let mut group = c.benchmark_group("track_corpus");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("decode", |b| {
        b.iter(|| {
            let mut ok = 0u32;
            for (_, f) in &frames {
                ok += u32::from(black_box(vigia_modes::decode(f)).is_ok());
            }
            ok
        })
    });
    group.bench_function("decode+track", |b| {
        let mut events: Vec<TrackEvent> = Vec::with_capacity(1024);
        b.iter(|| {
            let mut tracker = Tracker::new(config());
            let mut positions = 0usize;
            for (ts, f) in &frames {
                tracker.push_frame(*ts, f, &mut events);
                if events.len() >= 1024 {
                    positions += events.len();
                    events.clear();
                }
            }
            tracker.finish(&mut events);
            positions += events.len();
            events.clear();
            positions
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
