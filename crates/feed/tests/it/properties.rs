//! Property tests over every framer: a real fixture with random bytes inserted at a random place,
//! pushed in random pieces, frames exactly as in one push — and never panics.

use crate::common::fixture;
use proptest::prelude::*;
use proptest::sample::Index;
use std::fmt::Debug;
use vigia_feed::framer::{
    frame_all, AvrFramer, BeastFramer, Framer, HexFramer, ReadsbAircraftFramer, ReadsbTraceFramer,
    SbsFramer, TrajectoryCsvFramer,
};

/// `base` with `noise` inserted at `at`, framed in one push and in pieces cut at `cuts`.
fn noisy_pieces_equal_one_push<F, M>(
    make: M,
    base: &[u8],
    noise: &[u8],
    at: Index,
    cuts: &[Index],
) -> Result<(), TestCaseError>
where
    F: Framer,
    F::Item: PartialEq + Debug,
    M: Fn() -> F,
{
    let at = at.index(base.len() + 1);
    let input = [&base[..at], noise, &base[at..]].concat();
    let expected = frame_all(make(), &input);
    let mut points: Vec<usize> = cuts.iter().map(|c| c.index(input.len() + 1)).collect();
    points.sort_unstable();
    let mut framer = make();
    let mut got = Vec::new();
    let mut from = 0;
    for point in points {
        framer.push(&input[from..point]);
        got.extend(std::iter::from_fn(|| framer.next_item()));
        from = point;
    }
    framer.push(&input[from..]);
    got.extend(std::iter::from_fn(|| framer.next_item()));
    framer.finish();
    got.extend(std::iter::from_fn(|| framer.next_item()));
    prop_assert_eq!(got, expected);
    Ok(())
}

/// The first `bytes` of a fixture.
fn head(name: &str, bytes: usize) -> Vec<u8> {
    let mut data = fixture(name);
    data.truncate(bytes);
    data
}

/// The real trace cut to its first 40 points, still a valid document.
fn short_trace() -> Vec<u8> {
    let mut trace: serde_json::Value =
        serde_json::from_slice(&fixture("trace_full_ac671b.json")).unwrap();
    trace["trace"].as_array_mut().unwrap().truncate(40);
    let bytes = serde_json::to_vec_pretty(&trace).unwrap();
    assert_eq!(
        frame_all(ReadsbTraceFramer::new(), &bytes)
            .iter()
            .filter(|r| r.is_ok())
            .count(),
        40
    );
    bytes
}

/// Noise that is mostly the bytes each format cares about.
fn noise() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            any::<u8>(),
            Just(0x1a),
            Just(b'\n'),
            Just(b','),
            Just(b';'),
            Just(b'"'),
            Just(b'{'),
            Just(b']'),
            (b'0'..=b'9'),
            (b'a'..=b'f'),
        ],
        0..48,
    )
}

fn cuts() -> impl Strategy<Value = Vec<Index>> {
    proptest::collection::vec(any::<Index>(), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn beast(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(BeastFramer::new, &fixture("sample_dump1090.bin"), &noise, at, &cuts)?;
    }

    #[test]
    fn hex(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(HexFramer::new, &head("long_flight_head.csv", 3000), &noise, at, &cuts)?;
    }

    #[test]
    fn avr(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(AvrFramer::new, &head("sample_dump1090.avr", 3000), &noise, at, &cuts)?;
    }

    #[test]
    fn sbs(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(SbsFramer::new, &head("trace_ac671b.sbs", 3000), &noise, at, &cuts)?;
    }

    #[test]
    fn trajectory_csv(noise in noise(), at: Index, cuts in cuts(), opensky: bool) {
        let name = if opensky { "calibration_guatemala_opensky.csv" } else { "calibration_guatemala_head.csv" };
        noisy_pieces_equal_one_push(TrajectoryCsvFramer::new, &head(name, 3000), &noise, at, &cuts)?;
    }

    #[test]
    fn readsb_aircraft(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(ReadsbAircraftFramer::new, &fixture("aircraft.json"), &noise, at, &cuts)?;
    }

    #[test]
    fn readsb_trace(noise in noise(), at: Index, cuts in cuts()) {
        noisy_pieces_equal_one_push(ReadsbTraceFramer::new, &short_trace(), &noise, at, &cuts)?;
    }
}
