//! Hex-line framing of real `timestamp,beast-hex` lines (rs1090's long_flight.csv).

use crate::common::{assert_split_invariant, fixture, partition};
use vigia_feed::framer::{beast, frame_all, BeastFramer, HexFramer};
use vigia_feed::{FrameError, Location, RawFrame};

fn head() -> Vec<u8> {
    fixture("long_flight_head.csv")
}

#[test]
fn head_has_500_frames_435_long_65_short() {
    // `cut -d, -f2 long_flight_head.csv | cut -c1-4 | sort | uniq -c`: 435 × 1a33, 65 × 1a32
    let (frames, errors) = partition(frame_all(HexFramer::new(), &head()));
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(frames.len(), 500);
    assert_eq!(frames.iter().filter(|f| f.len == 14).count(), 435);
    assert_eq!(frames.iter().filter(|f| f.len == 7).count(), 65);
    assert!(frames
        .iter()
        .all(|f| f.ts.is_some() && f.mlat_ticks.is_some() && f.signal.is_some()));
    // first line: 1698140962.119813,1a32 000023b1dda0 11 210000bd6b441a
    assert_eq!(frames[0].ts, Some(1698140962.119813));
    assert_eq!(frames[0].mlat_ticks, Some(0x23b1dda0));
    assert_eq!(frames[0].signal, Some(0x11));
    assert_eq!(
        frames[0].message(),
        [0x21, 0x00, 0x00, 0xbd, 0x6b, 0x44, 0x1a]
    );
    // receive times are in order in this file
    assert!(frames.windows(2).all(|w| w[0].ts <= w[1].ts));
}

#[test]
fn timestamps_equal_the_standard_parser() {
    let text = String::from_utf8(head()).unwrap();
    let frames = frame_all(HexFramer::new(), text.as_bytes());
    for (line, frame) in text.lines().zip(frames) {
        let expected: f64 = line.split(',').next().unwrap().parse().unwrap();
        assert_eq!(frame.unwrap().ts, Some(expected), "{line}");
    }
}

#[test]
fn hex_frames_equal_the_same_frames_as_beast_binary() {
    let from_hex: Vec<RawFrame> = frame_all(HexFramer::new(), &head())
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let binary: Vec<u8> = from_hex
        .iter()
        .flat_map(|f| beast::encode(f).unwrap())
        .collect();
    let from_binary: Vec<RawFrame> = frame_all(BeastFramer::new(), &binary)
        .into_iter()
        .map(|r| r.unwrap())
        .collect();
    let without_ts: Vec<RawFrame> = from_hex
        .iter()
        .map(|f| RawFrame { ts: None, ..*f })
        .collect();
    assert_eq!(from_binary, without_ts);
    // some messages hold 0x1a, which the hex form leaves unescaped and the binary form doubles
    assert!(
        binary.len()
            > from_hex
                .iter()
                .map(|f| 9 + f.message().len())
                .sum::<usize>()
    );
}

#[test]
fn head_split_anywhere_equals_unsplit() {
    let input = head();
    // every point of the first 8 KiB, every 7th point after
    let splits = (0..8192).chain((8192..=input.len()).step_by(7));
    let items = assert_split_invariant(HexFramer::new, &input, splits);
    assert_eq!(items.len(), 500);
}

#[test]
fn bad_lines_are_counted_located_and_skipped() {
    let text = String::from_utf8(head()).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[9] = lines[9].replace('a', "g"); // line 10: non-hex
    lines[19].truncate(40); // line 20: wrong length
    lines[29] = lines[29].replacen('.', ":", 1); // line 30: bad timestamp
    lines[39] = format!("{}00", lines[39]); // line 40: length matches no frame type
    lines.insert(49, "#comment line".into()); // line 50: skipped silently
    lines.insert(59, String::new()); // line 60: blank, skipped
    lines.last_mut().unwrap().truncate(30); // last line, without newline: truncated
    let input = lines.join("\n");
    let items = assert_split_invariant(
        HexFramer::new,
        input.as_bytes(),
        (0..input.len()).step_by(13),
    );
    let (frames, errors) = partition(items);
    assert_eq!(frames.len(), 495);
    let line = Location::Line;
    assert_eq!(
        errors,
        vec![
            FrameError::InvalidHex { at: line(10) },
            FrameError::BadLength {
                at: line(20),
                digits: 22
            },
            FrameError::BadTimestamp { at: line(30) },
            FrameError::BadLength {
                at: line(40),
                digits: 48
            },
            FrameError::Truncated { at: line(502) },
        ]
    );
}

#[test]
fn the_whole_long_flight_file_frames_cleanly() {
    // The workspace's shared corpus (tests/data at the root, see its README): 172 432 frames,
    // 71 639 short and 100 793 long, counted with awk on the file.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/long_flight.csv.zst");
    let reader = vigia_feed::open(&path, None).unwrap();
    assert_eq!(reader.format(), vigia_feed::Format::Hex);
    let mut short = 0;
    let mut long = 0;
    let mut reader = reader;
    for record in reader.by_ref() {
        match record.unwrap() {
            vigia_feed::Record::Frame(frame) if frame.len == 7 => short += 1,
            vigia_feed::Record::Frame(frame) if frame.len == 14 => long += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((short, long), (71_639, 100_793));
    assert_eq!(reader.stats().frames(), 172_432);
    assert_eq!(reader.stats().rejected_total(), 0);
    assert_eq!(reader.stats().bytes(), 10_186_581);
}
