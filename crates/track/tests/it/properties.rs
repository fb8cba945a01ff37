//! Invariants: the same flights and positions however the input is chunked, and however
//! records are interleaved within the reordering window.

use std::io::Read;

use proptest::prelude::*;

use crate::support::{by_aircraft, corpus_frames, data, TOULOUSE};
use vigia_feed::RecordReader;
use vigia_track::{SourceRef, TrackEvent, Tracker, TrackerConfig};

/// A reader that hands out its bytes in the given chunk sizes (cycled).
struct Chunked {
    bytes: Vec<u8>,
    at: usize,
    sizes: Vec<usize>,
    turn: usize,
}

impl Read for Chunked {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let size = self.sizes[self.turn % self.sizes.len()].max(1);
        self.turn += 1;
        let n = size.min(buf.len()).min(self.bytes.len() - self.at);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn track_reader(reader: RecordReader, drain_every: usize) -> Vec<TrackEvent> {
    let mut tracker = Tracker::new(TrackerConfig::default());
    let mut events = Vec::new();
    let mut all = Vec::new();
    for (i, record) in reader.enumerate() {
        let source = SourceRef {
            input: 0,
            record: i as u64 + 1,
            line: None,
            row: None,
        };
        tracker.push_record(&record.unwrap(), source, &mut events);
        if i % drain_every == 0 {
            all.append(&mut events);
        }
    }
    tracker.finish(&mut events);
    all.append(&mut events);
    all
}

fn csv_bytes() -> Vec<u8> {
    let mut bytes = Vec::new();
    zstd::Decoder::new(std::fs::File::open(data("calibration_vancouver.csv.zst")).unwrap())
        .unwrap()
        .read_to_end(&mut bytes)
        .unwrap();
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn chunked_input_gives_the_same_flights(
        sizes in prop::collection::vec(1usize..5000, 1..8),
        drain_every in 1usize..500,
    ) {
        let bytes = csv_bytes();
        let whole = track_reader(RecordReader::new("whole", std::io::Cursor::new(bytes.clone()), None).unwrap(), usize::MAX);
        let chunked = Chunked { bytes, at: 0, sizes, turn: 0 };
        let streamed = track_reader(RecordReader::new("chunked", chunked, None).unwrap(), drain_every);
        prop_assert_eq!(whole, streamed);
    }
}

/// The corpus frames of the first 40 minutes (most of the flight's climb and the ground
/// traffic at Toulouse).
fn corpus_head() -> Vec<(f64, Vec<u8>)> {
    let frames = corpus_frames();
    let start = frames[0].0;
    frames
        .into_iter()
        .take_while(|(ts, _)| *ts < start + 2400.0)
        .collect()
}

fn track(frames: &[(f64, Vec<u8>)]) -> Vec<TrackEvent> {
    let mut tracker = Tracker::new(TrackerConfig {
        receiver: Some(TOULOUSE),
        ..TrackerConfig::default()
    });
    let mut events = Vec::new();
    for (ts, message) in frames {
        tracker.push_frame(*ts, message, &mut events);
    }
    tracker.finish(&mut events);
    events
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn jitter_within_the_window_changes_nothing(seed in any::<u64>()) {
        let frames = corpus_head();
        // Each frame is delayed by up to 1.9 s (frames with equal times together), as frames
        // merged from receivers with different latencies would be.
        let mut state = seed | 1;
        let mut delays = Vec::with_capacity(frames.len());
        let mut previous_ts = f64::NAN;
        let mut delay = 0.0;
        for (ts, _) in &frames {
            if *ts != previous_ts {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                delay = (state % 1900) as f64 / 1000.0;
                previous_ts = *ts;
            }
            delays.push(delay);
        }
        let mut order: Vec<usize> = (0..frames.len()).collect();
        order.sort_by(|&a, &b| (frames[a].0 + delays[a]).total_cmp(&(frames[b].0 + delays[b])));
        let jittered: Vec<_> = order.iter().map(|&i| frames[i].clone()).collect();
        prop_assert_ne!(&jittered, &frames);
        let expected = by_aircraft(&track(&frames));
        let got = by_aircraft(&track(&jittered));
        prop_assert_eq!(expected, got);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// For any input made of a real flight with spoofed stretches (any length, any offset,
    /// any direction), displaced single rows and a shifted replay, every pair of consecutive
    /// trusted positions of one flight and segment is physically possible.
    #[test]
    fn consecutive_trusted_positions_are_always_plausible(
        stretches in proptest::collection::vec((0usize..1500, 1usize..80, 1.0f64..400.0, 0.0f64..360.0), 1..4),
        singles in proptest::collection::vec((0usize..1500, 5.0f64..300.0), 0..6),
        replay in proptest::option::of((0usize..1400, 10usize..60, -600.0f64..600.0)),
    ) {
        use crate::support::{displaced, rows, track_rows};
        let clean = rows("calibration_kingston.csv.zst");
        let mut input = clean.clone();
        let n = input.len();
        for (from, len, offset_nm, bearing) in stretches {
            for row in &mut input[from.min(n - 1)..(from + len).min(n)] {
                let (lat, lon) = displaced(
                    row.state.latitude.unwrap(),
                    row.state.longitude.unwrap(),
                    offset_nm * 1852.0,
                    bearing,
                );
                row.state.latitude = Some(lat);
                row.state.longitude = Some(lon);
            }
        }
        for (at, offset_nm) in singles {
            let row = &mut input[at.min(n - 1)];
            let (lat, lon) =
                displaced(row.state.latitude.unwrap(), row.state.longitude.unwrap(), offset_nm * 1852.0, 90.0);
            row.state.latitude = Some(lat);
            row.state.longitude = Some(lon);
        }
        if let Some((from, len, shift)) = replay {
            let copies: Vec<_> = clean[from..(from + len).min(n)]
                .iter()
                .map(|r| {
                    let mut c = *r;
                    c.state.ts = Some(r.state.ts.unwrap() + shift);
                    c
                })
                .collect();
            input.extend(copies);
            input.sort_by(|a, b| a.state.ts.unwrap().total_cmp(&b.state.ts.unwrap()));
        }
        let events = track_rows(&input, TrackerConfig::default());
        crate::faults::assert_segments_plausible(&events, "spoofed input");
    }
}
