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
