//! AVR framing of `sample_dump1090.avr`, the real Beast capture rewritten as AVR lines.

use crate::common::{assert_split_invariant, fixture, partition};
use vigia_feed::framer::{frame_all, AvrFramer, BeastFramer};
use vigia_feed::{FrameError, Location, RawFrame};

#[test]
fn avr_lines_carry_the_same_frames_as_the_binary_capture() {
    let from_binary: Vec<RawFrame> = frame_all(BeastFramer::new(), &fixture("sample_dump1090.bin"))
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let (from_avr, errors) =
        partition(frame_all(AvrFramer::new(), &fixture("sample_dump1090.avr")));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(from_avr.len(), 239);
    // make_derived.py writes frame k with '@' (counter) when k % 3 == 0, '<' (counter and
    // signal) when k % 3 == 1, '*' (message only) when k % 3 == 2
    for (k, (avr, binary)) in from_avr.iter().zip(&from_binary).enumerate() {
        assert_eq!(avr.message(), binary.message(), "frame {k}");
        let expected = match k % 3 {
            0 => (binary.mlat_ticks, None),
            1 => (binary.mlat_ticks, binary.signal),
            _ => (None, None),
        };
        assert_eq!((avr.mlat_ticks, avr.signal), expected, "frame {k}");
    }
}

#[test]
fn avr_split_at_every_byte_equals_unsplit() {
    let input = fixture("sample_dump1090.avr");
    let items = assert_split_invariant(AvrFramer::new, &input, 0..=input.len());
    assert_eq!(items.len(), 239);
}

#[test]
fn bad_avr_lines_are_counted_and_skipped() {
    let text = String::from_utf8(fixture("sample_dump1090.avr")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[0] = lines[0].replacen('@', "!", 1); // unknown prefix
    lines[1] = lines[1].replace(';', ""); // no terminator
    lines[2] = lines[2].replacen('2', "Z", 1); // non-hex in the message
    lines[3] = lines[3].replacen('0', "Q", 1); // non-hex in the counter
    lines[4] = lines[4].replace(";", "00;"); // wrong length
    lines[5] = "\u{0}\u{1}binary junk".into();
    let input = lines.join("\n") + "\n*8D48";
    let items = assert_split_invariant(AvrFramer::new, input.as_bytes(), 0..=input.len());
    let (frames, errors) = partition(items);
    assert_eq!(frames.len(), 239 - 6);
    let line = Location::Line;
    assert_eq!(
        errors,
        vec![
            FrameError::Unrecognised { at: line(1) },
            FrameError::Unrecognised { at: line(2) },
            FrameError::InvalidHex { at: line(3) },
            FrameError::BadTimestamp { at: line(4) },
            FrameError::BadLength {
                at: line(5),
                digits: 16
            },
            FrameError::Unrecognised { at: line(6) },
            FrameError::Truncated { at: line(240) },
        ]
    );
}
