//! Framing throughput on the shared corpus `tests/data/long_flight.csv.zst` (172 432 real frames,
//! see that folder's README): the hex-line framer on the `timestamp,hex` text, the Beast framer on
//! the same frames re-encoded as Beast binary, and the whole reader (chunked reads + framing).
//!
//! Run with `cargo bench -p vigia-feed --bench framing`; throughput is reported in frames/s.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use std::time::Duration;
use vigia_feed::framer::{beast, frame_all, BeastFramer, Framer, HexFramer};
use vigia_feed::{Format, RecordReader};

fn corpus() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/long_flight.csv.zst"
    );
    let compressed =
        std::fs::read(path).expect("tests/data/long_flight.csv.zst at the workspace root");
    zstd::decode_all(&compressed[..]).unwrap()
}

/// Push `input` in 64 KiB chunks (as the reader does) and count the frames.
fn frame_chunked<F: Framer>(mut framer: F, input: &[u8]) -> usize {
    let mut frames = 0;
    for chunk in input.chunks(64 * 1024) {
        framer.push(chunk);
        while let Some(item) = framer.next_item() {
            frames += usize::from(item.is_ok());
        }
    }
    framer.finish();
    while let Some(item) = framer.next_item() {
        frames += usize::from(item.is_ok());
    }
    frames
}

fn framing(c: &mut Criterion) {
    // 'static so the reader (which owns its source) can borrow it without a copy per iteration
    let text: &'static [u8] = Box::leak(corpus().into_boxed_slice());
    let frames: Vec<_> = frame_all(HexFramer::new(), text)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let count = frames.len();
    assert_eq!(count, 172_432);
    let binary: Vec<u8> = frames
        .iter()
        .flat_map(|f| beast::encode(f).unwrap())
        .collect();

    let mut group = c.benchmark_group("framing");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .throughput(Throughput::Elements(count as u64));
    group.bench_function("hex_lines", |b| {
        b.iter(|| assert_eq!(frame_chunked(HexFramer::new(), black_box(text)), count))
    });
    group.bench_function("beast_binary", |b| {
        b.iter(|| assert_eq!(frame_chunked(BeastFramer::new(), black_box(&binary)), count))
    });
    group.bench_function("reader_hex", |b| {
        b.iter(|| {
            let source = std::io::Cursor::new(black_box(text));
            let reader = RecordReader::new("bench", source, Some(Format::Hex)).unwrap();
            assert_eq!(reader.filter(Result::is_ok).count(), count)
        })
    });
    group.finish();
}

criterion_group!(benches, framing);
criterion_main!(benches);
