//! Fixture loading and the split-invariance check shared by the framer tests.

use std::fmt::Debug;
use std::path::PathBuf;
use vigia_feed::framer::{frame_all, Framer};
use vigia_feed::FrameError;

/// Path of a fixture in `tests/data`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// The bytes of a fixture in `tests/data`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).expect(name)
}

/// Feed `input` to a fresh framer split at `split` (two pushes, draining after each).
pub fn frame_split<F: Framer>(
    mut framer: F,
    input: &[u8],
    split: usize,
) -> Vec<Result<F::Item, FrameError>> {
    let mut out = Vec::new();
    framer.push(&input[..split]);
    out.extend(std::iter::from_fn(|| framer.next_item()));
    framer.push(&input[split..]);
    out.extend(std::iter::from_fn(|| framer.next_item()));
    framer.finish();
    out.extend(std::iter::from_fn(|| framer.next_item()));
    out
}

/// Feed `input` one byte per push.
pub fn frame_bytewise<F: Framer>(mut framer: F, input: &[u8]) -> Vec<Result<F::Item, FrameError>> {
    let mut out = Vec::new();
    for byte in input.chunks(1) {
        framer.push(byte);
        out.extend(std::iter::from_fn(|| framer.next_item()));
    }
    framer.finish();
    out.extend(std::iter::from_fn(|| framer.next_item()));
    out
}

/// Assert that splitting `input` at each of `splits`, and pushing it byte by byte, gives the
/// same items as one push; returns the unsplit items.
pub fn assert_split_invariant<F, M>(
    make: M,
    input: &[u8],
    splits: impl IntoIterator<Item = usize>,
) -> Vec<Result<F::Item, FrameError>>
where
    F: Framer,
    F::Item: PartialEq + Debug,
    M: Fn() -> F,
{
    let expected = frame_all(make(), input);
    for split in splits {
        let got = frame_split(make(), input, split);
        assert!(got == expected, "output differs when split at byte {split}");
    }
    assert!(
        frame_bytewise(make(), input) == expected,
        "output differs when pushed byte by byte"
    );
    expected
}

/// Split the items into successes and errors.
pub fn partition<T>(items: Vec<Result<T, FrameError>>) -> (Vec<T>, Vec<FrameError>) {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        match item {
            Ok(value) => ok.push(value),
            Err(error) => errors.push(error),
        }
    }
    (ok, errors)
}
