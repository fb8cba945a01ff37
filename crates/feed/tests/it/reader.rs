//! `open` / `RecordReader` on the fixtures: format detection, decompression, counters, errors.

use crate::common::{fixture, fixture_path};
use std::io::Write;
use std::path::PathBuf;
use vigia_feed::{open, ErrorKind, FeedError, Format, Record, RecordReader};

#[test]
fn every_fixture_is_detected_and_read() {
    let cases = [
        ("sample_dump1090.bin", Format::Beast, 239),
        ("long_flight_head.csv", Format::Hex, 500),
        ("sample_dump1090.avr", Format::Avr, 239),
        ("trace_ac671b.sbs", Format::Sbs, 726),
        ("trace_full_ac671b.json", Format::ReadsbTrace, 2500),
        ("aircraft.json", Format::ReadsbAircraft, 3),
        ("calibration_guatemala_head.csv", Format::TrajectoryCsv, 200),
        (
            "calibration_guatemala_opensky.csv",
            Format::TrajectoryCsv,
            50,
        ),
        ("calibration_guatemala_opensky.parquet", Format::Parquet, 50),
    ];
    for (name, format, records) in cases {
        let mut reader = open(&fixture_path(name), None).unwrap();
        assert_eq!(reader.format(), format, "{name}");
        assert_eq!(
            reader.by_ref().filter(Result::is_ok).count(),
            records,
            "{name}"
        );
        let stats = reader.stats();
        assert_eq!(
            (stats.records(), stats.rejected_total()),
            (records as u64, 0),
            "{name}"
        );
        assert_eq!(stats.bytes(), fixture(name).len() as u64, "{name}");
        assert_eq!(stats.frames() > 0, format.yields_frames(), "{name}");
    }
}

/// A file in a fresh temporary folder, removed with it.
struct TempFile {
    dir: PathBuf,
    path: PathBuf,
}

impl TempFile {
    fn new(name: &str, bytes: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("vigia-feed-it-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        Self { dir, path }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn gzip_and_zstd_by_extension_and_by_magic() {
    let plain: Vec<Record> = open(&fixture_path("sample_dump1090.bin"), None)
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let raw = fixture("sample_dump1090.bin");
    let files = [
        TempFile::new("capture.bin.gz", &gzip(&raw)),
        TempFile::new("capture.bin.zst", &zstd::encode_all(&raw[..], 3).unwrap()),
        // misnamed: recognised by magic bytes
        TempFile::new("capture.gz.bin", &gzip(&raw)),
        TempFile::new("capture-zst.bin", &zstd::encode_all(&raw[..], 3).unwrap()),
    ];
    for file in &files {
        let records: Vec<Record> = open(&file.path, None)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(records, plain, "{}", file.path.display());
    }
}

#[test]
fn corrupt_gzip_reports_a_read_error_naming_the_file() {
    let mut compressed = gzip(&fixture("long_flight_head.csv"));
    let middle = compressed.len() / 2;
    compressed.truncate(middle);
    let file = TempFile::new("cut.csv.gz", &compressed);
    let items: Vec<_> = open(&file.path, Some(Format::Hex)).unwrap().collect();
    let errors: Vec<&FeedError> = items.iter().filter_map(|r| r.as_ref().err()).collect();
    let read_error = errors
        .iter()
        .find(|e| matches!(e, FeedError::Read { .. }))
        .expect("a read error");
    assert!(read_error
        .to_string()
        .starts_with(&format!("{}: read failed after", file.path.display())));
    // everything decompressed before the cut was delivered
    assert!(items.iter().filter(|r| r.is_ok()).count() > 100);
}

#[test]
fn errors_carry_the_input_name_and_are_counted_by_kind() {
    let mut input = fixture("sample_dump1090.bin");
    input.splice(0..0, *b"junk");
    input.extend_from_slice(&[0x1a, b'3', 0, 0]);
    let mut reader = RecordReader::new(
        "receiver-1",
        std::io::Cursor::new(input),
        Some(Format::Beast),
    )
    .unwrap();
    let errors: Vec<String> = reader
        .by_ref()
        .filter_map(|r| r.err())
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errors,
        [
            "receiver-1: byte 0: 4 bytes of garbage between frames skipped",
            "receiver-1: byte 4222: input ends inside a frame"
        ]
    );
    let stats = reader.stats();
    assert_eq!(stats.frames(), 239);
    assert_eq!(stats.rejected(ErrorKind::Garbage), 1);
    assert_eq!(stats.rejected(ErrorKind::Truncated), 1);
    assert_eq!(
        stats.rejected_by_kind().collect::<Vec<_>>(),
        [(ErrorKind::Garbage, 1), (ErrorKind::Truncated, 1)]
    );
}

/// A reader that produces `lines` copies of one hex line without holding them in memory.
struct Generated {
    line: &'static [u8],
    remaining: usize,
    at: usize,
}

impl std::io::Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut n = 0;
        while n < buf.len() && self.remaining > 0 {
            let take = (self.line.len() - self.at).min(buf.len() - n);
            buf[n..n + take].copy_from_slice(&self.line[self.at..self.at + take]);
            n += take;
            self.at += take;
            if self.at == self.line.len() {
                self.at = 0;
                self.remaining -= 1;
            }
        }
        Ok(n)
    }
}

#[test]
fn a_long_stream_is_read_in_constant_memory() {
    // 1 000 000 lines (47 MB): the reader must not accumulate them; it reads fixed chunks.
    let source = Generated {
        line: b"1698140962.171425,1a33000023bb50f025903907dbc1b50fca1ad701efd570\n",
        remaining: 1_000_000,
        at: 0,
    };
    let mut reader = RecordReader::new("generated", source, None).unwrap();
    let count = reader.by_ref().filter(Result::is_ok).count();
    assert_eq!(count, 1_000_000);
    assert!(
        reader.buffered_capacity() < 256 * 1024,
        "{}",
        reader.buffered_capacity()
    );
}
