//! Fuzz the Parquet trajectory reader: arbitrary bytes read as a Parquet file, every row
//! drained. Seeded with the pyarrow-written fixtures, mutations reach footers, page headers,
//! encodings and codecs.
//!
//! The parquet crate panics on some malformed pages (for example "Decoder for dict should have
//! been set"); vigia's reader catches those panics and reports the rows as unreadable, and this
//! target checks exactly that: a panic raised inside the parquet crate is let through to the
//! reader's guard, any other panic (in vigia's own code, or one that escapes the guard) aborts.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;
use vigia_feed::{Format, RecordReader};

static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_decoder = info
                .location()
                .is_some_and(|l| l.file().contains("/parquet-"));
            if !in_decoder {
                fuzzer_hook(info);
            }
        }));
    });
    let source = std::io::Cursor::new(data.to_vec());
    if let Ok(reader) = RecordReader::new("fuzz.parquet", source, Some(Format::Parquet)) {
        for item in reader {
            let _ = item;
        }
    }
});
