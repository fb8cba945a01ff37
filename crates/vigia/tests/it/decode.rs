//! `vigia decode` on real captures and on bad input.

use serde_json::Value;

use super::{vigia, vigia_stdin};

fn rows(stdout: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn decodes_the_whole_real_corpus() {
    let out = vigia(&["decode", "--stats", "tests/data/long_flight.csv.zst"]);
    assert!(out.status.success());
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 172_432);
    // Every row has the three keys that are always there.
    assert!(rows
        .iter()
        .all(|r| r["ts"].is_f64() && r["icao24"].is_string() && r["df"].is_u64()));
    // The flight's positions resolve once it is airborne (global CPR pairs).
    let positions = rows.iter().filter(|r| r.get("latitude").is_some()).count();
    assert!(positions > 9_000, "{positions} positions");
    let callsigns: std::collections::BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.get("callsign")?.as_str())
        .collect();
    assert!(callsigns.contains("AFR76LT"), "{callsigns:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("frames read 172432, decoded 172432, crc-rejected 0, malformed 0"),
        "{stderr}"
    );
}

#[test]
fn decodes_a_real_beast_capture() {
    let out = vigia(&[
        "decode",
        "--stats",
        "crates/feed/tests/data/sample_dump1090.bin",
    ]);
    assert!(out.status.success());
    let rows = rows(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 239 frames in the capture (see crates/feed/tests/data/README.md); those that fail parity
    // are counted, not written.
    assert!(stderr.contains("frames read 239"), "{stderr}");
    assert!(!rows.is_empty() && rows.len() <= 239);
    // Beast binary carries no wall-clock time: ts is null.
    assert!(rows.iter().all(|r| r["ts"].is_null()));
}

#[test]
fn bad_lines_are_located_counted_and_skipped() {
    let input = b"1.0,8d4840d6202cc371c32ce0576098\nnot hex at all\n1.5,8d4840d6\n2.0,8d4840d6202cc371c32ce0576099\n";
    let out = vigia_stdin(&["decode", "--stats", "-"], input);
    assert!(out.status.success(), "bad lines do not fail the run");
    let rows = rows(&out.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["callsign"], "KLM1023");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stable: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.starts_with("elapsed"))
        .collect();
    insta::assert_snapshot!(stable.join("\n"));
}

#[test]
fn a_missing_file_is_an_error_naming_it() {
    let out = vigia(&["decode", "no/such/capture.bin"]);
    assert!(!out.status.success());
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr));
}

/// The real corpus as `ts,hex` lines of bare messages, with every 56-bit reply either as it is
/// or padded to 112 bits (28 hex digits, as one real receiver stores every reply).
fn corpus_as_hex_lines(pad_short: bool) -> (String, usize) {
    let file = std::fs::File::open(super::root().join("tests/data/long_flight.csv.zst")).unwrap();
    let text = std::io::read_to_string(zstd::Decoder::new(file).unwrap()).unwrap();
    let mut out = String::new();
    let mut short = 0;
    for line in text.lines() {
        let (ts, hex) = line.split_once(',').unwrap();
        let message = &hex[18..];
        out.push_str(ts);
        out.push(',');
        out.push_str(message);
        if message.len() == 14 {
            short += 1;
            if pad_short {
                out.push_str("00000000000000");
            }
        }
        out.push('\n');
    }
    (out, short)
}

#[test]
fn short_replies_in_long_containers_are_decoded_and_counted() {
    let (plain, short) = corpus_as_hex_lines(false);
    let (padded, _) = corpus_as_hex_lines(true);
    assert!(short > 10_000);
    let a = vigia_stdin(&["decode", "--stats", "-"], plain.as_bytes());
    let b = vigia_stdin(&["decode", "--stats", "-"], padded.as_bytes());
    assert!(a.status.success() && b.status.success());
    // Row for row the same decoding: nothing is lost as "unknown".
    assert_eq!(rows(&a.stdout), rows(&b.stdout));
    let stderr = String::from_utf8_lossy(&b.stderr);
    assert!(stderr.contains("unknown 0"), "{stderr}");
    assert!(
        stderr.contains(&format!("short replies in 112-bit containers: {short}")),
        "{stderr}"
    );
    // The tracker says so too, and tracks the same flight.
    let a = vigia_stdin(&["tracks", "--stats", "-"], plain.as_bytes());
    let b = vigia_stdin(&["tracks", "--stats", "-"], padded.as_bytes());
    assert_eq!(a.stdout, b.stdout);
    let stderr = String::from_utf8_lossy(&b.stderr);
    assert!(
        stderr.contains(&format!(
            "short replies in 112-bit containers (decoded from their first 56 bits): {short}"
        )),
        "{stderr}"
    );
}
