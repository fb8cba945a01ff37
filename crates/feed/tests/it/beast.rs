//! Beast framing of the real dump1090 capture `sample_dump1090.bin`.

use crate::common::{assert_split_invariant, fixture, partition};
use vigia_feed::framer::{beast, frame_all, BeastFramer};
use vigia_feed::{FrameError, Location, RawFrame};

fn sample() -> Vec<u8> {
    fixture("sample_dump1090.bin")
}

#[test]
fn sample_has_239_frames_185_short_54_long() {
    // Counted independently (tests/data/make_derived.py walks the same file): 4 218 bytes,
    // 239 frames, 16 of them with an escaped 0x1a, no garbage.
    let (frames, errors) = partition(frame_all(BeastFramer::new(), &sample()));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(frames.len(), 239);
    assert_eq!(frames.iter().filter(|f| f.len == 7).count(), 185);
    assert_eq!(frames.iter().filter(|f| f.len == 14).count(), 54);
    assert!(frames
        .iter()
        .all(|f| f.ts.is_none() && f.mlat_ticks.is_some() && f.signal.is_some()));
    // MLAT counters of one receiver only go up
    assert!(frames.windows(2).all(|w| w[0].mlat_ticks < w[1].mlat_ticks));
}

#[test]
fn sample_frames_match_the_bytes() {
    let frames: Vec<RawFrame> = frame_all(BeastFramer::new(), &sample())
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    // 1a 32 | 00 00 15 a8 87 7e | 0d | 20 00 0c a8 f7 0a a7
    assert_eq!(frames[0].mlat_ticks, Some(0x15a8877e));
    assert_eq!(frames[0].signal, Some(0x0d));
    assert_eq!(
        frames[0].message(),
        [0x20, 0x00, 0x0c, 0xa8, 0xf7, 0x0a, 0xa7]
    );
    // 1a 32 | 00 00 15 be 1a 1a 0c | 0f | 02 e1 8c a8 f1 d2 ed: the escape is in the counter
    assert_eq!(frames[1].mlat_ticks, Some(0x15be1a0c));
    assert_eq!(
        frames[1].message(),
        [0x02, 0xe1, 0x8c, 0xa8, 0xf1, 0xd2, 0xed]
    );
    // the first long frame, at byte 0xe2: DF17 from 48520a
    let long = frames.iter().find(|f| f.len == 14).unwrap();
    assert_eq!(long.mlat_ticks, Some(0x177a9332));
    assert_eq!(long.signal, Some(0x06));
    assert_eq!(
        long.message(),
        [0x8d, 0x48, 0x52, 0x0a, 0xf8, 0x23, 0x00, 0x06, 0x00, 0x49, 0xb8, 0x98, 0xba, 0x5f]
    );
}

#[test]
fn sample_split_at_every_byte_equals_unsplit() {
    let input = sample();
    let items = assert_split_invariant(BeastFramer::new, &input, 0..=input.len());
    assert_eq!(items.len(), 239);
}

#[test]
fn re_encoding_the_sample_gives_the_same_bytes() {
    let input = sample();
    let encoded: Vec<u8> = frame_all(BeastFramer::new(), &input)
        .into_iter()
        .flat_map(|r| beast::encode(&r.unwrap()).unwrap())
        .collect();
    assert_eq!(encoded, input);
}

/// Byte offsets at which the sample's frames start.
fn frame_offsets(input: &[u8]) -> Vec<usize> {
    let mut offsets = Vec::new();
    let mut at = 0;
    for frame in frame_all(BeastFramer::new(), input) {
        offsets.push(at);
        at += beast::encode(&frame.unwrap()).unwrap().len();
    }
    offsets
}

#[test]
fn garbage_between_frames_is_counted_once_and_skipped() {
    let input = sample();
    let offsets = frame_offsets(&input);
    assert_eq!(offsets[10], 161);
    let mut corrupted = input.clone();
    corrupted.splice(161..161, *b"hello");
    let items = assert_split_invariant(
        BeastFramer::new,
        &corrupted,
        (150..200).chain([0, corrupted.len()]),
    );
    let (frames, errors) = partition(items);
    assert_eq!(frames.len(), 239);
    assert_eq!(
        errors,
        vec![FrameError::Garbage {
            at: Location::Offset(161),
            len: 5
        }]
    );
}

#[test]
fn unknown_type_truncation_and_bad_escape_lose_one_frame_each() {
    let input = sample();
    let offsets = frame_offsets(&input);
    let mut corrupted = input.clone();
    // frame 20 becomes a '4' frame
    corrupted[offsets[20] + 1] = b'4';
    // frame 30 is cut short: its last 5 bytes are dropped, so the next 0x1a arrives inside it
    let cut_end = offsets[31];
    corrupted.drain(cut_end - 5..cut_end);
    // the file ends in the middle of its last frame
    corrupted.truncate(corrupted.len() - 3);
    let items = assert_split_invariant(
        BeastFramer::new,
        &corrupted,
        (offsets[20]..offsets[21]).chain(offsets[30]..offsets[31]),
    );
    let (frames, errors) = partition(items);
    assert_eq!(frames.len(), 239 - 3);
    assert_eq!(
        errors,
        vec![
            FrameError::UnknownFrameType {
                at: Location::Offset(offsets[20] as u64),
                type_byte: b'4',
                len: (offsets[21] - offsets[20]) as u64,
            },
            FrameError::BadEscape {
                at: Location::Offset(offsets[30] as u64)
            },
            FrameError::Truncated {
                at: Location::Offset(offsets[238] as u64 - 5)
            },
        ]
    );
}

#[test]
fn random_bytes_never_panic_and_split_invariance_holds() {
    // Deterministic pseudo-random noise mixed with real frames (a linear congruential
    // generator keeps the test reproducible without a seed file).
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut noise = || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 56) as u8
    };
    let sample = sample();
    let mut input = Vec::new();
    for chunk in sample.chunks(97) {
        input.extend_from_slice(chunk);
        for _ in 0..(noise() % 8) {
            // bias towards the bytes that matter to the framer
            input.push(match noise() % 4 {
                0 => 0x1a,
                1 => b'1' + noise() % 4,
                _ => noise(),
            });
        }
    }
    let items = assert_split_invariant(BeastFramer::new, &input, 0..=input.len());
    let (frames, _) = partition(items);
    assert!(frames.len() > 150, "{}", frames.len());
}
