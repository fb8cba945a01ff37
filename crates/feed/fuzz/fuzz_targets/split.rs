//! The check every target runs: framing arbitrary bytes must not panic, and pushing them in two
//! pieces (split at a point taken from the first two input bytes) must give exactly what one push
//! gives. Format detection must not panic either.

use std::fmt::Debug;
use vigia_feed::framer::{frame_all, Framer};

pub fn check_split<F, M>(make: M, data: &[u8])
where
    F: Framer,
    F::Item: PartialEq + Debug,
    M: Fn() -> F,
{
    let (selector, input) = match data {
        [high, low, rest @ ..] => (usize::from(*high) << 8 | usize::from(*low), rest),
        _ => (0, data),
    };
    let split = selector % (input.len() + 1);
    let whole = frame_all(make(), input);

    let mut framer = make();
    let mut pieces = Vec::new();
    framer.push(&input[..split]);
    pieces.extend(std::iter::from_fn(|| framer.next_item()));
    framer.push(&input[split..]);
    pieces.extend(std::iter::from_fn(|| framer.next_item()));
    framer.finish();
    pieces.extend(std::iter::from_fn(|| framer.next_item()));

    assert_eq!(whole, pieces, "split at {split}");
    let _ = vigia_feed::detect_format(input);
}
