//! Decoding throughput on the real corpus: vigia-modes against rs1090 0.7.0, same run,
//! single thread, frames already in memory as bytes.
//!
//! `cargo bench -p vigia-modes --bench decode`
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::io::Read;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use rs1090::prelude::*;

/// All corpus frames (Mode S messages, Beast header stripped), back to back, with lengths.
fn corpus() -> (Vec<u8>, Vec<u8>) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/long_flight.csv.zst"
    );
    let mut text = String::new();
    zstd::Decoder::new(std::fs::File::open(path).unwrap())
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let mut bytes = Vec::new();
    let mut lens = Vec::new();
    for line in text.lines() {
        let hex = &line.split_once(',').unwrap().1[18..];
        for i in (0..hex.len()).step_by(2) {
            bytes.push(u8::from_str_radix(&hex[i..i + 2], 16).unwrap());
        }
        lens.push((hex.len() / 2) as u8);
    }
    (bytes, lens)
}

fn frames<'a>(bytes: &'a [u8], lens: &'a [u8]) -> impl Iterator<Item = &'a [u8]> {
    let mut at = 0;
    lens.iter().map(move |&n| {
        let f = &bytes[at..at + n as usize];
        at += n as usize;
        f
    })
}

fn bench(c: &mut Criterion) {
    let (bytes, lens) = corpus();
    let mut group = c.benchmark_group("decode_corpus");
    group.throughput(Throughput::Elements(lens.len() as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("vigia", |b| {
        b.iter(|| {
            let mut ok = 0u32;
            for f in frames(&bytes, &lens) {
                ok += u32::from(black_box(vigia_modes::decode(f)).is_ok());
            }
            ok
        })
    });
    group.bench_function("rs1090", |b| {
        b.iter(|| {
            let mut ok = 0u32;
            for f in frames(&bytes, &lens) {
                ok += u32::from(black_box(Message::from_bytes((f, 0))).is_ok());
            }
            ok
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
