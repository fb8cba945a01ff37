//! The real Beast corpus (rs1090 0.7.0 `long_flight.csv`, see tests/data/README.md).

use std::io::Read;

/// One corpus line: receive time and the Mode S message bytes (Beast header stripped).
pub struct CorpusFrame {
    /// Receive timestamp, seconds.
    pub ts: f64,
    /// The Mode S message, 7 or 14 bytes (Mode A/C frames are skipped).
    pub bytes: Vec<u8>,
}

/// Load all frames of the corpus.
pub fn load() -> Vec<CorpusFrame> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/data/long_flight.csv.zst"
    );
    let file = std::fs::File::open(path).expect("corpus present");
    let mut text = String::new();
    zstd::Decoder::new(file)
        .expect("zstd")
        .read_to_string(&mut text)
        .expect("utf-8 corpus");
    text.lines()
        .filter_map(|line| {
            let (ts, hex) = line.split_once(',')?;
            // 1a | type | 6-byte MLAT counter | signal | message
            let msg = hex.get(18..)?;
            let bytes: Vec<u8> = (0..msg.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&msg[i..i + 2], 16))
                .collect::<Result<_, _>>()
                .ok()?;
            let ts = ts.parse().ok()?;
            (bytes.len() == 7 || bytes.len() == 14).then_some(CorpusFrame { ts, bytes })
        })
        .collect()
}
