//! The real decoded flights (traffic 2.13 samples, OpenSky data; provenance in
//! crates/track/tests/data/README.md), read into per-aircraft sample lists.

use std::collections::BTreeMap;
use std::io::Read;

use vigia_detect::sample::Sample;

/// Flights of one file, keyed by `icao24`, samples in time order.
pub fn load(name: &str) -> BTreeMap<String, Vec<Sample>> {
    let path = format!(
        "{}/../track/tests/data/{name}.csv.zst",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = String::new();
    zstd::Decoder::new(std::fs::File::open(&path).expect(&path))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().trim().split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (t, a, la, lo, al) = (
        col("timestamp"),
        col("icao24"),
        col("latitude"),
        col("longitude"),
        col("altitude"),
    );
    let mut out: BTreeMap<String, Vec<Sample>> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.trim().split(',').collect();
        let (Ok(ts), Ok(lat), Ok(lon)) = (
            f[t].parse::<f64>(),
            f[la].parse::<f64>(),
            f[lo].parse::<f64>(),
        ) else {
            continue;
        };
        out.entry(f[a].to_string()).or_default().push(Sample {
            ts,
            lat,
            lon,
            altitude_ft: f[al].parse().ok(),
            segment: 0,
        });
    }
    for v in out.values_mut() {
        v.sort_by(|x, y| x.ts.total_cmp(&y.ts));
    }
    out
}
