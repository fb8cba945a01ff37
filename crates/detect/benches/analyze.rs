//! End-to-end detection throughput: the real Beast corpus (frames already in memory) through
//! decode → track → zones (MEX, USA) → detectors, single thread.
//!
//! `cargo bench -p vigia-detect --bench analyze`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use vigia_detect::identity::IdentityResolver;
use vigia_detect::{Analyzer, AnalyzerConfig};
use vigia_track::{Tracker, TrackerConfig};
use vigia_zones::{ZoneIndex, ZoneSet};

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
        .map(|l| {
            let (ts, hex) = l.split_once(',').unwrap();
            let hex = &hex[18..];
            let bytes = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            (ts.parse().unwrap(), bytes)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let frames = corpus();
    let zones = Arc::new(ZoneIndex::new(&ZoneSet::parse_spec("MEX,USA").unwrap()));
    zones.prepare_distances();
    let mut group = c.benchmark_group("analyze_corpus");
    group.throughput(Throughput::Elements(frames.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("decode_track_zones_detect", |b| {
        b.iter(|| {
            let mut tracker = Tracker::new(TrackerConfig::default());
            let mut analyzer = Analyzer::new(
                zones.clone(),
                IdentityResolver::new(None),
                AnalyzerConfig::default(),
            );
            let (mut te, mut ev) = (Vec::new(), Vec::new());
            for (ts, f) in &frames {
                tracker.push_frame(*ts, f, &mut te);
                for e in te.drain(..) {
                    analyzer.push(&e, &mut ev);
                }
            }
            tracker.finish(&mut te);
            for e in te.drain(..) {
                analyzer.push(&e, &mut ev);
            }
            black_box(ev.len())
        })
    });
    group.bench_function("decode_only", |b| {
        b.iter(|| {
            frames
                .iter()
                .filter(|(_, f)| black_box(vigia_modes::decode(f)).is_ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
